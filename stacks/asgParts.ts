/**
 * Self-managed node groups in the composition root (design.md, "Self-managed node groups"). Before anything is
 * declared the named groups are looked up and judged — a group AWS does not have, one on a launch configuration, one
 * launching a version the provider cannot read, user data the program cannot read as the node will (each named, with
 * why). Then, per phase (migration/phases.ts):
 *
 * | # | legacy ASG (steps, AWS CLI) | twin launch template + ASG |
 * |---|---|---|
 * | 0–2 | unchanged | created, sizes 0 |
 * | 3 | unchanged | the legacy's recorded original sizes |
 * | 4 | `Launch` suspended (4→3 resumes it) | desiredCapacity left to the cluster autoscaler |
 * | 7 | min/desired 0 after the drained re-check | — |
 * | 8 | deleted only with `deleteLegacyNodeGroups` (no instance left) | steady state |
 *
 * Rolling back 3→2 drains the twin's nodes before its sizes go to 0.
 */
import * as pulumi from "@pulumi/pulumi";
import { CiliumTwinAsgs, LegacyAsgSteps, TwinAsg } from "../components/autoScalingGroups/asgPools";
import { AsgSizes, originalAsgSizes, twinSizes, uncopiable } from "../components/autoScalingGroups/twinAsg";
import { UserDataError, ciliumUserData } from "../components/autoScalingGroups/userData";
import { CILIUM_STARTUP_TAINT } from "../migration/names";
import { LegacyPools } from "../migration/nodeRule";
import * as phases from "../migration/phases";
import { MigrationConfig } from "./configTypes";
import { AsgDescription, AsgFound, autoScalingGroupFacts } from "./asgFacts";
import { ConfigError } from "./validate";

/** A legacy group judged migratable, with its twin's user data written. */
export interface JudgedAsg extends AsgDescription {
    twinUserData: string;
}

/** The groups' facts, every user data read and its twin's written (so an unreadable one is refused now). */
export function judgeAutoScalingGroups(config: MigrationConfig, found: AsgFound[], clusterName: string): JudgedAsg[] {
    const groups = autoScalingGroupFacts(found, clusterName);
    const problems: string[] = [];
    const birth = {
        label: { key: config.nodeLabels.key, value: config.nodeLabels.ciliumValue },
        startupTaint: `${CILIUM_STARTUP_TAINT}=true:${config.twins.startupTaintEffect}`,
    };
    const out: JudgedAsg[] = [];
    for (const g of groups) {
        const cannot = uncopiable(g);
        if (cannot) {
            problems.push(cannot);
            continue;
        }
        try {
            out.push({ ...g, twinUserData: ciliumUserData(g.name, g.template.userData, birth) });
        } catch (err) {
            if (!(err instanceof UserDataError)) throw err;
            problems.push(err.message);
        }
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return out;
}

/** What the program knows of the stack's self-managed groups: judged now, and their sizes before the migration. */
export interface AsgPoolsInput {
    groups: JudgedAsg[];
    /** Recorded in the stack output `legacyAsgSizes` (live they read zero from phase 7). */
    originalSizes: Record<string, AsgSizes>;
}

export function asgPoolsInput(config: MigrationConfig, found: AsgFound[], clusterName: string, recorded?: unknown): AsgPoolsInput {
    const groups = judgeAutoScalingGroups(config, found, clusterName);
    const { sizes, problems } = originalAsgSizes(groups, {
        recorded: (recorded ?? {}) as Record<string, AsgSizes>, legacyZeroed: phases.legacyScaledToZero(config.phase),
    });
    if (problems.length > 0) throw new ConfigError(problems);
    return { groups, originalSizes: sizes };
}

export interface AsgPools {
    twins: CiliumTwinAsgs;
    legacy: LegacyAsgSteps;
    /** What the exit gate waits for. */
    resources: pulumi.Resource[];
    /** What the managed legacy groups' cordon waits for: no legacy ASG launches an uncordoned node after it. */
    beforeCordon: pulumi.Resource[];
}

export function declareAsgPools(config: MigrationConfig, input: AsgPoolsInput, wiring: {
    clusterName: string;
    region?: string;
    kubeconfig: pulumi.Input<string>;
    gateCli: string;
    /** Every configured legacy pool, for the drained re-check (a legacy node outside all of them fails it). */
    legacyPools: LegacyPools;
    appliedPhase?: number;
    afterEntryGate: pulumi.Resource[];
    /** The Cilium release: twins grow only once Cilium is there to take their nodes. */
    scaleUpAfter: pulumi.Resource[];
    tags: Record<string, string>;
}): AsgPools {
    const { phase } = config;
    const scaledUp = phases.ciliumNodesScaledUp(phase);
    const twins = new CiliumTwinAsgs("cilium-twin-asgs", {
        twins: input.groups.map((g): TwinAsg => ({
            source: g, twinName: `${g.name}${config.twins.nameSuffix}`, userData: g.twinUserData,
            sizes: twinSizes(input.originalSizes[g.name], scaledUp),
        })),
        clusterName: wiring.clusterName,
        tags: wiring.tags,
        // As the managed twins (existingParts.ts): once sized at an earlier phase, the autoscaler owns desiredCapacity.
        autoscaled: scaledUp && phase > phases.FIRST_PHASE && phases.ciliumNodesScaledUp((phase - 1) as phases.Phase),
        ...(rollingBackScaleUp(phase, wiring.appliedPhase)
            ? { drainBeforeEmpty: { kubeconfig: wiring.kubeconfig, drain: config.drain, ...(wiring.region ? { region: wiring.region } : {}) } } : {}),
        scaleUpAfter: wiring.scaleUpAfter,
        dependsOn: wiring.afterEntryGate,
    });
    const drained = { checks: ["legacy-drained"], gateCli: wiring.gateCli, labels: config.nodeLabels, pools: wiring.legacyPools };
    const legacy = new LegacyAsgSteps("legacy-asgs", {
        groups: input.groups.map((g) => g.name),
        kubeconfig: wiring.kubeconfig,
        ...(wiring.region ? { region: wiring.region } : {}),
        suspendLaunch: phases.legacyCordoned(phase),
        scaleToZero: phases.legacyScaledToZero(phase),
        deleteGroups: phases.legacyPoolDeleted(phase) && (config.existingCluster?.deleteLegacyNodeGroups ?? false),
        // The same text from phase 7 on, so the scale-down step does not run again at 8 and 9.
        preChecks: drained,
        deletePreChecks: { ...drained, ciliumEverywhere: true },
        dependsOn: [...wiring.afterEntryGate, twins],
    });
    return { twins, legacy, resources: [twins, legacy], beforeCordon: legacy.suspendSteps };
}

/** Rollback from a phase where the twins were sized (≥3) to one where they are not (migration/phases.ts). */
export const rollingBackScaleUp = phases.rollingBackScaleUp;
