/**
 * A self-managed node group's Cilium twin as declared (design.md, "Self-managed node groups"): a **new** launch
 * template built from the version the legacy group launches (changing the legacy template could start an instance
 * refresh that replaces nodes without draining), and a new Auto Scaling group on it. Pure: the inputs are decided
 * here from what the AWS provider's data sources say of the legacy group (`autoscaling.getGroup`,
 * `ec2.getLaunchTemplate`), and the component (twinAsgs.ts) only declares them.
 */
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

/** A legacy group as the data sources describe it, with the template version it launches already resolved. */
export interface TwinAsgSource {
    name: string;
    group: aws.autoscaling.GetGroupResult;
    template: aws.ec2.GetLaunchTemplateResult;
}

export interface AsgSizes { minSize: number; maxSize: number; desiredCapacity: number }

/** The tag the operator's IAM condition reads on the instances it attaches ENIs to (design.md, "Self-managed node groups"). */
export const EKS_CLUSTER_NAME_TAG = "eks:cluster-name";
/** Cluster Autoscaler's auto-discovery and node-template tags (cluster-autoscaler/cloudprovider/aws/README.md). */
export const CLUSTER_AUTOSCALER_TAG_PREFIX = "k8s.io/cluster-autoscaler/";

/** Keeps only the members that carry a value ("" and 0 are the data sources' "unset"). */
function present<T extends Record<string, unknown>>(o: T): Partial<T> {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== "" && v !== 0
        && !(Array.isArray(v) && v.length === 0))) as Partial<T>;
}
const boolText = (v: boolean | undefined): string | undefined => (v === undefined ? undefined : String(v));

/** The legacy's instance tag specification with `eks:cluster-name` added (and its Name, where it named the group, the twin's). */
export function twinTagSpecifications(src: TwinAsgSource, twinName: string, clusterName: string): aws.types.input.ec2.LaunchTemplateTagSpecification[] {
    const specs = src.template.tagSpecifications.map((s) => ({
        resourceType: s.resourceType,
        tags: Object.fromEntries(Object.entries(s.tags).map(([k, v]) => [k, k === "Name" && v === src.name ? twinName : v])) as Record<string, string>,
    }));
    const instance = specs.find((s) => s.resourceType === "instance");
    if (instance) instance.tags[EKS_CLUSTER_NAME_TAG] = clusterName;
    else specs.push({ resourceType: "instance", tags: { [EKS_CLUSTER_NAME_TAG]: clusterName } });
    return specs;
}

/**
 * What of a group the twin cannot copy, or undefined: instance types chosen by attributes (`InstanceRequirements`, on
 * the template or an override) and overrides that launch other templates (whose user data the program did not read).
 */
export function uncopiable(src: TwinAsgSource): string | undefined {
    const overrides = src.group.mixedInstancesPolicies?.[0]?.launchTemplates?.[0]?.overrides ?? [];
    if ((src.template.instanceRequirements ?? []).length > 0 || overrides.some((o) => (o.instanceRequirements ?? []).length > 0)) {
        return `Auto Scaling group ${src.name} chooses instance types by attributes (InstanceRequirements): this program copies instance types, ` +
            "not attribute-based selection, so its twin could launch other instances. List the instance types in the group's mixed-instances overrides.";
    }
    const other = overrides.flatMap((o) => o.launchTemplateSpecifications ?? []).find((t) => t.launchTemplateId || t.launchTemplateName);
    if (other) {
        return `Auto Scaling group ${src.name} launches some instance types from another launch template (${other.launchTemplateId || other.launchTemplateName}, ` +
            "in its mixed-instances overrides): the twin is built from one template, the one the group launches. Use one template for every type.";
    }
    return undefined;
}

