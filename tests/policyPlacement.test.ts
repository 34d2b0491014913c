// The placement policies (policy/placement.ts): aws-node never on a Cilium node, Cilium's per-node workloads off
// legacy nodes while aws-node runs. Inputs from the real add-on settings and the real charts.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { awsNodeAffinity, awsNodeDaemonSetPatchSpec, mergedVpcCniConfiguration } from "../components/awsNode/affinity";
import { CILIUM_CHART_VERSIONS_VENDORED } from "../components/cilium/pins";
import { ciliumValues } from "../components/cilium/values";
import { DEFAULT_NODE_LABELS } from "../migration/names";
import { keepsOffLabel } from "../policy/affinity";
import { awsNodeNeverOnCiliumNodes, ciliumOffLegacyNodes } from "../policy/placement";
import { Declared, validateStack } from "./support/policyArgs";
import { FIXTURES, PROJECT_ROOT } from "./support/paths";

const REAL = path.join(FIXTURES, "real");
const prodEastVpcCni = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "examples", "prod-east", "addons.json"), "utf8"))
    .addons.find((a: { addonName: string }) => a.addonName === "vpc-cni");
const chartValues = (version: string) => YAML.parse(fs.readFileSync(path.join(REAL, "cilium-chart", version, "values.yaml"), "utf8"));
const vpcCniChartAffinity = YAML.parse(fs.readFileSync(path.join(REAL, "amazon-vpc-cni", "v1.19.0", "values.yaml"), "utf8")).affinity;

const vpcCni = (configurationValues: string | undefined): Declared => ({
    type: "aws:eks/addon:Addon", name: "aws-node-vpc-cni", parents: ["eks-cilium-migration:index:AwsNodeAffinity"],
    props: { addonName: "vpc-cni", clusterName: "prod-east", addonVersion: prodEastVpcCni.addonVersion, ...(configurationValues !== undefined ? { configurationValues } : {}) },
});
const awsNodePatch = (spec: unknown): Declared => ({
    type: "kubernetes:apps/v1:DaemonSetPatch", name: "aws-node-patch", props: { metadata: { name: "aws-node", namespace: "kube-system" }, spec },
});
const ciliumRelease = (version: string, values: unknown): Declared => ({
    type: "kubernetes:helm.sh/v3:Release", name: "cilium-release", parents: ["eks-cilium-migration:index:CiliumRelease"],
    props: { chart: "cilium", version, repositoryOpts: { repo: "https://helm.cilium.io" }, values },
});
const programValues = (bothCnisRun: boolean, chartVersion: string) => ciliumValues({
    bothCnisRun, kubeProxyReplacement: false, chartVersion, clusterName: "prod-east", nodeLabels: DEFAULT_NODE_LABELS, overrides: {},
});
const termsOf = (...expressions: object[][]) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: expressions.map((matchExpressions) => ({ matchExpressions })) } } });

const ADMITS_CILIUM = "aws-node (aws:eks/addon:Addon aws-node-vpc-cni) may run on nodes labelled cni=cilium: every node selector term of its affinity must exclude them (cni NotIn [cilium]).";

describe("policy: node affinity evaluation", () => {
    it("the program's pin, the design's NotIn form and an empty term keep a label off; the chart's default and a loose second term do not", () => {
        assert.strictEqual(keepsOffLabel(awsNodeAffinity(true, DEFAULT_NODE_LABELS, "v1.19.0"), "cni", "cilium"), true);
        assert.strictEqual(keepsOffLabel(termsOf([{ key: "cni", operator: "NotIn", values: ["cilium"] }]), "cni", "cilium"), true);
        assert.strictEqual(keepsOffLabel(termsOf([]), "cni", "cilium"), true);
        assert.strictEqual(keepsOffLabel(vpcCniChartAffinity, "cni", "cilium"), false);
        assert.strictEqual(keepsOffLabel(termsOf([{ key: "cni", operator: "In", values: ["aws-cni"] }], [{ key: "kubernetes.io/os", operator: "In", values: ["linux"] }]), "cni", "cilium"), false);
        assert.strictEqual(keepsOffLabel(undefined, "cni", "cilium"), false);
    });
});

