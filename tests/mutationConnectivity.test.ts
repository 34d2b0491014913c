// The connectivity check at its edges: several terminating goldpinger pods, a terminating pod that still answered
// (with fewer peers, without egress probes), a pod that could not run its checks (goldpinger reports it without a
// response), egress probed from one pool only (either one), where each prober is said to be, and several targets.
import * as assert from "assert";
import { connectivity } from "../gates/checks/connectivity";
import { ClusterSnapshot, GoldpingerProbeResult, Node, Pod } from "../clusterReader/k8sTypes";
import { DEFAULT_CONTEXT as ctx } from "../clusterReader/selectors";
import { PHASE_SHAPES, buildCluster, copy } from "./fixtures/clusterBuilder";

type Snapshot = Required<ClusterSnapshot>;
const at = (phase: number): Snapshot => copy(buildCluster(PHASE_SHAPES[phase]));
const name = (o: { metadata?: { name?: string } }) => o.metadata?.name as string;
const goldpingerPods = (s: Snapshot): Pod[] => s.pods.items.filter((p) => p.metadata?.labels?.["app.kubernetes.io/name"] === "goldpinger");
const onPool = (s: Snapshot, pool: string): Pod[] => {
    const nodes = new Set(s.nodes.items.filter((n: Node) => n.metadata?.labels?.cni === pool).map(name));
    return goldpingerPods(s).filter((p) => nodes.has(p.spec?.nodeName ?? ""));
};
const terminate = (pod: Pod) => { pod.metadata = { ...pod.metadata, deletionTimestamp: "2026-11-22T10:00:00Z" }; };
const HTTPS = "https://aws.amazon.com";
const TCP = "sts.amazonaws.com:443";
const OK_PROBE: GoldpingerProbeResult = { protocol: "http", "response-time-ms": 12 } as GoldpingerProbeResult;
/** goldpinger's probeResults for the named pods: each target probed once, OK unless `error` says otherwise. */
const probe = (s: Snapshot, pods: Iterable<string>, targets: string[], error?: (pod: string) => string | undefined) => {
    for (const pod of pods) {
        const response = s.goldpinger.responses?.[pod].response;
        if (response) response.probeResults = Object.fromEntries(targets.map((t) => [t, [{ ...OK_PROBE, ...(error?.(pod) ? { error: error(pod) } : {}) }]]));
    }
    return s;
};
const problems = (s: Snapshot) => connectivity(s, ctx).findings.filter((l) => !/^connectivity: (\d+\/\d+|answering|egress:|egress was not checked|\d+ terminating)/.test(l));

describe("connectivity: terminating goldpinger pods", () => {
    it("lists every terminating pod it ignores, comma-separated", () => {
        const s = at(4);
        const leaving = goldpingerPods(s).filter((p) => name(p).startsWith("goldpinger-6f8d9c7b5-"));
        assert.strictEqual(leaving.length, 2);
        leaving.forEach(terminate);
        for (const r of Object.values(s.goldpinger.responses ?? {})) for (const p of leaving) Object.assign(r.response?.podResults?.[name(p)] ?? {}, { OK: false, error: "connection refused" });
        const v = connectivity(s, ctx);
        assert.strictEqual(v.pass, true, v.reason);
        assert.ok(v.findings.includes(`connectivity: 2 terminating goldpinger pods ignored: ${leaving.map(name).join(", ")}`), v.findings.join("\n"));
    });

    it("a terminating pod that still answered is not held to the peer count nor to egress", () => {
        const s = at(3);
        const leaving = goldpingerPods(s).find((p) => name(p).startsWith("goldpinger-6f8d9c7b5-")) as Pod;
        terminate(leaving);
        const own = s.goldpinger.responses?.[name(leaving)].response?.podResults ?? {};
        delete own[Object.keys(own)[0]];
        probe(s, goldpingerPods(s).map(name).filter((p) => p !== name(leaving)), [HTTPS]);
        const v = connectivity(s, ctx);
        assert.strictEqual(v.pass, true, v.reason);
        assert.deepStrictEqual(problems(s), []);
    });
});

