/**
 * The chart guard: when `cilium.chartVersion` may differ from the version of the Cilium release this stack installed
 * (README, "Cilium chart versions"). Every chart bump restarts every agent, the operator and, with a new image, Envoy;
 * in phases 3–7 that happens under workloads while both pools run and the drain goes on, and a failed upgrade rolls
 * back mid-migration. So a bump is its own update at a phase where it is safe: 2 (no node runs an agent yet) or 8–9
 * (an ordinary Cilium upgrade), never together with a phase move. Pure: the caller reads the recorded version from
 * this stack's own outputs (`ciliumChartVersion`, written once a phase's gate has passed).
 */
import { FIRST_STEADY_PHASE, Phase, ciliumInstalled } from "../migration/phases";

/** The phases at which a release already installed may move to another chart version (in an update of their own). */
export const CHART_BUMP_PHASES: readonly Phase[] = [2, 8, 9];

export interface ChartChange {
    /** The `phase` config value. */
    requested: Phase;
    /** The last applied phase, when the stack has one. */
    applied?: number;
    /** The chart version recorded by the last successful update; absent before phase 2 or from an earlier program version. */
    installed?: string;
    /** `cilium.chartVersion`. */
    configured: string;
}

/** Why this update may not change the chart, or undefined when it may (or changes nothing). */
export function chartChangeProblem(change: ChartChange): string | undefined {
    const { requested, applied, installed, configured } = change;
    if (installed === undefined || installed === configured || !ciliumInstalled(requested)) return undefined;
    const keep = `set \`cilium.chartVersion\` back to ${JSON.stringify(installed)}`;
    const start = `\`cilium.chartVersion\` is ${JSON.stringify(configured)} but this stack's Cilium release runs ${JSON.stringify(installed)} (output \`ciliumChartVersion\`)`;
    if (applied !== requested) {
        return `${start}, and this update also moves the phase from ${applied ?? "none"} to ${requested}: a chart bump is an update of its own, ` +
            `at the same phase. ${keep} for this move, and bump it afterwards at phase 2 or from phase ${FIRST_STEADY_PHASE}.`;
    }
    if (!CHART_BUMP_PHASES.includes(requested)) {
        return `${start}, at phase ${requested}: in phases 3–7 a bump restarts every agent (and Envoy) under workloads while both pools run, ` +
            `and a failed upgrade rolls back mid-migration. ${keep}, finish the migration, and bump it from phase ${FIRST_STEADY_PHASE} ` +
            "(one minor at a time, as Cilium's upgrade guide says).";
    }
    return undefined;
}

/** What the stack records of its release for the next update: the version installed from phase 2 on, none before. */
export function recordedChartVersion(phase: Phase, configured: string): string | undefined {
    return ciliumInstalled(phase) ? configured : undefined;
}
