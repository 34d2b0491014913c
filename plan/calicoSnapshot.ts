/**
 * The planner's answer to the program's Calico look-ups (stacks/calicoFacts.ts `CALICO_LOOKUP_TOKEN`) from the cluster
 * snapshot's `calico-installations.json`, `deployments.json` and `daemonsets.json` (`kubectl get … -o json`, as
 * `npm run snapshot` writes them). A file the look-up needs and the snapshot lacks is an input error naming it: an
 * older snapshot without Calico's files never reads as "no Calico".
 */
import * as fs from "fs";
import * as path from "path";
import { JsonFileError, readJsonObject } from "../clusterReader/jsonStream";
import { KUBECTL_FILES } from "../migration/snapshotFiles";
import type { CalicoQuery } from "../stacks/calicoFacts";

/** An error the SDK hands back to the program with its text. */
const invokeError = (message: string): Error => Object.assign(new Error(message), { details: message });

const FILES = { Installation: KUBECTL_FILES.calicoinstallations, Deployment: KUBECTL_FILES.deployments, DaemonSet: KUBECTL_FILES.daemonsets } as const;

export function calicoListResult(dir: string, query: CalicoQuery): { items: Record<string, unknown>[] } {
    const { file: name, writtenBy } = FILES[query.kind];
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) throw invokeError(`cluster snapshot: ${file} is missing; this look-up needs it (${writtenBy}, or npm run snapshot)`);
    let list: Record<string, unknown>;
    try {
        list = readJsonObject(file);
    } catch (err) {
        if (err instanceof JsonFileError) throw invokeError(`cluster snapshot: ${err.message}`);
        throw err;
    }
    if (!Array.isArray(list.items)) throw invokeError(`cluster snapshot: ${file} has no "items" list (${writtenBy})`);
    const items = list.items as { metadata?: { name?: string } }[];
    return { items: query.kind === "Installation" ? items : items.filter((o) => o.metadata?.name === query.name) };
}
