// Each check on snapshots shaped like kubectl's JSON: the passing state of its phase, and each way it can fail.
import * as assert from "assert";
import { AWS_NODE_BACK_REMEDY, awsNodePinned, awsNodeRemoved } from "../gates/checks/awsNode";
import { ciliumManaged, ciliumOperatorReady, ciliumReady } from "../gates/checks/cilium";
import { kubeProxyRemoved } from "../gates/checks/kubeProxy";
import { legacyCordoned, legacyDrained, legacyRetired } from "../gates/checks/legacy";
import { ClusterSnapshot, Node, Pod } from "../clusterReader/k8sTypes";
import { preflightVerdict } from "../gates/preflightGate";
import { DEFAULT_OPTIONS, PreflightInput } from "../preflight/types";
import { resolveCheck, runChecks } from "../gates/registry";
import { DEFAULT_CONTEXT as ctx } from "../clusterReader/selectors";
import { PHASE_SHAPES, buildCluster, copy } from "./fixtures/clusterBuilder";

type Snapshot = Required<ClusterSnapshot>;
const at = (phase: number): Snapshot => copy(buildCluster(PHASE_SHAPES[phase]));
const podNamed = (s: Snapshot, prefix: string): Pod => s.pods.items.find((p) => p.metadata?.name?.startsWith(prefix)) as Pod;
const nodesOf = (s: Snapshot, pool: string): Node[] => s.nodes.items.filter((n) => n.metadata?.labels?.cni === pool);
const name = (o: { metadata?: { name?: string } }) => o.metadata?.name as string;

