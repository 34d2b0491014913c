/**
 * Composes the components for one phase, for the demo cluster or an existing one. Everything phase-dependent is
 * decided by the predicates of the ground (migration/phases.ts); the order between phases is explicit: each phase's
 * changes wait for the previous phase's gate (re-run at the start of the update), and the phase's own gate waits for
 * all of them.
 *
 *   cluster ─► goldpinger ─► gate of phase N-1 ─► aws-node / Cilium / node groups / steps ─► gate of phase N
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { AwsNodeAffinity } from "../components/awsNode/awsNodeAffinity";
import { CiliumRelease } from "../components/cilium/ciliumRelease";
import { ciliumHelmTimeoutSeconds } from "../components/cilium/timeout";
import { DEFAULT_GATE_CLI } from "../components/clusterSteps/scripts";
import { ExistingCluster } from "../components/cluster/existingCluster";
import { MigrationCluster } from "../components/cluster/migrationCluster";
import { ConnectivityCheck } from "../components/connectivity/connectivityCheck";
import { Gate } from "../components/gate/gate";
import { KubeProxyLifecycle } from "../components/kubeProxy/kubeProxyLifecycle";
import { parseDuration } from "../migration/duration";
import * as phases from "../migration/phases";
import { assertCiliumOverridesAllowed, ciliumDecisions } from "./ciliumOverrides";
import { CalicoInstall } from "./calicoFacts";
import { declareCalico } from "./calicoParts";
import { ConvertedPolicies, declareConvertedPolicies } from "./calicoPolicies";
import { MigrationConfig } from "./configTypes";
import { declareDemoCluster, declareDemoPools } from "./demoParts";
import { ExistingClusterFacts } from "./existingFacts";
import { declareExistingCluster, declareExistingLegacy, declareExistingTwins } from "./existingParts";
import { legacyStepDecisions } from "./legacyDecisions";
import { AsgPoolsInput, declareAsgPools } from "./asgParts";
import { preflightOptionsOf } from "./preflightConfig";
import { KarpenterFacts } from "./karpenterFacts";
import { declareKarpenter } from "./karpenterParts";

export interface MigrationOptions {
    /** The gate CLI command line, run from the project root. Default: the project's own `gates/cli.ts`. */
    gateCli?: string;
    /** The AWS region (`aws:region`), for preflight's look-ups from the gate. */
    region?: string;
    /** The phase this stack's last successful update applied (its own outputs); none on a first deployment. */
    appliedPhase?: number;
    /**
     * The stack was last applied, past phase 0, by a version that pinned by the earlier rule (aws-node `In [legacy]`,
     * Cilium `NotIn [legacy]`): this update moves it to "Which CNI a node gets", after proving every node labelled.
     */
    earlierCniRule?: boolean;
}

/** How an existing cluster is migrated: what AWS said of it, and whether this update adopts it. */
export interface ExistingClusterInput {
    facts: ExistingClusterFacts;
    /** The stack's first update: adopted resources are declared exactly as described. */
    adoptingNow: boolean;
    /** Its Karpenter NodePools (stacks/karpenterFacts.ts). */
    karpenter: KarpenterFacts;
    /** Its self-managed node groups (`existingCluster.autoScalingGroups`), judged; none when the key is unset. */
    asgs?: AsgPoolsInput;
    /** Calico's install, as the cluster answered (stacks/calicoFacts.ts). Default: none. */
    calico?: CalicoInstall;
    /** Calico's policies converted, with `calico.applyConvertedPolicies` (stacks/calicoPolicies.ts). Default: none. */
    calicoPolicies?: ConvertedPolicies;
}

export interface Migration {
    cluster: MigrationCluster | ExistingCluster;
    connectivity?: ConnectivityCheck;
    entryGate?: Gate;
    awsNode: AwsNodeAffinity;
    cilium?: CiliumRelease;
    kubeProxy: KubeProxyLifecycle;
    /** The node groups and DNS, for the exit gate to wait for. */
    nodes: pulumi.Resource[];
    exitGate: Gate;
}

/** Re-run gates whenever the phase or any config value changes. */
export function configFingerprint(config: MigrationConfig): string {
    return createHash("sha256").update(JSON.stringify(config)).digest("hex").slice(0, 16);
}

