/**
 * The self-managed node groups a stack names (`existingCluster.autoScalingGroups`), as the AWS provider's data
 * sources describe them, checked before anything is declared (design.md, "Self-managed node groups"). The look-ups
 * (`lookUpAutoScalingGroups`) go through the same data sources in `pulumi up`, `pulumi preview` and the planner,
 * which answers them from the snapshot (plan/asgSnapshot.ts). The judging (`autoScalingGroupFacts`) is pure.
 */
import * as aws from "@pulumi/aws";
import { MigrationConfig } from "./configTypes";
import { isNotFound } from "./existingLookups";
import { ConfigError } from "./validate";

export interface AsgLookups {
    getGroup(args: aws.autoscaling.GetGroupArgs): Promise<aws.autoscaling.GetGroupResult>;
    getLaunchTemplate(args: aws.ec2.GetLaunchTemplateArgs): Promise<aws.ec2.GetLaunchTemplateResult>;
}

export const AWS_ASG_LOOKUPS: AsgLookups = {
    getGroup: (a) => aws.autoscaling.getGroup(a),
    getLaunchTemplate: (a) => aws.ec2.getLaunchTemplate(a),
};

/** What AWS says of one named group: the group (none: not found) and the template it launches from. */
export interface AsgFound {
    name: string;
    group?: aws.autoscaling.GetGroupResult;
    template?: aws.ec2.GetLaunchTemplateResult;
}

/** The template reference a group launches from: its own, or its mixed-instances policy's. */
export function templateRefOf(g: aws.autoscaling.GetGroupResult): { id: string; name: string; version: string } | undefined {
    const own = g.launchTemplates?.[0];
    if (own && (own.id || own.name)) return own;
    const spec = g.mixedInstancesPolicies?.[0]?.launchTemplates?.[0]?.launchTemplateSpecifications?.[0];
    return spec && (spec.launchTemplateId || spec.launchTemplateName)
        ? { id: spec.launchTemplateId, name: spec.launchTemplateName, version: spec.version } : undefined;
}

export async function lookUpAutoScalingGroups(config: MigrationConfig, lookups: AsgLookups = AWS_ASG_LOOKUPS): Promise<AsgFound[]> {
    const found: AsgFound[] = [];
    for (const name of config.existingCluster?.autoScalingGroups ?? []) {
        let group: aws.autoscaling.GetGroupResult;
        try {
            group = await lookups.getGroup({ name });
        } catch (err) {
            if (!isNotFound(err)) throw err;
            found.push({ name });
            continue;
        }
        const ref = templateRefOf(group);
        const template = ref ? await lookups.getLaunchTemplate(ref.id ? { id: ref.id } : { name: ref.name }) : undefined;
        found.push({ name, group, ...(template ? { template } : {}) });
    }
    return found;
}

/** The group as the migration reads it: where it launches from, resolved to one template version. */
export interface AsgDescription {
    name: string;
    group: aws.autoscaling.GetGroupResult;
    template: aws.ec2.GetLaunchTemplateResult;
    /** The version the group launches (`$Latest`, `$Default` or a number, resolved). */
    version: number;
}

/**
 * The version number a reference launches. The provider's getLaunchTemplate describes the latest version only
 * (plan/asgSnapshot.ts cites it): a group launching an older one cannot be read through it.
 */
export function resolvedVersion(version: string, t: { defaultVersion: number; latestVersion: number }): number | undefined {
    if (version === "$Latest") return t.latestVersion;
    if (version === "$Default" || version === "") return t.defaultVersion;
    return /^[0-9]+$/.test(version) ? Number(version) : undefined;
}

/** The groups, or a ConfigError naming every group that cannot be migrated and why. */
export function autoScalingGroupFacts(found: AsgFound[], clusterName: string): AsgDescription[] {
    const problems: string[] = [];
    const out: AsgDescription[] = [];
    for (const f of found) {
        const g = f.group;
        if (!g) {
            // The planner answers from the snapshot, which holds only the groups tagged for the cluster (clusterReader/asgCli.ts).
            problems.push(`\`existingCluster.autoScalingGroups\` names ${JSON.stringify(f.name)}, but there is no Auto Scaling group of that name ` +
                `(for cluster ${clusterName}). A snapshot holds only the groups tagged kubernetes.io/cluster/${clusterName}, and the twin and the gates ` +
                "need that tag too: check the name, and that the group carries the tag (its Tags in aws autoscaling " +
                `describe-auto-scaling-groups --auto-scaling-group-names ${f.name}); tag it, then take a new snapshot.`);
            continue;
        }
        const ref = templateRefOf(g);
        if (!ref || !f.template) {
            problems.push(`Auto Scaling group ${f.name} launches from a launch configuration${g.launchConfiguration ? ` (${g.launchConfiguration})` : ""}, ` +
                "not a launch template: its Cilium twin is built from a launch template version. Move the group to a launch template first " +
                "(preflight: asg-launch-configuration).");
            continue;
        }
        const version = resolvedVersion(ref.version, f.template);
        if (version === undefined || version !== f.template.latestVersion) {
            problems.push(`Auto Scaling group ${f.name} launches version ${JSON.stringify(ref.version)}${version !== undefined ? ` (${version})` : ""} of launch ` +
                `template ${f.template.id}, whose latest version is ${f.template.latestVersion}: the AWS provider's getLaunchTemplate reads only the ` +
                "latest version, so the twin could not be built from what the group launches. Point the group at $Latest (or make the version it " +
                "launches the latest), then run the update again.");
            continue;
        }
        out.push({ name: f.name, group: g, template: f.template, version });
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return out;
}
