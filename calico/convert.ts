/**
 * Calico's policies as Cilium's (design.md, "Calico as the policy engine"): each Calico NetworkPolicy becomes a
 * CiliumNetworkPolicy, each GlobalNetworkPolicy a CiliumClusterwideNetworkPolicy, each network set a rule refers to a
 * CiliumCIDRGroup — or the policy is withheld, with every reason, when Cilium cannot enforce exactly what Calico does.
 * Nothing is guessed: an emitted policy is never weaker or stronger than its original.
 *
 * Outcomes that change meaning: Calico evaluates a tier's policies by `order` and each policy's rules in turn, the
 * first Allow or Deny deciding; Cilium has no order and a deny always beats an allow (cilium/cilium
 * `Documentation/security/policy/language.rst`, "Deny policies"). So an Allow evaluated before a Deny that may
 * overlap it — in the same policy, or in an earlier policy of the tier (Kubernetes NetworkPolicies sit in Calico's
 * default tier at order 1000) — withholds the Deny's policy; a Deny before an Allow converts exactly.
 */
import { andDnf, labelSelector, toDnf, Unconvertible } from "./labelSelector";
import { CalicoInput, CalicoNetworkSet, CalicoPolicy, evaluationOrder, Obj, policyTypes, readHostEndpoint, readNetworkSet, readPolicy } from "./model";
import { convertRule, ConvertedRule, parse, RuleContext } from "./rules";
import { evaluate } from "./selector";

export interface ConversionReport {
    converted: { calico: string; cilium: string[] }[];
    withheld: { calico: string; reasons: string[] }[];
}
export interface Conversion { objects: Obj[]; report: ConversionReport }
export interface ConvertOptions {
    /** preflight's judge of a CIDR against the cluster's own addresses (preflight/cidrChecks.ts `inClusterCoverage`). */
    inCluster: (cidr: string, except: string[]) => string | undefined;
}

const MANAGED_BY = { "app.kubernetes.io/managed-by": "eks-cilium-migration" };
export const SOURCE_ANNOTATION = "eks-cilium-migration/converted-from";

export const cidrGroupName = (s: CalicoNetworkSet) => s.kind === "GlobalNetworkSet" ? `calico-gns-${s.name}` : `calico-ns-${s.namespace}-${s.name}`;
export const ciliumPolicyName = (p: CalicoPolicy) => `calico-${p.name}`;

interface Draft { policy: CalicoPolicy; reasons: string[]; lists: Map<ConvertedRule["list"], Obj[]>; groups: CalicoNetworkSet[]; endpointSelectors: Obj[] }

export function convertCalicoPolicies(input: CalicoInput, options: ConvertOptions): Conversion {
    const withheld: ConversionReport["withheld"] = [];
    const policies: CalicoPolicy[] = [];
    for (const [kind, items] of [["NetworkPolicy", input.networkPolicies], ["GlobalNetworkPolicy", input.globalNetworkPolicies]] as const) {
        for (const o of items) {
            try { policies.push(readPolicy(o, kind)); } catch (e) {
                withheld.push({ calico: `${kind}/${o.metadata?.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata?.name}`, reasons: [`cannot be read: ${(e as Error).message}`] });
            }
        }
    }
    const networkSets = [...input.globalNetworkSets.map((o) => readNetworkSet(o, "GlobalNetworkSet")), ...input.networkSets.map((o) => readNetworkSet(o, "NetworkSet"))];
    const hostEndpoints = input.hostEndpoints.map(readHostEndpoint);
    const drafts = policies.map((policy) => draft(policy, { policy, networkSets, hostEndpoints, inCluster: options.inCluster, groupName: cidrGroupName }));
    orderConflicts(drafts, input.kubernetesPolicies ?? []);

    const objects: Obj[] = [];
    const converted: ConversionReport["converted"] = [];
    const groups = new Map<string, CalicoNetworkSet>();
    for (const d of drafts.sort((a, b) => a.policy.ref < b.policy.ref ? -1 : 1)) {
        if (d.reasons.length) { withheld.push({ calico: d.policy.ref, reasons: d.reasons }); continue; }
        const object = ciliumPolicy(d);
        objects.push(object);
        d.groups.forEach((g) => groups.set(cidrGroupName(g), g));
        converted.push({ calico: d.policy.ref, cilium: [`${object.kind}/${d.policy.namespace ? `${d.policy.namespace}/` : ""}${object.metadata.name}`, ...[...new Set(d.groups.map((g) => `CiliumCIDRGroup/${cidrGroupName(g)}`))]] });
    }
    for (const [name, set] of [...groups].sort(([a], [b]) => a < b ? -1 : 1)) {
        objects.push({ apiVersion: "cilium.io/v2", kind: "CiliumCIDRGroup", metadata: { name, labels: MANAGED_BY, annotations: { [SOURCE_ANNOTATION]: set.ref } }, spec: { externalCIDRs: set.nets } });
    }
    return { objects, report: { converted, withheld: withheld.sort((a, b) => a.calico < b.calico ? -1 : 1) } };
}

