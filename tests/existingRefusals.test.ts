// A cluster the migration cannot take as configured stops the program before anything is declared, naming what and
// why; so does a snapshot that cannot answer a look-up. And the planner's `--cluster-snapshot` end to end.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { AwsSnapshot } from "../plan/awsSnapshot";
import { main } from "../plan/cli";
import { evaluate } from "../plan/evaluate";
import { RecordingMocks } from "../plan/mockRuntime";
import { EXAMPLE_SNAPSHOT, EXISTING_STACK, Json, existingStackConfig, removeSnapshotCopies, snapshotVariant } from "./support/existingCluster";

/** Runs phase 0 against `dir`; returns the refusal and every resource registered before it. */
async function refusal(dir: string, extra: Record<string, unknown> = {}): Promise<{ message: string; declared: string[] }> {
    const mocks = new RecordingMocks(undefined, (token, inputs) => new AwsSnapshot(dir).answer(token, inputs));
    try {
        await evaluate({ config: existingStackConfig(extra), phase: 0, mocks });
    } catch (err) {
        return { message: (err as Error).message, declared: mocks.resources.map((r) => r.type).filter((t) => t !== "pulumi:pulumi:StackReference") };
    }
    throw new Error("the program was expected to refuse, and did not");
}

async function plan(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, (s) => { stdout += `${s}\n`; }, (s) => { stderr += `${s}\n`; });
    return { code, stdout, stderr };
}

const groups = (files: Record<string, Json>): Json[] => files["nodegroups.json"].nodegroups;

