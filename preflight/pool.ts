/**
 * Where the legacy nodes' pods will go: the Cilium pool as the migration will make it. An existing cluster's twins
 * copy their legacy pool's subnets, labels and taints; the demo's Cilium group is its own node group. Read from the
 * snapshot's node groups, Auto Scaling groups, NodePools, EC2NodeClasses and subnets.
 */
import { EKS_NODEGROUP_LABEL } from "../migration/names";
import { ASG_FILES, AWS_FILES, KUBECTL_FILES } from "../migration/snapshotFiles";
import { asgSubnetIds, ec2NodeClassOf, nodeClassSubnets } from "../clusterReader/poolSubnets";
import { legacyNodePools } from "./karpenterChecks";
import { KARPENTER_NODEPOOL_LABEL, poolOfNode } from "../migration/nodeRule";
import { configuredPoolOf, itemsOf, labelsOf, nameOf } from "./objects";
import { Obj, PreflightContext } from "./types";

const poolsByContext = new WeakMap<PreflightContext, Set<string>>();
type PoolKind = "node group" | "NodePool" | "Auto Scaling group";
const poolKey = (kind: PoolKind, name: string) => `${kind}/${name}`;

/**
 * The configured legacy pools (node groups, Auto Scaling groups, NodePools) that have legacy nodes, each by kind and
 * name — a NodePool and a node group may share a name (`default`) — once per context: several checks ask.
 */
function poolsWithLegacyNodes(ctx: PreflightContext): Set<string> {
    let pools = poolsByContext.get(ctx);
    if (!pools) {
        pools = new Set();
        for (const n of itemsOf(ctx.input.nodes).filter((x) => ctx.legacyNodes.has(nameOf(x)))) {
            const name = configuredPoolOf(n, ctx.options, ctx.input);
            // configuredPoolOf names a node group or NodePool by the node's label, an Auto Scaling group by its instance.
            if (name !== undefined) pools.add(poolKey(poolOfNode(labelsOf(n))?.kind ?? "Auto Scaling group", name));
        }
        poolsByContext.set(ctx, pools);
    }
    return pools;
}

/** The configured legacy managed node groups that have legacy nodes (as described by EKS). */
export function legacyGroups(ctx: PreflightContext): Obj[] {
    const names = poolsWithLegacyNodes(ctx);
    return (ctx.input.nodegroups ?? []).filter((g) => names.has(poolKey("node group", g.nodegroupName)));
}

/** The Auto Scaling groups the stack migrates (`asgs`) that have legacy nodes (as described by the AWS CLI). */
export function legacyAsgs(ctx: PreflightContext): Obj[] {
    const names = poolsWithLegacyNodes(ctx);
    return (ctx.input.autoscalinggroups ?? []).filter((g) => (ctx.options.asgs ?? []).includes(g.AutoScalingGroupName) && names.has(poolKey("Auto Scaling group", g.AutoScalingGroupName)));
}

/**
 * Where the Cilium pool's nodes launch, pool by pool (clusterReader/poolSubnets.ts): each twin into its legacy pool's
 * subnets — a node group's, an Auto Scaling group's `VPCZoneIdentifier`, a NodePool's EC2NodeClass `status.subnets`
 * (undefined: Karpenter has written none, or the class is not in the snapshot) — or the demo's Cilium group's.
 * `file` is where the subnets are named.
 */
export interface PoolSubnets { pool: string; file: string; subnets: string[] | undefined }

export function ciliumPoolSubnets(ctx: PreflightContext): PoolSubnets[] {
    const c = ctx.options.cilium;
    const group = (g: Obj): PoolSubnets => ({ pool: `node group ${g.nodegroupName}`, file: AWS_FILES.nodegroups.file, subnets: g.subnets ?? [] });
    if (c.kind !== "twins") return (ctx.input.nodegroups ?? []).filter((g) => g.nodegroupName === c.name).map(group);
    const names = poolsWithLegacyNodes(ctx);
    const classes = new Map(itemsOf(ctx.input.ec2nodeclasses).map((k) => [nameOf(k), k]));
    return [
        ...legacyGroups(ctx).map(group),
        ...legacyAsgs(ctx).map((g) => ({ pool: `Auto Scaling group ${g.AutoScalingGroupName}`, file: ASG_FILES.autoScalingGroups.file, subnets: asgSubnetIds(g) })),
        ...legacyNodePools(ctx).filter((np) => names.has(poolKey("NodePool", nameOf(np)))).map((np) => {
            const cls = ec2NodeClassOf(np);
            const known = cls !== undefined && classes.has(cls);
            return { pool: `NodePool ${nameOf(np)} (EC2NodeClass ${cls ?? "none"}${known ? "" : `, not in ${KUBECTL_FILES.ec2nodeclasses.file}`})`,
                file: KUBECTL_FILES.ec2nodeclasses.file, subnets: nodeClassSubnets(known ? classes.get(cls) : undefined)?.map((s) => s.id) };
        }),
    ];
}

/** The node group a legacy group's pods move to. */
export function ciliumGroupName(ctx: PreflightContext, legacyGroup: string): string {
    const c = ctx.options.cilium;
    return c.kind === "twins" ? `${legacyGroup}${c.suffix}` : c.name;
}

/** The Cilium pool's subnets: the twins' (their legacy pools'), or the demo's Cilium group's. */
export function ciliumSubnets(ctx: PreflightContext): string[] {
    return [...new Set(ciliumPoolSubnets(ctx).flatMap((p) => p.subnets ?? []))];
}

/**
 * Availability zone of each subnet the snapshot describes; a subnet subnets.json lacks takes the zone an EC2NodeClass's
 * `status.subnets` gives it (Karpenter resolved both from EC2).
 */
export function zoneOfSubnet(ctx: PreflightContext): Map<string, string> {
    const zones = new Map<string, string>();
    for (const k of itemsOf(ctx.input.ec2nodeclasses)) for (const s of nodeClassSubnets(k) ?? []) if (s.zone) zones.set(s.id, s.zone);
    for (const s of ctx.input.subnets ?? []) zones.set(s.SubnetId, s.AvailabilityZone);
    return zones;
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
