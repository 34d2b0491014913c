/**
 * Phase 5's drain, forecast node by node in the order the drain step takes them (kubectl lists nodes by name,
 * `drain.batchSize` at a time): the pods it will evict, those that will stop it and why, and the one-replica
 * workloads that will be briefly down.
 */
import { BLOCKERS, singleReplicaWorkloads } from "./drainChecks";
import { PREFLIGHT_CHECKS } from "./catalog";
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
}

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
    const nodes = order.map((node, i): NodeForecast => {
        const pods = byNode.get(node) ?? [];
        const blocked = pods.map((p) => ({ pod: qualified(p), reasons: reasons.map(([, why]) => why(ctx, p)).filter((r): r is string => r !== undefined) }))
            .filter((b) => b.reasons.length > 0);
        const stuck = new Set(blocked.map((b) => b.pod));
        const singles = missing(["deployments", "statefulsets"]).length === 0 ? singleReplicaWorkloads(ctx, pods) : [];
        return { node, batch: Math.floor(i / batchSize) + 1, evicted: pods.map(qualified).filter((p) => !stuck.has(p)), blocked, singleReplica: singles };
    });
    return {
        phase: 5, batchSize, nodes,
        evictions: nodes.reduce((n, f) => n + f.evicted.length + f.blocked.length, 0),
        blockedPods: nodes.reduce((n, f) => n + f.blocked.length, 0),
        notChecked,
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
    return lines;
}
