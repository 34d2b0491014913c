/**
 * What the program declares for Karpenter NodePools, phase by phase (design.md, "Karpenter NodePools"): the
 * server-side-apply patch of each legacy NodePool and the spec of its twin. Pure, and tested without mocks.
 *
 * The rule everything here keeps: **a legacy NodePool's `spec.template` is never in a patch.** Karpenter hashes all of
 * `spec.template` but `requirements` (kubernetes-sigs/karpenter `pkg/apis/v1/nodepool.go` `Hash()`; vendored in
 * tests/fixtures/real/karpenter/core); a change marks every node of the pool drifted and Karpenter replaces them all
 * (kubernetes-sigs/karpenter#997). `spec.limits`, `spec.disruption.budgets` (`hash:"ignore"`) and `spec.weight` are
 * outside the template: changing them drifts nothing.
 */
import { Budget, MAX_WEIGHT, NodePoolObject, ORIGINALS_ANNOTATION, TWIN_OF_LABEL, Taint } from "../../migration/karpenter";
import { NodeLabels } from "../../migration/names";
import { CILIUM_STARTUP_TAINT_KEY } from "../nodePools/nodeGroupDescription";
import { TaintEffect } from "../nodePools/nodePool";

/** The field manager of every patch the program applies to a legacy NodePool (server-side apply). */
export const FIELD_MANAGER = "eks-cilium-migration";
/** `disruption.budgets` that allow no voluntary disruption: no drift, emptiness or consolidation replacement. */
export const NO_DISRUPTION: Budget[] = [{ nodes: "0" }];

/** A legacy NodePool's behavioural fields before the migration (as recorded). */
export interface Originals {
    limits?: Record<string, string>;
    budgets?: Budget[];
    weight?: number;
}

/** Where a legacy pool and its twin stand in a phase (from the phase predicates of migration/phases.ts). */
export interface PoolPhase {
    /** Legacy limits 0 (phase 4 on: no new legacy nodes). */
    legacyStopped: boolean;
    /** Twin limits = the legacy pool's originals (phase 3 on); 0 before. */
    twinOpen: boolean;
    /** Twin budgets = the legacy pool's originals (phase 7 on); `nodes: "0"` before. */
    twinDisruptable: boolean;
}

/** Every limited resource at 0, cpu always: a pool whose limits are all below usage launches nothing. */
export function zeroLimits(original: Record<string, string> | undefined): Record<string, string> {
    return Object.fromEntries([["cpu", "0"], ...Object.keys(original ?? {}).map((k) => [k, "0"])]);
}

/**
 * The lowest original weight that is shifted down one: the run of consecutive weights among the migrated pools from 100
 * (the CRD's maximum) downwards, e.g. 100 and 99 of [100, 99, 50]; above 100 when no pool is at 100. Each pool in that
 * run is patched one lower and its twin takes the pool's own weight; every other twin is one above its legacy pool. So
 * every twin outweighs its legacy pool, and the migrated pools keep their order among the twins and among the legacy
 * pools alike (Karpenter orders by weight; equal weights by name, later in the alphabet first: `OrderByWeight`,
 * tests/fixtures/real/karpenter/core/utils-nodepool.go) — without relying on the names. A run that reaches 1 cannot
 * be shifted (the CRD's minimum is 1): `weightRunProblem`.
 */
export function weightFloor(originals: Originals[]): number {
    const taken = new Set(originals.map((o) => o.weight ?? 0));
    let floor = MAX_WEIGHT + 1;
    while (floor > 0 && taken.has(floor - 1)) floor--;
    return floor;
}

/** Why the weights cannot be shifted, if they cannot: the run from 100 reaches 1 (or unset). */
export function weightRunProblem(pools: { name: string; original: Originals }[]): string | undefined {
    const floor = weightFloor(pools.map((p) => p.original));
    if (floor > 1) return undefined;
    return `the legacy NodePools' weights (${pools.map((p) => `${p.name}: ${p.original.weight ?? "unset"}`).join(", ")}) take every value from 100 down to ` +
        `${floor === 0 ? "unset" : 1}: no twin can outweigh its legacy pool while the pools keep their order (\`spec.weight\` is 1–100); ` +
        "leave a gap in the weights, or some pools out of `existingCluster.nodePools`.";
}

/**
 * The legacy pool's weight during the migration: one lower when its weight is in the run from 100 (`weightFloor`).
 * Undefined: the patch does not set weight.
 */
export function legacyWeight(original: Originals, floor: number): number | undefined {
    const weight = original.weight ?? 0;
    return weight >= floor ? weight - 1 : undefined;
}

/** The twin's weight: its legacy pool's own when that pool is shifted down, one above it otherwise. */
export function twinWeight(original: Originals, floor: number): number {
    const weight = original.weight ?? 0;
    return weight >= floor ? weight : weight + 1;
}