export function buildMigration(config: MigrationConfig, options: MigrationOptions = {}, existing?: ExistingClusterInput): Migration {
    const { phase, nodeLabels: labels } = config;
    const gateCli = options.gateCli ?? DEFAULT_GATE_CLI;
    const tags = tagsOf(config);
    // Refuse protected Helm overrides before anything is declared, not halfway through.
    assertCiliumOverridesAllowed(phase, config.cilium.values);

    const cluster = existing ? declareExistingCluster(config, existing.facts, existing.adoptingNow, tags) : declareDemoCluster(config, tags);
    const kubeconfig = cluster.kubeconfig;
    const connectivity = config.goldpinger.enabled
        ? new ConnectivityCheck("goldpinger", {
            provider: cluster.provider, image: config.goldpinger.image,
            ...(config.goldpinger.egressTargets.length > 0 ? { egressTargets: config.goldpinger.egressTargets } : {}),
        }, { dependsOn: [cluster] })
        : undefined;

    // Every gate and every destructive step's pre-check is told them (design.md, "Phase gates").
    // One cluster for both AWS reads a gate line makes (preflight's files, the ASGs' instances): gates/cli.ts takes one --cluster.
    const awsCluster = { name: existing?.facts.name ?? config.clusterName, ...(options.region ? { region: options.region } : {}) };
    const legacyPools = {
        nodeGroups: existing ? existing.facts.nodeGroups.map((g) => g.name) : [config.legacyNodeGroup.name],
        ...(existing?.karpenter.legacy.length ? { nodePools: existing.karpenter.legacy.map((p) => p.name) } : {}),
        ...(existing?.asgs ? {
            asgs: existing.asgs.groups.map((g) => g.name),
            asgCluster: awsCluster,
        } : {}),
    };
    const preflight = { options: JSON.stringify(preflightOptionsOf(config)), cluster: awsCluster.name, ...(awsCluster.region ? { region: awsCluster.region } : {}) };
    const gateArgs = (gatePhase: phases.Phase) => ({
        checks: phases.gateChecks(gatePhase, { goldpinger: config.goldpinger.enabled }),
        kubeconfig, gateCli, timeout: config.gate.timeout, labels, preflight, pools: legacyPools,
        ciliumEverywhere: !phases.cnisCoexist(gatePhase),
        triggers: [phase, configFingerprint(config)],
    });
    const entryGate = phase > phases.FIRST_PHASE
        ? new Gate(`gate-phase-${phase - 1}`, { ...entryGateArgs(gateArgs((phase - 1) as phases.Phase), phase, options), dependsOn: [cluster, ...present(connectivity)] })
        : undefined;
    const afterEntryGate = entryGate ? [entryGate] : [];
    const steps = legacyStepDecisions(config, kubeconfig, gateCli, connectivity);

    const awsNodeArgs = (dependsOn: pulumi.Resource[]) => ({
        route: existing && !existing.facts.addons.vpcCni ? "daemonset-patch" as const : "addon" as const,
        clusterName: cluster.eksClusterName,
        provider: cluster.provider,
        labels,
        vpcCniVersion: existing?.facts.addons.vpcCni?.version,
        existingAddon: existing?.facts.addons.vpcCni
            ? {
                clusterName: existing.facts.name, description: existing.facts.addons.vpcCni, adoptingNow: existing.adoptingNow,
                protect: !phases.awsNodeRemoved(phases.nextPhase(phase)),
            } : undefined,
        pinned: phases.awsNodePinned(phase),
        remove: phases.awsNodeRemoved(phase),
        // Phase 6's re-check refuses while a legacy node is in none of them.
        legacyPools,
        kubeconfig, gateCli, tags,
        dependsOn,
    });

    // The demo's aws-node comes first (its pools carry their labels from birth); an existing cluster's waits below.
    const demoAwsNode = existing ? undefined : new AwsNodeAffinity("aws-node", awsNodeArgs(afterEntryGate));

    const kubeProxyArgs = { kubeconfig, gateCli, labels, timeout: config.gate.timeout };
    // Kept (0–8): proven ready before Cilium changes, so the way back from 9 restores kube-proxy first.
    const keptKubeProxy = phases.kubeProxyReplaced(phase) ? undefined
        : new KubeProxyLifecycle("kube-proxy", { ...kubeProxyArgs, mode: "keep", dependsOn: present(cluster.kubeProxyAddon) });
    const cilium = phases.ciliumInstalled(phase) ? declareCilium(config, cluster, existing?.facts, [...afterEntryGate, ...present(keptKubeProxy)]) : undefined;
    // Replaced (9): removed only after Cilium runs with replacement on every node.
    const kubeProxy = keptKubeProxy ?? new KubeProxyLifecycle("kube-proxy", { ...kubeProxyArgs, mode: "replace", dependsOn: [...afterEntryGate, ...present(cilium)] });

    if (!existing) {
        const awsNode = demoAwsNode as AwsNodeAffinity;
        const nodePrerequisites = present(awsNode.vpcCniAddon, (cluster as MigrationCluster).kubeProxyAddon);
        const pools = declareDemoPools(config, cluster as MigrationCluster, {
            steps, connectivity, nodePrerequisites, afterEntryGate, scaleUpAfter: present(cilium), scaleToZeroAfter: [awsNode], tags,
        });
        const nodes = [pools.ciliumPool, pools.dns, ...present(pools.legacyPool)];
        return finish({ config, cluster, connectivity, entryGate, awsNode, cilium, kubeProxy, nodes, gateArgs, afterEntryGate });
    }

    // Calico's converted policies exist before any twin scales up (or twin NodePool opens): no workload reaches a Cilium node without them.
    const calicoPolicies = declareConvertedPolicies(config, existing.calicoPolicies, { provider: cluster.provider, dependsOn: [...afterEntryGate, ...present(cilium)] });
    // Every twin, of every kind, scales up only after Cilium's release and the converted policies.
    const scaleUpAfter = [...present(cilium), ...calicoPolicies];
    const twins = declareExistingTwins(config, existing.facts, { afterEntryGate, scaleUpAfter, tags });
    // Self-managed node groups (stacks/asgParts.ts): their twins, and steps on the legacy groups through the AWS CLI.
    const asgs = existing.asgs && declareAsgPools(config, existing.asgs, {
        clusterName: existing.facts.name, ...(existing.facts.region ? { region: existing.facts.region } : {}), kubeconfig, gateCli, legacyPools,
        appliedPhase: options.appliedPhase, afterEntryGate, scaleUpAfter, tags,
    });
    // While aws-node is pinned, the legacy groups and their nodes get the legacy marker first (the pin no longer relies on
    // it — "Which CNI a node gets" — but the marker is what people read, and phases 8–9 count by it);
    // once aws-node is removed, the legacy groups scale to zero only after that. Never both in one phase.
    const legacyFirst = !phases.awsNodeRemoved(phase);
    // Karpenter's NodePools (stacks/karpenterParts.ts): their legacy patches come before the shared cordon, which they carry
    // themselves when no managed legacy group does.
    // Once aws-node is removed, their NodeClaim deletions (7) come after that too, as the managed groups' scale to zero.
    const karpenterAfter = (stepsAfter: pulumi.Resource[]) => declareKarpenter(config, existing.karpenter, { provider: cluster.provider, afterEntryGate: [...afterEntryGate, ...calicoPolicies], steps,
        appliedPhase: options.appliedPhase, carrySteps: existing.facts.nodeGroups.length === 0 && !phases.legacyPoolDeleted(phase), pools: legacyPools, stepsAfter });
    const legacyWiring = (karpenter: pulumi.Resource | undefined) => ({ steps, afterEntryGate, twins, stepsAfter: [...(asgs?.beforeCordon ?? []), ...present(karpenter)] });
    let karpenter = legacyFirst ? karpenterAfter([]) : undefined;
    let legacy = legacyFirst ? declareExistingLegacy(config, existing.facts, existing.adoptingNow, { ...legacyWiring(karpenter), scaleToZeroAfter: [] }) : undefined;
    const awsNode = new AwsNodeAffinity("aws-node", awsNodeArgs([...afterEntryGate, ...present(legacy?.labelStep)]));
    if (!legacyFirst) {
        karpenter = karpenterAfter([awsNode]);
        legacy = declareExistingLegacy(config, existing.facts, existing.adoptingNow, { ...legacyWiring(karpenter), scaleToZeroAfter: [awsNode] });
    }
    // Calico's agents stay where aws-node runs (stacks/calicoParts.ts); the exit gate judges them with aws-node.
    const calico = declareCalico(config, existing.calico, { provider: cluster.provider, kubeconfig, gateCli, dependsOn: afterEntryGate,
        legacyPools, appliedPhase: options.appliedPhase });
    return finish({ config, cluster, connectivity, entryGate, awsNode, cilium, kubeProxy,
        nodes: [twins, ...present(legacy, karpenter), ...(asgs?.resources ?? []), ...calico, ...calicoPolicies], gateArgs, afterEntryGate });
}

