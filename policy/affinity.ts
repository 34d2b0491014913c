/**
 * Whether a registered node affinity can place a pod on a node carrying one label. The program writes affinities
 * (components/awsNode/affinity.ts, components/cilium/daemonSets.ts) but never evaluates one, and the gate's
 * `affinityRequires` (gates/checks/awsNode.ts) accepts only the exact `In [aws-cni]` pin; a policy must also accept
 * the design's `NotIn [cilium]` form and a user's own terms, so it evaluates the requirement itself.
 *
 * Kubernetes ORs node selector terms and ANDs the expressions of a term; a pod without a required node affinity
 * may run on any node. A term keeps the pod off every node with `key=value` when one of its expressions on `key`
 * fails for that value; expressions on other keys can always be met by some node, so they do not help.
 */
export interface Requirement {
    key?: unknown;
    operator?: unknown;
    values?: unknown;
}

interface Term {
    matchExpressions?: Requirement[];
    matchFields?: unknown[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The required node selector terms of an affinity (`undefined`: none, so every node is admitted). */
export function requiredTerms(affinity: unknown): Term[] | undefined {
    if (!isObject(affinity) || !isObject(affinity.nodeAffinity)) return undefined;
    const required = affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution;
    if (!isObject(required) || !Array.isArray(required.nodeSelectorTerms)) return undefined;
    return required.nodeSelectorTerms.filter(isObject) as Term[];
}

/** Whether one expression fails for a node whose `key` is `value` (an expression on another key never does). */
function failsFor(e: Requirement, key: string, value: string): boolean {
    if (e.key !== key) return false;
    const values = Array.isArray(e.values) ? e.values : [];
    switch (e.operator) {
        case "In": return !values.includes(value);
        case "NotIn": return values.includes(value);
        case "DoesNotExist": return true;
        // Gt/Lt compare integers: a label value that is not one fails them.
        case "Gt": case "Lt": return !/^-?[0-9]+$/.test(value);
        default: return false;
    }
}

/** True when no node labelled `key=value` satisfies the affinity's required terms. */
export function keepsOffLabel(affinity: unknown, key: string, value: string): boolean {
    const terms = requiredTerms(affinity);
    if (terms === undefined || terms.length === 0) return false;
    // An empty term matches no node (the Kubernetes API's NodeSelectorTerm); matchFields name nodes we cannot see.
    const matchesNothing = (t: Term) => (t.matchExpressions ?? []).length === 0 && (t.matchFields ?? []).length === 0;
    return terms.every((t) => matchesNothing(t) || (t.matchExpressions ?? []).some((e) => failsFor(e, key, value)));
}
