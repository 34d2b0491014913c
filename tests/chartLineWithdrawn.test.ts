/**
 * A stack on a chart line earlier versions of this program accepted (1.16, 1.17): refused with what to do — never
 * change the chart mid-migration (phases 3–7), and move a release one minor at a time, which for 1.16 cannot go
 * through 1.17 here (README, "Cilium chart versions").
 */
import * as assert from "assert";
import { parseConfig } from "../stacks/config";

const refusal = (version: string) => {
    try {
        parseConfig({ phase: "5", cilium: JSON.stringify({ chartVersion: version }) });
    } catch (e) {
        return (e as Error).message;
    }
    return "accepted";
};

describe("Cilium chart lines earlier versions of this program accepted", () => {
    it("1.17.x: finish a migration with the program version that installed it, or step to 1.18 outside phases 3–7", () => {
        assert.strictEqual(refusal("1.17.3"), "`cilium.chartVersion` is \"1.17.3\": earlier versions of this program accepted the 1.17 line; this one checks " +
            "only 1.18.x, 1.19.x or 1.20.x. A stack mid-migration (phases 3–7) must not change its chart: finish that migration with the program version " +
            "that installed it. Otherwise, outside phases 3–7, move the release one minor at a time (Cilium's upgrade guide): set a 1.18.x version here " +
            "(README, \"Cilium chart versions\").");
    });
    it("1.16.x: cannot step through 1.17 here", () => {
        assert.strictEqual(refusal("1.16.15"), "`cilium.chartVersion` is \"1.16.15\": earlier versions of this program accepted the 1.16 line; this one checks " +
            "only 1.18.x, 1.19.x or 1.20.x. A stack mid-migration (phases 3–7) must not change its chart: finish that migration with the program version " +
            "that installed it. Otherwise, outside phases 3–7, move the release one minor at a time (Cilium's upgrade guide): move it to 1.17 with that " +
            "program version (this one does not take 1.17), then set a 1.18.x version here (README, \"Cilium chart versions\").");
    });
});
