/**
 * Calico's objects as the converter reads them, from either API a cluster serves them by: the `projectcalico.org/v3`
 * API (the Calico API server, or the native v3 CRDs) or the `crd.projectcalico.org/v1` storage form. The storage form
 * keeps a policy of the default tier as `default.<name>` and a resource's own labels in the `projectcalico.org/metadata`
 * annotation (libcalico-go `lib/backend/k8s/resources/resources.go`, `ConvertK8sResourceToCalicoResource`,
 * `determinePolicyName`); both read back to the v3 name and labels here.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = Record<string, any>;

export type PolicyKind = "NetworkPolicy" | "GlobalNetworkPolicy";

export interface CalicoPolicy {
    kind: PolicyKind;
    /** The v3 name. */
    name: string;
    namespace?: string;
    tier: string;
    /** Calico's `order`; none is evaluated last ("infinite"). */
    order: number | undefined;
    spec: Obj;
    /** How reports name it: `GlobalNetworkPolicy/<name>`, `NetworkPolicy/<namespace>/<name>`. */
    ref: string;
}

export interface CalicoNetworkSet { kind: "GlobalNetworkSet" | "NetworkSet"; name: string; namespace?: string; labels: Record<string, string>; nets: string[]; ref: string }
export interface CalicoHostEndpoint { name: string; node?: string; labels: Record<string, string>; ref: string }

/** What the converter reads: every Calico object of the snapshot's Calico files. */
export interface CalicoInput {
    networkPolicies: Obj[];
    globalNetworkPolicies: Obj[];
    networkSets: Obj[];
    globalNetworkSets: Obj[];
    hostEndpoints: Obj[];
    /** Not needed to decide: a policy in any tier but `default` is withheld, whatever the tier's order or default action. */
    tiers: Obj[];
    /** Kubernetes NetworkPolicies: Calico evaluates them in its default tier at order 1000. */
    kubernetesPolicies?: Obj[];
}

const METADATA_ANNOTATION = "projectcalico.org/metadata";

/** The v3 metadata an object carries, the storage form's annotation read back. Throws on an annotation that is not JSON. */
function v3Metadata(o: Obj): { name?: string; labels: Record<string, string> } {
    const raw = o.metadata?.annotations?.[METADATA_ANNOTATION];
    let stored: Obj = {};
    if (typeof raw === "string") {
        try { stored = JSON.parse(raw); } catch { throw new Error(`annotation ${METADATA_ANNOTATION} is not JSON`); }
    }
    return { name: typeof stored.name === "string" && stored.name ? stored.name : undefined, labels: { ...(o.metadata?.labels ?? {}), ...(stored.labels ?? {}) } };
}

export function readPolicy(o: Obj, kind: PolicyKind): CalicoPolicy {
    const stored = v3Metadata(o);
    const spec = o.spec ?? {};
    const tier = typeof spec.tier === "string" && spec.tier ? spec.tier : "default";
    const raw = String(o.metadata?.name ?? "");
    const name = stored.name ?? (tier === "default" ? raw.replace(/^default\./, "") : raw);
    const namespace = kind === "NetworkPolicy" ? String(o.metadata?.namespace ?? "") : undefined;
    if (spec.order !== undefined && typeof spec.order !== "number") throw new Error(`spec.order is ${JSON.stringify(spec.order)}, not a number`);
    return { kind, name, namespace, tier, order: spec.order, spec, ref: `${kind}/${namespace ? `${namespace}/` : ""}${name}` };
}

export function readNetworkSet(o: Obj, kind: CalicoNetworkSet["kind"]): CalicoNetworkSet {
    const name = String(o.metadata?.name ?? "");
    const namespace = kind === "NetworkSet" ? String(o.metadata?.namespace ?? "") : undefined;
    return { kind, name, namespace, labels: v3Metadata(o).labels, nets: o.spec?.nets ?? [], ref: `${kind}/${namespace ? `${namespace}/` : ""}${name}` };
}

export function readHostEndpoint(o: Obj): CalicoHostEndpoint {
    const name = String(o.metadata?.name ?? "");
    return { name, node: o.spec?.node, labels: v3Metadata(o).labels, ref: `HostEndpoint/${name}` };
}

/** The order Calico evaluates a tier's policies in: by `order` (none last), then by name. */
export function evaluationOrder(a: { order: number | undefined; name: string }, b: { order: number | undefined; name: string }): number {
    const [x, y] = [a.order ?? Infinity, b.order ?? Infinity];
    return x !== y ? (x < y ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Calico's default `types` when none are given (v3 `NetworkPolicySpec.Types` doc): Egress only with egress rules alone. */
export function policyTypes(spec: Obj): ("Ingress" | "Egress")[] {
    if (Array.isArray(spec.types) && spec.types.length > 0) return spec.types;
    const [ing, egr] = [(spec.ingress ?? []).length > 0, (spec.egress ?? []).length > 0];
    return egr && !ing ? ["Egress"] : egr ? ["Ingress", "Egress"] : ["Ingress"];
}