function finish(parts: Omit<Migration, "exitGate"> & {
    config: MigrationConfig;
    gateArgs: (phase: phases.Phase) => ConstructorParameters<typeof Gate>[1];
    afterEntryGate: pulumi.Resource[];
}): Migration {
    const { config, cluster, connectivity, entryGate, awsNode, cilium, kubeProxy, nodes } = parts;
    const exitGate = new Gate(`gate-phase-${config.phase}`, {
        ...parts.gateArgs(config.phase),
        dependsOn: [cluster, awsNode, ...nodes, kubeProxy, ...parts.afterEntryGate, ...present(connectivity, cilium)],
    });
    return { cluster, connectivity, entryGate, awsNode, cilium, kubeProxy, nodes, exitGate };
}

/**
 * The entry gate judges the cluster as the last update left it: once it ran Cilium everywhere (applied 8 or 9), an
 * unlabelled node is Cilium's, not legacy. A stack moving from the earlier rule first proves that every node carries
 * one of the two labels: everything this update changes waits for the entry gate, so neither agent moves before.
 */
function entryGateArgs(args: ConstructorParameters<typeof Gate>[1], phase: phases.Phase, options: MigrationOptions): ConstructorParameters<typeof Gate>[1] {
    const ranCiliumEverywhere = options.appliedPhase !== undefined && options.appliedPhase >= phases.FIRST_STEADY_PHASE;
    const moving = options.earlierCniRule === true && phase >= 1 && phases.cnisCoexist(phase);
    return {
        ...args,
        ciliumEverywhere: args.ciliumEverywhere || ranCiliumEverywhere,
        checks: moving ? [...args.checks, "cni-labels-complete"] : args.checks,
    };
}

