/**
 * Which CNI a node gets (design.md, "Which CNI a node gets"): from phase 1 until phase 8 drops the legacy-node
 * exclusion, a node runs Cilium if and only if kubelet registered it with the Cilium label (`cni=cilium`); aws-node
 * runs everywhere else. **Legacy nodes** — for the cordon, the drain, the gates and preflight — are therefore every
 * Linux EC2 node without the Cilium label, less the kinds never migrated (Fargate, hybrid, Auto Mode, Windows).
 * The legacy label (`cni=aws-cni`) is a readable marker only: nothing here relies on it being present.
 *
 * One reading for everybody: the kubectl selector the steps use and the predicate the gates and preflight use say the
 * same thing (tests/nodeRule.test.ts evaluates both on real node objects).
 */
import { EKS_COMPUTE_TYPE_LABEL, EKS_NODEGROUP_LABEL, NodeLabels, OWN_NETWORK_COMPUTE_TYPES } from "./names";

/** Karpenter labels every node it launches with its NodePool's name (kubernetes-sigs/karpenter, `v1.NodePoolLabelKey`). */
export const KARPENTER_NODEPOOL_LABEL = "karpenter.sh/nodepool";
/** kubelet's own OS label (`kubernetes.io/os`, set from GOOS on every registration). */
export const OS_LABEL = "kubernetes.io/os";

export type NodeLabelSet = Record<string, string> | undefined;

/** The kind of a node that brings its own networking and is never migrated, if it is one. */
export function unmigratedKind(labels: NodeLabelSet): "fargate" | "hybrid" | "auto" | "windows" | "not-linux" | undefined {
    const compute = labels?.[EKS_COMPUTE_TYPE_LABEL];
    if ((OWN_NETWORK_COMPUTE_TYPES as readonly string[]).includes(compute ?? "")) return compute as "fargate" | "hybrid" | "auto";
    const os = labels?.[OS_LABEL];
    if (os === "linux") return undefined;
    return os === "windows" ? "windows" : "not-linux";
}

/** What a stack applied by this rule records in its outputs (`cniRule`); a stack without it was pinned by the earlier one. */
export const CNI_RULE = "cilium-label";

/** A node born with the Cilium label: Cilium's, from phase 2 on. */
export const isCiliumNode = (labels: NodeLabelSet, nodeLabels: NodeLabels): boolean => labels?.[nodeLabels.key] === nodeLabels.ciliumValue;

/** A legacy node: a Linux EC2 node without the Cilium label (labelled with the legacy marker or not). */
export const isLegacyNode = (labels: NodeLabelSet, nodeLabels: NodeLabels): boolean =>
    !isCiliumNode(labels, nodeLabels) && unmigratedKind(labels) === undefined;

/**
 * The kubectl label selector of the legacy nodes, both halves spelled out: `cni!=cilium` alone also matches nodes
 * without the key, so it would take Fargate and Windows nodes too.
 * `cni!=cilium,eks.amazonaws.com/compute-type notin (fargate,hybrid,auto),kubernetes.io/os=linux`
 */
export function legacyNodeSelector(nodeLabels: NodeLabels): string {
    return `${nodeLabels.key}!=${nodeLabels.ciliumValue},${EKS_COMPUTE_TYPE_LABEL} notin (${OWN_NETWORK_COMPUTE_TYPES.join(",")}),${OS_LABEL}=linux`;
}

/** The pools a migration retires (design.md, "One notion of a legacy pool"); a kind left out is not told apart. */
export interface LegacyPools {
    /** Managed node groups (`eks.amazonaws.com/nodegroup`). */
    nodeGroups?: string[];
    /** Karpenter NodePools (`karpenter.sh/nodepool`). */
    nodePools?: string[];
    /** Self-managed Auto Scaling groups (told apart by instance id, which node labels do not carry). */
    asgs?: string[];
    /** Each known instance id with its Auto Scaling group's name (`autoscaling-groups.json`): how an ASG node is found. */
    asgInstances?: Record<string, string>;
    /** Where a step's gate reads the groups' instances live (`--cluster`, `--region`); without it they count as in no pool. */
    asgCluster?: { name: string; region?: string };
}

