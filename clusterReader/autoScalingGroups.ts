/**
 * Auto Scaling groups and launch template versions as the AWS CLI prints them (`aws autoscaling
 * describe-auto-scaling-groups`, `aws ec2 describe-launch-template-versions`; member names from botocore's service
 * models, vendored in tests/fixtures/real/botocore), and the readings everybody needs of them: which group an EC2
 * instance belongs to, which launch template and version a group launches from. Pure.
 */
export { instanceIdOf } from "../migration/nodeRule";

/** `LaunchTemplateSpecification`: an id or a name, and a version (`$Latest`, `$Default` or a number; unset: `$Default`). */
export interface LaunchTemplateSpecification {
    LaunchTemplateId?: string;
    LaunchTemplateName?: string;
    Version?: string;
}

export interface AsgTag { Key: string; Value?: string; PropagateAtLaunch?: boolean; ResourceId?: string; ResourceType?: string }

/** The members of botocore's `AutoScalingGroup` the migration reads. */
export interface AutoScalingGroup {
    AutoScalingGroupName: string;
    LaunchConfigurationName?: string;
    LaunchTemplate?: LaunchTemplateSpecification;
    MixedInstancesPolicy?: {
        LaunchTemplate?: { LaunchTemplateSpecification?: LaunchTemplateSpecification; Overrides?: { InstanceType?: string; WeightedCapacity?: string; InstanceRequirements?: Record<string, unknown>; LaunchTemplateSpecification?: LaunchTemplateSpecification }[] };
        InstancesDistribution?: Record<string, unknown>;
    };
    MinSize: number;
    MaxSize: number;
    DesiredCapacity: number;
    VPCZoneIdentifier?: string;
    Instances?: { InstanceId: string; LifecycleState?: string }[];
    SuspendedProcesses?: { ProcessName: string; SuspensionReason?: string }[];
    Tags?: AsgTag[];
}

/** The members of botocore's `LaunchTemplateVersion` the migration reads. */
export interface LaunchTemplateVersion {
    LaunchTemplateId: string;
    LaunchTemplateName?: string;
    VersionNumber: number;
    DefaultVersion?: boolean;
    LaunchTemplateData: {
        ImageId?: string;
        InstanceType?: string;
        UserData?: string;
        IamInstanceProfile?: { Arn?: string; Name?: string };
        SecurityGroupIds?: string[];
        NetworkInterfaces?: { Groups?: string[]; DeviceIndex?: number; [k: string]: unknown }[];
        BlockDeviceMappings?: { DeviceName?: string; NoDevice?: string; VirtualName?: string; Ebs?: { DeleteOnTermination?: boolean; Encrypted?: boolean; [k: string]: unknown } }[];
        MetadataOptions?: Record<string, unknown>;
        KeyName?: string;
        TagSpecifications?: { ResourceType?: string; Tags?: { Key: string; Value: string }[] }[];
        [k: string]: unknown;
    };
}

/** Each instance id of the groups, with its group's name: how an ASG node is told apart (its labels do not name it). */
export function asgByInstance(groups: AutoScalingGroup[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const g of groups) for (const i of g.Instances ?? []) out[i.InstanceId] = g.AutoScalingGroupName;
    return out;
}

/** The launch template a group launches from: its own, or its mixed-instances policy's; none on a launch configuration. */
export function launchTemplateOf(group: AutoScalingGroup): LaunchTemplateSpecification | undefined {
    return group.LaunchTemplate ?? group.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
}

/**
 * The version a template reference launches: `$Latest` the highest number, `$Default` (or none) the version marked
 * default, a number that version (EC2 `LaunchTemplateSpecification.Version`). Undefined when the versions at hand do
 * not hold it.
 */
export function resolveVersion(ref: LaunchTemplateSpecification, versions: LaunchTemplateVersion[]): LaunchTemplateVersion | undefined {
    const mine = versions.filter((v) => (ref.LaunchTemplateId !== undefined ? v.LaunchTemplateId === ref.LaunchTemplateId : v.LaunchTemplateName === ref.LaunchTemplateName));
    const wanted = ref.Version ?? "$Default";
    if (wanted === "$Latest") return mine.reduce<LaunchTemplateVersion | undefined>((a, v) => (a && a.VersionNumber >= v.VersionNumber ? a : v), undefined);
    if (wanted === "$Default") return mine.find((v) => v.DefaultVersion === true);
    return mine.find((v) => String(v.VersionNumber) === wanted);
}

