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
