/**
 * The typed, validated stack configuration. Produced only by `parseConfig` / `loadConfig`. Where a key is a
 * component's argument as it stands, its type is the component's own.
 */
import { NetworkSpec } from "../components/cluster/migrationCluster";
import { DrainOptions } from "../components/clusterSteps/scripts";
import { CiliumNodeGroupSpec, NodeGroupSpec, TaintEffect } from "../components/nodePools/nodePool";
import { NodeLabels } from "../migration/names";
import { Phase } from "../migration/phases";
import { KarpenterConfig } from "./karpenterConfig";
import { CalicoConfig } from "./calicoConfig";

export type { NodeLabels, TaintEffect };
export type VpcConfig = NetworkSpec;
export type NodeGroupConfig = NodeGroupSpec;
export type CiliumNodeGroupConfig = CiliumNodeGroupSpec;
export type DrainConfig = DrainOptions;

/** How cilium-operator gets its AWS credentials. */
export type OperatorIdentity = "irsa" | "pod-identity";

export interface CiliumConfig {
    chartVersion: string;
    /** User Helm value overrides, deep-merged last (protected keys refused before phase 8). */
    values: Record<string, unknown>;
    /** How long Helm waits for the release (e.g. "45m"); unset: grows with the Cilium pool (ciliumHelmTimeoutSeconds). */
    timeout?: string;
    /** Cilium's `cluster.name`; unset: the EKS name (an existing cluster's made Cilium-valid, see ciliumClusterName). */
    clusterName?: string;
    /** IRSA (the cluster's OIDC provider) or EKS Pod Identity (needs the eks-pod-identity-agent add-on). */
    operatorIdentity: OperatorIdentity;
    /** Policy enforcement while both pools run (phases 2–7): Cilium's `default`, or `never` (cross-pool traffic kept). */
    policyDuringMigration: "never" | "default";
    /** Chain the portmap plugin for hostPort pods until kube-proxy replacement serves them (phases 2–8). */
    portmapChaining: boolean;
}

/** Preflight: blockers the stack accepts, each with the reason (shown wherever the finding is). */
export interface PreflightConfig {
    accept: { id: string; reason: string }[];
}

/** A cluster made elsewhere (Terraform, eksctl, CDK, the console), migrated in place. */
export interface ExistingClusterConfig {
    /** The EKS cluster's name. */
    name: string;
    /** Managed node groups to migrate; unset: every Linux managed node group of the cluster. */
    nodeGroups?: string[];
    /** Karpenter NodePools to migrate; unset: every NodePool of the cluster but the twins (design.md, "Karpenter NodePools"). */
    nodePools?: string[];
    /** Phase 8 deletes the (empty) legacy node groups only when true; otherwise they stay, at zero. */
    deleteLegacyNodeGroups: boolean;
    /** Self-managed node groups (EC2 Auto Scaling groups) to migrate; unset: none (stacks/asgConfig.ts). */
    autoScalingGroups?: string[];
}

/** Existing clusters: how each legacy node group's Cilium twin differs from it. */
export interface TwinConfig {
    /** The twin of group G is named G + nameSuffix. */
    nameSuffix: string;
    startupTaintEffect: TaintEffect;
    /**
     * Per legacy group: instance types or sizes its twin uses instead of the group's own; the launch template version
     * or AMI release the twin moves to (once a twin exists it keeps its own: a change recycles every node).
     */
    overrides: Record<string, Partial<Pick<NodeGroupSpec, "instanceTypes" | "desiredSize" | "minSize" | "maxSize">> & {
        launchTemplateVersion?: string;
        releaseVersion?: string;
    }>;
    /** The twins' node IAM role; unset: each twin shares its legacy group's (owned by the tool that made the group). */
    nodeRoleArn?: string;
}

export interface GoldpingerConfig {
    enabled: boolean;
    image: string;
    /**
     * Targets outside the cluster every goldpinger pod probes (`https://…` for HTTP(S), `host:port` for TCP), so the
     * connectivity gate proves egress from pods on both pools (e.g. after a SNAT change); none: egress is not checked.
     */
    egressTargets: string[];
}

export interface GateConfig {
    /** How long a gate polls before it fails the update. */
    timeout: string;
}

export interface MigrationConfig {
    phase: Phase;
    /** Set: migrate this existing cluster (the main path); unset: create the demo cluster below. */
    existingCluster?: ExistingClusterConfig;
    /** Existing clusters: the twins' rules (from `ciliumNodeGroup`). */
    twins: TwinConfig;
    /** The EKS cluster's name (the demo's; an existing cluster's is `existingCluster.name`). */
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
    preflight: PreflightConfig;
    /** Karpenter NodePools: the headroom brought up on Cilium before the drain. */
    karpenter: KarpenterConfig;
    /** Calico as the policy engine: whether the program applies its converted policies (stacks/calicoConfig.ts). */
    calico: CalicoConfig;
    /** IAM role or user ARNs given cluster-admin through EKS access entries (CI, Pulumi Deployments, operators). */
    clusterAdmins: string[];
    allowPhaseSkip: boolean;
    allowUnsafeRollback: boolean;
}
