// What a converted Calico policy does to traffic between the pools while both run (preflight/calicoChecks.ts
// `crossPoolEffects`): pods on legacy nodes have no Cilium identity, so selector peers and egress default deny drop.
import * as assert from "assert";
import { crossPoolEffects } from "../preflight/calicoChecks";

const policy = (name: string, spec: Record<string, unknown>) => ({ apiVersion: "cilium.io/v2", kind: "CiliumClusterwideNetworkPolicy",
    metadata: { name: `calico-${name}`, annotations: { "eks-cilium-migration/converted-from": `GlobalNetworkPolicy/${name}` } }, spec });

describe("calico: converted policies across the pools in phases 3–7", () => {
    it("a selector peer (ingress fromEndpoints, egress toEndpoints, deny lists too) drops a peer still on a legacy node", () => {
        const { selectorPeers, egressDeny } = crossPoolEffects([
            policy("from-web", { endpointSelector: {}, ingress: [{ fromEndpoints: [{ matchLabels: { app: "web" } }] }] }),
            policy("deny-to-db", { endpointSelector: {}, egressDeny: [{ toEndpoints: [{ matchLabels: { app: "db" } }] }] }),
            policy("from-cidr", { endpointSelector: {}, ingress: [{ fromCIDR: ["198.51.100.0/24"] }] }),
        ]);
        assert.deepStrictEqual(selectorPeers, ["GlobalNetworkPolicy/from-web", "GlobalNetworkPolicy/deny-to-db"]);
        assert.deepStrictEqual(egressDeny, []);
    });

    it("an egress rule list puts the selected pods in egress default deny (DNS to legacy CoreDNS dropped), unless default deny is off", () => {
        const { egressDeny } = crossPoolEffects([
            policy("to-partners", { endpointSelector: {}, egress: [{ toCIDRSet: [{ cidrGroupRef: "calico-gns-partners" }] }] }),
            policy("no-default-deny", { endpointSelector: {}, egress: [{ toCIDR: ["198.51.100.0/24"] }], enableDefaultDeny: { egress: false } }),
            policy("ingress-only", { endpointSelector: {}, ingress: [{}] }),
            { apiVersion: "cilium.io/v2", kind: "CiliumCIDRGroup", metadata: { name: "calico-gns-partners" }, spec: { externalCIDRs: ["198.51.100.0/24"] } },
        ]);
        assert.deepStrictEqual(egressDeny, ["GlobalNetworkPolicy/to-partners"]);
    });

    it("reads a policy's `specs` list as well as its `spec`", () => {
        const o = { ...policy("specs", {}), spec: undefined, specs: [{ endpointSelector: {}, egress: [{ toEndpoints: [{}] }] }] };
        assert.deepStrictEqual(crossPoolEffects([o]), { selectorPeers: ["GlobalNetworkPolicy/specs"], egressDeny: ["GlobalNetworkPolicy/specs"] });
    });
});
