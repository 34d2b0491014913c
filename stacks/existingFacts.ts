/**
 * What the migration needs to know of an existing cluster, from what AWS says of it (the AWS provider's data
 * sources: getCluster, getNodeGroups/getNodeGroup, getAddon, getOpenIdConnectProvider, getAccessEntry), checked
 * against the stack config. Pure: the look-ups are made by existingLookups.ts (AWS, or a cluster snapshot offline).
 * Every problem is reported at once, before anything is declared.
 */
import type * as aws from "@pulumi/aws";
import { AddonDescription } from "../components/cluster/addon";
import { EksTaintEffect, ManagedNodeGroupDescription, NodeRepairConfig, Scaling } from "../components/nodePools/nodeGroupDescription";
import { MigrationConfig } from "./configTypes";
import * as phases from "../migration/phases";
import { isWindowsGroup, originalSizes, selectNodeGroups } from "./nodeGroupSelection";
import { checkTwins } from "./twinChecks";
import { ConfigError } from "./validate";
import { nodeRepairsOf, undeclarableRepairNote } from "./nodeRepairFacts";

/** The add-ons the migration looks at. */
export const ADDONS = { vpcCni: "vpc-cni", kubeProxy: "kube-proxy", coredns: "coredns", podIdentityAgent: "eks-pod-identity-agent" } as const;
export type AddonKey = keyof typeof ADDONS;

export interface LookedUp {
    cluster: aws.eks.GetClusterResult;
    nodeGroups: aws.eks.GetNodeGroupResult[];
    addons: Partial<Record<AddonKey, aws.eks.GetAddonResult>>;
    /** The IAM OIDC provider registered for the cluster's issuer, if any. */
    oidcProviderArn?: string;
    /** Of `clusterAdmins`, the principals that have an access entry already. */
    principalsWithEntry: string[];
    region?: string;
    /** Legacy pools of other kinds found in the cluster (Karpenter NodePools, by name). */
    otherPools?: string[];
    /** The AWS provider's default tags (`aws:defaultTags`): left out of what adopted resources declare. */
    defaultTags?: Record<string, string>;
    /**
     * Each group's `nodeRepairConfig` as describe-nodegroup prints it, by group name (none: the API returned none);
     * the provider's getNodeGroup does not return it (existingLookups.ts `describeNodeRepair`).
     */
    nodeRepairConfigs: Record<string, unknown>;
}

export interface ExistingClusterFacts {
    name: string;
    endpoint: string;
    certificateAuthority: string;
    region?: string;
    vpcId: string;
    oidcIssuerUrl: string;
    oidcProviderArn?: string;
    /** The legacy managed node groups being migrated that exist now. */
    nodeGroups: ManagedNodeGroupDescription[];
    /** What each migrated group's twin is derived from: the legacy group, or (once it is gone) the live twin. */
    twinSources: ManagedNodeGroupDescription[];
    /** The twins that exist now, by legacy group name: their template version, AMI release and version are kept. */
    liveTwins: Record<string, ManagedNodeGroupDescription>;
    addons: Partial<Record<AddonKey, AddonDescription>>;
    /** `clusterAdmins` without an access entry yet (the others exist: not declared again). */
    adminsToAdd: string[];
    /** Cilium's `cluster.name`: `cilium.clusterName`, or the EKS name made valid for Cilium. */
    ciliumClusterName: string;
    /** What the stack records of the add-ons it may remove (RecordedProgress.adoptedAddons), for the next update. */
    adoptedAddons: Partial<Record<AddonKey, AddonDescription>>;
    /** Each migrated group's sizes before the migration scaled it (nodeGroupSelection.ts `originalSizes`). */
    originalScaling: Record<string, Scaling>;
    /** What the user should know, shown by `pulumi up` and the planner. */
    notes: string[];
}

/**
 * Cilium's `cluster.name` for an EKS name: lower case, anything but [a-z0-9-] turned into '-', at most 32
 * characters, alphanumeric at both ends. EKS allows names Cilium refuses; the cluster is never refused for its name.
 */
