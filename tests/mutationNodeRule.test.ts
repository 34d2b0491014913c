// Nodes "Which CNI a node gets" cannot serve (preflight/nodeRuleChecks.ts): which nodes with the Cilium label are a
// twin's (isTwinNode, for each legacy selection and both Cilium pool kinds), and the remedy pool-less-legacy-node
// gives for each kind of pool. Nodes are kubelet's own (tests/fixtures/real/node-labels), relabelled where a case needs.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { isTwinNode } from "../preflight/nodeRuleChecks";
import { readPreflightSnapshot } from "../preflight/read";
import { runPreflight } from "../preflight/run";
import { DEFAULT_OPTIONS, Obj, PreflightOptions } from "../preflight/types";
import { preflightOptionsOf } from "../stacks/preflightConfig";
import { migrationConfigOf, readStackFile } from "../stacks/stackFile";
import { EXAMPLE_SNAPSHOT, EXISTING_STACK } from "./support/existingCluster";
import { FIXTURES } from "./support/paths";

const REAL_NODES: Obj[] = JSON.parse(fs.readFileSync(path.join(FIXTURES, "real", "node-labels", "nodes.json"), "utf8")).items;
const realNode = (name: string): Obj => structuredClone(REAL_NODES.find((n) => n.metadata.name === name) as Obj);
/** The real twin node (ng-general-cilium) of tests/fixtures/real/node-labels, its pool labels replaced by `pool`. */
function ciliumNode(pool: Record<string, string>): Obj {
    const node = realNode("ip-10-20-64-61.us-east-2.compute.internal");
    delete node.metadata.labels["eks.amazonaws.com/nodegroup"];
    node.metadata.labels = { ...node.metadata.labels, ...pool };
    return node;
}
const group = (name: string) => ciliumNode({ "eks.amazonaws.com/nodegroup": name });
const nodePool = (name: string) => ciliumNode({ "karpenter.sh/nodepool": name });
const withOptions = (edit: Partial<PreflightOptions>): PreflightOptions => ({ ...DEFAULT_OPTIONS, ...edit });

describe("isTwinNode: which nodes with the Cilium label are a twin's", () => {
    it("a node with the Cilium label in no managed group or NodePool (a plain Auto Scaling group's) is no twin's", () => {
        assert.strictEqual(isTwinNode(ciliumNode({}), DEFAULT_OPTIONS), false);
    });

    it("twins: the group or NodePool named <legacy><suffix> is a twin; a name without the suffix, or the bare suffix, is not", () => {
        assert.strictEqual(isTwinNode(group("ng-general-cilium"), DEFAULT_OPTIONS), true);
        assert.strictEqual(isTwinNode(nodePool("default-cilium"), DEFAULT_OPTIONS), true);
        assert.strictEqual(isTwinNode(group("ng-general"), DEFAULT_OPTIONS), false);
        assert.strictEqual(isTwinNode(group("-cilium"), DEFAULT_OPTIONS), false);
        assert.strictEqual(isTwinNode(nodePool("-cilium"), DEFAULT_OPTIONS), false);
    });

    it("the demo's one Cilium group: only that managed group is Cilium's, not a twin-like name nor a NodePool of the same name", () => {
        const demo = withOptions({ legacy: { kind: "node-group", name: "ng-legacy" }, cilium: { kind: "group", name: "ng-cilium" } });
        assert.strictEqual(isTwinNode(group("ng-cilium"), demo), true);
        assert.strictEqual(isTwinNode(group("ng-legacy-cilium"), demo), false);
        assert.strictEqual(isTwinNode(nodePool("ng-cilium"), demo), false);
    });

    it("one legacy group (the demo's selection with twins): only that group's twin", () => {
        const one = withOptions({ legacy: { kind: "node-group", name: "ng-general" } });
        assert.strictEqual(isTwinNode(group("ng-general-cilium"), one), true);
        assert.strictEqual(isTwinNode(group("ng-batch-cilium"), one), false);
    });

    it("listed groups: a twin of a group left out is not a twin; a NodePool's twin is judged by its name alone", () => {
        const listed = withOptions({ legacy: { kind: "node-groups", groups: ["ng-general"] } });
        assert.strictEqual(isTwinNode(group("ng-general-cilium"), listed), true);
        assert.strictEqual(isTwinNode(group("ng-batch-cilium"), listed), false);
        assert.strictEqual(isTwinNode(nodePool("default-cilium"), listed), true);
    });

    it("every group (node-groups unset, or nodes running aws-node): any <group><suffix> is a twin", () => {
        for (const legacy of [{ kind: "node-groups" as const }, { kind: "aws-node" as const }]) {
            assert.strictEqual(isTwinNode(group("ng-batch-cilium"), withOptions({ legacy })), true, legacy.kind);
        }
    });
});

describe("pool-less-legacy-node: the remedy fits the kind of pool the nodes are in", () => {
    it("a managed group left out, a NodePool, a plain Auto Scaling group's nodes: one remedy each", () => {
        const input = readPreflightSnapshot(EXAMPLE_SNAPSHOT);
        const options = { ...preflightOptionsOf(migrationConfigOf(readStackFile(EXISTING_STACK))), legacy: { kind: "node-groups" as const, groups: ["ng-general"] } };
        input.nodes?.items.push(realNode("ip-10-20-33-14.us-east-2.compute.internal"), realNode("ip-10-20-64-40.us-east-2.compute.internal"));
        const found = runPreflight(input, options).findings.filter((f) => f.id === "pool-less-legacy-node");
        assert.deepStrictEqual(found.map((f) => [f.objects.length, f.remedy]), [
            [4, "Add the group to `existingCluster.nodeGroups` (it gets a twin and is retired with the rest), or move its workloads off and delete it before phase 1."],
            [1, "Add the NodePool to `existingCluster.nodePools` (it gets a twin NodePool and is retired with the rest), or move its workloads off and delete it before phase 1."],
            [1, "Move its workloads off and remove these nodes (or their Auto Scaling group) before phase 1: this version does not migrate self-managed nodes."],
        ]);
    });
});
