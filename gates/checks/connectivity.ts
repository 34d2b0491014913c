/**
 * connectivity: goldpinger's `/check_all`. goldpinger never fills the top-level OK, and `/cluster_health` only
 * checks that every pod answered, so this check requires, itself: every running goldpinger pod answered, every
 * ping it made succeeded, each pod pinged as many peers as goldpinger sees, and — while both pools have nodes —
 * answering pods on both pools, so old↔new traffic was really exercised.
 *
 * goldpinger's peers are the pods with its label and `status.phase=Running` (its pod list uses that field selector,
 * bloomberg/goldpinger pkg/goldpinger/k8s.go `GetAllPods`), which includes pods being deleted. So the peer count is
 * taken the same way; a terminating pod need not answer, and what it reports or what fails towards it is shown but
 * is not a failure: during a rollout (phase 4 restarts the Deployment) it is on its way out.
 *
 * Egress: with external targets (`goldpinger.egressTargets`, goldpinger's HTTP_TARGETS / TCP_TARGETS), every answering
 * pod's probes of every target must succeed, and — while both pools have nodes — pods on both pools must have probed.
 * After `snat-mode-change`'s remedy turns masquerading on, pods on a secondary ENI or a secondary-CIDR subnet may send
 * egress by the wrong ENI and have it dropped (cilium/cilium#45137, #18179): this makes the next gate fail on it.
 * Without targets the check says egress was not checked.
 */
import { ClusterSnapshot, GoldpingerCheckAll, GoldpingerPodResult, List, Node, Pod } from "../../clusterReader/k8sTypes";
import { isPodRunning, legacyNodes, nameOf, nodesMatching, plural, podsWithLabel } from "../../clusterReader/objects";
import { GateContext, isLegacy, legacyNoun, matches } from "../../clusterReader/selectors";
import { Findings, Verdict } from "../verdict";
import { GOLDPINGER_POD_LABEL } from "../../migration/names";

export function connectivity(snapshot: Required<Pick<ClusterSnapshot, "nodes" | "pods" | "goldpinger">>, ctx: GateContext): Verdict {
    const f = new Findings("connectivity");
    // What goldpinger itself pings: its pods in phase Running, terminating ones included.
    const peersSeen = podsWithLabel(snapshot.pods, ...GOLDPINGER_POD_LABEL).filter((p) => p.status?.phase === "Running");
    const pods = peersSeen.filter(isPodRunning);
    const terminating = new Set(peersSeen.filter((p) => !isPodRunning(p)).map(nameOf));
    const body: GoldpingerCheckAll = snapshot.goldpinger;
    const responses = body.responses ?? {};
    if (pods.length === 0) {
        f.problem("no running goldpinger pod: nothing proves connectivity");
        return f.verdict("");
    }

    const answered = pods.filter((p) => responses[nameOf(p)] !== undefined);
    f.progress = `${answered.length}/${pods.length} goldpinger pods answered`;
    for (const pod of pods) {
        if (!responses[nameOf(pod)]) f.problem(`goldpinger pod ${nameOf(pod)} on node ${pod.spec?.nodeName ?? "?"} did not answer /check_all`);
    }
    f.ok(`${answered.length}/${pods.length} running goldpinger pods answered`);
    if (terminating.size > 0) f.ok(`${plural(terminating.size, "terminating goldpinger pod")} ignored: ${[...terminating].join(", ")}`);

    let pings = 0;
    let okPings = 0;
    let ignored = 0;
    for (const [podName, result] of Object.entries(responses)) {
        const fromTerminating = terminating.has(podName);
        if (!result.OK && !fromTerminating) f.problem(`goldpinger pod ${podName} (${result.PodIP ?? "?"}) could not run its checks: ${result.error ?? "not OK"}`);
        const peers = Object.entries(result.response?.podResults ?? {});
        if (result.OK && !fromTerminating && peers.length !== peersSeen.length) {
            f.problem(`goldpinger pod ${podName} pinged ${plural(peers.length, "peer")}, but ${plural(peersSeen.length, "goldpinger pod")} are running`);
        }
        for (const [peer, ping] of peers) {
            pings++;
            if (ping.OK) okPings++;
            else if (fromTerminating || terminating.has(peer)) ignored++;
            else f.problem(`ping from ${podName} (${result.PodIP ?? "?"}) to ${peer} (${ping.PodIP ?? "?"}) failed: ${ping.error ?? `status ${ping["status-code"] ?? "?"}`}`);
        }
    }
    f.ok(`${okPings}/${pings} pings OK${ignored > 0 ? ` (${ignored} failed to or from terminating pods, ignored)` : ""}`);
    const pools = crossPool(f, snapshot.nodes, answered, ctx);
    // `answered` holds running pods only: a terminating pod is never asked for egress.
    egress(f, answered, responses, pools, ctx);
    return f.verdict(`${pods.length} goldpinger pods, ${pings} pings, all OK`);
}

