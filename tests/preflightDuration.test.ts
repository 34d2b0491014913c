// Phase 5's duration in preflight's forecast: per batch, the evictions, the pods that wait for a
// PodDisruptionBudget, the stalls, and the range the README's model gives (preflight/duration.ts).
import * as assert from "assert";
import { DURATION_CONSTANTS, durationSummary, humanDuration } from "../preflight/duration";
import { forecastLines } from "../preflight/forecast";
import { readPreflightSnapshot } from "../preflight/read";
import { runPreflight } from "../preflight/run";
import { Obj, PreflightInput, PreflightOptions } from "../preflight/types";
import { preflightOptionsOf } from "../stacks/preflightConfig";
import { migrationConfigOf, readStackFile } from "../stacks/stackFile";
import { EXAMPLE_SNAPSHOT, EXISTING_STACK } from "./support/existingCluster";

const BASE = readPreflightSnapshot(EXAMPLE_SNAPSHOT);
const OPTIONS = preflightOptionsOf(migrationConfigOf(readStackFile(EXISTING_STACK)));
const C = DURATION_CONSTANTS;

function duration(edit: (i: PreflightInput, o: PreflightOptions) => void = () => undefined) {
    const input = structuredClone(BASE);
    const options = structuredClone(OPTIONS);
    edit(input, options);
    return runPreflight(input, options).forecast;
}
const pod = (i: PreflightInput, prefix: string): Obj => (i.pods?.items ?? []).find((p) => p.metadata.name.startsWith(prefix)) as Obj;

describe("preflight: phase 5's duration", () => {
    it("the example: one node a batch, capacity there already (low) or a new node each batch (high); budgets spent on an earlier node may wait", () => {
        const d = duration().duration;
        assert.strictEqual(d.batches.length, 10);
        const evicting = d.batches.filter((b) => b.evictions > 0).length;
        assert.strictEqual(evicting, 8);
        assert.strictEqual(d.lowSeconds, 10 * C.perNode.low + evicting * C.podTermination.low);
        // coredns, api and postgres each allow one disruption; nodes 32-24 and 64-31 hold pods of budgets an earlier node spent.
        assert.deepStrictEqual(d.batches.map((b) => b.pdbMayWait), [0, 0, 0, 0, 2, 0, 0, 0, 3, 0]);
        assert.strictEqual(d.highSeconds, 10 * C.perNode.high + evicting * (C.podTermination.high + C.nodeCapacity.high) + 2 * C.podReady.high);
        assert.deepStrictEqual([d.stalls, d.stopsAtBatch], [0, null]);
        assert.strictEqual(durationSummary(d), "about 60 s – 33 min");
    });

    it("two pods of one budget on a node: one waits a round for the other's replacement; nodes of a batch are drained one after another", () => {
        const d = duration((i, o) => {
            o.drain.batchSize = 2;
            pod(i, "api-a033a528b6-c5dfa").spec.nodeName = "ip-10-20-0-38.us-east-2.compute.internal";
        }).duration;
        assert.strictEqual(d.batches.length, 5);
        const batch1 = d.batches[0]; // ip-10-20-0-17 and ip-10-20-0-38, where both api pods now are
        assert.deepStrictEqual([batch1.nodes, batch1.evictions, batch1.pdbWaits], [2, 6, 1]);
        assert.strictEqual(batch1.lowSeconds, 2 * (C.perNode.low + C.podTermination.low) + C.podReady.low);
        assert.strictEqual(batch1.highSeconds, 2 * (C.perNode.high + C.podTermination.high) + C.podReady.high + C.nodeCapacity.high);
    });

    it("stalls: a budget allowing none, a pod with no controller, emptyDir data kubectl refuses; the drain stops at the first batch with one", () => {
        const f = duration((i) => {
            (i.poddisruptionbudgets?.items ?? []).find((b) => b.metadata.name === "api")!.status.disruptionsAllowed = 0;
            pod(i, "web-ca84d1343b-b4c46").metadata.ownerReferences = [];
        });
        assert.strictEqual(f.duration.stalls, 4);
        assert.strictEqual(f.duration.stopsAtBatch, 1, "the web pod on ip-10-20-0-17, the first node by name");
        assert.match(durationSummary(f.duration), /^about \d+ s – \d+ min once its 4 stall\(s\) are fixed; as it is, the drain step stops at batch 1$/);
        assert.ok(forecastLines(f).some((l) => /^ {2}batch 1: 1 node\(s\), 3 eviction\(s\), 1 stall\(s\): /.test(l)));
        const relaxed = duration((i, o) => {
            o.drain.deleteEmptyDirData = true;
            (i.poddisruptionbudgets?.items ?? []).find((b) => b.metadata.name === "api")!.status.disruptionsAllowed = 0;
        });
        assert.strictEqual(relaxed.duration.stalls, 3, "the api pods; emptyDir is no stall once its data may go");
    });

    it("says durations as people do", () => {
        assert.deepStrictEqual([humanDuration(45), humanDuration(119), humanDuration(1970), humanDuration(9000)], ["45 s", "119 s", "33 min", "2 h 30 min"]);
    });
});
