/**
 * The Cilium chart lines (1.x) this program supports, and what moving a release between them changes.
 *
 * A line is supported when its packaged chart is vendored under tests/fixtures/real/cilium-chart/ and checked there:
 * the program's values in every phase against its schema and keys, every DaemonSet template kept off legacy nodes,
 * and every `upgradeCompatibility` gate of its templates (tests/ciliumChartLines.test.ts). A chart outside them may
 * add a per-node workload nobody keeps off the legacy nodes (phase 2's atomic release then waits and rolls back), so
 * the config refuses it rather than guess.
 *
 * Chart 1.20 changes one default by `upgradeCompatibility`: Envoy's xDS mode. Its `envoyXdsMode` helper renders
 * `envoy-xds-mode: ads` unless `upgradeCompatibility` is below 1.20 (then the key is left out, and the agent runs
 * `split`, the only mode 1.18 and 1.19 have). Every other gate of 1.20's templates is at 1.18 or below. The program
 * sets `upgradeCompatibility: "1.19"` on 1.20, so that moving a stack from 1.19 to 1.20 — mid-migration too — does not
 * also switch every Envoy to ADS, which livelocked agent and Envoy on 1.20.0 (cilium/cilium#47624). `cilium.values`
 * (merged last) can set `envoy.xdsMode` or `upgradeCompatibility` otherwise. Cilium's upgrade guide sets it to the
 * line first installed; on 1.20.0 "1.18" and "1.19" pass the same gates, so "1.19" needs no record of that line.
 */
import { CILIUM_CHART_VERSIONS_VENDORED } from "./pins";

const EXACT_VERSION = /^1\.(\d+)\.(\d+)$/;

/** The minor (x of 1.x.y) of an exact chart version, or undefined. */
export function chartMinor(version: string): number | undefined {
    const m = EXACT_VERSION.exec(version);
    return m ? Number(m[1]) : undefined;
}

/** The minors with a vendored, checked chart, oldest first. */
export const SUPPORTED_CHART_MINORS: readonly number[] = CILIUM_CHART_VERSIONS_VENDORED.map((v) => chartMinor(v) as number);

/** "1.18.x, 1.19.x or 1.20.x". */
export function supportedLinesText(): string {
    const lines = SUPPORTED_CHART_MINORS.map((m) => `1.${m}.x`);
    return lines.length === 1 ? lines[0] : `${lines.slice(0, -1).join(", ")} or ${lines[lines.length - 1]}`;
}

/** An exact chart version of a supported line. */
export const SUPPORTED_CHART_VERSION = new RegExp(`^1\\.(${SUPPORTED_CHART_MINORS.join("|")})\\.[0-9]+$`);

/** The chart line from which the xDS mode changes unless `upgradeCompatibility` says otherwise. */
export const ADS_DEFAULT_SINCE_MINOR = 20;
/** The `upgradeCompatibility` that keeps the xDS mode of the lines before it. */
export const KEEP_SPLIT_XDS = "1.19";

/**
 * The `upgradeCompatibility` the program gives a release of `chartVersion`: "1.19" from chart 1.20 on (Envoy's xDS mode
 * stays what 1.19 ran, whichever line the release was installed with), none before.
 */
export function upgradeCompatibilityFor(chartVersion: string): string | undefined {
    const minor = chartMinor(chartVersion);
    return minor !== undefined && minor >= ADS_DEFAULT_SINCE_MINOR ? KEEP_SPLIT_XDS : undefined;
}

/** The lines earlier versions of this program accepted (from 1.16) and this one no longer checks. */
export const WITHDRAWN_CHART_MINORS: readonly number[] = [16, 17];

/**
 * For a version of a withdrawn line, why it is refused and how to get off it; undefined otherwise. A stack in
 * phases 3–7 must not change its chart (README, "Cilium chart versions": agents and Envoy restart while both pools
 * run), and Cilium upgrades one minor at a time, so a 1.16 release cannot step through 1.17 with this version.
 */
export function withdrawnLineMessage(version: unknown): string | undefined {
    const minor = typeof version === "string" ? chartMinor(version) : undefined;
    if (minor === undefined || !WITHDRAWN_CHART_MINORS.includes(minor)) return undefined;
    const first = SUPPORTED_CHART_MINORS[0];
    const steps = minor === first - 1 ? `set a 1.${first}.x version here`
        : `move it to 1.${minor + 1} with that program version (this one does not take 1.${minor + 1}), then set a 1.${first}.x version here`;
    return `\`cilium.chartVersion\` is ${JSON.stringify(version)}: earlier versions of this program accepted the 1.${minor} line; this one checks ` +
        `only ${supportedLinesText()}. A stack mid-migration (phases 3–7) must not change its chart: finish that migration with the program version ` +
        `that installed it. Otherwise, outside phases 3–7, move the release one minor at a time (Cilium's upgrade guide): ${steps} ` +
        "(README, \"Cilium chart versions\").";
}
