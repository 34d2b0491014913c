/**
 * Preflight as a gate check (phase 0's gate, re-run as phase 1's entry gate): it passes with no blocker left that
 * `preflight.accept` does not accept. The cluster is read once — hazards do not clear while a gate polls.
 */
import { Verdict } from "./verdict";
import { preflightSummary, preflightText } from "../preflight/format";
import { runPreflight } from "../preflight/run";
import { PreflightInput, PreflightOptions } from "../preflight/types";

export function preflightVerdict(input: PreflightInput, options: PreflightOptions): Verdict {
    const report = runPreflight(input, options);
    const text = preflightText(report).split("\n");
    return {
        check: "preflight",
        pass: report.unacceptedBlockers.length === 0,
        findings: text.filter((line) => !/^(PASS|FAIL) preflight|^INCOMPLETE: /.test(line)).map((line) => `preflight: ${line}`),
        // An INCOMPLETE report keeps its word: the gate's reason says which checks did not run.
        reason: preflightSummary(report).replace(/^(PASS|FAIL) preflight: /, ""),
    };
}
