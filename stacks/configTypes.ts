/** The typed, validated stack configuration. Produced only by `parseConfig` / `loadConfig`. */
import { Phase } from "./phases";

export type VpcConfig =
    | { kind: "new"; cidrBlock: string; availabilityZoneCount: number }
    | { kind: "existing"; vpcId: string; privateSubnetIds: string[]; publicSubnetIds: string[] };

export interface NodeGroupConfig {
    name: string;
    instanceTypes: string[];
    desiredSize: number;
    minSize: number;
    maxSize: number;
}

export type TaintEffect = "NoExecute" | "NoSchedule";

export interface CiliumNodeGroupConfig extends NodeGroupConfig {
    /** Effect of the `node.cilium.io/agent-not-ready=true` startup taint. */
    startupTaintEffect: TaintEffect;
}

export interface NodeLabels {
    /** Label key shared by both pools (`cni`). */
    key: string;
    /** Value on legacy (aws-node) nodes (`aws-cni`). */
    legacyValue: string;
    /** Value on Cilium nodes (`cilium`). */
    ciliumValue: string;
}

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

export interface DrainConfig {
    /** `kubectl drain --timeout`, per node. */
    timeout: string;
    /** Allow evicting pods that use emptyDir volumes (their data is lost). */
    deleteEmptyDirData: boolean;
    /** How many legacy nodes are drained at once. */
    batchSize: number;
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
