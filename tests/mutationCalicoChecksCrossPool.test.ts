// preflight/calicoChecks.ts `crossPoolEffects` on Cilium objects of several specs and mixed rule lists: one rule with a
// selector peer is enough, one spec with an egress rule list is enough, and an object without the converter's
// annotation is named by its kind and name. (tests/calicoCrossPool.test.ts has the single-spec cases.)
import * as assert from "assert";
import { crossPoolEffects } from "../preflight/calicoChecks";
import { Obj } from "../preflight/types";

/** A CiliumNetworkPolicy in namespace shop as the converter writes it: its Calico source in the annotation. */
const cnp = (name: string, body: Obj, annotated = true): Obj => ({ apiVersion: "cilium.io/v2", kind: "CiliumNetworkPolicy",
    metadata: { name: `calico-${name}`, namespace: "shop", ...(annotated ? { annotations: { "eks-cilium-migration/converted-from": `NetworkPolicy/shop/${name}` } } : {}) },
    ...body });
const INGRESS_ONLY = { ingress: [{ fromCIDR: ["203.0.113.0/24"] }], enableDefaultDeny: { ingress: true, egress: false } };

describe("calico: cross-pool effects of policies with several specs or mixed rules", () => {
    it("one rule with a selector peer among CIDR rules is enough, in an ingress or an egress list", () => {
        const { selectorPeers, egressDeny } = crossPoolEffects([
            cnp("ingress-mixed", { spec: { endpointSelector: {}, ingress: [{ fromCIDR: ["203.0.113.0/24"] }, { fromEndpoints: [{ matchLabels: { app: "web" } }] }] } }),
            cnp("egress-mixed", { spec: { endpointSelector: {}, egress: [{ toCIDR: ["203.0.113.0/24"] }, { toEndpoints: [{ matchLabels: { app: "db" } }] }],
                enableDefaultDeny: { ingress: false, egress: false } } }),
        ]);
        assert.deepStrictEqual(selectorPeers, ["NetworkPolicy/shop/ingress-mixed", "NetworkPolicy/shop/egress-mixed"]);
        assert.deepStrictEqual(egressDeny, []);
    });

    it("one of a policy's specs with a selector peer, or with an egress rule list, is enough", () => {
        const peers = cnp("two-selectors", { specs: [{ endpointSelector: { matchLabels: { app: "api" } }, ...INGRESS_ONLY },
            { endpointSelector: { matchLabels: { app: "web" } }, ingress: [{ fromEndpoints: [{}] }], enableDefaultDeny: { ingress: true, egress: false } }] });
        const egress = cnp("two-egress", { specs: [{ endpointSelector: { matchLabels: { app: "api" } }, ...INGRESS_ONLY },
            { endpointSelector: { matchLabels: { app: "web" } }, egress: [{ toCIDR: ["203.0.113.0/24"] }], enableDefaultDeny: { ingress: false, egress: true } }] });
        assert.deepStrictEqual(crossPoolEffects([peers, egress]), { selectorPeers: ["NetworkPolicy/shop/two-selectors"], egressDeny: ["NetworkPolicy/shop/two-egress"] });
    });

    it("an object without the converter's annotation is named by its kind and name", () => {
        const handWritten = cnp("by-hand", { spec: { endpointSelector: {}, egress: [{ toEndpoints: [{}] }] } }, false);
        assert.deepStrictEqual(crossPoolEffects([handWritten]), { selectorPeers: ["CiliumNetworkPolicy/calico-by-hand"], egressDeny: ["CiliumNetworkPolicy/calico-by-hand"] });
    });

    it("an object with neither spec nor specs has no effect", () => {
        assert.deepStrictEqual(crossPoolEffects([cnp("empty", {})]), { selectorPeers: [], egressDeny: [] });
    });
});
