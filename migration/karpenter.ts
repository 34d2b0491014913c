/**
 * Karpenter's own vocabulary (karpenter.sh/v1, karpenter.k8s.aws/v1), shared by the program, the gates and preflight
 * (design.md, "Karpenter NodePools"; facts in docs/field-notes.md, "Karpenter"). Imports only the ground's own helpers.
 */
import { DURATION, parseDuration } from "./duration";

export const KARPENTER_API_VERSION = "karpenter.sh/v1";
export const NODEPOOL_KIND = "NodePool";
export const NODECLAIM_KIND = "NodeClaim";
export const EC2NODECLASS_API_VERSION = "karpenter.k8s.aws/v1";

/**
 * `spec.template.spec.expireAfter`'s default, and its schema's pattern: Go durations in s/m/h only, or `Never`
 * (the NodePool CRD, tests/fixtures/real/karpenter/crds/karpenter.sh_nodepools.yaml).
 */
export const DEFAULT_EXPIRE_AFTER = "720h";
const isExpireAfter = (value: string): boolean => value === "Never" || DURATION.test(value);
/** An `expireAfter` value in milliseconds; `Never` is Infinity; undefined for a value the schema refuses. */
export function expireAfterMs(value: string): number | undefined {
    if (!isExpireAfter(value)) return undefined;
    return value === "Never" ? Infinity : parseDuration(value);
}

/** The label the program puts on a twin NodePool's own metadata (never its template): the legacy pool it twins. */
export const TWIN_OF_LABEL = "eks-cilium-migration/twin-of";
/**
 * The annotation the program's patch writes on a legacy NodePool (metadata is not hashed for drift: only
 * `spec.template` is): its behavioural fields as they were before the migration, so they survive a failed update.
 */
export const ORIGINALS_ANNOTATION = "eks-cilium-migration/originals";

/** The highest `spec.weight` the NodePool CRD accepts (`maximum: 100`). */
export const MAX_WEIGHT = 100;

/** A NodePool as the program reads it: only what the migration looks at. */
export interface NodePoolObject {
    metadata: { name: string; uid?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
    spec: {
        template: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: Record<string, unknown> & {
            nodeClassRef?: { group: string; kind: string; name: string };
            expireAfter?: string;
            taints?: Taint[];
            startupTaints?: Taint[];
        } };
        disruption?: { budgets?: Budget[]; consolidationPolicy?: string; consolidateAfter?: string };
        limits?: Record<string, string | number>;
        weight?: number;
        replicas?: number;
    };
    status?: { resources?: Record<string, string> };
}

export interface Taint { key: string; value?: string; effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute" }
export interface Budget { nodes: string; schedule?: string; duration?: string; reasons?: string[] }
