// Karpenter NodePools, item 4 (issue 18): the example cluster with Karpenter (examples/karpenter-east, Pulumi.karpenter.yaml)
// plans through all ten phases and back, passes the policy pack, and its preflight has no blocker.
import * as assert from "assert";
import { main as plan } from "../plan/cli";
import { main as preflight } from "../preflight/cli";
import { policies } from "../policy/policies";
import { KARPENTER_SNAPSHOT, KARPENTER_STACK } from "./support/karpenterCluster";
import { clusterRow } from "../fleet/report";
import { readPreflightSnapshot } from "../preflight/read";
import { migrationConfigOf, readStackFile } from "../stacks/stackFile";

async function run(main: typeof plan, argv: string[], withPolicies = false) {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, (s) => { stdout += `${s}\n`; }, (s) => { stderr += `${s}\n`; }, ...(withPolicies ? [policies] : []));
    return { code, stdout, stderr };
}

describe("karpenter: the example cluster, end to end", () => {
    it("plans phases 0–9 with the policy pack: exit 0, every Karpenter change where the design puts it", async () => {
        const r = await run(plan, ["--config-file", KARPENTER_STACK, "--cluster-snapshot", KARPENTER_SNAPSHOT, "--format", "json", "--policy"], true);
        assert.strictEqual(r.code, 0, r.stderr);
        const phases = JSON.parse(r.stdout).phases as { number: number; changes: { op: string; type: string; name: string }[]; violations?: unknown[] }[];
        assert.deepStrictEqual(phases.map((p) => p.number), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        const karpenter = (p: { changes: { op: string; type: string; name: string }[] }) =>
            p.changes.filter((c) => c.name.startsWith("karpenter")).map((c) => `${c.op} ${c.name}`);
        assert.deepStrictEqual(phases.map(karpenter), [
            ["create karpenter", "create karpenter-legacy-batch", "create karpenter-legacy-default", "create karpenter-default-cilium", "create karpenter-batch-cilium",
                "create karpenter-hand-back-default", "create karpenter-hand-back-batch"],
            [], [],
            ["update karpenter-default-cilium", "update karpenter-batch-cilium", "create karpenter-headroom-namespace", "create karpenter-headroom-priority",
                "create karpenter-headroom-default-cilium", "create karpenter-headroom-batch-cilium"],
            ["update karpenter-legacy-default", "update karpenter-legacy-batch"],
            [],
            // 6: the hand-back keeps limits 0 from now on (aws-node gone).
            ["update karpenter-hand-back-default", "update karpenter-hand-back-batch", "delete karpenter-headroom-namespace", "delete karpenter-headroom-priority", "delete karpenter-headroom-default-cilium", "delete karpenter-headroom-batch-cilium"],
            ["update karpenter-default-cilium", "update karpenter-batch-cilium", "create karpenter-delete-nodeclaims-default", "create karpenter-delete-nodeclaims-batch"],
            [], [],
        ]);
        // exit 0 already means no mandatory violation; the pack ran (every phase carries its list) and found none at all.
        for (const p of phases) assert.deepStrictEqual(p.violations, [], `phase ${p.number}`);
    });

    it("plans the way back from 5 to 0 (one phase per update, as the guard allows)", async () => {
        const r = await run(plan, ["--config-file", KARPENTER_STACK, "--cluster-snapshot", KARPENTER_SNAPSHOT, "--from", "5", "--to", "0"]);
        assert.strictEqual(r.code, 0, r.stderr);
        assert.match(r.stdout, /Phase 3 — scale-up-cilium: .*\(rolling back from 4\)\n(.*\n)*? {4}~ update kubernetes:karpenter\.sh\/v1:NodePoolPatch karpenter-legacy-default \(spec\.limits: \{"cpu":"0","memory":"0"\} → \{"cpu":"1000","memory":"1000Gi"\}\)/);
        assert.match(r.stdout, /\+ create command:local:Command karpenter-delete-nodeclaims-default-cilium/);
    });

    it("preflight on the example: no blocker, karpenter is information", async () => {
        const r = await run(preflight, ["--snapshot", KARPENTER_SNAPSHOT, "--config-file", KARPENTER_STACK, "--format", "json"]);
        assert.strictEqual(r.code, 0, r.stderr);
        const findings = JSON.parse(r.stdout).findings as { id: string; severity: string }[];
        assert.deepStrictEqual(findings.filter((f) => f.id.startsWith("karpenter")).map((f) => [f.id, f.severity]), [["karpenter", "info"], ["karpenter-pod-density", "warning"]]);
        assert.ok(!findings.some((f) => f.id === "pool-less-legacy-node" || f.id === "not-checked"));
    });
});

describe("karpenter: the fleet report counts NodePools and asks the planner's Karpenter checks", () => {
    it("karpenter-east: 1 managed group, 2 NodePools, ready; a static legacy pool makes it not supported, named", () => {
        const input = readPreflightSnapshot(KARPENTER_SNAPSHOT);
        const config = migrationConfigOf(readStackFile(KARPENTER_STACK));
        const row = clusterRow(KARPENTER_SNAPSHOT, input, config, KARPENTER_STACK);
        assert.deepStrictEqual([row.pools, row.verdict], [{ managedNodeGroups: ["ng-system"], nodePools: ["batch", "default"], asgs: [] }, "ready"]);
        const fixed = structuredClone(input);
        (fixed.nodepools?.items[1] as { spec: { replicas?: number } }).spec.replicas = 2;
        const refused = clusterRow(KARPENTER_SNAPSHOT, fixed, config, KARPENTER_STACK);
        assert.strictEqual(refused.verdict, "not-supported");
        assert.match(refused.reason, /^NodePool batch has `spec\.replicas: 2` \(static capacity\)/);
    });
});
