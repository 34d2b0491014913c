// CI: the workflow files hold what the README promises, and the one-phase-per-pull-request check.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { StackFileError, checkPhaseStep, existingClusterOf, main, phaseOf } from "../ci/phaseStep";
import { FIXTURES, PROJECT_ROOT } from "./support/paths";

const ROOT = PROJECT_ROOT;
const PAIRS = path.join(FIXTURES, "stack-pairs");
const stackFile = (name: string) => fs.readFileSync(path.join(PAIRS, `Pulumi.${name}.yaml`), "utf8");
const workflow = (name: string) => YAML.parse(fs.readFileSync(path.join(ROOT, ".github", "workflows", name), "utf8"));
/* eslint-disable @typescript-eslint/no-explicit-any */
const steps = (wf: any, job: string): any[] => wf.jobs[job].steps;
const uses = (wf: any): string[] => Object.values(wf.jobs).flatMap((j: any) => j.steps.filter((s: any) => s.uses).map((s: any) => s.uses));

describe("CI workflows", () => {
    const preview = workflow("migration-preview.yml");
    const up = workflow("migration-up.yml");

    it("pin every action to an exact version", () => {
        for (const u of [...uses(preview), ...uses(up)]) assert.match(u, /^[a-z-]+\/[a-z-]+@(v\d+\.\d+\.\d+|[0-9a-f]{40})$/, u);
        assert.ok(uses(preview).some((u) => u.startsWith("pulumi/actions@")));
    });

    it("preview: on pull requests touching a stack file; phase check, npm ci, plan markdown posted, pulumi preview", () => {
        assert.deepStrictEqual(preview.on, { pull_request: { paths: ["Pulumi.*.yaml"] } });
        assert.strictEqual(preview.permissions["id-token"], "write");
        const check = steps(preview, "phase-step");
        assert.ok(check.some((s) => s.run === "npm ci"));
        assert.match(check.find((s) => s.id === "check").run, /^npm run --silent phase-step -- --base "\$\{\{ github.event.pull_request.base.sha \}\}"/);
        const p = steps(preview, "preview");
        assert.ok(p.some((s) => s.run === "npm ci"));
        assert.match(p.find((s) => /plan/.test(s.name ?? "") && s.run).run, /npm run --silent plan -- --stack "\$\{\{ matrix.stack \}\}" .* --format markdown > plan.md/);
        // An existing cluster's stack: a snapshot first (after the AWS role is assumed), then the plan reads it.
        const names = p.map((s) => s.name ?? s.uses ?? s.run);
        const snapshot = p.find((s) => /npm run --silent snapshot/.test(s.run ?? ""));
        assert.strictEqual(snapshot.if, "matrix.cluster != ''");
        assert.match(snapshot.run, /--cluster "\$\{\{ matrix.cluster \}\}" --region "\$\{\{ vars.AWS_REGION \}\}" --out "snapshot-\$\{\{ matrix.stack \}\}"/);
        assert.ok(names.findIndex((n) => /configure-aws-credentials/.test(n)) < names.indexOf(snapshot.name));
        assert.ok(names.indexOf(snapshot.name) < names.findIndex((n) => /plan/.test(n)));
        assert.match(p.find((s) => /plan/.test(s.name ?? "") && s.run).run, /format\('--cluster-snapshot snapshot-\{0\}', matrix.stack\)/);
        assert.match(p.find((s) => /gh pr comment/.test(s.run ?? "")).run, /--body-file plan.md/);
        const pulumi = p.find((s) => s.uses?.startsWith("pulumi/actions@"));
        assert.strictEqual(pulumi.with.command, "preview");
        assert.strictEqual(pulumi.with["comment-on-pr"], true);
        assert.strictEqual(preview.jobs.preview.needs, "phase-step");
    });

    it("up: on merge to main, pulumi up after the phase check", () => {
        assert.deepStrictEqual(up.on, { push: { branches: ["main"], paths: ["Pulumi.*.yaml"] } });
        const pulumi = steps(up, "up").find((s) => s.uses?.startsWith("pulumi/actions@"));
        assert.strictEqual(pulumi.with.command, "up");
        assert.strictEqual(up.jobs.up.needs, "phase-step");
    });

    it("one stack at a time: a concurrency group per stack, never cancelled half-way", () => {
        for (const [wf, job] of [[preview, "preview"], [up, "up"]]) {
            assert.deepStrictEqual(wf.jobs[job].concurrency, { group: "eks-cilium-migration-${{ matrix.stack }}", "cancel-in-progress": false });
        }
    });

    it("AWS through OIDC only: a role to assume, no access keys anywhere", () => {
        for (const [wf, job] of [[preview, "preview"], [up, "up"]]) {
            const aws = steps(wf, job).find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
            assert.strictEqual(aws.with["role-to-assume"], "${{ vars.AWS_MIGRATION_ROLE_ARN }}");
            assert.ok(!JSON.stringify(wf).includes("aws-access-key-id") && !JSON.stringify(wf).includes("AWS_SECRET_ACCESS_KEY"));
        }
    });
});

