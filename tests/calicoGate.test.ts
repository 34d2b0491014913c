// aws-node-pinned with Calico as the policy engine: calico-node (manifests' own DaemonSet, vendored) must admit every
// legacy node and no Cilium node, and no calico-node pod may run on a Cilium node; through the registry, as gates run it.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ClusterSnapshot, DaemonSet, Pod } from "../clusterReader/k8sTypes";
import { DEFAULT_CONTEXT as ctx } from "../clusterReader/selectors";
import { CHECKS } from "../gates/registry";
import { PHASE_SHAPES, buildCluster, copy } from "./fixtures/clusterBuilder";
import { FIXTURES } from "./support/paths";

type Snapshot = Required<ClusterSnapshot>;
const at = (phase: number): Snapshot => copy(buildCluster(PHASE_SHAPES[phase]));
const pinned = (s: Snapshot) => CHECKS["aws-node-pinned"].run(s, ctx);
const MANIFEST_CALICO_NODE: DaemonSet = JSON.parse(fs.readFileSync(path.join(FIXTURES, "real", "calico", "manifest-calico-node-daemonset.json"), "utf8"));

/** tigera-operator's EKS term for calico-node, read from its render code (vendored pkg/render/node.go, the `IsEKS()` branch). */
function operatorEksTerm(): { key: string; operator: string; values: string[] } {
    const source = fs.readFileSync(path.join(FIXTURES, "real", "tigera-operator", "node.go"), "utf8");
    const branch = /KubernetesProvider\.IsEKS\(\) \{\s*affinity = &corev1\.Affinity\{[\s\S]*?Key:\s*"([^"]+)",\s*Operator:\s*corev1\.NodeSelectorOp(\w+),\s*Values:\s*\[\]string\{([^}]*)\}/.exec(source);
    assert.ok(branch, "the EKS affinity branch of node.go");
    return { key: branch[1], operator: branch[2], values: [...branch[3].matchAll(/"([^"]+)"/g)].map((m) => m[1]) };
}

/** The operator's default EKS term with the pin added: what the Installation override writes. */
const PINNED_AFFINITY = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [
    { key: "eks.amazonaws.com/compute-type", operator: "NotIn", values: ["fargate"] }, { key: "cni", operator: "NotIn", values: ["cilium"] }] }] } } };

function withCalicoNode(s: Snapshot, affinity?: unknown): Snapshot {
    const ds = copy(MANIFEST_CALICO_NODE);
    if (affinity) ds.spec!.template!.spec = { ...ds.spec!.template!.spec, affinity } as never;
    s.daemonsets.items.push(ds);
    return s;
}

describe("aws-node-pinned judges calico-node too", () => {
    it("a cluster without Calico is judged as before", () => {
        const v = pinned(at(1));
        assert.strictEqual(v.pass, true, v.reason);
        assert.ok(!v.findings.some((l) => l.includes("calico")));
    });

    it("the manifest's calico-node (nodeSelector linux, no affinity) fails: it would run on Cilium nodes; the remedy says how to pin it", () => {
        const v = pinned(withCalicoNode(at(1)));
        assert.strictEqual(v.pass, false);
        assert.match(v.reason, /^DaemonSet kube-system\/calico-node has no required node affinity: it would run on cni=cilium nodes; keep it where aws-node runs: with tigera-operator, the Installation's `spec\.calicoNodeDaemonSet\.spec\.template\.spec\.affinity`/);
    });

    it("tigera-operator renders calico-node on EKS with compute-type NotIn [fargate] (its own code)", () => {
        assert.deepStrictEqual(operatorEksTerm(), { key: "eks.amazonaws.com/compute-type", operator: "NotIn", values: ["fargate"] });
        assert.deepStrictEqual(PINNED_AFFINITY.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0], operatorEksTerm());
    });

    it("the operator's default term alone admits Cilium nodes; with cni NotIn [cilium] added it passes", () => {
        const unpinned = pinned(withCalicoNode(at(1), { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [
            { key: "eks.amazonaws.com/compute-type", operator: "NotIn", values: ["fargate"] }] }] } } }));
        assert.match(unpinned.reason, /^DaemonSet kube-system\/calico-node admits a node labelled cni=cilium: every term needs cni NotIn \[cilium\]; keep it/);
        const v = pinned(withCalicoNode(at(1), PINNED_AFFINITY));
        assert.strictEqual(v.pass, true, v.reason);
        assert.ok(v.findings.includes("aws-node-pinned: DaemonSet kube-system/calico-node admits every legacy node and no cni=cilium node; none of its 0 pod(s) on a cni=cilium node"), v.findings.join("\n"));
    });

    it("a calico-node pod on a Cilium node fails, named", () => {
        const s = withCalicoNode(at(3), PINNED_AFFINITY);
        const cilium = s.nodes.items.find((n) => n.metadata?.labels?.cni === "cilium")!;
        const pod: Pod = { metadata: { name: "calico-node-x7k2p", namespace: "kube-system", ownerReferences: [{ kind: "DaemonSet", name: "calico-node", controller: true }] },
            spec: { nodeName: cilium.metadata!.name } } as Pod;
        s.pods.items.push(pod);
        const v = pinned(s);
        assert.strictEqual(v.reason, `calico-node pod calico-node-x7k2p runs on node ${cilium.metadata!.name}, which carries cni=cilium: two policy engines there`);
    });
});
