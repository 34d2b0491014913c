/**
 * Whether a registered node affinity can place a pod on some node carrying one label (or lacking a key). The program's
 * own evaluator (migration/nodeRule.ts `placementAdmits`) answers for one node's whole label set; a policy judges a
 * registered affinity for *every* node with that label — the user's own terms included — so it asks per expression.
 *
 * Kubernetes ORs node selector terms and ANDs the expressions of a term; a pod without a required node affinity
 * may run on any node. A term keeps the pod off every node with `key=value` when one of its expressions on `key`
 * fails for that value; expressions on other keys can always be met by some node, so they do not help.
 */
import { requirementHolds } from "../migration/nodeRule";
import { isObject } from "./resources";

export interface Requirement {
    key?: unknown;
    operator?: unknown;
    values?: unknown;
}

interface Term {
    matchExpressions?: Requirement[];
    matchFields?: unknown[];
}


/** The required node selector terms of an affinity (`undefined`: none, so every node is admitted). */
export function requiredTerms(affinity: unknown): Term[] | undefined {
    if (!isObject(affinity) || !isObject(affinity.nodeAffinity)) return undefined;
    const required = affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution;
    if (!isObject(required) || !Array.isArray(required.nodeSelectorTerms)) return undefined;
    return required.nodeSelectorTerms.filter(isObject) as Term[];
}

const OPERATORS = ["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"];

/**
 * Whether one expression fails for a node whose `key` is `value`, or — `value` undefined — that has no `key` at all,
 * as the scheduler evaluates it (migration/nodeRule.ts). An expression on another key never fails: some node meets
 * it; nor does an operator the API would refuse (nothing is proven kept off by it).
 */
function failsFor(e: Requirement, key: string, value: string | undefined): boolean {
    if (e.key !== key || typeof e.operator !== "string" || !OPERATORS.includes(e.operator)) return false;
    const values = Array.isArray(e.values) ? e.values.map(String) : [];
    return !requirementHolds({ key, operator: e.operator, values }, value === undefined ? {} : { [key]: value });
}

/** True when no node labelled `key=value` (no node without `key`, for `value` undefined) satisfies the affinity's required terms. */
export function keepsOffLabel(affinity: unknown, key: string, value: string | undefined): boolean {
    const terms = requiredTerms(affinity);
    if (terms === undefined || terms.length === 0) return false;
    // An empty term matches no node (the Kubernetes API's NodeSelectorTerm); matchFields name nodes we cannot see.
    const matchesNothing = (t: Term) => (t.matchExpressions ?? []).length === 0 && (t.matchFields ?? []).length === 0;
    return terms.every((t) => matchesNothing(t) || (t.matchExpressions ?? []).some((e) => failsFor(e, key, value)));
}