describe("policy: aws-node-never-on-cilium-nodes", () => {
    const withCilium = (...declared: Declared[]) => [...declared, ciliumRelease("1.19.6", programValues(true, "1.19.6"))];

    it("fails the real prod-east add-on settings (no affinity of their own: the chart's default admits every node)", async () => {
        const outcome = await validateStack(awsNodeNeverOnCiliumNodes, withCilium(vpcCni(prodEastVpcCni.configurationValues)));
        assert.deepStrictEqual(outcome.messages, [ADMITS_CILIUM]);
    });

    it("fails an add-on whose affinity is the vpc-cni chart's own default (v1.19.0 values.yaml)", async () => {
        const outcome = await validateStack(awsNodeNeverOnCiliumNodes, withCilium(vpcCni(JSON.stringify({ affinity: vpcCniChartAffinity }))));
        assert.deepStrictEqual(outcome.messages, [ADMITS_CILIUM]);
    });

    it("passes the same settings once the program merged its pin into them", async () => {
        const pinned = mergedVpcCniConfiguration(prodEastVpcCni.configurationValues, true, DEFAULT_NODE_LABELS, prodEastVpcCni.addonVersion);
        assert.deepStrictEqual(await validateStack(awsNodeNeverOnCiliumNodes, withCilium(vpcCni(pinned))), { messages: [] });
    });

    it("passes the design's `cni NotIn [cilium]` form in YAML, as EKS also takes it", async () => {
        const yaml = YAML.stringify({ affinity: termsOf([{ key: "kubernetes.io/os", operator: "In", values: ["linux"] }, { key: "cni", operator: "NotIn", values: ["cilium"] }]) });
        assert.deepStrictEqual(await validateStack(awsNodeNeverOnCiliumNodes, withCilium(vpcCni(yaml))), { messages: [] });
    });

    it("judges a self-managed aws-node's DaemonSet patch the same way", async () => {
        const unpinned = await validateStack(awsNodeNeverOnCiliumNodes, withCilium(awsNodePatch({ template: { spec: { priorityClassName: "system-node-critical" } } })));
        assert.deepStrictEqual(unpinned.messages, [ADMITS_CILIUM.replace("aws:eks/addon:Addon aws-node-vpc-cni", "kubernetes:apps/v1:DaemonSetPatch aws-node-patch")]);
        const pinned = await validateStack(awsNodeNeverOnCiliumNodes, withCilium(awsNodePatch(awsNodeDaemonSetPatchSpec(DEFAULT_NODE_LABELS, "v1.19.0"))));
        assert.deepStrictEqual(pinned, { messages: [] });
    });

    it("uses the configured node label", async () => {
        const labels = { key: "network", legacyValue: "vpc", ciliumValue: "ebpf" };
        const pinnedOnDefault = mergedVpcCniConfiguration(undefined, true, DEFAULT_NODE_LABELS, "v1.19.0");
        const outcome = await validateStack(awsNodeNeverOnCiliumNodes, withCilium(vpcCni(pinnedOnDefault)), { nodeLabels: labels });
        assert.deepStrictEqual(outcome.messages, [ADMITS_CILIUM.replace(/cni=cilium/, "network=ebpf").replace("(cni NotIn [cilium])", "(network NotIn [ebpf])")]);
    });

    it("is not applicable before any Cilium node can exist (phase 0: an empty Cilium pool, no release)", async () => {
        const emptyPool: Declared = { type: "aws:eks/nodeGroup:NodeGroup", name: "ng-cilium", props: { labels: { cni: "cilium" }, scalingConfig: { desiredSize: 0, minSize: 0, maxSize: 3 } } };
        const outcome = await validateStack(awsNodeNeverOnCiliumNodes, [vpcCni(prodEastVpcCni.configurationValues), emptyPool]);
        assert.deepStrictEqual(outcome, { messages: [], notApplicable: "no Cilium release and no node group that may hold Cilium nodes yet" });
        const sized = { ...emptyPool, props: { ...emptyPool.props, scalingConfig: { desiredSize: 3, minSize: 0, maxSize: 3 } } };
        assert.deepStrictEqual((await validateStack(awsNodeNeverOnCiliumNodes, [vpcCni(prodEastVpcCni.configurationValues), sized])).messages, [ADMITS_CILIUM]);
    });
});

