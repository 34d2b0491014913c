/**
 * An EKS managed node group as the EKS API describes it, and the two node groups the migration derives from an
 * existing one: the legacy group as the migration declares it (adopted, labelled, later scaled to zero), and its
 * Cilium twin (a new group with everything that makes its nodes equivalent). Pure.
 */
import { LEGACY_RETIRING_TAINT, NodeLabels } from "../../migration/names";
import { TaintEffect } from "./nodePool";
import { NodeRepairConfig } from "../../clusterReader/nodeRepair";

export type { NodeRepairConfig };

/** The EKS API's taint effects (`NO_SCHEDULE`…); Kubernetes spells them `NoSchedule`… (field notes). */
export type EksTaintEffect = "NO_SCHEDULE" | "NO_EXECUTE" | "PREFER_NO_SCHEDULE";
export const EKS_TAINT_EFFECT: Record<TaintEffect, EksTaintEffect> = { NoExecute: "NO_EXECUTE", NoSchedule: "NO_SCHEDULE" };

export interface Scaling { minSize: number; maxSize: number; desiredSize: number }

/** What `aws eks describe-nodegroup` says of a managed node group (the fields that make its nodes what they are). */
export interface ManagedNodeGroupDescription {
    clusterName: string;
    name: string;
    nodeRoleArn: string;
    subnetIds: string[];
    scaling: Scaling;
    /** Absent when a launch template sets the instance type. */
    instanceTypes?: string[];
    capacityType?: string;
    amiType?: string;
    /** The AMI release (or, with amiType CUSTOM, the AMI id). */
    releaseVersion?: string;
    /** Kubernetes minor version, e.g. "1.31". */
    version?: string;
    /** Absent with a launch template. */
    diskSize?: number;
    labels: Record<string, string>;
    taints: { key: string; value?: string; effect: EksTaintEffect }[];
    launchTemplate?: { id: string; version: string };
    /** `updateStrategy`: EKS returns `DEFAULT` or `MINIMAL`. */
    updateConfig?: { maxUnavailable?: number; maxUnavailablePercentage?: number; updateStrategy?: string };
    /** Node auto repair (the API's NodeRepairConfig). */
    nodeRepairConfig?: NodeRepairConfig;
    /** The group's Auto Scaling warm pool (present only when enabled). */
    warmPoolConfig?: { minSize?: number; maxGroupPreparedCapacity?: number; poolState?: string; reuseOnScaleIn?: boolean };
    remoteAccess?: { ec2SshKey?: string; sourceSecurityGroupIds?: string[] };
    tags: Record<string, string>;
}

/**
 * eksctl labels every node of a group it made `alpha.eksctl.io/nodegroup-name=<group>`, and `eksctl drain nodegroup` /
 * `eksctl delete nodegroup` select "the group's nodes" by that label (eksctl `ListOptions`, vendored in
 * tests/fixtures/real/eksctl). A twin carrying its legacy group's value would be drained with it.
 */
export const EKSCTL_NODEGROUP_LABEL = "alpha.eksctl.io/nodegroup-name";

/** What a twin keeps of itself once it exists, unless an override says otherwise (a change recycles every node). */
export interface TwinPins {
    launchTemplateVersion?: string;
    releaseVersion?: string;
}

export const CILIUM_STARTUP_TAINT_KEY = "node.cilium.io/agent-not-ready";

/**
 * The legacy group as the migration declares it. While adopting it, exactly as described (the import must see no
 * difference); from then on with the legacy label (so the nodes it launches carry it), and at zero once retired.
 */
export function legacyDeclared(group: ManagedNodeGroupDescription, opts: {
    labels: NodeLabels;
    adoptingNow: boolean;
    zero: boolean;
    /** Its sizes before the migration scaled it (the live ones are zero from phase 7). */
    originalScaling?: Scaling;
    /** Cordoned (phase 4 on): new nodes come up with LEGACY_RETIRING_TAINT. */
    retiring: boolean;
}): ManagedNodeGroupDescription {
    if (opts.adoptingNow && !opts.zero && !opts.retiring) return group;
    const scaling = opts.originalScaling ?? group.scaling;
    const ownTaints = group.taints.filter((t) => t.key !== LEGACY_RETIRING_TAINT.key);
    return {
        ...group,
        labels: { ...group.labels, [opts.labels.key]: opts.labels.legacyValue },
        taints: opts.retiring ? [...ownTaints, { ...LEGACY_RETIRING_TAINT }] : ownTaints,
        scaling: opts.zero ? { minSize: 0, desiredSize: 0, maxSize: Math.max(1, scaling.maxSize) } : scaling,
    };
}

/**
 * A legacy group's Cilium twin: its subnets, instance types, capacity type, AMI type and release, Kubernetes
 * version, disk size, launch template, labels, taints, node role, update config and sizes — plus the Cilium label
 * and the startup taint — so workloads pinned to the group by its labels find the twin. Empty until `scaledUp`.
 */