describe("gate checks", () => {
    describe("aws-node-pinned", () => {
        it("passes with aws-node ready on exactly the legacy nodes and the affinity on its DaemonSet", () => {
            const v = awsNodePinned(at(1), ctx);
            assert.strictEqual(v.pass, true, v.reason);
            assert.strictEqual(v.findings.at(-1), "aws-node-pinned: 3/3 legacy nodes with a ready aws-node pod; 3 aws-node pods in all");
        });

        it("fails with an aws-node pod on a new node", () => {
            const s = at(3);
            const stray = copy(podNamed(s, "aws-node-"));
            stray.metadata = { ...stray.metadata, name: "aws-node-zz9q" };
            stray.spec = { ...stray.spec, nodeName: name(nodesOf(s, "cilium")[0]) };
            s.pods.items.push(stray);
            assert.strictEqual(awsNodePinned(s, ctx).reason, `aws-node pod aws-node-zz9q is on node ${name(nodesOf(s, "cilium")[0])}, which is not a legacy node (it carries cni=cilium)`);
        });

        it("fails when the DaemonSet still has the default affinity", () => {
            assert.strictEqual(awsNodePinned(at(0), ctx).reason, "DaemonSet kube-system/aws-node has no required node affinity: it would run on cni=cilium nodes");
        });

        it("judges the pin by effect: the seeds' `cni In [aws-cni]` leaves a legacy node nobody labelled, and fails", () => {
            const s = at(1);
            const ds = s.daemonsets.items.find((d) => name(d) === "aws-node");
            const terms = ds?.spec?.template?.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
            terms[0].matchExpressions = [...(terms[0].matchExpressions ?? []).filter((e) => e.key !== "cni"), { key: "cni", operator: "In", values: ["aws-cni"] }];
            assert.match(awsNodePinned(s, ctx).reason, /^DaemonSet kube-system\/aws-node does not admit a Linux amd64 node registered with no label of ours, a legacy node nobody labelled \(it admits it with cni=aws-cni\)/);
            terms[0].matchExpressions = terms[0].matchExpressions.filter((e) => e.key !== "cni");
            assert.match(awsNodePinned(s, ctx).reason, /^DaemonSet kube-system\/aws-node admits a node labelled cni=cilium: every term needs cni NotIn \[cilium\]/);
        });

        it("fails when one node selector term lets aws-node out (terms are ORed)", () => {
            const s = at(1);
            const ds = s.daemonsets.items.find((d) => name(d) === "aws-node");
            ds?.spec?.template?.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.push({ matchExpressions: [{ key: "kubernetes.io/os", operator: "In", values: ["linux"] }] });
            assert.strictEqual(awsNodePinned(s, ctx).pass, false);
        });

        it("a node in neither pool is a legacy node (it needs a ready aws-node); Fargate, hybrid, Auto Mode and Windows nodes are not counted", () => {
            const s = at(1);
            const stray = copy(nodesOf(s, "aws-cni")[0]);
            stray.metadata = { ...stray.metadata, name: "ip-10-0-9-9.ec2.internal", labels: { "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", "eks.amazonaws.com/nodegroup": "ng-1" } };
            s.nodes.items.push(stray);
            assert.strictEqual(awsNodePinned(s, ctx).reason, "legacy node ip-10-0-9-9.ec2.internal (node group ng-1) has no ready aws-node pod");
            const pod = copy(podNamed(s, "aws-node-"));
            pod.metadata = { ...pod.metadata, name: "aws-node-9q9q9" };
            pod.spec = { ...pod.spec, nodeName: "ip-10-0-9-9.ec2.internal" };
            s.pods.items.push(pod);
            assert.strictEqual(awsNodePinned(s, ctx).pass, true, "with its aws-node, the unlabelled node is served");
            s.pods.items.pop();
            const ownNetwork: Record<string, string>[] = [{ "eks.amazonaws.com/compute-type": "fargate", "kubernetes.io/os": "linux" },
                { "eks.amazonaws.com/compute-type": "auto", "kubernetes.io/os": "linux" }, { "kubernetes.io/os": "windows" }];
            for (const labels of ownNetwork) {
                stray.metadata = { ...stray.metadata, labels };
                assert.strictEqual(awsNodePinned(s, ctx).pass, true, JSON.stringify(labels));
            }
        });

        it("fails when a legacy node has no ready aws-node", () => {
            const s = at(1);
            const p = podNamed(s, "aws-node-");
            p.status = { ...p.status, conditions: [{ type: "Ready", status: "False" }] };
            assert.strictEqual(awsNodePinned(s, ctx).reason, `legacy node ${p.spec?.nodeName} (node group ng-1) has no ready aws-node pod`);
        });
    });

    describe("cilium-operator-ready", () => {
        it("passes with the operator available and no agent on legacy nodes", () => {
            assert.strictEqual(ciliumOperatorReady(at(2), ctx).pass, true);
        });

        it("fails when the operator is not available", () => {
            const s = at(2);
            const d = s.deployments.items.find((x) => name(x) === "cilium-operator");
            if (d?.status) d.status.availableReplicas = 1;
            assert.strictEqual(ciliumOperatorReady(s, ctx).reason, "Deployment kube-system/cilium-operator not available: 1/2 available, 2/2 updated");
        });

        it("fails when the operator is missing", () => {
            const s = at(2);
            s.deployments.items = s.deployments.items.filter((x) => name(x) !== "cilium-operator");
            assert.strictEqual(ciliumOperatorReady(s, ctx).reason, "Deployment kube-system/cilium-operator not found");
        });

        it("fails with a Cilium agent on a legacy node", () => {
            const s = at(3);
            const agent = copy(podNamed(s, "cilium-1"));
            agent.metadata = { ...agent.metadata, name: "cilium-xk2p9" };
            agent.spec = { ...agent.spec, nodeName: name(nodesOf(s, "aws-cni")[0]) };
            s.pods.items.push(agent);
            assert.strictEqual(ciliumOperatorReady(s, ctx).reason, `Cilium agent cilium-xk2p9 runs on legacy node ${name(nodesOf(s, "aws-cni")[0])}`);
        });
    });

    describe("cilium-ready", () => {
        it("passes with every new node Ready, untainted, with a ready agent", () => {
            const v = ciliumReady(at(3), ctx);
            assert.strictEqual(v.pass, true, v.reason);
            assert.strictEqual(v.progress, "3/3 new nodes ready");
        });

        it("fails on a new node still tainted agent-not-ready", () => {
            const s = at(3);
            const n = nodesOf(s, "cilium")[1];
            n.spec = { ...n.spec, taints: [{ key: "node.cilium.io/agent-not-ready", value: "true", effect: "NoExecute" }] };
            const v = ciliumReady(s, ctx);
            assert.strictEqual(v.reason, `node ${name(n)} still has the node.cilium.io/agent-not-ready taint`);
            assert.strictEqual(v.progress, "2/3 new nodes ready");
        });

        it("fails on a NotReady new node", () => {
            const s = at(3);
            const n = nodesOf(s, "cilium")[0];
            n.status = { conditions: [{ type: "Ready", status: "False", reason: "KubeletNotReady" }] };
            assert.strictEqual(ciliumReady(s, ctx).reason, `node ${name(n)} is not Ready`);
        });

        it("fails on an unready agent, and on a missing one", () => {
            const s = at(3);
            const agent = s.pods.items.find((p) => p.metadata?.labels?.["k8s-app"] === "cilium") as Pod;
            agent.status = { ...agent.status, conditions: [{ type: "Ready", status: "False" }] };
            assert.strictEqual(ciliumReady(s, ctx).reason, `node ${agent.spec?.nodeName} has no ready Cilium agent`);
            s.pods.items = s.pods.items.filter((p) => p !== agent);
            assert.strictEqual(ciliumReady(s, ctx).reason, `node ${agent.spec?.nodeName} has no Cilium agent`);
        });

        it("fails when there is no Cilium node at all", () => {
            assert.strictEqual(ciliumReady(at(2), ctx).reason, "no node matches cni=cilium");
        });
    });

    describe("legacy-cordoned, legacy-drained, legacy-retired", () => {
        it("cordoned: passes when every legacy node is unschedulable, fails naming one that is not", () => {
            assert.strictEqual(legacyCordoned(at(4), ctx).pass, true);
            const s = at(4);
            const n = nodesOf(s, "aws-cni")[2];
            n.spec = { ...n.spec, unschedulable: false };
            assert.strictEqual(legacyCordoned(s, ctx).reason, `legacy node ${name(n)} (node group ng-1) is not cordoned`);
            assert.strictEqual(legacyCordoned(at(3), ctx).pass, false);
        });

        it("drained: passes with only DaemonSet pods left; fails on a workload pod left behind", () => {
            assert.strictEqual(legacyDrained(at(5), ctx).pass, true);
            const s = at(5);
            const left = copy(podNamed(s, "web-"));
            left.spec = { ...left.spec, nodeName: name(nodesOf(s, "aws-cni")[0]) };
            s.pods.items.push(left);
            assert.strictEqual(legacyDrained(s, ctx).reason, `pod shop/${name(left)} is still on legacy node ${name(nodesOf(s, "aws-cni")[0])} (node group ng-1)`);
            assert.strictEqual(legacyDrained(at(4), ctx).pass, false, "before the drain, workloads are still there");
        });

        it("drained: ignores mirror pods and completed pods, counts terminating ones", () => {
            const s = at(5);
            const node = name(nodesOf(s, "aws-cni")[0]);
            const base = copy(podNamed(s, "web-"));
            const mirror = copy(base);
            mirror.metadata = { name: "etcd-static", namespace: "kube-system", annotations: { "kubernetes.io/config.mirror": "abc" }, ownerReferences: [{ kind: "Node", name: node }] };
            const done = copy(base);
            done.metadata = { ...done.metadata, name: "job-1-x7f" };
            done.status = { phase: "Succeeded" };
            for (const p of [mirror, done]) p.spec = { ...p.spec, nodeName: node };
            s.pods.items.push(mirror, done);
            assert.strictEqual(legacyDrained(s, ctx).pass, true);
            const terminating = copy(base);
            terminating.metadata = { ...terminating.metadata, name: "web-terminating", deletionTimestamp: "2026-11-22T10:00:00Z" };
            terminating.spec = { ...terminating.spec, nodeName: node };
            s.pods.items.push(terminating);
            assert.strictEqual(legacyDrained(s, ctx).pass, false);
        });

        it("retired: passes with no legacy node, fails naming one that is left", () => {
            assert.strictEqual(legacyRetired(at(7), ctx).pass, true);
            assert.match(legacyRetired(at(6), ctx).reason, /^legacy node ip-10-0-0-4\.eu-west-1\.compute\.internal \(node group ng-1\) still exists \(and 2 more\)$/);
        });
    });

    describe("cilium-managed", () => {
        it("passes when every running pod with its own network off the legacy nodes has a CiliumEndpoint", () => {
            const v = ciliumManaged(at(5), ctx);
            assert.strictEqual(v.pass, true, v.reason);
            assert.strictEqual(v.progress, "13/13 pods managed by Cilium");
        });

        it("fails on a pod without a CiliumEndpoint", () => {
            const s = at(5);
            const web = podNamed(s, "web-");
            s.ciliumendpoints.items = s.ciliumendpoints.items.filter((e) => name(e) !== name(web));
            assert.strictEqual(ciliumManaged(s, ctx).reason, `pod shop/${name(web)} on node ${web.spec?.nodeName} has no CiliumEndpoint: its network is not managed by Cilium`);
        });

        it("ignores host-network pods and pods still on legacy nodes", () => {
            const s = at(3);
            // At phase 3 workloads are on legacy nodes (aws-node manages them) and agents are host-network.
            assert.strictEqual(ciliumManaged(s, ctx).pass, true);
            assert.ok(s.pods.items.some((p) => p.spec?.hostNetwork && p.spec.nodeName?.startsWith("ip-10-0-64")));
        });
    });

    describe("aws-node-removed and kube-proxy-removed", () => {
        it("aws-node-removed: passes when DaemonSet and pods are gone; fails naming what is left", () => {
            assert.strictEqual(awsNodeRemoved(at(6)).pass, true);
            const v = awsNodeRemoved(at(5));
            assert.strictEqual(v.reason, `DaemonSet kube-system/aws-node still exists (and 3 more); ${AWS_NODE_BACK_REMEDY}`);
            assert.match(v.reason, /another owner re-applied vpc-cni .*cilium\/cilium#25131.*delete the add-on .*--preserve.*run the update again$/);
            const s = at(6);
            s.pods.items.push({ metadata: { name: "aws-node-old1", namespace: "kube-system", labels: { "k8s-app": "aws-node" } }, spec: { nodeName: "n1" } });
            assert.strictEqual(awsNodeRemoved(s).reason, `aws-node pod aws-node-old1 still exists on node n1; ${AWS_NODE_BACK_REMEDY}`);
        });

        it("kube-proxy-removed: passes at phase 9, fails while kube-proxy runs", () => {
            assert.strictEqual(kubeProxyRemoved(at(9)).pass, true);
            assert.strictEqual(kubeProxyRemoved(at(8)).reason, "DaemonSet kube-system/kube-proxy still exists (and 3 more)");
        });
    });

    describe("phase-N", () => {
        it("each phase's snapshot passes its own gate and the next phase's gate fails on it where the cluster must change", () => {
            for (let phase = 0; phase <= 9; phase++) {
                // Preflight reads the whole snapshot once (phase 0): the builder's files, the rest not-checked.
                const preflight = preflightVerdict(at(phase) as PreflightInput, DEFAULT_OPTIONS);
                const v = runChecks(`phase-${phase}`, resolveCheck(`phase-${phase}`) ?? [], at(phase), ctx, { preflight });
                assert.strictEqual(v.pass, true, `phase-${phase}: ${v.reason}`);
            }
            for (const [state, gate] of [[2, 3], [3, 4], [4, 5], [5, 6], [6, 7], [8, 9]]) {
                const v = runChecks(`phase-${gate}`, resolveCheck(`phase-${gate}`) ?? [], at(state), ctx);
                assert.strictEqual(v.pass, false, `the phase-${gate} gate passed on a phase ${state} cluster`);
            }
        });

        it("names the failing check in the composite reason", () => {
            const v = runChecks("phase-4", resolveCheck("phase-4") ?? [], at(3), ctx);
            assert.match(v.reason, /^legacy-cordoned: legacy node .* is not cordoned \(and 2 more\)$/);
        });
    });
});
