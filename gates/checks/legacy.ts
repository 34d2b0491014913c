/**
 * legacy-cordoned: every legacy node is unschedulable.
 * legacy-drained: no pod is left on legacy nodes but DaemonSet pods and mirror (static) pods; completed pods hold
 * nothing and are ignored, terminating pods still count (they are still running). Told the configured legacy pools
 * (phase 6's re-check before aws-node goes), it also refuses a legacy node outside every one of them: nothing would
 * retire it, and without aws-node it has no CNI with DaemonSet pods still on it.
 * legacy-retired: no legacy node is left.
 * cni-labels-complete: every Linux EC2 node carries the Cilium label or the legacy marker — what moving a stack pinned
 * by an earlier version (aws-node `In [legacy]`, Cilium `NotIn [legacy]`) to "Which CNI a node gets" relies on.
 * Legacy nodes: "Which CNI a node gets" (every Linux EC2 node without the Cilium label, labelled legacy or not).
 */
import { ClusterSnapshot, Node } from "../../clusterReader/k8sTypes";
import { isDaemonSetPod, isMirrorPod, isPodTerminal, legacyNodes, nameOf, plural, podsByNode, qualifiedName } from "../../clusterReader/objects";
import { GateContext, legacyNoun } from "../../clusterReader/selectors";
import { Findings, Verdict } from "../verdict";
import { describePool, inConfiguredPool, unmigratedKind } from "../../migration/nodeRule";

/** `legacy node ip-10-0-1-5 (node group ng-1)`. */
const described = (ctx: GateContext, node: Node) => `${legacyNoun(ctx)} ${nameOf(node)} (${describePool(node.metadata?.labels)})`;

export function legacyCordoned(snapshot: Required<Pick<ClusterSnapshot, "nodes">>, ctx: GateContext): Verdict {
    const f = new Findings("legacy-cordoned");
    const nodes = legacyNodes(snapshot.nodes, ctx);
    const cordoned = nodes.filter((n) => n.spec?.unschedulable === true);
    for (const node of nodes) if (node.spec?.unschedulable !== true) f.problem(`${described(ctx, node)} is not cordoned`);
    f.progress = `${cordoned.length}/${nodes.length} legacy nodes cordoned`;
    f.ok(`${cordoned.length}/${plural(nodes.length, legacyNoun(ctx))} cordoned`);
    return f.verdict(`${cordoned.length}/${nodes.length} legacy nodes cordoned`);
}

export function legacyDrained(snapshot: Required<Pick<ClusterSnapshot, "nodes" | "pods">>, ctx: GateContext): Verdict {
    const f = new Findings("legacy-drained");
    const nodes = legacyNodes(snapshot.nodes, ctx);
    const byNode = podsByNode(snapshot.pods.items);
    let drained = 0;
    for (const node of nodes) {
        const left = (byNode.get(nameOf(node)) ?? []).filter((p) => !isDaemonSetPod(p) && !isMirrorPod(p) && !isPodTerminal(p));
        if (left.length === 0) drained++;
        for (const pod of left) f.problem(`pod ${qualifiedName(pod)} is still on ${described(ctx, node)}`);
    }
    f.progress = `${drained}/${nodes.length} legacy nodes drained`;
    f.ok(`${drained}/${plural(nodes.length, legacyNoun(ctx))} hold only DaemonSet and mirror pods`);
    if (ctx.pools) poolLess(f, nodes, ctx);
    return f.verdict(`${drained}/${nodes.length} legacy nodes drained`);
}

/** Legacy nodes in no configured pool: nothing retires them, and they lose their CNI with aws-node. */
function poolLess(f: Findings, nodes: Node[], ctx: GateContext): void {
    const outside = nodes.filter((n) => !inConfiguredPool(n.metadata?.labels, ctx.pools ?? {}, n.spec?.providerID));
    for (const node of outside) {
        f.problem(`${described(ctx, node)} is in no configured legacy pool: nothing retires it, and without aws-node it has no CNI ` +
            "while its DaemonSet pods stay; add its pool to the migration, or move its workloads off and remove it");
    }
    if (outside.length === 0) f.ok(`every ${legacyNoun(ctx)} is in a configured legacy pool`);
}

export function legacyRetired(snapshot: Required<Pick<ClusterSnapshot, "nodes">>, ctx: GateContext): Verdict {
    const f = new Findings("legacy-retired");
    const nodes = legacyNodes(snapshot.nodes, ctx);
    for (const node of nodes) f.problem(`${described(ctx, node)} still exists`);
    f.progress = `${plural(nodes.length, "legacy node")} left`;
    if (nodes.length === 0) f.ok(`no ${legacyNoun(ctx)} left`);
    return f.verdict(`no ${legacyNoun(ctx)} left`);
}

/**
 * Under the earlier rule a node with neither label ran Cilium and no aws-node; under the label rule it is legacy and
 * runs aws-node. Moving such a node would swap the agents under its pods, so the move waits until none is left.
 */
export function cniLabelsComplete(snapshot: Required<Pick<ClusterSnapshot, "nodes">>, ctx: GateContext): Verdict {
    const f = new Findings("cni-labels-complete");
    const linuxEc2 = snapshot.nodes.items.filter((n) => unmigratedKind(n.metadata?.labels) === undefined);
    const unlabelled = linuxEc2.filter((n) => n.metadata?.labels?.[ctx.cilium.key] !== ctx.cilium.value && n.metadata?.labels?.[ctx.legacy.key] !== ctx.legacy.value);
    for (const node of unlabelled) {
        f.problem(`node ${nameOf(node)} (${describePool(node.metadata?.labels)}) has neither ${ctx.cilium.text} nor ${ctx.legacy.text}: ` +
            `the earlier rule gave it Cilium, the label rule gives it aws-node; label it ${ctx.legacy.text} if it belongs to a legacy pool ` +
            "(the DaemonSets then move before the rule does), or drain and remove it, then run the update again");
    }
    f.ok(`${linuxEc2.length - unlabelled.length}/${plural(linuxEc2.length, "Linux EC2 node")} carry one of the two labels`);
    return f.verdict(`every Linux EC2 node carries ${ctx.cilium.text} or ${ctx.legacy.text}`);
}
