// The converter, one Calico feature per row (design.md, "Calico as the policy engine"): each input validates against
// Calico's own v3 CRD schema, each output against Cilium's CRD schema; what cannot be expressed exactly is withheld
// with its reason, never emitted as something weaker or stronger.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { convertCalicoPolicies, Conversion } from "../calico/convert";
import { CalicoInput, Obj } from "../calico/model";
import { inClusterCoverage } from "../preflight/cidrChecks";
import { preflightContext } from "../preflight/run";
import { DEFAULT_OPTIONS } from "../preflight/types";
import { CALICO_V3, gnp, gns, hep, np } from "./support/calicoObjects";
import { assertValid } from "./support/calicoSchemas";
import { PROJECT_ROOT } from "./support/paths";

const V3 = CALICO_V3;

/** A cluster of one node (10.0.1.10) and one pod (10.0.1.20): the judge of in-cluster CIDRs is preflight's own. */
const CLUSTER = preflightContext({
    nodes: { items: [{ metadata: { name: "ip-10-0-1-10", labels: {} }, status: { addresses: [{ type: "InternalIP", address: "10.0.1.10" }] } }] },
    pods: { items: [{ metadata: { name: "web-1", namespace: "shop", labels: { app: "web" } }, spec: { nodeName: "ip-10-0-1-10", containers: [] }, status: { podIP: "10.0.1.20" } }] },
}, DEFAULT_OPTIONS);

function convert(objects: Obj[], validateInput = true): Conversion {
    const of = (kind: string) => objects.filter((o) => o.kind === kind);
    if (validateInput) objects.filter((o) => o.apiVersion === V3).forEach((o) => assertValid(o, "calico"));
    const input: CalicoInput = {
        networkPolicies: of("NetworkPolicy").filter((o) => o.apiVersion !== "networking.k8s.io/v1"), globalNetworkPolicies: of("GlobalNetworkPolicy"),
        networkSets: of("NetworkSet"), globalNetworkSets: of("GlobalNetworkSet"), hostEndpoints: of("HostEndpoint"), tiers: of("Tier"),
        kubernetesPolicies: objects.filter((o) => o.apiVersion === "networking.k8s.io/v1"),
    };
    const c = convertCalicoPolicies(input, { inCluster: inClusterCoverage(CLUSTER) });
    c.objects.forEach((o) => assertValid(o, "cilium"));
    return c;
}

/** The one emitted policy's spec (or specs), for a single-policy conversion that must convert. */
function specOf(c: Conversion): Obj {
    assert.deepStrictEqual(c.report.withheld, []);
    const policy = c.objects.find((o) => o.kind !== "CiliumCIDRGroup")!;
    return policy.spec ?? policy.specs;
}
const reasonsOf = (c: Conversion) => c.report.withheld.flatMap((w) => w.reasons.map((r) => `${w.calico}: ${r}`));

const tcp = (...ports: (number | string)[]) => ({ toPorts: [{ ports: ports.map((p) => typeof p === "string" && p.includes(":")
    ? { port: p.split(":")[0], endPort: Number(p.split(":")[1]), protocol: "TCP" } : { port: String(p), protocol: "TCP" }) }] });
const ingressOnly = { ingress: true, egress: false };

