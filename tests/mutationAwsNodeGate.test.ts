// aws-node-pinned at its edges: the exact problem for each way a DaemonSet's placement goes wrong (a legacy node
// refused, a legacy node admitted only with its marker, a Cilium node of the cluster admitted), a DaemonSet whose
// affinity has no required part, an aws-node pod not yet scheduled, and one on a node of neither pool.
import * as assert from "assert";
import { awsNodePinned, pinProblems } from "../gates/checks/awsNode";
import { ClusterSnapshot, DaemonSet, Node, Pod } from "../clusterReader/k8sTypes";
import { DEFAULT_CONTEXT as ctx } from "../clusterReader/selectors";
import { NodeSelectorRequirement } from "../components/awsNode/affinity";
import { PHASE_SHAPES, buildCluster, copy } from "./fixtures/clusterBuilder";

type Snapshot = Required<ClusterSnapshot>;
const at = (phase: number): Snapshot => copy(buildCluster(PHASE_SHAPES[phase]));
const name = (o: { metadata?: { name?: string } }) => o.metadata?.name as string;
const nodesOf = (s: Snapshot, pool: string): Node[] => s.nodes.items.filter((n) => n.metadata?.labels?.cni === pool);
const awsNodeOf = (s: Snapshot): DaemonSet => s.daemonsets.items.find((d) => name(d) === "aws-node") as DaemonSet;
/** The aws-node DaemonSet's required terms (the fixture's: the chart's default with `cni NotIn [cilium]`). */
const termsOf = (ds: DaemonSet) => ds.spec?.template?.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
const PIN_ADVICE = "its affinity must keep the cluster's terms and only add cni NotIn [cilium]";

describe("aws-node-pinned: the DaemonSet's placement, judged by effect", () => {
    it("names a legacy node of the cluster the affinity refuses (an arm64 node when aws-node asks for amd64 only)", () => {
        const s = at(1);
        const arm = nodesOf(s, "aws-cni")[1];
        arm.metadata = { ...arm.metadata, labels: { ...arm.metadata?.labels, "kubernetes.io/arch": "arm64" } };
        const [term] = termsOf(awsNodeOf(s));
        term.matchExpressions = (term.matchExpressions ?? []).map((e) => (e.key === "kubernetes.io/arch" ? { ...e, values: ["amd64"] } : e));
        const v = awsNodePinned(s, ctx);
        assert.strictEqual(v.reason, `DaemonSet kube-system/aws-node does not admit node ${name(arm)}, a legacy node: ${PIN_ADVICE}`);
        assert.deepStrictEqual(v.findings.filter((l) => l.includes("does not admit")).length, 1, "the amd64 legacy nodes are admitted");
    });

    it("names each legacy node admitted only with its marker (the seeds' `cni In [aws-cni]` on a group's own terms)", () => {
        const s = at(1);
        const [term] = termsOf(awsNodeOf(s));
        term.matchExpressions = [...(term.matchExpressions ?? []).filter((e) => e.key !== "cni"),
            { key: "eks.amazonaws.com/nodegroup", operator: "In", values: ["ng-1"] }, { key: "cni", operator: "In", values: ["aws-cni"] }];
        // A node the kubelet registers without ng-1's label is refused with or without the marker: not the marker's doing.
        assert.deepStrictEqual(pinProblems(awsNodeOf(s), ctx, nodesOf(s, "aws-cni").map((n) => ({ name: `node ${name(n)}`, labels: n.metadata?.labels ?? {} }))),
            nodesOf(s, "aws-cni").map((n) => `does not admit node ${name(n)} without cni=aws-cni, a legacy node nobody labelled (it admits it with cni=aws-cni): ` +
                "cni=aws-cni is a marker only; each term needs cni NotIn [cilium] instead"));
        assert.strictEqual(awsNodePinned(s, ctx).pass, false);
    });

    it("names a Cilium node of the cluster that a term of its own admits, though a node born with the Cilium label alone is refused", () => {
        const s = at(3);
        termsOf(awsNodeOf(s)).push({ matchExpressions: [{ key: "eks.amazonaws.com/nodegroup", operator: "In", values: ["ng-cilium"] }] });
        const problems = pinProblems(awsNodeOf(s), ctx, s.nodes.items.map((n) => ({ name: `node ${name(n)}`, labels: n.metadata?.labels ?? {} })));
        assert.deepStrictEqual(problems, nodesOf(s, "cilium").map((n) => `admits node ${name(n)}: every term needs cni NotIn [cilium]`));
    });

    it("a DaemonSet whose affinity has no required node affinity (preferred only, or none of the node kind) would run on Cilium nodes", () => {
        const preferredOnly = { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: "cni", operator: "NotIn", values: ["cilium"] } as NodeSelectorRequirement] } }] } };
        const podAntiAffinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname" }] } };
        for (const affinity of [preferredOnly, podAntiAffinity]) {
            const s = at(1);
            const spec = awsNodeOf(s).spec?.template?.spec as { affinity?: object };
            spec.affinity = affinity;
            assert.strictEqual(awsNodePinned(s, ctx).reason, "DaemonSet kube-system/aws-node has no required node affinity: it would run on cni=cilium nodes");
        }
    });
});

describe("aws-node-pinned: aws-node's pods", () => {
    const strayPod = (s: Snapshot, podName: string, nodeName?: string): Pod => {
        const pod = copy(s.pods.items.find((p) => name(p).startsWith("aws-node-")) as Pod);
        pod.metadata = { ...pod.metadata, name: podName };
        pod.spec = { ...pod.spec, nodeName };
        if (nodeName === undefined) {
            delete pod.spec.nodeName;
            pod.status = { phase: "Pending" };
        }
        s.pods.items.push(pod);
        return pod;
    };

    it("a pod not scheduled yet (Pending, no node) is on no wrong node", () => {
        const s = at(1);
        strayPod(s, "aws-node-pending");
        const v = awsNodePinned(s, ctx);
        assert.strictEqual(v.pass, true, v.reason);
        assert.strictEqual(v.findings.at(-1), "aws-node-pinned: 3/3 legacy nodes with a ready aws-node pod; 4 aws-node pods in all");
    });

    it("a pod on a node of neither pool (EKS hybrid) is named without a remark on the Cilium label", () => {
        const s = at(1);
        const hybrid = copy(nodesOf(s, "aws-cni")[0]);
        hybrid.metadata = { name: "mi-0123456789abcdef0", labels: { "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", "eks.amazonaws.com/compute-type": "hybrid" } };
        s.nodes.items.push(hybrid);
        strayPod(s, "aws-node-h7x2k", "mi-0123456789abcdef0");
        assert.strictEqual(awsNodePinned(s, ctx).reason, "aws-node pod aws-node-h7x2k is on node mi-0123456789abcdef0, which is not a legacy node");
    });
});