/**
 * The legacy NodePool's patch: its name, the program's annotations (the originals, kept on the object itself), and
 * only `limits`, `disruption.budgets` and `weight`. Limits are written back explicitly while the pool runs (0–3): a
 * patch that stops setting a field hands it back, it does not restore the value.
 */
export function legacyPatch(name: string, original: Originals, phase: PoolPhase, floor: number): NodePoolPatchSpec {
    const weight = legacyWeight(original, floor);
    const limits = phase.legacyStopped ? zeroLimits(original.limits) : original.limits;
    return {
        metadata: {
            name,
            annotations: { "pulumi.com/patchFieldManager": FIELD_MANAGER, "pulumi.com/patchForce": "true", [ORIGINALS_ANNOTATION]: canonicalJson(original) },
        },
        spec: {
            disruption: { budgets: NO_DISRUPTION },
            ...(limits ? { limits } : {}),
            ...(weight !== undefined ? { weight } : {}),
        },
    };
}

/** JSON with object keys sorted: the same originals always read the same, however they were recorded. */
export function canonicalJson(value: unknown): string {
    const sort = (v: unknown): unknown => Array.isArray(v) ? v.map(sort)
        : v !== null && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])])) : v;
    return JSON.stringify(sort(value));
}

export interface NodePoolPatchSpec {
    metadata: { name: string; annotations: Record<string, string> };
    spec: { disruption: { budgets: Budget[] }; limits?: Record<string, string>; weight?: number };
}

export interface TwinArgs {
    legacyName: string;
    nameSuffix: string;
    labels: NodeLabels;
    startupTaintEffect: TaintEffect;
    original: Originals;
    /** The legacy pool's template as found (the twin's source while no twin exists). */
    legacyTemplate: NodePoolObject["spec"]["template"];
    /** The legacy pool's disruption settings other than budgets (consolidation), copied. */
    legacyDisruption?: NodePoolObject["spec"]["disruption"];
    /** The twin as it exists: its template is kept exactly (never re-templated). */
    live?: NodePoolObject;
    /** `weightFloor` of all the migrated pools. */
    weightFloor: number;
}

/** The twin's template: the legacy template plus the Cilium label and the Cilium agent's startup taint. */
export function twinTemplate(legacy: NodePoolObject["spec"]["template"], labels: NodeLabels, effect: TaintEffect): NodePoolObject["spec"]["template"] {
    const startup: Taint[] = [...(legacy.spec.startupTaints ?? []).filter((t) => t.key !== CILIUM_STARTUP_TAINT_KEY),
        { key: CILIUM_STARTUP_TAINT_KEY, value: "true", effect }];
    return {
        ...legacy,
        metadata: { ...legacy.metadata, labels: { ...legacy.metadata?.labels, [labels.key]: labels.ciliumValue } },
        spec: { ...legacy.spec, startupTaints: startup },
    };
}

/** The twin NodePool: `<legacy><suffix>`, labelled as the legacy pool's twin, its limits and budgets by phase. */
export function twinNodePool(args: TwinArgs, phase: PoolPhase): { metadata: { name: string; labels: Record<string, string> }; spec: NodePoolObject["spec"] } {
    const { original } = args;
    const limits = phase.twinOpen ? original.limits : zeroLimits(original.limits);
    const budgets = phase.twinDisruptable ? original.budgets : NO_DISRUPTION;
    const { budgets: _ignored, ...consolidation } = args.legacyDisruption ?? {};
    void _ignored;
    return {
        metadata: { name: `${args.legacyName}${args.nameSuffix}`, labels: { [TWIN_OF_LABEL]: args.legacyName } },
        spec: {
            template: args.live?.spec.template ?? twinTemplate(args.legacyTemplate, args.labels, args.startupTaintEffect),
            ...(limits ? { limits } : {}),
            disruption: { ...consolidation, ...(budgets ? { budgets } : {}) },
            weight: twinWeight(original, args.weightFloor),
        },
    };
}

/**
 * What is written back when a legacy pool leaves the migration (it leaves \`existingCluster.nodePools\`, or \`pulumi
 * destroy\`): its recorded originals, applied with the patch's own field manager, so that a field it had unset is
 * released (and removed) rather than left at the migration's value. Limits stay 0 once aws-node is gone (\`keepStopped\`,
 * phase 6 on): nodes launched there would be legacy by the label rule with no CNI to run (design.md, "A legacy
 * NodePool kept after phase 8 stays at limits 0").
 */
export function handBackSpec(name: string, original: Originals, keepStopped: boolean) {
    const limits = keepStopped ? zeroLimits(original.limits) : original.limits;
    return {
        apiVersion: "karpenter.sh/v1", kind: "NodePool", metadata: { name },
        spec: {
            ...(limits ? { limits } : {}),
            ...(original.budgets ? { disruption: { budgets: original.budgets } } : {}),
            ...(original.weight !== undefined ? { weight: original.weight } : {}),
        },
    };
}
