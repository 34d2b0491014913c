/**
 * The snapshot's self-managed node group files, read with the AWS CLI (read-only; design.md, "Self-managed node
 * groups"): every Auto Scaling group tagged `kubernetes.io/cluster/<name>` (the tag eksctl and terraform-aws-eks put
 * on a cluster's groups), and every version of each launch template those groups use — one
 * `describe-launch-template-versions` call per template, merged, so `$Default` and `$Latest` resolve offline.
 */
import * as fs from "fs";
import * as path from "path";
import { ASG_FILES } from "../migration/snapshotFiles";
import { AwsReadError, Runner, awsCli, parseJson } from "./awsCli";
import { AutoScalingGroup, LaunchTemplateVersion, asgByInstance, asgItemsProblem, launchTemplateOf } from "./autoScalingGroups";

type Aws = (args: string[], what: string) => Promise<string>;

/** describe-auto-scaling-groups of the groups tagged for the cluster, as printed. */
const describeGroups = (aws: Aws, cluster: string): Promise<string> =>
    aws(["autoscaling", "describe-auto-scaling-groups", "--filters", `Name=tag-key,Values=kubernetes.io/cluster/${cluster}`], `listing the Auto Scaling groups of ${cluster}`);

/** The groups of a describe-auto-scaling-groups output, each item shape-checked (a bad one named, never a crash later). */
function groupsIn(text: string, source: string): AutoScalingGroup[] {
    const list = parseJson(text, source).AutoScalingGroups;
    if (!Array.isArray(list)) throw new AwsReadError(`${source} has no \`AutoScalingGroups\` list (${ASG_FILES.autoScalingGroups.writtenBy})`);
    const problem = asgItemsProblem("AutoScalingGroups", list);
    if (problem) throw new AwsReadError(`${source}: ${problem} (${ASG_FILES.autoScalingGroups.writtenBy})`);
    return list as AutoScalingGroup[];
}

export async function readAsgFiles(cluster: string, region: string | undefined, run: Runner, log: (line: string) => void = () => undefined):
    Promise<{ autoScalingGroups: string; launchTemplateVersions: string }> {
    const aws = awsCli(region, run);
    const groupsText = await describeGroups(aws, cluster);
    const groups = groupsIn(groupsText, "aws autoscaling describe-auto-scaling-groups");
    log(`read ${groups.length} Auto Scaling group(s)`);
    const ids = [...new Set(groups.map((g) => launchTemplateOf(g)).map((t) => t?.LaunchTemplateId).filter((id): id is string => id !== undefined))].sort();
    const versions: LaunchTemplateVersion[] = [];
    for (const id of ids) {
        const text = await aws(["ec2", "describe-launch-template-versions", "--launch-template-id", id], `describing the versions of launch template ${id}`);
        versions.push(...((parseJson(text, `aws ec2 describe-launch-template-versions --launch-template-id ${id}`).LaunchTemplateVersions ?? []) as LaunchTemplateVersion[]));
    }
    log(`read ${versions.length} launch template version(s) of ${ids.length} template(s)`);
    return { autoScalingGroups: groupsText, launchTemplateVersions: JSON.stringify({ LaunchTemplateVersions: versions }, null, 4) };
}

/**
 * Which Auto Scaling group each instance belongs to, for the gates' `--legacy-asgs` (a node's labels do not name its
 * group): from a snapshot's `autoscaling-groups.json`, or read live with the AWS CLI when the cluster is named — the
 * groups only (their `Instances`), no launch template version. Undefined when neither is at hand: the gates then count
 * an ASG's nodes as in no configured pool (the safe side).
 */
export async function asgInstancesFor(source: { kind: "snapshot"; dir: string } | { kind: "live"; cluster?: string; region?: string }, run: Runner):
    Promise<Record<string, string> | undefined> {
    if (source.kind === "snapshot") {
        const file = path.join(source.dir, ASG_FILES.autoScalingGroups.file);
        if (!fs.existsSync(file)) return undefined;
        return asgByInstance(groupsIn(fs.readFileSync(file, "utf8"), file));
    }
    if (!source.cluster) return undefined;
    return asgByInstance(groupsIn(await describeGroups(awsCli(source.region, run), source.cluster), "aws autoscaling describe-auto-scaling-groups"));
}
