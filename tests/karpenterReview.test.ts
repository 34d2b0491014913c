// Fixes to the Karpenter NodePools (issue 18) after a second reading against Karpenter's own code
// (kubernetes-sigs/karpenter @ 2266468): the headroom not awaited and held within the twin's limits, consolidation kept
// once the legacy pool is gone, `karpenter.sh/nodepool` in preflight, weights that keep the pools' order, the originals
// written back, and the retirement scripts' races.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readPreflightSnapshot } from "../preflight/read";
import { runPreflight } from "../preflight/run";
import { preflightOptionsOf } from "../stacks/preflightConfig";
import { PROJECT_ROOT } from "./support/paths";
import { karpenterFacts } from "../stacks/karpenterFacts";
import { migrationConfigOf, readStackFile } from "../stacks/stackFile";
import { readKarpenterSnapshot } from "../clusterReader/karpenter";
import { TWIN_OF_LABEL } from "../migration/karpenter";
import { FIELD_MANAGER, handBackSpec, legacyWeight, twinWeight, weightFloor, weightRunProblem } from "../components/karpenter/nodePoolSpecs";
import { handBackScript } from "../components/karpenter/scripts";
import { Evaluation } from "../plan/evaluate";
import { KARPENTER_SNAPSHOT, KARPENTER_STACK, NODEPOOL, NODEPOOL_PATCH, karpenterSnapshotVariant, ofType, removeKarpenterCopies, runKarpenter } from "./support/karpenterCluster";

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

describe("karpenter review 4: weights keep the migrated pools' order", () => {
    it("Karpenter orders heavier first, equal weights by name (its own code, vendored)", () => {
        const order = fs.readFileSync(path.join(REAL_KARPENTER, "utils-nodepool.go"), "utf8");
        assert.ok(order.includes("return nps[a].Name > nps[b].Name"), "ties: later in the alphabet first");
        assert.ok(order.includes("return weightA > weightB"), "heavier first");
    });

    it("every twin outweighs its legacy pool, and heavier pools stay strictly heavier among twins and among legacy pools", () => {
        for (const weights of [[100, 99], [100, 99, 50, undefined], [100, 98], [11, 10], [100, 1], [99, 98]]) {
            const originals = weights.map((w) => (w === undefined ? {} : { weight: w }));
            const floor = weightFloor(originals);
            const legacy = originals.map((o) => legacyWeight(o, floor) ?? o.weight ?? 0);
            const twin = originals.map((o) => twinWeight(o, floor));
            for (const [i, o] of originals.entries()) {
                assert.ok(twin[i] > legacy[i] && twin[i] <= 100 && (legacyWeight(o, floor) ?? 1) >= 1, `${JSON.stringify(weights)}: pool ${i}`);
                for (const j of originals.keys()) {
                    if ((o.weight ?? 0) <= (originals[j].weight ?? 0)) continue;
                    assert.ok(twin[i] > twin[j] && legacy[i] > legacy[j], `${JSON.stringify(weights)}: pool ${i} above pool ${j} (twins ${twin}, legacy ${legacy})`);
                }
            }
        }
        // Spot at 100, on-demand fallback at 99: legacy 99 and 98, twins 100 and 99.
        const floor = weightFloor([{ weight: 100 }, { weight: 99 }]);
        assert.deepStrictEqual([legacyWeight({ weight: 100 }, floor), legacyWeight({ weight: 99 }, floor), twinWeight({ weight: 100 }, floor), twinWeight({ weight: 99 }, floor)], [99, 98, 100, 99]);
    });

    it("weights that take every value from 100 down cannot be shifted: refused, naming them", () => {
        const pools = Array.from({ length: 100 }, (_, i) => ({ name: `p${i + 1}`, original: { weight: i + 1 } }));
        assert.match(weightRunProblem(pools) ?? "", /^the legacy NodePools' weights \(p1: 1, p2: 2, .*p100: 100\) take every value from 100 down to 1: no twin can outweigh its legacy pool while the pools keep their order \(`spec.weight` is 1–100\); leave a gap in the weights, or some pools out of `existingCluster.nodePools`.$/);
        assert.strictEqual(weightRunProblem(pools.slice(1)), undefined);
    });

    it("the program, phase by phase: batch at 100 and default at 99 keep their order (legacy 99/98, twins 100/99)", async () => {
        const dir = karpenterSnapshotVariant((f) => {
            for (const p of f["nodepools.json"].items as Obj[]) if (p.metadata.name === "default") p.spec.weight = 99;
        });
        for (const phase of [0, 3, 4, 7, 8, 9]) {
            const e = await runKarpenter({ phase, snapshotDir: dir });
            const weight = (type: string, name: string) => (ofType(e, type).find((r) => r.name === name)?.inputs.spec as Obj | undefined)?.weight;
            assert.deepStrictEqual([weight(NODEPOOL, "karpenter-batch-cilium"), weight(NODEPOOL, "karpenter-default-cilium")], [100, 99], `phase ${phase}`);
            assert.deepStrictEqual([weight(NODEPOOL_PATCH, "karpenter-legacy-batch"), weight(NODEPOOL_PATCH, "karpenter-legacy-default")], [99, 98], `phase ${phase}`);
        }
    });
});

/** Runs a script with a stand-in `kubectl` (a bash body; `apply` keeps its stdin), returning its log, stdin seen and exit code. */
function runWithKubectl(script: string, kubectl: string): { log: string[]; applied?: string; code: number } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecm-karpenter-handback-"));
    const log = path.join(dir, "log");
    fs.writeFileSync(path.join(dir, "kubectl"), `#!/bin/bash\necho "kubectl $*" >> ${log}\n[ "$1" = apply ] && cat > ${dir}/applied\n${kubectl}\n`, { mode: 0o755 });
    let code = 0;
    try {
        execFileSync("/bin/bash", ["-c", script], { env: { PATH: `${dir}:${process.env.PATH}`, KUBECONFIG_DATA: "x", TMPDIR: dir }, stdio: ["ignore", "pipe", "pipe"] });
    } catch (err) {
        code = (err as { status: number }).status;
    }
    const applied = fs.existsSync(path.join(dir, "applied")) ? fs.readFileSync(path.join(dir, "applied"), "utf8") : undefined;
    const lines = fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [];
    fs.rmSync(dir, { recursive: true, force: true });
    return { log: lines, code, ...(applied !== undefined ? { applied } : {}) };
}