describe("connectivity: a pod that could not run its checks", () => {
    it("is one problem — not also a peer count — and, with egress targets, its probes are missing, not a crash", () => {
        const s = at(3);
        const [broken] = onPool(s, "cilium");
        s.goldpinger.responses = { ...s.goldpinger.responses, [name(broken)]: { OK: false, PodIP: "10.0.128.9", error: "Get \"http://10.0.128.9:8080/check\": context deadline exceeded" } };
        assert.deepStrictEqual(problems(s), [`connectivity: goldpinger pod ${name(broken)} (10.0.128.9) could not run its checks: Get "http://10.0.128.9:8080/check": context deadline exceeded`]);
        probe(s, goldpingerPods(s).map(name), [HTTPS]);
        assert.deepStrictEqual(problems(s).slice(1), [`connectivity: egress from ${name(broken)} (10.0.128.9, node ${broken.spec?.nodeName}, cni=cilium) to ${HTTPS} was not probed`]);
    });
});

describe("connectivity: egress from both pools", () => {
    it("names the legacy pool when only pods on Cilium nodes probed", () => {
        const s = probe(at(3), onPool(at(3), "cilium").map(name), [HTTPS]);
        const v = connectivity(s, ctx);
        assert.strictEqual(v.pass, false);
        assert.ok(v.findings.includes("connectivity: both pools have nodes but no goldpinger pod on legacy nodes probed egress: egress from that pool is untested"), v.findings.join("\n"));
        assert.ok(v.findings.includes(`connectivity: egress from ${name(onPool(s, "aws-cni")[0])} (10.0.128.4, node ip-10-0-0-4.eu-west-1.compute.internal, legacy node) to ${HTTPS} was not probed`), v.findings.join("\n"));
    });

    it("once no legacy node is left, pods on Cilium nodes alone are enough", () => {
        const s = at(8);
        probe(s, goldpingerPods(s).map(name), [HTTPS]);
        assert.strictEqual(connectivity(s, ctx).pass, true, connectivity(s, ctx).reason);
    });

    it("lists the targets sorted, whatever order goldpinger gave them in", () => {
        const s = probe(at(3), goldpingerPods(at(3)).map(name), [TCP, HTTPS]);
        const v = connectivity(s, ctx);
        assert.strictEqual(v.pass, true, v.reason);
        assert.ok(v.findings.includes(`connectivity: egress: 16 probes of ${HTTPS}, ${TCP} from 5 pod(s) on legacy nodes and 3 on cni=cilium nodes`), v.findings.join("\n"));
    });

    it("a prober on a node of neither pool (EKS hybrid) is counted in neither and named without a pool", () => {
        const s = at(3);
        const hybrid = copy(s.nodes.items[0]);
        hybrid.metadata = { name: "mi-0123456789abcdef0", labels: { "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", "eks.amazonaws.com/compute-type": "hybrid" } };
        s.nodes.items.push(hybrid);
        const [moved] = onPool(s, "cilium");
        moved.spec = { ...moved.spec, nodeName: "mi-0123456789abcdef0" };
        probe(s, goldpingerPods(s).map(name), [HTTPS], (pod) => (pod === name(moved) ? "dial tcp: i/o timeout" : undefined));
        const v = connectivity(s, ctx);
        assert.ok(v.findings.includes("connectivity: answering pods: 5 on legacy nodes, 2 on cni=cilium nodes"), v.findings.join("\n"));
        assert.strictEqual(v.reason, `egress from ${name(moved)} (${s.goldpinger.responses?.[name(moved)].PodIP}, node mi-0123456789abcdef0) to ${HTTPS} failed: dial tcp: i/o timeout`);
    });
});
