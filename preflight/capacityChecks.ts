/**
 * What brings nodes and addresses in or out around the migration: the Cluster Autoscaler (Karpenter: karpenterChecks.ts), and the
 * pool subnets' free addresses for two pools side by side — every twin's, whatever its legacy pool's kind (pool.ts).
 */
import { Hit, PreflightCheck, some } from "./check";
import { itemsOf, podsOnLegacy, qualified } from "./objects";
import { ciliumPoolSubnets, legacyAsgs, legacyGroups } from "./pool";
import { Obj, PreflightContext } from "./types";

/** Cilium's ENI IPAM keeps this many addresses free per node (`pre-allocate`, 8 by default), plus the node's own. */
export const ADDRESSES_PER_NODE = 1 + 8;

const images = (d: Obj): string[] => (d.spec?.template?.spec?.containers ?? []).map((c: Obj) => String(c.image ?? ""));

export const CAPACITY_CHECKS: PreflightCheck[] = [
    {
        id: "cluster-autoscaler", severity: "warning", phase: 4, needs: ["deployments"],
        run: ({ input }) => {
            const found = itemsOf(input.deployments).filter((d) => /cluster-autoscaler/.test(d.metadata?.name ?? "") ||
                images(d).some((i) => /\/cluster-autoscaler(:|@|$)/.test(i))).map(qualified);
            return found.length === 0 ? [] : [{
                message: `the Cluster Autoscaler runs (${some(found)}): it can scale the legacy groups back up with uncordoned nodes while they are being emptied.`,
                objects: found,
                remedy: "From phase 4 the legacy groups carry a NoSchedule taint (their new nodes come up unschedulable for ordinary pods, and the autoscaler " +
                    "does not grow a group whose nodes pending pods cannot use); also take the legacy groups out of its reach before phase 4 (remove the " +
                    "`k8s.io/cluster-autoscaler/enabled` tag from their Auto Scaling groups, or drop them from `--nodes`) and give it the twins.",
            }];
        },
    },
    {
        // Not in the design's table: managed node group auto-repair replaces legacy nodes, from the group's own config.
        id: "node-auto-repair", severity: "info", phase: 4, needs: ["nodes", "nodegroups"],
        run: (ctx) => {
            const repairing = legacyGroups(ctx).filter((g) => g.nodeRepairConfig?.enabled === true).map((g) => String(g.nodegroupName));
            return repairing.length === 0 ? [] : [{
                message: `node auto-repair is on for ${some(repairing)}: EKS replaces an unhealthy legacy node with a new one from the group while it is being emptied.`,
                objects: repairing,
                remedy: "Nothing to do: a replacement comes up with the group's cni label and, from phase 4, its retiring NoSchedule taint, and is cordoned and drained with the rest.",
            }];
        },
    },
    {
        id: "subnet-capacity", severity: "warning", phase: 3, needs: ["nodes", "pods", "nodegroups", "subnets"],
        run: (ctx) => [...undescribedSubnets(ctx), ...shortOfAddresses(ctx)],
    },
];

/**
 * The twins' subnets subnets.json does not describe, pool by pool (and EC2NodeClasses without resolved subnets): their
 * free addresses are not counted, nor their zones known, so say so rather than judge without them.
 */
function undescribedSubnets(ctx: PreflightContext): Hit[] {
    const described = new Set((ctx.input.subnets ?? []).map((s) => s.SubnetId));
    const gaps = ciliumPoolSubnets(ctx).map((p) => ({ ...p, missing: p.subnets?.filter((id) => !described.has(id)) }))
        .filter((p) => p.missing === undefined || p.missing.length > 0);
    return gaps.length === 0 ? [] : [{
        message: `subnets.json does not describe every subnet the Cilium pool launches into: ${some(gaps.map(gapWording), 3)}. ` +
            "Their free addresses are not counted here, and a zone only they reach is not known to zonal-volume.",
        objects: gaps.map(gapWording),
        remedy: "Take a new snapshot with npm run snapshot (it describes every legacy pool's subnets: node groups, Auto Scaling groups, " +
            "EC2NodeClasses); a NodePool's EC2NodeClass needs `status.subnets`, which Karpenter writes once it has resolved `subnetSelectorTerms`.",
    }];
}

const gapWording = (p: { pool: string; file: string; missing?: string[] }): string => p.missing === undefined
    ? `${p.pool}: its subnets are unknown (no EC2NodeClass \`status.subnets\` in ${p.file})`
    : `${p.pool}: ${p.missing.join(", ")} (named in ${p.file})`;

/** The twins' subnets' free addresses against what moving the legacy pods needs, each subnet with the twins that use it. */
function shortOfAddresses(ctx: PreflightContext): Hit[] {
    const pools = ciliumPoolSubnets(ctx);
    const subnets = new Set(pools.flatMap((p) => p.subnets ?? []));
    const described = (ctx.input.subnets ?? []).filter((s) => subnets.has(s.SubnetId));
    if (described.length === 0) return [];
    const free = described.reduce((sum, s) => sum + Number(s.AvailableIpAddressCount ?? 0), 0);
    const pods = podsOnLegacy(ctx).filter((p) => !p.spec?.hostNetwork).length;
    const desired = legacyGroups(ctx).reduce((sum, g) => sum + Number(g.scalingConfig?.desiredSize ?? 0), 0) +
        legacyAsgs(ctx).reduce((sum, g) => sum + Number(g.DesiredCapacity ?? 0), 0);
    const nodes = Math.max(ctx.legacyNodes.size, desired);
    const need = pods + nodes * ADDRESSES_PER_NODE;
    const users = (id: string) => pools.filter((p) => p.subnets?.includes(id)).map((p) => p.pool);
    return free >= need ? [] : [{
        message: `the Cilium pool's subnets have ${free} free address(es); moving ${pods} pod(s) onto ${nodes} new node(s) needs about ${need} ` +
            `(each pod one, each node ${ADDRESSES_PER_NODE}: its own and Cilium's pre-allocation) while the legacy pool still holds its own.`,
        objects: described.map((s) => `${s.SubnetId} (${s.AvailabilityZone}): ${s.AvailableIpAddressCount} free, for the twin(s) of ${users(s.SubnetId).join(", ")}`),
        remedy: "Add subnets or a secondary CIDR to the pool, free addresses (fewer warm IPs on aws-node: WARM_IP_TARGET), or move fewer pods at once " +
            "(smaller twins, `drain.batchSize` 1).",
    }];
}
