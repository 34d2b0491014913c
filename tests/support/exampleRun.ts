// Preflight on the example cluster (examples/prod-east, as Pulumi.existing.yaml migrates it), edited per case: the
// snapshot is read once, and every run edits copies of it and of the options.
import { readPreflightSnapshot } from "../../preflight/read";
import { runPreflight } from "../../preflight/run";
import { Finding, Obj, PreflightInput, PreflightOptions } from "../../preflight/types";
import { preflightOptionsOf } from "../../stacks/preflightConfig";
import { migrationConfigOf, readStackFile } from "../../stacks/stackFile";
import { EXAMPLE_SNAPSHOT, EXISTING_STACK } from "./existingCluster";

/** The example's snapshot as preflight reads it. Never edit it: take a copy (`editedExample`). */
export const EXAMPLE_INPUT = readPreflightSnapshot(EXAMPLE_SNAPSHOT);
const STACK = migrationConfigOf(readStackFile(EXISTING_STACK));

/** The options the example's stack gives preflight, with the stack's `cilium.values` set to `values`. */
export const stackOptions = (values?: Obj): PreflightOptions =>
    preflightOptionsOf(values === undefined ? STACK : { ...STACK, cilium: { ...STACK.cilium, values } });

/** The example's list of `part` (daemonsets, pods, nodes, …), to edit in place. */
export const listOf = (input: PreflightInput, part: keyof PreflightInput): Obj[] => (input[part] as { items: Obj[] }).items;

/** A copy of the example's snapshot with `edit` applied. */
export function editedExample(edit: (input: PreflightInput) => void): PreflightInput {
    const input = structuredClone(EXAMPLE_INPUT);
    edit(input);
    return input;
}

/** The findings of check `id` with `edit` applied to copies of the snapshot and of `options` (default: the stack's). */
export function exampleFindings(id: string, edit: (input: PreflightInput, options: PreflightOptions) => void, options: PreflightOptions = stackOptions()): Finding[] {
    const input = structuredClone(EXAMPLE_INPUT);
    const own = structuredClone(options);
    edit(input, own);
    return runPreflight(input, own).findings.filter((f) => f.id === id);
}

/** The findings of check `id` with the stack's `cilium.values` set to `values` (the meaning checks judge the release's values). */
export const meaningFindings = (id: string, edit: (input: PreflightInput, options: PreflightOptions) => void, values: Obj = {}): Finding[] =>
    exampleFindings(id, edit, stackOptions(values));
