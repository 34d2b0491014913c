// Karpenter's preflight checks (preflight/karpenterChecks.ts) on examples/karpenter-east as Pulumi.karpenter.yaml
// migrates it: which NodePools are legacy (never a twin, none for the demo's one group), how Karpenter is found, the
// information when every pool is migrated, when a NodeClaim expires and the 7-day window's edge, and which
// EC2NodeClasses leave the pod density to Karpenter's default.
import * as assert from "assert";
import * as path from "path";
import { TWIN_OF_LABEL } from "../migration/karpenter";
import { EXPIRY_WINDOW_MS, defaultNodePools, expiresAt } from "../preflight/karpenterChecks";
import { readPreflightSnapshot } from "../preflight/read";
import { runPreflight } from "../preflight/run";
import { Finding, Obj, PreflightInput, PreflightOptions } from "../preflight/types";
import { preflightOptionsOf } from "../stacks/preflightConfig";
import { migrationConfigOf, readStackFile } from "../stacks/stackFile";
import { KARPENTER_EXAMPLE } from "./fixtures/writeKarpenterExample";
import { PROJECT_ROOT } from "./support/paths";

const INPUT = readPreflightSnapshot(KARPENTER_EXAMPLE);
const OPTIONS = preflightOptionsOf(migrationConfigOf(readStackFile(path.join(PROJECT_ROOT, "Pulumi.karpenter.yaml"))));
const HOUR = 3_600_000;

/** The findings of `id` on the example with `edit` applied to a copy of its snapshot and options. */
function findings(id: string, edit: (i: PreflightInput, o: PreflightOptions) => void = () => undefined): Finding[] {
    const input = structuredClone(INPUT);
    const options = structuredClone(OPTIONS);
    edit(input, options);
    return runPreflight(input, options).findings.filter((f) => f.id === id);
}
const items = (i: PreflightInput, part: "nodepools" | "nodeclaims" | "deployments" | "ec2nodeclasses"): Obj[] => (i[part] as { items: Obj[] }).items;
/** The twin phase 0 makes of a legacy NodePool: its copy, named with the suffix and labelled with its legacy pool. */
function twinOf(i: PreflightInput, legacy: string): Obj {
    const twin = structuredClone(items(i, "nodepools").find((np) => np.metadata.name === legacy) as Obj);
    twin.metadata = { name: `${legacy}-cilium`, labels: { [TWIN_OF_LABEL]: legacy } };
    return twin;
}

describe("karpenter: which NodePools are legacy", () => {
    it("nodePools unset: every NodePool but the twins phase 0 made", () => {
        const input = structuredClone(INPUT);
        items(input, "nodepools").push(twinOf(input, "default"));
        assert.deepStrictEqual(defaultNodePools(input), ["default", "batch"]);
        const [k] = findings("karpenter", (i, o) => { items(i, "nodepools").push(twinOf(i, "default")); delete o.nodePools; });
        assert.deepStrictEqual([k.severity, k.objects], ["info", ["kube-system/karpenter", "default", "batch"]]);
    });

    it("every NodePool migrated: the information names Karpenter and the pools, and says nothing is to be done", () => {
        const [k] = findings("karpenter");
        assert.strictEqual(k.message, "Karpenter runs (kube-system/karpenter); every NodePool but the twins is migrated (default, batch): each gets a twin " +
            "NodePool, its nodes are legacy nodes of their pool, and its template is never changed.");
        assert.strictEqual(k.remedy, "Nothing to do; see README, \"Migrating your cluster\" (Karpenter) for what each phase does to the NodePools.");
    });

    it("the demo's one legacy group migrates no NodePool, even with nodePools listed: Karpenter's pools are left out", () => {
        const demo = (o: PreflightOptions) => { o.legacy = { kind: "node-group", name: "ng-system" }; };
        const [left] = findings("karpenter", (_i, o) => { demo(o); o.nodePools = ["default"]; });
        assert.deepStrictEqual([left.severity, left.objects], ["warning", ["default", "batch"]]);
        const [none] = findings("karpenter", (i, o) => { demo(o); items(i, "nodepools").splice(0); });
        assert.match(none.message, /^Karpenter runs \(kube-system\/karpenter\); every NodePool but the twins is migrated \(none\): each gets a twin NodePool/);
        assert.deepStrictEqual(none.objects, ["kube-system/karpenter"]);
    });

    it("Karpenter is found by its Deployment's name when the chart's name label is missing; no Karpenter, no finding", () => {
        const unlabelled = (i: PreflightInput) => { delete (items(i, "deployments").find((d) => d.metadata.name === "karpenter") as Obj).metadata.labels; };
        assert.deepStrictEqual(findings("karpenter", unlabelled).map((f) => f.objects[0]), ["kube-system/karpenter"]);
        const renamed = (i: PreflightInput) => { unlabelled(i); (items(i, "deployments").find((d) => d.metadata.name === "karpenter") as Obj).metadata.name = "autoscaler"; };
        assert.deepStrictEqual(findings("karpenter", renamed), []);
    });
});

