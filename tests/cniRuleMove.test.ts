// Moving a stack pinned by the earlier rule (aws-node `In [aws-cni]`, Cilium `NotIn [aws-cni]`) to "Which CNI a node
// gets": under the earlier rule a node with neither label ran Cilium and no aws-node, under the label rule it runs
// aws-node — so the update that moves it first proves, in its entry gate, that every Linux EC2 node carries one of
// the two labels. And an entry gate judges the cluster as the last update left it: after 8, Cilium runs everywhere.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Node } from "../clusterReader/k8sTypes";
import { DEFAULT_CONTEXT } from "../clusterReader/selectors";
import { cniLabelsComplete } from "../gates/checks/legacy";
import { evaluate } from "../plan/evaluate";
import { find, runPhase, stackConfig } from "./mocks";
import { FIXTURES } from "./support/paths";

const CMD = "command:local:Command";
const REAL_NODES: Node[] = JSON.parse(fs.readFileSync(path.join(FIXTURES, "real", "node-labels", "nodes.json"), "utf8")).items;
const list = (items: Node[]) => ({ kind: "List", items });

describe("moving a stack from the earlier rule", () => {
    it("cni-labels-complete fails on each Linux EC2 node with neither label, naming it and its pool; Fargate, Windows, hybrid and Auto Mode nodes are not asked", () => {
        const verdict = cniLabelsComplete({ nodes: list(REAL_NODES) }, DEFAULT_CONTEXT);
        assert.strictEqual(verdict.pass, false);
        const unlabelled = verdict.findings.filter((l) => l.includes("has neither")).map((l) => l.split(" ")[2]);
        assert.deepStrictEqual(unlabelled, [
            "ip-10-20-0-21.us-east-2.compute.internal", "ip-10-20-33-14.us-east-2.compute.internal",
            "ip-10-20-64-40.us-east-2.compute.internal", "ip-10-20-0-55.us-east-2.compute.internal",
        ]);
        assert.match(verdict.reason, /^node ip-10-20-0-21\.us-east-2\.compute\.internal \(node group ng-general\) has neither cni=cilium nor cni=aws-cni: .* \(and 3 more\)$/);
        const labelled = REAL_NODES.filter((n) => n.metadata?.labels?.cni !== undefined || n.metadata?.labels?.["kubernetes.io/os"] !== "linux" ||
            n.metadata?.labels?.["eks.amazonaws.com/compute-type"] !== undefined);
        const passed = cniLabelsComplete({ nodes: list(labelled) }, DEFAULT_CONTEXT);
        assert.deepStrictEqual([passed.pass, passed.reason], [true, "every Linux EC2 node carries cni=cilium or cni=aws-cni"]);
    });

    it("the update that moves the stack runs it in its entry gate, which everything the update changes waits for; later updates do not", async () => {
        for (const phase of [1, 3, 5, 7]) {
            const moving = await evaluate({ config: stackConfig(phase), appliedPhase: phase - 1, ownOutputs: { cniRule: null } });
            const entry = find(moving, CMD, `gate-phase-${phase - 1}-check`).inputs.create as string;
            assert.strictEqual(entry.includes("cni-labels-complete"), phase > 1, `phase ${phase}: applied ${phase - 1} was pinned by the earlier rule only past 0`);
            const settled = find(await runPhase(phase), CMD, `gate-phase-${phase - 1}-check`).inputs.create as string;
            assert.ok(!settled.includes("cni-labels-complete"), `phase ${phase}: a stack that recorded the rule is not asked again`);
        }
        const moving = await evaluate({ config: stackConfig(3), appliedPhase: 2, ownOutputs: { cniRule: null } });
        for (const changed of ["kubernetes:helm.sh/v3:Release::cilium-release", "aws:eks/addon:Addon::aws-node-vpc-cni"]) {
            const waits = moving.resources.find((r) => `${r.type}::${r.name}` === changed)?.dependencies ?? [];
            assert.ok(waits.includes(`${CMD}::gate-phase-2-check`), `${changed} waits for the entry gate: ${waits.join(", ")}`);
        }
        assert.strictEqual(moving.outputs.cniRule, "cilium-label", "recorded once the exit gate passed");
    });

    it("an entry gate judges by the legacy marker once the stack ran Cilium everywhere (applied 8 or 9), by the rule before", async () => {
        const firstTime = find(await runPhase(8, {}, 7), CMD, "gate-phase-7-check").inputs.create as string;
        assert.ok(!firstTime.includes("--cilium-everywhere"), "7 → 8: an unlabelled node at 7 has no CNI — the rule must still see it");
        const again = find(await runPhase(8, {}, 8), CMD, "gate-phase-7-check").inputs.create as string;
        assert.ok(again.includes("--cilium-everywhere"), "8 → 8: unlabelled nodes run Cilium now");
        const back = find(await runPhase(8, {}, 9), CMD, "gate-phase-7-check").inputs.create as string;
        assert.ok(back.includes("--cilium-everywhere"), "9 → 8");
    });
});
