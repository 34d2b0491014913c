// aws-node's pinning affinity (addon route and patch route) and cilium-operator's IAM policy.
import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { awsNodeAffinity, awsNodeDaemonSetPatchSpec, vpcCniAddonConfiguration } from "../components/awsNode/affinity";
import { ciliumOperatorPolicy, policyActions } from "../components/cilium/iamPolicy";
import { AwsNodeAffinity } from "../components/awsNode/awsNodeAffinity";
import { RecordingMocks, attachParents, promiseOf, recordDependencies, settled } from "../plan/mockRuntime";
import { DEFAULT_NODE_LABELS } from "../stacks/config";
import { find, runPhase } from "./mocks";
import { FIXTURES } from "./support/paths";

const VPC_CNI = path.join(FIXTURES, "real", "amazon-vpc-cni");
/** The default aws-node terms of a vendored amazon-vpc-cni chart release. */
const chartTerms = (tag: string) => YAML.parse(fs.readFileSync(path.join(VPC_CNI, tag, "values.yaml"), "utf8"))
    .affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
const termsOf = (affinity: ReturnType<typeof awsNodeAffinity>) => affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
// "Which CNI a node gets": pinning adds `cni NotIn [cilium]` to each term (aws-node keeps every node not born with the Cilium label).
const LEGACY = { key: "cni", operator: "NotIn", values: ["cilium"] };

describe("aws-node affinity", () => {
    it("keeps the real chart's default terms of the version that runs (before and from v1.19.0, and the newest)", () => {
        for (const [tag, addonVersion] of [["v1.18.6", "v1.18.6-eksbuild.2"], ["v1.19.0", "v1.19.0-eksbuild.1"], ["v1.23.0", "v1.23.0-eksbuild.1"]]) {
            assert.deepStrictEqual(termsOf(awsNodeAffinity(false, DEFAULT_NODE_LABELS, addonVersion)), chartTerms(tag), tag);
            assert.deepStrictEqual(termsOf(awsNodeAffinity(true, DEFAULT_NODE_LABELS, addonVersion)), [{ matchExpressions: [...chartTerms(tag)[0].matchExpressions, LEGACY] }], tag);
        }
        assert.deepStrictEqual(termsOf(awsNodeAffinity(false, DEFAULT_NODE_LABELS)), chartTerms("v1.23.0"), "unknown version: the newest terms");
        assert.deepStrictEqual(chartTerms("v1.18.6")[0].matchExpressions[2].values, ["fargate"], "the older chart really excluded only Fargate");
    });

    it("addon route: configurationValues carry the affinity, pinned or not (the default is written back explicitly on 1 → 0)", () => {
        const pinned = JSON.parse(vpcCniAddonConfiguration(true, DEFAULT_NODE_LABELS));
        assert.deepStrictEqual(Object.keys(pinned), ["affinity"]);
        assert.deepStrictEqual(termsOf(pinned.affinity), [{ matchExpressions: [...chartTerms("v1.23.0")[0].matchExpressions, LEGACY] }]);
        assert.deepStrictEqual(termsOf(JSON.parse(vpcCniAddonConfiguration(false, DEFAULT_NODE_LABELS)).affinity), chartTerms("v1.23.0"));
    });

    it("patch route: the DaemonSet patch carries the same single term", () => {
        assert.deepStrictEqual(termsOf(awsNodeDaemonSetPatchSpec(DEFAULT_NODE_LABELS).template.spec.affinity), [{ matchExpressions: [...chartTerms("v1.23.0")[0].matchExpressions, LEGACY] }]);
    });

    it("the program pins aws-node through the vpc-cni addon in phases 1–5, writes the default back at 0, and removes the addon from 6", async () => {
        for (const phase of [1, 5]) {
            const addon = find(await runPhase(phase), "aws:eks/addon:Addon", "aws-node-vpc-cni").inputs;
            assert.deepStrictEqual(JSON.parse(addon.configurationValues as string), { affinity: awsNodeAffinity(true, DEFAULT_NODE_LABELS) });
        }
        const back = find(await runPhase(0, {}, 1), "aws:eks/addon:Addon", "aws-node-vpc-cni").inputs;
        assert.deepStrictEqual(JSON.parse(back.configurationValues as string), { affinity: awsNodeAffinity(false, DEFAULT_NODE_LABELS) });
        const six = await runPhase(6);
        assert.ok(!six.resources.some((r) => r.name === "aws-node-vpc-cni"));
    });

    it("patch route: a server-side-apply DaemonSetPatch with retainOnDelete, forced over the field owner", async () => {
        const mocks = new RecordingMocks();
        await pulumi.runtime.setMocks(mocks, "p", "s", false, "organization");
        const options = recordDependencies();
        const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
        const component = new AwsNodeAffinity("aws-node", {
            route: "daemonset-patch", clusterName: "c", provider, labels: DEFAULT_NODE_LABELS,
            pinned: true, remove: false, kubeconfig: "{}", gateCli: "gate",
        });
        await promiseOf(component.urn);
        const patch = component.daemonSetPatch;
        assert.ok(patch, "the patch is declared");
        await promiseOf(patch.urn);
        await settled();
        attachParents(mocks.resources, options);
        const recorded = mocks.resources.find((r) => r.type === "kubernetes:apps/v1:DaemonSetPatch");
        assert.deepStrictEqual(recorded?.inputs.metadata, { name: "aws-node", namespace: "kube-system", annotations: { "pulumi.com/patchForce": "true" } });
        assert.deepStrictEqual(recorded?.inputs.spec, awsNodeDaemonSetPatchSpec(DEFAULT_NODE_LABELS));
        // Dropping the patch from the program must not relinquish the affinity (aws-node would land on Cilium nodes).
        assert.strictEqual(recorded?.retainOnDelete, true);
        assert.strictEqual(mocks.resources.some((r) => r.type === "aws:eks/addon:Addon"), false, "the patch route declares no addon");
    });
});

