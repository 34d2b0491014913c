/**
 * The steps on Auto Scaling groups (components/autoScalingGroups/asgScripts.ts), run with bash against stand-in `aws`,
 * `kubectl` and gate commands that record their calls: each is idempotent, each destructive one re-checks the drained
 * state right before it acts and acts on nothing when a check fails. And the shared cordon/drain, run against the
 * example cluster's own nodes, select the self-managed groups' nodes too (they carry no Cilium label).
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { deleteGroupScript, drainGroupNodesScript, resumeLaunchScript, scaleToZeroScript, suspendLaunchScript } from "../components/autoScalingGroups/asgScripts";
import { cordonScript, drainScript } from "../components/clusterSteps/scripts";
import { DEFAULT_NODE_LABELS } from "../migration/names";
import { PROJECT_ROOT } from "./support/paths";

const DRAIN = { timeout: "10m", deleteEmptyDirData: false, batchSize: 1 };
type Run = { code: number; stdout: string; calls: string[] };

/**
 * Runs a script with stand-ins: `aws` answers describe-auto-scaling-groups with `count` (how many groups) or `value`
 * (the queried member), `gate` passes unless `gateFails`, `kubectl` lists `nodes` (name and providerID).
 */
function run(script: string, world: { count?: string; value?: string; gateFails?: boolean; nodes?: string }): Run & { gate: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "asg-step-"));
    const log = path.join(dir, "log");
    fs.writeFileSync(log, "");
    const stub = (name: string, body: string) => fs.writeFileSync(path.join(dir, name), `#!/bin/bash\n${body}\n`, { mode: 0o755 });
    stub("aws", `echo "aws $*" >> ${log}
if [[ "$*" == *describe-auto-scaling-groups* ]]; then
  if [[ "$*" == *"length(AutoScalingGroups)"* ]]; then echo '${world.count ?? "1"}'; else echo '${world.value ?? ""}'; fi
fi`);
    stub("kubectl", `echo "kubectl $*" >> ${log}\nif [ "$1" = get ]; then printf '${world.nodes ?? ""}'; fi`);
    stub("gate", `echo "gate $1" >> ${log}\n${world.gateFails ? "exit 1" : "exit 0"}`);
    const gate = path.join(dir, "gate");
    try {
        let code = 0;
        let stdout = "";
        try {
            stdout = execFileSync("/bin/bash", ["-c", script.split("GATE").join(gate)], { env: { PATH: `${dir}:${process.env.PATH}`, KUBECONFIG_DATA: "x", TMPDIR: dir }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        } catch (err) {
            code = (err as { status: number }).status;
            stdout = (err as { stdout: string }).stdout;
        }
        const calls = fs.readFileSync(log, "utf8").trim().split("\n").filter((c) => c !== "" && !c.includes("describe-auto-scaling-groups"));
        return { code, stdout, calls, gate };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

const PRE = { checks: ["legacy-drained"], gateCli: "GATE", labels: DEFAULT_NODE_LABELS, pools: { nodeGroups: ["ng-general"], asgs: ["batch"] } };

describe("self-managed node groups: the steps on Auto Scaling groups (bash, stand-in aws/kubectl/gate)", function () {
    this.timeout(60000);
    it("suspend: only Launch, once; already suspended or gone passes without acting", () => {
        assert.deepStrictEqual(run(suspendLaunchScript("batch", "us-east-2"), { value: "0" }).calls,
            ["aws --region us-east-2 autoscaling suspend-processes --auto-scaling-group-name batch --scaling-processes Launch"]);
        const already = run(suspendLaunchScript("batch"), { value: "1" });
        assert.deepStrictEqual([already.code, already.calls], [0, []]);
        assert.strictEqual(already.stdout, "suspend: Auto Scaling group batch has Launch suspended already\n");
        const gone = run(suspendLaunchScript("batch"), { count: "0" });
        assert.deepStrictEqual([gone.code, gone.calls, gone.stdout], [0, [], "asg: Auto Scaling group batch does not exist (gone); nothing to do\n"]);
    });

    it("resume (rollback 4→3): only Launch; a group that launches already passes", () => {
        assert.deepStrictEqual(run(resumeLaunchScript("batch"), { value: "1" }).calls, ["aws autoscaling resume-processes --auto-scaling-group-name batch --scaling-processes Launch"]);
        assert.deepStrictEqual(run(resumeLaunchScript("batch"), { value: "0" }).calls, []);
    });

    it("scale to zero: the drained re-check right before; a failing check changes nothing; already 0 passes without checking", () => {
        const acted = run(scaleToZeroScript("batch", PRE), { value: "1 2" });
        assert.deepStrictEqual(acted.calls, ["gate legacy-drained", "aws autoscaling update-auto-scaling-group --auto-scaling-group-name batch --min-size 0 --desired-capacity 0"]);
        assert.match(acted.stdout, /scale-down: Auto Scaling group batch: min 0, desired 0 \(was min\/desired 1 2; pre-checks passed: legacy-drained\)/);
        const refused = run(scaleToZeroScript("batch", PRE), { value: "1 2", gateFails: true });
        assert.deepStrictEqual([refused.code !== 0, refused.calls], [true, ["gate legacy-drained"]]);
        assert.deepStrictEqual(run(scaleToZeroScript("batch", PRE), { value: "0 0" }).calls, []);
        assert.ok(scaleToZeroScript("batch", PRE).includes("GATE legacy-drained --kubeconfig \"$kubeconfig_file\" --legacy-label 'cni=aws-cni' --cilium-label 'cni=cilium' --legacy-nodegroups 'ng-general' --legacy-asgs 'batch'"));
    });

    it("delete: only with no instance and after the drained re-check; never --force-delete", () => {
        assert.deepStrictEqual(run(deleteGroupScript("batch", PRE), { value: "0" }).calls, ["gate legacy-drained", "aws autoscaling delete-auto-scaling-group --auto-scaling-group-name batch"]);
        const busy = run(deleteGroupScript("batch", PRE), { value: "2" });
        assert.deepStrictEqual([busy.code, busy.calls], [1, ["gate legacy-drained"]]);
        assert.deepStrictEqual(run(deleteGroupScript("batch", PRE), { value: "0", gateFails: true }).calls, ["gate legacy-drained"]);
        assert.deepStrictEqual(run(deleteGroupScript("batch", PRE), { count: "0" }).calls, []);
        assert.ok(!deleteGroupScript("batch", PRE).includes("--force-delete"));
    });

    it("drain of a twin's nodes (rollback 3→2): its instances' nodes by providerID, through the eviction API, nothing else", () => {
        const nodes = "node-a aws:///us-east-2a/i-0aaa\\nnode-b aws:///us-east-2b/i-0bbb\\nnode-c aws:///us-east-2a/i-0ccc\\n";
        const r = run(drainGroupNodesScript("batch-cilium", DRAIN), { value: "i-0aaa\ti-0ccc", nodes });
        assert.deepStrictEqual(r.calls.slice(1), ["kubectl drain node-a node-c --ignore-daemonsets --timeout=10m"]);
        assert.match(r.stdout, /drain: 2 node\(s\) of Auto Scaling group batch-cilium drained/);
        assert.deepStrictEqual(run(drainGroupNodesScript("batch-cilium", DRAIN), { value: "", nodes }).calls.slice(1), []);
    });
});

describe("self-managed node groups: the shared cordon and drain select the ASGs' nodes (examples/prod-mixed nodes.json)", function () {
    this.timeout(60000);
    const STANDINS = path.join(PROJECT_ROOT, "tests", "fixtures", "standins");
    const EXAMPLE = path.join(PROJECT_ROOT, "examples", "prod-mixed");
    function runOnExample(script: string): string[] {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "asg-rule-"));
        try {
            fs.writeFileSync(path.join(dir, "gate"), "#!/bin/bash\nexit 0\n", { mode: 0o755 });
            fs.symlinkSync(path.join(STANDINS, "kubectl"), path.join(dir, "kubectl"));
            const log = path.join(dir, "log");
            fs.writeFileSync(log, "");
            execFileSync("/bin/bash", ["-c", script], { env: { PATH: `${dir}:${process.env.PATH}`, KUBECONFIG_DATA: "x", TMPDIR: dir, STANDIN_K8S_DIR: EXAMPLE, STANDIN_LOG: log }, encoding: "utf8" });
            return fs.readFileSync(log, "utf8").trim().split("\n");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    }
    const nodesOf = (calls: string[], verb: string) => (calls.find((c) => c.startsWith(`kubectl ${verb} `)) ?? "").split(" ").filter((a) => a.startsWith("node/")).map((a) => a.slice(5));
    const asgNodes = (): string[] => {
        const ids = new Set(JSON.parse(fs.readFileSync(path.join(EXAMPLE, "autoscaling-groups.json"), "utf8")).AutoScalingGroups.flatMap((g: { Instances: { InstanceId: string }[] }) => g.Instances.map((i) => i.InstanceId)));
        const nodes = JSON.parse(fs.readFileSync(path.join(EXAMPLE, "nodes.json"), "utf8")).items as { metadata: { name: string }; spec: { providerID: string } }[];
        return nodes.filter((n) => ids.has(n.spec.providerID.split("/").pop())).map((n) => n.metadata.name);
    };

    it("every ASG node is cordoned and drained with the managed group's", () => {
        const wanted = asgNodes();
        assert.strictEqual(wanted.length, 4, "the example's two ASGs have two nodes each");
        const cordoned = nodesOf(runOnExample(cordonScript(DEFAULT_NODE_LABELS)), "cordon");
        assert.strictEqual(cordoned.length, 10);
        for (const n of wanted) assert.ok(cordoned.includes(n), `${n} cordoned`);
        const calls = runOnExample(drainScript(DEFAULT_NODE_LABELS, { ...DRAIN, batchSize: 10 }, { checks: [], gateCli: "gate", labels: DEFAULT_NODE_LABELS }));
        for (const n of wanted) assert.ok(nodesOf(calls, "drain").includes(n), `${n} drained`);
    });
});

describe("self-managed node groups: the steps against the Auto Scaling API's own model (botocore, vendored)", () => {
    const model = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "tests", "fixtures", "real", "botocore", "autoscaling-step-operations.json"), "utf8"));
    const doc = (op: string): string => model.operations[op].documentation;
    /** The AWS CLI's option for a member: its name in kebab case (AutoScalingGroupName → --auto-scaling-group-name). */
    const option = (member: string) => `--${member.replace(/([a-z])([A-Z])/g, "$1-$2").toLowerCase()}`;
    const optionsOf = (shape: string) => Object.keys(model.shapes[shape].members).map(option);
    const scripts = { suspend: suspendLaunchScript("g"), resume: resumeLaunchScript("g"), down: scaleToZeroScript("g", PRE), del: deleteGroupScript("g", PRE) };
    const used = (script: string, verb: string) => (script.match(new RegExp(`autoscaling ${verb} ([^\\n]*)`)) ?? ["", ""])[1].split(" ").filter((w) => w.startsWith("--"));

    it("suspend/resume name Launch explicitly: without ScalingProcesses every process is suspended, Terminate included", () => {
        assert.match(model.shapes.ScalingProcessQuery.members.ScalingProcesses.documentation, /If you omit this property, all processes are specified\./);
        assert.match(model.shapes.ScalingProcessQuery.members.ScalingProcesses.documentation, /<code>Launch<\/code>.*<code>Terminate<\/code>/);
        assert.match(doc("SuspendProcesses"), /If you suspend either the <code>Launch<\/code> or <code>Terminate<\/code> process types, it can prevent other process types from functioning properly/);
        assert.deepStrictEqual(used(scripts.suspend, "suspend-processes"), ["--auto-scaling-group-name", "--scaling-processes"]);
        assert.deepStrictEqual(used(scripts.resume, "resume-processes"), ["--auto-scaling-group-name", "--scaling-processes"]);
        for (const o of used(scripts.suspend, "suspend-processes")) assert.ok(optionsOf("ScalingProcessQuery").includes(o), o);
    });

    it("the scale-down sets only min and desired (what it leaves out is not changed: never the launch template)", () => {
        assert.match(doc("UpdateAutoScalingGroup"), /Any properties that you don't specify are not changed by this update request\./);
        assert.deepStrictEqual(used(scripts.down, "update-auto-scaling-group"), ["--auto-scaling-group-name", "--min-size", "--desired-capacity"]);
        for (const o of used(scripts.down, "update-auto-scaling-group")) assert.ok(optionsOf("UpdateAutoScalingGroupType").includes(o), o);
        assert.match(doc("DeleteAutoScalingGroup"), /To terminate all instances before deleting the Auto Scaling group, call .*UpdateAutoScalingGroup.* and set the minimum size and desired capacity of the Auto Scaling group to zero\./);
    });

    it("the delete never forces: without ForceDelete AWS refuses a group with instances (ForceDelete would terminate them undrained)", () => {
        assert.match(doc("DeleteAutoScalingGroup"), /If the group has instances or scaling activities in progress, you must specify the option to force the deletion in order for it to succeed\. The force delete operation will also terminate the EC2 instances\./);
        assert.ok(optionsOf("DeleteAutoScalingGroupType").includes("--force-delete"));
        assert.deepStrictEqual(used(scripts.del, "delete-auto-scaling-group"), ["--auto-scaling-group-name"]);
    });
});
