/** Small readings of Kubernetes objects shared by the checks. */
import { Condition, DaemonSet, Deployment, List, Node, Pod } from "./k8sTypes";
import { GateContext, LabelSelector, isLegacy, matches } from "./selectors";

export const nameOf = (o: { metadata?: { name?: string } }): string => o.metadata?.name ?? "(unnamed)";
export const qualifiedName = (o: { metadata?: { name?: string; namespace?: string } }): string => `${o.metadata?.namespace ?? "?"}/${nameOf(o)}`;

const condition = (conditions: Condition[] | undefined, type: string) => conditions?.find((c) => c.type === type);

export const isNodeReady = (node: Node): boolean => condition(node.status?.conditions, "Ready")?.status === "True";
export const isPodReady = (pod: Pod): boolean => condition(pod.status?.conditions, "Ready")?.status === "True";
export const isPodRunning = (pod: Pod): boolean => pod.status?.phase === "Running" && !pod.metadata?.deletionTimestamp;
/** Completed pods hold no network and no workload. */
export const isPodTerminal = (pod: Pod): boolean => pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
export const isDaemonSetPod = (pod: Pod): boolean => pod.metadata?.ownerReferences?.some((o) => o.kind === "DaemonSet") ?? false;
/** Static pods as the API server shows them. */
export const isMirrorPod = (pod: Pod): boolean => pod.metadata?.annotations?.["kubernetes.io/config.mirror"] !== undefined;

export function nodesMatching(nodes: List<Node>, selector: LabelSelector): Node[] {
    return nodes.items.filter((n) => matches(selector, n.metadata?.labels));
}

/** The legacy nodes ("Which CNI a node gets"; selectors.ts `isLegacy`). */
export function legacyNodes(nodes: List<Node>, ctx: GateContext): Node[] {
    return nodes.items.filter((n) => isLegacy(ctx, n.metadata?.labels));
}

export function podsWithLabel(pods: List<Pod>, key: string, value: string, namespace?: string): Pod[] {
    return pods.items.filter((p) => p.metadata?.labels?.[key] === value && (namespace === undefined || p.metadata?.namespace === namespace));
}

export function findNamed<T extends { metadata?: { name?: string; namespace?: string } }>(list: List<T>, namespace: string, name: string): T | undefined {
    return list.items.find((o) => o.metadata?.namespace === namespace && o.metadata?.name === name);
}

export function podsByNode(pods: Pod[]): Map<string, Pod[]> {
    const byNode = new Map<string, Pod[]>();
    for (const pod of pods) {
        const node = pod.spec?.nodeName;
        if (!node) continue;
        const list = byNode.get(node);
        if (list) list.push(pod);
        else byNode.set(node, [pod]);
    }
    return byNode;
}

export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** A rollout is done when the controller saw the latest spec and every replica is updated and available. */
export function deploymentAvailable(d: Deployment): { ok: boolean; detail: string } {
    const want = d.spec?.replicas ?? 1;
    const s = d.status ?? {};
    const observed = (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
    const ok = observed && (s.availableReplicas ?? 0) >= want && (s.updatedReplicas ?? 0) >= want && want > 0;
    return { ok, detail: `${s.availableReplicas ?? 0}/${want} available, ${s.updatedReplicas ?? 0}/${want} updated${observed ? "" : ", rollout not yet observed"}` };
}

export function daemonSetRolledOut(ds: DaemonSet): { ok: boolean; detail: string } {
    const s = ds.status ?? {};
    const want = s.desiredNumberScheduled ?? 0;
    const observed = (s.observedGeneration ?? 0) >= (ds.metadata?.generation ?? 0);
    const ok = observed && (s.numberReady ?? 0) === want && (s.updatedNumberScheduled ?? 0) === want;
    return { ok, detail: `${s.numberReady ?? 0}/${want} ready, ${s.updatedNumberScheduled ?? 0}/${want} updated${observed ? "" : ", rollout not yet observed"}` };
}