describe("karpenter review 5: the originals written back when a pool leaves the migration (or on destroy)", () => {
    const COMMAND = "command:local:Command";
    const step = (e: Evaluation, pool: string) => e.resources.find((r) => r.type === COMMAND && r.name === `karpenter-hand-back-${pool}`);

    it("a step per legacy pool, not retained, whose delete applies the originals (limits kept at 0 once aws-node is gone)", async () => {
        for (const phase of [0, 2, 5, 6, 7]) {
            const e = await runKarpenter({ phase });
            for (const pool of ["default", "batch"]) assert.strictEqual(step(e, pool)?.retainOnDelete, false, `phase ${phase} ${pool}`);
            const doc = (pool: string) => JSON.parse(String(step(e, pool)?.inputs.delete).split("<<'ORIGINALS'\n")[1].split("\n")[0]);
            const limits = phase >= 6 ? { cpu: "0", memory: "0" } : { cpu: "1000", memory: "1000Gi" };
            assert.deepStrictEqual(doc("default"), { apiVersion: "karpenter.sh/v1", kind: "NodePool", metadata: { name: "default" }, spec: { limits, disruption: { budgets: [{ nodes: "10%" }] } } }, `phase ${phase}`);
            assert.deepStrictEqual(doc("batch").spec, { ...(phase >= 6 ? { limits: { cpu: "0" } } : {}), disruption: { budgets: [{ nodes: "10%" }] }, weight: 100 }, `phase ${phase}`);
        }
    });

    it("the delete re-checks the pool is there, then server-side-applies with the patch's field manager and --force-conflicts", () => {
        const doc = handBackSpec("batch", { budgets: [{ nodes: "10%" }], weight: 100 }, false);
        const script = handBackScript("batch", doc, FIELD_MANAGER);
        const applied = runWithKubectl(script, '[ "$1" = get ] && echo nodepool.karpenter.sh/batch; exit 0');
        assert.deepStrictEqual([applied.code, applied.log], [0, [
            "kubectl get nodepools.karpenter.sh batch -o name --ignore-not-found",
            "kubectl apply --server-side --field-manager=eks-cilium-migration --force-conflicts -f -",
        ]]);
        assert.deepStrictEqual(JSON.parse(applied.applied ?? ""), doc);
        // Gone: nothing applied (an apply would try to create it).
        const gone = runWithKubectl(script, "exit 0");
        assert.deepStrictEqual([gone.code, gone.log, gone.applied], [0, ["kubectl get nodepools.karpenter.sh batch -o name --ignore-not-found"], undefined]);
        // Unreadable: fails, nothing applied.
        const forbidden = runWithKubectl(script, "echo 'Error from server (Forbidden)' >&2; exit 1");
        assert.deepStrictEqual([forbidden.code, forbidden.applied], [1, undefined]);
    });
});

describe("karpenter review, lesser: the twin's own name", () => {
    it("must be a lowercase label value of at most 63 characters: refused, naming the pool, the twin and the suffix", () => {
        const config = migrationConfigOf(readStackFile(KARPENTER_STACK));
        const objects = readKarpenterSnapshot(KARPENTER_SNAPSHOT);
        const upper = karpenterFacts(objects, { ...config, twins: { ...config.twins, nameSuffix: "-Cilium" } }, "karpenter-east");
        assert.deepStrictEqual(upper.problems[0], "the twin of NodePool default would be named default-Cilium (`ciliumNodeGroup.nameSuffix` \"-Cilium\"): Karpenter labels " +
            "its nodes karpenter.sh/nodepool=<twin>, so it must be a lowercase name of at most 63 characters (a-z, 0-9, '-' and '.', starting and ending " +
            "with a letter or digit); use a shorter or lowercase suffix, or rename the NodePool.");
        assert.strictEqual(upper.problems.length, 2);
        const long = "a".repeat(60);
        const withLong = { ...objects, nodePools: [...(objects.nodePools ?? []), { ...structuredClone((objects.nodePools ?? [])[0]), metadata: { name: long } }] };
        const tooLong = karpenterFacts(withLong, { ...config, existingCluster: { ...config.existingCluster!, nodePools: [long] } }, "karpenter-east");
        assert.match(tooLong.problems[0], new RegExp(`^the twin of NodePool ${long} would be named ${long}-cilium \\(`));
    });
});

describe("karpenter review, lesser: the NodeClaim deletions wait for aws-node's removal", () => {
    it("phase 7 (also skipped to from 5): each legacy pool's NodeClaim deletion depends on aws-node-remove, as the managed groups' scale to zero", async () => {
        for (const appliedPhase of [6, 5]) {
            const e = await runKarpenter({ phase: 7, appliedPhase, extra: appliedPhase === 5 ? { allowPhaseSkip: true } : {} });
            for (const pool of ["default", "batch"]) {
                const deps = e.resources.find((r) => r.name === `karpenter-delete-nodeclaims-${pool}`)?.dependencies ?? [];
                assert.ok(deps.includes("command:local:Command::aws-node-remove"), `${pool} from ${appliedPhase}: ${deps.join(", ")}`);
            }
        }
    });
});
