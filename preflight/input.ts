/**
 * Where preflight's input comes from: a snapshot directory, or the live cluster. Shared by `npm run preflight` and
 * the `preflight` gate check.
 */
import { AwsReadError, Runner, awsCli, parseJson, readAwsFiles } from "../clusterReader/awsCli";
import { describePoolSubnets, poolSubnetIds } from "../clusterReader/poolSubnets";
import { readPreflightLive } from "./liveInput";
import { readAsgFiles } from "../clusterReader/asgCli";
import { checkShape, readPreflightSnapshotForChecks } from "./read";
import { PreflightInput } from "./types";

export type PreflightSource = { kind: "snapshot"; dir: string } | { kind: "live"; kubeconfig: string; cluster?: string; region?: string };

/**
 * Preflight's input: a snapshot directory, or the live cluster (Kubernetes through the kubeconfig; AWS through the AWS
 * CLI when the cluster is named). An AWS read that fails leaves the AWS files out — their checks say `not-checked`
 * and why — rather than hiding what Kubernetes shows.
 */
export async function readPreflightInput(source: PreflightSource, run: Runner, log: (line: string) => void): Promise<PreflightInput> {
    if (source.kind === "snapshot") return readPreflightSnapshotForChecks(source.dir);
    const input = await readPreflightLive({ kubeconfigPath: source.kubeconfig });
    if (!source.cluster) {
        log("preflight: no cluster named (--cluster): the AWS files are not read, their checks say not-checked");
        return input;
    }
    try {
        const files = await readAwsFiles(source.cluster, source.region, run);
        for (const part of ["cluster", "nodegroups", "addons"] as const) {
            (input as Record<string, unknown>)[part] = checkShape(part, parseJson(files[part], part), `aws (${part})`);
        }
    } catch (err) {
        if (!(err instanceof AwsReadError)) throw err;
        log(`preflight: AWS not read (${err.message}); the checks that need it say not-checked`);
        return input;
    }
    try {
        // Self-managed node groups (clusterReader/asgCli.ts).
        const asg = await readAsgFiles(source.cluster, source.region, run);
        input.autoscalinggroups = checkShape("autoscalinggroups", parseJson(asg.autoScalingGroups, "autoscalinggroups"), "aws (autoscalinggroups)") as PreflightInput["autoscalinggroups"];
        input.launchtemplateversions = checkShape("launchtemplateversions", parseJson(asg.launchTemplateVersions, "launchtemplateversions"), "aws (launchtemplateversions)") as PreflightInput["launchtemplateversions"];
    } catch (err) {
        if (!(err instanceof AwsReadError)) throw err;
        log(`preflight: Auto Scaling groups not read (${err.message}); the checks that need them say not-checked`);
    }
    try {
        // Every legacy pool's subnets, once the files that name them are read (clusterReader/poolSubnets.ts).
        const ids = poolSubnetIds({ cluster: input.cluster, nodegroups: input.nodegroups, autoScalingGroups: input.autoscalinggroups,
            nodePools: input.nodepools?.items, ec2NodeClasses: input.ec2nodeclasses?.items });
        input.subnets = checkShape("subnets", parseJson(await describePoolSubnets(awsCli(source.region, run), ids), "subnets"), "aws (subnets)") as PreflightInput["subnets"];
    } catch (err) {
        if (!(err instanceof AwsReadError)) throw err;
        log(`preflight: subnets not read (${err.message}); the checks that need them say not-checked`);
    }
    return input;
}