export function ciliumClusterName(eksName: string): string {
    const name = eksName.toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, 32).replace(/^-+|-+$/g, "");
    return name === "" ? "cluster" : name;
}

/** @param repair the group's node auto repair, read apart from getNodeGroup (which does not return it) */
export function describeNodeGroup(g: aws.eks.GetNodeGroupResult, defaultTags: Record<string, string> = {}, repair?: NodeRepairConfig): ManagedNodeGroupDescription {
    const lt = g.launchTemplates?.[0];
    const scaling = g.scalingConfigs?.[0];
    const update = g.updateConfigs?.[0];
    const remote = g.remoteAccesses?.[0];
    const warm = g.warmPoolConfigs?.[0];
    return {
        clusterName: g.clusterName,
        name: g.nodeGroupName,
        nodeRoleArn: g.nodeRoleArn,
        subnetIds: g.subnetIds ?? [],
        scaling: { minSize: scaling?.minSize ?? 0, maxSize: scaling?.maxSize ?? 1, desiredSize: scaling?.desiredSize ?? 0 },
        ...(g.instanceTypes?.length ? { instanceTypes: g.instanceTypes } : {}),
        ...(g.capacityType ? { capacityType: g.capacityType } : {}),
        ...(g.amiType ? { amiType: g.amiType } : {}),
        ...(g.releaseVersion ? { releaseVersion: g.releaseVersion } : {}),
        ...(g.version ? { version: g.version } : {}),
        ...(g.diskSize ? { diskSize: g.diskSize } : {}),
        labels: g.labels ?? {},
        taints: (g.taints ?? []).map((t) => ({ key: t.key, ...(t.value ? { value: t.value } : {}), effect: t.effect as EksTaintEffect })),
        ...(lt?.id ? { launchTemplate: { id: lt.id, version: lt.version } } : {}),
        ...(update && (update.maxUnavailable || update.maxUnavailablePercentage || update.updateStrategy) ? { updateConfig: {
            ...(update.maxUnavailable ? { maxUnavailable: update.maxUnavailable } : {}),
            ...(update.maxUnavailablePercentage ? { maxUnavailablePercentage: update.maxUnavailablePercentage } : {}),
            ...(update.updateStrategy ? { updateStrategy: update.updateStrategy } : {}),
        } } : {}),
        ...(repair ? { nodeRepairConfig: repair } : {}),
        ...(warm ? { warmPoolConfig: {
            minSize: warm.minSize, maxGroupPreparedCapacity: warm.maxGroupPreparedCapacity,
            ...(warm.poolState ? { poolState: warm.poolState } : {}), reuseOnScaleIn: warm.reuseOnScaleIn,
        } } : {}),
        ...(remote && (remote.ec2SshKey || remote.sourceSecurityGroupIds?.length) ? { remoteAccess: {
            ...(remote.ec2SshKey ? { ec2SshKey: remote.ec2SshKey } : {}),
            ...(remote.sourceSecurityGroupIds?.length ? { sourceSecurityGroupIds: remote.sourceSecurityGroupIds } : {}),
        } } : {}),
        tags: withoutDefaultTags(ownTags(g.tags), defaultTags),
    };
}

/**
 * The tags the AWS provider reads into `tags` when it has default tags: every tag but those whose key and value equal
 * a default tag (terraform-provider-aws `RemoveDefaultConfig`, vendored in tests/fixtures/real/terraform-provider-aws).
 * Declaring those too would show a tags update at adoption.
 */
export function withoutDefaultTags(tags: Record<string, string>, defaultTags: Record<string, string>): Record<string, string> {
    return Object.fromEntries(Object.entries(tags).filter(([k, v]) => defaultTags[k] !== v));
}

/**
 * The tags a user can set: `aws:` keys are AWS's own (e.g. CloudFormation's on an eksctl or CDK group); the API refuses
 * to set them and the AWS provider leaves them out of what it reads, so declaring them would be a difference.
 */
