/**
 * Self-managed node groups (design.md, "Self-managed node groups"; the "Preflight" table):
 * - `asg-launch-configuration` (blocker, unwaivable): a legacy Auto Scaling group on a launch configuration — its twin
 *   is built from a launch template version, and there is none to copy;
 * - `asg-instance-tag` (warning): a legacy group whose instances would carry neither `eks:cluster-name` nor
 *   `eks:eks-cluster-name` equal to the cluster's name — by a group tag with PropagateAtLaunch or the launch template
 *   version's instance tag specification. cilium-operator's IAM condition accepts either tag (migration/names.ts `INSTANCE_CLUSTER_TAGS`); the twin adds
 *   `eks:cluster-name` itself.
 * Both read only the groups the stack names (`existingCluster.autoScalingGroups`); with none named they find nothing.
 */
import { INSTANCE_CLUSTER_TAGS } from "../migration/names";
import { ASG_FILES } from "../migration/snapshotFiles";
import { AutoScalingGroup, LaunchTemplateVersion, launchTemplateOf, launchedInstanceTags, resolveVersion } from "../clusterReader/autoScalingGroups";
import { PreflightCheck } from "./check";
import { PreflightInput, PreflightOptions } from "./types";


const named = (input: PreflightInput, options: PreflightOptions): AutoScalingGroup[] =>
    ((input.autoscalinggroups ?? []) as AutoScalingGroup[]).filter((g) => (options.asgs ?? []).includes(g.AutoScalingGroupName));

/**
 * A stack that names Auto Scaling groups cannot be judged without both ASG files (design: exit 2 naming the file),
 * nor with a group the snapshot does not have.
 */
export function asgInputProblem(options: PreflightOptions, input: PreflightInput, source: string): string | undefined {
    const asgs = options.asgs ?? [];
    if (asgs.length === 0) return undefined;
    for (const [part, f] of [["autoscalinggroups", ASG_FILES.autoScalingGroups], ["launchtemplateversions", ASG_FILES.launchTemplateVersions]] as const) {
        if (input[part] === undefined) {
            return `${source}: ${f.file} is missing, and the stack names Auto Scaling groups (${asgs.join(", ")}) in ` +
                `\`existingCluster.autoScalingGroups\` (${f.writtenBy}, or npm run snapshot)`;
        }
    }
    const have = ((input.autoscalinggroups ?? []) as AutoScalingGroup[]).map((g) => g.AutoScalingGroupName);
    const unknown = asgs.filter((n) => !have.includes(n));
    if (unknown.length > 0) {
        const cluster = typeof input.cluster?.name === "string" ? input.cluster.name : "<cluster>";
        return `${source}: \`existingCluster.autoScalingGroups\` names ${unknown.join(", ")}, which ${ASG_FILES.autoScalingGroups.file} does not have ` +
            `(its Auto Scaling groups: ${have.join(", ") || "none"}). It holds only the groups tagged kubernetes.io/cluster/${cluster}, and the twin ` +
            "and the gates need that tag too: check the name, and that the group carries the tag; tag it, then take a new snapshot";
    }
    return undefined;
}

export const ASG_CHECKS: PreflightCheck[] = [
    {
        id: "asg-launch-configuration", severity: "blocker", phase: 0, needs: [],
        run: ({ input, options }) => named(input, options).filter((g) => launchTemplateOf(g) === undefined).map((g) => ({
            message: `Auto Scaling group ${g.AutoScalingGroupName} launches from a launch configuration` +
                `${g.LaunchConfigurationName ? ` (${g.LaunchConfigurationName})` : ""}, not a launch template: its Cilium twin is built from a launch template version.`,
            objects: [g.AutoScalingGroupName],
            remedy: `Move ${g.AutoScalingGroupName} to a launch template first (AWS: "Migrate your Auto Scaling groups to launch templates"), ` +
                "let its nodes be replaced, then take a new snapshot.",
        })),
    },
    {
        id: "asg-instance-tag", severity: "warning", phase: 2, needs: [],
        run: ({ input, options }) => named(input, options).flatMap((g) => {
            const ref = launchTemplateOf(g);
            if (!ref) return [];
            const version = resolveVersion(ref, (input.launchtemplateversions ?? []) as LaunchTemplateVersion[]);
            const tags = launchedInstanceTags(g, version);
            // The IAM condition is StringEquals on the cluster's name; without cluster.json the value cannot be judged.
            const cluster = typeof input.cluster?.name === "string" ? input.cluster.name : undefined;
            if (INSTANCE_CLUSTER_TAGS.some((k) => tags[k] !== undefined && (cluster === undefined || tags[k] === cluster))) return [];
            const other = INSTANCE_CLUSTER_TAGS.filter((k) => tags[k] !== undefined).map((k) => `${k}=${tags[k]}`);
            return [{
                message: `the instances of Auto Scaling group ${g.AutoScalingGroupName} carry ` + (other.length > 0
                    ? `${other.join(" and ")}, not the cluster's name (${cluster}): cilium-operator's IAM policy (StringEquals) `
                    : `neither ${INSTANCE_CLUSTER_TAGS.join(" nor ")} (no group tag with PropagateAtLaunch, no instance tag in its launch template ` +
                        "version): cilium-operator's IAM policy ") +
                    "manages ENIs only on instances tagged with the cluster's name. Its twin tags its own instances with eks:cluster-name.",
                objects: [g.AutoScalingGroupName],
                remedy: "Nothing to do for the migration (the twin's instances carry the tag). If Cilium should ever manage these instances, " +
                    "tag them eks:cluster-name=<cluster> (a group tag with PropagateAtLaunch).",
            }];
        }),
    },
];
