// Phase 5's drain forecast on the example cluster (examples/prod-east): which blocked pods stall the drain (only
// the reasons kubectl drain stops on), one-replica workloads only when both workload files are there, and the
// forecast's lines — what tests/preflight*.test.ts checks only in the golden text of the unchanged example.
import * as assert from "assert";
import { forecastLines } from "../preflight/forecast";
import { runPreflight } from "../preflight/run";
import { Obj, PreflightInput } from "../preflight/types";
import { EXAMPLE_INPUT as BASE, listOf, stackOptions } from "./support/exampleRun";

const OPTIONS = stackOptions();
/** With ng-batch as the Cilium pool, shop/postgres-1's volume (us-east-2c) is in a zone the pool has no subnet in. */
const CILIUM_ON_BATCH = { ...OPTIONS, cilium: { kind: "group" as const, name: "ng-batch" } };
const NODE_9 = "ip-10-20-64-31.us-east-2.compute.internal";
const pods = (i: PreflightInput): Obj[] => listOf(i, "pods");
const pod = (i: PreflightInput, name: string): Obj => pods(i).find((p) => p.metadata.name === name) as Obj;

describe("drain forecast: what stalls the drain", () => {
    it("a pod held only by a zonal volume is blocked but does not stall the drain (the drain evicts it)", () => {
        const f = runPreflight(BASE, CILIUM_ON_BATCH).forecast;
        assert.deepStrictEqual(f.nodes[8].blocked, [{ pod: "shop/postgres-1", reasons: ["its volume is bound to us-east-2c, where the Cilium pool has no subnet"] }]);
        assert.strictEqual(f.duration.stalls, 0);
        assert.strictEqual(f.duration.stopsAtBatch, null);
    });

    it("the same pod with emptyDir data as well stalls it once, at its batch, with both reasons named", () => {
        const input = structuredClone(BASE);
        pod(input, "postgres-1").spec.volumes.push({ name: "scratch", emptyDir: {} });
        const f = runPreflight(input, CILIUM_ON_BATCH).forecast;
        assert.deepStrictEqual(f.nodes[8].blocked[0].reasons, [
            "emptyDir data, and `drain.deleteEmptyDirData` is false: kubectl drain refuses it",
            "its volume is bound to us-east-2c, where the Cilium pool has no subnet",
        ]);
        assert.deepStrictEqual([f.duration.stalls, f.duration.stopsAtBatch, f.duration.batches[8].stalls], [1, 9, 1]);
    });
});

describe("drain forecast: one-replica workloads and the lines it prints", () => {
    it("names one-replica workloads only with both deployments.json and statefulsets.json read", () => {
        assert.deepStrictEqual(runPreflight(BASE, OPTIONS).forecast.nodes[1].singleReplica, ["Deployment kube-system/cluster-autoscaler-aws-cluster-autoscaler"]);
        for (const part of ["deployments", "statefulsets"] as const) {
            const input = structuredClone(BASE);
            delete input[part];
            assert.deepStrictEqual(runPreflight(input, OPTIONS).forecast.nodes.flatMap((n) => n.singleReplica), [], `without ${part}.json`);
        }
    });

    it("prints the briefly-down workloads on their node's line and the reasons it could not look for", () => {
        assert.ok(forecastLines(runPreflight(BASE, OPTIONS).forecast).includes(
            "  batch 2, ip-10-20-0-38.us-east-2.compute.internal: 2 pod(s) move, briefly down: Deployment kube-system/cluster-autoscaler-aws-cluster-autoscaler"));
        const input = structuredClone(BASE);
        delete input.poddisruptionbudgets;
        const f = runPreflight(input, OPTIONS).forecast;
        assert.deepStrictEqual(f.notChecked, ["pdb-blocks-drain (needs poddisruptionbudgets)"]);
        assert.deepStrictEqual(forecastLines(f).filter((l) => l.startsWith("  not checked")), ["  not checked: pdb-blocks-drain (needs poddisruptionbudgets)"]);
    });

    it("counts a second pod of one budget on one node as a wait for its PodDisruptionBudget", () => {
        const input = structuredClone(BASE);
        pod(input, "api-a033a528b6-606ef").spec.nodeName = NODE_9;
        const lines = forecastLines(runPreflight(input, OPTIONS).forecast);
        assert.ok(lines.includes("  batch 9: 1 node(s), 5 eviction(s), 1 wait for a PodDisruptionBudget, 3 may wait for one: 17 s – 8 min"), lines.join("\n"));
    });
});
