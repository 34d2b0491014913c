// Fixes to the Karpenter NodePools (issue 18) after a second reading against Karpenter's own code
// (kubernetes-sigs/karpenter @ 2266468): the headroom not awaited and held within the twin's limits, consolidation kept
// once the legacy pool is gone, `karpenter.sh/nodepool` in preflight, weights that keep the pools' order, the originals
// written back, and the retirement scripts' races.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { readPreflightSnapshot } from "../preflight/read";
import { runPreflight } from "../preflight/run";
import { preflightOptionsOf } from "../stacks/preflightConfig";
import { PROJECT_ROOT } from "./support/paths";
import { karpenterFacts } from "../stacks/karpenterFacts";
import { migrationConfigOf, readStackFile } from "../stacks/stackFile";
import { readKarpenterSnapshot } from "../clusterReader/karpenter";
import { TWIN_OF_LABEL } from "../migration/karpenter";
import { KARPENTER_SNAPSHOT, KARPENTER_STACK, NODEPOOL, karpenterSnapshotVariant, ofType, removeKarpenterCopies, runKarpenter } from "./support/karpenterCluster";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

/** Karpenter's own code, vendored (tests/fixtures/real/karpenter/README.md). */
const REAL_KARPENTER = path.join(PROJECT_ROOT, "tests", "fixtures", "real", "karpenter", "core");
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";

describe("karpenter review 1: the headroom", () => {
    it("is not awaited (pulumi-kubernetes#714 waits for every replica): annotated skipAwait", async () => {
        const three = await runKarpenter({ phase: 3 });
        const headroom = three.resources.filter((r) => r.type === DEPLOYMENT && /headroom/.test(r.name));
        assert.strictEqual(headroom.length, 2);
        for (const d of headroom) assert.deepStrictEqual((d.inputs as Obj).metadata.annotations, { "pulumi.com/skipAwait": "true" }, d.name);
    });

    it("asking the twin for more than its limits is refused before anything is declared, naming the pool, the key and the numbers", () => {
        const config = migrationConfigOf(readStackFile(KARPENTER_STACK));
        const objects = readKarpenterSnapshot(KARPENTER_SNAPSHOT);
        const small = { ...objects, nodePools: (objects.nodePools ?? []).map((np) => np.metadata.name === "default" ? { ...np, spec: { ...np.spec, limits: { cpu: "20", memory: "1000Gi" } } } : np) };
        // default: 4 NodeClaims of 3920m; × 2 = 31360m (16 pods of 1960m) against 20 CPUs.
        const { facts, problems } = karpenterFacts(small, { ...config, karpenter: { headroom: 2 } }, "karpenter-east");
        assert.deepStrictEqual(problems, ["`karpenter.headroom` is 2: NodePool default's headroom (16 pods of 1960m CPU, 7266Mi) asks its twin default-cilium " +
            "for cpu 31360m > limit 20 (the twin takes default's limits), and Karpenter launches nothing past a NodePool's limits; lower `karpenter.headroom` " +
            "or raise default's limits."]);
        assert.deepStrictEqual(facts.legacy.map((p) => p.name), ["batch"]);
        // Within the limits (× 1 = 15680m ≤ 20 CPUs): accepted.
        assert.deepStrictEqual(karpenterFacts(small, { ...config, karpenter: { headroom: 1 } }, "karpenter-east").problems, []);
    });
});

describe("karpenter review 2: consolidation once the legacy pool is gone (8 with deleteLegacyNodeGroups, 9)", () => {
    after(removeKarpenterCopies);
    it("the twin keeps the legacy pool's WhenEmpty/1h, taken from the twin itself, instead of the CRD's defaults", async () => {
        const whenEmpty = (f: Record<string, Obj>) => {
            for (const p of f["nodepools.json"].items as Obj[]) p.spec.disruption = { ...p.spec.disruption, consolidationPolicy: "WhenEmpty", consolidateAfter: "1h" };
        };
        const original = await runKarpenter({ phase: 0, snapshotDir: karpenterSnapshotVariant(whenEmpty) });
        const gone = karpenterSnapshotVariant((f) => {
            whenEmpty(f);
            f["nodepools.json"].items = (f["nodepools.json"].items as Obj[]).map((p) => {
                const twin = structuredClone(p);
                twin.metadata = { name: `${p.metadata.name}-cilium`, labels: { [TWIN_OF_LABEL]: p.metadata.name } };
                return twin;
            });
            f["nodeclaims.json"].items = [];
        });
        const extra = { existingCluster: { name: "karpenter-east", nodeGroups: ["ng-system"], nodePools: ["default", "batch"], deleteLegacyNodeGroups: true } };
        const ownOutputs = { legacyNodePools: original.outputs.legacyNodePools, legacyNodeGroupSizes: original.outputs.legacyNodeGroupSizes };
        for (const phase of [8, 9]) {
            const e = await runKarpenter({ phase, snapshotDir: gone, extra, ownOutputs });
            for (const twin of ["karpenter-default-cilium", "karpenter-batch-cilium"]) {
                const d = (ofType(e, NODEPOOL).find((r) => r.name === twin)?.inputs.spec as Obj).disruption;
                assert.deepStrictEqual([d.consolidationPolicy, d.consolidateAfter], ["WhenEmpty", "1h"], `phase ${phase} ${twin}`);
            }
        }
    });
});

describe("karpenter review 3: preflight maps karpenter.sh/nodepool to the twin", () => {
    it("Karpenter labels a node with its NodePool's name (its own code): a pod pinned to the legacy pool is flagged, one pinned to the twin fits", () => {
        const template = fs.readFileSync(path.join(REAL_KARPENTER, "nodeclaimtemplate.go"), "utf8");
        assert.ok(template.includes("v1.NodePoolLabelKey: nodePool.Name,"), "nodeclaimtemplate.go sets the label to the NodePool's name");
        assert.ok(fs.readFileSync(path.join(REAL_KARPENTER, "labels.go"), "utf8").includes('NodePoolLabelKey            = apis.Group + "/nodepool"'));
        const input = readPreflightSnapshot(KARPENTER_SNAPSHOT);
        const options = preflightOptionsOf(migrationConfigOf(readStackFile(KARPENTER_STACK)));
        const pods = input.pods?.items as Obj[];
        pods.find((p) => p.metadata.name === "web-ca84d1343b-867e9")!.spec.nodeSelector = { "karpenter.sh/nodepool": "default" };
        pods.find((p) => p.metadata.name === "api-a033a528b6-c5dfa")!.spec.nodeSelector = { "karpenter.sh/nodepool": "default-cilium" };
        const found = runPreflight(input, options).findings.find((f) => f.id === "legacy-only-scheduling");
        assert.deepStrictEqual(found?.objects, ["shop/web-ca84d1343b-867e9"]);
        assert.ok(found?.remedy.includes("`karpenter.sh/nodepool`"), found?.remedy);
    });
});
