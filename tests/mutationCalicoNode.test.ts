// What a mutation run (npm run mutate, issue 16) left alive in gates/checks/calicoNode.ts, each pinned by a test that
// fails on the mutant: several problems summed up in the reason, an aws-node failure keeping its own reason, the pods
// counted (owned by that DaemonSet, in its namespace), the operator's csi-node-driver judged like calico-node, and a
// DaemonSet of another name left alone. Data: the vendored manifest calico-node (tests/fixtures/real/calico/).
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ClusterSnapshot, DaemonSet, Pod } from "../clusterReader/k8sTypes";
import { DEFAULT_CONTEXT as ctx } from "../clusterReader/selectors";
import { CALICO_NODE_DAEMONSETS } from "../gates/checks/calicoNode";
import { CHECKS } from "../gates/registry";
import { PHASE_SHAPES, buildCluster, copy } from "./fixtures/clusterBuilder";
import { FIXTURES } from "./support/paths";

type Snapshot = Required<ClusterSnapshot>;
const at = (phase: number): Snapshot => copy(buildCluster(PHASE_SHAPES[phase]));
const pinned = (s: Snapshot) => CHECKS["aws-node-pinned"].run(s, ctx);
const MANIFEST_CALICO_NODE: DaemonSet = JSON.parse(fs.readFileSync(path.join(FIXTURES, "real", "calico", "manifest-calico-node-daemonset.json"), "utf8"));
const PINNED_AFFINITY = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [
    { key: "eks.amazonaws.com/compute-type", operator: "NotIn", values: ["fargate"] }, { key: "cni", operator: "NotIn", values: ["cilium"] }] }] } } };
const NO_AFFINITY = "has no required node affinity: it would run on cni=cilium nodes; keep it where aws-node runs";

function agent(name: string, namespace: string, affinity?: unknown): DaemonSet {
    const ds = copy(MANIFEST_CALICO_NODE);
    ds.metadata = { ...ds.metadata, name, namespace };
    if (affinity) ds.spec!.template!.spec = { ...ds.spec!.template!.spec, affinity } as never;
    return ds;
}

function pod(name: string, namespace: string, node: string, owner: { kind: string; name: string }): Pod {
    return { metadata: { name, namespace, ownerReferences: [{ ...owner, controller: true }] }, spec: { nodeName: node } } as Pod;
}

const nodeOf = (s: Snapshot, cni: string) => s.nodes.items.find((n) => n.metadata?.labels?.cni === cni)!.metadata!.name!;

