/** The one shared mocks module of the tests: the planner's recording mock runtime plus test helpers. */
import { Evaluation, evaluate } from "../plan/evaluate";
import { CONFIG_NAMESPACE } from "../stacks/pins";

export { RecordingMocks, RecordedResource, printable, promiseOf } from "../plan/mockRuntime";

/** A complete, valid stack config; `extra` adds or replaces bare keys (objects are JSON-encoded). */
export function stackConfig(phase: number, extra: Record<string, unknown> = {}): Record<string, string> {
    const bare: Record<string, unknown> = {
        phase,
        clusterName: "prod-eu-1",
        legacyNodeGroup: { name: "ng-1", instanceTypes: ["m6i.large"], desiredSize: 3, minSize: 3, maxSize: 6 },
        ciliumNodeGroup: { name: "ng-cilium", instanceTypes: ["m6i.large"], desiredSize: 3, minSize: 3, maxSize: 6 },
        ...extra,
    };
    const out: Record<string, string> = { "aws:region": "eu-west-1" };
    for (const [k, v] of Object.entries(bare)) {
        if (v !== undefined) out[`${CONFIG_NAMESPACE}:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
    }
    return out;
}

/** The mutant StrykerJS has switched on in this process (its instrumented code reads the same global), if any. */
export const activeMutant = (): string | undefined => (globalThis as { __stryker__?: { activeMutant?: string } }).__stryker__?.activeMutant;

/** Evaluations already made, by their arguments: many tests look at the same phase of the same stack. */
const evaluations = new Map<string, Promise<Evaluation>>();

/**
 * Runs the program at `phase` as the update right after `phase - 1` (none for phase 0). The same arguments give the
 * same evaluation, made once and shared; it is frozen, so a test that tried to change it would fail, not leak.
 */
export function runPhase(phase: number, extra: Record<string, unknown> = {}, appliedPhase: number | undefined = phase === 0 ? undefined : phase - 1): Promise<Evaluation> {
    const args = { config: stackConfig(phase, extra), appliedPhase };
    // Keyed by the active mutant too: a mutation run (npm run mutate) runs several mutants in one process, and an
    // evaluation made under one must never answer for another.
    const id = JSON.stringify({ ...args, mutant: activeMutant() });
    if (!evaluations.has(id)) evaluations.set(id, evaluate(args).then(deepFreeze));
    return evaluations.get(id) as Promise<Evaluation>;
}

function deepFreeze<T>(value: T): T {
    if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
        Object.freeze(value);
        for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
    }
    return value;
}

export const key = (r: { type: string; name: string }): string => `${r.type}::${r.name}`;

export function find(e: Evaluation, type: string, name: string) {
    const found = e.resources.find((r) => r.type === type && r.name === name);
    if (!found) throw new Error(`no ${type} named ${name}; have: ${e.resources.map(key).join(", ")}`);
    return found;
}
