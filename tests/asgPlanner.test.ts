/**
 * Self-managed node groups in the planner (examples/prod-mixed, Pulumi.mixed.yaml): every bad input stops the program
 * before anything is declared, naming the group or the file, with the design's exit codes (1: a group that cannot be
 * migrated as configured; 2: a snapshot file missing).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { main } from "../plan/cli";
import { PROJECT_ROOT } from "./support/paths";

const EXAMPLE = path.join(PROJECT_ROOT, "examples", "prod-mixed");
const STACK = path.join(PROJECT_ROOT, "Pulumi.mixed.yaml");
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const made: string[] = [];
/** A copy of the example with its ASG files edited (null: the file removed). */
function variant(edit: (groups: Json[], versions: Json[]) => void | Record<string, null>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecm-asg-"));
    made.push(dir);
    for (const f of fs.readdirSync(EXAMPLE)) fs.copyFileSync(path.join(EXAMPLE, f), path.join(dir, f));
    const groups = JSON.parse(fs.readFileSync(path.join(dir, "autoscaling-groups.json"), "utf8"));
    const versions = JSON.parse(fs.readFileSync(path.join(dir, "launch-template-versions.json"), "utf8"));
    const removed = edit(groups.AutoScalingGroups, versions.LaunchTemplateVersions) ?? {};
    fs.writeFileSync(path.join(dir, "autoscaling-groups.json"), JSON.stringify(groups));
    fs.writeFileSync(path.join(dir, "launch-template-versions.json"), JSON.stringify(versions));
    for (const f of Object.keys(removed)) fs.rmSync(path.join(dir, f));
    return dir;
}
function stackWith(groups: string[]): string {
    const stack = YAML.parse(fs.readFileSync(STACK, "utf8"));
    stack.config["eks-cilium-migration:existingCluster"].autoScalingGroups = groups;
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ecm-asg-stack-")), "Pulumi.x.yaml");
    made.push(path.dirname(file));
    fs.writeFileSync(file, YAML.stringify(stack));
    return file;
}
async function plan(snapshot: string, stack = STACK): Promise<{ code: number; stderr: string }> {
    let stderr = "";
    const code = await main(["--config-file", stack, "--cluster-snapshot", snapshot, "--to", "0"], () => undefined, (s) => { stderr += `${s}\n`; });
    return { code, stderr };
}
const userDataOf = (versions: Json[], template: string) => versions.filter((v) => v.LaunchTemplateId === template);

describe("self-managed node groups: the planner refuses, naming what and why", function () {
    this.timeout(120000);
    after(() => { for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });

    it("a group the snapshot does not have: exit 1, named", async () => {
        const r = await plan(EXAMPLE, stackWith(["prod-mixed-batch-al2", "prod-mixed-gpu"]));
        assert.strictEqual(r.code, 1);
        assert.ok(r.stderr.includes("`existingCluster.autoScalingGroups` names \"prod-mixed-gpu\", but there is no Auto Scaling group of that name " +
            "(for cluster prod-mixed). A snapshot holds only the groups tagged kubernetes.io/cluster/prod-mixed, and the twin and the gates need that tag " +
            "too: check the name, and that the group carries the tag (its Tags in aws autoscaling describe-auto-scaling-groups " +
            "--auto-scaling-group-names prod-mixed-gpu); " +
            "tag it, then take a new snapshot."), r.stderr);
    });
    for (const file of ["autoscaling-groups.json", "launch-template-versions.json"]) {
        it(`${file} missing: exit 2, named`, async () => {
            const r = await plan(variant(() => ({ [file]: null })));
            assert.strictEqual(r.code, 2, r.stderr);
            assert.match(r.stderr, new RegExp(`cluster snapshot: .*${file.replace(".", "\\.")} is missing; this look-up needs it`));
        });
    }
    it("a launch configuration: exit 1, the group named", async () => {
        const r = await plan(variant((groups) => { delete groups[1].LaunchTemplate; groups[1].LaunchConfigurationName = "batch-lc"; }));
        assert.strictEqual(r.code, 1);
        assert.match(r.stderr, /Auto Scaling group prod-mixed-batch-al2023 launches from a launch configuration \(batch-lc\), not a launch template/);
    });
    it("a version other than the latest (the provider's data source reads only the latest): exit 1, named", async () => {
        const r = await plan(variant((groups) => { groups[1].LaunchTemplate.Version = "$Default"; }));
        assert.strictEqual(r.code, 1);
        assert.match(r.stderr, /Auto Scaling group prod-mixed-batch-al2023 launches version "\$Default" \(1\) of launch template lt-0e93b8c2d1f4a6b70, whose latest version is 3/);
    });
    it("user data it cannot read (Bottlerocket, real terraform-aws-eks rendering): exit 1, the group and what was seen", async () => {
        const toml = fs.readFileSync(path.join(PROJECT_ROOT, "tests", "fixtures", "real", "terraform-aws-eks", "user-data", "bottlerocket-self-mng-bootstrap.toml"));
        const r = await plan(variant((_g, versions) => { for (const v of userDataOf(versions, "lt-0a7c41d9e2b3f5a61")) v.LaunchTemplateData.UserData = toml.toString("base64"); }));
        assert.strictEqual(r.code, 1);
        assert.match(r.stderr, /Auto Scaling group prod-mixed-batch-al2: Bottlerocket settings \(TOML, \[settings\.kubernetes\]\): this program reads AL2 and AL2023 user data only\./);
    });
    it("instance types chosen by attributes, or overrides on another template: exit 1, the group named", async () => {
        const byAttributes = await plan(variant((groups) => { groups[0].MixedInstancesPolicy.LaunchTemplate.Overrides = [{ InstanceRequirements: { VCpuCount: { Min: 4 }, MemoryMiB: { Min: 8192 } } }]; }));
        assert.strictEqual(byAttributes.code, 1);
        assert.match(byAttributes.stderr, /Auto Scaling group prod-mixed-batch-al2 chooses instance types by attributes \(InstanceRequirements\): this program copies instance types/);
        const otherTemplate = await plan(variant((groups) => {
            groups[0].MixedInstancesPolicy.LaunchTemplate.Overrides[1].LaunchTemplateSpecification = { LaunchTemplateId: "lt-0f00f00f00f00f00f", Version: "$Latest" };
        }));
        assert.strictEqual(otherTemplate.code, 1);
        assert.match(otherTemplate.stderr, /Auto Scaling group prod-mixed-batch-al2 launches some instance types from another launch template \(lt-0f00f00f00f00f00f, in its mixed-instances overrides\)/);
    });
    it("readable groups: every check passes and the stack plans (exit 0)", async () => {
        const r = await plan(EXAMPLE);
        assert.strictEqual(r.code, 0, r.stderr);
    });
});
