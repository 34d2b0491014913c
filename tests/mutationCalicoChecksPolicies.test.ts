// preflight/calicoChecks.ts, calico-policies and calico-unconvertible: each Calico policy named as the converter names
// it, the cross-pool window said only for the halves that apply (calico.applyConvertedPolicies), and each withheld
// policy with all its reasons. Input: the Calico example cluster (examples/calico-east) with its policies replaced by
// ones in the v3 API's shapes (tests/support/calicoObjects.ts, tests/support/calicoPolicyCluster.ts).
import * as assert from "assert";
import { calicoPolicies, convertSnapshotPolicies } from "../preflight/calicoChecks";
import { readPreflightSnapshot } from "../preflight/read";
import { preflightContext, runPreflight } from "../preflight/run";
import { DEFAULT_OPTIONS, Finding, Obj, PreflightInput, PreflightOptions } from "../preflight/types";
import { CALICO_EXAMPLE } from "./fixtures/writeCalicoExample";
import { gnp, np } from "./support/calicoObjects";
import { CONVERTIBLE_GNP, CONVERTIBLE_NP, PARTNERS, WITHHELD_GNP } from "./support/calicoPolicyCluster";

const EXAMPLE = readPreflightSnapshot(CALICO_EXAMPLE);
const APPLY = { ...DEFAULT_OPTIONS, calicoApplyConvertedPolicies: true };

/** The example cluster with these Calico policies (and the partners' GlobalNetworkSet) instead of its own. */
function withPolicies(policies: { np?: Obj[]; gnp?: Obj[] }): PreflightInput {
    const input = structuredClone(EXAMPLE);
    input.caliconetworkpolicies = { items: policies.np ?? [] };
    input.calicoglobalnetworkpolicies = { items: policies.gnp ?? [] };
    input.calicoglobalnetworksets = { items: [PARTNERS] };
    return input;
}
const findingsOf = (input: PreflightInput, id: string, options: PreflightOptions = APPLY): Finding[] => runPreflight(input, options).findings.filter((f) => f.id === id);

const APPLIED = "are enforced by calico-node only; this stack sets `calico.applyConvertedPolicies: true`, so the program declares their conversion " +
    "as Cilium policies at phase 3, before any workload reaches a Cilium node.";
const WINDOW = " While both pools run (phases 3–7) pods on legacy nodes have no Cilium identity, so on Cilium nodes";
const PEERS = "drop traffic their pod or namespace selectors allow to or from pods still on legacy nodes";
const EGRESS_DENY = "put the pods they select in egress default deny: DNS to CoreDNS is dropped while CoreDNS runs on legacy nodes (until phase 5 drains them)";
const SAME_WINDOW = " — the same window as Kubernetes NetworkPolicies under `cilium.policyDuringMigration: default`.";
const PLAN_WINDOW = "Plan the window: keep the workloads these policies select off the Cilium pool until phase 5 drains the legacy nodes " +
    "(no scale-ups or restarts onto it in phases 3–4), or leave `calico.applyConvertedPolicies` false with `cilium.policyDuringMigration: never` " +
    "and apply the converted objects yourself from phase 8 (pods on Cilium nodes then run without these policies in phases 2–7). ";
const WITHHELD_REMEDY = "Each policy the converter withholds is named by calico-unconvertible: rewrite it by hand before phase 3.";

/** A GlobalNetworkPolicy letting pods in only from the partners' addresses: no selector peer, no egress rule list. */
const FROM_PARTNERS = gnp("from-partners", { selector: "app == 'billing'", types: ["Ingress"],
    ingress: [{ action: "Allow", protocol: "TCP", source: { nets: ["203.0.113.0/24"] }, destination: { ports: [443] } }] });

describe("calico-policies names each policy as the converter does", () => {
    it("NetworkPolicies by namespace and v3 name (the storage form's `default.` read back), then GlobalNetworkPolicies", () => {
        assert.deepStrictEqual(calicoPolicies(EXAMPLE), ["NetworkPolicy/shop/api-allow-web", "NetworkPolicy/shop/postgres-allow-api",
            "NetworkPolicy/shop/web-http-get", "GlobalNetworkPolicy/default-deny", "GlobalNetworkPolicy/allow-dns", "GlobalNetworkPolicy/report-builder-to-partners"]);
    });

    it("a policy the converter cannot read (an `order` that is no number) is named as stored, and calico-unconvertible names it the same way", () => {
        const input = withPolicies({ np: [np("shop", "default.api-first", { ...CONVERTIBLE_NP.spec, order: "first" })],
            gnp: [gnp("default.dns-first", { ...CONVERTIBLE_GNP.spec, order: "first" })] });
        assert.deepStrictEqual(calicoPolicies(input), ["NetworkPolicy/shop/default.api-first", "GlobalNetworkPolicy/default.dns-first"]);
        assert.deepStrictEqual(findingsOf(input, "calico-unconvertible").map((f) => [f.objects, f.message]), [
            [["GlobalNetworkPolicy/default.dns-first"], "GlobalNetworkPolicy/default.dns-first is not converted: cannot be read: spec.order is \"first\", not a number. On Cilium nodes nothing enforces it."],
            [["NetworkPolicy/shop/default.api-first"], "NetworkPolicy/shop/default.api-first is not converted: cannot be read: spec.order is \"first\", not a number. On Cilium nodes nothing enforces it."],
        ]);
    });

    it("the conversion is made once per preflight run: calico-policies and calico-unconvertible read the same one", () => {
        const ctx = preflightContext(withPolicies({ gnp: [CONVERTIBLE_GNP] }), APPLY);
        assert.strictEqual(convertSnapshotPolicies(ctx), convertSnapshotPolicies(ctx));
    });
});