export function ownTags(tags: Record<string, string> | undefined): Record<string, string> {
    return Object.fromEntries(Object.entries(tags ?? {}).filter(([k]) => !k.startsWith("aws:")));
}

export function describeAddon(a: aws.eks.GetAddonResult, defaultTags: Record<string, string> = {}): AddonDescription {
    return {
        name: a.addonName,
        ...(a.addonVersion ? { version: a.addonVersion } : {}),
        ...(a.configurationValues ? { configurationValues: a.configurationValues } : {}),
        ...(a.serviceAccountRoleArn ? { serviceAccountRoleArn: a.serviceAccountRoleArn } : {}),
        podIdentityAssociations: (a.podIdentityAssociations ?? []).map((p) => ({ roleArn: p.roleArn, serviceAccount: p.serviceAccount })),
        tags: withoutDefaultTags(ownTags(a.tags), defaultTags),
    };
}

/** The migration's progress the stack recorded in its own outputs. */
export interface RecordedProgress {
    legacyNodeGroupSizes?: Record<string, Scaling>;
    /** The add-ons as adopted, so one the migration removed can come back, settings and all, on a rollback. */
    adoptedAddons?: Partial<Record<AddonKey, AddonDescription>>;
}

/** The phases at which each add-on the migration removes is in the cluster. */
const ADDON_PRESENT: Partial<Record<AddonKey, (phase: phases.Phase) => boolean>> = {
    vpcCni: (phase) => !phases.awsNodeRemoved(phase),
    kubeProxy: (phase) => !phases.kubeProxyReplaced(phase),
};

/** Each add-on as it is now, or — gone, but due at this phase (a rollback) — as the stack recorded it, to re-create. */
function addonsAt(found: LookedUp, phase: phases.Phase, recorded: RecordedProgress["adoptedAddons"] = {}): ExistingClusterFacts["addons"] {
    const addons: ExistingClusterFacts["addons"] = {};
    for (const key of Object.keys(ADDONS) as AddonKey[]) {
        const live = found.addons[key];
        const record = recorded[key];
        if (live) addons[key] = describeAddon(live, found.defaultTags);
        else if (record && ADDON_PRESENT[key]?.(phase)) addons[key] = { ...record, recreate: true };
    }
    return addons;
}

