/** Builds the plan: the program evaluated once per phase, each phase compared with the one before. */
import { gateChecks } from "../gates/phaseGates";
import { MigrationConfig } from "../stacks/configTypes";
import { Phase, phaseName, phaseSummary } from "../stacks/phases";
import { Change, diffPhases } from "./diff";
import { StackConfig, evaluate } from "./evaluate";
import { RecordedResource } from "./mockRuntime";

export interface PhasePlan {
    number: Phase;
    name: string;
    summary: string;
    gate: string[];
    resources: RecordedResource[];
    changes: Change[];
    /** Top-level components of this phase and the one before (deleted resources are grouped by the latter). */
    components: { type: string; name: string }[];
}

export interface PlanArgs {
    config: StackConfig;
    /** The validated config (for the gate table). */
    migration: MigrationConfig;
    from: Phase;
    to: Phase;
    stack?: string;
}

export async function buildPlan(args: PlanArgs): Promise<PhasePlan[]> {
    const phases: PhasePlan[] = [];
    // Changes of the first phase shown are measured against the phase before it (nothing, for phase 0).
    let previous: RecordedResource[] = args.from > 0
        ? (await evaluate({ config: args.config, phase: args.from - 1, appliedPhase: args.from - 1, stack: args.stack })).resources
        : [];
    for (let phase = args.from; phase <= args.to; phase++) {
        const p = phase as Phase;
        const evaluation = await evaluate({
            config: args.config,
            phase: p,
            // One phase per update, as the guard requires; none before a first deployment.
            appliedPhase: p === 0 ? undefined : p - 1,
            stack: args.stack,
        });
        phases.push({
            number: p,
            name: phaseName(p),
            summary: phaseSummary(p),
            gate: gateChecks(p, { goldpinger: args.migration.goldpinger.enabled }),
            resources: evaluation.resources,
            changes: diffPhases(previous, evaluation.resources),
            components: topLevelComponents([...evaluation.resources, ...previous]),
        });
        previous = evaluation.resources;
    }
    return phases;
}

function topLevelComponents(resources: RecordedResource[]): { type: string; name: string }[] {
    const seen = new Map<string, { type: string; name: string }>();
    for (const r of resources) {
        if (r.parentTypes.length === 0 && r.type.startsWith("eks-cilium-migration:")) seen.set(`${r.type}::${r.name}`, { type: r.type, name: r.name });
    }
    return [...seen.values()];
}
