/**
 * The snapshot's self-managed node group files (issue 24, second reading): a snapshot taken without the Auto Scaling
 * or EC2 reads still writes everything else and says which files it left out; the gates' live `--legacy-asgs` reads
 * the groups only; and every reader of the two files refuses a bad item naming the file, the index and the member,
 * instead of crashing on it.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { asgInstancesFor } from "../clusterReader/asgCli";
import { AwsReadError, Runner } from "../clusterReader/awsCli";
import { InputError } from "../clusterReader/inputError";
import { AwsSnapshot } from "../plan/awsSnapshot";
import { readPreflightSnapshot } from "../preflight/read";
import { main } from "../snapshot/cli";
import { FIXTURES, PROJECT_ROOT } from "./support/paths";

const STANDINS = path.join(FIXTURES, "standins");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const answers = require(path.join(STANDINS, "answers.js"));
const PROD_MIXED = path.join(PROJECT_ROOT, "examples", "prod-mixed");
/** The AWS CLI's refusal (exit 254, its "An error occurred (Code) when calling the Op operation: …" form). */
const DENIED = "An error occurred (AccessDenied) when calling the DescribeAutoScalingGroups operation: User: arn:aws:iam::111122223333:user/reader " +
    "is not authorized to perform: autoscaling:DescribeAutoScalingGroups because no identity-based policy allows the autoscaling:DescribeAutoScalingGroups action";

