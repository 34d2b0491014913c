/**
 * Nodes the rule of "Which CNI a node gets" cannot serve (design.md, "Preflight"; both blockers are unwaivable):
 * - `pool-less-legacy-node`: a legacy node (a Linux EC2 node without the Cilium label) in no configured pool — a
 *   managed group left out of `existingCluster.nodeGroups`, a NodePool, a plain Auto Scaling group's node. Nothing
 *   retires it, and at phase 6 it loses its CNI with DaemonSet pods still on it.
 * - `cilium-label-not-twin`: a node with the Cilium label that is no twin's (an earlier trial, another tool using
 *   the same key): it loses aws-node at phase 1, and no Cilium agent comes before phase 2.
 */
import { PreflightCheck, some } from "./check";
import { configuredPoolOf, itemsOf, labelsOf, nameOf } from "./objects";
import { describePool, isCiliumNode, poolOfNode } from "../migration/nodeRule";
import { Obj, PreflightOptions } from "./types";

/** Whether a node with the Cilium label belongs to a twin (or the demo's Cilium group) of the configured pools. */
export function isTwinNode(node: Obj, options: PreflightOptions): boolean {
    const pool = poolOfNode(labelsOf(node));
    if (!pool) return false;
    const c = options.cilium;
    if (c.kind === "group") return pool.kind === "node group" && pool.name === c.name;
    if (!pool.name.endsWith(c.suffix) || pool.name.length === c.suffix.length) return false;
    const source = pool.name.slice(0, -c.suffix.length);
    const sel = options.legacy;
    if (pool.kind === "node group") {
        if (sel.kind === "node-group") return source === sel.name;
        if (sel.kind === "node-groups" && sel.groups) return sel.groups.includes(source);
    }
    return true;
}

/** Nodes grouped by the pool their labels name, for one finding per pool. */
function byPool(nodes: Obj[]): Map<string, Obj[]> {
    const out = new Map<string, Obj[]>();
    for (const n of nodes) {
        const pool = describePool(labelsOf(n));
        out.set(pool, [...(out.get(pool) ?? []), n]);
    }
    return out;
}

function remedyFor(kind: "node group" | "NodePool" | undefined): string {
    if (kind === "node group") return "Add the group to `existingCluster.nodeGroups` (it gets a twin and is retired with the rest), or move its workloads off and delete it before phase 1.";
    if (kind === "NodePool") return "Add the NodePool to `existingCluster.nodePools` (it gets a twin NodePool and is retired with the rest), or move its workloads off and delete it before phase 1.";
    return "Move its workloads off and remove these nodes (or their Auto Scaling group) before phase 1: this version does not migrate self-managed nodes.";
}

export const NODE_RULE_CHECKS: PreflightCheck[] = [
    {
        id: "pool-less-legacy-node", severity: "blocker", phase: 6, needs: ["nodes"],
        run: ({ input, options, legacyNodes }) => {
            const outside = itemsOf(input.nodes).filter((n) => legacyNodes.has(nameOf(n)) && configuredPoolOf(n, options, input) === undefined);
            return [...byPool(outside)].map(([pool, nodes]) => ({
                message: `${nodes.length} legacy node(s) of ${pool} are in no configured legacy pool (${some(nodes.map(nameOf))}): they keep aws-node, ` +
                    "but nothing gives them a twin or retires them, and at phase 6 they lose their CNI with DaemonSet pods still on them.",
                objects: nodes.map(nameOf),
                remedy: remedyFor(poolOfNode(labelsOf(nodes[0]))?.kind),
            }));
        },
    },
    {
        id: "cilium-label-not-twin", severity: "blocker", phase: 1, needs: ["nodes"],
        run: ({ input, options }) => {
            const strays = itemsOf(input.nodes).filter((n) => isCiliumNode(labelsOf(n), options.labels) && !isTwinNode(n, options));
            const { key, ciliumValue } = options.labels;
            return [...byPool(strays)].map(([pool, nodes]) => ({
                message: `${nodes.length} node(s) of ${pool} carry the Cilium label ${key}=${ciliumValue} but belong to no twin (${some(nodes.map(nameOf))}): ` +
                    "from phase 1 aws-node leaves every node with that label, and only the twins' nodes get the Cilium agent's startup taint.",
                objects: nodes.map(nameOf),
                remedy: `Remove the label ${key}=${ciliumValue} from these nodes and from their group's or NodePool's labels (new nodes must not be born with it) ` +
                    "before phase 1, or choose another `nodeLabels.key` / `nodeLabels.ciliumValue` for the migration.",
            }));
        },
    },
];
