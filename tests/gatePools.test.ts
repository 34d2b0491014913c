/**
 * Every phase gate is told the stack's legacy pools (design.md, "Phase gates"): the rendered gate lines of the three
 * example existing clusters — managed groups (Pulumi.existing.yaml), NodePools (Pulumi.karpenter.yaml), managed groups
 * and ASGs (Pulumi.mixed.yaml) — each parsed back by the gate CLI's own parser, so a line that repeats a flag fails.
 */
import * as assert from "assert";
import * as path from "path";
import { DEFAULT_GATE_CLI, gateScript } from "../components/clusterSteps/scripts";
import { DEFAULT_NODE_LABELS } from "../stacks/config";
import { UsageError, parseArgs } from "../gates/cli";
import { AwsSnapshot } from "../plan/awsSnapshot";
import { Evaluation, evaluate } from "../plan/evaluate";
import { readStackFile } from "../stacks/stackFile";
import { runExisting } from "./support/existingCluster";
import { runKarpenter } from "./support/karpenterCluster";
import { PROJECT_ROOT } from "./support/paths";

const CMD = "command:local:Command";
const runMixed = (phase: number): Promise<Evaluation> => evaluate({
    config: readStackFile(path.join(PROJECT_ROOT, "Pulumi.mixed.yaml")), phase, appliedPhase: phase === 0 ? undefined : phase - 1,
    snapshot: new AwsSnapshot(path.join(PROJECT_ROOT, "examples", "prod-mixed")),
});

/** Each gate line of a gate step (`gate-phase-N-check`), as the gate CLI would receive its words. */
function gateLines(e: Evaluation, phase: number): string[][] {
    const step = e.resources.find((r) => r.type === CMD && r.name === `gate-phase-${phase}-check`);
    assert.ok(step, `gate-phase-${phase}-check is declared`);
    return String(step.inputs.create).split("\n").filter((l) => l.startsWith(DEFAULT_GATE_CLI)).map((l) => words(l.slice(DEFAULT_GATE_CLI.length + 1)));
}

/** Splits a rendered line into words as bash would for these lines (single quotes, one double-quoted variable). */
function words(line: string): string[] {
    return [...line.matchAll(/'((?:[^']|'\\'')*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2] ?? m[3]);
}

const valueOf = (argv: string[], flag: string): string | undefined => argv[argv.indexOf(flag) + 1];

describe("phase gates are told the legacy pools", function () {
    this.timeout(240000);

    it("managed groups (Pulumi.existing.yaml): every check of the entry and exit gates gets --legacy-nodegroups and parses", async () => {
        const e = await runExisting({ phase: 5 });
        for (const gate of [4, 5]) {
            for (const argv of gateLines(e, gate)) {
                assert.strictEqual(valueOf(argv, "--legacy-nodegroups"), "ng-general,ng-batch", argv.join(" "));
                assert.ok(!argv.includes("--legacy-asgs") && !argv.includes("--legacy-nodepools") && !argv.includes("--cluster"), argv.join(" "));
                assert.deepStrictEqual(parseArgs(argv, {}).ctx.pools, { nodeGroups: ["ng-general", "ng-batch"] });
            }
        }
    });

    it("NodePools (Pulumi.karpenter.yaml): --legacy-nodepools on every check, and no empty --legacy-nodegroups", async () => {
        const e = await runKarpenter({ phase: 4 });
        const lines = [...gateLines(e, 3), ...gateLines(e, 4)];
        assert.ok(lines.length >= 4);
        for (const argv of lines) {
            const pools = parseArgs(argv, {}).ctx.pools;
            assert.ok(pools?.nodePools && pools.nodePools.length > 0, argv.join(" "));
            assert.ok(!argv.includes("--legacy-nodegroups") || (pools?.nodeGroups ?? []).length > 0, argv.join(" "));
        }
    });

    it("ASGs (Pulumi.mixed.yaml): --legacy-asgs with one --cluster/--region, also on phase 0's preflight line that reads AWS", async () => {
        for (const [phase, gates] of [[0, [0]], [6, [5, 6]]] as [number, number[]][]) {
            const e = await runMixed(phase);
            for (const gate of gates) {
                for (const argv of gateLines(e, gate)) {
                    for (const flag of ["--cluster", "--region", "--legacy-asgs", "--legacy-nodegroups"]) {
                        assert.strictEqual(argv.filter((w) => w === flag).length, 1, `${flag} once in ${argv.join(" ")}`);
                    }
                    const parsed = parseArgs(argv, {});
                    assert.deepStrictEqual(parsed.ctx.pools, { nodeGroups: ["ng-general"], asgs: ["prod-mixed-batch-al2", "prod-mixed-batch-al2023"] });
                    assert.deepStrictEqual([parsed.preflight.cluster, parsed.preflight.region], ["prod-mixed", "us-east-2"]);
                }
            }
            if (phase === 0) assert.ok(gateLines(e, 0).some((argv) => argv[0] === "preflight" && argv.includes("--preflight-options")));
        }
    });

    it("the gate CLI refuses a flag given twice, the same value or not", () => {
        for (const [a, b] of [["prod-a", "prod-b"], ["prod-a", "prod-a"]]) {
            assert.throws(() => parseArgs(["preflight", "--kubeconfig", "k", "--cluster", a, "--cluster", b], {}),
                (err: Error) => err instanceof UsageError && err.message === `--cluster is given twice ("${a}" and "${b}"); give it once`);
        }
    });

    it("a preflight line and its ASG pools never name two clusters: rendering refuses", () => {
        const base = { gateCli: DEFAULT_GATE_CLI, checks: ["preflight"], timeout: "1m", labels: DEFAULT_NODE_LABELS };
        const pools = { asgs: ["batch"], asgCluster: { name: "prod-b", region: "us-east-2" } };
        assert.throws(() => gateScript({ ...base, preflight: { options: "{}", cluster: "prod-a", region: "us-east-2" }, pools }),
            { message: "gate: preflight reads cluster prod-a (us-east-2) but the ASGs are read from prod-b (us-east-2); one gate line names one cluster" });
        const same = gateScript({ ...base, preflight: { options: "{}", cluster: "prod-b", region: "us-east-2" }, pools });
        assert.ok(same.endsWith(" --legacy-asgs 'batch' --cluster 'prod-b' --region 'us-east-2'"), same);
        // Without preflight, the ASGs' cluster alone; without ASGs, no --cluster at all.
        assert.ok(gateScript({ ...base, checks: ["legacy-drained"], pools }).endsWith(" --legacy-asgs 'batch' --cluster 'prod-b' --region 'us-east-2'"));
        assert.ok(!gateScript({ ...base, checks: ["legacy-drained"], pools: { nodeGroups: ["ng-1"] } }).includes("--cluster"));
    });
});
