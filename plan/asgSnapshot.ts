/**
 * The planner's answers to the program's Auto Scaling look-ups (design.md, "Self-managed node groups"), from the
 * snapshot's `autoscaling-groups.json` and `launch-template-versions.json`, in the shape the AWS provider's data
 * sources return (@pulumi/aws 7.48 `autoscaling.getGroup`, `ec2.getLaunchTemplate`). The provider's getLaunchTemplate
 * reads the template's **latest** version (terraform-provider-aws `dataSourceLaunchTemplateRead`:
 * `findLaunchTemplateVersionByTwoPartKey(…, LatestVersionNumber)`), so this answer does too.
 */
import type * as aws from "@pulumi/aws";
import { AutoScalingGroup, LaunchTemplateVersion } from "../clusterReader/autoScalingGroups";
import { invokeError } from "./invokeError";

/** describe-auto-scaling-groups' group → the provider's getGroup result (the members the program reads). */
export function groupResult(g: AutoScalingGroup): aws.autoscaling.GetGroupResult {
    const mixed = g.MixedInstancesPolicy;
    const spec = mixed?.LaunchTemplate?.LaunchTemplateSpecification;
    const ref = (s: typeof spec) => ({ id: s?.LaunchTemplateId ?? "", name: s?.LaunchTemplateName ?? "", version: s?.Version ?? "" });
    return {
        name: g.AutoScalingGroupName, id: g.AutoScalingGroupName,
        minSize: g.MinSize, maxSize: g.MaxSize, desiredCapacity: g.DesiredCapacity,
        launchConfiguration: g.LaunchConfigurationName ?? "",
        launchTemplates: g.LaunchTemplate ? [ref(g.LaunchTemplate)] : [],
        mixedInstancesPolicies: mixed ? [{
            instancesDistributions: mixed.InstancesDistribution ? [camelKeys(mixed.InstancesDistribution)] : [],
            launchTemplates: [{
                launchTemplateSpecifications: spec ? [{ launchTemplateId: spec.LaunchTemplateId ?? "", launchTemplateName: spec.LaunchTemplateName ?? "", version: spec.Version ?? "" }] : [],
                overrides: (mixed.LaunchTemplate?.Overrides ?? []).map((o) => ({
                    instanceType: o.InstanceType ?? "", weightedCapacity: o.WeightedCapacity ?? "",
                    instanceRequirements: o.InstanceRequirements ? [camelKeys(o.InstanceRequirements)] : [], 
                    launchTemplateSpecifications: o.LaunchTemplateSpecification ? [{ launchTemplateId: o.LaunchTemplateSpecification.LaunchTemplateId ?? "", launchTemplateName: o.LaunchTemplateSpecification.LaunchTemplateName ?? "", version: o.LaunchTemplateSpecification.Version ?? "" }] : [],
                })),
            }],
        }] : [],
        suspendedProcesses: (g.SuspendedProcesses ?? []).map((p) => p.ProcessName),
        tags: (g.Tags ?? []).map((t) => ({ key: t.Key, value: t.Value ?? "", propagateAtLaunch: t.PropagateAtLaunch ?? false })),
        vpcZoneIdentifier: g.VPCZoneIdentifier ?? "",
    } as unknown as aws.autoscaling.GetGroupResult;
}

/** The group named, or the provider's not-found error. */
export function findGroup(groups: AutoScalingGroup[], name: string): AutoScalingGroup {
    const g = groups.find((x) => x.AutoScalingGroupName === name);
    if (!g) throw invokeError(`couldn't find resource: no Auto Scaling group named ${name} (autoscaling-groups.json has ${groups.map((x) => x.AutoScalingGroupName).join(", ") || "none"})`);
    return g;
}

/** The template's latest version as the provider's getLaunchTemplate returns it, with the default and latest numbers. */
export function launchTemplateResult(versions: LaunchTemplateVersion[], args: { id?: string; name?: string }): aws.ec2.GetLaunchTemplateResult {
    const mine = versions.filter((v) => (args.id ? v.LaunchTemplateId === args.id : v.LaunchTemplateName === args.name));
    if (mine.length === 0) throw invokeError(`couldn't find resource: launch template ${args.id ?? args.name} has no version in launch-template-versions.json`);
    const latest = mine.reduce((a, v) => (a.VersionNumber >= v.VersionNumber ? a : v));
    const d = latest.LaunchTemplateData;
    return {
        id: latest.LaunchTemplateId, name: latest.LaunchTemplateName ?? "",
        latestVersion: latest.VersionNumber, defaultVersion: mine.find((v) => v.DefaultVersion)?.VersionNumber ?? 0,
        imageId: d.ImageId ?? "", instanceType: d.InstanceType ?? "", userData: d.UserData ?? "", keyName: d.KeyName ?? "",
        iamInstanceProfiles: d.IamInstanceProfile ? [{ arn: d.IamInstanceProfile.Arn ?? "", name: d.IamInstanceProfile.Name ?? "" }] : [],
        vpcSecurityGroupIds: d.SecurityGroupIds ?? [],
        blockDeviceMappings: (d.BlockDeviceMappings ?? []).map((b) => ({
            deviceName: b.DeviceName ?? "", noDevice: b.NoDevice ?? "", virtualName: b.VirtualName ?? "",
            // The provider's schema reads these two booleans as strings ("true"/"false"; "" when unset).
            ebs: b.Ebs ? [{ ...camelKeys(b.Ebs), deleteOnTermination: boolText(b.Ebs.DeleteOnTermination), encrypted: boolText(b.Ebs.Encrypted) }] : [],
        })),
        metadataOptions: d.MetadataOptions ? [camelKeys(d.MetadataOptions)] : [],
        instanceRequirements: d.InstanceRequirements ? [camelKeys(d.InstanceRequirements as Record<string, unknown>)] : [],
        networkInterfaces: (d.NetworkInterfaces ?? []).map((n) => ({ ...camelKeys(n), securityGroups: n.Groups ?? [] })),
        tagSpecifications: (d.TagSpecifications ?? []).map((t) => ({ resourceType: t.ResourceType ?? "", tags: Object.fromEntries((t.Tags ?? []).map((x) => [x.Key, x.Value])) })),
    } as unknown as aws.ec2.GetLaunchTemplateResult;
}

/** EC2's PascalCase members as the provider's camelCase ones (`HttpPutResponseHopLimit` → `httpPutResponseHopLimit`). */
function camelKeys(o: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), v]));
}
const boolText = (v: unknown): string => (v === undefined ? "" : String(v));
