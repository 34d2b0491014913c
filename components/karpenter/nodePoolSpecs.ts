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
 * The legacy pool's weight during the migration: its own, but 99 where it was 100 (the CRD's maximum), so that its
 * twin can weigh more. Undefined: the patch does not set weight.
 */
export function legacyWeight(original: Originals): number | undefined {
    return original.weight === MAX_WEIGHT ? MAX_WEIGHT - 1 : undefined;
}

/** The twin's weight: one above the legacy pool's (as patched), at most 100. */
export function twinWeight(original: Originals): number {
    return Math.min(MAX_WEIGHT, (legacyWeight(original) ?? original.weight ?? 0) + 1);
}

/**
 * The legacy NodePool's patch: its name, the program's annotations (the originals, kept on the object itself), and
 * only `limits`, `disruption.budgets` and `weight`. Limits are written back explicitly while the pool runs (0–3): a
 * patch that stops setting a field hands it back, it does not restore the value.
 */
export function legacyPatch(name: string, original: Originals, phase: PoolPhase): NodePoolPatchSpec {
    const weight = legacyWeight(original);
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
            weight: twinWeight(original),
        },
    };
}
