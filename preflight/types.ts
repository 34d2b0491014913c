/**
 * Preflight's vocabulary: what it reads (the cluster snapshot's files, parsed), what it is told (the stack's
 * choices), and what it says (findings with a stable id, a severity, the objects involved, the phase that would go
 * wrong, and the remedy). The finding ids and severities are the design's table (design.md, "Preflight").
 */
import { List } from "../clusterReader/k8sTypes";
import type { PreflightIndex } from "./index";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = Record<string, any>;

export type Severity = "blocker" | "warning" | "info";

export interface Finding {
    id: string;
    severity: Severity;
    message: string;
    /** The objects involved, `namespace/name` (cluster-scoped objects: their name). */
    objects: string[];
    /** The phase that would go wrong, or null when it is not one phase's. */
    phase: number | null;
    remedy: string;
    /** A blocker the stack accepted in `preflight.accept`, with its reason. */
    accepted?: { reason: string };
}

/** The snapshot's files, each optional: a check whose file is missing is `not-checked`, never passed. */
export interface PreflightInput {
    /** `aws eks describe-cluster` → `cluster`. */
    cluster?: Obj;
    /** Each `describe-nodegroup`'s `nodegroup`. */
    nodegroups?: Obj[];
    /** Each `describe-addon`'s `addon`. */
    addons?: Obj[];
    /** `aws ec2 describe-subnets` → `Subnets`. */
    subnets?: Obj[];
    nodes?: List<Obj>;
    pods?: List<Obj>;
    daemonsets?: List<Obj>;
    deployments?: List<Obj>;
    statefulsets?: List<Obj>;
    configmaps?: List<Obj>;
    poddisruptionbudgets?: List<Obj>;
    networkpolicies?: List<Obj>;
    ciliumnetworkpolicies?: List<Obj>;
    persistentvolumes?: List<Obj>;
    persistentvolumeclaims?: List<Obj>;
    eniconfigs?: List<Obj>;
    securitygrouppolicies?: List<Obj>;
    /** `aws autoscaling describe-auto-scaling-groups` → `AutoScalingGroups` (self-managed node groups). */
    autoscalinggroups?: Obj[];
    /** `launch-template-versions.json` → `LaunchTemplateVersions`. */
    launchtemplateversions?: Obj[];
    calicoinstallations?: List<Obj>;
    caliconetworkpolicies?: List<Obj>;
    calicoglobalnetworkpolicies?: List<Obj>;
    caliconetworksets?: List<Obj>;
    calicoglobalnetworksets?: List<Obj>;
    calicohostendpoints?: List<Obj>;
    calicotiers?: List<Obj>;
    /** Karpenter (design.md, "Karpenter NodePools"): `kubectl get nodepools.karpenter.sh -o json`, NodeClaims, EC2NodeClasses. */
    nodepools?: List<Obj>;
    nodeclaims?: List<Obj>;
    ec2nodeclasses?: List<Obj>;
}

export type InputPart = keyof PreflightInput;

/** Which nodes are legacy (design.md): the migrated groups' nodes, the demo's legacy group's, or every node running aws-node. */
export type LegacySelection =
    | { kind: "node-groups"; groups?: string[] }
    | { kind: "node-group"; name: string }
    | { kind: "aws-node" };

/** What the stack chose (from `--config-file`); without one, the program's defaults. */
export interface PreflightOptions {
    legacy: LegacySelection;
    labels: { key: string; legacyValue: string; ciliumValue: string };
    /** Where legacy pods go: each group's twin (`<group><suffix>`, existing clusters) or the demo's one Cilium group. */
    cilium: { kind: "twins"; suffix: string } | { kind: "group"; name: string };
    drain: { deleteEmptyDirData: boolean; batchSize: number };
    policyDuringMigration: "never" | "default";
    portmapChaining: boolean;
    /** The user's Cilium Helm overrides (masquerading, ENI settings). */
    ciliumValues: Obj;
    chartVersion: string;
    /**
     * The values the program gives the Cilium release in phase 3 (both CNIs run) and phase 9 (kube-proxy replaced):
     * components/cilium/values.ts `ciliumValues` with the stack's overrides (stacks/preflightConfig.ts works them out;
     * preflight sits beside components/ and cannot call it). The checks of "What changes meaning under Cilium" judge these.
     */
    releaseValues: { phase3: Obj; phase9: Obj };
    accept: { id: string; reason: string }[];
    /** Self-managed Auto Scaling groups the stack migrates (`existingCluster.autoScalingGroups`); unset: none. */
    asgs?: string[];
    /** Karpenter NodePools the stack migrates (`existingCluster.nodePools`); unset: every NodePool but the twins. */
    nodePools?: string[];
    /** `calico.applyConvertedPolicies: true`: the program applies Calico's converted policies at phase 3 (calico-policies is info). */
    calicoApplyConvertedPolicies?: boolean;
}

export const DEFAULT_OPTIONS: PreflightOptions = {
    legacy: { kind: "aws-node" },
    labels: { key: "cni", legacyValue: "aws-cni", ciliumValue: "cilium" },
    cilium: { kind: "twins", suffix: "-cilium" },
    drain: { deleteEmptyDirData: false, batchSize: 1 },
    policyDuringMigration: "default",
    portmapChaining: false,
    ciliumValues: {},
    chartVersion: "1.19.6",
    // What `ciliumValues` gives with no overrides, for the keys the checks read (tests/meaningChecks.test.ts holds them equal).
    releaseValues: { phase3: { kubeProxyReplacement: false }, phase9: { kubeProxyReplacement: true } },
    accept: [],
};

/** What every check sees: the input, the options, and the legacy nodes worked out once. */
export interface PreflightContext {
    input: PreflightInput;
    options: PreflightOptions;
    /** Names of the legacy nodes. */
    legacyNodes: Set<string>;
    index: PreflightIndex;
    /** Zones the Cilium pool has a subnet in (pool.ts), worked out once. */
    ciliumZones: Set<string>;
}