describe("mutation gaps: calico-node in aws-node-pinned", () => {
    it("judges calico-node and the operator's csi-node-driver, nothing else", () => {
        assert.deepStrictEqual([...CALICO_NODE_DAEMONSETS], ["calico-node", "csi-node-driver"]);
        const s = at(1);
        s.daemonsets.items.push(agent("calico-typha", "calico-system"));
        const v = pinned(s);
        assert.strictEqual(v.pass, true, v.reason);
        assert.ok(!v.findings.some((l) => l.includes("calico-typha")), v.findings.join("\n"));
    });

    it("two unpinned agents: the first problem is the reason with the count of the rest, every problem a finding", () => {
        const s = at(1);
        s.daemonsets.items.push(agent("calico-node", "calico-system"), agent("csi-node-driver", "calico-system"));
        const v = pinned(s);
        assert.strictEqual(v.pass, false);
        assert.ok(v.reason.startsWith(`DaemonSet calico-system/calico-node ${NO_AFFINITY}`), v.reason);
        assert.ok(v.reason.endsWith("(README, \"Calico\") (and 1 more)"), v.reason);
        const calico = v.findings.filter((l) => l.includes("calico-system/"));
        assert.strictEqual(calico.length, 2, v.findings.join("\n"));
        assert.ok(calico[0].startsWith(`aws-node-pinned: DaemonSet calico-system/calico-node ${NO_AFFINITY}`), calico[0]);
        assert.ok(calico[1].startsWith(`aws-node-pinned: DaemonSet calico-system/csi-node-driver ${NO_AFFINITY}`), calico[1]);
    });

    it("one unpinned agent: its problem alone is the reason", () => {
        const s = at(1);
        s.daemonsets.items.push(agent("csi-node-driver", "calico-system"));
        const v = pinned(s);
        assert.strictEqual(v.pass, false);
        assert.ok(v.reason.startsWith(`DaemonSet calico-system/csi-node-driver ${NO_AFFINITY}`), v.reason);
        assert.ok(v.reason.endsWith("(README, \"Calico\")"), v.reason);
    });

    it("when aws-node itself fails, its reason stays the reason and the pinned agent's line is added", () => {
        const s = at(1);
        const awsNode = s.daemonsets.items.find((d) => d.metadata?.name === "aws-node")!;
        delete awsNode.spec!.template!.spec!.affinity;
        const base = CHECKS["aws-node-pinned"].run(copy(s), ctx);
        s.daemonsets.items.push(agent("calico-node", "kube-system", PINNED_AFFINITY));
        const v = pinned(s);
        assert.strictEqual(base.pass, false);
        assert.strictEqual(v.pass, false);
        assert.strictEqual(v.reason, base.reason);
        assert.ok(v.findings.includes("aws-node-pinned: DaemonSet kube-system/calico-node admits every legacy node and no cni=cilium node; none of its 0 pod(s) on a cni=cilium node"),
            v.findings.join("\n"));
        // An aws-node failure and an agent's problem: still aws-node's reason.
        const both = at(1);
        delete both.daemonsets.items.find((d) => d.metadata?.name === "aws-node")!.spec!.template!.spec!.affinity;
        both.daemonsets.items.push(agent("calico-node", "kube-system"));
        const vb = pinned(both);
        assert.strictEqual(vb.reason, base.reason);
        assert.ok(vb.findings.some((l) => l.startsWith(`aws-node-pinned: DaemonSet kube-system/calico-node ${NO_AFFINITY}`)), vb.findings.join("\n"));
    });

    it("counts the agent's own pods only (its namespace, a DaemonSet owner of its name) and only those on Cilium nodes fail", () => {
        const s = at(3);
        const legacy = nodeOf(s, "aws-cni");
        const cilium = nodeOf(s, "cilium");
        s.daemonsets.items.push(agent("calico-node", "kube-system", PINNED_AFFINITY));
        s.pods.items.push(
            pod("calico-node-own", "kube-system", legacy, { kind: "DaemonSet", name: "calico-node" }),
            pod("calico-node-elsewhere", "calico-system", cilium, { kind: "DaemonSet", name: "calico-node" }),
            pod("calico-node-replica", "kube-system", cilium, { kind: "ReplicaSet", name: "calico-node" }),
            pod("calico-typha-x", "kube-system", cilium, { kind: "DaemonSet", name: "calico-typha" }),
            { metadata: { name: "no-owner", namespace: "kube-system" }, spec: { nodeName: cilium } } as Pod,
        );
        const v = pinned(s);
        assert.strictEqual(v.pass, true, v.reason);
        assert.ok(v.findings.includes("aws-node-pinned: DaemonSet kube-system/calico-node admits every legacy node and no cni=cilium node; none of its 1 pod(s) on a cni=cilium node"),
            v.findings.join("\n"));
        s.pods.items.push(pod("calico-node-bad", "kube-system", cilium, { kind: "DaemonSet", name: "calico-node" }),
            { metadata: { name: "calico-node-unscheduled", namespace: "kube-system", ownerReferences: [{ kind: "DaemonSet", name: "calico-node" }] }, spec: {} } as Pod);
        const bad = pinned(s);
        assert.strictEqual(bad.pass, false);
        assert.strictEqual(bad.reason, `calico-node pod calico-node-bad runs on node ${cilium}, which carries cni=cilium: two policy engines there`);
        assert.deepStrictEqual(bad.findings.filter((l) => l.includes("calico-node")),
            [`aws-node-pinned: calico-node pod calico-node-bad runs on node ${cilium}, which carries cni=cilium: two policy engines there`]);
    });
    it("an agent with the operator's default term alone, beside Cilium nodes: each Cilium node it admits is named", () => {
        const s = at(3);
        const unpinned = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [
            PINNED_AFFINITY.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0]] }] } } };
        s.daemonsets.items.push(agent("calico-node", "calico-system", unpinned));
        const v = pinned(s);
        assert.strictEqual(v.pass, false);
        const admitted = v.findings.map((l) => /^aws-node-pinned: DaemonSet calico-system\/calico-node admits (.+?): every term needs cni NotIn \[cilium\]/.exec(l)?.[1]).filter(Boolean);
        const ciliumNodes = s.nodes.items.filter((n) => n.metadata?.labels?.cni === "cilium").map((n) => `node ${n.metadata!.name!}`);
        assert.strictEqual(ciliumNodes.length, 3);
        assert.deepStrictEqual(admitted, ["a node labelled cni=cilium", ...ciliumNodes]);
    });

    it("pinned agents beside a passing aws-node: the verdict passes with aws-node's own reason", () => {
        const s = at(3);
        const base = pinned(copy(s));
        s.daemonsets.items.push(agent("calico-node", "calico-system", PINNED_AFFINITY), agent("csi-node-driver", "calico-system", PINNED_AFFINITY));
        const v = pinned(s);
        assert.deepStrictEqual([v.pass, v.reason], [true, base.reason]);
        assert.strictEqual(v.findings.length, base.findings.length + 2, v.findings.join("\n"));
    });
});
