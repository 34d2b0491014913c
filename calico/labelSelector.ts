/**
 * A Calico selector as Cilium label selectors: the expression in disjunctive normal form, each conjunction one
 * Kubernetes LabelSelector (Cilium ORs the selectors of a `fromEndpoints`/`toEndpoints` list and the `specs` of a
 * policy). Only what maps exactly is accepted; anything else throws Unconvertible with the reason.
 *
 * Keys: Calico gives every workload endpoint `projectcalico.org/namespace`, `projectcalico.org/serviceaccount` and its
 * namespace's labels as `pcns.<key>`; a namespace selector sees `projectcalico.org/name`; a service-account selector
 * likewise (libcalico-go `lib/backend/k8s/conversion`). Cilium's identity labels for the same facts are
 * `io.kubernetes.pod.namespace`, `io.cilium.k8s.policy.serviceaccount` and `io.cilium.k8s.namespace.labels.<key>`
 * (cilium/cilium `pkg/k8s/apis/cilium.io/const.go`, `utils/utils.go`).
 */
import { SelectorNode } from "./selector";

export class Unconvertible extends Error {}

export interface Requirement { key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; values?: string[] }
/** OR of ANDs. `[]` matches nothing; `[[]]` matches everything. */
export type Dnf = Requirement[][];
export type KeySpace = "endpoint" | "namespace" | "serviceaccount";

export const CILIUM_NAMESPACE = "io.kubernetes.pod.namespace";
export const CILIUM_SERVICE_ACCOUNT = "io.cilium.k8s.policy.serviceaccount";
export const CILIUM_NAMESPACE_LABELS = "io.cilium.k8s.namespace.labels.";
/** More alternatives than this would make an unreadable policy: withheld instead. */
const MAX_TERMS = 16;

/** The Cilium key for a Calico key in one key space; Calico-internal keys without a Cilium twin are refused. */
export function ciliumKey(space: KeySpace, key: string): string {
    if (space === "namespace") return key === "projectcalico.org/name" ? CILIUM_NAMESPACE : `${CILIUM_NAMESPACE_LABELS}${key}`;
    if (space === "serviceaccount") {
        if (key === "projectcalico.org/name") return CILIUM_SERVICE_ACCOUNT;
        throw new Unconvertible(`service-account selector on label ${JSON.stringify(key)}: Cilium's identities carry no service-account labels`);
    }
    if (key === "projectcalico.org/namespace") return CILIUM_NAMESPACE;
    if (key === "projectcalico.org/serviceaccount") return CILIUM_SERVICE_ACCOUNT;
    if (key.startsWith("pcns.")) return `${CILIUM_NAMESPACE_LABELS}${key.slice(5)}`;
    if (key.startsWith("projectcalico.org/") || key.startsWith("pcsa.")) {
        throw new Unconvertible(`selector on Calico's own label ${JSON.stringify(key)}, which has no Cilium identity label`);
    }
    return key;
}

const STRING_OPS = { contains: "contains", starts: "starts with", ends: "ends with" } as const;

/** The selector in DNF over Cilium keys. */
export function toDnf(node: SelectorNode, space: KeySpace, negated = false): Dnf {
    const req = (key: string, operator: Requirement["operator"], values?: string[]): Dnf =>
        [[{ key: ciliumKey(space, key), operator, ...(values ? { values } : {}) }]];
    switch (node.op) {
    case "all": return negated ? [] : [[]];
    case "global": throw new Unconvertible("`global()` selects Calico's non-namespaced objects (network sets, host endpoints), which have no Cilium identity");
    case "has": return req(node.key, negated ? "DoesNotExist" : "Exists");
    case "eq": return req(node.key, negated ? "NotIn" : "In", [node.value]);
    case "ne": return req(node.key, negated ? "In" : "NotIn", [node.value]);
    case "in": case "notin": {
        const positive = (node.op === "in") !== negated;
        // Kubernetes refuses an empty value list: `in {}` matches nothing, `not in {}` everything.
        if (node.values.length === 0) return positive ? [] : [[]];
        return req(node.key, positive ? "In" : "NotIn", node.values);
    }
    case "contains": case "starts": case "ends":
        throw new Unconvertible(`selector string operator \`${STRING_OPS[node.op]}\` (on ${JSON.stringify(node.key)}): Kubernetes label selectors match whole values only`);
    case "not": return toDnf(node.node, space, !negated);
    case "and": case "or": {
        const parts = node.nodes.map((n) => toDnf(n, space, negated));
        return (node.op === "and") !== negated ? parts.reduce(andDnf, [[]]) : cap(parts.flat());
    }
    }
}

export function andDnf(a: Dnf, b: Dnf): Dnf {
    return cap(a.flatMap((x) => b.map((y) => [...x, ...y])));
}

function cap(dnf: Dnf): Dnf {
    if (dnf.length > MAX_TERMS) throw new Unconvertible(`selector expands to ${dnf.length} alternatives (more than ${MAX_TERMS})`);
    return dnf;
}

/** One conjunction as a Kubernetes LabelSelector: single-value `In` as matchLabels where the key is not repeated. */
export function labelSelector(conj: Requirement[]): { matchLabels?: Record<string, string>; matchExpressions?: Requirement[] } {
    const counts = new Map<string, number>();
    for (const r of conj) counts.set(r.key, (counts.get(r.key) ?? 0) + 1);
    const matchLabels: Record<string, string> = {};
    const matchExpressions: Requirement[] = [];
    for (const r of conj) {
        if (r.operator === "In" && r.values!.length === 1 && counts.get(r.key) === 1) matchLabels[r.key] = r.values![0];
        else matchExpressions.push(r);
    }
    return {
        ...(Object.keys(matchLabels).length ? { matchLabels } : {}),
        ...(matchExpressions.length ? { matchExpressions } : {}),
    };
}
