/**
 * Phase 5's drain, forecast node by node in the order the drain step takes them (kubectl lists nodes by name,
 * `drain.batchSize` at a time): the pods it will evict, those that will stop it and why, the one-replica
 * workloads that will be briefly down, and how long it takes (duration.ts).
 */
import { BLOCKERS, singleReplicaWorkloads } from "./drainChecks";
import { PREFLIGHT_CHECKS } from "./catalog";
import { DurationEstimate, durationSummary, humanDuration, phase5Duration } from "./duration";
import { evictable, itemsOf, nameOf, qualified } from "./objects";
import { InputPart, Obj, PreflightContext } from "./types";

export interface NodeForecast {
    node: string;
    batch: number;
    /** Pods the drain evicts and that will move. */
    evicted: string[];
    /** Pods that will stop or hurt the drain, with every reason. */
    blocked: { pod: string; reasons: string[] }[];
    singleReplica: string[];
}

export interface DrainForecast {
    phase: 5;
    batchSize: number;
    nodes: NodeForecast[];
    /** Evictions the drain makes at the least: one per pod it evicts (a PodDisruptionBudget makes it retry). */
    evictions: number;
    blockedPods: number;
    /** Reasons not looked for, with the files they need. */
    notChecked: string[];
    /** How long the drain takes, as a range (duration.ts). */
    duration: DurationEstimate;
}

/** The reasons that stop the drain rather than hurt a workload: kubectl drain retries the first until its timeout, refuses the others. */
export const STALL_REASONS = ["pdb-blocks-drain", "unmanaged-pod", "emptydir-data"] as const;

export function drainForecast(ctx: PreflightContext, missing: (needs: InputPart[]) => InputPart[]): DrainForecast {
    const batchSize = Math.max(1, ctx.options.drain.batchSize);
    const reasons = Object.entries(BLOCKERS).filter(([id]) => missing(needsOf(id)).length === 0);
    const notChecked = Object.keys(BLOCKERS).filter((id) => missing(needsOf(id)).length > 0)
        .map((id) => `${id} (needs ${missing(needsOf(id)).join(", ")})`);
    const byNode = new Map<string, Obj[]>();
    for (const pod of itemsOf(ctx.input.pods)) {
        const node = pod.spec?.nodeName;
        if (ctx.legacyNodes.has(node) && evictable(pod)) byNode.set(node, [...(byNode.get(node) ?? []), pod]);
    }
    const order = itemsOf(ctx.input.nodes).map(nameOf).filter((n) => ctx.legacyNodes.has(n)).sort();
    const stalls = (id: string) => (STALL_REASONS as readonly string[]).includes(id);
    const drained = order.map((node, i) => {
        const pods = byNode.get(node) ?? [];
        const hits = pods.map((p) => ({ p, hits: reasons.map(([id, why]) => ({ id, why: why(ctx, p) })).filter((h): h is { id: string; why: string } => h.why !== undefined) }))
            .filter((h) => h.hits.length > 0);
        const blocked = hits.map((h) => ({ pod: qualified(h.p), reasons: h.hits.map((x) => x.why) }));
        const stuck = new Set(blocked.map((b) => b.pod));
        const singles = missing(["deployments", "statefulsets"]).length === 0 ? singleReplicaWorkloads(ctx, pods) : [];
        const stalled = new Set(hits.filter((h) => h.hits.some((x) => stalls(x.id))).map((h) => h.p));
        const forecast: NodeForecast = { node, batch: Math.floor(i / batchSize) + 1, evicted: pods.map(qualified).filter((p) => !stuck.has(p)), blocked, singleReplica: singles };
        return { forecast, pods: { batch: forecast.batch, pods, stalled } };
    });
    const nodes = drained.map((d) => d.forecast);
    return {
        phase: 5, batchSize, nodes,
        evictions: nodes.reduce((n, f) => n + f.evicted.length + f.blocked.length, 0),
        blockedPods: nodes.reduce((n, f) => n + f.blocked.length, 0),
        notChecked,
        duration: phase5Duration(ctx, drained.map((d) => d.pods)),
    };
}

const needsOf = (id: string): InputPart[] => PREFLIGHT_CHECKS.find((c) => c.id === id)?.needs ?? [];

/** The forecast as lines of text (the planner prints them under phase 5). */
export function forecastLines(f: DrainForecast): string[] {
    const lines = [`drain forecast: ${f.nodes.length} legacy node(s), ${f.batchSize} at a time; about ${f.evictions} eviction(s), ${f.blockedPods} pod(s) that will stop or hurt it`];
    for (const n of f.nodes) {
        lines.push(`  batch ${n.batch}, ${n.node}: ${n.evicted.length} pod(s) move${n.blocked.length ? `, ${n.blocked.length} blocked` : ""}` +
            `${n.singleReplica.length ? `, briefly down: ${n.singleReplica.join(", ")}` : ""}`);
        for (const b of n.blocked) lines.push(`    ${b.pod}: ${b.reasons.join("; ")}`);
    }
    if (f.notChecked.length) lines.push(`  not checked: ${f.notChecked.join(", ")}`);
    lines.push(`phase 5 duration: ${durationSummary(f.duration)} (model and constants: README, "How long phase 5 takes")`);
    for (const b of f.duration.batches) {
        lines.push(`  batch ${b.batch}: ${b.nodes} node(s), ${b.evictions} eviction(s)` +
            `${b.pdbWaits ? `, ${b.pdbWaits} wait for a PodDisruptionBudget` : ""}${b.pdbMayWait ? `, ${b.pdbMayWait} may wait for one` : ""}` +
            `${b.stalls ? `, ${b.stalls} stall(s)` : ""}: ${humanDuration(b.lowSeconds)} – ${humanDuration(b.highSeconds)}`);
    }
    return lines;
}
