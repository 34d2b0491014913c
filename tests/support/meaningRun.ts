// Preflight's "What changes meaning under Cilium" findings on the example cluster (examples/prod-east as
// Pulumi.existing.yaml migrates it), with the stack's `cilium.values` and the snapshot edited per case.
import { readPreflightSnapshot } from "../../preflight/read";
import { runPreflight } from "../../preflight/run";
import { Finding, Obj, PreflightInput, PreflightOptions } from "../../preflight/types";
import { preflightOptionsOf } from "../../stacks/preflightConfig";
import { migrationConfigOf, readStackFile } from "../../stacks/stackFile";
import { EXAMPLE_SNAPSHOT, EXISTING_STACK } from "./existingCluster";

const SNAPSHOT = readPreflightSnapshot(EXAMPLE_SNAPSHOT);
const STACK = migrationConfigOf(readStackFile(EXISTING_STACK));

/** The example's list of `part` (daemonsets, pods, nodes, …), to edit in place. */
export const listOf = (input: PreflightInput, part: keyof PreflightInput): Obj[] => (input[part] as { items: Obj[] }).items;

/** The findings of check `id` with `cilium.values` set to `values` in the stack and `edit` applied to copies of the snapshot and options. */
export function meaningFindings(id: string, edit: (input: PreflightInput, options: PreflightOptions) => void, values: Obj = {}): Finding[] {
    const input = structuredClone(SNAPSHOT);
    const options = preflightOptionsOf({ ...STACK, cilium: { ...STACK.cilium, values } });
    edit(input, options);
    return runPreflight(input, options).findings.filter((f) => f.id === id);
}