describe("cilium-operator IAM policy", () => {
    const doc = ciliumOperatorPolicy({ vpcId: "vpc-0123456789abcdef0", clusterName: "prod-eu-1" });

    it("grants exactly the ENI-mode actions Cilium documents, none of them a wildcard (tests/iamPolicies.test.ts holds them against AWS)", () => {
        assert.deepStrictEqual(policyActions(doc), [
            "ec2:AssignPrivateIpAddresses", "ec2:AttachNetworkInterface", "ec2:CreateNetworkInterface", "ec2:CreateTags",
            "ec2:DeleteNetworkInterface", "ec2:DescribeInstanceTypes", "ec2:DescribeManagedPrefixLists", "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs",
            "ec2:GetManagedPrefixListEntries", "ec2:ModifyNetworkInterfaceAttribute",
        ]);
    });

    it("scopes ENIs to the cluster's VPC — creation through its subnet and security groups — and instances to the cluster's tags", () => {
        const inVpc = { ArnLike: { "ec2:Vpc": "arn:*:ec2:*:*:vpc/vpc-0123456789abcdef0" } };
        const sid = (id: string) => doc.Statement.find((s) => s.Sid === id);
        assert.deepStrictEqual(sid("CreateEni"), { Sid: "CreateEni", Effect: "Allow", Action: ["ec2:CreateNetworkInterface"], Resource: "arn:*:ec2:*:*:network-interface/*" });
        assert.deepStrictEqual(sid("CreateEniInClusterVpc")?.Condition, inVpc);
        assert.deepStrictEqual(sid("ManageEnisInClusterVpc")?.Condition, inVpc);
        assert.deepStrictEqual(sid("AttachToManagedNodeGroupNodes")?.Condition, { StringEquals: { "aws:ResourceTag/eks:cluster-name": "prod-eu-1" } });
        assert.deepStrictEqual(sid("AttachToKarpenterNodes")?.Condition, { StringEquals: { "aws:ResourceTag/eks:eks-cluster-name": "prod-eu-1" } });
    });

    it("the program gives the operator this policy through an IRSA role bound to kube-system/cilium-operator", async () => {
        const e = await runPhase(2);
        const policy = JSON.parse(find(e, "aws:iam/rolePolicy:RolePolicy", "cilium-operator-policy").inputs.policy as string);
        assert.deepStrictEqual(policy, ciliumOperatorPolicy({ vpcId: "vpc-0123456789abcdef0", clusterName: "prod-eu-1" }));
        const trust = JSON.parse(find(e, "aws:iam/role:Role", "cilium-operator-role").inputs.assumeRolePolicy as string);
        assert.deepStrictEqual(trust.Statement[0].Condition.StringEquals, {
            "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:kube-system:cilium-operator",
            "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud": "sts.amazonaws.com",
        });
        assert.strictEqual(trust.Statement[0].Action, "sts:AssumeRoleWithWebIdentity");
        // The operator must not start before its permissions are in place.
        assert.ok(find(e, "kubernetes:helm.sh/v3:Release", "cilium-release").dependencies.includes("aws:iam/rolePolicy:RolePolicy::cilium-operator-policy"));
    });
});
