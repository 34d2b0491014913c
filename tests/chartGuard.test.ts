// The chart guard (stacks/chartGuard.ts; README "Cilium chart versions"): a release this stack installed moves to another
// chart only in an update of its own at phase 2, 8 or 9 — never in 3–7, never with a phase move.
import * as assert from "assert";
import { evaluate } from "../plan/evaluate";
import { chartChangeProblem, recordedChartVersion } from "../stacks/chartGuard";
import { CILIUM_CHART_OUTPUT } from "../stacks/program";
import { stackConfig } from "./mocks";

const cilium = (chartVersion: string) => ({ cilium: { chartVersion } });

describe("chart guard: when cilium.chartVersion may change", () => {
    it("allows a bump at phase 2, 8 or 9 in an update of its own", () => {
        for (const phase of [2, 8, 9] as const) {
            assert.strictEqual(chartChangeProblem({ requested: phase, applied: phase, installed: "1.19.6", configured: "1.20.0" }), undefined, `phase ${phase}`);
        }
    });

    it("allows anything when nothing is recorded, nothing changes, or the update leaves no release", () => {
        assert.strictEqual(chartChangeProblem({ requested: 5, applied: 4, configured: "1.20.0" }), undefined, "an earlier program version recorded none");
        assert.strictEqual(chartChangeProblem({ requested: 5, applied: 4, installed: "1.19.6", configured: "1.19.6" }), undefined);
        assert.strictEqual(chartChangeProblem({ requested: 1, applied: 2, installed: "1.19.6", configured: "1.20.0" }), undefined, "rolling back to 1 uninstalls Cilium");
    });

    it("refuses a bump in phases 3–7, naming both versions and when to bump", () => {
        for (const phase of [3, 4, 5, 6, 7] as const) {
            assert.strictEqual(chartChangeProblem({ requested: phase, applied: phase, installed: "1.19.6", configured: "1.20.0" }),
                `\`cilium.chartVersion\` is "1.20.0" but this stack's Cilium release runs "1.19.6" (output \`ciliumChartVersion\`), at phase ${phase}: ` +
                "in phases 3–7 a bump restarts every agent (and Envoy) under workloads while both pools run, and a failed upgrade rolls back " +
                "mid-migration. set `cilium.chartVersion` back to \"1.19.6\", finish the migration, and bump it from phase 8 (one minor at a time, as Cilium's upgrade guide says).");
        }
    });

    it("refuses a bump together with a phase move, either way, even into a phase where a bump is safe", () => {
        for (const [applied, requested] of [[2, 3], [7, 8], [8, 9], [3, 2], [9, 8]] as const) {
            const problem = chartChangeProblem({ requested, applied, installed: "1.19.6", configured: "1.20.0" });
            assert.strictEqual(problem, `\`cilium.chartVersion\` is "1.20.0" but this stack's Cilium release runs "1.19.6" (output \`ciliumChartVersion\`), ` +
                `and this update also moves the phase from ${applied} to ${requested}: a chart bump is an update of its own, at the same phase. ` +
                "set `cilium.chartVersion` back to \"1.19.6\" for this move, and bump it afterwards at phase 2 or from phase 8.");
        }
    });

    it("records the version from phase 2 on, none before (no release)", () => {
        assert.deepStrictEqual([0, 1, 2, 5, 9].map((p) => recordedChartVersion(p as 0, "1.19.6")), [undefined, undefined, "1.19.6", "1.19.6", "1.19.6"]);
    });
});

describe("chart guard in the program", () => {
    it("records the release's version once the gate passed, and refuses a bump at phase 4 before anything is declared", async () => {
        const applied = await evaluate({ config: stackConfig(3, cilium("1.19.6")), appliedPhase: 2 });
        assert.strictEqual(applied.outputs[CILIUM_CHART_OUTPUT], "1.19.6");
        const before = await evaluate({ config: stackConfig(1), appliedPhase: 0 });
        assert.strictEqual(before.outputs[CILIUM_CHART_OUTPUT], undefined);
        await assert.rejects(evaluate({ config: stackConfig(4, cilium("1.20.0")), appliedPhase: 4, ownOutputs: { [CILIUM_CHART_OUTPUT]: "1.19.6" } }),
            (err: Error) => err.name === "ConfigError" && err.message.startsWith("`cilium.chartVersion` is \"1.20.0\" but this stack's Cilium release runs \"1.19.6\""));
        const bumped = await evaluate({ config: stackConfig(8, cilium("1.20.0")), appliedPhase: 8, ownOutputs: { [CILIUM_CHART_OUTPUT]: "1.19.6" } });
        assert.strictEqual(bumped.outputs[CILIUM_CHART_OUTPUT], "1.20.0");
    });
});
