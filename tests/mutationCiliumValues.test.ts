// The Cilium values' fixed decisions, asserted key by key where tests/ciliumValues.test.ts checks them only through
// the chart's schema: the restarts on ConfigMap change, Hubble after the migration, policy enforcement only while both
// CNIs run and only when asked, Envoy's xDS compatibility from chart 1.20, and the API server's host name.
import * as assert from "assert";
import { CiliumValuesInput, apiServerHost, ciliumValues, deepMerge } from "../components/cilium/values";
import { keepOffAffinity } from "../components/cilium/daemonSets";
import { DEFAULT_NODE_LABELS } from "../migration/names";

const input = (extra: Partial<CiliumValuesInput> = {}): CiliumValuesInput => ({
    bothCnisRun: true, kubeProxyReplacement: false, chartVersion: "1.19.6", clusterName: "prod-eu-1", nodeLabels: DEFAULT_NODE_LABELS,
    clusterEndpoint: "https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com", overrides: {}, ...extra,
});
const values = (extra: Partial<CiliumValuesInput> = {}) => ciliumValues(input(extra)) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("Cilium values: what every phase's release carries", () => {
    it("rolls agents and operator out when their ConfigMap changes, in both stages", () => {
        for (const bothCnisRun of [true, false]) {
            const v = values({ bothCnisRun });
            assert.strictEqual(v.rollOutCiliumPods, true);
            assert.strictEqual(v.operator.rollOutPods, true);
            assert.strictEqual(v.operator.unmanagedPodWatcher.restart, !bothCnisRun);
        }
    });

    it("turns Hubble on (relay and metrics) only once Cilium is the only CNI", () => {
        assert.strictEqual(values().hubble, undefined);
        assert.deepStrictEqual(values({ bothCnisRun: false }).hubble,
            { enabled: true, relay: { enabled: true }, metrics: { enabled: ["dns", "drop", "tcp", "flow", "icmp", "httpV2"] } });
    });

    it("sets policyEnforcementMode never only while both CNIs run and the stack asks for it", () => {
        assert.strictEqual(values({ policyDuringMigration: "never" }).policyEnforcementMode, "never");
        assert.strictEqual(values({ policyDuringMigration: "default" }).policyEnforcementMode, undefined);
        assert.strictEqual(values({ policyDuringMigration: "never", bothCnisRun: false }).policyEnforcementMode, undefined);
    });

    it("keeps Envoy's split xDS from chart 1.20 on, and sets nothing on 1.19", () => {
        assert.strictEqual(values({ chartVersion: "1.20.0" }).upgradeCompatibility, "1.19");
        assert.strictEqual(values().upgradeCompatibility, undefined);
    });

    it("with kube-proxy replacement: the endpoint's host on port 443, and a clear refusal without an endpoint", () => {
        const v = values({ kubeProxyReplacement: true, bothCnisRun: false });
        assert.deepStrictEqual([v.kubeProxyReplacement, v.k8sServiceHost, v.k8sServicePort], [true, "ABCDEF.gr7.eu-west-1.eks.amazonaws.com", 443]);
        assert.throws(() => values({ kubeProxyReplacement: true, clusterEndpoint: undefined }),
            { name: "CiliumValuesError", message: "kube-proxy replacement needs the cluster endpoint for `k8sServiceHost`." });
        assert.strictEqual(values().k8sServiceHost, undefined);
    });
});

describe("Cilium values: apiServerHost and deepMerge", () => {
    it("trims the endpoint and drops scheme, port and path", () => {
        assert.strictEqual(apiServerHost("  https://abc.yl4.us-east-2.eks.amazonaws.com:443/path \n"), "abc.yl4.us-east-2.eks.amazonaws.com");
        assert.strictEqual(apiServerHost("abc.eks.amazonaws.com"), "abc.eks.amazonaws.com");
    });

    it("refuses a host with a character a DNS name cannot hold anywhere in it", () => {
        for (const endpoint of ["https://eks_cluster.example", "https://_eks.example", "https://eks.example_"]) {
            assert.throws(() => apiServerHost(endpoint), { message: `the cluster endpoint ${JSON.stringify(endpoint)} has no usable host name for \`k8sServiceHost\`.` });
        }
    });

    it("replaces an object with an override that is not one (a list, a scalar), and merges objects key by key", () => {
        assert.deepStrictEqual(deepMerge({ a: { b: 1 }, c: 1 }, { a: ["x"], c: { d: 2 } }), { a: ["x"], c: { d: 2 } });
        assert.deepStrictEqual(deepMerge({ a: { b: 1, c: 2 } }, { a: { c: 3 } }), { a: { b: 1, c: 3 } });
    });
});

describe("Cilium values: keepOffAffinity", () => {
    it("gives the agent (`affinity`) its one-agent-per-node anti-affinity, and no other workload", () => {
        assert.ok(keepOffAffinity("affinity", DEFAULT_NODE_LABELS, true).podAntiAffinity);
        for (const key of ["envoy.affinity", "nodeinit.affinity", "authentication.mutual.spire.install.agent.affinity"]) {
            assert.strictEqual(keepOffAffinity(key, DEFAULT_NODE_LABELS, true).podAntiAffinity, undefined, key);
        }
    });
});