const present = (...items: (pulumi.Resource | undefined)[]): pulumi.Resource[] => items.filter((item): item is pulumi.Resource => item !== undefined);

function declareCilium(config: MigrationConfig, cluster: MigrationCluster | ExistingCluster, facts: ExistingClusterFacts | undefined,
    dependsOn: pulumi.Resource[]): CiliumRelease {
    return new CiliumRelease("cilium", {
        ...ciliumDecisions(config.phase),
        provider: cluster.provider,
        clusterName: cluster.eksClusterName,
        ciliumClusterName: facts?.ciliumClusterName ?? config.cilium.clusterName,
        operatorIdentity: config.cilium.operatorIdentity,
        policyDuringMigration: config.cilium.policyDuringMigration,
        portmapChaining: config.cilium.portmapChaining,
        clusterEndpoint: cluster.endpoint,
        vpcId: cluster.vpcId,
        oidcProviderArn: cluster.oidcProviderArn,
        oidcProviderUrl: cluster.oidcProviderUrl,
        chartVersion: config.cilium.chartVersion,
        labels: config.nodeLabels,
        overrides: config.cilium.values,
        timeoutSeconds: ciliumTimeoutSeconds(config, facts),
        tags: tagsOf(config),
        dependsOn,
    });
}

/** `cilium.timeout` if set, else a budget that grows with the most nodes the Cilium pool (or the twins) may have. */
export function ciliumTimeoutSeconds(config: MigrationConfig, facts?: ExistingClusterFacts): number {
    const configured = config.cilium.timeout === undefined ? undefined : parseDuration(config.cilium.timeout);
    const maxNodes = facts
        ? facts.twinSources.reduce((sum, g) => sum + (config.twins.overrides[g.name]?.maxSize ?? facts.originalScaling[g.name]?.maxSize ?? g.scaling.maxSize), 0)
        : config.ciliumNodeGroup.maxSize;
    return configured !== undefined ? configured / 1000 : ciliumHelmTimeoutSeconds(maxNodes, config.cilium.values);
}

const tagsOf = (config: MigrationConfig) => ({ "eks-cilium-migration/cluster": config.clusterName });
