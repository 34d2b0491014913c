// clusterChecks and poolChecks on the example cluster (examples/prod-east) with one thing changed at a time: what
// tests/preflightChecks.test.ts triggers only once each (one Cilium install shape, one node kind, one bad pool list).
import * as assert from "assert";
import { Obj } from "../preflight/types";
import { EXAMPLE_INPUT as BASE, exampleFindings as findings, listOf as items } from "./support/exampleRun";

const node = (name: string, labels: Record<string, string>): Obj => ({ apiVersion: "v1", kind: "Node", metadata: { name, labels }, spec: {}, status: {} });

describe("cluster checks, one shape at a time", () => {
    it("cilium-already-installed sees a cilium DaemonSet alone (no cilium-config), and not cilium-envoy alone", () => {
        const ds = (name: string) => ({ ...structuredClone(items(BASE, "daemonsets")[0]), metadata: { name, namespace: "kube-system" } });
        assert.deepStrictEqual(findings("cilium-already-installed", (i) => items(i, "daemonsets").push(ds("cilium"))).map((f) => f.objects), [["kube-system/cilium"]]);
        assert.deepStrictEqual(findings("cilium-already-installed", (i) => items(i, "daemonsets").push(ds("cilium-envoy"))), []);
    });

    it("hybrid-or-auto-nodes counts an Auto Mode node as it counts a hybrid one", () => {
        const found = findings("hybrid-or-auto-nodes", (i) => items(i, "nodes").push(node("i-0a1b2c3d4e5f60718", { "eks.amazonaws.com/compute-type": "auto", "kubernetes.io/os": "linux" })));
        assert.deepStrictEqual(found.map((f) => [f.severity, f.objects, f.message]), [["warning", ["i-0a1b2c3d4e5f60718"],
            "1 node(s): EKS hybrid and Auto Mode nodes bring their own networking and are not managed by this migration."]]);
    });

    it("ipv6-cluster: a described cluster without kubernetesNetworkConfig is not IPv6", () => {
        assert.deepStrictEqual(findings("ipv6-cluster", (i) => { delete (i.cluster as Obj).kubernetesNetworkConfig; }), []);
    });

    it("security-groups-for-pods names the pods already on a branch ENI, by the annotation the VPC resource controller writes", () => {
        const found = findings("security-groups-for-pods", (i) => {
            items(i, "securitygrouppolicies").push({ apiVersion: "vpcresources.k8s.aws/v1beta1", kind: "SecurityGroupPolicy", metadata: { name: "payments", namespace: "shop" }, spec: {} });
            const pod = items(i, "pods").find((p) => p.metadata.name.startsWith("api-")) as Obj;
            pod.metadata.annotations = { ...pod.metadata.annotations, "vpc.amazonaws.com/pod-eni": "[{\"eniId\":\"eni-0b1c2d3e4f5a6b7c8\"}]" };
        });
        assert.strictEqual(found.length, 1);
        assert.match(found[0].message, /^security groups for pods are in use \(1 SecurityGroupPolicy object\(s\), 1 pod\(s\) on a branch ENI\): /);
        assert.deepStrictEqual(found[0].objects, ["shop/payments", `shop/${items(BASE, "pods").find((p) => p.metadata.name.startsWith("api-"))?.metadata.name}`]);
    });
});

describe("pool-without-nodes, by how the stack names its pools", () => {
    it("says nothing when the stack names no pool (aws-node's nodes, or node groups derived from the cluster)", () => {
        for (const legacy of [{ kind: "aws-node" as const }, { kind: "node-groups" as const }]) {
            assert.deepStrictEqual(findings("pool-without-nodes", (_i, o) => { o.legacy = legacy; }), [], legacy.kind);
        }
    });

    it("a blocker when no named pool has a node: counts the cluster's own-network-free nodes and names their groups only", () => {
        const found = findings("pool-without-nodes", (i, o) => {
            o.legacy = { kind: "node-groups", groups: ["ng-other"] };
            items(i, "nodes").push(node("fargate-ip-10-20-1-9.us-east-2.compute.internal", { "eks.amazonaws.com/compute-type": "fargate" }),
                node("ip-10-20-7-7.us-east-2.compute.internal", { "kubernetes.io/os": "linux", "karpenter.sh/nodepool": "default" }));
        });
        assert.deepStrictEqual(found.map((f) => [f.severity, f.objects]), [["blocker", ["ng-other"]]]);
        assert.strictEqual(found[0].message, "none of the pools the stack names (`existingCluster.nodeGroups`: ng-other) has a node of cluster prod-east, " +
            "which has 11 node(s) in node groups ng-batch, ng-general: the stack is not this cluster's, and every node-related check would judge 0 legacy nodes.");
    });

    it("without cluster.json the message leaves the cluster's name out; with no node at all it is a warning, not a wrong-cluster blocker", () => {
        const unnamed = findings("pool-without-nodes", (i, o) => { o.legacy = { kind: "node-group", name: "ng-1" }; delete i.cluster; });
        assert.match(unnamed[0].message, /^none of the pools the stack names \(`legacyNodeGroup\.name`: ng-1\) has a node, which has 10 node\(s\)/);
        const empty = findings("pool-without-nodes", (i, o) => { o.legacy = { kind: "node-group", name: "ng-1" }; items(i, "nodes").length = 0; });
        assert.deepStrictEqual(empty.map((f) => [f.severity, f.message]), [["warning",
            "1 pool(s) the stack names have no node of cluster prod-east: ng-1 (`legacyNodeGroup.name`); nothing of theirs is judged or drained."]]);
    });
});
