// Karpenter NodePools, item 2 (issue 18): the twins and the legacy patches through the phases. The drift rule is held
// against Karpenter's own code (what NodePool.Hash() hashes) and every declared object against the NodePool CRD's schema.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Evaluation } from "../plan/evaluate";
import { FIELD_MANAGER, canonicalJson, legacyPatch, legacyWeight, twinNodePool, twinWeight, weightFloor, zeroLimits } from "../components/karpenter/nodePoolSpecs";
import { ORIGINALS_ANNOTATION, TWIN_OF_LABEL } from "../migration/karpenter";
import { poolPhase } from "../stacks/karpenterParts";
import { KARPENTER_FIXTURES, exampleOf, validateNodePool } from "./support/karpenterObjects";
import { KARPENTER_SNAPSHOT, NODEPOOL, NODEPOOL_PATCH, karpenterSnapshotVariant, ofType, removeKarpenterCopies, runKarpenter } from "./support/karpenterCluster";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const LABELS = { key: "cni", legacyValue: "aws-cni", ciliumValue: "cilium" };
const livePools = (): Obj[] => JSON.parse(fs.readFileSync(path.join(KARPENTER_SNAPSHOT, "nodepools.json"), "utf8")).items;
const PHASES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/** The object a server-side apply of `patch` leaves: the live object with the patch's fields set (maps merged, lists replaced). */
function applied(live: Obj, patch: Obj): Obj {
    const merge = (a: Obj, b: Obj): Obj => Object.fromEntries([...new Set([...Object.keys(a), ...Object.keys(b)])].map((k) => [k,
        b[k] === undefined ? a[k] : a[k] && typeof a[k] === "object" && !Array.isArray(a[k]) && typeof b[k] === "object" && !Array.isArray(b[k]) ? merge(a[k], b[k]) : b[k]]));
    return merge(live, patch);
}