describe("policy: cilium-off-legacy-nodes", () => {
    const aws = vpcCni(mergedVpcCniConfiguration(prodEastVpcCni.configurationValues, true, DEFAULT_NODE_LABELS, prodEastVpcCni.addonVersion));

    it("fails the real 1.19.6 and 1.20.0 charts' defaults: every per-node workload with an affinity value may land on legacy nodes", async () => {
        for (const version of ["1.19.6", "1.20.0"]) {
            const outcome = await validateStack(ciliumOffLegacyNodes, [aws, ciliumRelease(version, chartValues(version))]);
            assert.deepStrictEqual(outcome.messages, [
                "Cilium release cilium-release: cilium-agent: `affinity` admits nodes labelled cni=aws-cni.",
                "Cilium release cilium-release: cilium-envoy: `envoy.affinity` admits nodes labelled cni=aws-cni.",
                "Cilium release cilium-release: cilium-nodeinit: `nodeinit.affinity` admits nodes labelled cni=aws-cni.",
                "Cilium release cilium-release: spire: `authentication.mutual.spire.install.agent.affinity` admits nodes labelled cni=aws-cni.",
                "Cilium release cilium-release: ztunnel: `encryption.ztunnel.affinity` admits nodes labelled cni=aws-cni.",
            ], version);
        }
    });

    it("fails a release that turns the agent's affinity off (scheduling.mode) or enables the pre-flight DaemonSet", async () => {
        const values = programValues(true, "1.19.6") as { scheduling: Record<string, unknown>; preflight: Record<string, unknown> };
        const changed = { ...values, scheduling: { mode: "kube-scheduler" }, preflight: { enabled: true } };
        const outcome = await validateStack(ciliumOffLegacyNodes, [aws, ciliumRelease("1.19.6", changed)]);
        assert.deepStrictEqual(outcome.messages, [
            "Cilium release cilium-release: cilium-agent: `scheduling.mode` is \"kube-scheduler\"; the chart renders its affinity only when it is \"anti-affinity\".",
            "Cilium release cilium-release: cilium-preflight: `preflight.enabled` must be false while aws-node runs (it cannot be kept off aws-node's nodes).",
        ]);
    });

    it("fails the earlier rule (`cni NotIn [aws-cni]`): it admits legacy nodes nobody labelled", async () => {
        const earlier = JSON.parse(JSON.stringify(programValues(true, "1.19.6")).replace(/"operator":"In","values":\["cilium"\]/g, "\"operator\":\"NotIn\",\"values\":[\"aws-cni\"]"));
        assert.notDeepStrictEqual(earlier, programValues(true, "1.19.6"), "the program's values carry cni In [cilium]");
        const outcome = await validateStack(ciliumOffLegacyNodes, [aws, ciliumRelease("1.19.6", earlier)]);
        assert.deepStrictEqual(outcome.messages, [
            "Cilium release cilium-release: cilium-agent: `affinity` admits nodes without cni (legacy nodes nobody labelled); require cni In [cilium].",
            "Cilium release cilium-release: cilium-envoy: `envoy.affinity` admits nodes without cni (legacy nodes nobody labelled); require cni In [cilium].",
            "Cilium release cilium-release: cilium-nodeinit: `nodeinit.affinity` admits nodes without cni (legacy nodes nobody labelled); require cni In [cilium].",
            "Cilium release cilium-release: spire: `authentication.mutual.spire.install.agent.affinity` admits nodes without cni (legacy nodes nobody labelled); require cni In [cilium].",
            "Cilium release cilium-release: ztunnel: `encryption.ztunnel.affinity` admits nodes without cni (legacy nodes nobody labelled); require cni In [cilium].",
        ]);
        assert.strictEqual(keepsOffLabel(termsOf([{ key: "cni", operator: "NotIn", values: ["aws-cni"] }]), "cni", undefined), false);
        assert.strictEqual(keepsOffLabel(termsOf([{ key: "cni", operator: "In", values: ["cilium"] }]), "cni", undefined), true);
        assert.strictEqual(keepsOffLabel(termsOf([{ key: "cni", operator: "DoesNotExist" }]), "cni", undefined), false);
    });

    it("passes the program's own values for every vendored chart while both CNIs run", async () => {
        for (const version of CILIUM_CHART_VERSIONS_VENDORED) {
            assert.deepStrictEqual(await validateStack(ciliumOffLegacyNodes, [aws, ciliumRelease(version, programValues(true, version))]), { messages: [] }, version);
        }
    });

    it("is not applicable once aws-node is no longer declared (steady state)", async () => {
        const outcome = await validateStack(ciliumOffLegacyNodes, [ciliumRelease("1.19.6", programValues(false, "1.19.6"))]);
        assert.deepStrictEqual(outcome, { messages: [], notApplicable: "aws-node is not declared: only Cilium runs" });
    });
});
