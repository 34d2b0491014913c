// The legacy-node checks at their edges: a legacy node without any pod, the configured legacy pools (phase 6's
// re-check), and cni-labels-complete's count and its whole advice.
import * as assert from "assert";
import { cniLabelsComplete, legacyDrained } from "../gates/checks/legacy";
import { ClusterSnapshot, Node } from "../clusterReader/k8sTypes";
import { DEFAULT_CONTEXT as ctx } from "../clusterReader/selectors";
import { PHASE_SHAPES, buildCluster, copy } from "./fixtures/clusterBuilder";

type Snapshot = Required<ClusterSnapshot>;
const at = (phase: number): Snapshot => copy(buildCluster(PHASE_SHAPES[phase]));
const name = (o: { metadata?: { name?: string } }) => o.metadata?.name as string;
/** A copy of the cluster's first node with these name and labels (as kubelet registers an EC2 node). */
const nodeLike = (s: Snapshot, nodeName: string, labels: Record<string, string>): Node => {
    const node = copy(s.nodes.items[0]);
    node.metadata = { ...node.metadata, name: nodeName, labels: { "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": nodeName, ...labels } };
    s.nodes.items.push(node);
    return node;
};

describe("legacy-drained: edges", () => {
    it("a legacy node without any pod (not even DaemonSet pods yet) is drained", () => {
        const s = at(5);
        nodeLike(s, "ip-10-0-0-9.eu-west-1.compute.internal", { cni: "aws-cni", "eks.amazonaws.com/nodegroup": "ng-1" });
        const v = legacyDrained(s, ctx);
        assert.strictEqual(v.pass, true, v.reason);
        assert.strictEqual(v.progress, "4/4 legacy nodes drained");
    });

    it("told the configured pools, says every legacy node is in one — and only when it is so", () => {
        const pools = { ...ctx, pools: { nodeGroups: ["ng-1"] } };
        const s = at(5);
        const IN_POOLS = "legacy-drained: every legacy node is in a configured legacy pool";
        assert.ok(legacyDrained(s, pools).findings.includes(IN_POOLS));
        const stray = nodeLike(s, "ip-10-0-0-9.eu-west-1.compute.internal", { cni: "aws-cni", "eks.amazonaws.com/nodegroup": "ng-2" });
        const v = legacyDrained(s, pools);
        assert.strictEqual(v.reason, `legacy node ${name(stray)} (node group ng-2) is in no configured legacy pool: nothing retires it, and without ` +
            "aws-node it has no CNI while its DaemonSet pods stay; add its pool to the migration, or move its workloads off and remove it");
        assert.ok(!v.findings.includes(IN_POOLS), v.findings.join("\n"));
    });
});

describe("cni-labels-complete: edges", () => {
    it("counts the Linux EC2 nodes that carry a label, leaving Fargate out, and gives the whole advice for one with neither", () => {
        const s = at(3);
        nodeLike(s, "fargate-ip-10-0-9-1.eu-west-1.compute.internal", { "eks.amazonaws.com/compute-type": "fargate" });
        const bare = nodeLike(s, "ip-10-0-9-9.eu-west-1.compute.internal", { "eks.amazonaws.com/nodegroup": "ng-1" });
        const v = cniLabelsComplete(s, ctx);
        assert.strictEqual(v.reason, `node ${name(bare)} (node group ng-1) has neither cni=cilium nor cni=aws-cni: the earlier rule gave it Cilium, ` +
            "the label rule gives it aws-node; label it cni=aws-cni if it belongs to a legacy pool (the DaemonSets then move before the rule does), " +
            "or drain and remove it, then run the update again");
        assert.ok(v.findings.includes("cni-labels-complete: 6/7 Linux EC2 nodes carry one of the two labels"), v.findings.join("\n"));
    });
});
