/**
 * Builds the plan: the program evaluated once per phase, each phase compared with the one before it in the run.
 * Forward (`from` ≤ `to`): phases from..to, each after the previous one. Backward (`from` > `to`, a rollback):
 * phases from-1 down to to, each one step back from the one above, as the guard allows.
 */
import { gateChecks } from "../migration/phases";
import { MigrationConfig } from "../stacks/configTypes";
import { Phase, phaseName, phaseSummary } from "../migration/phases";
import { DrainForecast } from "../preflight/forecast";
import { readPreflightSnapshot } from "../preflight/read";
import { runPreflight } from "../preflight/run";
import { preflightOptionsOf } from "../stacks/preflightConfig";
import { AwsSnapshot } from "./awsSnapshot";
import { Change, diffPhases } from "./diff";
import { StackConfig, evaluate } from "./evaluate";
import { RecordedResource } from "./mockRuntime";
import { Violation } from "./policyRun";

export interface PhasePlan {
    number: Phase;
    name: string;
    summary: string;
    gate: string[];
    resources: RecordedResource[];
    changes: Change[];
    /** Top-level components of this phase and the one before (deleted resources are grouped by the latter). */
    components: { type: string; name: string }[];
    /** Set when this step is a rollback: the phase it goes back from. */
    rollbackFrom?: Phase;
    /** What the program said of the cluster (an existing cluster's notes). */
    notes: string[];
    /** Phase 5 with a cluster snapshot: the drain forecast (preflight/forecast.ts), or why there is none. */
    forecast?: DrainForecast | { unavailable: string };
    /** With `--policy`: what the policy pack found in this phase's resources. */
    violations?: Violation[];
}

export interface PlanArgs {
    config: StackConfig;
    /** The validated config (for the gate table). */
    migration: MigrationConfig;
    from: Phase;
    to: Phase;
    stack?: string;
    /** Answers an existing cluster's AWS look-ups (`--cluster-snapshot`). */
    snapshot?: AwsSnapshot;
}

export async function buildPlan(args: PlanArgs): Promise<PhasePlan[]> {
    const backward = args.from > args.to;
    const step = backward ? 1 : -1; // where each shown phase comes from, relative to it
    const first = backward ? args.from - 1 : args.from;
    // Each update reads what the one before it recorded in the stack's outputs (e.g. an existing cluster's sizes).
    let ownOutputs: Record<string, unknown> = {};
    const evaluatePhase = async (phase: number, appliedPhase: number | undefined) => {
        const evaluation = await evaluate({ config: args.config, phase, appliedPhase, ownOutputs, stack: args.stack, snapshot: args.snapshot });
        ownOutputs = evaluation.outputs;
        return evaluation;
    };
    // The first phase shown is measured against the phase it comes from (nothing, before phase 0).
    const origin = first + step;
    let previous: RecordedResource[] = origin >= 0 && origin <= 9
        ? (await evaluatePhase(origin, origin === 0 ? undefined : origin - 1)).resources
        : [];
    const phases: PhasePlan[] = [];
    for (let phase = first; backward ? phase >= args.to : phase <= args.to; phase -= step) {
        const p = phase as Phase;
        const from = p + step;
        // One phase per update, as the guard requires; none before a first deployment.
        const evaluation = await evaluatePhase(p, from >= 0 && from <= 9 ? from : undefined);
        phases.push({
            number: p,
            name: phaseName(p),
            summary: phaseSummary(p, args.migration.existingCluster !== undefined),
            gate: gateChecks(p, { goldpinger: args.migration.goldpinger.enabled }),
            resources: evaluation.resources,
            changes: diffPhases(previous, evaluation.resources),
            components: topLevelComponents([...evaluation.resources, ...previous]),
            ...(backward ? { rollbackFrom: from as Phase } : {}),
            notes: evaluation.notes,
            ...(p === DRAIN_PHASE && args.snapshot ? { forecast: forecastFrom(args.snapshot.dir, args.migration) } : {}),
        });
        previous = evaluation.resources;
    }
    return phases;
}

/** The phase whose drain the forecast describes. */
const DRAIN_PHASE = 5;

/** The drain forecast from the snapshot's Kubernetes files, as preflight makes it for this stack. */
export function forecastFrom(dir: string, config: MigrationConfig): DrainForecast | { unavailable: string } {
    const input = readPreflightSnapshot(dir);
    const missing = (["nodes", "pods"] as const).filter((part) => input[part] === undefined);
    if (missing.length > 0) return { unavailable: `the snapshot has no ${missing.map((p) => `${p}.json`).join(" or ")} (npm run snapshot writes them)` };
    return runPreflight(input, preflightOptionsOf(config)).forecast;
}

function topLevelComponents(resources: RecordedResource[]): { type: string; name: string }[] {
    const seen = new Map<string, { type: string; name: string }>();
    for (const r of resources) {
        if (r.parentTypes.length === 0 && r.type.startsWith("eks-cilium-migration:")) seen.set(`${r.type}::${r.name}`, { type: r.type, name: r.name });
    }
    return [...seen.values()];
}
