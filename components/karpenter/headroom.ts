/**
 * Capacity before the drain (design.md, "Karpenter NodePools"): Karpenter launches nodes only for pending pods
 * (DaemonSets never trigger it: docs/field-notes.md, "Karpenter"), so in phases 3–5 a Deployment of pause pods per
 * twin pool asks for the legacy pool's capacity × `karpenter.headroom`. Their PriorityClass is below every workload and
 * never preempts: real pods preempt them, and the twins' nodes are there when the drain starts. Sizing is pure.
 */
import { KARPENTER_NODEPOOL_LABEL } from "../../migration/nodeRule";
import { NodeLabels } from "../../migration/names";
import { Taint } from "../../migration/karpenter";

/** The pause image (registry.k8s.io, the Kubernetes project's own), pinned. */
export const PAUSE_IMAGE = "registry.k8s.io/pause:3.10";
export const HEADROOM_NAMESPACE = "cilium-migration-headroom";
export const HEADROOM_PRIORITY_CLASS = "cilium-migration-headroom";
/** Below any priority a workload is given in practice (user classes go down to -2147483648; the default is 0). */
export const HEADROOM_PRIORITY = -1_000_000_000;
/** Pods per legacy node: small enough pieces that they pack onto whatever instance types the twin picks. */
export const PODS_PER_NODE = 4;

export interface HeadroomSize {
    replicas: number;
    /** Each pod's requests. */
    cpu: string;
    memory: string;
}

/** Replicas and per-pod requests summing (rounded up) to the legacy capacity × share; none when there is nothing to hold. */
export function headroomSize(capacity: { cpuMillis: number; memoryBytes: number; nodes: number }, share: number): HeadroomSize | undefined {
    const cpu = Math.ceil(capacity.cpuMillis * share);
    const memoryMi = Math.ceil(capacity.memoryBytes * share / 2 ** 20);
    if (capacity.nodes === 0 || (cpu === 0 && memoryMi === 0)) return undefined;
    const replicas = capacity.nodes * PODS_PER_NODE;
    return { replicas, cpu: `${Math.ceil(cpu / replicas)}m`, memory: `${Math.ceil(memoryMi / replicas)}Mi` };
}

/** The pod spec of a twin's headroom: pinned to the twin and the Cilium label, tolerating the twin's own taints only. */
export function headroomPodSpec(twin: string, labels: NodeLabels, taints: Taint[], size: HeadroomSize) {
    return {
        priorityClassName: HEADROOM_PRIORITY_CLASS,
        terminationGracePeriodSeconds: 0,
        nodeSelector: { [KARPENTER_NODEPOOL_LABEL]: twin, [labels.key]: labels.ciliumValue },
        // Startup taints are not tolerated: Karpenter expects them to clear (its provisioning ignores them), and the pods
        // should run only once Cilium is ready on the node.
        tolerations: taints.map((t) => ({ key: t.key, operator: t.value === undefined ? "Exists" : "Equal", ...(t.value !== undefined ? { value: t.value } : {}), effect: t.effect })),
        containers: [{ name: "pause", image: PAUSE_IMAGE, resources: { requests: { cpu: size.cpu, memory: size.memory } } }],
    };
}