/** The twin's launch template: the legacy version's AMI, profile, network, disks, metadata options, type; the edited user data. */
export function twinLaunchTemplateArgs(src: TwinAsgSource, opts: { twinName: string; clusterName: string; userData: string; tags: Record<string, string> }): aws.ec2.LaunchTemplateArgs {
    const t = src.template;
    const profile = t.iamInstanceProfiles[0];
    const interfaces = t.networkInterfaces ?? [];
    return {
        name: opts.twinName,
        description: `Cilium twin of Auto Scaling group ${src.name}, from version ${t.latestVersion} of the template it launches (eks-cilium-migration)`,
        ...present({ imageId: t.imageId, instanceType: t.instanceType, keyName: t.keyName, ebsOptimized: t.ebsOptimized }),
        userData: opts.userData,
        ...(profile ? { iamInstanceProfile: profile.arn ? { arn: profile.arn } : { name: profile.name } } : {}),
        // EC2 takes security groups on the template or on its network interfaces, never both.
        ...(interfaces.length > 0
            ? { networkInterfaces: interfaces.map((n) => ({
                // Device index 0 is the primary interface: a value, kept.
                deviceIndex: n.deviceIndex ?? 0,
                ...present({ description: n.description, interfaceType: n.interfaceType, networkCardIndex: n.networkCardIndex,
                    ipv4PrefixCount: n.ipv4PrefixCount, ipv4AddressCount: n.ipv4AddressCount, ipv6AddressCount: n.ipv6AddressCount, subnetId: n.subnetId,
                    securityGroups: n.securityGroups }),
                ...(n.associatePublicIpAddress !== undefined ? { associatePublicIpAddress: boolText(n.associatePublicIpAddress) } : {}),
                ...(n.deleteOnTermination !== undefined ? { deleteOnTermination: boolText(n.deleteOnTermination) } : {}),
            })) }
            : { vpcSecurityGroupIds: t.vpcSecurityGroupIds }),
        blockDeviceMappings: (t.blockDeviceMappings ?? []).map((b) => ({
            ...present({ deviceName: b.deviceName, noDevice: b.noDevice, virtualName: b.virtualName }),
            ...(b.ebs?.[0] ? { ebs: present({ ...b.ebs[0] }) } : {}),
        })),
        ...((t.metadataOptions ?? [])[0] ? { metadataOptions: present({ ...t.metadataOptions[0] }) } : {}),
        tagSpecifications: twinTagSpecifications(src, opts.twinName, opts.clusterName),
        tags: opts.tags,
    };
}

/** The twin group's tags: the legacy's Cluster Autoscaler tags as it has them, cluster ownership, its Name, the stack's. */
export function twinGroupTags(src: TwinAsgSource, opts: { twinName: string; clusterName: string; tags: Record<string, string> }): aws.types.input.autoscaling.GroupTag[] {
    const legacy = src.group.tags ?? [];
    const out = legacy.filter((t) => t.key.startsWith(CLUSTER_AUTOSCALER_TAG_PREFIX)).map((t) => ({ key: t.key, value: t.value, propagateAtLaunch: t.propagateAtLaunch }));
    out.push({ key: `kubernetes.io/cluster/${opts.clusterName}`, value: "owned", propagateAtLaunch: true });
    if (legacy.some((t) => t.key === "Name")) out.push({ key: "Name", value: opts.twinName, propagateAtLaunch: true });
    for (const [key, value] of Object.entries(opts.tags)) out.push({ key, value, propagateAtLaunch: false });
    return out;
}

/**
 * The twin launches its own template's latest version: the template is the program's alone (nobody else adds versions),
 * and a new version (e.g. a changed label key) reaches only instances launched after it, never an instance refresh.
 */
export const TWIN_TEMPLATE_VERSION = "$Latest";

/**
 * The legacy's on-demand/spot split, kept exactly: 0 is a value here (`OnDemandPercentageAboveBaseCapacity` 0 means all
 * spot above the base, and the provider's default is 100), so only what the data source leaves unset is dropped.
 */
