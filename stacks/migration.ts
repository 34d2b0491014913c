/**
 * Composes the components for one phase. Everything phase-dependent is decided by the predicates in phases.ts; the
 * order between phases is explicit: each phase's changes wait for the previous phase's gate (re-run at the start
 * of the update), and the phase's own gate waits for all of them.
 *
 *   cluster ─► goldpinger ─► gate of phase N-1 ─► aws-node / Cilium / node pools / steps ─► gate of phase N
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { ciliumHelmTimeoutSeconds } from "../components/cilium/timeout";
import { AwsNodeAffinity } from "../components/awsNode/awsNodeAffinity";
import { CiliumNodeGroup } from "../components/nodePools/ciliumNodeGroup";
import { CiliumRelease } from "../components/cilium/ciliumRelease";
import { ClusterDns } from "../components/cluster/clusterDns";
import { ConnectivityCheck } from "../components/connectivity/connectivityCheck";
import { Gate } from "../components/gate/gate";
import { KubeProxyLifecycle } from "../components/kubeProxy/kubeProxyLifecycle";
import { LegacyNodeGroup } from "../components/nodePools/legacyNodeGroup";
import { MigrationCluster } from "../components/cluster/migrationCluster";
import { parseDuration } from "../gates/duration";
import { gateChecks } from "../migration/phases";
import { DEFAULT_GATE_CLI } from "../components/clusterSteps/scripts";
import { assertCiliumOverridesAllowed, ciliumDecisions } from "./ciliumOverrides";
import { MigrationConfig } from "./configTypes";
import * as phases from "../migration/phases";

export interface MigrationOptions {
    /** The gate CLI command line, run from the project root. Default: the project's own `gates/cli.ts`. */
    gateCli?: string;
}

export interface Migration {
    cluster: MigrationCluster;
    connectivity?: ConnectivityCheck;
    entryGate?: Gate;
    awsNode: AwsNodeAffinity;
    cilium?: CiliumRelease;
    ciliumPool: CiliumNodeGroup;
    legacyPool?: LegacyNodeGroup;
    kubeProxy: KubeProxyLifecycle;
    dns: ClusterDns;
    exitGate: Gate;
}

/** Re-run gates whenever the phase or any config value changes. */
export function configFingerprint(config: MigrationConfig): string {
    return createHash("sha256").update(JSON.stringify(config)).digest("hex").slice(0, 16);
}

export function buildMigration(config: MigrationConfig, options: MigrationOptions = {}): Migration {
    const { phase, nodeLabels: labels } = config;
    const gateCli = options.gateCli ?? DEFAULT_GATE_CLI;
    const tags = tagsOf(config);
    // Refuse protected Helm overrides before anything is declared, not halfway through.
    assertCiliumOverridesAllowed(phase, config.cilium.values);

    const cluster = new MigrationCluster("cluster", {
        clusterName: config.clusterName,
        kubernetesVersion: config.kubernetesVersion,
        vpc: config.vpc,
        kubeProxyAddonEnabled: !phases.kubeProxyReplaced(phase),
        clusterAdmins: config.clusterAdmins,
        tags,
    });
    const kubeconfig = cluster.kubeconfig;
    const connectivity = config.goldpinger.enabled
        ? new ConnectivityCheck("goldpinger", { provider: cluster.provider, image: config.goldpinger.image }, { dependsOn: [cluster] })
        : undefined;

    const gateArgs = (gatePhase: phases.Phase) => ({
        checks: gateChecks(gatePhase, { goldpinger: config.goldpinger.enabled }),
        kubeconfig, gateCli, timeout: config.gate.timeout, labels,
        triggers: [phase, configFingerprint(config)],
    });
    const entryGate = phase > phases.FIRST_PHASE
        ? new Gate(`gate-phase-${phase - 1}`, { ...gateArgs((phase - 1) as phases.Phase), dependsOn: [cluster, ...present(connectivity)] })
        : undefined;
    const afterEntryGate = entryGate ? [entryGate] : [];

    const awsNode = new AwsNodeAffinity("aws-node", {
        route: "addon",
        clusterName: cluster.eksClusterName,
        provider: cluster.provider,
        labels,
        pinned: phases.awsNodePinned(phase),
        remove: phases.awsNodeRemoved(phase),
        kubeconfig, gateCli, tags,
        dependsOn: afterEntryGate,
    });
    const nodePrerequisites = present(awsNode.vpcCniAddon, cluster.kubeProxyAddon);

    const kubeProxyArgs = { kubeconfig, gateCli, labels, timeout: config.gate.timeout };
    // Kept (0–8): proven ready before Cilium changes, so the way back from 9 restores kube-proxy first.
    const keptKubeProxy = phases.kubeProxyReplaced(phase) ? undefined
        : new KubeProxyLifecycle("kube-proxy", { ...kubeProxyArgs, mode: "keep", dependsOn: present(cluster.kubeProxyAddon) });

    const cilium = phases.ciliumInstalled(phase)
        ? declareCilium(config, cluster, [...afterEntryGate, ...present(keptKubeProxy)])
        : undefined;
    // Replaced (9): removed only after Cilium runs with replacement on every node.
    const kubeProxy = keptKubeProxy ?? new KubeProxyLifecycle("kube-proxy", { ...kubeProxyArgs, mode: "replace", dependsOn: [...afterEntryGate, ...present(cilium)] });

    const ciliumPool = new CiliumNodeGroup("cilium-pool", {
        cluster: cluster.cluster,
        nodeRoleArn: cluster.nodeRole.arn,
        subnetIds: cluster.privateSubnetIds,
        nodeGroup: config.ciliumNodeGroup,
        labels,
        scaledUp: phases.ciliumNodesScaledUp(phase),
        // The pool only grows once Cilium is there to take its nodes.
        scaleUpAfter: present(cilium),
        dependsOn: [...nodePrerequisites, ...afterEntryGate],
        tags,
    });

    const legacyPool = phases.legacyPoolDeleted(phase) ? undefined : declareLegacyPool(config, cluster, {
        gateCli, connectivity, nodePrerequisites,
        // Nodes only go once aws-node is gone (and so cannot be left half-removed on them).
        scaleToZeroAfter: [awsNode, ...afterEntryGate],
        stepsDependOn: [...afterEntryGate, ciliumPool],
    });

    const dns = new ClusterDns("dns", {
        clusterName: cluster.eksClusterName,
        dependsOn: [legacyPool?.nodeGroup ?? ciliumPool.nodeGroup],
        tags,
    });

    const exitGate = new Gate(`gate-phase-${phase}`, {
        ...gateArgs(phase),
        dependsOn: [cluster, awsNode, ciliumPool, dns, kubeProxy, ...afterEntryGate, ...present(connectivity, cilium, legacyPool)],
    });
    return { cluster, connectivity, entryGate, awsNode, cilium, ciliumPool, legacyPool, kubeProxy, dns, exitGate };
}

