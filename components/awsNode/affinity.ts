/**
 * aws-node's node affinity ("Which CNI a node gets"): aws-node keeps its current terms (the add-on's own, else the
 * chart's default of the version that runs) and each term gets `<key> NotIn [<ciliumValue>]` (AND), so phase 1 only
 * ever narrows where it runs: it keeps every node kubelet registered without the Cilium label — labelled legacy or
 * not (a legacy ASG's scale-out, a legacy NodePool's node) — and leaves only Cilium nodes, whose taint it would
 * tolerate (`tolerations: [{operator: Exists}]`, field notes "Why the pools must stay apart"). A custom affinity
 * replaces the default one (vpc-cni addon and DaemonSet alike), hence the default terms restated.
 *
 * Earlier versions of this program pinned with `<key> In [<legacyValue>]` (the seeds' rule); that requirement is ours
 * and is replaced, never kept next to the new one.
 *
 * The default terms changed at vpc-cni v1.19.0: from then on Fargate, EKS hybrid and Auto Mode nodes are excluded,
 * before only Fargate (charts/aws-vpc-cni/values.yaml; tests/fixtures/real/amazon-vpc-cni holds both).
 */
import * as YAML from "yaml";
import { NodeLabels } from "../../migration/names";

export interface NodeSelectorRequirement {
    key: string;
    operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
    values?: string[];
}

const OS_AND_ARCH: readonly NodeSelectorRequirement[] = [
    { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
    { key: "kubernetes.io/arch", operator: "In", values: ["amd64", "arm64"] },
];

/** The chart's default terms up to v1.18. */
export const TERMS_BEFORE_1_19: readonly NodeSelectorRequirement[] = [...OS_AND_ARCH, { key: "eks.amazonaws.com/compute-type", operator: "NotIn", values: ["fargate"] }];
/** The chart's default terms from v1.19.0. */
export const TERMS_FROM_1_19: readonly NodeSelectorRequirement[] = [...OS_AND_ARCH, { key: "eks.amazonaws.com/compute-type", operator: "NotIn", values: ["fargate", "hybrid", "auto"] }];

/**
 * The default aws-node terms of a vpc-cni version ("v1.18.6", "v1.19.2-eksbuild.1"). Unknown or unset: the newer
 * terms, which also suit an older aws-node (it has no business on hybrid or Auto Mode nodes either).
 */
export function defaultAwsNodeTerms(vpcCniVersion?: string): readonly NodeSelectorRequirement[] {
    const match = /^v?1\.([0-9]+)\./.exec(vpcCniVersion ?? "");
    return match && Number(match[1]) < 19 ? TERMS_BEFORE_1_19 : TERMS_FROM_1_19;
}

const copy = (terms: readonly NodeSelectorRequirement[]) => terms.map((e) => ({ ...e, values: [...(e.values ?? [])] }));

/** The requirement pinning adds to each term: not a node born with the Cilium label. */
export const awsNodePin = (labels: NodeLabels): NodeSelectorRequirement & { values: string[] } => ({ key: labels.key, operator: "NotIn", values: [labels.ciliumValue] });

/** aws-node's affinity: the default terms, plus `<key> NotIn [<ciliumValue>]` when pinned. */
export function awsNodeAffinity(pinned: boolean, labels: NodeLabels, vpcCniVersion?: string) {
    const expressions = copy(defaultAwsNodeTerms(vpcCniVersion));
    if (pinned) expressions.push(awsNodePin(labels));
    return { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: expressions }] } } };
}

/**
 * `configurationValues` of the vpc-cni EKS addon (JSON text, as the EKS API takes it). Always set, also unpinned:
 * the value is optional and computed, so leaving it out on the way back from 1 to 0 would keep the pinned affinity
 * on the addon (field notes); the default affinity is written back explicitly instead.
 */
export function vpcCniAddonConfiguration(pinned: boolean, labels: NodeLabels, vpcCniVersion?: string): string {
    return JSON.stringify({ affinity: awsNodeAffinity(pinned, labels, vpcCniVersion) });
}

/** The server-side-apply patch body for a self-managed aws-node DaemonSet (everything but metadata). */
export function awsNodeDaemonSetPatchSpec(labels: NodeLabels, vpcCniVersion?: string) {
    return { template: { spec: { affinity: awsNodeAffinity(true, labels, vpcCniVersion) } } };
}

export type Term = { matchExpressions?: NodeSelectorRequirement[]; matchFields?: unknown[] };
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const requiredTermsOf = (affinity: unknown): Term[] | undefined => {
    const terms = (affinity as { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: unknown } } } | undefined)
        ?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    return Array.isArray(terms) ? terms as Term[] : undefined;
};
/**
 * A requirement this program wrote: today's pin (`<key> NotIn [<ciliumValue>]`) or the seeds' (`<key> In
 * [<legacyValue>]`); a user's own requirement on the key (say `<key> In [<other>]`) is theirs and stays. Either is taken out before the pin is added again, so a stack pinned by an earlier version moves to
 * today's rule in one update, and a term never carries both.
 */