describe("Calico → Cilium policy conversion: one row per Calico feature", () => {
    it("a NetworkPolicy: selector, an Allow from a selector on TCP ports (single, range, named) → a CiliumNetworkPolicy", () => {
        const c = convert([np("shop", "web", { selector: "app == 'web'", types: ["Ingress"],
            ingress: [{ action: "Allow", protocol: "TCP", source: { selector: "role == 'lb'" }, destination: { ports: [80, "8000:8080", "http"] } }] })]);
        assert.deepStrictEqual(c.objects, [{
            apiVersion: "cilium.io/v2", kind: "CiliumNetworkPolicy",
            metadata: { name: "calico-web", namespace: "shop", labels: { "app.kubernetes.io/managed-by": "eks-cilium-migration" }, annotations: { "eks-cilium-migration/converted-from": "NetworkPolicy/shop/web" } },
            spec: { endpointSelector: { matchLabels: { app: "web" } }, ingress: [{ fromEndpoints: [{ matchLabels: { role: "lb" } }], ...tcp(80, "8000:8080", "http") }], enableDefaultDeny: ingressOnly },
        }]);
        assert.deepStrictEqual(c.report, { converted: [{ calico: "NetworkPolicy/shop/web", cilium: ["CiliumNetworkPolicy/shop/calico-web"] }], withheld: [] });
    });

    it("all(), has(), !has(), in {}, not in {} → {}, Exists, DoesNotExist, In, NotIn", () => {
        assert.deepStrictEqual(specOf(convert([gnp("all", { selector: "all()", ingress: [{ action: "Allow", source: { selector: "has(monitoring) && !has(canary)" } }] })])), {
            endpointSelector: { matchExpressions: [{ key: "reserved:health", operator: "DoesNotExist" }] },
            ingress: [{ fromEndpoints: [{ matchExpressions: [{ key: "monitoring", operator: "Exists" }, { key: "canary", operator: "DoesNotExist" }] }] }],
            enableDefaultDeny: ingressOnly,
        });
        assert.deepStrictEqual(specOf(convert([gnp("sets", { selector: "tier in {'web', 'api'} && env not in {'dev'}", ingress: [{ action: "Allow" }] })])).endpointSelector, {
            matchExpressions: [{ key: "tier", operator: "In", values: ["api", "web"] }, { key: "env", operator: "NotIn", values: ["dev"] }],
        });
    });

    it("a clusterwide policy that could select Cilium's health endpoint (no positive requirement) excludes it; one with a label to match, or a namespaced one, is unchanged", () => {
        const HEALTH = { key: "reserved:health", operator: "DoesNotExist" };
        const selectorOf = (o: ReturnType<typeof convert>) => specOf(o).endpointSelector;
        const deny = convert([gnp("deny", { selector: "projectcalico.org/namespace not in {'kube-system'}", types: ["Ingress", "Egress"] })]);
        assert.deepStrictEqual(selectorOf(deny), { matchExpressions: [{ key: "io.kubernetes.pod.namespace", operator: "NotIn", values: ["kube-system"] }, HEALTH] });
        assert.deepStrictEqual(selectorOf(convert([gnp("none", { selector: "!has(canary)", ingress: [{ action: "Allow" }] })])),
            { matchExpressions: [{ key: "canary", operator: "DoesNotExist" }, HEALTH] });
        assert.deepStrictEqual(selectorOf(convert([gnp("web", { selector: "app == 'web'", ingress: [{ action: "Allow" }] })])), { matchLabels: { app: "web" } });
        assert.deepStrictEqual(selectorOf(convert([np("shop", "all", { selector: "all()", ingress: [{ action: "Allow" }] })])), {});
        for (const o of deny.objects) assertValid(o, "cilium");
    });

    it("|| in the policy's selector → one spec per alternative (`specs`); || in a peer → one endpoint selector per alternative", () => {
        const spec = specOf(convert([gnp("either", { selector: "app == 'a' || app == 'b'", ingress: [{ action: "Allow", source: { selector: "x == '1' || !(y == '2')" } }] })]));
        const rule = { ingress: [{ fromEndpoints: [{ matchLabels: { x: "1" } }, { matchExpressions: [{ key: "y", operator: "NotIn", values: ["2"] }] }] }], enableDefaultDeny: ingressOnly };
        assert.deepStrictEqual(spec, [{ endpointSelector: { matchLabels: { app: "a" } }, ...rule }, { endpointSelector: { matchLabels: { app: "b" } }, ...rule }]);
    });

    it("namespaceSelector in a namespaced policy's peer → namespace labels, every namespace made explicit; projectcalico.org/name → the namespace itself", () => {
        const spec = specOf(convert([np("shop", "from-monitoring", { selector: "app == 'web'", ingress: [
            { action: "Allow", source: { namespaceSelector: "team == 'obs'", selector: "app == 'prometheus'" } },
            { action: "Allow", source: { namespaceSelector: "projectcalico.org/name == 'ingress'" } },
            { action: "Allow", source: { namespaceSelector: "all()" } },
        ] })]));
        assert.deepStrictEqual(spec.ingress, [
            { fromEndpoints: [{ matchLabels: { app: "prometheus", "io.cilium.k8s.namespace.labels.team": "obs" }, matchExpressions: [{ key: "io.kubernetes.pod.namespace", operator: "Exists" }] }] },
            { fromEndpoints: [{ matchLabels: { "io.kubernetes.pod.namespace": "ingress" } }] },
            { fromEndpoints: [{ matchExpressions: [{ key: "io.kubernetes.pod.namespace", operator: "Exists" }] }] },
        ]);
    });

    it("a namespaced policy's peer selector on namespace keys (pcns.*, projectcalico.org/namespace) stays in the policy's namespace, as in Calico", () => {
        const spec = specOf(convert([np("shop", "ns-keys", { selector: "all()", ingress: [
            { action: "Allow", source: { selector: "pcns.team == 'a'" } },
            { action: "Allow", source: { selector: "projectcalico.org/namespace == 'other'" } },
        ] })]));
        assert.deepStrictEqual(spec.ingress, [
            { fromEndpoints: [{ matchLabels: { "io.cilium.k8s.namespace.labels.team": "a", "io.kubernetes.pod.namespace": "shop" } }] },
            { fromEndpoints: [{ matchExpressions: [{ key: "io.kubernetes.pod.namespace", operator: "In", values: ["other"] }, { key: "io.kubernetes.pod.namespace", operator: "In", values: ["shop"] }] }] },
        ]);
    });

    it("serviceAccountSelector and serviceAccounts.names → Cilium's service-account label; a service-account selector on other labels is withheld", () => {
        const spec = specOf(convert([gnp("sa", { selector: "all()", serviceAccountSelector: "projectcalico.org/name == 'api'",
            ingress: [{ action: "Allow", source: { serviceAccounts: { names: ["web", "batch"] } } }] })]));
        assert.deepStrictEqual(spec, { endpointSelector: { matchLabels: { "io.cilium.k8s.policy.serviceaccount": "api" } },
            ingress: [{ fromEndpoints: [{ matchExpressions: [{ key: "io.cilium.k8s.policy.serviceaccount", operator: "In", values: ["batch", "web"] }] }] }], enableDefaultDeny: ingressOnly });
        assert.deepStrictEqual(reasonsOf(convert([gnp("sa-labels", { selector: "all()", ingress: [{ action: "Allow", source: { serviceAccounts: { selector: "team == 'a'" } } }] })])),
            ["GlobalNetworkPolicy/sa-labels: ingress[0]: service-account selector on label \"team\": Cilium's identities carry no service-account labels"]);
    });

    it("protocols: UDP and protocol numbers → ports; ICMP/ICMPv6 types → icmps; an ICMP code, a protocol without ports, ports without a protocol are withheld", () => {
        const spec = specOf(convert([gnp("l4", { selector: "all()", egress: [
            { action: "Allow", protocol: "UDP", destination: { ports: [53] } },
            { action: "Allow", protocol: 6, destination: { ports: [443] } },
            { action: "Allow", protocol: "ICMP", icmp: { type: 8 } },
            { action: "Allow", protocol: "ICMPv6", icmp: { type: 128 } },
        ] })]));
        assert.deepStrictEqual(spec.egress, [
            { toEntities: ["all"], toPorts: [{ ports: [{ port: "53", protocol: "UDP" }] }] },
            { toEntities: ["all"], ...tcp(443) },
            { toEntities: ["all"], icmps: [{ fields: [{ type: 8, family: "IPv4" }] }] },
            { toEntities: ["all"], icmps: [{ fields: [{ type: 128, family: "IPv6" }] }] },
        ]);
        assert.deepStrictEqual(spec.enableDefaultDeny, { ingress: false, egress: true });
        assert.deepStrictEqual(reasonsOf(convert([gnp("bad-l4", { selector: "all()", egress: [
            { action: "Allow", protocol: "ICMP", icmp: { type: 3, code: 4 } },
            { action: "Allow", protocol: "TCP" },
            { action: "Allow", protocol: "UDPLite", destination: { ports: [9] } },
            { action: "Allow", notProtocol: "TCP" },
            { action: "Allow", destination: { ports: [80] } },
        ] })], false)), [
            "GlobalNetworkPolicy/bad-l4: egress[0]: an ICMP code: Cilium's `icmps` match the type only",
            "GlobalNetworkPolicy/bad-l4: egress[1]: protocol TCP without ports",
            "GlobalNetworkPolicy/bad-l4: egress[2]: protocol UDPLite: Cilium's ports match TCP, UDP and SCTP only",
            "GlobalNetworkPolicy/bad-l4: egress[3]: `notProtocol`: Cilium rules cannot negate a protocol",
            "GlobalNetworkPolicy/bad-l4: egress[4]: ports without a protocol",
        ]);
    });
});

