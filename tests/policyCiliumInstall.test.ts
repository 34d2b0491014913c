// The install policies (policy/ciliumInstall.ts): ENI mode, pinned versions, the operator's IAM list. Each resource
// policy runs through `validateResourceOfType`, so a resource of another type is "not applicable", as in Pulumi.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { ciliumOperatorPolicy } from "../components/cilium/iamPolicy";
import { ciliumValues } from "../components/cilium/values";
import { DEFAULT_NODE_LABELS } from "../migration/names";
import { ciliumEniMode, operatorIamLeastPrivilege, pinnedVersions } from "../policy/ciliumInstall";
import { Declared, validateResource } from "./support/policyArgs";
import { FIXTURES } from "./support/paths";

const chartValues = (version: string) => YAML.parse(fs.readFileSync(path.join(FIXTURES, "real", "cilium-chart", version, "values.yaml"), "utf8"));
const programValues = ciliumValues({ bothCnisRun: true, kubeProxyReplacement: false, chartVersion: "1.19.6", clusterName: "prod-east", nodeLabels: DEFAULT_NODE_LABELS, overrides: {} });
const release = (props: Record<string, unknown>): Declared => ({
    type: "kubernetes:helm.sh/v3:Release", name: "cilium-release", parents: ["eks-cilium-migration:index:CiliumRelease"],
    props: { chart: "cilium", version: "1.19.6", repositoryOpts: { repo: "https://helm.cilium.io" }, values: programValues, ...props },
});
const operatorPolicy = (policy: unknown, parents = ["eks-cilium-migration:index:CiliumRelease"]): Declared => ({
    type: "aws:iam/rolePolicy:RolePolicy", name: "cilium-operator-policy", parents, props: { role: "cilium-operator", policy },
});
const TYPE_ONLY = (type: string) => ({ messages: [], notApplicable: `Policy only applies to resources of type '${type}'` });

describe("policy: cilium-eni-mode", () => {
    it("fails the real chart's defaults (1.19.6 values.yaml: ENI off, cluster-pool IPAM, no routing mode)", async () => {
        const outcome = await validateResource(ciliumEniMode, release({ values: chartValues("1.19.6") }));
        assert.deepStrictEqual(outcome.messages, [
            "Cilium release cilium-release: `eni.enabled` is false, not true; ENI mode is what this program installs.",
            "Cilium release cilium-release: `ipam.mode` is \"cluster-pool\", not \"eni\"; ENI mode is what this program installs.",
            "Cilium release cilium-release: `routingMode` is \"\", not \"native\"; ENI mode routes natively; the VPC routes pod IPs between the pools.",
        ]);
    });

    it("passes the program's values", async () => {
        assert.deepStrictEqual(await validateResource(ciliumEniMode, release({})), { messages: [] });
    });

    it("leaves other charts and other types alone", async () => {
        assert.deepStrictEqual(await validateResource(ciliumEniMode, release({ chart: "goldpinger", values: {} })), { messages: [] });
        assert.deepStrictEqual(await validateResource(ciliumEniMode, operatorPolicy("{}")), TYPE_ONLY("kubernetes:helm.sh/v3:Release"));
    });
});