/** Each answering pod's probes of goldpinger's external targets; while both pools have nodes, from pods on both. */
function egress(f: Findings, answered: Pod[], responses: Record<string, GoldpingerPodResult>, pools: Pools, ctx: GateContext): void {
    const probing = answered.filter((p) => Object.keys(responses[nameOf(p)]?.response?.probeResults ?? {}).length > 0);
    if (probing.length === 0) {
        f.ok("egress was not checked: goldpinger has no external targets (set `goldpinger.egressTargets` to prove egress from both pools)");
        return;
    }
    const targets = [...new Set(probing.flatMap((p) => Object.keys(responses[nameOf(p)]?.response?.probeResults ?? {})))].sort();
    let probes = 0;
    for (const pod of answered) {
        const results = responses[nameOf(pod)]?.response?.probeResults ?? {};
        const where = `${nameOf(pod)} (${responses[nameOf(pod)]?.PodIP ?? "?"}, node ${pod.spec?.nodeName ?? "?"}${pools.poolOf.get(pod.spec?.nodeName ?? "") === "legacy" ? `, ${legacyNoun(ctx)}` : pools.poolOf.get(pod.spec?.nodeName ?? "") === "cilium" ? `, ${ctx.cilium.text}` : ""})`;
        for (const target of targets) {
            const tries = results[target] ?? [];
            if (tries.length === 0) f.problem(`egress from ${where} to ${target} was not probed`);
            for (const t of tries) {
                probes++;
                if (t.error) f.problem(`egress from ${where} to ${target} failed: ${t.error}`);
            }
        }
    }
    const on = (pool: "legacy" | "cilium") => probing.filter((p) => pools.poolOf.get(p.spec?.nodeName ?? "") === pool).length;
    f.ok(`egress: ${plural(probes, "probe")} of ${targets.join(", ")} from ${on("legacy")} pod(s) on ${legacyNoun(ctx)}s and ${on("cilium")} on ${ctx.cilium.text} nodes`);
    if (pools.both && (on("legacy") === 0 || on("cilium") === 0)) {
        f.problem(`both pools have nodes but no goldpinger pod on ${on("legacy") === 0 ? `${legacyNoun(ctx)}s` : `${ctx.cilium.text} nodes`} probed egress: egress from that pool is untested`);
    }
}

interface Pools { poolOf: Map<string, "legacy" | "cilium">; both: boolean }

/** While both pools have nodes, pods on both must have answered: otherwise old↔new traffic went untested. */
function crossPool(f: Findings, nodes: List<Node>, answered: Pod[], ctx: GateContext): Pools {
    const poolOf = new Map<string, "legacy" | "cilium">();
    for (const node of nodes.items) {
        const labels = node.metadata?.labels;
        if (matches(ctx.cilium, labels)) poolOf.set(nameOf(node), "cilium");
        else if (isLegacy(ctx, labels)) poolOf.set(nameOf(node), "legacy");
    }
    const bothPools = legacyNodes(nodes, ctx).length > 0 && nodesMatching(nodes, ctx.cilium).length > 0;
    const onLegacy = answered.filter((p) => poolOf.get(p.spec?.nodeName ?? "") === "legacy").length;
    const onCilium = answered.filter((p) => poolOf.get(p.spec?.nodeName ?? "") === "cilium").length;
    f.ok(`answering pods: ${onLegacy} on ${legacyNoun(ctx)}s, ${onCilium} on ${ctx.cilium.text} nodes`);
    if (bothPools && (onLegacy === 0 || onCilium === 0)) {
        f.problem(`both pools have nodes but goldpinger answered from ${onLegacy === 0 ? "no " + legacyNoun(ctx) : "no " + ctx.cilium.text + " node"}: traffic between the pools is untested`);
    }
    return { poolOf, both: bothPools };
}
