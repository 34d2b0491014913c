// The gate CLI: its contract (output lines, PASS/FAIL last line, exit codes), bad input, --wait, and live-mode
// error handling against the Kubernetes client's error types (no cluster needed).
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ApiException } from "@kubernetes/client-node";
import { GateArgs, main, parseArgs, runGate } from "../gates/cli";
import { ClusterAccessError, classifyError, withRetry } from "../clusterReader/retry";
import { PHASE_SHAPES, buildCluster, copy } from "./fixtures/clusterBuilder";
import { SNAPSHOT_DIR, snapshotFiles } from "./fixtures/writeSnapshots";
import { FIXTURES } from "./support/paths";

const snap = (name: string) => path.join(SNAPSHOT_DIR, name);

async function gate(...argv: string[]): Promise<{ code: number; lines: string[] }> {
    const lines: string[] = [];
    const code = await main(argv, (s) => lines.push(...s.split("\n")), {});
    return { code, lines };
}

describe("gate CLI (npm run gate)", () => {
    it("the committed snapshots are what the builder makes (regenerate with tests/fixtures/writeSnapshots.ts)", () => {
        for (const phase of Object.keys(PHASE_SHAPES).map(Number)) {
            for (const [file, text] of Object.entries(snapshotFiles(phase))) {
                assert.strictEqual(fs.readFileSync(path.join(SNAPSHOT_DIR, `phase-${phase}`, file), "utf8"), text, `phase-${phase}/${file}`);
            }
        }
    });

    it("prints one line per finding and PASS last, exit 0", async () => {
        const { code, lines } = await gate("phase-3", "--snapshot", snap("phase-3"));
        assert.strictEqual(code, 0);
        assert.deepStrictEqual(lines, [
            "cilium-ready: 3/3 cni=cilium nodes Ready, untainted, with a ready Cilium agent",
            "cilium-ready: no Cilium agent on the 3 legacy nodes",
            "connectivity: 8/8 running goldpinger pods answered",
            "connectivity: 64/64 pings OK",
            "connectivity: answering pods: 5 on legacy nodes, 3 on cni=cilium nodes",
            "connectivity: egress was not checked: goldpinger has no external targets (set `goldpinger.egressTargets` to prove egress from both pools)",
            "PASS phase-3",
        ]);
    });

    it("prints FAIL <check>: <reason> last, exit 1", async () => {
        const { code, lines } = await gate("legacy-cordoned", "--snapshot", snap("phase-3"));
        assert.strictEqual(code, 1);
        assert.strictEqual(lines.at(-1), "FAIL legacy-cordoned: legacy node ip-10-0-0-4.eu-west-1.compute.internal (node group ng-1) is not cordoned (and 2 more)");
    });

    it("uses the label options", async () => {
        const { code, lines } = await gate("cilium-ready", "--snapshot", snap("phase-3"), "--cilium-label", "cni=ebpf");
        assert.strictEqual(code, 1);
        // With another Cilium label, the cni=cilium nodes are legacy nodes (and their agents misplaced) too.
        assert.strictEqual(lines.at(-1), "FAIL cilium-ready: no node matches cni=ebpf (and 3 more)");
        assert.ok(lines.includes("cilium-ready: Cilium agent cilium-10-0-64-4 runs on legacy node ip-10-0-64-4.eu-west-1.compute.internal"), lines.join("\n"));
    });

    const inputErrors: [string, string[], RegExp][] = [
        ["a missing snapshot file", ["connectivity", "--snapshot", snap("phase-3") + "-nope"], /^ERROR connectivity: input not read, no verdict: snapshot directory .*phase-3-nope does not exist$/],
        ["a file the check needs but does not find", ["kube-proxy-removed", "--snapshot", path.join(FIXTURES, "stacks")], /^ERROR kube-proxy-removed: input not read, no verdict: .*stacks\/pods\.json is missing; this check needs it \(kubectl get pods -A -o json\)$/],
        ["a malformed file", ["legacy-retired", "--snapshot", snap("malformed")], /^ERROR legacy-retired: input not read, no verdict: .*malformed\/nodes\.json is not valid JSON at byte 32 \(line 2\): the file ends inside `items` \(truncated\?\)$/],
        ["a file of the wrong shape", ["legacy-retired", "--snapshot", snap("not-a-list")], /^ERROR legacy-retired: input not read, no verdict: .*not-a-list\/nodes\.json has no `items` list: expected the output of kubectl get nodes -o json$/],
    ];
    for (const [what, argv, message] of inputErrors) {
        it(`exits 2 on ${what}, naming the file`, async () => {
            const { code, lines } = await gate(...argv);
            assert.strictEqual(code, 2);
            assert.match(lines.at(-1) ?? "", message);
        });
    }

    const usage: [string, string[], RegExp][] = [
        ["an unknown check, listing the valid ones", ["cilium-happy", "--snapshot", "x"], /^gate: unknown check "cilium-happy"; valid checks: connectivity, aws-node-pinned, cilium-operator-ready, cilium-ready, legacy-cordoned, legacy-drained, cilium-managed, aws-node-removed, legacy-retired, kube-proxy-removed, cilium-kube-proxy-replacement, preflight, cni-labels-complete, phase-0 … phase-9$/],
        ["phase-10", ["phase-10", "--snapshot", "x"], /^gate: unknown check "phase-10"/],
        ["no source", ["connectivity"], /^gate: give --snapshot DIR or --kubeconfig PATH \(or set KUBECONFIG\)$/],
        ["both sources", ["connectivity", "--snapshot", "x", "--kubeconfig", "y"], /^gate: give --snapshot or --kubeconfig, not both$/],
        ["a bad duration", ["connectivity", "--snapshot", "x", "--wait", "5 minutes"], /^gate: --wait "5 minutes" is not a duration such as 30s, 15m or 1h30m$/],
        ["a bad label", ["connectivity", "--snapshot", "x", "--legacy-label", "cni"], /^gate: --legacy-label "cni" is not KEY=VALUE$/],
        ["an unknown option", ["connectivity", "--snap", "x"], /^gate: unknown option "--snap"$/],
    ];
    for (const [what, argv, message] of usage) {
        it(`exits 2 on ${what}`, async () => {
            const { code, lines } = await gate(...argv);
            assert.strictEqual(code, 2);
            assert.match(lines[0], message);
        });
    }

    describe("--wait", () => {
        const args = (argv: string[]): GateArgs => parseArgs(argv, {});
        const clock = () => {
            let t = 0;
            return { now: () => t, sleep: async (ms: number) => { t += ms; } };
        };

        it("polls until the check passes, printing progress a person can follow", async () => {
            const states = [2, 2, 3].map((p) => copy(buildCluster(PHASE_SHAPES[p])));
            // The third read sees the new nodes ready.
            const lines: string[] = [];
            let reads = 0;
            const code = await runGate(args(["cilium-ready", "--kubeconfig", "/dev/null", "--wait", "5m", "--interval", "20s"]),
                { ...clock(), read: async () => states[Math.min(reads++, 2)], out: (l) => lines.push(l) });
            assert.strictEqual(code, 0);
            assert.strictEqual(reads, 3);
            assert.deepStrictEqual(lines.slice(0, 2), [
                "waiting: cilium-ready: 0/0 new nodes ready — no node matches cni=cilium (5m00s left)",
                "waiting: cilium-ready: 0/0 new nodes ready — no node matches cni=cilium (4m40s left)",
            ]);
            assert.strictEqual(lines.at(-1), "PASS cilium-ready");
        });

        it("fails after the timeout with the last reason", async () => {
            const state = copy(buildCluster(PHASE_SHAPES[3]));
            const lines: string[] = [];
            const code = await runGate(args(["legacy-cordoned", "--kubeconfig", "/dev/null", "--wait", "1m", "--interval", "30s"]),
                { ...clock(), read: async () => state, out: (l) => lines.push(l) });
            assert.strictEqual(code, 1);
            assert.strictEqual(lines.filter((l) => l.startsWith("waiting:")).length, 2);
            assert.strictEqual(lines.at(-2), "legacy-cordoned: gave up after 3 attempts");
            assert.match(lines.at(-1) ?? "", /^FAIL legacy-cordoned: legacy node .* is not cordoned/);
        });

        it("stops at once, exit 2, when the cluster refuses access", async () => {
            const lines: string[] = [];
            const code = await runGate(args(["legacy-cordoned", "--kubeconfig", "/dev/null", "--wait", "10m"]), {
                ...clock(),
                read: async () => { throw new ClusterAccessError("list nodes: not allowed (403 Forbidden)", "forbidden"); },
                out: (l) => lines.push(l),
            });
            assert.strictEqual(code, 2);
            assert.deepStrictEqual(lines, ["ERROR legacy-cordoned: input not read, no verdict: list nodes: not allowed (403 Forbidden)"]);
        });
    });

    describe("live-mode errors", () => {
        const noSleep = { attempts: 4, baseDelayMs: 100, maxDelayMs: 250, sleep: async () => undefined };
        const api = (code: number) => new ApiException(code, `HTTP-Code: ${code}`, { kind: "Status", code }, {});

        it("classifies the client's ApiException by status and network errors by code", () => {
            assert.strictEqual(classifyError(api(503)), "transient");
            assert.strictEqual(classifyError(api(429)), "transient");
            assert.strictEqual(classifyError(api(401)), "unauthorized");
            assert.strictEqual(classifyError(api(403)), "forbidden");
            assert.strictEqual(classifyError(api(404)), "not-found");
            assert.strictEqual(classifyError(api(422)), "fatal");
            assert.strictEqual(classifyError(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" })), "transient");
            assert.strictEqual(classifyError(new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } })), "transient");
            assert.strictEqual(classifyError(new Error("boom")), "fatal");
        });

        it("retries transient errors with exponential backoff, then succeeds", async () => {
            const delays: number[] = [];
            let calls = 0;
            const value = await withRetry("list pods", async () => {
                if (++calls < 4) throw api(503);
                return "ok";
            }, { ...noSleep, onRetry: (_a, ms) => delays.push(ms) });
            assert.strictEqual(value, "ok");
            assert.deepStrictEqual(delays, [100, 200, 250]);
        });

        it("gives up after the last attempt, saying so", async () => {
            let calls = 0;
            await assert.rejects(withRetry("list pods", async () => { calls++; throw api(502); }, noSleep),
                (err: Error) => err instanceof ClusterAccessError && /^list pods: HTTP-Code: 502.* \(gave up after 4 attempts\)$/.test(err.message));
            assert.strictEqual(calls, 4);
        });

        it("does not retry authorization errors and says what the identity needs", async () => {
            let calls = 0;
            await assert.rejects(withRetry("list nodes", async () => { calls++; throw api(403); }, noSleep),
                (err: ClusterAccessError) => err.kind === "forbidden" && /needs get\/list on nodes, pods, daemonsets, deployments and ciliumendpoints/.test(err.message));
            await assert.rejects(withRetry("list nodes", async () => { calls++; throw api(401); }, noSleep),
                (err: ClusterAccessError) => err.kind === "unauthorized" && /aws eks get-token/.test(err.message));
            assert.strictEqual(calls, 2);
        });

        it("reports an unreadable kubeconfig as an input error (exit 2)", async () => {
            const lines: string[] = [];
            const code = await main(["legacy-retired", "--kubeconfig", "/nonexistent/kubeconfig"], (s) => lines.push(s), {});
            assert.strictEqual(code, 2);
            assert.match(lines.at(-1) ?? "", /^ERROR legacy-retired: input not read, no verdict: kubeconfig \/nonexistent\/kubeconfig cannot be read as a kubeconfig: /);
        });
    });
});