describe("policy: pinned-versions", () => {
    it("fails a chart version range and a floating image in the values", async () => {
        const values = { ...programValues, image: { repository: "quay.io/cilium/cilium", tag: "latest" }, hubble: { ui: { backend: { image: "quay.io/cilium/hubble-ui-backend" } } } };
        const outcome = await validateResource(pinnedVersions, release({ version: "~1.19", values }));
        assert.deepStrictEqual(outcome.messages, [
            "Helm release cilium-release: chart version \"~1.19\" is not an exact version (e.g. \"1.19.6\").",
            "Helm release cilium-release: values `image.tag` is not a pinned image.",
            "Helm release cilium-release: values `hubble.ui.backend.image` is not a pinned image.",
        ]);
    });

    it("passes the program's release and the real chart's own image settings (tags and digests)", async () => {
        assert.deepStrictEqual(await validateResource(pinnedVersions, release({})), { messages: [] });
        assert.deepStrictEqual(await validateResource(pinnedVersions, release({ values: chartValues("1.19.6") })), { messages: [] });
        assert.deepStrictEqual(await validateResource(pinnedVersions, release({ values: chartValues("1.18.12"), version: "1.18.12" })), { messages: [] });
        assert.deepStrictEqual(await validateResource(pinnedVersions, release({ values: chartValues("1.20.0"), version: "1.20.0" })), { messages: [] });
    });

    it("fails a workload image on :latest or without a tag; passes a tag or a digest", async () => {
        const daemonSet = (images: string[]): Declared => ({
            type: "kubernetes:apps/v1:DaemonSet", name: "goldpinger-daemonset",
            props: { spec: { template: { spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) } } } },
        });
        const outcome = await validateResource(pinnedVersions, daemonSet(["bloomberg/goldpinger:latest", "busybox", "registry:5000/app"]));
        assert.deepStrictEqual(outcome.messages, [
            "kubernetes:apps/v1:DaemonSet goldpinger-daemonset: image \"bloomberg/goldpinger:latest\" is not pinned (give a tag other than latest, or a digest).",
            "kubernetes:apps/v1:DaemonSet goldpinger-daemonset: image \"busybox\" is not pinned (give a tag other than latest, or a digest).",
            "kubernetes:apps/v1:DaemonSet goldpinger-daemonset: image \"registry:5000/app\" is not pinned (give a tag other than latest, or a digest).",
        ]);
        const pinned = daemonSet(["bloomberg/goldpinger:3.10.2", `busybox@sha256:${"a".repeat(64)}`]);
        assert.deepStrictEqual(await validateResource(pinnedVersions, pinned), { messages: [] });
    });
});

describe("policy: operator-iam-least-privilege (advisory)", () => {
    const programDocument = ciliumOperatorPolicy({ vpcId: "vpc-0a1b2c3d4e5f60718", clusterName: "prod-east" });

    it("is advisory", () => assert.strictEqual(operatorIamLeastPrivilege.enforcementLevel, "advisory"));

    it("fails a wildcard and an action beyond Cilium's documented list", async () => {
        const wider = { ...programDocument, Statement: [...programDocument.Statement, { Sid: "More", Effect: "Allow", Action: ["ec2:*", "ec2:TerminateInstances"], Resource: "*" }] };
        const outcome = await validateResource(operatorIamLeastPrivilege, operatorPolicy(JSON.stringify(wider)));
        assert.deepStrictEqual(outcome.messages, ["cilium-operator policy cilium-operator-policy allows ec2:*, ec2:TerminateInstances, beyond Cilium's documented list for ENI mode."]);
    });

    it("fails NotAction", async () => {
        const notAction = { Version: "2012-10-17", Statement: [{ Effect: "Allow", NotAction: ["iam:*"], Resource: "*" }] };
        const outcome = await validateResource(operatorIamLeastPrivilege, operatorPolicy(JSON.stringify(notAction)));
        assert.deepStrictEqual(outcome.messages, ["cilium-operator policy cilium-operator-policy allows NotAction (everything but a list), beyond Cilium's documented list for ENI mode."]);
    });

    it("passes the program's policy, with every conditional action too", async () => {
        assert.deepStrictEqual(await validateResource(operatorIamLeastPrivilege, operatorPolicy(JSON.stringify(programDocument))), { messages: [] });
        const everything = ciliumOperatorPolicy({ vpcId: "vpc-1", clusterName: "c", values: { eni: { awsReleaseExcessIPs: true, instanceTagsFilter: ["a=b"] }, ipv6: { enabled: true } } });
        assert.deepStrictEqual(await validateResource(operatorIamLeastPrivilege, operatorPolicy(JSON.stringify(everything))), { messages: [] });
    });

    it("judges only the operator's policy (the CiliumRelease component's)", async () => {
        const other = operatorPolicy(JSON.stringify({ Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] }), ["eks-cilium-migration:index:Other"]);
        assert.deepStrictEqual(await validateResource(operatorIamLeastPrivilege, other), { messages: [] });
    });
});
