/**
 * aws-node-pinned: aws-node runs, ready, on exactly the legacy nodes ("Which CNI a node gets": every Linux EC2 node
 * without the Cilium label, labelled legacy or not), none elsewhere, and its DaemonSet's placement is judged by
 * effect: it admits every legacy node of the cluster and a Linux node as kubelet registers it without any `cni`
 * label (the next node of a legacy ASG or NodePool), and no node with the Cilium label.
 * aws-node-removed: no aws-node DaemonSet and no aws-node pod are left.
 */
import { ClusterSnapshot, DaemonSet } from "../../clusterReader/k8sTypes";
import { findNamed, isPodReady, legacyNodes, nameOf, plural, podsWithLabel } from "../../clusterReader/objects";
import { GateContext, isLegacy, matches } from "../../clusterReader/selectors";
import { Findings, Verdict } from "../verdict";
import { AWS_NODE, KUBE_SYSTEM } from "../../migration/names";
import { Placement, describePool, placementAdmits } from "../../migration/nodeRule";
import { daemonSetRemoved } from "./removed";

export function awsNodePinned(snapshot: Required<Pick<ClusterSnapshot, "nodes" | "pods" | "daemonsets">>, ctx: GateContext): Verdict {
    const f = new Findings("aws-node-pinned");
    const ds = findNamed(snapshot.daemonsets, KUBE_SYSTEM, AWS_NODE.daemonSet);
    if (!ds) f.problem(`DaemonSet ${KUBE_SYSTEM}/${AWS_NODE.daemonSet} not found`);
    else {
        const wrong = pinProblems(ds, ctx, snapshot.nodes.items.map((n) => ({ name: `node ${nameOf(n)}`, labels: n.metadata?.labels ?? {} })));
        for (const problem of wrong) f.problem(`DaemonSet ${KUBE_SYSTEM}/${AWS_NODE.daemonSet} ${problem}`);
        if (wrong.length === 0) f.ok(`DaemonSet ${KUBE_SYSTEM}/${AWS_NODE.daemonSet} admits every legacy node, labelled or not, and no ${ctx.cilium.text} node`);
    }

    const legacy = legacyNodes(snapshot.nodes, ctx);
    const pods = podsWithLabel(snapshot.pods, ...AWS_NODE.podLabel, KUBE_SYSTEM);
    const nodeLabels = new Map(snapshot.nodes.items.map((n) => [nameOf(n), n.metadata?.labels]));
    const readyOn = new Set<string>();
    for (const pod of pods) {
        const node = pod.spec?.nodeName;
        if (!node) continue;
        const labels = nodeLabels.get(node);
        if (!isLegacy(ctx, labels)) {
            f.problem(`aws-node pod ${nameOf(pod)} is on node ${node}, which is not a legacy node${matches(ctx.cilium, labels) ? ` (it carries ${ctx.cilium.text})` : ""}`);
        } else if (isPodReady(pod)) readyOn.add(node);
    }
    for (const node of legacy) {
        if (!readyOn.has(nameOf(node))) f.problem(`legacy node ${nameOf(node)} (${describePool(node.metadata?.labels)}) has no ready aws-node pod`);
    }
    f.progress = `${readyOn.size}/${legacy.length} legacy nodes with a ready aws-node`;
    f.ok(`${readyOn.size}/${plural(legacy.length, "legacy node")} with a ready aws-node pod; ${plural(pods.length, "aws-node pod")} in all`);
    return f.verdict(`aws-node ready on exactly the ${plural(legacy.length, "legacy node")}`);
}

/** A Linux EC2 node as kubelet registers it, with no `cni` label: the next node of a legacy ASG or NodePool. */
const unlabelledLinuxNodes = ["amd64", "arm64"].map((arch) => ({
    name: `a Linux ${arch} node registered with no label of ours`,
    labels: { "kubernetes.io/os": "linux", "kubernetes.io/arch": arch } as Record<string, string>,
}));

