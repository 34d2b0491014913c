// `npm run plan -- --policy`: the policy pack over every phase of every example stack, and the planner's
// adapter fed the real program's resources with one thing broken at a time.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { main } from "../plan/cli";
import { RecordedResource } from "../plan/mockRuntime";
import { runPolicies } from "../plan/policyRun";
import { policyConfigOf } from "../plan/policyConfig";
import { AwsSnapshot } from "../plan/awsSnapshot";
import { migrationConfigOf, readStackFile } from "../stacks/stackFile";
import { policies } from "../policy/policies";
import { EXAMPLE_SNAPSHOT, EXISTING_STACK, runExisting } from "./support/existingCluster";
import { PROJECT_ROOT } from "./support/paths";

async function plan(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, (s) => { stdout += `${s}\n`; }, (s) => { stderr += `${s}\n`; }, policies);
    return { code, stdout, stderr };
}

const EXAMPLES: [string, string[]][] = [
    ["Pulumi.dev.yaml", ["--stack", "dev"]],
    ["Pulumi.existing.yaml with the prod-east snapshot", ["--stack", "existing", "--cluster-snapshot", EXAMPLE_SNAPSHOT]],
];

describe("plan --policy over the example stacks", () => {
    for (const [example, argv] of EXAMPLES) {
        it(`${example}: every phase is compliant, with an empty violations list per phase in JSON`, async () => {
            const { code, stdout, stderr } = await plan(...argv, "--policy", "--format", "json");
            assert.strictEqual(code, 0, stderr);
            const doc = JSON.parse(stdout);
            assert.deepStrictEqual(doc.phases.map((p: { number: number }) => p.number), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
            for (const phase of doc.phases) assert.deepStrictEqual(phase.violations, [], `phase ${phase.number}`);
        });
    }

    it("says so under each phase in text and markdown; JSON has no violations key without --policy", async () => {
        const text = await plan("--from", "2", "--to", "2", "--policy");
        assert.match(text.stdout, /\n {2}policy: no violations\n {2}gate: cilium-operator-ready\n/);
        const markdown = await plan("--from", "2", "--to", "2", "--policy", "--format", "markdown");
        assert.match(markdown.stdout, /\*\*policy: no violations\*\*/);
        const json = JSON.parse((await plan("--from", "2", "--to", "2", "--format", "json")).stdout);
        assert.deepStrictEqual(Object.keys(json.phases[0]), ["number", "name", "gate", "resources", "changes"]);
    });

    it("exits 1 on a mandatory violation and prints it under its phase (a floating Cilium image)", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecm-policy-"));
        try {
            const stack = YAML.parse(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.dev.yaml"), "utf8"));
            stack.config["eks-cilium-migration:cilium"].values = { image: { repository: "quay.io/cilium/cilium", tag: "latest" } };
            const file = path.join(dir, "Pulumi.floating.yaml");
            fs.writeFileSync(file, YAML.stringify(stack));
            const { code, stdout, stderr } = await plan("--config-file", file, "--from", "1", "--to", "2", "--policy");
            assert.strictEqual(code, 1);
            assert.match(stdout, /Phase 1 — [^]*\n {2}policy: no violations\n[^]*Phase 2 — /);
            assert.match(stdout, /\n {2}policy: 1 violation\n {4}\[mandatory\] pinned-versions: Helm release cilium-release: values `image.tag` is not a pinned image. \(kubernetes:helm.sh\/v3:Release::cilium-release\)\n/);
            assert.strictEqual(stderr, "plan: 1 mandatory policy violation in phase 2.\n");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("exits 2 when --policy comes without the pack (the CLI called directly)", async () => {
        let stderr = "";
        const code = await main(["--policy"], () => undefined, (s) => { stderr += s; });
        assert.strictEqual(code, 2);
        assert.strictEqual(stderr, "plan: --policy needs the policy pack; run it as `npm run plan -- --policy`.");
    });

    it("plan/launch.js still answers bad usage before loading the SDK, --policy included", () => {
        assert.throws(() => execFileSync(process.execPath, [path.join(PROJECT_ROOT, "plan", "launch.js"), "--policy", "--format", "yaml"], { cwd: PROJECT_ROOT, stdio: "pipe" }),
            (err: { status: number; stderr: Buffer }) => err.status === 2 && /--format "yaml"; allowed: text, markdown, json/.test(String(err.stderr)));
    });
});

describe("plan --policy: the adapter hands the policies the program's real resources", () => {
    const migration = migrationConfigOf(readStackFile(EXISTING_STACK));
    const config = policyConfigOf(migration, new AwsSnapshot(EXAMPLE_SNAPSHOT));
    const phase3 = async () => structuredClone((await runExisting({ phase: 3 })).resources) as RecordedResource[];
    const named = (resources: RecordedResource[], name: string) => resources.find((r) => r.name === name) as RecordedResource;
    const run = (resources: RecordedResource[]) => runPolicies(policies, resources, { stack: "existing", project: "eks-cilium-migration", config });

    it("phase 3 as declared has no violation", async () => {
        assert.deepStrictEqual(await run(await phase3()), []);
    });

    it("finds aws-node unpinned, Cilium out of ENI mode and an adopted group unprotected, each on its resource", async () => {
        const resources = await phase3();
        const addon = named(resources, "aws-node-vpc-cni");
        addon.inputs = { ...addon.inputs, configurationValues: "{}" };
        const release = named(resources, "cilium-release");
        release.inputs = { ...release.inputs, values: { ...(release.inputs.values as object), ipam: { mode: "cluster-pool" } } };
        Object.assign(named(resources, "legacy-groups-ng-general"), { protect: false, retainOnDelete: false });
        assert.deepStrictEqual(await run(resources), [
            { policy: "aws-node-never-on-cilium-nodes", enforcementLevel: "mandatory", resource: "aws:eks/addon:Addon::aws-node-vpc-cni",
                message: "aws-node (aws:eks/addon:Addon aws-node-vpc-cni) may run on nodes labelled cni=cilium: every node selector term of its affinity must exclude them (cni NotIn [cilium])." },
            { policy: "cilium-eni-mode", enforcementLevel: "mandatory", resource: "kubernetes:helm.sh/v3:Release::cilium-release",
                message: "Cilium release cilium-release: `ipam.mode` is \"cluster-pool\", not \"eni\"; ENI mode is what this program installs." },
            { policy: "protected-production", enforcementLevel: "mandatory", resource: "aws:eks/nodeGroup:NodeGroup::legacy-groups-ng-general",
                message: "adopted node group ng-general is neither protected nor retainOnDelete: removing it from the program, or a destroy, would delete a group another tool made." },
        ]);
    });

    it("finds an adopted group declared with other instance types against the snapshot's description", async () => {
        const resources = await phase3();
        const group = named(resources, "legacy-groups-ng-batch");
        group.inputs = { ...group.inputs, instanceTypes: ["c7i.2xlarge"] };
        assert.deepStrictEqual((await run(resources)).map((v) => v.message), [
            "adopted node group ng-batch: `instanceTypes` is [\"c7i.2xlarge\"] but the group has [\"c6i.2xlarge\",\"c6a.2xlarge\"]; changing it replaces the group and every node in it.",
        ]);
    });
});