/** Everything one policy says, converted rule by rule; what cannot be is collected as reasons. */
function draft(policy: CalicoPolicy, ctx: RuleContext): Draft {
    const d: Draft = { policy, reasons: [], lists: new Map(), groups: [], endpointSelectors: [] };
    const spec = policy.spec;
    const attempt = (where: string, f: () => void) => {
        try { f(); } catch (e) { if (e instanceof Unconvertible) d.reasons.push(`${where}${e.message}`); else throw e; }
    };
    if (policy.tier !== "default") d.reasons.push(`tier ${JSON.stringify(policy.tier)}: Calico evaluates tiers in order, each ending in its default action; Cilium has no tiers`);
    for (const flag of ["doNotTrack", "preDNAT", "applyOnForward"]) {
        if (spec[flag]) d.reasons.push(`\`${flag}\`: a host-endpoint policy mode Cilium has no equivalent for`);
    }
    attempt("selector: ", () => {
        const selector = parse(spec.selector ?? "", "selector");
        const hep = policy.kind === "GlobalNetworkPolicy" && !spec.namespaceSelector ? ctx.hostEndpoints.find((h) => evaluate(selector, h.labels)) : undefined;
        if (hep) throw new Unconvertible(`it selects ${hep.ref}: host endpoints need Cilium's host firewall (\`hostFirewall.enabled\`), which this migration leaves off`);
        let dnf = toDnf(selector, "endpoint");
        if (spec.namespaceSelector) dnf = andDnf(dnf, toDnf(parse(spec.namespaceSelector, "namespaceSelector"), "namespace"));
        if (spec.serviceAccountSelector) dnf = andDnf(dnf, toDnf(parse(spec.serviceAccountSelector, "serviceAccountSelector"), "serviceaccount"));
        if (dnf.length === 0) throw new Unconvertible("it selects no endpoint");
        d.endpointSelectors = dnf.map(labelSelector);
    });
    const types = policyTypes(spec);
    for (const dir of ["ingress", "egress"] as const) {
        if (!types.includes(dir === "ingress" ? "Ingress" : "Egress")) continue;
        let allowSeen = -1;
        (spec[dir] ?? []).forEach((rule: Obj, i: number) => attempt(`${dir}[${i}]: `, () => {
            const out = convertRule(rule, dir, ctx);
            if (out.list.endsWith("Deny") && allowSeen >= 0) {
                throw new Unconvertible(`Deny after the Allow of ${dir}[${allowSeen}]: Calico lets the first matching rule decide, Cilium lets a deny win`);
            }
            if (!out.list.endsWith("Deny") && allowSeen < 0) allowSeen = i;
            d.lists.set(out.list, [...(d.lists.get(out.list) ?? []), ...out.rules]);
            d.groups.push(...out.groups);
        }));
        // A direction the policy governs but allows nothing in: Cilium's empty rule puts the endpoints in default deny.
        if (!d.lists.has(dir) && !d.lists.has(`${dir}Deny` as ConvertedRule["list"])) d.lists.set(dir, [{}]);
    }
    return d;
}