describe("Calico → Cilium policy conversion: what changes an outcome is withheld", () => {
    it("nets → CIDR rules (notNets inside them as `except`); nets covering pods, nodes or host agents are withheld through preflight's judge", () => {
        assert.deepStrictEqual(specOf(convert([gnp("partner", { selector: "all()", egress: [{ action: "Allow", destination: { nets: ["203.0.113.0/24"], notNets: ["203.0.113.128/25"] } }] })])).egress,
            [{ toCIDRSet: [{ cidr: "203.0.113.0/24", except: ["203.0.113.128/25"] }] }]);
        assert.deepStrictEqual(reasonsOf(convert([gnp("vpc", { selector: "all()", egress: [
            { action: "Allow", destination: { nets: ["10.0.0.0/16"] } },
            { action: "Allow", destination: { notNets: ["10.0.0.0/16"] } },
            { action: "Allow", destination: { nets: ["192.0.2.0/24"], selector: "app == 'x'" } },
        ] })])), [
            "GlobalNetworkPolicy/vpc: egress[0]: nets 10.0.0.0/16 covers in-cluster addresses (1 pod(s): shop/web-1; 1 node(s): ip-10-0-1-10): under Cilium a CIDR rule never matches a Cilium-managed pod, a node or a host-network agent",
            "GlobalNetworkPolicy/vpc: egress[1]: `notNets` without `nets`: it matches every other address, in-cluster ones included, which Cilium's CIDR rules never match",
            "GlobalNetworkPolicy/vpc: egress[2]: a selector and nets in one peer (Calico requires both to match; Cilium ORs its peers)",
        ]);
    });

    it("Deny → ingressDeny; a Deny before an Allow converts; an Allow before a Deny, Pass and Log are withheld", () => {
        const spec = specOf(convert([np("shop", "deny-first", { selector: "all()", ingress: [
            { action: "Deny", source: { selector: "quarantine == 'true'" } }, { action: "Allow", source: { selector: "all()" } }] })]));
        assert.deepStrictEqual(spec, { endpointSelector: {}, ingress: [{ fromEndpoints: [{}] }],
            ingressDeny: [{ fromEndpoints: [{ matchLabels: { quarantine: "true" } }] }], enableDefaultDeny: ingressOnly });
        assert.deepStrictEqual(reasonsOf(convert([np("shop", "allow-first", { selector: "all()", ingress: [
            { action: "Allow", source: { selector: "app == 'lb'" } }, { action: "Deny" }, { action: "Pass" }, { action: "Log" }] })])), [
            "NetworkPolicy/shop/allow-first: ingress[1]: Deny after the Allow of ingress[0]: Calico lets the first matching rule decide, Cilium lets a deny win",
            "NetworkPolicy/shop/allow-first: ingress[2]: action Pass (skip to the next tier): Cilium has no tiers",
            "NetworkPolicy/shop/allow-first: ingress[3]: action Log: Cilium policies do not log (Hubble observes flows instead)",
        ]);
    });

    it("`order` across policies: an earlier Allow (a Kubernetes NetworkPolicy sits at 1000) withholds a later Deny; a Deny ordered first converts", () => {
        const allow = gnp("allow-web", { order: 100, selector: "app == 'web'", ingress: [{ action: "Allow" }] });
        const deny = (order: number) => gnp("deny-web", { order, selector: "app == 'web'", ingress: [{ action: "Deny", source: { selector: "env == 'dev'" } }] });
        assert.deepStrictEqual(reasonsOf(convert([allow, deny(200)])), ["GlobalNetworkPolicy/deny-web: ingress: its Deny rules come after the Allow rules of " +
            "GlobalNetworkPolicy/allow-web (order 100); Calico lets the first policy that matches decide, Cilium lets a deny win over any allow"]);
        assert.deepStrictEqual(convert([allow, deny(50)]).report.withheld, []);
        const k8s = { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "web", namespace: "shop" }, spec: { podSelector: {}, policyTypes: ["Ingress"] } };
        assert.deepStrictEqual(convert([k8s, deny(1500)]).report.withheld.map((w) => w.calico), ["GlobalNetworkPolicy/deny-web"]);
        assert.deepStrictEqual(convert([k8s, deny(500)]).report.withheld, []);
    });

    it("tiers other than default, preDNAT/doNotTrack/applyOnForward are withheld", () => {
        assert.deepStrictEqual(reasonsOf(convert([gnp("security.block", { tier: "security", selector: "all()", ingress: [{ action: "Deny" }] }),
            gnp("host-prednat", { selector: "all()", preDNAT: true, applyOnForward: true, ingress: [{ action: "Deny" }] })])), [
            "GlobalNetworkPolicy/host-prednat: `preDNAT`: a host-endpoint policy mode Cilium has no equivalent for",
            "GlobalNetworkPolicy/host-prednat: `applyOnForward`: a host-endpoint policy mode Cilium has no equivalent for",
            "GlobalNetworkPolicy/security.block: tier \"security\": Calico evaluates tiers in order, each ending in its default action; Cilium has no tiers",
        ]);
    });

    it("`types` with no rules → an empty rule (default deny) in that direction only; Calico's default types when none are given", () => {
        assert.deepStrictEqual(specOf(convert([np("shop", "no-egress", { selector: "app == 'web'", types: ["Egress"] })])),
            { endpointSelector: { matchLabels: { app: "web" } }, egress: [{}], enableDefaultDeny: { ingress: false, egress: true } });
        assert.deepStrictEqual(specOf(convert([np("shop", "egress-rules", { selector: "app == 'web'", egress: [{ action: "Allow", protocol: "UDP", destination: { ports: [53] } }] })])).enableDefaultDeny,
            { ingress: false, egress: true });
    });

    it("an HTTP match is withheld: Calico enforces it only with application layer policy, Cilium always would", () => {
        assert.deepStrictEqual(reasonsOf(convert([np("shop", "http", { selector: "app == 'api'", ingress: [{ action: "Allow", protocol: "TCP", destination: { ports: [8080] },
            http: { methods: ["GET"], paths: [{ exact: "/healthz" }, { prefix: "/v1/" }] } }] })])), [
            "NetworkPolicy/shop/http: ingress[0]: an HTTP match: Calico enforces it only with application layer policy (a per-pod proxy), otherwise only the rule's ports; Cilium would always enforce it at L7",
        ]);
    });

    it("a GlobalNetworkSet a selector picks by its labels → a CiliumCIDRGroup referred to by name; one covering in-cluster addresses is withheld", () => {
        const c = convert([gns("partners", { role: "partner" }, ["198.51.100.0/24"]), gnp("to-partners", { selector: "all()", egress: [{ action: "Allow", destination: { selector: "role == 'partner'" } }] })]);
        assert.deepStrictEqual(specOf(c).egress, [
            { toEndpoints: [{ matchLabels: { role: "partner" } }] },
            { toCIDRSet: [{ cidrGroupRef: "calico-gns-partners" }] },
        ]);
        assert.deepStrictEqual(c.objects[1], { apiVersion: "cilium.io/v2", kind: "CiliumCIDRGroup", metadata: { name: "calico-gns-partners",
            labels: { "app.kubernetes.io/managed-by": "eks-cilium-migration" }, annotations: { "eks-cilium-migration/converted-from": "GlobalNetworkSet/partners" } },
        spec: { externalCIDRs: ["198.51.100.0/24"] } });
        assert.deepStrictEqual(reasonsOf(convert([gns("nodes", { role: "infra" }, ["10.0.1.0/24"]), gnp("to-infra", { selector: "all()", egress: [{ action: "Allow", destination: { selector: "role == 'infra'" } }] })])),
            ["GlobalNetworkPolicy/to-infra: egress[0]: the peer selector selects GlobalNetworkSet/nodes, whose net 10.0.1.0/24 covers in-cluster addresses (1 pod(s): shop/web-1; 1 node(s): ip-10-0-1-10): under Cilium a CIDR rule never matches them"]);
    });

    it("a HostEndpoint selected by the policy or by a peer is withheld (Cilium's host firewall stays off)", () => {
        const host = hep("node-eth0", { "host-endpoint": "ingress" });
        assert.deepStrictEqual(reasonsOf(convert([host, gnp("hosts", { selector: "has(host-endpoint)", ingress: [{ action: "Allow" }] }),
            gnp("to-hosts", { selector: "app == 'web'", egress: [{ action: "Allow", destination: { selector: "has(host-endpoint)" } }] })])), [
            "GlobalNetworkPolicy/hosts: selector: it selects HostEndpoint/node-eth0: host endpoints need Cilium's host firewall (`hostFirewall.enabled`), which this migration leaves off",
            "GlobalNetworkPolicy/to-hosts: egress[0]: the peer selector also selects HostEndpoint/node-eth0 (a node's interface): Cilium selects nodes only with `fromNodes`/`toNodes` and node labels",
        ]);
    });

    it("selector string operators, selectors Calico would refuse and unreadable objects are withheld by name, never dropped", () => {
        assert.deepStrictEqual(reasonsOf(convert([gnp("prefix", { selector: "app starts with 'web-'", ingress: [{ action: "Allow" }] }),
            { ...gnp("broken", { selector: "app == ", ingress: [{ action: "Allow" }] }) },
            { ...gnp("bad-order", { selector: "all()" }), spec: { selector: "all()", order: "first" } }], false)), [
            "GlobalNetworkPolicy/bad-order: cannot be read: spec.order is \"first\", not a number",
            "GlobalNetworkPolicy/broken: selector: selector \"app == \" does not parse: expected string",
            "GlobalNetworkPolicy/prefix: selector: selector string operator `starts with` (on \"app\"): Kubernetes label selectors match whole values only",
        ]);
    });

    it("the storage form (crd.projectcalico.org/v1) reads back to the v3 names and labels", () => {
        const stored = (o: Obj, name: string, meta: Obj) => ({ ...o, apiVersion: "crd.projectcalico.org/v1",
            metadata: { ...o.metadata, name, labels: undefined, annotations: { "projectcalico.org/metadata": JSON.stringify(meta) } } });
        const c = convert([stored(gns("partners", {}, ["198.51.100.0/24"]), "partners", { labels: { role: "partner" } }),
            stored(gnp("to-partners", { selector: "all()", egress: [{ action: "Allow", destination: { selector: "role == 'partner'" } }] }), "default.to-partners", {})]);
        assert.deepStrictEqual(c.report.converted, [{ calico: "GlobalNetworkPolicy/to-partners", cilium: ["CiliumClusterwideNetworkPolicy/calico-to-partners", "CiliumCIDRGroup/calico-gns-partners"] }]);
    });

    it("the validators can fail: a Calico object Calico refuses, a Cilium object Cilium refuses", () => {
        assert.throws(() => assertValid(gnp("x", { selector: "all()", ingress: [{ action: "Allowed" }] }), "calico"), /does not validate against calico's schema/);
        assert.throws(() => assertValid({ kind: "CiliumNetworkPolicy", metadata: { name: "x" }, spec: { endpointSelector: {}, ingress: [{ fromCIDR: ["not-a-cidr"] }] } }, "cilium"),
            /does not validate against cilium's schema/);
        assert.throws(() => assertValid({ kind: "CiliumNetworkPolicy", metadata: { name: "x" }, spec: { endpointSelector: {}, ingress: [{ fromPods: [] }] } }, "cilium"),
            /does not validate against cilium's schema/);
    });
});

describe("Calico → Cilium policy conversion: Calico's own demo policies", () => {
    it("converts app-policy's demo (service-account peers, allow-all egress) and withholds its HTTP match", () => {
        const demo = YAML.parseAllDocuments(fs.readFileSync(path.join(PROJECT_ROOT, "tests/fixtures/real/calico/app-policy-demo-30-policy.yaml"), "utf8"))
            .map((d) => d.toJS()).filter(Boolean) as Obj[];
        const c = convert(demo);
        assert.deepStrictEqual(c.report.withheld, [{ calico: "GlobalNetworkPolicy/customer", reasons: ["ingress[0]: an HTTP match: Calico enforces it only with application layer policy (a per-pod proxy), otherwise only the rule's ports; Cilium would always enforce it at L7"] }]);
        assert.deepStrictEqual(c.objects.map((o) => o.metadata.name), ["calico-database", "calico-summary"]);
        assert.deepStrictEqual(c.objects[1].spec, {
            endpointSelector: { matchLabels: { app: "summary" } },
            ingress: [{ fromEndpoints: [{ matchLabels: { "io.cilium.k8s.policy.serviceaccount": "customer" } }] }],
            egress: [{ toEntities: ["all"] }],
            enableDefaultDeny: { ingress: true, egress: true },
        });
    });
});
