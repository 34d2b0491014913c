// The connectivity check on snapshots shaped like kubectl's JSON and goldpinger's /check_all body: the passing state,
// each way it can fail, and terminating pods seen as goldpinger sees them.
import * as assert from "assert";
import { connectivity } from "../gates/checks/connectivity";
import { ClusterSnapshot, Node, Pod } from "../clusterReader/k8sTypes";
import { DEFAULT_CONTEXT as ctx } from "../clusterReader/selectors";
import { PHASE_SHAPES, buildCluster, copy } from "./fixtures/clusterBuilder";
import { runPhase } from "./mocks";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

type Snapshot = Required<ClusterSnapshot>;
const at = (phase: number): Snapshot => copy(buildCluster(PHASE_SHAPES[phase]));
const podNamed = (s: Snapshot, prefix: string): Pod => s.pods.items.find((p) => p.metadata?.name?.startsWith(prefix)) as Pod;
const nodesOf = (s: Snapshot, pool: string): Node[] => s.nodes.items.filter((n) => n.metadata?.labels?.cni === pool);
const goldpingerOn = (s: Snapshot, pool: string): Pod[] => {
    const names = new Set(nodesOf(s, pool).map((n) => n.metadata?.name));
    return s.pods.items.filter((p) => p.metadata?.labels?.["app.kubernetes.io/name"] === "goldpinger" && names.has(p.spec?.nodeName));
};
const name = (o: { metadata?: { name?: string } }) => o.metadata?.name as string;

