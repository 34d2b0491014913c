// preflight/drainChecks.ts pinned where a mutation run (npm run mutate, issue 16) found it loose, on the example
// cluster's own objects: a PodDisruptionBudget the disruption controller has not written a status for yet, claims and
// volumes that bind a pod to no zone (a Pending claim, a PV without node affinity as EFS and NFS make them), the
// zonal-volume finding's words, and which pods make a Deployment a one-replica workload on legacy nodes.
import * as assert from "assert";
import { DEFAULT_OPTIONS, Finding, Obj, PreflightInput } from "../preflight/types";
import { exampleFindings, listOf as items } from "./support/exampleRun";

/** The example's ng-batch has no subnet in us-east-2c, where postgres-1's volume is bound. */
const CILIUM_ON_BATCH = { ...DEFAULT_OPTIONS, cilium: { kind: "group" as const, name: "ng-batch" } };
const CA = "cluster-autoscaler-aws-cluster-autoscaler";

const named = (i: PreflightInput, part: keyof PreflightInput, name: string): Obj => items(i, part).find((o) => o.metadata.name === name) as Obj;

const findingsOf = (id: string, edit: (i: PreflightInput) => void, options = DEFAULT_OPTIONS): Finding[] => exampleFindings(id, edit, options);

describe("pdb-blocks-drain: budgets without a status yet", () => {
    it("a budget the controller has not written a status for blocks nothing; the next one with none allowed is named", () => {
        const found = findingsOf("pdb-blocks-drain", (i) => {
            named(i, "poddisruptionbudgets", "api").status.disruptionsAllowed = 0;
            const fresh = structuredClone(named(i, "poddisruptionbudgets", "api"));
            fresh.metadata = { name: "api-fresh", namespace: "shop" };
            delete fresh.status;
            items(i, "poddisruptionbudgets").unshift(fresh);
        });
        assert.deepStrictEqual(found.map((f) => [f.severity, f.phase, f.message]), [["warning", 5,
            "3 pod(s) on legacy nodes: phase 5's drain waits on their PodDisruptionBudgets (PodDisruptionBudget shop/api allows no disruption now)."]]);
        assert.deepStrictEqual(findingsOf("pdb-blocks-drain", (i) => {
            const fresh = named(i, "poddisruptionbudgets", "api");
            delete fresh.status;
        }), []);
    });
});

describe("zonal-volume: which volumes bind a pod to a zone", () => {
    it("postgres-1's volume in us-east-2c, where ng-batch has no subnet: the pod named, the zone in the words", () => {
        const [f, ...more] = findingsOf("zonal-volume", () => undefined, CILIUM_ON_BATCH);
        assert.deepStrictEqual(more, []);
        assert.strictEqual(f.message, "1 pod(s) on legacy nodes: their volumes cannot follow them to the Cilium pool " +
            "(its volume is bound to us-east-2c, where the Cilium pool has no subnet).");
        assert.deepStrictEqual(f.objects, ["shop/postgres-1"]);
    });

    it("a volume whose node affinity allows two zones the Cilium pool does not reach: both named", () => {
        const [f] = findingsOf("zonal-volume", (i) => {
            const pv = named(i, "persistentvolumes", named(i, "persistentvolumeclaims", "data-postgres-1").spec.volumeName);
            for (const term of pv.spec.nodeAffinity.required.nodeSelectorTerms) for (const e of term.matchExpressions) e.values = ["us-east-2c", "us-east-2d"];
        }, CILIUM_ON_BATCH);
        assert.match(f.message, /\(its volume is bound to us-east-2c, us-east-2d, where the Cilium pool has no subnet\)\.$/);
    });

    it("a claim not bound yet, a volume the snapshot lacks, a volume without node affinity or with an empty one: no zone", () => {
        const volumeOf = (i: PreflightInput) => named(i, "persistentvolumes", named(i, "persistentvolumeclaims", "data-postgres-1").spec.volumeName);
        for (const [what, edit] of [
            ["Pending claim", (i: PreflightInput) => { delete named(i, "persistentvolumeclaims", "data-postgres-1").spec.volumeName; }],
            ["volume not in the snapshot", (i: PreflightInput) => { volumeOf(i).metadata.name = "pvc-elsewhere"; }],
            ["no node affinity (EFS, NFS)", (i: PreflightInput) => { delete volumeOf(i).spec.nodeAffinity; }],
            ["node affinity without required terms", (i: PreflightInput) => { volumeOf(i).spec.nodeAffinity = {}; }],
        ] as const) {
            assert.deepStrictEqual(findingsOf("zonal-volume", edit, CILIUM_ON_BATCH), [], what);
        }
    });
});

describe("single-replica: the pods that make a one-replica workload", () => {
    const caPod = (i: PreflightInput): Obj => items(i, "pods").find((p) => p.metadata.name.startsWith(`${CA}-`)) as Obj;

    it("the example's one-replica autoscaler, its pod on a legacy node, is named", () => {
        assert.deepStrictEqual(findingsOf("single-replica", () => undefined).map((f) => f.objects), [[`Deployment kube-system/${CA}`]]);
    });

    it("only a pod from a ReplicaSet is a Deployment's: a debug copy with its labels and no owner is not", () => {
        assert.deepStrictEqual(findingsOf("single-replica", (i) => {
            const pod = caPod(i);
            pod.metadata = { ...pod.metadata, name: `${CA}-debug`, ownerReferences: undefined };
        }), []);
    });
});
