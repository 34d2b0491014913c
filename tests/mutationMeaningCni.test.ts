// cni-plugin-chain (preflight/meaningChecks.ts): which host paths are the CNI configuration directory, which
// DaemonSets are another plugin's (not Cilium's own, not aws-node, which the program pins), and on which nodes Cilium
// will run (each legacy node's twin, the demo's one group, a plain Linux node). DaemonSets are Multus as AWS publishes
// it (tests/fixtures/real/multus) and the example's aws-node with the volume the VPC CNI chart gives it.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { coversCniConfDir, writableCniConfPaths } from "../preflight/meaningChecks";
import { Obj, PreflightInput } from "../preflight/types";
import { multusDaemonSet } from "./support/meaningObjects";
import { listOf, meaningFindings } from "./support/exampleRun";
import { FIXTURES } from "./support/paths";

const REAL_NODES: Obj[] = JSON.parse(fs.readFileSync(path.join(FIXTURES, "real", "node-labels", "nodes.json"), "utf8")).items;
const realNode = (name: string): Obj => structuredClone(REAL_NODES.find((n) => n.metadata.name === name) as Obj);
const chain = (edit: (i: PreflightInput) => void) => meaningFindings("cni-plugin-chain", edit);
const named = (ds: Obj, name: string, namespace: string, labels: Record<string, string> = {}): Obj => ({ ...ds, metadata: { name, namespace, labels } });
/** Multus with its node affinity's expressions replaced. */
function multusFor(...expressions: Obj[]): Obj {
    const ds = multusDaemonSet();
    ds.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms = [{ matchExpressions: expressions }];
    return ds;
}

describe("cni-plugin-chain: the CNI configuration directory and its parents", () => {
    it("/etc/cni/net.d, its parents and / (with or without trailing slashes) cover it; a sibling or a longer name does not", () => {
        for (const p of ["/", "/etc", "/etc/", "/etc/cni", "/etc/cni//", "/etc/cni/net.d", "/etc/cni/net.d/"]) assert.strictEqual(coversCniConfDir(p), true, p);
        for (const p of ["/var/lib/cni", "/etc/cni/net.d.bak", "/et", "/opt/cni/bin"]) assert.strictEqual(coversCniConfDir(p), false, p);
    });

    it("a DaemonSet without a pod template writes nothing", () => {
        assert.deepStrictEqual(writableCniConfPaths(undefined), []);
    });
});

describe("cni-plugin-chain: whose DaemonSet it is", () => {
    it("Cilium's own (by name or by the chart's part-of label) is not another plugin; a name merely ending in cilium is", () => {
        const ours = [named(multusDaemonSet(), "cilium", "kube-system"), named(multusDaemonSet(), "cni-installer", "kube-system", { "app.kubernetes.io/part-of": "cilium" })];
        assert.deepStrictEqual(chain((i) => listOf(i, "daemonsets").push(...ours)), []);
        const other = named(multusDaemonSet(), "multus-cilium", "kube-system", { "app.kubernetes.io/part-of": "multus" });
        assert.deepStrictEqual(chain((i) => listOf(i, "daemonsets").push(other)).map((f) => f.objects[0]), ["kube-system/multus-cilium"]);
    });

    it("kube-system/aws-node (the program keeps it off the Cilium nodes) is not judged; a copy of the chart in another namespace is", () => {
        const withConfDir = (i: PreflightInput, namespace: string) => {
            const awsNode = listOf(i, "daemonsets").find((d) => d.metadata.name === "aws-node") as Obj;
            awsNode.metadata.namespace = namespace;
            awsNode.spec.template.spec.volumes = [{ name: "cni-net-dir", hostPath: { path: "/etc/cni/net.d" } }];
            awsNode.spec.template.spec.containers[0].volumeMounts = [{ mountPath: "/host/etc/cni/net.d", name: "cni-net-dir" }];
        };
        assert.deepStrictEqual(chain((i) => withConfDir(i, "kube-system")), []);
        assert.deepStrictEqual(chain((i) => withConfDir(i, "aws-cni")).map((f) => f.objects), [["aws-cni/aws-node", "/etc/cni/net.d"]]);
    });
});

describe("cni-plugin-chain: the nodes Cilium will run on", () => {
    it("with no legacy node left, a plain Linux node with the Cilium label", () => {
        const found = chain((i) => { listOf(i, "nodes").splice(0); listOf(i, "daemonsets").push(multusDaemonSet()); });
        assert.deepStrictEqual(found.map((f) => f.objects[0]), ["kube-system/kube-multus-ds"]);
    });

    it("a Karpenter node's twin is in no managed group: a DaemonSet kept off managed groups runs there", () => {
        const offGroups = multusFor({ key: "eks.amazonaws.com/nodegroup", operator: "DoesNotExist" });
        assert.deepStrictEqual(chain((i) => listOf(i, "daemonsets").push(offGroups)), [], "the example's nodes are all managed");
        const found = chain((i) => { listOf(i, "nodes").push(realNode("ip-10-20-33-14.us-east-2.compute.internal")); listOf(i, "daemonsets").push(offGroups); });
        assert.deepStrictEqual(found.map((f) => f.objects[0]), ["kube-system/kube-multus-ds"]);
    });

    it("Windows nodes are never migrated: a DaemonSet for them does not run on the Cilium nodes", () => {
        const windows = multusFor({ key: "kubernetes.io/os", operator: "In", values: ["windows"] });
        assert.deepStrictEqual(chain((i) => { listOf(i, "nodes").push(realNode("ip-10-20-2-9.us-east-2.compute.internal")); listOf(i, "daemonsets").push(windows); }), []);
    });

    it("the demo's one Cilium group: a DaemonSet pinned to that group runs on the Cilium nodes", () => {
        const onGroup = multusFor({ key: "eks.amazonaws.com/nodegroup", operator: "In", values: ["ng-cilium"] });
        const found = meaningFindings("cni-plugin-chain", (i, o) => {
            o.legacy = { kind: "node-group", name: "ng-general" };
            o.cilium = { kind: "group", name: "ng-cilium" };
            listOf(i, "daemonsets").push(onGroup);
        });
        assert.deepStrictEqual(found.map((f) => [f.severity, f.objects[0]]), [["blocker", "kube-system/kube-multus-ds"]]);
    });
});