export function twinOf(group: ManagedNodeGroupDescription, opts: {
    nameSuffix: string;
    labels: NodeLabels;
    startupTaintEffect: TaintEffect;
    scaledUp: boolean;
    originalScaling?: Scaling;
    override?: Partial<Pick<ManagedNodeGroupDescription, "instanceTypes" | "nodeRoleArn">> & Partial<Scaling> & TwinPins;
    /**
     * The twin as it exists now, if it does: its launch template version, AMI release and Kubernetes version are its
     * own from then on (re-reading the legacy group's would make any drift an UpdateNodegroupVersion that recycles
     * every Cilium node, and undo a template version given to the twin alone).
     */
    live?: ManagedNodeGroupDescription;
    /** Tags of ours, added to the group's own. */
    tags?: Record<string, string>;
}): ManagedNodeGroupDescription {
    const base = opts.originalScaling ?? group.scaling;
    const name = `${group.name}${opts.nameSuffix}`;
    const own = opts.live ?? group;
    const releaseVersion = opts.override?.releaseVersion ?? own.releaseVersion;
    const rest: ManagedNodeGroupDescription = { ...group };
    delete rest.version;
    delete rest.releaseVersion;
    const pinned: ManagedNodeGroupDescription = {
        ...rest,
        ...(own.version ? { version: own.version } : {}),
        ...(releaseVersion ? { releaseVersion } : {}),
        ...(group.launchTemplate ? { launchTemplate: {
            id: group.launchTemplate.id,
            version: opts.override?.launchTemplateVersion ?? own.launchTemplate?.version ?? group.launchTemplate.version,
        } } : {}),
    };
    // A launch template with a custom AMI: EKS describes amiType CUSTOM and the AMI id as releaseVersion, and refuses
    // a new group that names amiType, releaseVersion or version ("the node group deployment will fail").
    const source = group.amiType === "CUSTOM" ? { ...pinned, amiType: undefined, releaseVersion: undefined, version: undefined } : pinned;
    const eksctlLabel: Record<string, string> = EKSCTL_NODEGROUP_LABEL in group.labels ? { [EKSCTL_NODEGROUP_LABEL]: name } : {};
    const sized = {
        minSize: opts.override?.minSize ?? base.minSize,
        maxSize: opts.override?.maxSize ?? base.maxSize,
        desiredSize: opts.override?.desiredSize ?? base.desiredSize,
    };
    return {
        ...source,
        name,
        // A node group's role is fixed at creation (node_role_arn forces a new group): a live twin keeps its own.
        nodeRoleArn: opts.live?.nodeRoleArn ?? opts.override?.nodeRoleArn ?? group.nodeRoleArn,
        instanceTypes: opts.override?.instanceTypes ?? group.instanceTypes,
        labels: { ...group.labels, ...eksctlLabel, [opts.labels.key]: opts.labels.ciliumValue },
        taints: [
            ...group.taints.filter((t) => t.key !== CILIUM_STARTUP_TAINT_KEY && t.key !== LEGACY_RETIRING_TAINT.key),
            { key: CILIUM_STARTUP_TAINT_KEY, value: "true", effect: EKS_TAINT_EFFECT[opts.startupTaintEffect] },
        ],
        scaling: opts.scaledUp ? sized : { minSize: 0, desiredSize: 0, maxSize: Math.max(1, sized.maxSize) },
        tags: { ...withoutOwnershipTags(group.tags), ...(opts.tags ?? {}) },
    };
}

/**
 * A group's tags without those that say which tool made it: eksctl's (`alpha.eksctl.io/…`, `eksctl.…`) would make the
 * twin, made by this stack, pass for the legacy group in eksctl; `aws:` keys cannot be set at all.
 */
export function withoutOwnershipTags(tags: Record<string, string>): Record<string, string> {
    return Object.fromEntries(Object.entries(tags).filter(([k]) => !/^(aws:|alpha\.eksctl\.io\/|eksctl\.)/.test(k)));
}

/** The AWS provider's NodeGroup inputs for a description. */
export function nodeGroupInputs(group: ManagedNodeGroupDescription) {
    return {
        clusterName: group.clusterName,
        nodeGroupName: group.name,
        nodeRoleArn: group.nodeRoleArn,
        subnetIds: group.subnetIds,
        scalingConfig: group.scaling,
        instanceTypes: group.instanceTypes,
        capacityType: group.capacityType,
        amiType: group.amiType,
        releaseVersion: group.releaseVersion,
        version: group.version,
        diskSize: group.diskSize,
        labels: group.labels,
        taints: group.taints.length > 0 ? group.taints : undefined,
        launchTemplate: group.launchTemplate,
        updateConfig: group.updateConfig,
        nodeRepairConfig: group.nodeRepairConfig,
        warmPoolConfig: group.warmPoolConfig,
        remoteAccess: group.remoteAccess,
        tags: group.tags,
    };
}
