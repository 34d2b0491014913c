/**
 * Preflight as a gate check (phase 0's gate, re-run as phase 1's entry gate): it passes with no blocker left that
 * `preflight.accept` does not accept. The cluster is read once — hazards do not clear while a gate polls.
 */
import { AwsReadError, Runner, parseJson, readAwsFiles } from "../awsCli";
import { Verdict } from "../verdict";
import { preflightSummary, preflightText } from "./format";
import { readPreflightLive } from "./live";
import { checkShape, readPreflightSnapshot } from "./read";
import { runPreflight } from "./run";
import { PreflightInput, PreflightOptions } from "./types";

export function preflightVerdict(input: PreflightInput, options: PreflightOptions): Verdict {
    const report = runPreflight(input, options);
    const text = preflightText(report).split("\n");
    return {
        check: "preflight",
        pass: report.unacceptedBlockers.length === 0,
        findings: text.slice(0, -1).map((line) => `preflight: ${line}`),
        reason: preflightSummary(report).replace(/^(PASS|FAIL) preflight: /, ""),
    };
}

export type PreflightSource = { kind: "snapshot"; dir: string } | { kind: "live"; kubeconfig: string; cluster?: string; region?: string };

/**
 * Preflight's input: a snapshot directory, or the live cluster (Kubernetes through the kubeconfig; AWS through the AWS
 * CLI when the cluster is named). An AWS read that fails leaves the AWS files out — their checks say `not-checked`
 * and why — rather than hiding what Kubernetes shows.
 */
export async function readPreflightInput(source: PreflightSource, run: Runner, log: (line: string) => void): Promise<PreflightInput> {
    if (source.kind === "snapshot") return readPreflightSnapshot(source.dir);
    const input = await readPreflightLive({ kubeconfigPath: source.kubeconfig });
    if (!source.cluster) {
        log("preflight: no cluster named (--cluster): the AWS files are not read, their checks say not-checked");
        return input;
    }
    try {
        const files = await readAwsFiles(source.cluster, source.region, run);
        for (const part of ["cluster", "nodegroups", "addons", "subnets"] as const) {
            (input as Record<string, unknown>)[part] = checkShape(part, parseJson(files[part], part), `aws (${part})`);
        }
    } catch (err) {
        if (!(err instanceof AwsReadError)) throw err;
        log(`preflight: AWS not read (${err.message}); the checks that need it say not-checked`);
    }
    return input;
}
