// The Cilium Helm values per phase, validated against the pinned chart's own schema and values.yaml.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import * as YAML from "yaml";
import { CHART_DAEMONSETS } from "../components/cilium/daemonSets";
import { CHART_AGENT_MAX_UNAVAILABLE, ciliumHelmTimeoutSeconds } from "../components/cilium/timeout";
import { valuePaths } from "../components/cilium/overrides";
import { CILIUM_CHART_VERSION, CILIUM_CHART_VERSIONS_VENDORED } from "../components/cilium/pins";
import { CiliumValuesInput, apiServerHost, ciliumValues } from "../components/cilium/values";
import { assertCiliumOverridesAllowed, ciliumDecisions } from "../stacks/ciliumOverrides";
import { isPlainObject } from "../stacks/validate";
import { DEFAULT_NODE_LABELS } from "../stacks/config";
import { PHASES, Phase } from "../migration/phases";
import { find, runPhase } from "./mocks";
import { FIXTURES } from "./support/paths";

const CHART_DIR = path.join(FIXTURES, "real", "cilium-chart");
/** Kubernetes objects the chart renders verbatim (toYaml): their inner keys are not in values.yaml. */
const VERBATIM = CHART_DAEMONSETS.flatMap((d) => (d.affinity ? [d.affinity] : []));

const input = (phase: Phase, overrides: Record<string, unknown> = {}, chartVersion: string = CILIUM_CHART_VERSION): CiliumValuesInput => ({
    ...ciliumDecisions(phase), chartVersion, clusterName: "prod-eu-1", operatorRoleArn: "arn:aws:iam::123456789012:role/cilium-operator",
    nodeLabels: DEFAULT_NODE_LABELS, clusterEndpoint: "https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com", overrides,
});

const charts = new Map<string, { validate: ReturnType<Ajv["compile"]>; defaults: any }>(); // eslint-disable-line @typescript-eslint/no-explicit-any

