// Preflight held to its sources' own data: the SecurityGroupPolicy and ENIConfig CRDs (their owners' schemas, and the
// controller's own samples), kubectl drain's pod filters, and the Cluster Autoscaler and Karpenter charts' names.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { BLOCKERS } from "../preflight/drainChecks";
import { evictable } from "../preflight/objects";
import { readPreflightSnapshot } from "../preflight/read";
import { preflightContext, runPreflight } from "../preflight/run";
import { Obj } from "../preflight/types";
import { preflightOptionsOf } from "../stacks/preflightConfig";
import { migrationConfigOf, readStackFile } from "../stacks/stackFile";
import { EXAMPLE_SNAPSHOT, EXISTING_STACK } from "./support/existingCluster";
import { FIXTURES } from "./support/paths";
import { crdValidator, eniConfig, securityGroupPolicySamples } from "./support/preflightObjects";

const REAL = path.join(FIXTURES, "real");
const BASE = readPreflightSnapshot(EXAMPLE_SNAPSHOT);
const OPTIONS = preflightOptionsOf(migrationConfigOf(readStackFile(EXISTING_STACK)));
const items = (input: Obj, part: string): Obj[] => input[part].items;

describe("preflight against its sources", () => {
    it("the controller's own SecurityGroupPolicy samples are valid for its CRD, and preflight blocks on them", () => {
        const validate = crdValidator(path.join("vpc-resource-controller", "vpcresources.k8s.aws_securitygrouppolicies.yaml"), "SecurityGroupPolicy");
        const samples = securityGroupPolicySamples();
        for (const s of samples) assert.ok(validate(s), JSON.stringify(validate.errors));
        const input = structuredClone(BASE);
        items(input, "securitygrouppolicies").push(...samples);
        const found = runPreflight(input, OPTIONS).findings.find((f) => f.id === "security-groups-for-pods");
        assert.strictEqual(found?.severity, "blocker");
        assert.deepStrictEqual(found?.objects, ["shop/securitygrouppolicy-sample-podselector", "shop/securitygrouppolicy-sample-serviceaccountselector"]);
    });

    it("the ENIConfigs preflight is tested with are valid for the amazon-vpc-cni chart's CRD; one without a subnet is not", () => {
        const validate = crdValidator(path.join("amazon-vpc-cni", "v1.23.0", "customresourcedefinition.yaml"), "ENIConfig");
        assert.ok(validate(eniConfig("us-east-2a", "subnet-0d4c5b6a708192a34", ["sg-0b8d4f0e3c2a5b7c9"])), JSON.stringify(validate.errors));
        assert.ok(!validate({ ...eniConfig("us-east-2a", "x", []), spec: { securityGroups: [] } }));
    });

    it("kubectl drain never drains DaemonSet or mirror pods, refuses emptyDir without --delete-emptydir-data and controller-less pods without --force: so do preflight's reasons", () => {
        const filters = fs.readFileSync(path.join(REAL, "kubectl", "filters.go"), "utf8");
        for (const s of ['localStorageFatal   = "Pods with local storage (use --delete-emptydir-data to override)"',
            'unmanagedFatal      = "Pods that declare no controller (use --force to override)"', "func (d *Helper) mirrorPodFilter(", "func (d *Helper) daemonSetFilter("]) {
            assert.ok(filters.includes(s), s);
        }
        const ctx = preflightContext(BASE, OPTIONS);
        const pod = structuredClone(items(BASE, "pods").find((p) => p.metadata.name.startsWith("web-")) as Obj);
        assert.ok(evictable(pod));
        assert.ok(!evictable({ ...pod, metadata: { ...pod.metadata, ownerReferences: [{ kind: "DaemonSet", name: "x", controller: true }] } }));
        assert.ok(!evictable({ ...pod, metadata: { ...pod.metadata, annotations: { "kubernetes.io/config.mirror": "abc" } } }));
        assert.ok(!evictable({ ...pod, status: { phase: "Succeeded" } }), "finished pods are not drained");
        assert.match(BLOCKERS["emptydir-data"](ctx, { ...pod, spec: { ...pod.spec, volumes: [{ name: "c", emptyDir: {} }] } }) ?? "", /kubectl drain refuses it/);
        // An owner reference that is not the controller does not count, as metav1.GetControllerOf reads it.
        const notController = { ...pod, metadata: { ...pod.metadata, ownerReferences: [{ kind: "ReplicaSet", name: "web-x", controller: false }] } };
        assert.match(BLOCKERS["unmanaged-pod"](ctx, notController) ?? "", /without --force/);
        assert.strictEqual(BLOCKERS["unmanaged-pod"](ctx, pod), undefined);
    });

    it("finds the Cluster Autoscaler by the Deployment name its chart gives a default install, and Karpenter by its chart's name label", () => {
        const ca = YAML.parse(fs.readFileSync(path.join(REAL, "cluster-autoscaler-chart", "Chart.yaml"), "utf8")).name;
        const cloud = YAML.parse(fs.readFileSync(path.join(REAL, "cluster-autoscaler-chart", "values.yaml"), "utf8")).cloudProvider;
        const helpers = fs.readFileSync(path.join(REAL, "cluster-autoscaler-chart", "templates", "_helpers.tpl"), "utf8");
        assert.ok(helpers.includes('{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}'));
        const deployment = `cluster-autoscaler-${cloud}-${ca}`;
        assert.strictEqual(deployment, "cluster-autoscaler-aws-cluster-autoscaler");
        const karpenter = YAML.parse(fs.readFileSync(path.join(REAL, "karpenter-chart", "Chart.yaml"), "utf8")).name;
        assert.ok(fs.readFileSync(path.join(REAL, "karpenter-chart", "templates", "_helpers.tpl"), "utf8").includes('app.kubernetes.io/name: {{ include "karpenter.name" . }}'));
        const input = structuredClone(BASE);
        const template = items(input, "deployments").find((d) => d.metadata.name === "web");
        items(input, "deployments").splice(0, items(input, "deployments").length,
            { ...structuredClone(template), metadata: { name: deployment, namespace: "kube-system" } },
            { ...structuredClone(template), metadata: { name: "controller-x", namespace: "karpenter", labels: { "app.kubernetes.io/name": karpenter } } });
        const ids = runPreflight(input, OPTIONS).findings.map((f) => f.id);
        assert.ok(ids.includes("cluster-autoscaler") && ids.includes("karpenter"), ids.join(", "));
        // With no NodePool left out it is information, not a warning.
        assert.strictEqual(runPreflight(input, OPTIONS).findings.find((f) => f.id === "karpenter")?.severity, "info");
    });
});
