// cilium-ready, cilium-operator-ready and cilium-managed findings on the phase snapshots of
// tests/fixtures/clusterBuilder.ts: the pass line's wording, an agent on a legacy node, and a Fargate pod (Fargate
// keeps its own networking: no CiliumEndpoint is owed).
import * as assert from "assert";
import { awsNodeRemoved } from "../gates/checks/awsNode";
import { ciliumManaged, ciliumReady } from "../gates/checks/cilium";
import { ClusterSnapshot, Node, Pod } from "../clusterReader/k8sTypes";
import { DEFAULT_CONTEXT as ctx } from "../clusterReader/selectors";
import { PHASE_SHAPES, buildCluster, copy } from "./fixtures/clusterBuilder";

type Snapshot = Required<ClusterSnapshot>;
const at = (phase: number): Snapshot => copy(buildCluster(PHASE_SHAPES[phase]));

describe("cilium gates: findings beyond the verdict", () => {
    it("cilium-ready's findings count the new nodes and the legacy nodes by the selector's own words", () => {
        assert.deepStrictEqual(ciliumReady(at(3), ctx).findings, [
            "cilium-ready: 3/3 cni=cilium nodes Ready, untainted, with a ready Cilium agent",
            "cilium-ready: no Cilium agent on the 3 legacy nodes",
        ]);
    });

    it("an agent on a legacy node is a problem, and the 'no agent on legacy nodes' line is not written", () => {
        const s = at(3);
        const agent = s.pods.items.find((p) => p.metadata?.name === "cilium-10-0-64-6") as Pod;
        agent.spec = { ...agent.spec, nodeName: "ip-10-0-0-4.eu-west-1.compute.internal" };
        const v = ciliumReady(s, ctx);
        assert.strictEqual(v.pass, false);
        assert.ok(v.findings.includes("cilium-ready: Cilium agent cilium-10-0-64-6 runs on legacy node ip-10-0-0-4.eu-west-1.compute.internal"), v.findings.join("\n"));
        assert.ok(!v.findings.some((l) => /no Cilium agent on the/.test(l)), v.findings.join("\n"));
    });

    it("cilium-managed owes no CiliumEndpoint for a running pod on a Fargate node", () => {
        const s = at(5);
        const fargate: Node = { metadata: { name: "fargate-ip-10-0-1-9.eu-west-1.compute.internal", labels: { "eks.amazonaws.com/compute-type": "fargate", "kubernetes.io/os": "linux" } },
            spec: {}, status: { conditions: [{ type: "Ready", status: "True" }] } };
        s.nodes.items.push(fargate);
        const web = copy(s.pods.items.find((p) => p.metadata?.name?.startsWith("web-")) as Pod);
        web.metadata = { ...web.metadata, name: "batch-report-fargate" };
        web.spec = { ...web.spec, nodeName: fargate.metadata?.name };
        s.pods.items.push(web);
        const v = ciliumManaged(s, ctx);
        assert.strictEqual(v.pass, true, v.reason);
        assert.strictEqual(v.progress, "13/13 pods managed by Cilium");
    });
});

describe("aws-node-removed: a pod the DaemonSet left behind", () => {
    it("names a pending aws-node pod (no node yet) with '?' for its node", () => {
        const s = at(6);
        const stray = copy(at(5).pods.items.find((p) => p.metadata?.name?.startsWith("aws-node")) as Pod);
        stray.metadata = { ...stray.metadata, name: "aws-node-pending" };
        stray.spec = { ...stray.spec, nodeName: undefined };
        stray.status = { phase: "Pending" };
        s.pods.items.push(stray);
        assert.match(awsNodeRemoved(s).reason, /^aws-node pod aws-node-pending still exists on node \?; if it came back after phase 6, /);
    });
});
