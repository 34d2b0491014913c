/**
 * The stack config of the Karpenter NodePool migration (design.md, "Karpenter NodePools"): `existingCluster.nodePools`
 * (which NodePools are legacy pools; unset: every NodePool the cluster has but the twins) and `karpenter.headroom`
 * (0–2, the share of the legacy pools' capacity brought up on Cilium before the drain). Pure.
 */
import { INVALID, Problems, isPlainObject, noUnknownKeys } from "./validate";

export interface KarpenterConfig {
    /** Headroom pods request this share of the legacy NodePools' nodes' allocatable CPU and memory (phases 3–5). */
    headroom: number;
}

export const DEFAULT_KARPENTER: KarpenterConfig = { headroom: 1.0 };
export const MAX_HEADROOM = 2;

/** A NodePool's name: a DNS-1123 subdomain (lower case letters, digits, '-' and '.', at most 253), as Kubernetes names objects. */
const NODEPOOL_NAME = /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/;

export function parseKarpenter(p: Problems, value: unknown): KarpenterConfig {
    if (value === undefined) return DEFAULT_KARPENTER;
    if (value === INVALID) return undefined as unknown as KarpenterConfig;
    if (!isPlainObject(value)) {
        p.add(`\`karpenter\` is ${JSON.stringify(value)}; it must be an object: {headroom}.`);
        return undefined as unknown as KarpenterConfig;
    }
    noUnknownKeys(p, "karpenter", value, ["headroom"]);
    const headroom = value.headroom ?? DEFAULT_KARPENTER.headroom;
    if (typeof headroom !== "number" || !Number.isFinite(headroom) || headroom < 0 || headroom > MAX_HEADROOM) {
        p.add(`\`karpenter.headroom\` is ${JSON.stringify(headroom)}; it must be a number from 0 to ${MAX_HEADROOM} ` +
            "(the share of the legacy NodePools' capacity brought up on Cilium before the drain; 1.0: all of it).");
        return DEFAULT_KARPENTER;
    }
    return { headroom };
}

/** `existingCluster.nodePools`: NodePool names, each once; unset stays unset (the default set is the cluster's). */
export function parseNodePoolNames(p: Problems, value: unknown): { nodePools?: string[] } {
    if (value === undefined) return {};
    const key = "existingCluster.nodePools";
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string" || !NODEPOOL_NAME.test(v))) {
        p.add(`\`${key}\` is ${JSON.stringify(value)}; it must be a list of NodePool names (lower case letters, digits, '-' or '.', ` +
            "starting and ending with a letter or digit, as `kubectl get nodepools` lists them).");
        return {};
    }
    if (new Set(value).size !== value.length) p.add(`\`${key}\` lists a NodePool twice: ${JSON.stringify(value)}.`);
    return { nodePools: value as string[] };
}
