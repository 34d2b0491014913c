/**
 * legacy-cordoned: every legacy node is unschedulable.
 * legacy-drained: no pod is left on legacy nodes but DaemonSet pods and mirror (static) pods; completed pods hold
 * nothing and are ignored, terminating pods still count (they are still running).
 * legacy-retired: no legacy node is left.
 */
import { ClusterSnapshot } from "../../clusterReader/k8sTypes";
import { isDaemonSetPod, isMirrorPod, isPodTerminal, nameOf, nodesMatching, plural, podsByNode, qualifiedName } from "../../clusterReader/objects";
import { GateContext } from "../../clusterReader/selectors";
import { Findings, Verdict } from "../verdict";

export function legacyCordoned(snapshot: Required<Pick<ClusterSnapshot, "nodes">>, ctx: GateContext): Verdict {
    const f = new Findings("legacy-cordoned");
    const nodes = nodesMatching(snapshot.nodes, ctx.legacy);
    const cordoned = nodes.filter((n) => n.spec?.unschedulable === true);
    for (const node of nodes) if (node.spec?.unschedulable !== true) f.problem(`legacy node ${nameOf(node)} is not cordoned`);
    f.progress = `${cordoned.length}/${nodes.length} legacy nodes cordoned`;
    f.ok(`${cordoned.length}/${plural(nodes.length, ctx.legacy.text + " node")} cordoned`);
    return f.verdict(`${cordoned.length}/${nodes.length} legacy nodes cordoned`);
}

export function legacyDrained(snapshot: Required<Pick<ClusterSnapshot, "nodes" | "pods">>, ctx: GateContext): Verdict {
    const f = new Findings("legacy-drained");
    const nodes = nodesMatching(snapshot.nodes, ctx.legacy);
    const byNode = podsByNode(snapshot.pods.items);
    let drained = 0;
    for (const node of nodes) {
        const left = (byNode.get(nameOf(node)) ?? []).filter((p) => !isDaemonSetPod(p) && !isMirrorPod(p) && !isPodTerminal(p));
        if (left.length === 0) drained++;
        for (const pod of left) f.problem(`pod ${qualifiedName(pod)} is still on legacy node ${nameOf(node)}`);
    }
    f.progress = `${drained}/${nodes.length} legacy nodes drained`;
    f.ok(`${drained}/${plural(nodes.length, ctx.legacy.text + " node")} hold only DaemonSet and mirror pods`);
    return f.verdict(`${drained}/${nodes.length} legacy nodes drained`);
}

export function legacyRetired(snapshot: Required<Pick<ClusterSnapshot, "nodes">>, ctx: GateContext): Verdict {
    const f = new Findings("legacy-retired");
    const nodes = nodesMatching(snapshot.nodes, ctx.legacy);
    for (const node of nodes) f.problem(`legacy node ${nameOf(node)} still exists`);
    f.progress = `${plural(nodes.length, "legacy node")} left`;
    if (nodes.length === 0) f.ok(`no ${ctx.legacy.text} node left`);
    return f.verdict(`no ${ctx.legacy.text} node left`);
}