describe("karpenter-expiry: when a legacy NodeClaim expires", () => {
    const claim = (i: PreflightInput): Obj => items(i, "nodeclaims").find((c) => c.metadata.labels["karpenter.sh/nodepool"] === "batch") as Obj;
    const created = Date.parse("2026-11-28T09:00:00Z");

    it("from the NodeClaim's own expireAfter (Never: no expiry), else its pool's, else Karpenter's 720h", () => {
        const own = structuredClone(claim(INPUT));
        own.metadata.creationTimestamp = new Date(created).toISOString();
        const pool = { spec: { template: { spec: { expireAfter: "24h" } } } };
        assert.strictEqual(expiresAt(own, pool), Infinity, "the claim's own Never");
        own.spec.expireAfter = "168h";
        assert.strictEqual(expiresAt(own, pool), created + 168 * HOUR);
        delete own.spec.expireAfter;
        assert.strictEqual(expiresAt(own, pool), created + 24 * HOUR);
        assert.strictEqual(expiresAt(own, undefined), created + 720 * HOUR);
    });

    it("a NodeClaim expiring exactly 7 days from now is outside the window; a millisecond sooner, inside", () => {
        const now = Date.now;
        /** The batch NodeClaim with 168h to live from its creation, and the clock `ms` before it expires. */
        const expiringIn = (ms: number) => (i: PreflightInput) => {
            Object.assign(claim(i).spec, { expireAfter: "168h" });
            claim(i).metadata.creationTimestamp = new Date(created).toISOString();
            Date.now = () => created + 168 * HOUR - ms;
        };
        try {
            assert.strictEqual(168 * HOUR, EXPIRY_WINDOW_MS);
            assert.deepStrictEqual(findings("karpenter-expiry", expiringIn(EXPIRY_WINDOW_MS)), []);
            assert.strictEqual(findings("karpenter-expiry", expiringIn(EXPIRY_WINDOW_MS - 1)).length, 1);
        } finally {
            Date.now = now;
        }
    });
});

describe("karpenter-pod-density: which EC2NodeClasses leave the twins' pod density to Karpenter", () => {
    const kubelet = (value: Obj) => (i: PreflightInput) => { items(i, "ec2nodeclasses")[0].spec.kubelet = value; };

    it("kubelet.podsPerCore bounds the density as maxPods does: no finding", () => {
        assert.deepStrictEqual(findings("karpenter-pod-density", kubelet({ podsPerCore: 10 })), []);
        assert.deepStrictEqual(findings("karpenter-pod-density", kubelet({ maxPods: 58 })), []);
        assert.deepStrictEqual(findings("karpenter-pod-density").map((f) => f.objects), [["default (EC2NodeClass default)", "batch (EC2NodeClass default)"]]);
    });

    it("a NodePool whose nodeClassRef is no EC2NodeClass is not judged", () => {
        const other = (i: PreflightInput) => { for (const np of items(i, "nodepools")) np.spec.template.spec.nodeClassRef.kind = "OtherNodeClass"; };
        assert.deepStrictEqual(findings("karpenter-pod-density", other), []);
    });
});
