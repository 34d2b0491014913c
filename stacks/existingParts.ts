/**
 * The parts of the migration for a cluster made elsewhere: the cluster as found (nothing declared twice), its
 * legacy managed node groups adopted and labelled, and a Cilium twin for each. What each phase means for them:
 * - the update that adopts them (the stack's first) declares them exactly as described, so Pulumi imports them and
 *   changes nothing; the next one gives the legacy groups the legacy label (nodes they launch carry it) and the
 *   adopted add-ons `preserve`/OVERWRITE;
 * - phase 7 scales every legacy group to zero (right after the drained re-check); phase 8 deletes them only with
 *   `existingCluster.deleteLegacyNodeGroups`, otherwise it stops managing them and they stay, at zero;
 * - their kube-proxy add-on is adopted and, at phase 9, removed after its DaemonSet.
 */
import * as pulumi from "@pulumi/pulumi";
import { ExistingCluster } from "../components/cluster/existingCluster";
import { CiliumTwins, LegacyNodeGroups } from "../components/nodePools/existingNodeGroups";
import { legacyDeclared, twinOf } from "../components/nodePools/nodeGroupDescription";
import * as phases from "../migration/phases";
import { MigrationConfig } from "./configTypes";
import { ExistingClusterFacts } from "./existingFacts";
import { LegacyStepDecisions } from "./legacyDecisions";

export function declareExistingCluster(config: MigrationConfig, facts: ExistingClusterFacts, adoptingNow: boolean, tags: Record<string, string>): ExistingCluster {
    const kubeProxy = facts.addons.kubeProxy;
    return new ExistingCluster("cluster", {
        name: facts.name,
        endpoint: facts.endpoint,
        certificateAuthority: facts.certificateAuthority,
        region: facts.region,
        vpcId: facts.vpcId,
        oidcIssuerUrl: facts.oidcIssuerUrl,
        oidcProviderArn: facts.oidcProviderArn,
        createOidcProvider: config.cilium.operatorIdentity === "irsa",
        clusterAdmins: facts.adminsToAdd,
        kubeProxyAddon: kubeProxy && !phases.kubeProxyReplaced(config.phase)
            ? { description: kubeProxy, adoptingNow, protect: !phases.kubeProxyReplaced(phases.nextPhase(config.phase)) } : undefined,
        tags,
    });
}

/** The legacy groups as declared at this phase, or none once the stack stops managing them (phase 8). */
export function legacyGroupsAt(config: MigrationConfig, facts: ExistingClusterFacts, adoptingNow: boolean) {
    if (phases.legacyPoolDeleted(config.phase)) return [];
    return facts.nodeGroups.map((g) => legacyDeclared(g, {
        labels: config.nodeLabels, adoptingNow, zero: phases.legacyScaledToZero(config.phase), originalScaling: facts.originalScaling[g.name],
        retiring: phases.legacyCordoned(config.phase),
    }));
}

export function twinsAt(config: MigrationConfig, facts: ExistingClusterFacts, tags: Record<string, string>) {
    return facts.twinSources.map((g) => twinOf(g, {
        nameSuffix: config.twins.nameSuffix,
        labels: config.nodeLabels,
        startupTaintEffect: config.twins.startupTaintEffect,
        scaledUp: phases.ciliumNodesScaledUp(config.phase),
        originalScaling: facts.originalScaling[g.name],
        override: { ...config.twins.overrides[g.name], ...(config.twins.nodeRoleArn ? { nodeRoleArn: config.twins.nodeRoleArn } : {}) },
        live: facts.liveTwins[g.name],
        tags,
    }));
}

export function declareExistingTwins(config: MigrationConfig, facts: ExistingClusterFacts, wiring: {
    afterEntryGate: pulumi.Resource[];
    /** The Cilium release: twins grow only once Cilium is there to take their nodes. */
    scaleUpAfter: pulumi.Resource[];
    tags: Record<string, string>;
}): CiliumTwins {
    return new CiliumTwins("cilium-twins", {
        twins: twinsAt(config, facts, wiring.tags),
        // Once the twins have their sizes (the phase after the scale-up), the cluster autoscaler owns desiredSize.
        autoscaled: phases.ciliumNodesScaledUp(config.phase) && config.phase > phases.FIRST_PHASE && phases.ciliumNodesScaledUp((config.phase - 1) as phases.Phase),
        scaleUpAfter: wiring.scaleUpAfter,
        dependsOn: wiring.afterEntryGate,
    });
}

export function declareExistingLegacy(config: MigrationConfig, facts: ExistingClusterFacts, adoptingNow: boolean, wiring: {
    steps: LegacyStepDecisions;
    afterEntryGate: pulumi.Resource[];
    twins: CiliumTwins;
    scaleToZeroAfter: pulumi.Resource[];
    /** What the cordon and drain wait for besides the twins (legacy NodePools' limits, legacy ASGs' `Launch` suspended). Default: none. */
    stepsAfter?: pulumi.Resource[];
}): LegacyNodeGroups | undefined {
    const groups = legacyGroupsAt(config, facts, adoptingNow);
    if (groups.length === 0) return undefined;
    const labelled = groups.every((g) => g.labels[config.nodeLabels.key] === config.nodeLabels.legacyValue);
    return new LegacyNodeGroups("legacy-groups", {
        groups,
        adoptingNow,
        retainOnDelete: !(config.existingCluster?.deleteLegacyNodeGroups ?? false),
        protect: !phases.legacyScaledToZero(config.phase),
        // Label the nodes once when adopted, and again once the groups' own labels carry it (nodes launched meanwhile).
        labelTriggers: [labelled],
        ...wiring.steps,
        scaleToZeroAfter: [...wiring.scaleToZeroAfter, ...wiring.afterEntryGate],
        stepsDependOn: [...wiring.afterEntryGate, wiring.twins, ...(wiring.stepsAfter ?? [])],
        dependsOn: wiring.afterEntryGate,
    });
}