function instancesDistributionOf(d: aws.types.output.autoscaling.GetGroupMixedInstancesPolicyInstancesDistribution): aws.types.input.autoscaling.GroupMixedInstancesPolicyInstancesDistribution {
    const numbers = { onDemandBaseCapacity: d.onDemandBaseCapacity, onDemandPercentageAboveBaseCapacity: d.onDemandPercentageAboveBaseCapacity };
    return {
        ...Object.fromEntries(Object.entries(numbers).filter(([, v]) => typeof v === "number")),
        ...present({ onDemandAllocationStrategy: d.onDemandAllocationStrategy, spotAllocationStrategy: d.spotAllocationStrategy,
            spotInstancePools: d.spotInstancePools, spotMaxPrice: d.spotMaxPrice }),
    };
}

/** The twin group: the legacy's subnets and mixed-instances policy on the twin's template; `sizes` as decided by the phase. */
export function twinGroupArgs(src: TwinAsgSource, opts: {
    twinName: string; clusterName: string; sizes: AsgSizes; tags: Record<string, string>;
    launchTemplate: { id: pulumi.Input<string> };
}): aws.autoscaling.GroupArgs {
    const g = src.group;
    const mixed = g.mixedInstancesPolicies?.[0];
    const distribution = mixed?.instancesDistributions?.[0];
    const launch = mixed
        ? { mixedInstancesPolicy: {
            ...(distribution ? { instancesDistribution: instancesDistributionOf(distribution) } : {}),
            launchTemplate: {
                launchTemplateSpecification: { launchTemplateId: opts.launchTemplate.id, version: TWIN_TEMPLATE_VERSION },
                overrides: (mixed.launchTemplates?.[0]?.overrides ?? []).map((o) => present({ instanceType: o.instanceType, weightedCapacity: o.weightedCapacity })),
            },
        } }
        : { launchTemplate: { id: opts.launchTemplate.id, version: TWIN_TEMPLATE_VERSION } };
    return {
        name: opts.twinName,
        vpcZoneIdentifiers: g.vpcZoneIdentifier.split(",").map((s) => s.trim()).filter((s) => s !== ""),
        ...opts.sizes,
        ...launch,
        tags: twinGroupTags(src, opts),
    };
}

/**
 * The sizes the legacy groups had before the migration scaled them: recorded at an earlier update, else as found now.
 * From phase 7 (`legacyZeroed`) a group found at min 0, desired 0 with nothing recorded is a problem, never a size:
 * the twin sized from it would lose every node.
 */
export function originalAsgSizes(groups: TwinAsgSource[], opts: { recorded?: Record<string, AsgSizes>; legacyZeroed: boolean }): { sizes: Record<string, AsgSizes>; problems: string[] } {
    const sizes: Record<string, AsgSizes> = {};
    const problems: string[] = [];
    for (const g of groups) {
        const live = { minSize: g.group.minSize, maxSize: g.group.maxSize, desiredCapacity: g.group.desiredCapacity };
        const recorded = opts.recorded?.[g.name];
        if (recorded) sizes[g.name] = recorded;
        else if (!opts.legacyZeroed || live.minSize > 0 || live.desiredCapacity > 0) sizes[g.name] = live;
        else {
            problems.push(`the stack has no record of Auto Scaling group ${g.name}'s sizes before phase 7 scaled it to zero (stack output ` +
                "`legacyAsgSizes`), and it reads min 0, desired 0 now: its twin would be sized 0 and lose every node. Restore the output from " +
                "the stack's last update before phase 7 (`pulumi stack export`/`import`), then run the update again.");
        }
    }
    return { sizes, problems };
}

const ZERO: AsgSizes = { minSize: 0, maxSize: 0, desiredCapacity: 0 };
/** Empty (max 0: nothing, not even the autoscaler, grows it before Cilium is there) until scaled up, then the legacy's originals. */
export const twinSizes = (original: AsgSizes, scaledUp: boolean): AsgSizes => (scaledUp ? original : ZERO);