const isPin = (labels: NodeLabels) => (e: NodeSelectorRequirement) => e.key === labels.key && (e.values ?? []).length === 1 &&
    ((e.operator === "In" && e.values?.[0] === labels.legacyValue) || (e.operator === "NotIn" && e.values?.[0] === labels.ciliumValue));

/**
 * Terms with every requirement of ours taken out. A term that held nothing but ours is dropped, not left empty: an
 * empty term matches no node (k8s.io/api core/v1 `NodeSelectorTerm`), so the agent would leave every node.
 */
const withoutOurs = (terms: readonly Term[] | undefined, labels: NodeLabels): (Term & { matchExpressions: NodeSelectorRequirement[] })[] => (terms ?? [])
    .filter((t) => (t.matchFields ?? []).length > 0 || (t.matchExpressions ?? []).length === 0 || !(t.matchExpressions ?? []).every(isPin(labels)))
    .map((t) => ({ ...t, matchExpressions: (t.matchExpressions ?? []).filter((e) => !isPin(labels)(e)) }));

/**
 * An existing vpc-cni add-on's `configurationValues` with aws-node pinned (or unpinned), every other setting kept.
 * The add-on takes JSON or YAML (EKS accepts both); it is read as YAML (a superset of JSON) and written back as JSON.
 * - Pinning adds `<key> NotIn [<ciliumValue>]` to each of the add-on's own node selector terms (any requirement of
 *   ours taken out first, the seeds' `<key> In [<legacyValue>]` included), or, without an affinity of its own, to the
 *   chart's default terms of the running version.
 * - Unpinning takes that requirement out again. Without it (nothing of ours to undo), the text is returned as it is,
 *   so adopting the add-on changes nothing. When our requirement was the only change to the default, the default
 *   affinity is written back explicitly: a value left out would keep ours (field notes).
 */
export function mergedVpcCniConfiguration(existing: string | undefined, pinned: boolean, labels: NodeLabels, vpcCniVersion?: string): string | undefined {
    const parsed = existing === undefined || existing.trim() === "" ? {} : YAML.parse(existing);
    if (!isObject(parsed)) throw new Error(`the vpc-cni add-on's configurationValues are not an object: ${JSON.stringify(existing)}`);
    const terms = requiredTermsOf(parsed.affinity);
    const ours = terms?.some((t) => (t.matchExpressions ?? []).some(isPin(labels))) ?? false;
    if (!pinned && !ours) return existing;
    // The add-on's own terms, without our requirement.
    const base = withoutOurs(terms, labels);
    const withTerms = (list: Term[]) => ({
        ...(isObject(parsed.affinity) ? parsed.affinity : {}),
        nodeAffinity: {
            ...(isObject((parsed.affinity as Record<string, unknown> | undefined)?.nodeAffinity) ? (parsed.affinity as { nodeAffinity: Record<string, unknown> }).nodeAffinity : {}),
            requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: list },
        },
    });
    if (pinned) {
        const pinnedTerms = base.length > 0
            ? base.map((t) => ({ ...t, matchExpressions: [...(t.matchExpressions ?? []), awsNodePin(labels)] }))
            : termsOf(awsNodeAffinity(true, labels, vpcCniVersion));
        return JSON.stringify({ ...parsed, affinity: withTerms(pinnedTerms) });
    }
    const unpinned = base.length > 0 ? base : termsOf(awsNodeAffinity(false, labels, vpcCniVersion));
    return JSON.stringify({ ...parsed, affinity: withTerms(unpinned) });
}

/**
 * An agent's own node selector terms with this program's requirement taken out (ours from any earlier version too; a
 * term that held only ours is gone, so an agent without terms of its own gets none back) and, when pinned,
 * `<key> NotIn [<ciliumValue>]` added to each; none of its own: the pin alone when pinned. Pure; the pin of every
 * old-world agent (aws-node's add-on above, calico-node's in components/calico/) goes through it.
 */
export function pinTerms(terms: readonly Term[] | undefined, pinned: boolean, labels: NodeLabels): Term[] {
    const own = withoutOurs(terms, labels);
    if (!pinned) return own;
    return own.length > 0 ? own.map((t) => ({ ...t, matchExpressions: [...t.matchExpressions, awsNodePin(labels)] })) : [{ matchExpressions: [awsNodePin(labels)] }];
}

/** The required node selector terms of an affinity (`spec.template.spec.affinity`), if it has any. */
export const requiredTerms = (affinity: unknown): Term[] | undefined => requiredTermsOf(affinity);

const termsOf = (affinity: ReturnType<typeof awsNodeAffinity>): Term[] => affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