const present = (...items: (pulumi.Resource | undefined)[]): pulumi.Resource[] => items.filter((item): item is pulumi.Resource => item !== undefined);

function declareCilium(config: MigrationConfig, cluster: MigrationCluster, dependsOn: pulumi.Resource[]): CiliumRelease {
    return new CiliumRelease("cilium", {
        ...ciliumDecisions(config.phase),
        provider: cluster.provider,
        clusterName: cluster.eksClusterName,
        clusterEndpoint: cluster.endpoint,
        vpcId: cluster.vpcId,
        oidcProviderArn: cluster.oidcProviderArn,
        oidcProviderUrl: cluster.oidcProviderUrl,
        chartVersion: config.cilium.chartVersion,
        labels: config.nodeLabels,
        overrides: config.cilium.values,
        timeoutSeconds: ciliumTimeoutSeconds(config),
        tags: tagsOf(config),
        dependsOn,
    });
}

function declareLegacyPool(config: MigrationConfig, cluster: MigrationCluster, wiring: {
    gateCli: string;
    connectivity?: ConnectivityCheck;
    nodePrerequisites: pulumi.Resource[];
    scaleToZeroAfter: pulumi.Resource[];
    stepsDependOn: pulumi.Resource[];
}): LegacyNodeGroup {
    const { phase } = config;
    return new LegacyNodeGroup("legacy-pool", {
        cluster: cluster.cluster,
        nodeRoleArn: cluster.nodeRole.arn,
        subnetIds: cluster.privateSubnetIds,
        nodeGroup: config.legacyNodeGroup,
        labels: config.nodeLabels,
        kubeconfig: cluster.kubeconfig,
        cordon: phases.legacyCordoned(phase),
        restartAfterCordon: wiring.connectivity ? [{ namespace: wiring.connectivity.namespace, name: wiring.connectivity.name }] : [],
        drain: phases.legacyDrained(phase),
        drainOptions: config.drain,
        // Right before evicting: the pool is cordoned and the new pool is ready to take the pods.
        drainPreChecks: ["legacy-cordoned", "cilium-ready"],
        gateCli: wiring.gateCli,
        scaleToZero: phases.legacyScaledToZero(phase),
        scaleDownPreChecks: ["legacy-drained"],
        scaleToZeroAfter: wiring.scaleToZeroAfter,
        dependsOn: wiring.nodePrerequisites,
        stepsDependOn: wiring.stepsDependOn,
        tags: tagsOf(config),
    });
}

/** `cilium.timeout` if set, else a budget that grows with the most nodes the Cilium pool may have. */
export function ciliumTimeoutSeconds(config: MigrationConfig): number {
    const configured = config.cilium.timeout === undefined ? undefined : parseDuration(config.cilium.timeout);
    return configured !== undefined ? configured / 1000 : ciliumHelmTimeoutSeconds(config.ciliumNodeGroup.maxSize, config.cilium.values);
}

const tagsOf = (config: MigrationConfig) => ({ "eks-cilium-migration/cluster": config.clusterName });
