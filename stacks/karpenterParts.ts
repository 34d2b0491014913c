/**
 * The Karpenter part of an existing cluster's migration (design.md, "Karpenter NodePools"): what each phase means for
 * the legacy NodePools and their twins, turned into KarpenterNodePools' args.
 *
 * | phase | legacy NodePool (patch) | twin |
 * |---|---|---|
 * | 0–3 | budgets `nodes: "0"`; its own limits; weight 99 if it was 100 | created: limits 0 (3: the legacy limits), budgets 0 |
 * | 4–7 | limits 0 (no new legacy nodes); the shared steps cordon (4) and drain (5) | — (7: the legacy budgets) |
 * | 8–9 | deleted by a step with `deleteLegacyNodeGroups` (no patch); otherwise kept at limits 0, budgets 0 | steady state |
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { KarpenterNodePools } from "../components/karpenter/karpenterNodePools";
import { PoolPhase, handBackSpec, legacyPatch, twinNodePool, weightFloor } from "../components/karpenter/nodePoolSpecs";
import * as phases from "../migration/phases";
import { MigrationConfig } from "./configTypes";
import { KarpenterFacts } from "./karpenterFacts";
import { LegacyStepDecisions } from "./legacyDecisions";
import { headroomSize } from "../components/karpenter/headroom";
import { LegacyPools } from "../migration/nodeRule";

export function poolPhase(phase: phases.Phase): PoolPhase {
    return { legacyStopped: phases.legacyCordoned(phase), twinOpen: phases.ciliumNodesScaledUp(phase), twinDisruptable: phases.legacyScaledToZero(phase) };
}

/** The args at this phase: every legacy pool that is there and kept, every twin that can be derived. */
export function karpenterArgsAt(config: MigrationConfig, facts: KarpenterFacts) {
    const at = poolPhase(config.phase);
    const handedOver = phases.legacyPoolDeleted(config.phase) && (config.existingCluster?.deleteLegacyNodeGroups ?? false);
    // From every migrated pool's recorded originals: the same in every phase, whichever pools are still there.
    const floor = weightFloor(facts.legacy.map((p) => p.original));
    const legacyPatches = facts.legacy.filter((p) => p.found && !handedOver).map((p) => legacyPatch(p.name, p.original, at, floor));
    const twins = facts.legacy.filter((p) => p.found || facts.liveTwins[p.name]).map((p) => twinNodePool({
        legacyName: p.name, nameSuffix: config.twins.nameSuffix, labels: config.nodeLabels, startupTaintEffect: config.twins.startupTaintEffect,
        original: p.original, weightFloor: floor, legacyTemplate: (p.found ?? facts.liveTwins[p.name]).spec.template, // Once the legacy pool is gone (8 with deleteLegacyNodeGroups, 9), consolidation comes from the twin itself:
        // declared without it, the update would remove it and the CRD default it (WhenEmptyOrUnderutilized, 0s).
        legacyDisruption: p.found?.spec.disruption ?? facts.liveTwins[p.name]?.spec.disruption,
        ...(facts.liveTwins[p.name] ? { live: facts.liveTwins[p.name] } : {}),
    }, at));
    // Every legacy pool still there (deleted ones have nothing to write back to); limits kept at 0 once aws-node is gone.
    const handBacks = facts.legacy.filter((p) => p.found).map((p) => ({ pool: p.name, doc: handBackSpec(p.name, p.original, phases.awsNodeRemoved(config.phase)) }));
    return { legacyPatches, twins, handBacks };
}

/**
 * The headroom (3–5), and the steps: the legacy NodeClaims deleted from 7 after the drained re-check; the legacy
 * NodePools deleted at 8 with `deleteLegacyNodeGroups`; going back from 3 (or above) to 2, the twins' NodeClaims.
 */
export function karpenterStepsAt(config: MigrationConfig, facts: KarpenterFacts, steps: LegacyStepDecisions, appliedPhase: number | undefined, pools: LegacyPools) {
    const { phase } = config;
    const suffix = config.twins.nameSuffix;
    const twins = karpenterArgsAt(config, facts).twins;
    const headroom = phases.ciliumNodesScaledUp(phase) && !phases.awsNodeRemoved(phase)
        ? facts.legacy.flatMap((p) => {
            const size = headroomSize(p.allocatable, config.karpenter.headroom);
            const twin = twins.find((t) => t.metadata.name === `${p.name}${suffix}`);
            return size && twin ? [{ twin: twin.metadata.name, taints: twin.spec.template.spec.taints ?? [], size }] : [];
        }) : [];
    const pre = { checks: ["legacy-drained"], gateCli: steps.gateCli, labels: config.nodeLabels, pools };
    const retiring = phases.legacyScaledToZero(phase) ? facts.legacy.filter((p) => p.found).map((p) => ({ pool: p.name, pre })) : [];
    const backFromScaleUp = phases.rollingBackScaleUp(phase, appliedPhase);
    const twinClaims = backFromScaleUp ? facts.legacy.map((p) => ({ pool: `${p.name}${suffix}`, pre: { ...pre, checks: [] } })) : [];
    const deleteNodePools = phases.legacyPoolDeleted(phase) && (config.existingCluster?.deleteLegacyNodeGroups ?? false)
        ? facts.legacy.filter((p) => p.found).map((p) => p.name) : [];
    return { headroom, deleteNodeClaims: [...retiring, ...twinClaims], deleteNodePools };
}

/** The KarpenterNodePools component, or none for a cluster without legacy NodePools. */
export function declareKarpenter(config: MigrationConfig, facts: KarpenterFacts, wiring: {
    provider: k8s.Provider;
    afterEntryGate: pulumi.Resource[];
    steps: LegacyStepDecisions;
    /** Carry the shared cordon and drain (no managed legacy group does). */
    carrySteps: boolean;
    appliedPhase?: number;
    pools: LegacyPools;
    /** What the retirement steps also wait for (aws-node's removal, from phase 6). Default: none. */
    stepsAfter?: pulumi.Resource[];
}): KarpenterNodePools | undefined {
    if (facts.legacy.length === 0) return undefined;
    return new KarpenterNodePools("karpenter", {
        provider: wiring.provider,
        kubeconfig: wiring.steps.kubeconfig,
        labels: config.nodeLabels,
        ...karpenterArgsAt(config, facts),
        ...karpenterStepsAt(config, facts, wiring.steps, wiring.appliedPhase, wiring.pools),
        ...(wiring.carrySteps ? { legacySteps: { ...wiring.steps, stepsDependOn: wiring.afterEntryGate } } : {}),
        dependsOn: wiring.afterEntryGate,
        stepsAfter: wiring.stepsAfter ?? [],
    });
}
