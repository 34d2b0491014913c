/**
 * The parts of the migration that exist only for the demo cluster this program creates: the cluster itself (VPC,
 * EKS, node role, add-ons), its two pools through pulumi-eks, and CoreDNS (which needs nodes to become active).
 */
import * as pulumi from "@pulumi/pulumi";
import { ClusterDns } from "../components/cluster/clusterDns";
import { MigrationCluster } from "../components/cluster/migrationCluster";
import { ConnectivityCheck } from "../components/connectivity/connectivityCheck";
import { CiliumNodeGroup } from "../components/nodePools/ciliumNodeGroup";
import { LegacyNodeGroup } from "../components/nodePools/legacyNodeGroup";
import * as phases from "../migration/phases";
import { MigrationConfig } from "./configTypes";
import { LegacyStepDecisions } from "./legacyDecisions";

export function declareDemoCluster(config: MigrationConfig, tags: Record<string, string>): MigrationCluster {
    return new MigrationCluster("cluster", {
        clusterName: config.clusterName,
        kubernetesVersion: config.kubernetesVersion,
        vpc: config.vpc,
        kubeProxyAddonEnabled: !phases.kubeProxyReplaced(config.phase),
        clusterAdmins: config.clusterAdmins,
        podIdentityAgent: config.cilium.operatorIdentity === "pod-identity",
        tags,
    });
}

export function declareDemoPools(config: MigrationConfig, cluster: MigrationCluster, wiring: {
    steps: LegacyStepDecisions;
    connectivity?: ConnectivityCheck;
    nodePrerequisites: pulumi.Resource[];
    afterEntryGate: pulumi.Resource[];
    /** The Cilium release: the pool grows only once Cilium is there to take its nodes. */
    scaleUpAfter: pulumi.Resource[];
    /** What must be done before the legacy pool scales to zero (aws-node's removal). */
    scaleToZeroAfter: pulumi.Resource[];
    tags: Record<string, string>;
}): { ciliumPool: CiliumNodeGroup; legacyPool?: LegacyNodeGroup; dns: ClusterDns } {
    const { phase } = config;
    const ciliumPool = new CiliumNodeGroup("cilium-pool", {
        cluster: cluster.cluster,
        nodeRoleArn: cluster.nodeRole.arn,
        subnetIds: cluster.privateSubnetIds,
        nodeGroup: config.ciliumNodeGroup,
        labels: config.nodeLabels,
        scaledUp: phases.ciliumNodesScaledUp(phase),
        scaleUpAfter: wiring.scaleUpAfter,
        dependsOn: [...wiring.nodePrerequisites, ...wiring.afterEntryGate],
        tags: wiring.tags,
    });
    const legacyPool = phases.legacyPoolDeleted(phase) ? undefined : new LegacyNodeGroup("legacy-pool", {
        cluster: cluster.cluster,
        nodeRoleArn: cluster.nodeRole.arn,
        subnetIds: cluster.privateSubnetIds,
        nodeGroup: config.legacyNodeGroup,
        ...wiring.steps,
        // Nodes only go once aws-node is gone (and so cannot be left half-removed on them).
        scaleToZeroAfter: [...wiring.scaleToZeroAfter, ...wiring.afterEntryGate],
        dependsOn: wiring.nodePrerequisites,
        stepsDependOn: [...wiring.afterEntryGate, ciliumPool],
        tags: wiring.tags,
    });
    const dns = new ClusterDns("dns", {
        clusterName: cluster.eksClusterName,
        dependsOn: [legacyPool?.nodeGroup ?? ciliumPool.nodeGroup],
        tags: wiring.tags,
    });
    return { ciliumPool, legacyPool, dns };
}
