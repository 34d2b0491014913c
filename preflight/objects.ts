/**
 * Readings of Kubernetes objects the preflight checks share: label selectors and node affinity as the scheduler
 * evaluates them, which pods sit on legacy nodes, what owns a pod, and aws-node's environment as it runs.
 */
import { EKS_COMPUTE_TYPE_LABEL } from "../migration/names";
import { Requirement, asgOfNode, isLegacyNode, poolOfNode, requirementHolds } from "../migration/nodeRule";
import { AutoScalingGroup, asgByInstance } from "../clusterReader/autoScalingGroups";
import { List } from "../clusterReader/k8sTypes";
import { Obj, PreflightContext, PreflightInput, PreflightOptions } from "./types";

export const nameOf = (o: Obj): string => o?.metadata?.name ?? "(unnamed)";
export const qualified = (o: Obj): string => (o?.metadata?.namespace ? `${o.metadata.namespace}/${nameOf(o)}` : nameOf(o));
export const itemsOf = (list: List<Obj> | undefined): Obj[] => list?.items ?? [];
export const labelsOf = (o: Obj): Record<string, string> => o?.metadata?.labels ?? {};

export const isDaemonSetPod = (pod: Obj): boolean => (pod.metadata?.ownerReferences ?? []).some((r: Obj) => r.kind === "DaemonSet");
export const isMirrorPod = (pod: Obj): boolean => pod.metadata?.annotations?.["kubernetes.io/config.mirror"] !== undefined;
export const isTerminal = (pod: Obj): boolean => pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
export const controllerOf = (pod: Obj): Obj | undefined => (pod.metadata?.ownerReferences ?? []).find((r: Obj) => r.controller) ??
    pod.metadata?.ownerReferences?.[0];

/** A `LabelSelector` (matchLabels AND matchExpressions) against labels; an empty selector selects everything. */
export function selects(selector: Obj | undefined, labels: Record<string, string>): boolean {
    if (!selector) return false;
    const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
    return byLabels && (selector.matchExpressions ?? []).every((e: Obj) => requirementHolds(e as Requirement, labels));
}

/**
 * Whether a pod's node constraints admit a node with these labels: its nodeSelector, and its required node affinity
 * (terms ORed, expressions ANDed). A term with `matchFields` names nodes: no other node fits it.
 */
export function podFitsNode(pod: Obj, nodeName: string, labels: Record<string, string>): boolean {
    const spec = pod.spec ?? {};
    if (!Object.entries(spec.nodeSelector ?? {}).every(([k, v]) => labels[k] === v)) return false;
    const terms: Obj[] | undefined = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    if (!terms || terms.length === 0) return true;
    return terms.some((t) => (t.matchExpressions ?? []).every((e: Obj) => requirementHolds(e as Requirement, labels)) &&
        (t.matchFields ?? []).every((f: Obj) => f.key === "metadata.name" && requirementHolds({ ...f, key: "name" } as Requirement, { name: nodeName })));
}

/** aws-node's environment as its DaemonSet runs it (literal values; `valueFrom` entries are not readable here). */
export function awsNodeEnv(input: PreflightInput): Record<string, string> | undefined {
    const ds = itemsOf(input.daemonsets).find((d) => d.metadata?.namespace === "kube-system" && nameOf(d) === "aws-node");
    if (!ds) return undefined;
    const container = (ds.spec?.template?.spec?.containers ?? []).find((c: Obj) => c.name === "aws-node");
    return Object.fromEntries((container?.env ?? []).filter((e: Obj) => typeof e.value === "string").map((e: Obj) => [e.name, e.value]));
}

export const envTrue = (env: Record<string, string> | undefined, key: string): boolean => (env?.[key] ?? "").toLowerCase() === "true";

/** Nodes that bring their own networking (no aws-node, no Cilium): Fargate, hybrid, Auto Mode, Windows. */
export function ownNetworkKind(node: Obj): string | undefined {
    const labels = labelsOf(node);
    const compute = labels[EKS_COMPUTE_TYPE_LABEL];
    if (compute === "fargate" || compute === "hybrid" || compute === "auto") return compute;
    return labels["kubernetes.io/os"] === "windows" ? "windows" : undefined;
}

/**
 * The legacy nodes ("Which CNI a node gets"): every Linux EC2 node without the Cilium label, less Fargate, hybrid,
 * Auto Mode and Windows nodes — labelled legacy or not, in a configured pool or not. The options' pools only assign
 * each legacy node to a pool (`configuredPoolOf`).
 */
export function legacyNodesOf(input: PreflightInput, options: PreflightOptions): Set<string> {
    return new Set(itemsOf(input.nodes).filter((n) => isLegacyNode(labelsOf(n), options.labels)).map(nameOf));
}

/**
 * The configured legacy pool a node belongs to, if any: a managed node group the stack migrates (its `nodeGroups`,
 * by default every managed node group; the demo's one legacy group), a Karpenter NodePool an existing cluster's stack
 * migrates (its `nodePools`, by default every NodePool but the twins, whose nodes carry the Cilium label and are never
 * legacy), or a self-managed Auto Scaling group it migrates (`asgs`), found by the node's instance id in
 * `autoscaling-groups.json`.
 */
export function configuredPoolOf(node: Obj, options: PreflightOptions, input?: PreflightInput): string | undefined {
    const pool = poolOfNode(labelsOf(node));
    if (pool?.kind === "NodePool") {
        if (options.legacy.kind === "node-group") return undefined;
        return options.nodePools?.includes(pool.name) ? pool.name : undefined;
    }
    if (!pool && options.asgs && input) {
        const asg = asgOfNode(node.spec?.providerID, { asgInstances: asgInstancesOf(input) });
        return asg !== undefined && options.asgs.includes(asg) ? asg : undefined;
    }
    if (pool?.kind !== "node group") return undefined;
    const sel = options.legacy;
    if (sel.kind === "node-group") return pool.name === sel.name ? pool.name : undefined;
    if (sel.kind === "node-groups" && sel.groups) return sel.groups.includes(pool.name) ? pool.name : undefined;
    return pool.name;
}

const asgInstanceCache = new WeakMap<PreflightInput, Record<string, string>>();

/** Each instance id of the snapshot's Auto Scaling groups with its group's name, worked out once per input. */
export function asgInstancesOf(input: PreflightInput): Record<string, string> {
    let found = asgInstanceCache.get(input);
    if (!found) {
        found = asgByInstance((input.autoscalinggroups ?? []) as AutoScalingGroup[]);
        asgInstanceCache.set(input, found);
    }
    return found;
}

/** Running (not finished) pods on legacy nodes. */
export const podsOnLegacy = (ctx: PreflightContext): Obj[] =>
    itemsOf(ctx.input.pods).filter((p) => ctx.legacyNodes.has(p.spec?.nodeName) && !isTerminal(p));

/** The pods kubectl drain evicts from a node: not DaemonSet pods, not mirror pods, not finished ones. */
export const evictable = (pod: Obj): boolean => !isDaemonSetPod(pod) && !isMirrorPod(pod) && !isTerminal(pod);

export const unique = <T>(items: T[]): T[] => [...new Set(items)];