/** The facts, or a ConfigError naming every reason the cluster cannot be migrated as configured. */
export function existingClusterFacts(found: LookedUp, config: MigrationConfig, previous: RecordedProgress = {}): ExistingClusterFacts {
    const wanted = config.existingCluster as NonNullable<MigrationConfig["existingCluster"]>;
    const c = found.cluster;
    const problems: string[] = [];
    const notes: string[] = [];
    const repairs = nodeRepairsOf(found.nodeRepairConfigs);
    problems.push(...repairs.problems);
    const all = found.nodeGroups.map((g) => describeNodeGroup(g, found.defaultTags, repairs.configs[g.nodeGroupName]));
    if (c.status && c.status !== "ACTIVE") problems.push(`cluster ${c.name} is ${c.status}; wait until it is ACTIVE.`);
    if (c.kubernetesNetworkConfigs?.[0]?.ipFamily === "ipv6") {
        problems.push(`cluster ${c.name} is an IPv6 cluster (kubernetesNetworkConfig.ipFamily: ipv6); this migration installs Cilium's ENI mode for IPv4 and cannot migrate it.`);
    }
    for (const g of all.filter(isWindowsGroup)) notes.push(`node group ${g.name} runs Windows (${g.amiType}): it runs no aws-node and no Cilium, and is left as it is.`);
    const recorded = previous.legacyNodeGroupSizes ?? {};
    const selection = selectNodeGroups(all, {
        clusterName: c.name, listed: wanted.nodeGroups, recorded: Object.keys(recorded), labels: config.nodeLabels,
        nameSuffix: config.twins.nameSuffix, legacyMayBeGone: phases.legacyPoolDeleted(config.phase), otherPools: found.otherPools,
    });
    problems.push(...selection.problems);
    notes.push(...selection.notes);
    const sized = originalSizes(selection, { legacyZeroed: phases.legacyScaledToZero(config.phase), recorded, overrides: config.twins.overrides });
    problems.push(...sized.problems);
    const twinChecks = checkTwins(selection, config, c.version, found.defaultTags);
    problems.push(...twinChecks.problems);
    notes.push(...twinChecks.notes);
    notes.push(...selection.twinSources.filter((g) => repairs.undeclarable[g.name]).map((g) => undeclarableRepairNote(g.name, repairs.undeclarable[g.name])));
    for (const group of Object.keys(config.twins.overrides)) {
        if (!selection.twinSources.some((g) => g.name === group)) {
            problems.push(`\`ciliumNodeGroup.overrides.${group}\` names a node group that is not migrated (migrated: ${selection.twinSources.map((g) => g.name).join(", ")}).`);
        }
    }
    const mode = c.accessConfigs?.[0]?.authenticationMode;
    if (config.clusterAdmins.length > 0 && mode === "CONFIG_MAP") {
        problems.push(`\`clusterAdmins\` needs EKS access entries, but cluster ${c.name} authenticates with the aws-auth ConfigMap only ` +
            "(authenticationMode: CONFIG_MAP); switch it to API_AND_CONFIG_MAP, or map the principals in aws-auth yourself and leave `clusterAdmins` empty.");
    }
    if (config.cilium.operatorIdentity === "pod-identity" && !found.addons.podIdentityAgent) {
        problems.push(`\`cilium.operatorIdentity\` is "pod-identity", but cluster ${c.name} has no eks-pod-identity-agent add-on; install it ` +
            `(aws eks create-addon --cluster-name ${c.name} --addon-name eks-pod-identity-agent) or use "irsa".`);
    }
    if (problems.length > 0) throw new ConfigError(problems);
    const addons = addonsAt(found, config.phase, previous.adoptedAddons);
    for (const a of Object.values(addons).filter((x) => x?.recreate)) notes.push(`the ${a?.name} add-on is created again as the stack adopted it (the way back).`);
    const ciliumName = config.cilium.clusterName ?? ciliumClusterName(c.name);
    if (config.cilium.clusterName === undefined && ciliumName !== c.name) {
        notes.push(`Cilium's cluster.name will be ${ciliumName} (the EKS name ${c.name} is not one Cilium accepts; set \`cilium.clusterName\` to choose another).`);
    }
    if (!addons.vpcCni && !phases.awsNodeRemoved(config.phase)) {
        notes.push("aws-node is self-managed (no vpc-cni add-on): it is pinned with a server-side-apply patch of its DaemonSet.");
    }
    return {
        name: c.name,
        endpoint: c.endpoint,
        certificateAuthority: c.certificateAuthorities?.[0]?.data ?? "",
        ...(found.region ? { region: found.region } : {}),
        vpcId: c.vpcConfig.vpcId,
        oidcIssuerUrl: c.identities?.[0]?.oidcs?.[0]?.issuer ?? "",
        ...(found.oidcProviderArn ? { oidcProviderArn: found.oidcProviderArn } : {}),
        nodeGroups: selection.legacy,
        twinSources: selection.twinSources,
        liveTwins: selection.liveTwins,
        addons,
        adminsToAdd: config.clusterAdmins.filter((p) => !found.principalsWithEntry.includes(p)),
        ciliumClusterName: ciliumName,
        originalScaling: sized.sizes,
        adoptedAddons: Object.fromEntries((Object.keys(ADDON_PRESENT) as AddonKey[])
            .map((k) => [k, found.addons[k] ? describeAddon(found.addons[k] as aws.eks.GetAddonResult, found.defaultTags) : previous.adoptedAddons?.[k]])
            .filter(([, a]) => a !== undefined)),
        notes,
    };
}