describe("karpenter: what Karpenter hashes (its own code, vendored)", () => {
    const source = fs.readFileSync(path.join(KARPENTER_FIXTURES, "core", "nodepool.go"), "utf8");

    it("NodePool.Hash() hashes spec.template only; limits, weight and disruption are outside it, budgets ignored", () => {
        assert.match(source, /func \(in \*NodePool\) Hash\(\) string \{\n\treturn fmt\.Sprint\(lo\.Must\(hashstructure\.Hash\(in\.Spec\.Template, /);
        const spec = /type NodePoolSpec struct \{([\s\S]*?)\n\}/.exec(source)?.[1] ?? "";
        for (const field of ["Template NodeClaimTemplate", "Disruption Disruption", "Limits Limits", "Weight \\*int32", "Replicas \\*int64"]) assert.match(spec, new RegExp(`\\t${field} `));
        assert.match(source, /Budgets \[\]Budget `json:"budgets,omitempty" hash:"ignore"`/);
        assert.match(source, /Requirements \[\]NodeSelectorRequirementWithMinValues `json:"requirements" hash:"ignore"`/);
    });
});

describe("karpenter: the patch and the twin, decided (components/karpenter/nodePoolSpecs.ts)", () => {
    const [defaultPool, batchPool] = livePools();
    const originals = { limits: { cpu: "1000", memory: "1000Gi" }, budgets: [{ nodes: "10%" }] };

    it("a patch sets only limits, budgets and weight — never the template — in every phase, and is valid once applied", () => {
        for (const phase of PHASES) {
            const p = legacyPatch("default", originals, poolPhase(phase as never), weightFloor([originals]));
            assert.deepStrictEqual(Object.keys(p.spec).sort().filter((k) => !["disruption", "limits", "weight"].includes(k)), [], `phase ${phase}`);
            assert.deepStrictEqual(Object.keys(p.spec.disruption), ["budgets"]);
            const after = applied(defaultPool, { metadata: p.metadata, spec: p.spec });
            assert.deepStrictEqual(after.spec.template, defaultPool.spec.template, `phase ${phase}: the template is untouched`);
            assert.deepStrictEqual(validateNodePool(after), [], `phase ${phase}`);
        }
        assert.deepStrictEqual(legacyPatch("default", originals, poolPhase(3), weightFloor([originals])).spec, { disruption: { budgets: [{ nodes: "0" }] }, limits: originals.limits });
        assert.deepStrictEqual(legacyPatch("default", originals, poolPhase(4), weightFloor([originals])).spec, { disruption: { budgets: [{ nodes: "0" }] }, limits: { cpu: "0", memory: "0" } });
        assert.deepStrictEqual(legacyPatch("default", originals, poolPhase(4), weightFloor([originals])).metadata.annotations, {
            "pulumi.com/patchFieldManager": FIELD_MANAGER, "pulumi.com/patchForce": "true", [ORIGINALS_ANNOTATION]: canonicalJson(originals),
        });
    });

    it("weights: the twin one above the legacy pool, at most 100; a legacy pool at 100 goes to 99", () => {
        const alone = (o: { weight?: number }) => [legacyWeight(o, weightFloor([o])), twinWeight(o, weightFloor([o]))];
        assert.deepStrictEqual(alone({ weight: 100 }), [99, 100]);
        assert.deepStrictEqual(alone({ weight: 10 }), [undefined, 11]);
        assert.deepStrictEqual(alone({}), [undefined, 1]);
        assert.deepStrictEqual(zeroLimits(undefined), { cpu: "0" });
        assert.deepStrictEqual(zeroLimits({ memory: "10Gi", "nvidia.com/gpu": "4" }), { cpu: "0", memory: "0", "nvidia.com/gpu": "0" });
    });

    it("the twin: the legacy template plus cni=cilium and the startup taint, valid for the CRD in every phase", () => {
        for (const phase of PHASES) {
            const twin = twinNodePool({ legacyName: "batch", nameSuffix: "-cilium", labels: LABELS, startupTaintEffect: "NoExecute", original: { budgets: [{ nodes: "10%" }], weight: 100 }, weightFloor: 100,
                legacyTemplate: batchPool.spec.template, legacyDisruption: batchPool.spec.disruption }, poolPhase(phase as never));
            assert.deepStrictEqual(validateNodePool({ apiVersion: "karpenter.sh/v1", kind: "NodePool", ...twin }), [], `phase ${phase}`);
            assert.strictEqual(twin.metadata.name, "batch-cilium");
            assert.deepStrictEqual(twin.metadata.labels, { [TWIN_OF_LABEL]: "batch" });
            assert.deepStrictEqual(twin.spec.template.metadata?.labels, { cni: "cilium" });
            assert.deepStrictEqual(twin.spec.template.spec.startupTaints, [{ key: "node.cilium.io/agent-not-ready", value: "true", effect: "NoExecute" }]);
            assert.deepStrictEqual(twin.spec.template.spec.taints, batchPool.spec.template.spec.taints);
            assert.deepStrictEqual(twin.spec.template.spec.requirements, batchPool.spec.template.spec.requirements);
            assert.deepStrictEqual(twin.spec.template.spec.nodeClassRef, batchPool.spec.template.spec.nodeClassRef);
            assert.strictEqual(twin.spec.weight, 100);
            assert.deepStrictEqual(twin.spec.limits, phase >= 3 ? undefined : { cpu: "0" });
            assert.deepStrictEqual(twin.spec.disruption?.budgets, phase >= 7 ? [{ nodes: "10%" }] : [{ nodes: "0" }]);
        }
        // Karpenter's own example with a startup taint of its own keeps it, next to Cilium's.
        const np = exampleOf("general-purpose.yaml", "NodePool");
        np.spec.template.spec.startupTaints = [{ key: "example.com/another-taint", effect: "NoSchedule" }];
        const twin = twinNodePool({ legacyName: "general-purpose", nameSuffix: "-cilium", labels: LABELS, startupTaintEffect: "NoSchedule", original: {}, weightFloor: 101, legacyTemplate: np.spec.template }, poolPhase(0));
        assert.deepStrictEqual(twin.spec.template.spec.startupTaints, [{ key: "example.com/another-taint", effect: "NoSchedule" }, { key: "node.cilium.io/agent-not-ready", value: "true", effect: "NoSchedule" }]);
    });
});

describe("karpenter: the program through the phases (examples/karpenter-east)", () => {
    after(removeKarpenterCopies);
    const runs = new Map<number, Promise<Evaluation>>();
    const at = (phase: number) => {
        if (!runs.has(phase)) runs.set(phase, runKarpenter({ phase }));
        return runs.get(phase) as Promise<Evaluation>;
    };

    it("every phase declares the two twins and (0–7, and 8–9 without deleteLegacyNodeGroups) the two legacy patches, by the same names", async () => {
        for (const phase of PHASES) {
            const e = await at(phase);
            assert.deepStrictEqual(ofType(e, NODEPOOL).map((r) => r.name).sort(), ["karpenter-batch-cilium", "karpenter-default-cilium"], `phase ${phase}`);
            assert.deepStrictEqual(ofType(e, NODEPOOL_PATCH).map((r) => r.name).sort(), ["karpenter-legacy-batch", "karpenter-legacy-default"], `phase ${phase}`);
            for (const r of [...ofType(e, NODEPOOL), ...ofType(e, NODEPOOL_PATCH)]) assert.ok(r.retainOnDelete, `${r.name}: Pulumi never deletes a NodePool or hands a patch back`);
        }
        const handedOver = await runKarpenter({ phase: 8, extra: { existingCluster: { name: "karpenter-east", nodeGroups: ["ng-system"], nodePools: ["default", "batch"], deleteLegacyNodeGroups: true } } });
        assert.deepStrictEqual(ofType(handedOver, NODEPOOL_PATCH), []);
    });

    it("no declared change ever touches a legacy pool's spec.template; every declared NodePool is valid for the CRD", async () => {
        const live = new Map(livePools().map((np) => [np.metadata.name, np]));
        for (const phase of PHASES) {
            const e = await at(phase);
            for (const r of ofType(e, NODEPOOL_PATCH)) {
                const spec = r.inputs.spec as Obj;
                assert.deepStrictEqual(Object.keys(spec).filter((k) => !["disruption", "limits", "weight"].includes(k)), [], `${r.name}, phase ${phase}`);
                const after = applied(live.get((r.inputs.metadata as Obj).name) as Obj, { spec });
                assert.deepStrictEqual(after.spec.template, live.get((r.inputs.metadata as Obj).name)?.spec.template);
                assert.deepStrictEqual(validateNodePool(after), [], `${r.name}, phase ${phase}`);
            }
            for (const r of ofType(e, NODEPOOL)) assert.deepStrictEqual(validateNodePool(r.inputs), [], `${r.name}, phase ${phase}`);
        }
    });

    it("phase by phase: budgets 0 from 0; twin limits open at 3; legacy limits 0 at 4; twin budgets at 7; legacy kept at 0 after 8", async () => {
        const patch = async (phase: number, pool: string) => ofType(await at(phase), NODEPOOL_PATCH).find((r) => r.name === `karpenter-legacy-${pool}`)?.inputs.spec as Obj;
        const twin = async (phase: number, pool: string) => ofType(await at(phase), NODEPOOL).find((r) => r.name === `karpenter-${pool}-cilium`)?.inputs.spec as Obj;
        assert.deepStrictEqual(await patch(0, "default"), { disruption: { budgets: [{ nodes: "0" }] }, limits: { cpu: "1000", memory: "1000Gi" } });
        assert.deepStrictEqual(await patch(0, "batch"), { disruption: { budgets: [{ nodes: "0" }] }, weight: 99 });
        assert.deepStrictEqual((await twin(2, "default")).limits, { cpu: "0", memory: "0" });
        assert.deepStrictEqual((await twin(3, "default")).limits, { cpu: "1000", memory: "1000Gi" });
        assert.deepStrictEqual((await patch(4, "default")).limits, { cpu: "0", memory: "0" });
        assert.deepStrictEqual((await patch(4, "batch")).limits, { cpu: "0" });
        assert.deepStrictEqual((await twin(6, "batch")).disruption.budgets, [{ nodes: "0" }]);
        assert.deepStrictEqual((await twin(7, "batch")).disruption.budgets, [{ nodes: "10%" }]);
        assert.deepStrictEqual(await patch(9, "default"), { disruption: { budgets: [{ nodes: "0" }] }, limits: { cpu: "0", memory: "0" } });
        assert.strictEqual((await twin(0, "batch")).weight, 100);
        // The originals are recorded next to legacyNodeGroupSizes.
        assert.deepStrictEqual((await at(0)).outputs.legacyNodePools, {
            default: { limits: { cpu: "1000", memory: "1000Gi" }, budgets: [{ nodes: "10%" }] }, batch: { budgets: [{ nodes: "10%" }], weight: 100 },
        });
    });

    it("the originals survive later phases: from the stack's outputs, else from the program's own annotation — never from the patched pool", async () => {
        const patched = karpenterSnapshotVariant((f) => {
            const [d, b] = f["nodepools.json"].items as Obj[];
            d.spec.limits = { cpu: "0", memory: "0" };
            d.spec.disruption.budgets = [{ nodes: "0" }];
            d.metadata.annotations[ORIGINALS_ANNOTATION] = canonicalJson({ limits: { cpu: "1000", memory: "1000Gi" }, budgets: [{ nodes: "10%" }] });
            b.spec.weight = 99;
            b.spec.disruption.budgets = [{ nodes: "0" }];
        });
        const annotated = await runKarpenter({ phase: 5, snapshotDir: patched });
        assert.deepStrictEqual((annotated.outputs.legacyNodePools as Obj).default, { limits: { cpu: "1000", memory: "1000Gi" }, budgets: [{ nodes: "10%" }] });
        const recorded = await runKarpenter({ phase: 5, snapshotDir: patched, ownOutputs: { legacyNodePools: (await at(0)).outputs.legacyNodePools } });
        assert.deepStrictEqual(recorded.outputs.legacyNodePools, (await at(0)).outputs.legacyNodePools);
        assert.strictEqual((ofType(recorded, NODEPOOL).find((r) => r.name === "karpenter-batch-cilium")?.inputs.spec as Obj).weight, 100);
    });

    it("going back 4 → 3 writes the recorded legacy limits back", async () => {
        const back = await runKarpenter({ phase: 3, appliedPhase: 4, ownOutputs: { legacyNodePools: (await at(0)).outputs.legacyNodePools } });
        const spec = ofType(back, NODEPOOL_PATCH).find((r) => r.name === "karpenter-legacy-default")?.inputs.spec as Obj;
        assert.deepStrictEqual(spec.limits, { cpu: "1000", memory: "1000Gi" });
    });

    it("a twin that exists keeps its own template, even when the legacy pool's changed since", async () => {
        const later = karpenterSnapshotVariant((f) => {
            const pools = f["nodepools.json"].items as Obj[];
            const twin = structuredClone(pools[0]);
            twin.metadata = { name: "default-cilium", labels: { [TWIN_OF_LABEL]: "default" } };
            twin.spec.template.metadata = { labels: { cni: "cilium" } };
            twin.spec.template.spec.startupTaints = [{ key: "node.cilium.io/agent-not-ready", value: "true", effect: "NoExecute" }];
            pools.push(twin);
            pools[0].spec.template.spec.expireAfter = "336h";
        });
        const e = await runKarpenter({ phase: 2, snapshotDir: later });
        const spec = ofType(e, NODEPOOL).find((r) => r.name === "karpenter-default-cilium")?.inputs.spec as Obj;
        assert.strictEqual(spec.template.spec.expireAfter, "Never");
        // The twin is no legacy pool by default (its label says so).
        assert.deepStrictEqual(ofType(e, NODEPOOL_PATCH).map((r) => r.name).sort(), ["karpenter-legacy-batch", "karpenter-legacy-default"]);
    });

    it("the shared cordon and drain wait for the legacy pools' limits", async () => {
        const e = await at(5);
        const cordon = e.resources.find((r) => r.name === "legacy-groups-cordon");
        assert.ok(cordon?.dependencies.includes(`${NODEPOOL_PATCH}::karpenter-legacy-default`), cordon?.dependencies.join(", "));
    });
});

describe("karpenter: the plan shows every patch with the fields it changes", () => {
    it("npm run plan on the example: the patches' fields at 0 and 4, the twins' at 3 and 7; never spec.template", async () => {
        const { main } = await import("../plan/cli");
        let out = "";
        const code = await main(["--config-file", path.join(path.dirname(KARPENTER_SNAPSHOT), "..", "Pulumi.karpenter.yaml"), "--cluster-snapshot", KARPENTER_SNAPSHOT],
            (s) => { out += `${s}\n`; }, () => undefined);
        assert.strictEqual(code, 0);
        const lines = out.split("\n").filter((l) => l.includes("kubernetes:karpenter.sh/")).map((l) => l.trim());
        assert.deepStrictEqual(lines, [
            "+ create kubernetes:karpenter.sh/v1:NodePoolPatch karpenter-legacy-batch (spec.disruption.budgets: [{\"nodes\":\"0\"}], spec.weight: 99)",
            "+ create kubernetes:karpenter.sh/v1:NodePoolPatch karpenter-legacy-default (spec.disruption.budgets: [{\"nodes\":\"0\"}], spec.limits: {\"cpu\":\"1000\",\"memory\":\"1000Gi\"})",
            "+ create kubernetes:karpenter.sh/v1:NodePool karpenter-default-cilium",
            "+ create kubernetes:karpenter.sh/v1:NodePool karpenter-batch-cilium",
            "~ update kubernetes:karpenter.sh/v1:NodePool karpenter-default-cilium (spec.limits: {\"cpu\":\"0\",\"memory\":\"0\"} → {\"cpu\":\"1000\",\"memory\":\"1000Gi\"})",
            "~ update kubernetes:karpenter.sh/v1:NodePool karpenter-batch-cilium (spec.limits: {\"cpu\":\"0\"} → unset)",
            "~ update kubernetes:karpenter.sh/v1:NodePoolPatch karpenter-legacy-default (spec.limits: {\"cpu\":\"1000\",\"memory\":\"1000Gi\"} → {\"cpu\":\"0\",\"memory\":\"0\"})",
            "~ update kubernetes:karpenter.sh/v1:NodePoolPatch karpenter-legacy-batch (spec.limits: unset → {\"cpu\":\"0\"})",
            "~ update kubernetes:karpenter.sh/v1:NodePool karpenter-default-cilium (spec.disruption.budgets: [{\"nodes\":\"0\"}] → [{\"nodes\":\"10%\"}])",
            "~ update kubernetes:karpenter.sh/v1:NodePool karpenter-batch-cilium (spec.disruption.budgets: [{\"nodes\":\"0\"}] → [{\"nodes\":\"10%\"}])",
        ]);
    });
});

describe("karpenter: a cluster with no managed legacy group", () => {
    after(removeKarpenterCopies);
    it("the Karpenter part carries the shared cordon (4) and drain (5), after the legacy limits", async () => {
        const dir = karpenterSnapshotVariant((f) => { f["nodegroups.json"].nodegroups = []; });
        const extra = { existingCluster: { name: "karpenter-east", nodePools: ["default", "batch"], deleteLegacyNodeGroups: false } };
        const three = await runKarpenter({ phase: 3, snapshotDir: dir, extra });
        assert.deepStrictEqual(three.resources.filter((r) => /-(cordon|drain)$/.test(r.name)).map((r) => r.name), []);
        const five = await runKarpenter({ phase: 5, snapshotDir: dir, extra });
        assert.deepStrictEqual(five.resources.filter((r) => /-(cordon|drain)$/.test(r.name)).map((r) => r.name), ["karpenter-cordon", "karpenter-drain"]);
        const cordon = five.resources.find((r) => r.name === "karpenter-cordon");
        assert.ok(cordon?.dependencies.includes(`${NODEPOOL_PATCH}::karpenter-legacy-batch`), cordon?.dependencies.join(", "));
    });
});

describe("karpenter: after the legacy NodePools are gone (8 with deleteLegacyNodeGroups, then 9)", () => {
    after(removeKarpenterCopies);
    it("the twins are declared from themselves, with the recorded originals; an unrecorded gone pool is an error naming it", async () => {
        const original = await runKarpenter({ phase: 0 });
        const gone = karpenterSnapshotVariant((f) => {
            const pools = f["nodepools.json"].items as Obj[];
            f["nodepools.json"].items = pools.map((p) => {
                const twin = structuredClone(p);
                twin.metadata = { name: `${p.metadata.name}-cilium`, labels: { [TWIN_OF_LABEL]: p.metadata.name } };
                twin.spec.template.metadata = { labels: { cni: "cilium" } };
                twin.spec.template.spec.startupTaints = [{ key: "node.cilium.io/agent-not-ready", value: "true", effect: "NoExecute" }];
                return twin;
            });
            f["nodeclaims.json"].items = [];
        });
        const extra = { existingCluster: { name: "karpenter-east", nodeGroups: ["ng-system"], nodePools: ["default", "batch"], deleteLegacyNodeGroups: true } };
        const nine = await runKarpenter({ phase: 9, snapshotDir: gone, extra, ownOutputs: { legacyNodePools: original.outputs.legacyNodePools, legacyNodeGroupSizes: original.outputs.legacyNodeGroupSizes } });
        assert.deepStrictEqual(ofType(nine, NODEPOOL_PATCH), []);
        assert.deepStrictEqual(nine.resources.filter((r) => r.name.startsWith("karpenter-delete")), []);
        const batch = ofType(nine, NODEPOOL).find((r) => r.name === "karpenter-batch-cilium")?.inputs.spec as Obj;
        assert.deepStrictEqual([batch.weight, batch.disruption.budgets, batch.limits], [100, [{ nodes: "10%" }], undefined]);
        assert.deepStrictEqual(nine.outputs.legacyNodePools, original.outputs.legacyNodePools, "still recorded");
        await assert.rejects(runKarpenter({ phase: 9, snapshotDir: gone, extra, ownOutputs: { legacyNodeGroupSizes: original.outputs.legacyNodeGroupSizes } }),
            /`existingCluster\.nodePools` names NodePool default, which cluster karpenter-east does not have \(it has: default-cilium, batch-cilium\)/);
    });
});
