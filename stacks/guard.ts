/**
 * The transition guard: decides, before any resource is registered, whether moving from the last applied phase to
 * the requested one is allowed. Pure: the caller reads the applied phase (from this stack's own outputs) and config.
 */
import { FIRST_IRREVERSIBLE_PHASE, Phase, isPhase, phaseName } from "../migration/phases";

export interface TransitionRequest {
    /** The `phase` config value. */
    requested: Phase;
    /** The `appliedPhase` output of the last successful update, or undefined on a first deployment. */
    applied: unknown;
    allowPhaseSkip: boolean;
    allowUnsafeRollback: boolean;
}

export type TransitionKind = "first-deployment" | "same" | "forward" | "rollback";

export interface TransitionDecision {
    allowed: boolean;
    kind: TransitionKind;
    /** Set when not allowed: names the current and requested phase and the key that would allow it. */
    reason?: string;
}

export class PhaseTransitionError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PhaseTransitionError";
    }
}

const label = (phase: Phase): string => `${phase} (${phaseName(phase)})`;

export function decideTransition(req: TransitionRequest): TransitionDecision {
    const { requested, applied } = req;
    if (applied === undefined || applied === null) {
        if (requested === 0 || req.allowPhaseSkip) return { allowed: true, kind: "first-deployment" };
        return {
            allowed: false,
            kind: "first-deployment",
            reason: `\`phase\` is ${requested} but this stack has no applied phase yet (first deployment); ` +
                "start at 0, or set `allowPhaseSkip: true` to build the cluster straight at a later phase.",
        };
    }
    if (!isPhase(applied)) {
        return {
            allowed: false,
            kind: "same",
            reason: `the last applied phase read from this stack's output \`appliedPhase\` is ${JSON.stringify(applied)}, ` +
                "not a whole number from 0 to 9; fix or remove the output before running again.",
        };
    }
    if (requested === applied) return { allowed: true, kind: "same" };
    if (requested > applied) {
        if (requested === applied + 1 || req.allowPhaseSkip) return { allowed: true, kind: "forward" };
        return {
            allowed: false,
            kind: "forward",
            reason: `\`phase\` is ${requested} but the last applied phase is ${label(applied)}; phases go forward one ` +
                `at a time (next: ${applied + 1}), each proven by its gate. Set \`allowPhaseSkip: true\` to jump.`,
        };
    }
    // Phase 6 is the one phase with legacy nodes and no aws-node: reached from above, it would scale the legacy pool
    // back up onto nodes that no CNI serves (Cilium is kept off them), so they never become Ready. No flag makes
    // that useful.
    if (requested === FIRST_IRREVERSIBLE_PHASE && applied > FIRST_IRREVERSIBLE_PHASE) {
        return {
            allowed: false,
            kind: "rollback",
            reason: `\`phase\` is ${requested} but the last applied phase is ${label(applied)}; going back to ${label(requested)} ` +
                "would scale the legacy node group back up although aws-node is already removed: its nodes would get no CNI " +
                `and never become Ready. Stay at ${applied}; for more capacity raise the \`ciliumNodeGroup\` sizes.`,
        };
    }
    if (requested < FIRST_IRREVERSIBLE_PHASE && applied >= FIRST_IRREVERSIBLE_PHASE && !req.allowUnsafeRollback) {
        return {
            allowed: false,
            kind: "rollback",
            reason: `\`phase\` is ${requested} but the last applied phase is ${label(applied)}; aws-node was removed at ` +
                `phase ${FIRST_IRREVERSIBLE_PHASE}, so going below ${FIRST_IRREVERSIBLE_PHASE} cannot be made safe. ` +
                "Set `allowUnsafeRollback: true` to do it anyway.",
        };
    }
    // Rolling back several phases at once would undo several gated steps with no gate in between.
    if (requested !== applied - 1 && !req.allowPhaseSkip) {
        return {
            allowed: false,
            kind: "rollback",
            reason: `\`phase\` is ${requested} but the last applied phase is ${label(applied)}; roll back one phase at a ` +
                `time (next: ${applied - 1}), each proven by its gate. Set \`allowPhaseSkip: true\` to go back further at once.`,
        };
    }
    return { allowed: true, kind: "rollback" };
}

/** Throws a PhaseTransitionError when the transition is refused. */
export function assertTransitionAllowed(req: TransitionRequest): TransitionDecision {
    const decision = decideTransition(req);
    if (!decision.allowed) throw new PhaseTransitionError(decision.reason ?? "phase transition refused");
    return decision;
}