/**
 * What is wrong with aws-node's placement, judged by effect (the scheduler's reading of its nodeSelector and required
 * node affinity): each legacy node given must be admitted, and each Cilium node refused; and no node may need the
 * legacy marker to be admitted (an unlabelled Linux node, and each legacy node without its marker, is admitted when
 * the same node with the marker is) — the seeds' `In [<legacy>]` fails here, a cluster's own narrower terms do not.
 */
export function pinProblems(ds: DaemonSet, ctx: GateContext, nodes: { name: string; labels: Record<string, string> }[]): string[] {
    const spec = ds.spec?.template?.spec as Placement | undefined;
    const terms = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    if (!terms || terms.length === 0) return [`has no required node affinity: it would run on ${ctx.cilium.text} nodes`];
    const out: string[] = [];
    const legacy = nodes.filter((n) => isLegacy(ctx, n.labels));
    for (const node of legacy) {
        if (!placementAdmits(spec, node.labels)) out.push(`does not admit ${node.name}, a legacy node: its affinity must keep the cluster's terms and only add ${ctx.cilium.key} NotIn [${ctx.cilium.value}]`);
    }
    const withoutMarker = (labels: Record<string, string>) => Object.fromEntries(Object.entries(labels).filter(([k]) => k !== ctx.legacy.key));
    const probes = [...unlabelledLinuxNodes, ...legacy.map((n) => ({ name: `${n.name} without ${ctx.legacy.text}`, labels: withoutMarker(n.labels) }))];
    for (const probe of probes) {
        const marked = { ...probe.labels, [ctx.legacy.key]: ctx.legacy.value };
        if (placementAdmits(spec, marked) && !placementAdmits(spec, probe.labels)) {
            out.push(`does not admit ${probe.name}, a legacy node nobody labelled (it admits it with ${ctx.legacy.text}): ` +
                `${ctx.legacy.text} is a marker only; each term needs ${ctx.cilium.key} NotIn [${ctx.cilium.value}] instead`);
        }
    }
    const cilium = { name: `a node labelled ${ctx.cilium.text}`, labels: { "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", [ctx.cilium.key]: ctx.cilium.value } };
    for (const node of [cilium, ...nodes.filter((n) => matches(ctx.cilium, n.labels))]) {
        if (placementAdmits(spec, node.labels)) out.push(`admits ${node.name}: every term needs ${ctx.cilium.key} NotIn [${ctx.cilium.value}]`);
    }
    return [...new Set(out)];
}

/**
 * What to do when aws-node is back after phase 6: another owner re-applied vpc-cni (Terraform's `aws_eks_addon`,
 * eksctl, a console add-on upgrade) and it came back without its pin, with its CNI configuration beside Cilium's
 * (cilium/cilium#25131). Every gate from phase 6 on runs this check, and each update re-runs the previous gate.
 */
export const AWS_NODE_BACK_REMEDY = "if it came back after phase 6, another owner re-applied vpc-cni (Terraform's aws_eks_addon, eksctl, an " +
    "add-on update in the console) without the pin, and its CNI configuration sits beside Cilium's (cilium/cilium#25131): take vpc-cni " +
    "out of that tool (terraform state rm and remove it from the configuration; eksctl: drop it from addons), delete the add-on with " +
    "`aws eks delete-addon --cluster-name <cluster> --addon-name vpc-cni --preserve` and then `kubectl -n kube-system delete daemonset " +
    "aws-node`, and run the update again";

export function awsNodeRemoved(snapshot: Required<Pick<ClusterSnapshot, "pods" | "daemonsets">>): Verdict {
    const v = daemonSetRemoved("aws-node-removed", AWS_NODE, snapshot);
    return v.pass ? v : { ...v, reason: `${v.reason}; ${AWS_NODE_BACK_REMEDY}`, findings: [...v.findings, `aws-node-removed: ${AWS_NODE_BACK_REMEDY}`] };
}