/** The instance tags a group's instances get at launch: the group's tags with PropagateAtLaunch, then its template's instance tags. */
export function launchedInstanceTags(group: AutoScalingGroup, version: LaunchTemplateVersion | undefined): Record<string, string> {
    const tags: Record<string, string> = {};
    for (const spec of version?.LaunchTemplateData.TagSpecifications ?? []) {
        if (spec.ResourceType === "instance") for (const t of spec.Tags ?? []) tags[t.Key] = t.Value;
    }
    for (const t of group.Tags ?? []) if (t.PropagateAtLaunch) tags[t.Key] = t.Value ?? "";
    return tags;
}

type Shape = "string" | "number" | "object" | "list";
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const fits = (v: unknown, shape: Shape): boolean => (shape === "list" ? Array.isArray(v) : shape === "object" ? isObject(v) : typeof v === shape);

/** The members every reader of the two files reads (clusterReader, preflight/asgChecks.ts, plan/asgSnapshot.ts): required, or a list of objects. */
const ITEM_SHAPES = {
    AutoScalingGroups: { required: { AutoScalingGroupName: "string" }, optional: { LaunchTemplate: "object", MixedInstancesPolicy: "object" },
        lists: { Instances: { InstanceId: "string" }, Tags: { Key: "string" }, SuspendedProcesses: { ProcessName: "string" } } },
    LaunchTemplateVersions: { required: { LaunchTemplateId: "string", VersionNumber: "number", LaunchTemplateData: "object" }, optional: {},
        lists: {} },
} as const satisfies Record<string, { required: Record<string, Shape>; optional: Record<string, Shape>; lists: Record<string, Record<string, Shape>> }>;

/**
 * Why a file's list is not what the AWS CLI prints, naming the item and the member (`AutoScalingGroups[2].Tags[0] has
 * no \`Key\` string`), or undefined. Enough that no reader crashes on a member it reads, not a schema; in the form of
 * the snapshot readers' own item checks (clusterReader/snapshot.ts `validatePart`). Each reader throws it as its error.
 */
export function asgItemsProblem(member: keyof typeof ITEM_SHAPES, items: unknown[]): string | undefined {
    const shapes: { required: Record<string, Shape>; optional: Record<string, Shape>; lists: Record<string, Record<string, Shape>> } = ITEM_SHAPES[member];
    const problemOf = (item: unknown, at: string, required: Record<string, Shape>, optional: Record<string, Shape> = {}): string | undefined => {
        if (!isObject(item)) return `${at} is not an object`;
        const bad = Object.entries(required).find(([k, s]) => !fits(item[k], s)) ?? Object.entries(optional).find(([k, s]) => item[k] !== undefined && !fits(item[k], s));
        return bad ? `${at} has no \`${bad[0]}\` ${bad[1]}` : undefined;
    };
    for (const [i, item] of items.entries()) {
        const at = `${member}[${i}]`;
        const own = problemOf(item, at, shapes.required, shapes.optional);
        if (own) return own;
        for (const [list, required] of Object.entries(shapes.lists)) {
            const value = (item as Record<string, unknown>)[list];
            if (value === undefined) continue;
            if (!Array.isArray(value)) return `${at} has no \`${list}\` list`;
            const inner = value.map((x, j) => problemOf(x, `${at}.${list}[${j}]`, required)).find((p) => p !== undefined);
            if (inner) return inner;
        }
        if (member === "LaunchTemplateVersions") {
            const specs = ((item as LaunchTemplateVersion).LaunchTemplateData.TagSpecifications ?? []) as unknown;
            if (!Array.isArray(specs)) return `${at}.LaunchTemplateData has no \`TagSpecifications\` list`;
            for (const [j, spec] of specs.entries()) {
                const tags = isObject(spec) ? (spec.Tags ?? []) : undefined;
                if (!Array.isArray(tags)) return `${at}.LaunchTemplateData.TagSpecifications[${j}] has no \`Tags\` list`;
                const bad = tags.map((t, k) => problemOf(t, `${at}.LaunchTemplateData.TagSpecifications[${j}].Tags[${k}]`, { Key: "string" })).find((p) => p !== undefined);
                if (bad) return bad;
            }
        }
    }
    return undefined;
}
