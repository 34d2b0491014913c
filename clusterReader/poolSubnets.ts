/**
 * Which subnets each legacy pool launches its nodes into — and so, in Cilium's ENI mode, where its twin's pods take
 * their addresses (Cilium allocates pod IPs from ENIs in the node's subnet unless `eni.nodeSpec.subnetIDs` says
 * otherwise; docs/field-notes.md, "Pool subnets"). Read from the files that name them, each as its own system prints it:
 * - a managed node group: `subnets` of `aws eks describe-nodegroup` (nodegroups.json);
 * - a self-managed Auto Scaling group: `VPCZoneIdentifier`, "a comma-separated list of subnet IDs" (botocore's
 *   AutoScalingGroup shape; autoscaling-groups.json);
 * - a Karpenter NodePool: its EC2NodeClass's `status.subnets[]` (`id`, `zone`), the subnets Karpenter resolved from
 *   `subnetSelectorTerms` and launches into (the EC2NodeClass CRD; ec2nodeclasses.json). A twin NodePool shares its
 *   legacy pool's EC2NodeClass, so its subnets too.
 * `npm run snapshot` describes the union of these, with the cluster's own, in one `aws ec2 describe-subnets` call. Pure,
 * but for `describePoolSubnets`.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

/** The subnet ids of an Auto Scaling group's `VPCZoneIdentifier` (unset or empty: none). */
export function asgSubnetIds(group: Obj): string[] {
    const list = typeof group?.VPCZoneIdentifier === "string" ? group.VPCZoneIdentifier : "";
    return list.split(",").map((s: string) => s.trim()).filter((s: string) => s.length > 0);
}

/** The EC2NodeClass a NodePool launches from (`spec.template.spec.nodeClassRef`), when it is one. */
export function ec2NodeClassOf(nodePool: Obj): string | undefined {
    const ref = nodePool?.spec?.template?.spec?.nodeClassRef;
    return ref?.kind === "EC2NodeClass" && typeof ref.name === "string" ? ref.name : undefined;
}

/** An EC2NodeClass's resolved subnets (`status.subnets[]`: id and zone); undefined when Karpenter has written none. */
export function nodeClassSubnets(nodeClass: Obj | undefined): { id: string; zone?: string }[] | undefined {
    const list = nodeClass?.status?.subnets;
    if (!Array.isArray(list)) return undefined;
    return list.filter((s: Obj) => typeof s?.id === "string").map((s: Obj) => ({ id: s.id, ...(typeof s.zone === "string" ? { zone: s.zone } : {}) }));
}

/** What the snapshot holds that names subnets (each optional: a file not taken names none). */
export interface SubnetSources {
    cluster?: Obj;
    nodegroups?: Obj[];
    autoScalingGroups?: Obj[];
    nodePools?: Obj[];
    ec2NodeClasses?: Obj[];
}

/**
 * Every subnet the snapshot describes: the cluster's own (`resourcesVpcConfig.subnetIds`), every managed node group's,
 * every Auto Scaling group's of the file (all tagged for the cluster: the snapshot does not know which the stack
 * names), and the EC2NodeClasses' that NodePools use (a twin uses its legacy pool's class). Sorted, each once.
 */
export function poolSubnetIds(s: SubnetSources): string[] {
    const classes = new Set((s.nodePools ?? []).map(ec2NodeClassOf).filter((c): c is string => c !== undefined));
    const ids = [
        ...(s.cluster?.resourcesVpcConfig?.subnetIds ?? []),
        ...(s.nodegroups ?? []).flatMap((g) => g?.subnets ?? []),
        ...(s.autoScalingGroups ?? []).flatMap(asgSubnetIds),
        ...(s.ec2NodeClasses ?? []).filter((c) => classes.has(c?.metadata?.name)).flatMap((c) => (nodeClassSubnets(c) ?? []).map((x) => x.id)),
    ];
    return [...new Set(ids.filter((id): id is string => typeof id === "string"))].sort();
}

/**
 * One `aws ec2 describe-subnets` of these subnets, as printed. By the `subnet-id` filter, not `--subnet-ids`: with ids
 * EC2 fails the whole call (InvalidSubnetID.NotFound) when one subnet is gone — an ASG or EC2NodeClass still naming a
 * deleted subnet would cost every subnet — while a filter answers the ones that exist, and subnet-capacity names the
 * rest. No ids: no call (without a filter EC2 would describe every subnet of the account).
 */
export const describePoolSubnets = async (aws: (args: string[], what: string) => Promise<string>, ids: string[]): Promise<string> =>
    ids.length === 0 ? JSON.stringify({ Subnets: [] })
        : aws(["ec2", "describe-subnets", "--filters", `Name=subnet-id,Values=${ids.join(",")}`], "describing the subnets");