/** Which drafts have a Deny that an earlier policy's Allow (same tier, overlapping scope) would win over in Calico. */
function orderConflicts(drafts: Draft[], kubernetes: Obj[]): void {
    const allowsOf = (d: Draft, dir: string) => (d.lists.get(dir as ConvertedRule["list"]) ?? []).some((r) => Object.keys(r).length > 0);
    const k8s = kubernetes.map((p) => ({ name: `knp.default.${p.metadata?.name}`, order: 1000, tier: "default", namespace: p.metadata?.namespace as string | undefined,
        ref: `Kubernetes NetworkPolicy ${p.metadata?.namespace}/${p.metadata?.name}`, allows: (dir: string) => (p.spec?.policyTypes ?? ["Ingress"]).includes(dir === "ingress" ? "Ingress" : "Egress") }));
    const calico = drafts.map((d) => ({ name: d.policy.name, order: d.policy.order, tier: d.policy.tier, namespace: d.policy.namespace, ref: d.policy.ref, allows: (dir: string) => allowsOf(d, dir) }));
    for (const d of drafts) {
        for (const dir of ["ingress", "egress"]) {
            if (!d.lists.get(`${dir}Deny` as ConvertedRule["list"])?.length) continue;
            const earlier = [...calico, ...k8s].find((o) => o.ref !== d.policy.ref && o.tier === d.policy.tier && evaluationOrder(o, d.policy) < 0 &&
                (!o.namespace || !d.policy.namespace || o.namespace === d.policy.namespace) && o.allows(dir));
            if (earlier) {
                d.reasons.push(`${dir}: its Deny rules come after the Allow rules of ${earlier.ref} (order ${earlier.order ?? "none"}); ` +
                    "Calico lets the first policy that matches decide, Cilium lets a deny win over any allow");
            }
        }
    }
}

/**
 * A clusterwide policy's selector can select Cilium's own health endpoint (`reserved:health`, no namespace label): an
 * empty one or one with only `NotIn`/`DoesNotExist` on the namespace does, and its default deny then blocks
 * cilium-health between nodes (cilium/cilium#12199, #14871). Calico never selected it, so every converted CCNP
 * whose selector could select it excludes it. `reserved:health` is the key Cilium's docs select it by ('reserved:health': ''); matchExpressions keys
 * are source-encoded exactly as matchLabels keys (pkg/policy/api/selector.go, NewESFromK8sLabelSelector).
 */
export const HEALTH_EXCLUDED = { key: "reserved:health", operator: "DoesNotExist" } as const;
/** Only a selector with no positive requirement (no matchLabels, only `NotIn`/`DoesNotExist`) can select it: the health endpoint has no other label. */
const selectsHealth = (selector: Obj): boolean => Object.keys(selector.matchLabels ?? {}).length === 0 &&
    (selector.matchExpressions ?? []).every((r: Obj) => r.operator === "NotIn" || r.operator === "DoesNotExist");
const withoutHealth = (selector: Obj): Obj => selectsHealth(selector) ? { ...selector, matchExpressions: [...(selector.matchExpressions ?? []), { ...HEALTH_EXCLUDED }] } : selector;

function ciliumPolicy(d: Draft): Obj {
    const { policy } = d;
    const rules: Obj = {};
    for (const list of ["ingress", "ingressDeny", "egress", "egressDeny"] as const) if (d.lists.get(list)?.length) rules[list] = d.lists.get(list);
    const types = policyTypes(policy.spec);
    const enableDefaultDeny = { ingress: types.includes("Ingress"), egress: types.includes("Egress") };
    const clusterwide = policy.kind === "GlobalNetworkPolicy";
    const specs = d.endpointSelectors.map((selector) => ({ endpointSelector: clusterwide ? withoutHealth(selector) : selector, ...rules, enableDefaultDeny }));
    return {
        apiVersion: "cilium.io/v2",
        kind: policy.kind === "GlobalNetworkPolicy" ? "CiliumClusterwideNetworkPolicy" : "CiliumNetworkPolicy",
        metadata: { name: ciliumPolicyName(policy), ...(policy.namespace ? { namespace: policy.namespace } : {}), labels: MANAGED_BY, annotations: { [SOURCE_ANNOTATION]: policy.ref } },
        ...(specs.length === 1 ? { spec: specs[0] } : { specs }),
    };
}
