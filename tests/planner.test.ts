// The offline planner (`npm run plan`), driven through its CLI entry in-process.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { importsOf } from "./support/imports";
import { main } from "../plan/cli";
import { FIXTURES, PROJECT_ROOT } from "./support/paths";

const STACKS = path.join(FIXTURES, "stacks");

async function plan(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, (s) => { stdout += `${s}\n`; }, (s) => { stderr += `${s}\n`; });
    return { code, stdout, stderr };
}

describe("planner (npm run plan)", () => {
    it("prints one JSON document with the contract's shape for Pulumi.dev.yaml", async () => {
        const { code, stdout, stderr } = await plan("--format", "json", "--from", "2", "--to", "3");
        assert.strictEqual(code, 0, stderr);
        const doc = JSON.parse(stdout);
        assert.deepStrictEqual(Object.keys(doc), ["phases"]);
        assert.deepStrictEqual(doc.phases.map((p: { number: number }) => p.number), [2, 3]);
        for (const phase of doc.phases) {
            assert.deepStrictEqual(Object.keys(phase), ["number", "name", "gate", "resources", "changes"]);
            for (const r of phase.resources) assert.deepStrictEqual(Object.keys(r), ["type", "name", "inputs"]);
            for (const c of phase.changes) {
                assert.deepStrictEqual(Object.keys(c), ["op", "type", "name"]);
                assert.ok(["create", "update", "delete"].includes(c.op));
            }
        }
        const [two, three] = doc.phases;
        assert.strictEqual(two.name, "install-cilium");
        assert.deepStrictEqual(two.gate, ["cilium-operator-ready"]);
        assert.ok(two.changes.some((c: { op: string; type: string }) => c.op === "create" && c.type === "kubernetes:helm.sh/v3:Release"));
        assert.deepStrictEqual(three.changes.filter((c: { op: string }) => c.op === "update").map((c: { name: string }) => c.name).sort(),
            ["cilium-pool-node-group", "gate-phase-2-check"]);
        // Secrets never reach the plan.
        assert.ok(!stdout.includes("certificate-authority-data"), "the kubeconfig leaked into the plan");
        assert.ok(stdout.includes('"[secret]"'));
    });

    it("prints all ten phases as text, grouped by component, with each gate", async () => {
        const { code, stdout } = await plan();
        assert.strictEqual(code, 0);
        const headers = stdout.split("\n").filter((l) => l.startsWith("Phase "));
        assert.strictEqual(headers.length, 10);
        assert.match(headers[0], /^Phase 0 — baseline: /);
        assert.match(headers[9], /^Phase 9 — kube-proxy-free: /);
        assert.match(stdout, /Phase 4 — cordon-legacy[^]*?\n {2}LegacyNodeGroup legacy-pool\n {4}~ update eks:index:ManagedNodeGroup legacy-pool-node-group \(taints\)\n {4}\+ create command:local:Command legacy-pool-cordon/);
        assert.match(stdout, /\n {2}gate: legacy-drained, cilium-managed, connectivity\n/);
    });

    it("prints markdown for a pull request", async () => {
        const { code, stdout } = await plan("--format", "markdown", "--from", "6", "--to", "6");
        assert.strictEqual(code, 0);
        assert.match(stdout, /^# eks-cilium-migration plan\n\n## Phase 6 — `remove-aws-node`/);
        assert.match(stdout, /\| AwsNodeAffinity aws-node \| delete \| `aws:eks\/addon:Addon` \| `aws-node-vpc-cni` \|/);
    });

    it("plans a rollback when --from is above --to: each phase one step back", async () => {
        const { code, stdout } = await plan("--from", "4", "--to", "3");
        assert.strictEqual(code, 0);
        assert.match(stdout, /^Phase 3 — scale-up-cilium: .* \(rolling back from 4\)\n/);
        assert.match(stdout, /LegacyNodeGroup legacy-pool\n {4}~ update eks:index:ManagedNodeGroup legacy-pool-node-group \(taints\)\n {4}- delete command:local:Command legacy-pool-cordon \(runs its delete script\)\n/);
        assert.ok(!stdout.includes("Phase 4 —"));
    });

    it("exits 1 on a rollback the guard refuses, with its message", async () => {
        const { code, stderr } = await plan("--from", "6", "--to", "5");
        assert.strictEqual(code, 1);
        assert.match(stderr, /`phase` is 5 but the last applied phase is 6 \(remove-aws-node\); aws-node was removed at phase 6/);
    });

    it("reads any stack file with --config-file", async () => {
        const { code, stdout } = await plan("--config-file", "Pulumi.dev.yaml", "--from", "0", "--to", "0");
        assert.strictEqual(code, 0);
        assert.match(stdout, /Phase 0 — baseline/);
    });

    it("exits 1 on invalid config, naming the key", async () => {
        const { code, stderr } = await plan("--config-file", path.join(STACKS, "Pulumi.bad-config.yaml"));
        assert.strictEqual(code, 1);
        assert.match(stderr, /`drain.batchSize` is 0; it must be a whole number from 1 to 50\./);
    });

    it("exits 1 on a protected Helm override, naming the key", async () => {
        const { code, stderr } = await plan("--config-file", path.join(STACKS, "Pulumi.protected-override.yaml"));
        assert.strictEqual(code, 1);
        assert.match(stderr, /`cilium.values.operator.unmanagedPodWatcher.restart` cannot be overridden before phase 8/);
    });

    it("exits 1 on a malformed stack file, naming it", async () => {
        const { code, stderr } = await plan("--config-file", path.join(STACKS, "Pulumi.malformed.yaml"));
        assert.strictEqual(code, 1);
        assert.match(stderr, /Pulumi\.malformed\.yaml is not valid YAML/);
    });

    const usage: [string, string[], RegExp][] = [
        ["an unknown flag", ["--frmo", "1"], /unknown argument "--frmo"/],
        ["a phase out of range", ["--to", "10"], /--to "10" is not a phase; allowed: 0 to 9/],
        ["an unknown format", ["--format", "yaml"], /--format "yaml"; allowed: text, markdown, json/],
        ["a missing value", ["--stack"], /--stack needs a value/],
        ["both --stack and --config-file", ["--stack", "dev", "--config-file", "x.yaml"], /give --stack or --config-file, not both/],
        ["a missing stack file", ["--stack", "nope"], /Pulumi\.nope\.yaml does not exist/],
    ];
    for (const [what, argv, message] of usage) {
        it(`exits 2 on ${what}`, async () => {
            const { code, stderr } = await plan(...argv);
            assert.strictEqual(code, 2);
            assert.match(stderr, message);
        });
    }
});

describe("npm run plan (plan/launch.js)", () => {
    it("compiles what changed into .build/ and runs the planner from there: exit 0, the contract's JSON", () => {
        const out = execFileSync(process.execPath, [path.join(PROJECT_ROOT, "plan", "launch.js"), "--from", "3", "--to", "3", "--format", "json"],
            { cwd: PROJECT_ROOT, encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
        const plan = JSON.parse(out);
        assert.deepStrictEqual(plan.phases.map((p: { number: number; name: string }) => [p.number, p.name]), [[3, "scale-up-cilium"]]);
    });

    it("compiles every folder the planner imports (a fresh clone has no .build/ to fall back on)", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { SOURCES } = require(path.join(PROJECT_ROOT, "plan", "launch.js")) as { SOURCES: string[] };
        const reached = new Set<string>();
        const visit = (file: string) => {
            if (reached.has(file)) return;
            reached.add(file);
            for (const target of importsOf(file)) visit(fs.existsSync(path.join(PROJECT_ROOT, `${target}.ts`)) ? `${target}.ts` : path.join(target, "index.ts"));
        };
        visit(path.join("plan", "cli.ts"));
        const folders = [...new Set([...reached].map((f) => f.split(path.sep)[0]))].sort();
        assert.deepStrictEqual(folders.filter((f) => !SOURCES.includes(f)), [], `reached ${folders.join(", ")}`);
    });

    it("exits 2 on bad usage, as the CLI does", () => {
        assert.throws(() => execFileSync(process.execPath, [path.join(PROJECT_ROOT, "plan", "launch.js"), "--from", "x"], { cwd: PROJECT_ROOT, stdio: "pipe" }),
            (err: { status: number }) => err.status === 2);
    });
});