/** A vendored chart's schema validator and default values (parsed once: values.yaml is large). */
function chart(version: string) {
    if (!charts.has(version)) {
        const dir = path.join(CHART_DIR, version);
        const schema = JSON.parse(fs.readFileSync(path.join(dir, "values.schema.json"), "utf8"));
        const defaults = YAML.parse(fs.readFileSync(path.join(dir, "values.yaml"), "utf8"));
        charts.set(version, { validate: new Ajv({ strict: false, allErrors: true }).compile(schema), defaults });
    }
    return charts.get(version) as { validate: ReturnType<Ajv["compile"]>; defaults: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A key path is known when values.yaml has it, or when it lies inside a verbatim Kubernetes object. */
function unknownKeys(values: Record<string, unknown>, defaults: Record<string, unknown>): string[] {
    return valuePaths(values).filter((p) => {
        const parts = p.split(".");
        let node: unknown = defaults;
        for (let i = 0; i < parts.length; i++) {
            if (VERBATIM.includes(parts.slice(0, i).join("."))) return false;
            if (!isPlainObject(node) || !(parts[i] in node)) return true;
            node = node[parts[i]];
        }
        return false;
    });
}

describe("Cilium Helm values", () => {
    for (const version of CILIUM_CHART_VERSIONS_VENDORED) {
        const { validate, defaults } = chart(version);
        for (const phase of PHASES.filter((p) => p.number >= 2)) {
            it(`phase ${phase.number} validates against the ${version} chart schema and uses only its keys`, () => {
                const values = ciliumValues(input(phase.number, {}, version));
                assert.ok(validate(values), JSON.stringify(validate.errors));
                assert.deepStrictEqual(unknownKeys(values, defaults), []);
            });
        }
    }

    it("policyDuringMigration never: no enforcement while both CNIs run, Cilium's default from phase 8; portmap chained until phase 9 — valid for every chart", () => {
        for (const version of CILIUM_CHART_VERSIONS_VENDORED) {
            const { validate, defaults } = chart(version);
            for (const phase of PHASES.filter((p) => p.number >= 2)) {
                const v = ciliumValues({ ...input(phase.number, {}, version), policyDuringMigration: "never", portmapChaining: true }) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
                assert.ok(validate(v), JSON.stringify(validate.errors));
                assert.deepStrictEqual(unknownKeys(v, defaults), []);
                assert.strictEqual(v.policyEnforcementMode, phase.number < 8 ? "never" : undefined, `phase ${phase.number}`);
                assert.deepStrictEqual(v.cni, phase.number < 9 ? { chainingMode: "portmap" } : undefined, `phase ${phase.number}`);
            }
            // The chart's own default, restored at phase 8 by leaving the key out.
            assert.strictEqual(defaults.policyEnforcementMode, "default");
        }
        assert.throws(() => ciliumValues(input(4, { policyEnforcementMode: "never" })), /`cilium\.values\.policyEnforcementMode` cannot be overridden before/);
        assert.throws(() => ciliumValues(input(9, { cni: { chainingMode: "portmap" } })), /`cilium\.values\.cni\.chainingMode` cannot be overridden: ENI mode runs Cilium as the only CNI/);
    });

    it("the key check itself catches a key the chart does not have", () => {
        const { defaults } = chart(CILIUM_CHART_VERSION);
        assert.deepStrictEqual(unknownKeys({ eni: { enabled: true, iamRoel: "x" }, tunnel: "disabled" }, defaults), ["eni.iamRoel", "tunnel"]);
    });

    it("sets ENI mode, native routing, the operator role and cluster name; never `tunnel` or egressMasqueradeInterfaces", () => {
        for (let phase = 2; phase <= 9; phase++) {
            const v = ciliumValues(input(phase as Phase)) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
            assert.deepStrictEqual(v.eni, { enabled: true, iamRole: "arn:aws:iam::123456789012:role/cilium-operator" });
            assert.deepStrictEqual(v.ipam, { mode: "eni" });
            assert.strictEqual(v.routingMode, "native");
            assert.deepStrictEqual(v.cluster, { name: "prod-eu-1" });
            assert.ok(!("tunnel" in v) && !("egressMasqueradeInterfaces" in v));
        }
    });

    it("while both CNIs coexist (2–7): watcher restart off, agents only on cni=cilium nodes (and off Fargate, hybrid, Auto Mode)", () => {
        for (let phase = 2; phase <= 7; phase++) {
            const v = ciliumValues(input(phase as Phase)) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
            assert.strictEqual(v.operator.unmanagedPodWatcher.restart, false);
            assert.deepStrictEqual(v.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms,
                [{ matchExpressions: [{ key: "eks.amazonaws.com/compute-type", operator: "NotIn", values: ["fargate", "hybrid", "auto"] }, { key: "cni", operator: "In", values: ["cilium"] }] }]);
            assert.ok(v.affinity.podAntiAffinity, "the chart's one-agent-per-node anti-affinity is kept");
            assert.strictEqual(v.kubeProxyReplacement, false);
            assert.strictEqual(v.hubble, undefined);
        }
    });

    it("phase 8 is the steady state: watcher on, the legacy-node exclusion dropped (not the compute-type one), Hubble relay and metrics on", () => {
        const v = ciliumValues(input(8)) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
        assert.strictEqual(v.operator.unmanagedPodWatcher.restart, true);
        assert.deepStrictEqual(v.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms,
            [{ matchExpressions: [{ key: "eks.amazonaws.com/compute-type", operator: "NotIn", values: ["fargate", "hybrid", "auto"] }] }]);
        assert.strictEqual(v.hubble.relay.enabled, true);
        assert.deepStrictEqual(v.hubble.metrics.enabled, ["dns", "drop", "tcp", "flow", "icmp", "httpV2"]);
        assert.strictEqual(v.kubeProxyReplacement, false);
        assert.strictEqual(v.k8sServiceHost, undefined);
    });

    it("phase 9 turns kube-proxy replacement on with the endpoint's host name and port 443", () => {
        const v = ciliumValues(input(9));
        assert.strictEqual(v.kubeProxyReplacement, true);
        assert.strictEqual(v.k8sServiceHost, "ABCDEF.gr7.eu-west-1.eks.amazonaws.com");
        assert.strictEqual(v.k8sServicePort, 443);
        assert.strictEqual(apiServerHost("https://x.eks.amazonaws.com:443/"), "x.eks.amazonaws.com");
        assert.throws(() => apiServerHost("https://"), /has no usable host name for `k8sServiceHost`/);
    });

    it("deep-merges user overrides last", () => {
        const v = ciliumValues(input(3, { operator: { replicas: 1 }, hubble: { enabled: false }, bpf: { masquerade: true } })) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
        assert.strictEqual(v.operator.replicas, 1);
        assert.strictEqual(v.operator.unmanagedPodWatcher.restart, false, "a sibling override keeps the migration's keys");
        assert.deepStrictEqual(v.bpf, { masquerade: true });
    });

    /** The stack's check (worded in phases) and then the values, as the program runs them. */
    const atPhase = (phase: Phase, overrides: Record<string, unknown>) => {
        assertCiliumOverridesAllowed(phase, overrides);
        return ciliumValues(input(phase, overrides));
    };

    it("refuses an override of a migration key before phase 8, accepts it from 8", () => {
        const override = { operator: { unmanagedPodWatcher: { restart: true } } };
        assert.throws(() => atPhase(5, override),
            { message: "`cilium.values.operator.unmanagedPodWatcher.restart` cannot be overridden before phase 8 (finalize) — phase is 5 (drain-legacy): it would restart pods aws-node still manages. Remove it from `cilium.values` until phase 8." });
        assert.throws(() => atPhase(7, { affinity: {} }), /`cilium.values.affinity` cannot be overridden before phase 8/);
        assert.throws(() => atPhase(4, { operator: { unmanagedPodWatcher: null } }), /`cilium.values.operator.unmanagedPodWatcher.restart` cannot be overridden/,
            "replacing a parent with a scalar counts as touching the key");
        assert.strictEqual((atPhase(8, override).operator as Record<string, any>).unmanagedPodWatcher.restart, true); // eslint-disable-line @typescript-eslint/no-explicit-any
        assert.ok(atPhase(9, { affinity: { nodeAffinity: {} } }).affinity);
        // The component checks on its own too, in its own words (it knows decisions, not phases).
        assert.throws(() => ciliumValues(input(5, override)),
            { message: "`cilium.values.operator.unmanagedPodWatcher.restart` cannot be overridden before both CNIs stop running side by side: it would restart pods aws-node still manages. Remove it from `cilium.values` until then." });
    });

    it("always refuses overrides of the ENI-mode keys and of `tunnel`", () => {
        assert.throws(() => atPhase(9, { ipam: { mode: "cluster-pool" } }),
            { message: "`cilium.values.ipam.mode` cannot be overridden: ENI mode is what this program installs. Remove it from `cilium.values`." });
        assert.throws(() => atPhase(8, { tunnel: "disabled" }), /`cilium.values.tunnel` cannot be overridden: `tunnel` was removed in Cilium 1.15/);
        assert.throws(() => atPhase(2, { kubeProxyReplacement: "strict" }), /`cilium.values.kubeProxyReplacement` cannot be overridden/);
    });

    it("the release the program declares carries these values, the pinned chart and repository", async () => {
        const release = find(await runPhase(2), "kubernetes:helm.sh/v3:Release", "cilium-release").inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
        assert.strictEqual(release.chart, "cilium");
        assert.strictEqual(release.version, "1.19.6");
        assert.deepStrictEqual(release.repositoryOpts, { repo: "https://helm.cilium.io" });
        assert.strictEqual(release.namespace, "kube-system");
        assert.strictEqual(release.atomic, true);
        assert.deepStrictEqual(release.values, ciliumValues({ ...input(2), clusterName: "prod-eu-1", operatorRoleArn: "arn:aws:iam::123456789012:role/cilium-operator-role",
            clusterEndpoint: "https://0123456789ABCDEF0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com" }));
    });
});

describe("Cilium Helm timeout", () => {
    it("the chart's own agent maxUnavailable is the one the default assumes, in every vendored chart", () => {
        for (const version of CILIUM_CHART_VERSIONS_VENDORED) {
            assert.strictEqual(chart(version).defaults.updateStrategy.rollingUpdate.maxUnavailable, CHART_AGENT_MAX_UNAVAILABLE, version);
        }
    });

    it("grows with the pool: 15m up to 6 nodes, 5m + 3m per batch of maxUnavailable agents beyond", () => {
        assert.strictEqual(ciliumHelmTimeoutSeconds(6, {}), 900);
        assert.strictEqual(ciliumHelmTimeoutSeconds(60, {}), 300 + 30 * 180);
        assert.strictEqual(ciliumHelmTimeoutSeconds(60, { updateStrategy: { rollingUpdate: { maxUnavailable: 10 } } }), 300 + 6 * 180);
        assert.strictEqual(ciliumHelmTimeoutSeconds(100, { updateStrategy: { rollingUpdate: { maxUnavailable: "10%" } } }), 300 + 10 * 180);
    });

    it("the release carries it, sized from ciliumNodeGroup.maxSize, or cilium.timeout when set", async () => {
        const sized = find(await runPhase(2, { ciliumNodeGroup: { name: "ng-cilium", instanceTypes: ["m6i.large"], desiredSize: 40, minSize: 40, maxSize: 80 } }),
            "kubernetes:helm.sh/v3:Release", "cilium-release").inputs;
        assert.strictEqual(sized.timeout, 300 + 40 * 180);
        const set = find(await runPhase(2, { cilium: { timeout: "1h30m" } }), "kubernetes:helm.sh/v3:Release", "cilium-release").inputs;
        assert.strictEqual(set.timeout, 5400);
        assert.strictEqual(set.atomic, true);
    });
});