describe("one phase per pull request (ci/phaseStep.ts)", () => {
    const change = (base: string | undefined, head: string) => checkPhaseStep({
        stack: "prod", file: "Pulumi.prod.yaml",
        basePhase: base === undefined ? undefined : phaseOf(stackFile(base), base), headPhase: phaseOf(stackFile(head), head),
    });

    it("allows one phase forward, one back, or none, and says what the planner should show", () => {
        assert.deepStrictEqual([change("phase3", "phase4").ok, change("phase3", "phase4").plan], [true, { from: 4, to: 4 }]);
        assert.deepStrictEqual([change("phase4", "phase3").ok, change("phase4", "phase3").plan, change("phase4", "phase3").message],
            [true, { from: 4, to: 3 }, "Pulumi.prod.yaml: rollback 4 → 3"]);
        assert.strictEqual(change("phase4", "bare-key").message, "Pulumi.prod.yaml: `phase` stays 4");
    });

    it("refuses a move of more than one phase, either way", () => {
        const v = change("phase2", "phase4");
        assert.strictEqual(v.ok, false);
        assert.strictEqual(v.message, "Pulumi.prod.yaml moves `phase` from 2 to 4; a pull request may move it by one phase at most (one reviewed phase per pull request).");
        assert.strictEqual(change("phase5", "phase3").ok, false);
    });

    it("a new stack file starts at phase 0", () => {
        assert.strictEqual(change(undefined, "phase2").message, "Pulumi.prod.yaml: a new stack starts at phase 0, not 2.");
    });

    it("names the existing cluster a stack migrates, for the job that snapshots it", () => {
        assert.strictEqual(existingClusterOf(fs.readFileSync(path.join(ROOT, "Pulumi.existing.yaml"), "utf8"), "Pulumi.existing.yaml"), "prod-east");
        assert.strictEqual(existingClusterOf(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8"), "Pulumi.dev.yaml"), undefined);
        assert.strictEqual(existingClusterOf("config:\n  eks-cilium-migration:existingCluster: not-an-object\n", "x"), undefined);
    });

    it("names the file of a bad phase", () => {
        assert.throws(() => phaseOf(stackFile("out-of-range"), "Pulumi.x.yaml"), (e: Error) => e instanceof StackFileError &&
            e.message === "Pulumi.x.yaml: `phase` is 11; it must be a whole number from 0 to 9.");
    });

    it("works on a real git history: changed stack files between two commits, GitHub output for the matrix", () => {
        const repo = fs.mkdtempSync(path.join(os.tmpdir(), "phase-step-"));
        const git = (...args: string[]) => execFileSync("git", ["-C", repo, "-c", "user.email=ci@example.com", "-c", "user.name=ci", ...args], { encoding: "utf8" });
        git("init", "-q", "-b", "main");
        fs.copyFileSync(path.join(PAIRS, "Pulumi.phase3.yaml"), path.join(repo, "Pulumi.prod.yaml"));
        fs.copyFileSync(path.join(PAIRS, "Pulumi.phase2.yaml"), path.join(repo, "Pulumi.staging.yaml"));
        fs.writeFileSync(path.join(repo, "Pulumi.yaml"), "name: eks-cilium-migration\nruntime: nodejs\n");
        git("add", "."); git("commit", "-qm", "base");
        const base = git("rev-parse", "HEAD").trim();
        fs.copyFileSync(path.join(PAIRS, "Pulumi.phase4.yaml"), path.join(repo, "Pulumi.prod.yaml"));
        fs.copyFileSync(path.join(PAIRS, "Pulumi.phase4.yaml"), path.join(repo, "Pulumi.staging.yaml"));
        git("commit", "-qam", "bump");
        const output = path.join(repo, "github-output");
        const lines: string[] = [];
        const cwd = process.cwd();
        process.chdir(repo);
        let code: number;
        try {
            code = main(["--base", base, "--head", "HEAD"], (s) => lines.push(s), { GITHUB_OUTPUT: output });
        } finally {
            process.chdir(cwd);
        }
        assert.strictEqual(code, 1, "staging jumps two phases");
        assert.deepStrictEqual(lines, [
            "ok: Pulumi.prod.yaml: phase 3 → 4",
            "REFUSED: Pulumi.staging.yaml moves `phase` from 2 to 4; a pull request may move it by one phase at most (one reviewed phase per pull request).",
        ]);
        assert.strictEqual(fs.readFileSync(output, "utf8"), 'stacks=[{"stack":"prod","from":4,"to":4,"cluster":""}]\n');
        fs.rmSync(repo, { recursive: true });
    });

    it("exits 2 on bad usage", () => {
        const lines: string[] = [];
        assert.strictEqual(main(["--head", "x"], (s) => lines.push(s), {}), 2);
        assert.strictEqual(main(["--base"], (s) => lines.push(s), {}), 2);
        assert.match(lines[0], /^usage: npm run phase-step -- --base REF/);
    });
});
