/**
 * The planner's answer to the program's Calico look-ups (stacks/calicoFacts.ts `CALICO_LOOKUP_TOKEN`) from the cluster
 * snapshot's `calico-installations.json`, `deployments.json` and `daemonsets.json`, and for the policy conversion Calico's
 * `calico-*.json`, `networkpolicies.json`, `nodes.json` and `pods.json` (`kubectl get … -o json`, as
 * `npm run snapshot` writes them). A file the look-up needs and the snapshot lacks is an input error naming it: an
 * older snapshot without Calico's files never reads as "no Calico".
 */
import { KUBECTL_FILES, KubectlFile } from "../migration/snapshotFiles";
import { CALICO_POLICY_PARTS, type CalicoQuery } from "../stacks/calicoFacts";
import { invokeError } from "./invokeError";

const FILES = { Installation: KUBECTL_FILES.calicoinstallations, Deployment: KUBECTL_FILES.deployments, DaemonSet: KUBECTL_FILES.daemonsets } as const;

/** `read`: the snapshot's file, read once (plan/awsSnapshot.ts: missing or unreadable is an input error naming it). */
export function calicoListResult(read: (file: KubectlFile) => Record<string, unknown>, query: CalicoQuery): { items: Record<string, unknown>[] } {
    // A snapshot writes an empty List for a CRD that is not installed: it cannot tell "not served" from "none". Every
    // Calico file it has counts as served (a missing file is an input error, as for any look-up).
    if (query.kind === "Served") {
        for (const of of CALICO_POLICY_PARTS) calicoListResult(read, { kind: "Objects", of });
        return { items: CALICO_POLICY_PARTS.map((part) => ({ metadata: { name: part } })) };
    }
    const spec = query.kind === "Objects" ? KUBECTL_FILES[query.of] : FILES[query.kind];
    const list = read(spec);
    if (!Array.isArray(list.items)) throw invokeError(`cluster snapshot: ${spec.file} has no "items" list (${spec.writtenBy})`);
    const items = list.items as { metadata?: { name?: string } }[];
    return { items: query.kind === "Installation" || query.kind === "Objects" ? items : items.filter((o) => o.metadata?.name === query.name) };
}
