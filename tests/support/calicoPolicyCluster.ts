// A test-only Calico cluster with policies: the example snapshot with tigera-operator's install (tests/support/calicoInstall.ts)
// and Calico policies in the v3 API's shapes (tests/support/calicoObjects.ts): one converts to a CiliumNetworkPolicy, one
// to a CiliumClusterwideNetworkPolicy with a CiliumCIDRGroup, one is withheld (its `nets` cover the example's nodes).
import { OPERATOR_CLUSTER, calicoSnapshot } from "./calicoInstall";
import { gnp, gns, np } from "./calicoObjects";
import { Json } from "./existingCluster";

const list = (items: Json[]) => ({ apiVersion: "v1", kind: "List", items });

export const CONVERTIBLE_NP = np("payments", "api", { selector: "app == 'api'", types: ["Ingress"],
    ingress: [{ action: "Allow", protocol: "TCP", source: { selector: "app == 'web'" }, destination: { ports: [8443] } }] });
export const PARTNERS = gns("partners", { partner: "true" }, ["203.0.113.0/24"]);
export const CONVERTIBLE_GNP = gnp("billing-egress", { selector: "app == 'billing'", types: ["Egress"],
    egress: [{ action: "Allow", protocol: "TCP", destination: { selector: "partner == 'true'", ports: [443] } }] });
/** Its `nets` contain the example cluster's node and pod addresses (10.20.0.0/16): under Cilium it would stop matching them. */
export const WITHHELD_GNP = gnp("vpc-egress", { selector: "app == 'batch'", types: ["Egress"],
    egress: [{ action: "Allow", destination: { nets: ["10.20.0.0/16"] } }] });

/** The example cluster with Calico under tigera-operator and the policies above (or those given). */
export function calicoPolicySnapshot(policies: { np?: Json[]; gnp?: Json[]; gns?: Json[] } = {}): string {
    return calicoSnapshot({ ...OPERATOR_CLUSTER, extra: {
        "calico-networkpolicies.json": list(policies.np ?? [CONVERTIBLE_NP]),
        "calico-globalnetworkpolicies.json": list(policies.gnp ?? [CONVERTIBLE_GNP, WITHHELD_GNP]),
        "calico-globalnetworksets.json": list(policies.gns ?? [PARTNERS]),
    } });
}
