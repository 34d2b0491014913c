/**
 * The parsers of the stack config's object-valued keys: each returns the typed value or records, for every problem,
 * a message naming the key, the value and what is allowed (Problems collects them all).
 */
import {
    CiliumNodeGroupConfig, DrainConfig, ExistingClusterConfig, GateConfig, GoldpingerConfig, MigrationConfig, NodeGroupConfig,
    NodeLabels, OperatorIdentity, TaintEffect, TwinConfig, VpcConfig,
} from "./configTypes";
import { DEFAULT_NODE_LABELS } from "../migration/names";
import * as pins from "./pins";
import { SUPPORTED_CHART_VERSION, supportedLinesText, withdrawnLineMessage } from "../components/cilium/chartLines";
import { parseAutoScalingGroups } from "./asgConfig";
import { parseNodePoolNames } from "./karpenterConfig";
import { DURATION, INVALID, Problems, bool, isPlainObject, matching, noUnknownKeys, oneOf, stringList, wholeNumber } from "./validate";

const NODE_GROUP_KEYS = ["name", "instanceTypes", "desiredSize", "minSize", "maxSize"] as const;
const NAME = /^[a-zA-Z][a-zA-Z0-9-]{0,62}$/;
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
/** A tag (not `latest`) or a digest. */
const PINNED_IMAGE = /^[a-z0-9.\-/:]+(:(?!latest$)[A-Za-z0-9._-]+|@sha256:[0-9a-f]{64})$/;
/** Cilium's `cluster.name`: lowercase alphanumerics and '-', at most 32, alphanumeric at both ends (field notes). */
export const CILIUM_CLUSTER_NAME = /^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/;
/** An EKS cluster's name as EKS allows it (CreateCluster): up to 100 letters, digits, '-' and '_'. */
export const EKS_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
/** An EKS managed node group's name (CreateNodegroup): up to 63 letters, digits, '-' and '_'. */
const EKS_NODE_GROUP_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,62}$/;
const LABEL_PART = /^[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/;

export const DEFAULT_LEGACY_NODE_GROUP: NodeGroupConfig = {
    name: "ng-1", instanceTypes: pins.DEFAULT_INSTANCE_TYPES, desiredSize: 3, minSize: 3, maxSize: 6,
};
export const DEFAULT_CILIUM_NODE_GROUP: CiliumNodeGroupConfig = {
    name: "ng-cilium", instanceTypes: pins.DEFAULT_INSTANCE_TYPES, desiredSize: 3, minSize: 3, maxSize: 6,
    startupTaintEffect: "NoExecute",
};
export const DEFAULT_TWINS: TwinConfig = { nameSuffix: "-cilium", startupTaintEffect: "NoExecute", overrides: {} };
export const DEFAULT_DRAIN: DrainConfig = { timeout: "10m", deleteEmptyDirData: false, batchSize: 1 };
export const DEFAULT_GATE: GateConfig = { timeout: "15m" };

function objectOrDefault(p: Problems, key: string, value: unknown): Record<string, unknown> | undefined {
    if (value === undefined) return {};
    if (value === INVALID) return undefined;
    if (!isPlainObject(value)) {
        p.add(`\`${key}\` is ${JSON.stringify(value)}; it must be an object.`);
        return undefined;
    }
    return value;
}

export function parseVpc(p: Problems, value: unknown): VpcConfig {
    const v = objectOrDefault(p, "vpc", value);
    if (!v) return undefined as unknown as VpcConfig;
    if (v.vpcId !== undefined) {
        noUnknownKeys(p, "vpc", v, ["vpcId", "privateSubnetIds", "publicSubnetIds"]);
        return {
            kind: "existing",
            vpcId: matching(p, "vpc.vpcId", v.vpcId, /^vpc-[0-9a-f]{8,17}$/, 'a VPC id such as "vpc-0123456789abcdef0"') as string,
            privateSubnetIds: stringList(p, "vpc.privateSubnetIds", v.privateSubnetIds, /^subnet-[0-9a-f]{8,17}$/, "subnet ids") as string[],
            publicSubnetIds: stringList(p, "vpc.publicSubnetIds", v.publicSubnetIds, /^subnet-[0-9a-f]{8,17}$/, "subnet ids") as string[],
        };
    }
    noUnknownKeys(p, "vpc", v, ["cidrBlock", "availabilityZoneCount", "vpcId"]);
    return {
        kind: "new",
        cidrBlock: matching(p, "vpc.cidrBlock", v.cidrBlock ?? pins.DEFAULT_VPC_CIDR, /^([0-9]{1,3}\.){3}[0-9]{1,3}\/(1[6-9]|2[0-4])$/,
            'an IPv4 CIDR from /16 to /24, such as "10.0.0.0/16"') as string,
        availabilityZoneCount: wholeNumber(p, "vpc.availabilityZoneCount", v.availabilityZoneCount ?? pins.DEFAULT_AZ_COUNT, 2, 6) as number,
    };
}

export function parseNodeGroup(p: Problems, key: string, value: unknown, defaults: NodeGroupConfig, extraKeys: string[]): NodeGroupConfig {
    const v = objectOrDefault(p, key, value);
    if (!v) return undefined as unknown as NodeGroupConfig;
    noUnknownKeys(p, key, v, [...NODE_GROUP_KEYS, ...extraKeys]);
    const group = {
        name: matching(p, `${key}.name`, v.name ?? defaults.name, NAME, "1–63 letters, digits or '-', starting with a letter") as string,
        instanceTypes: stringList(p, `${key}.instanceTypes`, v.instanceTypes ?? defaults.instanceTypes, INSTANCE_TYPE, 'EC2 instance types such as "m6i.large"') as string[],
        desiredSize: wholeNumber(p, `${key}.desiredSize`, v.desiredSize ?? defaults.desiredSize, 1, 1000) as number,
        minSize: wholeNumber(p, `${key}.minSize`, v.minSize ?? defaults.minSize, 0, 1000) as number,
        maxSize: wholeNumber(p, `${key}.maxSize`, v.maxSize ?? defaults.maxSize, 1, 1000) as number,
    };
    if (group.minSize !== undefined && group.desiredSize !== undefined && group.maxSize !== undefined &&
        !(group.minSize <= group.desiredSize && group.desiredSize <= group.maxSize)) {
        p.add(`\`${key}\` sizes are min ${group.minSize}, desired ${group.desiredSize}, max ${group.maxSize}; they must satisfy min ≤ desired ≤ max.`);
    }
    return group;
}

export function parseCiliumNodeGroup(p: Problems, value: unknown): CiliumNodeGroupConfig {
    const group = parseNodeGroup(p, "ciliumNodeGroup", value, DEFAULT_CILIUM_NODE_GROUP, ["startupTaintEffect"]);
    const v = isPlainObject(value) ? value : {};
    const effect = oneOf<TaintEffect>(p, "ciliumNodeGroup.startupTaintEffect", v.startupTaintEffect ?? DEFAULT_CILIUM_NODE_GROUP.startupTaintEffect, ["NoExecute", "NoSchedule"]);
    return group && { ...group, startupTaintEffect: effect as TaintEffect };
}

export function parseNodeLabels(p: Problems, value: unknown): NodeLabels {
    const v = objectOrDefault(p, "nodeLabels", value);
    if (!v) return undefined as unknown as NodeLabels;
    noUnknownKeys(p, "nodeLabels", v, ["key", "legacyValue", "ciliumValue"]);
    const allowed = "a Kubernetes label name or value (1–63 letters, digits, '-', '_' or '.')";
    const labels = {
        key: matching(p, "nodeLabels.key", v.key ?? DEFAULT_NODE_LABELS.key, LABEL_PART, allowed) as string,
        legacyValue: matching(p, "nodeLabels.legacyValue", v.legacyValue ?? DEFAULT_NODE_LABELS.legacyValue, LABEL_PART, allowed) as string,
        ciliumValue: matching(p, "nodeLabels.ciliumValue", v.ciliumValue ?? DEFAULT_NODE_LABELS.ciliumValue, LABEL_PART, allowed) as string,
    };
    if (labels.legacyValue !== undefined && labels.legacyValue === labels.ciliumValue) {
        p.add(`\`nodeLabels.ciliumValue\` is ${JSON.stringify(labels.ciliumValue)}, the same as \`nodeLabels.legacyValue\`; the pools must be told apart.`);
    }
    return labels;
}

export function parseCilium(p: Problems, value: unknown): MigrationConfig["cilium"] {
    const v = objectOrDefault(p, "cilium", value);
    if (!v) return undefined as unknown as MigrationConfig["cilium"];
    noUnknownKeys(p, "cilium", v, ["chartVersion", "values", "timeout", "clusterName", "operatorIdentity", "policyDuringMigration", "portmapChaining"]);
    const withdrawn = withdrawnLineMessage(v.chartVersion);
    if (withdrawn) p.add(withdrawn);
    const chartVersion = withdrawn ? undefined as unknown as string : matching(p, "cilium.chartVersion", v.chartVersion ?? pins.CILIUM_CHART_VERSION, SUPPORTED_CHART_VERSION,
        `an exact version of a supported Cilium chart line, ${supportedLinesText()}, such as "${pins.CILIUM_CHART_VERSION}" (each line's chart is checked: values, per-node workloads)`) as string;
    const values = v.values ?? {};
    if (!isPlainObject(values)) p.add(`\`cilium.values\` is ${JSON.stringify(values)}; it must be an object of Helm values.`);
    const timeout = v.timeout === undefined ? undefined
        : matching(p, "cilium.timeout", v.timeout, DURATION, 'a duration such as "45m" or "1h30m" (leave it unset to size it from the Cilium pool)');
    const clusterName = v.clusterName === undefined ? undefined
        : matching(p, "cilium.clusterName", v.clusterName, CILIUM_CLUSTER_NAME, "1–32 lowercase letters, digits or '-', starting and ending with a letter or digit (Cilium's `cluster.name`)");
    const operatorIdentity = oneOf<OperatorIdentity>(p, "cilium.operatorIdentity", v.operatorIdentity ?? "irsa", ["irsa", "pod-identity"]) as OperatorIdentity;
    const policyDuringMigration = oneOf<"never" | "default">(p, "cilium.policyDuringMigration", v.policyDuringMigration ?? "default", ["default", "never"]) as "never" | "default";
    const portmapChaining = bool(p, "cilium.portmapChaining", v.portmapChaining ?? false) as boolean;
    return {
        chartVersion, values: isPlainObject(values) ? values : {}, operatorIdentity, policyDuringMigration, portmapChaining,
        ...(timeout === undefined ? {} : { timeout }), ...(clusterName === undefined ? {} : { clusterName }),
    };
}

export function parseExistingCluster(p: Problems, value: unknown): ExistingClusterConfig | undefined {
    if (value === undefined || value === INVALID) return undefined;
    if (!isPlainObject(value)) {
        p.add(`\`existingCluster\` is ${JSON.stringify(value)}; it must be an object: {name, nodeGroups, nodePools, autoScalingGroups, deleteLegacyNodeGroups}.`);
        return undefined;
    }
    noUnknownKeys(p, "existingCluster", value, ["name", "nodeGroups", "nodePools", "deleteLegacyNodeGroups", "autoScalingGroups"]);
    if (value.name === undefined) p.add("`existingCluster.name` is not set; it is required: the name of the EKS cluster to migrate.");
    const name = value.name === undefined ? undefined : matching(p, "existingCluster.name", value.name, EKS_CLUSTER_NAME, "an EKS cluster name (1–100 letters, digits, '-' or '_')");
    const nodeGroups = value.nodeGroups === undefined ? undefined
        : stringList(p, "existingCluster.nodeGroups", value.nodeGroups, EKS_NODE_GROUP_NAME, "managed node group names");
    if (nodeGroups && new Set(nodeGroups).size !== nodeGroups.length) p.add(`\`existingCluster.nodeGroups\` lists a node group twice: ${JSON.stringify(nodeGroups)}.`);
    return {
        name: name as string,
        ...(nodeGroups ? { nodeGroups } : {}),
        ...parseNodePoolNames(p, value.nodePools),
        deleteLegacyNodeGroups: bool(p, "existingCluster.deleteLegacyNodeGroups", value.deleteLegacyNodeGroups ?? false) as boolean,
        ...optional("autoScalingGroups", parseAutoScalingGroups(p, value.autoScalingGroups)),
    };
}

/** `ciliumNodeGroup` for an existing cluster: the twins' suffix, startup taint, and per-group overrides. */
export function parseTwins(p: Problems, value: unknown): TwinConfig {
    const v = objectOrDefault(p, "ciliumNodeGroup", value);
    if (!v) return undefined as unknown as TwinConfig;
    for (const key of ["name", ...NODE_GROUP_KEYS.filter((k) => k !== "name")]) {
        if (v[key] !== undefined) {
            p.add(`\`ciliumNodeGroup.${key}\` is set, but with \`existingCluster\` each legacy node group gets its own twin: ` +
                `set it per group as \`ciliumNodeGroup.overrides.<group>.${key === "name" ? "…" : key}\`${key === "name" ? " (twins are named <group> + `nameSuffix`)" : ""}.`);
        }
    }
    noUnknownKeys(p, "ciliumNodeGroup", Object.fromEntries(Object.entries(v).filter(([k]) => !(NODE_GROUP_KEYS as readonly string[]).includes(k))),
        ["nameSuffix", "startupTaintEffect", "overrides", "nodeRoleArn"]);
    const nameSuffix = matching(p, "ciliumNodeGroup.nameSuffix", v.nameSuffix ?? DEFAULT_TWINS.nameSuffix, /^[A-Za-z0-9_-]{1,20}$/,
        "1–20 letters, digits, '-' or '_' appended to each legacy group's name") as string;
    const startupTaintEffect = oneOf<TaintEffect>(p, "ciliumNodeGroup.startupTaintEffect", v.startupTaintEffect ?? DEFAULT_TWINS.startupTaintEffect, ["NoExecute", "NoSchedule"]) as TaintEffect;
    const overrides: TwinConfig["overrides"] = {};
    const raw = v.overrides ?? {};
    if (!isPlainObject(raw)) p.add(`\`ciliumNodeGroup.overrides\` is ${JSON.stringify(raw)}; it must be an object keyed by legacy node group name.`);
    for (const [group, o] of Object.entries(isPlainObject(raw) ? raw : {})) {
        const key = `ciliumNodeGroup.overrides.${group}`;
        if (!isPlainObject(o)) { p.add(`\`${key}\` is ${JSON.stringify(o)}; it must be an object.`); continue; }
        noUnknownKeys(p, key, o, ["instanceTypes", "desiredSize", "minSize", "maxSize", "launchTemplateVersion", "releaseVersion"]);
        overrides[group] = {
            // A number: EKS turns `$Default`/`$Latest` into one on read, and the provider would show a difference each time.
            ...(o.launchTemplateVersion === undefined ? {} : { launchTemplateVersion: matching(p, `${key}.launchTemplateVersion`, o.launchTemplateVersion,
                /^[1-9][0-9]*$/, 'a launch template version number such as "4" (not $Default or $Latest)') as string }),
            ...(o.releaseVersion === undefined ? {} : { releaseVersion: matching(p, `${key}.releaseVersion`, o.releaseVersion,
                /^[0-9A-Za-z._-]{1,100}$/, 'an EKS AMI release such as "1.31.3-20250101"') as string }),
            ...(o.instanceTypes === undefined ? {} : { instanceTypes: stringList(p, `${key}.instanceTypes`, o.instanceTypes, INSTANCE_TYPE, 'EC2 instance types such as "m6i.large"') as string[] }),
            ...(o.desiredSize === undefined ? {} : { desiredSize: wholeNumber(p, `${key}.desiredSize`, o.desiredSize, 0, 1000) as number }),
            ...(o.minSize === undefined ? {} : { minSize: wholeNumber(p, `${key}.minSize`, o.minSize, 0, 1000) as number }),
            ...(o.maxSize === undefined ? {} : { maxSize: wholeNumber(p, `${key}.maxSize`, o.maxSize, 1, 1000) as number }),
        };
    }
    const nodeRoleArn = v.nodeRoleArn === undefined ? undefined : matching(p, "ciliumNodeGroup.nodeRoleArn", v.nodeRoleArn,
        /^arn:aws[a-z-]*:iam::[0-9]{12}:role\/[\w+=,.@/-]{1,512}$/, "an IAM role ARN (arn:aws:iam::<account>:role/<name>) for the twins' nodes") as string;
    return { nameSuffix, startupTaintEffect, overrides, ...(nodeRoleArn ? { nodeRoleArn } : {}) };
}

/** An IAM principal EKS accepts in an access entry: a role or a user, not an STS session. */
const IAM_PRINCIPAL = /^arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:(role|user)\/[A-Za-z0-9+=,.@_/-]+$/;

export function parseClusterAdmins(p: Problems, value: unknown): string[] {
    if (value === undefined) return [];
    if (value === INVALID) return undefined as unknown as string[];
    if (!Array.isArray(value)) {
        p.add(`\`clusterAdmins\` is ${JSON.stringify(value)}; it must be a list of IAM role or user ARNs.`);
        return undefined as unknown as string[];
    }
    value.forEach((arn, i) => {
        if (typeof arn === "string" && /^arn:aws[a-z-]*:sts::[0-9]{12}:assumed-role\/([^/]+)\//.test(arn)) {
            const role = /assumed-role\/([^/]+)\//.exec(arn)?.[1];
            p.add(`\`clusterAdmins[${i}]\` is ${JSON.stringify(arn)}, an STS session; EKS access entries take the role itself, ` +
                `e.g. "arn:aws:iam::${arn.split(":")[4]}:role/${role}".`);
        } else if (typeof arn !== "string" || !IAM_PRINCIPAL.test(arn)) {
            p.add(`\`clusterAdmins[${i}]\` is ${JSON.stringify(arn)}; it must be an IAM role or user ARN such as "arn:aws:iam::123456789012:role/ci-deployer".`);
        }
    });
    const duplicates = value.filter((arn, i) => value.indexOf(arn) !== i);
    if (duplicates.length > 0) p.add(`\`clusterAdmins\` lists ${JSON.stringify(duplicates[0])} more than once; EKS has one access entry per principal.`);
    return value as string[];
}

export function parseGoldpinger(p: Problems, value: unknown): GoldpingerConfig {
    const v = objectOrDefault(p, "goldpinger", value);
    if (!v) return undefined as unknown as GoldpingerConfig;
    noUnknownKeys(p, "goldpinger", v, ["enabled", "image", "egressTargets"]);
    return {
        enabled: bool(p, "goldpinger.enabled", v.enabled ?? true) as boolean,
        image: matching(p, "goldpinger.image", v.image ?? pins.GOLDPINGER_IMAGE, PINNED_IMAGE,
            'a pinned image reference with a tag or digest, such as "bloomberg/goldpinger:3.10.2" (never :latest)') as string,
        // goldpinger's own probes (HTTP_TARGETS: a 200 is success; TCP_TARGETS: <host>:<port>), space-delimited.
        // An explicit [] is the default written out: no targets.
        egressTargets: v.egressTargets === undefined || (Array.isArray(v.egressTargets) && v.egressTargets.length === 0) ? [] : stringList(p, "goldpinger.egressTargets", v.egressTargets, /^(https?:\/\/[^\s]+|[A-Za-z0-9.-]+:[0-9]{1,5})$/,
            'https://… URLs (an HTTP 200 is success) or host:port TCP targets outside the cluster, such as "https://aws.amazon.com" or "sts.amazonaws.com:443"') ?? [],
    };
}

export function parseDrain(p: Problems, value: unknown): DrainConfig {
    const v = objectOrDefault(p, "drain", value);
    if (!v) return undefined as unknown as DrainConfig;
    noUnknownKeys(p, "drain", v, ["timeout", "deleteEmptyDirData", "batchSize"]);
    return {
        timeout: matching(p, "drain.timeout", v.timeout ?? DEFAULT_DRAIN.timeout, DURATION, 'a duration such as "10m" or "1h30m"') as string,
        deleteEmptyDirData: bool(p, "drain.deleteEmptyDirData", v.deleteEmptyDirData ?? DEFAULT_DRAIN.deleteEmptyDirData) as boolean,
        batchSize: wholeNumber(p, "drain.batchSize", v.batchSize ?? DEFAULT_DRAIN.batchSize, 1, 50) as number,
    };
}

export function parseGate(p: Problems, value: unknown): GateConfig {
    const v = objectOrDefault(p, "gate", value);
    if (!v) return undefined as unknown as GateConfig;
    noUnknownKeys(p, "gate", v, ["timeout"]);
    return { timeout: matching(p, "gate.timeout", v.timeout ?? DEFAULT_GATE.timeout, DURATION, 'a duration such as "15m"') as string };
}

/** `{key: value}` when the value is set, else nothing: a key left unset stays absent from the typed config. */
const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> => (value === undefined ? {} : { [key]: value } as Record<K, V>);