describe("self-managed node group files: reading them", function () {
    this.timeout(60000);
    let work: string;
    const saved = { ...process.env };
    beforeEach(() => {
        work = fs.mkdtempSync(path.join(os.tmpdir(), "ecm-asg-files-"));
        fs.writeFileSync(path.join(work, "calls.log"), "");
        Object.assign(process.env, { STANDIN_LOG: path.join(work, "calls.log"), STANDIN_AWS_DIR: PROD_MIXED, STANDIN_K8S_DIR: PROD_MIXED });
    });
    afterEach(() => {
        process.env = { ...saved };
        fs.rmSync(work, { recursive: true, force: true });
    });
    const calls: string[] = [];
    const standIn = (deny: boolean): Runner => async (command, args, options) => {
        calls.push(`${command} ${args.join(" ")}`);
        if (deny && args[0] === "autoscaling") return { code: 254, stdout: "", stderr: `\n${DENIED}\n` };
        const r = answers[command](args, process.env);
        if (options?.stdoutFile === undefined) return r;
        fs.writeFileSync(options.stdoutFile, r.stdout);
        return { ...r, stdout: "" };
    };

    it("npm run snapshot without autoscaling:DescribeAutoScalingGroups: every other file, the two left out, said on stderr", async () => {
        const out = path.join(work, "out");
        let stdout = "";
        let stderr = "";
        const code = await main(["--cluster", "prod-mixed", "--out", out, "--region", "us-east-2"], (s) => { stdout += `${s}\n`; }, (s) => { stderr += `${s}\n`; }, standIn(true));
        assert.strictEqual(code, 0, stderr);
        assert.strictEqual(stderr, "autoscaling-groups.json and launch-template-versions.json not written: listing the Auto Scaling groups of prod-mixed failed " +
            "(aws autoscaling describe-auto-scaling-groups --filters Name=tag-key,Values=kubernetes.io/cluster/prod-mixed): " + DENIED + ". A stack that names " +
            "`existingCluster.autoScalingGroups` needs them: give the snapshot autoscaling:DescribeAutoScalingGroups and ec2:DescribeLaunchTemplateVersions " +
            "(README, step 1) and take it again.\n");
        const written = fs.readdirSync(out);
        assert.ok(written.includes("cluster.json") && written.includes("pods.json"), written.join(", "));
        assert.ok(!written.includes("autoscaling-groups.json") && !written.includes("launch-template-versions.json"), written.join(", "));
        assert.match(stdout, /review them before you share the directory/);
    });

    it("the gates' live --legacy-asgs reads the groups' instances only: no launch template version is described", async () => {
        calls.length = 0;
        const instances = await asgInstancesFor({ kind: "live", cluster: "prod-mixed", region: "us-east-2" }, standIn(false));
        assert.deepStrictEqual(Object.values(instances ?? {}).sort(), ["prod-mixed-batch-al2", "prod-mixed-batch-al2", "prod-mixed-batch-al2023", "prod-mixed-batch-al2023"]);
        assert.deepStrictEqual(calls, ["aws autoscaling describe-auto-scaling-groups --filters Name=tag-key,Values=kubernetes.io/cluster/prod-mixed --region us-east-2 --output json"]);
    });

    /** prod-mixed's snapshot with one file edited. */
    const edited = (file: string, edit: (json: Record<string, any>) => void): string => { // eslint-disable-line @typescript-eslint/no-explicit-any
        const dir = path.join(work, "snap");
        fs.cpSync(PROD_MIXED, dir, { recursive: true });
        const json = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
        edit(json);
        fs.writeFileSync(path.join(dir, file), JSON.stringify(json));
        return dir;
    };

    it("a null group: the gates' reader names the file and the index", async () => {
        const dir = edited("autoscaling-groups.json", (j) => { j.AutoScalingGroups[1] = null; });
        await assert.rejects(asgInstancesFor({ kind: "snapshot", dir }, standIn(false)), (e: unknown) => e instanceof AwsReadError &&
            e.message === `${path.join(dir, "autoscaling-groups.json")}: AutoScalingGroups[1] is not an object ` +
            "(aws autoscaling describe-auto-scaling-groups --filters Name=tag-key,Values=kubernetes.io/cluster/NAME)");
        const noId = edited("autoscaling-groups.json", (j) => { j.AutoScalingGroups[0].Instances[1] = {}; });
        await assert.rejects(asgInstancesFor({ kind: "snapshot", dir: noId }, standIn(false)), /: AutoScalingGroups\[0\]\.Instances\[1\] has no `InstanceId` string \(/);
    });

    it("a null tag: preflight's reader names the file, the index and the member", () => {
        const dir = edited("autoscaling-groups.json", (j) => { j.AutoScalingGroups[0].Tags[2] = null; });
        assert.throws(() => readPreflightSnapshot(dir), (e: unknown) => e instanceof InputError &&
            e.message === `${path.join(dir, "autoscaling-groups.json")}: AutoScalingGroups[0].Tags[2] is not an object ` +
            "(expected the output of aws autoscaling describe-auto-scaling-groups --filters Name=tag-key,Values=kubernetes.io/cluster/NAME)");
    });

    it("a version without LaunchTemplateData: the planner's look-up names the file and the index", () => {
        const dir = edited("launch-template-versions.json", (j) => { delete j.LaunchTemplateVersions[0].LaunchTemplateData; });
        const id = JSON.parse(fs.readFileSync(path.join(PROD_MIXED, "launch-template-versions.json"), "utf8")).LaunchTemplateVersions[0].LaunchTemplateId;
        assert.throws(() => new AwsSnapshot(dir).answer("aws:ec2/getLaunchTemplate:getLaunchTemplate", { id }), {
            message: `cluster snapshot: ${path.join(dir, "launch-template-versions.json")}: LaunchTemplateVersions[0] has no \`LaunchTemplateData\` object ` +
                "({\"LaunchTemplateVersions\": [the versions of each aws ec2 describe-launch-template-versions --launch-template-id ID, one call per template the ASGs use]})" });
        const badTags = edited("launch-template-versions.json", (j) => { j.LaunchTemplateVersions[0].LaunchTemplateData.TagSpecifications = [{ ResourceType: "instance", Tags: [null] }]; });
        assert.throws(() => readPreflightSnapshot(badTags), /: LaunchTemplateVersions\[0\]\.LaunchTemplateData\.TagSpecifications\[0\]\.Tags\[0\] is not an object \(/);
    });
});