describe("gate checks: connectivity", () => {
    it("passes when every pod answered, every ping is OK, and pods on both pools answered", () => {
        const v = connectivity(at(3), ctx);
        assert.strictEqual(v.pass, true, v.reason);
        assert.deepStrictEqual(v.findings, [
            "connectivity: 8/8 running goldpinger pods answered",
            "connectivity: 64/64 pings OK",
            "connectivity: answering pods: 5 on legacy nodes, 3 on cni=cilium nodes",
            "connectivity: egress was not checked: goldpinger has no external targets (set `goldpinger.egressTargets` to prove egress from both pools)",
        ]);
    });

    describe("egress (goldpinger's external targets: probeResults per pod)", () => {
        it("goldpinger.egressTargets reach every goldpinger pod as goldpinger's own HTTP_TARGETS / TCP_TARGETS", async () => {
            const e = await runPhase(3, { goldpinger: { egressTargets: ["https://aws.amazon.com", "sts.amazonaws.com:443"] } });
            for (const kind of ["DaemonSet", "Deployment"]) {
                const r = e.resources.find((x) => x.type === `kubernetes:apps/v1:${kind}` && x.name.startsWith("goldpinger-")) as { inputs: Json };
                const env = r.inputs.spec.template.spec.containers[0].env as { name: string; value?: string }[];
                assert.deepStrictEqual(env.filter((v) => /_TARGETS$/.test(v.name)), [
                    { name: "HTTP_TARGETS", value: "https://aws.amazon.com" }, { name: "TCP_TARGETS", value: "sts.amazonaws.com:443" },
                ], kind);
            }
        });

        const TARGET = "https://aws.amazon.com";
        /** Every answering pod probed TARGET; `error` for the pods `failing` names. */
        const probed = (s: Snapshot, failing: (pod: string) => string | undefined = () => undefined, only?: Set<string>) => {
            for (const [pod, r] of Object.entries(s.goldpinger.responses ?? {})) {
                if (only && !only.has(pod)) continue;
                const error = failing(pod);
                (r.response ?? {}).probeResults = { [TARGET]: [{ protocol: "http", "response-time-ms": 12, ...(error ? { error } : {}) }] };
            }
            return s;
        };

        it("passes when every pod on both pools reached the targets, and says how many", () => {
            const v = connectivity(probed(at(3)), ctx);
            assert.strictEqual(v.pass, true, v.reason);
            assert.ok(v.findings.includes("connectivity: egress: 8 probes of https://aws.amazon.com from 5 pod(s) on legacy nodes and 3 on cni=cilium nodes"), v.findings.join("\n"));
        });

        it("fails on a Cilium pod whose egress is dropped (cilium/cilium#45137), naming pod, node and pool", () => {
            const s = at(3);
            const bad = name(goldpingerOn(s, "cilium")[0]);
            const v = connectivity(probed(s, (pod) => (pod === bad ? `Get "${TARGET}": dial tcp 3.163.165.5:443: i/o timeout` : undefined)), ctx);
            assert.strictEqual(v.pass, false);
            assert.match(v.reason, new RegExp(`^egress from ${bad} \\(10\\.0\\.128\\.\\d+, node [^,]+, cni=cilium\\) to https://aws\\.amazon\\.com failed: Get .*i/o timeout$`));
        });

        it("fails when the pods of one pool did not probe while both pools have nodes", () => {
            const s = at(3);
            const legacyOnly = new Set(goldpingerOn(s, "aws-cni").map(name));
            const v = connectivity(probed(s, () => undefined, legacyOnly), ctx);
            assert.strictEqual(v.pass, false);
            assert.match(v.reason, /^egress from goldpinger-\S+ \(.*cni=cilium\) to https:\/\/aws\.amazon\.com was not probed/);
            assert.ok(v.findings.some((l) => /no goldpinger pod on cni=cilium nodes probed egress/.test(l)));
        });
    });

    it("fails on one failed cross-pool ping, naming both pods", () => {
        const s = at(3);
        const from = name(goldpingerOn(s, "aws-cni")[0]);
        const to = name(goldpingerOn(s, "cilium")[0]);
        Object.assign(s.goldpinger.responses?.[from].response?.podResults?.[to] ?? {}, { OK: false, error: "Get http://10.0.128.4:8080/ping: context deadline exceeded", "status-code": 504 });
        const v = connectivity(s, ctx);
        assert.strictEqual(v.pass, false);
        assert.match(v.reason, new RegExp(`^ping from ${from} \\(10\\.0\\.128\\.\\d+\\) to ${to} \\(10\\.0\\.128\\.\\d+\\) failed: Get http://10.0.128.4:8080/ping: context deadline exceeded$`));
    });

    it("fails when a running goldpinger pod did not answer", () => {
        const s = at(3);
        const missing = goldpingerOn(s, "cilium")[1];
        delete s.goldpinger.responses?.[name(missing)];
        const v = connectivity(s, ctx);
        assert.strictEqual(v.pass, false);
        assert.strictEqual(v.reason, `goldpinger pod ${name(missing)} on node ${missing.spec?.nodeName} did not answer /check_all`);
        assert.strictEqual(v.progress, "7/8 goldpinger pods answered");
    });

    it("fails when a pod pinged fewer peers than there are goldpinger pods", () => {
        const s = at(4);
        const pinger = name(goldpingerOn(s, "cilium")[0]);
        const results = s.goldpinger.responses?.[pinger].response?.podResults ?? {};
        delete results[Object.keys(results)[0]];
        assert.strictEqual(connectivity(s, ctx).reason, `goldpinger pod ${pinger} pinged 7 peers, but 8 goldpinger pods are running`);
    });

    it("fails when a pod could not run its checks", () => {
        const s = at(0);
        const pinger = Object.keys(s.goldpinger.responses ?? {})[0];
        Object.assign(s.goldpinger.responses?.[pinger] ?? {}, { OK: false, error: "connection refused" });
        assert.match(connectivity(s, ctx).reason, new RegExp(`^goldpinger pod ${pinger} \\(.*\\) could not run its checks: connection refused$`));
    });

    it("fails while both pools have nodes but goldpinger answered from one pool only", () => {
        const s = at(3);
        const legacyPods = new Set(goldpingerOn(s, "aws-cni").map(name));
        s.pods.items = s.pods.items.filter((p) => !legacyPods.has(name(p)));
        for (const n of legacyPods) delete s.goldpinger.responses?.[n];
        for (const r of Object.values(s.goldpinger.responses ?? {})) for (const n of legacyPods) delete r.response?.podResults?.[n];
        const v = connectivity(s, ctx);
        assert.strictEqual(v.pass, false);
        assert.strictEqual(v.reason, "both pools have nodes but goldpinger answered from no legacy node: traffic between the pools is untested");
    });

    it("does not require both pools once the legacy pool is gone, and ignores the never-filled top-level OK", () => {
        const s = at(8);
        s.goldpinger.OK = false;
        assert.strictEqual(connectivity(s, ctx).pass, true);
    });

    it("sees terminating pods as goldpinger does: counted as peers, not required to answer, their failed pings ignored", () => {
        // Mid-rollout (phase 4 restarts the Deployment): one old pod is being deleted, still in phase Running,
        // so every pinger still lists it (goldpinger selects status.phase=Running) and the ping to it fails.
        const s = at(4);
        const leaving = s.pods.items.find((p) => name(p).startsWith("goldpinger-6f8d9c7b5-")) as Pod;
        leaving.metadata = { ...leaving.metadata, deletionTimestamp: "2026-11-22T10:00:00Z" };
        delete s.goldpinger.responses?.[name(leaving)];
        for (const r of Object.values(s.goldpinger.responses ?? {})) {
            Object.assign(r.response?.podResults?.[name(leaving)] ?? {}, { OK: false, error: "connection refused", "status-code": 0 });
        }
        const v = connectivity(s, ctx);
        assert.strictEqual(v.pass, true, v.reason);
        assert.deepStrictEqual(v.findings.slice(0, 3), [
            "connectivity: 7/7 running goldpinger pods answered",
            `connectivity: 1 terminating goldpinger pod ignored: ${name(leaving)}`,
            "connectivity: 49/56 pings OK (7 failed to or from terminating pods, ignored)",
        ]);
        // A failed ping between two pods that are staying is still a failure.
        const [a, b] = Object.keys(s.goldpinger.responses ?? {});
        Object.assign(s.goldpinger.responses?.[a].response?.podResults?.[b] ?? {}, { OK: false, error: "timeout" });
        assert.match(connectivity(s, ctx).reason, new RegExp(`^ping from ${a} .* to ${b} .* failed: timeout$`));
    });

    it("does not count pods goldpinger does not see yet (Pending, no IP)", () => {
        const s = at(3);
        const pending = copy(podNamed(s, "goldpinger-6f8d9c7b5-"));
        pending.metadata = { ...pending.metadata, name: "goldpinger-6f8d9c7b5-new" };
        pending.status = { phase: "Pending" };
        s.pods.items.push(pending);
        assert.strictEqual(connectivity(s, ctx).pass, true);
    });

    it("fails with no running goldpinger pod", () => {
        const s = at(3);
        s.pods.items = s.pods.items.filter((p) => p.metadata?.namespace !== "goldpinger");
        assert.strictEqual(connectivity(s, ctx).reason, "no running goldpinger pod: nothing proves connectivity");
    });
});

