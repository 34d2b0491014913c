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

    it("connectivity's failures, each verdict whole: a pod not OK, a ping failing with only a status, a pod not answering, egress failing or not probed", () => {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const variants: [string, (s: any) => void][] = [
            ["a pod that could not run its checks", (s) => { const [, r] = Object.entries(s.goldpinger.responses)[0] as [string, Record<string, unknown>]; r.OK = false; r.error = "context deadline exceeded"; delete r.PodIP; }],
            ["a ping failing with only a status code", (s) => {
                const [, r] = Object.entries(s.goldpinger.responses)[1] as [string, { response: { podResults: Record<string, Record<string, unknown>> } }];
                const [, ping] = Object.entries(r.response.podResults)[2];
                Object.assign(ping, { OK: false, "status-code": 504 }); delete ping.PodIP; delete ping.error;
            }],
            ["a pod not answering, another without podResults", (s) => {
                const names = Object.keys(s.goldpinger.responses);
                delete s.goldpinger.responses[names[0]];
                delete s.goldpinger.responses[names[1]].response;
            }],
            ["egress failing from one pod, not probed from another", (s) => {
                const entries = Object.entries(s.goldpinger.responses) as [string, { response: Record<string, unknown> }][];
                entries.forEach(([, r], i) => {
                    if (i === 0) return;
                    r.response.probeResults = { "https://aws.amazon.com": [{ protocol: "http", ...(i === 1 ? { error: "i/o timeout" } : {}) }], "sts.amazonaws.com:443": [{ protocol: "tcp" }] };
                });
            }],
        ];
        for (const [what, edit] of variants) {
            const s = copy(buildCluster(PHASE_SHAPES[3]));
            edit(s);
            golden.check(`connectivity / ${what}`, CHECKS.connectivity.run(s as Required<ClusterSnapshot>, ctx));
        }
    });

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