describe("calico-policies with calico.applyConvertedPolicies: the cross-pool window, half by half", () => {
    it("only a selector peer (an ingress rule from pods by label): a warning naming that half alone", () => {
        const [f] = findingsOf(withPolicies({ np: [CONVERTIBLE_NP] }), "calico-policies");
        assert.deepStrictEqual([f.severity, f.phase, f.objects], ["warning", 3, ["NetworkPolicy/payments/api"]]);
        assert.strictEqual(f.message, `1 Calico polic(ies) (NetworkPolicy/payments/api) ${APPLIED}${WINDOW} NetworkPolicy/payments/api ${PEERS}${SAME_WINDOW}`);
        assert.strictEqual(f.remedy, PLAN_WINDOW + WITHHELD_REMEDY);
    });

    it("only an egress rule list to addresses: a warning naming the egress default deny alone", () => {
        const toPartners = gnp("to-partners", { selector: "app == 'billing'", types: ["Egress"],
            egress: [{ action: "Allow", protocol: "TCP", destination: { nets: ["203.0.113.0/24"], ports: [443] } }] });
        const [f] = findingsOf(withPolicies({ gnp: [toPartners] }), "calico-policies");
        assert.strictEqual(f.severity, "warning");
        assert.strictEqual(f.message, `1 Calico polic(ies) (GlobalNetworkPolicy/to-partners) ${APPLIED}${WINDOW} GlobalNetworkPolicy/to-partners ${EGRESS_DENY}${SAME_WINDOW}`);
    });

    it("both halves, from two policies: each named in its half, joined by \", and\"", () => {
        const [f] = findingsOf(withPolicies({ np: [CONVERTIBLE_NP], gnp: [FROM_PARTNERS, WITHHELD_GNP] }), "calico-policies");
        assert.ok(f.message.endsWith(`${WINDOW} NetworkPolicy/payments/api ${PEERS}${SAME_WINDOW}`), f.message);
        const both = findingsOf(withPolicies({ np: [CONVERTIBLE_NP], gnp: [CONVERTIBLE_GNP] }), "calico-policies")[0];
        assert.ok(both.message.endsWith(`${WINDOW} GlobalNetworkPolicy/billing-egress, NetworkPolicy/payments/api ${PEERS}, and GlobalNetworkPolicy/billing-egress ${EGRESS_DENY}${SAME_WINDOW}`),
            both.message);
    });

    it("both halves from one policy alone (an egress rule list to pods by label): a warning naming it in each half", () => {
        const [f] = findingsOf(withPolicies({ gnp: [CONVERTIBLE_GNP] }), "calico-policies");
        assert.strictEqual(f.severity, "warning");
        assert.ok(f.message.endsWith(`${WINDOW} GlobalNetworkPolicy/billing-egress ${PEERS}, and GlobalNetworkPolicy/billing-egress ${EGRESS_DENY}${SAME_WINDOW}`), f.message);
    });

    it("neither (ingress from addresses only, or withheld): information without a window; the remedy only names calico-unconvertible", () => {
        const [f] = findingsOf(withPolicies({ gnp: [FROM_PARTNERS, WITHHELD_GNP] }), "calico-policies");
        assert.deepStrictEqual([f.severity, f.objects], ["info", ["GlobalNetworkPolicy/from-partners", "GlobalNetworkPolicy/vpc-egress"]]);
        assert.strictEqual(f.message, `2 Calico polic(ies) (GlobalNetworkPolicy/from-partners, GlobalNetworkPolicy/vpc-egress) ${APPLIED}`);
        assert.strictEqual(f.remedy, WITHHELD_REMEDY);
    });

    it("without the key the same policies block, each named, until converted and accepted", () => {
        const [f] = findingsOf(withPolicies({ np: [CONVERTIBLE_NP] }), "calico-policies", DEFAULT_OPTIONS);
        assert.deepStrictEqual([f.severity, f.phase], ["blocker", 3]);
        assert.strictEqual(f.message, "1 Calico polic(ies) (NetworkPolicy/payments/api) are enforced by calico-node only: a workload drained onto a Cilium node loses them.");
    });
});

describe("calico-unconvertible: one warning per withheld policy with all its reasons", () => {
    it("two reasons are joined by \"; \" and the remedy names the policy", () => {
        const logAndHttp = np("shop", "web-audit", { selector: "app == 'web'", types: ["Ingress"], ingress: [{ action: "Log" },
            { action: "Allow", protocol: "TCP", http: { methods: ["GET"] }, source: { selector: "app == 'api'" } }] });
        const [f] = findingsOf(withPolicies({ np: [logAndHttp] }), "calico-unconvertible");
        assert.deepStrictEqual([f.severity, f.phase, f.objects], ["warning", 3, ["NetworkPolicy/shop/web-audit"]]);
        assert.strictEqual(f.message, "NetworkPolicy/shop/web-audit is not converted: ingress[0]: action Log: Cilium policies do not log (Hubble observes flows instead); " +
            "ingress[1]: an HTTP match: Calico enforces it only with application layer policy (a per-pod proxy), otherwise only the rule's ports; " +
            "Cilium would always enforce it at L7. On Cilium nodes nothing enforces it.");
        assert.strictEqual(f.remedy, "Express what NetworkPolicy/shop/web-audit protects as a CiliumNetworkPolicy by hand (or change it so it converts) and apply it before phase 3.");
    });
});