/** The EC2 instance id of a node: its `spec.providerID`, `aws:///<zone>/<instance id>` (the AWS cloud provider's form). */
export function instanceIdOf(providerID: string | undefined): string | undefined {
    return /^aws:\/\/\/[^/]*\/(i-[0-9a-f]+)$/.exec(providerID ?? "")?.[1];
}

/** The Auto Scaling group a node's instance belongs to, when the pools know its instances. */
export function asgOfNode(providerID: string | undefined, pools: LegacyPools): string | undefined {
    const id = instanceIdOf(providerID);
    return id === undefined ? undefined : pools.asgInstances?.[id];
}

/** The pool a node's labels name: its managed node group, or its Karpenter NodePool; none for a plain ASG node. */
export function poolOfNode(labels: NodeLabelSet): { kind: "node group" | "NodePool"; name: string } | undefined {
    const group = labels?.[EKS_NODEGROUP_LABEL];
    if (group) return { kind: "node group", name: group };
    const pool = labels?.[KARPENTER_NODEPOOL_LABEL];
    if (pool) return { kind: "NodePool", name: pool };
    return undefined;
}

/** `node group ng-1`, `NodePool default`, or `no managed node group or NodePool (a self-managed node)`. */
export function describePool(labels: NodeLabelSet): string {
    const pool = poolOfNode(labels);
    return pool ? `${pool.kind} ${pool.name}` : "no managed node group or NodePool (a self-managed or unknown node)";
}

/**
 * Whether a legacy node belongs to one of the configured pools: its managed node group or NodePool (by label), or —
 * a node whose labels name neither — its Auto Scaling group, by the instance id of its `providerID`.
 */
export function inConfiguredPool(labels: NodeLabelSet, pools: LegacyPools, providerID?: string): boolean {
    const pool = poolOfNode(labels);
    if (!pool) {
        const asg = asgOfNode(providerID, pools);
        return asg !== undefined && (pools.asgs ?? []).includes(asg);
    }
    return (pool.kind === "node group" ? pools.nodeGroups : pools.nodePools)?.includes(pool.name) ?? false;
}

/** One node selector requirement, as the scheduler reads it (`NotIn` and `DoesNotExist` hold for a node without the key). */
export interface Requirement { key: string; operator: string; values?: string[] }

export function requirementHolds(e: Requirement, labels: NodeLabelSet): boolean {
    const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, e.key);
    const value = labels?.[e.key];
    switch (e.operator) {
        case "In": return has && (e.values ?? []).includes(value as string);
        case "NotIn": return !has || !(e.values ?? []).includes(value as string);
        case "Exists": return has;
        case "DoesNotExist": return !has;
        case "Gt": return has && Number(value) > Number(e.values?.[0]);
        case "Lt": return has && Number(value) < Number(e.values?.[0]);
        default: return false;
    }
}

/** The placement part of a pod spec the scheduler reads for a node's labels. */
export interface Placement {
    nodeSelector?: Record<string, string>;
    affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: { matchExpressions?: Requirement[]; matchFields?: unknown[] }[] } } };
}

/**
 * Whether a pod spec may be placed on a node with these labels, as the scheduler (and the DaemonSet controller)
 * decides it: every `nodeSelector` entry, and the required node affinity's terms ORed, each term's expressions ANDed.
 * A term with `matchFields` names nodes by field: it is not taken to admit a node by its labels; an empty term
 * matches no node (k8s.io/api core/v1 `NodeSelectorTerm`).
 */
export function placementAdmits(spec: Placement | undefined, labels: NodeLabelSet): boolean {
    if (!Object.entries(spec?.nodeSelector ?? {}).every(([k, v]) => labels?.[k] === v)) return false;
    const terms = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    if (!terms) return true;
    return terms.some((t) => (t.matchFields ?? []).length === 0 && (t.matchExpressions ?? []).length > 0 &&
        (t.matchExpressions ?? []).every((e) => requirementHolds(e, labels)));
}
