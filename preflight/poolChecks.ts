/**
 * The configured pools against the nodes read: a pool the stack names (a listed managed node group, a demo stack's
 * `legacyNodeGroup`) with no node in the cluster is said, never counted silently as "0 legacy nodes" and a pass.
 * When none of the named pools has a node while the cluster has nodes of its own, the stack is not this cluster's
 * (a demo stack, another cluster's list): a blocker.
 */
import { PreflightCheck, some } from "./check";
import { EKS_NODEGROUP_LABEL } from "../migration/names";
import { itemsOf, labelsOf, nameOf, ownNetworkKind } from "./objects";
import { PreflightOptions } from "./types";

/** The pools the stack names explicitly (an unset `nodeGroups` or no `--config-file` names none: they are derived). */
function namedPools(options: PreflightOptions): { pools: string[]; key: string } {
    const sel = options.legacy;
    if (sel.kind === "node-group") return { pools: [sel.name], key: "legacyNodeGroup.name" };
    if (sel.kind === "node-groups" && sel.groups) return { pools: sel.groups, key: "existingCluster.nodeGroups" };
    return { pools: [], key: "" };
}

export const POOL_CHECKS: PreflightCheck[] = [
    {
        id: "pool-without-nodes", severity: "warning", phase: 1, needs: ["nodes"],
        run: ({ input, options }) => {
            const { pools, key } = namedPools(options);
            if (pools.length === 0) return [];
            const nodes = itemsOf(input.nodes).filter((n) => !ownNetworkKind(n));
            const groupOf = (p: string) => nodes.filter((n) => labelsOf(n)[EKS_NODEGROUP_LABEL] === p).map(nameOf);
            const empty = pools.filter((p) => groupOf(p).length === 0);
            if (empty.length === 0) return [];
            const cluster = input.cluster?.name ? ` of cluster ${input.cluster.name}` : "";
            const present = [...new Set(nodes.map((n) => labelsOf(n)[EKS_NODEGROUP_LABEL]).filter(Boolean))].sort();
            const none = empty.length === pools.length && nodes.length > 0;
            return [{
                severity: none ? "blocker" : undefined,
                message: none
                    ? `none of the pools the stack names (\`${key}\`: ${some(pools)}) has a node${cluster}, which has ${nodes.length} node(s)` +
                      `${present.length ? ` in node groups ${some(present)}` : ""}: the stack is not this cluster's, and every node-related check would judge 0 legacy nodes.`
                    : `${empty.length} pool(s) the stack names have no node${cluster}: ${some(empty)} (\`${key}\`); nothing of theirs is judged or drained.`,
                objects: empty,
                remedy: none
                    ? "Give preflight this cluster's stack file (`--config-file`), or set `existingCluster.nodeGroups` to its node groups."
                    : "Check the names against `aws eks list-nodegroups`; a group at zero nodes has nothing to migrate and can stay listed.",
            }];
        },
    },
];
