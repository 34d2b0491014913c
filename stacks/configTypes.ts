/**
 * The typed, validated stack configuration. Produced only by `parseConfig` / `loadConfig`. Where a key is a
 * component's argument as it stands, its type is the component's own.
 */
import { NetworkSpec } from "../components/cluster/migrationCluster";
import { DrainOptions } from "../components/clusterSteps/scripts";
import { CiliumNodeGroupSpec, NodeGroupSpec, TaintEffect } from "../components/nodePools/nodePool";
import { NodeLabels } from "../migration/names";
import { Phase } from "../migration/phases";

export type { NodeLabels, TaintEffect };
export type VpcConfig = NetworkSpec;
export type NodeGroupConfig = NodeGroupSpec;
export type CiliumNodeGroupConfig = CiliumNodeGroupSpec;
export type DrainConfig = DrainOptions;

export interface CiliumConfig {
    chartVersion: string;
    /** User Helm value overrides, deep-merged last (protected keys refused before phase 8). */
    values: Record<string, unknown>;
    /** How long Helm waits for the release (e.g. "45m"); unset: grows with the Cilium pool (ciliumHelmTimeoutSeconds). */
    timeout?: string;
}

export interface GoldpingerConfig {
    enabled: boolean;
    image: string;
}

export interface GateConfig {
    /** How long a gate polls before it fails the update. */
    timeout: string;
}

export interface MigrationConfig {
    phase: Phase;
    clusterName: string;
    kubernetesVersion: string;
    vpc: VpcConfig;
    legacyNodeGroup: NodeGroupConfig;
    ciliumNodeGroup: CiliumNodeGroupConfig;
    nodeLabels: NodeLabels;
    cilium: CiliumConfig;
    goldpinger: GoldpingerConfig;
    drain: DrainConfig;
    gate: GateConfig;
    /** IAM role or user ARNs given cluster-admin through EKS access entries (CI, Pulumi Deployments, operators). */
    clusterAdmins: string[];
    allowPhaseSkip: boolean;
    allowUnsafeRollback: boolean;
}
