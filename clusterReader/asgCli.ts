/**
 * The snapshot's self-managed node group files, read with the AWS CLI (read-only; design.md, "Self-managed node
 * groups"): every Auto Scaling group tagged `kubernetes.io/cluster/<name>` (the tag eksctl and terraform-aws-eks put
 * on a cluster's groups), and every version of each launch template those groups use — one
 * `describe-launch-template-versions` call per template, merged, so `$Default` and `$Latest` resolve offline.
 */
import * as fs from "fs";
import * as path from "path";
import { ASG_FILES } from "../migration/snapshotFiles";
import { AwsReadError, Runner, parseJson } from "./awsCli";
import { AutoScalingGroup, LaunchTemplateVersion, asgByInstance, launchTemplateOf } from "./autoScalingGroups";

export async function readAsgFiles(cluster: string, region: string | undefined, run: Runner, log: (line: string) => void = () => undefined):
    Promise<{ autoScalingGroups: string; launchTemplateVersions: string }> {
    const aws = async (args: string[], what: string): Promise<string> => {
        const r = await run("aws", [...args, ...(region ? ["--region", region] : []), "--output", "json"]);
        if (r.code !== 0) throw new AwsReadError(`${what} failed (aws ${args.join(" ")}): ${r.stderr.trim() || `exit ${r.code}`}`);
        return r.stdout;
    };
    const groupsText = await aws(["autoscaling", "describe-auto-scaling-groups", "--filters", `Name=tag-key,Values=kubernetes.io/cluster/${cluster}`],
        `listing the Auto Scaling groups of ${cluster}`);
    const groups = (parseJson(groupsText, "aws autoscaling describe-auto-scaling-groups").AutoScalingGroups ?? []) as AutoScalingGroup[];
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
 * group): from a snapshot's `autoscaling-groups.json`, or read live with the AWS CLI when the cluster is named.
 * Undefined when neither is at hand: the gates then count an ASG's nodes as in no configured pool (the safe side).
 */
export async function asgInstancesFor(source: { kind: "snapshot"; dir: string } | { kind: "live"; cluster?: string; region?: string }, run: Runner):
    Promise<Record<string, string> | undefined> {
    if (source.kind === "snapshot") {
        const file = path.join(source.dir, ASG_FILES.autoScalingGroups.file);
        if (!fs.existsSync(file)) return undefined;
        return asgByInstance((parseJson(fs.readFileSync(file, "utf8"), file).AutoScalingGroups ?? []) as AutoScalingGroup[]);
    }
    if (!source.cluster) return undefined;
    const files = await readAsgFiles(source.cluster, source.region, run);
    return asgByInstance((parseJson(files.autoScalingGroups, "aws autoscaling describe-auto-scaling-groups").AutoScalingGroups ?? []) as AutoScalingGroup[]);
}
