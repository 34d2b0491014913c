// The Gate component as the program declares it at the end of each phase.
import * as assert from "assert";
import { PHASE_GATES } from "../migration/phases";
import { DEFAULT_NODE_LABELS } from "../stacks/config";
import { DEFAULT_GATE_CLI, gateScript } from "../components/clusterSteps/scripts";
import { preflightOptionsOf } from "../stacks/preflightConfig";
import { migrationConfigOf } from "../stacks/stackFile";
import { find, runPhase, stackConfig } from "./mocks";

const CMD = "command:local:Command";

describe("Gate component", () => {
    it("each phase ends with a step running exactly that phase's checks, polling up to gate.timeout", async () => {
        for (const phase of [0, 3, 5, 9]) {
            const e = await runPhase(phase, { gate: { timeout: "20m" } });
            const step = find(e, CMD, `gate-phase-${phase}-check`).inputs;
            const preflight = { options: JSON.stringify(preflightOptionsOf(migrationConfigOf(stackConfig(phase, { gate: { timeout: "20m" } })))), cluster: "prod-eu-1", region: "eu-west-1" };
            // From phase 8 Cilium runs on every node: only the legacy marker tells a legacy node ("Which CNI a node gets").
            assert.strictEqual(step.create, gateScript({ gateCli: DEFAULT_GATE_CLI, checks: [...PHASE_GATES[phase as 0]], timeout: "20m", labels: DEFAULT_NODE_LABELS, preflight, ciliumEverywhere: phase >= 8, pools: { nodeGroups: ["ng-1"] } }));
            // Every check is told the legacy pools (design.md, "Phase gates"); the demo's one is its legacy group.
            for (const line of (step.create as string).split("\n").filter((l) => l.startsWith(DEFAULT_GATE_CLI))) assert.ok(line.includes(" --legacy-nodegroups 'ng-1'"), line);
            assert.strictEqual((step.create as string).includes("--cilium-everywhere"), phase >= 8);
            assert.strictEqual(step.environment, "[secret]");
            assert.strictEqual(step.delete, undefined, "removing a gate undoes nothing");
        }
    });

    it("the exit gate waits for every component of the phase", async () => {
        const e = await runPhase(5);
        const waitsFor = find(e, CMD, "gate-phase-5-check").dependencies;
        for (const needed of ["command:local:Command::legacy-pool-drain", "kubernetes:helm.sh/v3:Release::cilium-release",
            "eks:index:ManagedNodeGroup::cilium-pool-node-group", "aws:eks/addon:Addon::dns-coredns", "command:local:Command::gate-phase-4-check"]) {
            assert.ok(waitsFor.includes(needed), `gate-phase-5 does not wait for ${needed}`);
        }
    });

    it("uses the configured labels, and leaves connectivity out without goldpinger", async () => {
        const e = await runPhase(3, { nodeLabels: { key: "net", legacyValue: "old", ciliumValue: "new" }, goldpinger: { enabled: false } });
        const create = find(e, CMD, "gate-phase-3-check").inputs.create as string;
        assert.ok(create.includes("cilium-ready --kubeconfig \"$kubeconfig_file\" --wait 15m --legacy-label 'net=old' --cilium-label 'net=new'"));
        assert.ok(!create.includes("connectivity"));
    });

    it("phase 0's gate runs preflight with the stack's choices and the cluster to read from AWS; without goldpinger, preflight alone", async () => {
        const e = await runPhase(0, { goldpinger: { enabled: false }, preflight: { accept: [{ id: "security-groups-for-pods", reason: "the payments pods move off SGP first" }] } });
        const create = find(e, CMD, "gate-phase-0-check").inputs.create as string;
        assert.ok(!create.includes(" connectivity "));
        const line = create.split("\n").find((l) => l.includes(" preflight ")) as string;
        assert.match(line, / --cluster 'prod-eu-1' --region 'eu-west-1'$/);
        const options = JSON.parse(/--preflight-options '([^']*)'/.exec(line)?.[1] ?? "{}");
        assert.deepStrictEqual(options.accept, [{ id: "security-groups-for-pods", reason: "the payments pods move off SGP first" }]);
        assert.deepStrictEqual(options.legacy, { kind: "node-group", name: "ng-1" });
        assert.strictEqual(e.outputs.appliedPhase, 0);
        assert.strictEqual(gateScript({ gateCli: DEFAULT_GATE_CLI, checks: [], timeout: "1m", labels: DEFAULT_NODE_LABELS }),
            'echo "gate: no check for this phase (goldpinger is disabled, so connectivity is not proven)"');
    });
});
