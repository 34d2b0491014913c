/**
 * Where the legacy nodes' pods will go: the Cilium pool as the migration will make it. An existing cluster's twins
 * copy their legacy group's subnets, labels and taints; the demo's Cilium group is its own node group. Read from the
 * snapshot's node groups and subnets.
 */
import { EKS_NODEGROUP_LABEL } from "../migration/names";
import { KARPENTER_NODEPOOL_LABEL } from "../migration/nodeRule";
import { configuredPoolOf, itemsOf, labelsOf, nameOf } from "./objects";
import { Obj, PreflightContext } from "./types";

/** The configured legacy managed node groups that have legacy nodes (as described by EKS). */
export function legacyGroups(ctx: PreflightContext): Obj[] {
    const names = new Set(itemsOf(ctx.input.nodes).filter((n) => ctx.legacyNodes.has(nameOf(n))).map((n) => configuredPoolOf(n, ctx.options, ctx.input)));
    return (ctx.input.nodegroups ?? []).filter((g) => names.has(g.nodegroupName));
}

/** The node group a legacy group's pods move to. */
export function ciliumGroupName(ctx: PreflightContext, legacyGroup: string): string {
    const c = ctx.options.cilium;
    return c.kind === "twins" ? `${legacyGroup}${c.suffix}` : c.name;
}

/** The Cilium pool's subnets: the twins' (their legacy groups'), or the demo's Cilium group's. */
export function ciliumSubnets(ctx: PreflightContext): string[] {
    const c = ctx.options.cilium;
    const groups = c.kind === "twins" ? legacyGroups(ctx) : (ctx.input.nodegroups ?? []).filter((g) => g.nodegroupName === c.name);
    return [...new Set(groups.flatMap((g) => g.subnets ?? []))];
}

/** Availability zone of each subnet the snapshot describes. */
export function zoneOfSubnet(ctx: PreflightContext): Map<string, string> {
    return new Map((ctx.input.subnets ?? []).map((s) => [s.SubnetId, s.AvailabilityZone]));
}

/** A legacy node's labels as its replacement in the Cilium pool will carry them (the node's own name aside). */
export function replacementLabels(ctx: PreflightContext, node: Obj): Record<string, string> {
    const labels = { ...labelsOf(node) };
    const { key, ciliumValue } = ctx.options.labels;
    labels[key] = ciliumValue;
    if (labels[EKS_NODEGROUP_LABEL]) labels[EKS_NODEGROUP_LABEL] = ciliumGroupName(ctx, labels[EKS_NODEGROUP_LABEL]);
    // Karpenter labels each node with its NodePool's name (nodeclaimtemplate.go: NodePoolLabelKey = nodePool.Name;
    // tests/fixtures/real/karpenter/core): the twin's nodes carry the twin's name. The demo's Cilium group is no NodePool.
    if (labels[KARPENTER_NODEPOOL_LABEL]) {
        if (ctx.options.cilium.kind === "twins") labels[KARPENTER_NODEPOOL_LABEL] = ciliumGroupName(ctx, labels[KARPENTER_NODEPOOL_LABEL]);
        else delete labels[KARPENTER_NODEPOOL_LABEL];
    }
    delete labels["kubernetes.io/hostname"];
    return labels;
}
