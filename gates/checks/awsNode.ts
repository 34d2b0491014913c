/**
 * aws-node-pinned: aws-node runs, ready, on exactly the legacy nodes, none elsewhere, and its DaemonSet carries the
 * legacy-label affinity in every node selector term (without it the next new node would get aws-node).
 * aws-node-removed: no aws-node DaemonSet and no aws-node pod are left.
 */
import { ClusterSnapshot, DaemonSet } from "../../clusterReader/k8sTypes";
import { findNamed, isPodReady, nameOf, nodesMatching, plural, podsWithLabel } from "../../clusterReader/objects";
import { GateContext, LabelSelector, matches } from "../../clusterReader/selectors";
import { Findings, Verdict } from "../verdict";
import { AWS_NODE, EKS_COMPUTE_TYPE_LABEL, KUBE_SYSTEM, OWN_NETWORK_COMPUTE_TYPES } from "../../migration/names";
import { daemonSetRemoved } from "./removed";

export function awsNodePinned(snapshot: Required<Pick<ClusterSnapshot, "nodes" | "pods" | "daemonsets">>, ctx: GateContext): Verdict {
    const f = new Findings("aws-node-pinned");
    const ds = findNamed(snapshot.daemonsets, KUBE_SYSTEM, AWS_NODE.daemonSet);
    if (!ds) f.problem(`DaemonSet ${KUBE_SYSTEM}/${AWS_NODE.daemonSet} not found`);
    else if (!affinityRequires(ds, ctx.legacy)) f.problem(`DaemonSet ${KUBE_SYSTEM}/${AWS_NODE.daemonSet} has no required node affinity ${ctx.legacy.key} In [${ctx.legacy.value}] in every term`);
    else f.ok(`DaemonSet ${KUBE_SYSTEM}/${AWS_NODE.daemonSet} requires ${ctx.legacy.text}`);

    const legacyNodes = new Set(nodesMatching(snapshot.nodes, ctx.legacy).map(nameOf));
    const pods = podsWithLabel(snapshot.pods, ...AWS_NODE.podLabel, KUBE_SYSTEM);
    const nodeLabels = new Map(snapshot.nodes.items.map((n) => [nameOf(n), n.metadata?.labels]));
    const readyOn = new Set<string>();
    for (const pod of pods) {
        const node = pod.spec?.nodeName;
        if (!node) continue;
        if (!matches(ctx.legacy, nodeLabels.get(node))) f.problem(`aws-node pod ${nameOf(pod)} is on node ${node}, which is not a ${ctx.legacy.text} node`);
        else if (isPodReady(pod)) readyOn.add(node);
    }
    for (const node of legacyNodes) {
        if (!readyOn.has(node)) f.problem(`legacy node ${node} has no ready aws-node pod`);
    }
    // A node in neither pool has no CNI once aws-node is pinned: an unlabelled node of a legacy group, a self-managed
    // or Karpenter node. Windows, Fargate, hybrid and Auto Mode nodes run neither CNI and are not counted.
    for (const n of snapshot.nodes.items) {
        const labels = n.metadata?.labels ?? {};
        const ownNetwork = labels["kubernetes.io/os"] === "windows" || (OWN_NETWORK_COMPUTE_TYPES as readonly string[]).includes(labels[EKS_COMPUTE_TYPE_LABEL] ?? "");
        if (!ownNetwork && !matches(ctx.legacy, labels) && !matches(ctx.cilium, labels)) {
            f.problem(`node ${nameOf(n)} carries neither ${ctx.legacy.text} nor ${ctx.cilium.text}: pinned aws-node leaves it and no Cilium agent comes; label it (or its node group)`);
        }
    }
    f.progress = `${readyOn.size}/${legacyNodes.size} legacy nodes with a ready aws-node`;
    f.ok(`${readyOn.size}/${plural(legacyNodes.size, "legacy node")} with a ready aws-node pod; ${plural(pods.length, "aws-node pod")} in all`);
    return f.verdict(`aws-node ready on exactly the ${plural(legacyNodes.size, "legacy node")}`);
}

/** Node selector terms are ORed: every one of them must require the legacy label, or one term lets aws-node out. */
export function affinityRequires(ds: DaemonSet, selector: LabelSelector): boolean {
    const terms = ds.spec?.template?.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
    return terms.length > 0 && terms.every((t) => (t.matchExpressions ?? []).some((e) =>
        e.key === selector.key && e.operator === "In" && (e.values ?? []).length === 1 && e.values?.[0] === selector.value));
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