describe("existing cluster: refused before anything is declared", function () {
    this.timeout(120000);
    after(removeSnapshotCopies);

    const cases: [string, () => string, Record<string, unknown>, RegExp][] = [
        ["a cluster the account does not have", () => EXAMPLE_SNAPSHOT, { existingCluster: { name: "prod-west" }, clusterName: undefined },
            /`existingCluster\.name` is "prod-west", but there is no EKS cluster of that name in us-east-2 \(`aws:region`\)/],
        ["a listed node group the cluster does not have (self-managed: named in existingCluster.autoScalingGroups)", () => EXAMPLE_SNAPSHOT,
            { existingCluster: { name: "prod-east", nodeGroups: ["ng-general", "ng-batch", "ng-legacy-asg"] } },
            /lists "ng-legacy-asg", which is not a managed node group of prod-east \(its managed node groups: ng-batch, ng-general\)\. A self-managed node group \(an Auto Scaling group whose nodes join the cluster themselves\) is named in `existingCluster\.autoScalingGroups` instead/],
        ["a Linux node group left out (its pods would lose networking)", () => EXAMPLE_SNAPSHOT, { existingCluster: { name: "prod-east", nodeGroups: ["ng-general"] } },
            /leaves out "ng-batch": its nodes run aws-node/],
        ["an IPv6 cluster", () => snapshotVariant((f) => { f["cluster.json"].cluster.kubernetesNetworkConfig.ipFamily = "ipv6"; }), {},
            /cluster prod-east is an IPv6 cluster \(kubernetesNetworkConfig\.ipFamily: ipv6\)/],
        ["a Fargate-only cluster (no managed node group)", () => snapshotVariant((f) => { f["nodegroups.json"] = { nodegroups: [] }; }), { existingCluster: { name: "prod-east" } },
            /cluster prod-east has no Linux managed node group: .*Fargate pods keep Fargate's networking/],
        ["a cluster that is not ACTIVE", () => snapshotVariant((f) => { f["cluster.json"].cluster.status = "UPDATING"; }), {}, /cluster prod-east is UPDATING; wait until it is ACTIVE/],
        ["a twin name the cluster has for another group", () => snapshotVariant((f) => { groups(f).push({ ...groups(f)[0], nodegroupName: "ng-batch-cilium" }); }),
            { existingCluster: { name: "prod-east", nodeGroups: ["ng-general", "ng-batch", "ng-batch-cilium"] } },
            /twin of node group ng-batch would be named ng-batch-cilium, which prod-east has already \(without the cni=cilium label/],
        ["clusterAdmins on a cluster that only reads aws-auth", () => snapshotVariant((f) => { f["cluster.json"].cluster.accessConfig.authenticationMode = "CONFIG_MAP"; }), {},
            /`clusterAdmins` needs EKS access entries, but cluster prod-east authenticates with the aws-auth ConfigMap only/],
        ["a snapshot without a file a look-up needs, named", () => snapshotVariant(() => ({ "addons.json": null })), {},
            /cluster snapshot: .*addons\.json is missing; this look-up needs it/],
        ["a snapshot file that is not JSON, named", () => snapshotVariant(() => ({ "nodegroups.json": "{\"nodegroups\": [" })), {}, /cluster snapshot: .*nodegroups\.json is not valid JSON/],
    ];
    for (const [what, dir, extra, expected] of cases) {
        it(what, async () => {
            const { message, declared } = await refusal(dir(), extra);
            assert.match(message, expected);
            assert.deepStrictEqual(declared, [], "nothing declared");
        });
    }
});

describe("planner: --cluster-snapshot", function () {
    this.timeout(120000);
    after(removeSnapshotCopies);

    it("plans Pulumi.existing.yaml from the example snapshot: imports at phase 0, retain at phase 8, never delete a legacy group", async () => {
        const { code, stdout, stderr } = await plan(["--config-file", EXISTING_STACK, "--cluster-snapshot", EXAMPLE_SNAPSHOT, "--format", "json"]);
        assert.strictEqual(code, 0, stderr);
        const phases = JSON.parse(stdout).phases as Json[];
        assert.deepStrictEqual(phases[0].changes.filter((c: Json) => c.op === "import").map((c: Json) => c.name).sort(),
            ["aws-node-vpc-cni", "cluster-kube-proxy", "legacy-groups-ng-batch", "legacy-groups-ng-general"]);
        assert.deepStrictEqual(phases[8].changes.filter((c: Json) => c.type === "aws:eks/nodeGroup:NodeGroup").map((c: Json) => [c.op, c.name]),
            [["retain", "legacy-groups-ng-general"], ["retain", "legacy-groups-ng-batch"]]);
        for (const p of phases) assert.ok(!p.changes.some((c: Json) => c.op === "delete" && c.type === "aws:eks/nodeGroup:NodeGroup"), `phase ${p.number}`);
        const text = await plan(["--config-file", EXISTING_STACK, "--cluster-snapshot", EXAMPLE_SNAPSHOT, "--to", "0"]);
        assert.match(text.stdout, /= import aws:eks\/nodeGroup:NodeGroup legacy-groups-ng-general \(adopts prod-east:ng-general as it is\)/);
        assert.match(text.stdout, /note: node group ng-batch uses launch template lt-0f3c9a2b7d1e5c846 version 4/);
    });

    it("phase 5 carries the drain forecast from the snapshot's Kubernetes files, or says why it cannot", async () => {
        const { code, stdout } = await plan(["--config-file", EXISTING_STACK, "--cluster-snapshot", EXAMPLE_SNAPSHOT, "--from", "4", "--to", "5", "--format", "json"]);
        assert.strictEqual(code, 0);
        const [four, five] = JSON.parse(stdout).phases;
        assert.strictEqual(four.forecast, undefined);
        assert.strictEqual(five.forecast.evictions, 16);
        assert.strictEqual(five.forecast.nodes.length, 10);
        const awsOnly = snapshotVariant(() => ({ "nodes.json": null, "pods.json": null }));
        const text = await plan(["--config-file", EXISTING_STACK, "--cluster-snapshot", awsOnly, "--from", "5", "--to", "5"]);
        assert.match(text.stdout, /drain forecast: not available: the snapshot has no nodes\.json or pods\.json/);
    });

    it("with deleteLegacyNodeGroups, phase 8 deletes the legacy groups", async () => {
        const dir = snapshotVariant(() => undefined);
        const file = path.join(dir, "Pulumi.delete.yaml");
        fs.writeFileSync(file, fs.readFileSync(EXISTING_STACK, "utf8").replace("deleteLegacyNodeGroups: false", "deleteLegacyNodeGroups: true"));
        const { code, stdout, stderr } = await plan(["--config-file", file, "--cluster-snapshot", EXAMPLE_SNAPSHOT, "--from", "8", "--to", "8", "--format", "json"]);
        assert.strictEqual(code, 0, stderr);
        assert.deepStrictEqual(JSON.parse(stdout).phases[0].changes.filter((c: Json) => c.type === "aws:eks/nodeGroup:NodeGroup").map((c: Json) => c.op), ["delete", "delete"]);
    });

    it("exits 2 without a snapshot for an existing cluster, and on a snapshot that lacks a file, naming it", async () => {
        const none = await plan(["--config-file", EXISTING_STACK]);
        assert.strictEqual(none.code, 2);
        assert.match(none.stderr, /migrates the existing cluster prod-east: give --cluster-snapshot DIR/);
        const lacking = await plan(["--config-file", EXISTING_STACK, "--cluster-snapshot", snapshotVariant(() => ({ "oidc-providers.json": null }))]);
        assert.strictEqual(lacking.code, 2, lacking.stderr);
        assert.match(lacking.stderr, /oidc-providers\.json is missing/);
        const notDir = await plan(["--config-file", EXISTING_STACK, "--cluster-snapshot", path.join(EXAMPLE_SNAPSHOT, "nope")]);
        assert.strictEqual(notDir.code, 2);
        assert.match(notDir.stderr, /cluster snapshot .*nope is not a directory/);
    });

    it("exits 1 on a cluster that cannot be migrated, with the reason", async () => {
        const { code, stderr } = await plan(["--config-file", EXISTING_STACK, "--cluster-snapshot", snapshotVariant((f) => { f["nodegroups.json"] = { nodegroups: [] }; })]);
        assert.strictEqual(code, 1);
        assert.match(stderr, /lists "ng-general", which is not a managed node group of prod-east/);
    });
});
