// Every gate check on every phase's snapshot, its whole verdict held exactly (tests/fixtures/golden/gates.json): the
// passing states and the failing ones (a check of a later phase on an earlier cluster), every line and count.
import * as assert from "assert";
import { CHECKS, SnapshotCheckName, partsNeeded, resolveCheck, runChecks } from "../gates/registry";
import { DEFAULT_CONTEXT as ctx } from "../clusterReader/selectors";
import { ClusterSnapshot } from "../clusterReader/k8sTypes";
import { PHASE_SHAPES, buildCluster, copy } from "./fixtures/clusterBuilder";
import { Golden } from "./support/golden";

describe("gate checks: whole verdicts on every phase's snapshot (golden)", () => {
    const golden = new Golden("gates");
    after(() => golden.save());
    for (let phase = 0; phase <= 9; phase++) {
        it(`phase ${phase}: every check's verdict`, () => {
            for (const name of Object.keys(CHECKS) as SnapshotCheckName[]) {
                const snapshot = copy(buildCluster(PHASE_SHAPES[phase])) as Required<ClusterSnapshot>;
                // eslint-disable-next-line @typescript-eslint/no-explicit-any
                golden.check(`phase-${phase} ${name}`, (CHECKS[name].run as (s: any, c: typeof ctx) => unknown)(snapshot, ctx));
            }
        });
        it(`phase ${phase}: each phase-N gate as one composite verdict`, () => {
            for (let gate = 0; gate <= 9; gate++) {
                const checks = resolveCheck(`phase-${gate}`) ?? [];
                const preflight = { check: "preflight", pass: true, findings: ["preflight: (given)"], reason: "no blocker left" };
                golden.check(`phase-${phase} gate phase-${gate}`, runChecks(`phase-${gate}`, checks, copy(buildCluster(PHASE_SHAPES[phase])), ctx, { preflight }));
            }
        });
    }

    it("resolves check names and phase-N, and says which snapshot parts they read", () => {
        assert.deepStrictEqual(resolveCheck("legacy-drained"), ["legacy-drained"]);
        assert.deepStrictEqual(resolveCheck("phase-6"), ["aws-node-removed", "connectivity"]);
        for (const bad of ["phase-10", "phase-", "phase-x", "xphase-1", "phase-1 ", "cilium-happy"]) assert.strictEqual(resolveCheck(bad), undefined, bad);
        assert.deepStrictEqual(partsNeeded(["connectivity", "aws-node-removed", "preflight"]), ["nodes", "pods", "goldpinger", "daemonsets"]);
        assert.deepStrictEqual(partsNeeded(["preflight"]), []);
        const single = runChecks("legacy-retired", ["legacy-retired"], copy(buildCluster(PHASE_SHAPES[7])), ctx);
        assert.strictEqual(single.check, "legacy-retired", "one check by its own name: its own verdict");
        const noPreflight = runChecks("phase-0", ["preflight", "connectivity"], copy(buildCluster(PHASE_SHAPES[0])), ctx);
        assert.deepStrictEqual([noPreflight.pass, noPreflight.reason], [false, "preflight: preflight was not run (internal: no verdict given)"]);
    });
});
