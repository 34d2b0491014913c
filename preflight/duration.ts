/**
 * How long phase 5's drain takes, as a range: per batch, the evictions it makes, the pods that wait for a
 * PodDisruptionBudget, and the time to replace a node's capacity. The model (README, "How long phase 5 takes"):
 *
 * - the drain step runs one `kubectl drain` per batch of `drain.batchSize` nodes (components/clusterSteps/scripts.ts);
 *   kubectl cordons the batch, then drains its nodes one after another, evicting a node's pods all at once and
 *   waiting (1 s polls) until each is gone: a node takes about its slowest pod's termination;
 * - an eviction a budget refuses (429) is retried every 5 s: a pod whose budget is spent waits until a replacement
 *   is Ready — within a node, ⌈m / allowed⌉ − 1 rounds for m pods of one budget; across nodes (the previous node's
 *   replacement not Ready yet) in the high bound only;
 * - the Cilium twins were scaled to the legacy groups' sizes at phase 3, so capacity is normally there (low bound: no
 *   wait); the high bound adds one new node per batch (the autoscaler's reaction, EC2 launch, join, Cilium ready);
 * - a pod that stops the drain (a budget allowing no disruption: retried until `drain.timeout`; no controller, or
 *   emptyDir data while `drain.deleteEmptyDirData` is false: refused at once) is a stall: the range is the drain once
 *   the stalls are fixed, and the first batch with one is named.
 */
import { selects } from "./objects";
import { Obj, PreflightContext } from "./types";

/** Seconds, low and high; each one's grounds are in the README. */
export const DURATION_CONSTANTS = {
    /** kubectl's start, the node's pod list, the eviction calls. */
    perNode: { low: 2, high: 5 },
    /** From eviction to the pod gone: a prompt exit on SIGTERM, up to the default terminationGracePeriodSeconds (30). */
    podTermination: { low: 5, high: 30 },
    /** A replacement pod Ready on a Cilium node (scheduling, image pull, readiness), rounded up to kubectl's 5 s retries. */
    podReady: { low: 10, high: 120 },
    /** New capacity for a batch: none needed (twins sized at phase 3), or the autoscaler's scan (10 s) + EC2 launch to Ready (~100 s) + Cilium's agent. */
    nodeCapacity: { low: 0, high: 180 },
} as const;

export interface BatchDuration {
    batch: number;
    nodes: number;
    /** Evictions the batch makes (one per pod it evicts, stalls included). */
    evictions: number;
    /** Pods whose budget is spent by another eviction of the same node: they wait for a replacement. */
    pdbWaits: number;
    /** Pods whose budget an earlier node spent: they wait if that node's replacement is not Ready yet (high bound). */
    pdbMayWait: number;
    /** Pods that stop the drain: a budget allowing no disruption, no controller, emptyDir data kubectl refuses. */
    stalls: number;
    lowSeconds: number;
    highSeconds: number;
}

export interface DurationEstimate {
    lowSeconds: number;
    highSeconds: number;
    /** Pods that stop the drain until fixed; the range is the drain once they are. */
    stalls: number;
    /** The first batch with a stall: the drain step fails there (at once, or after `drain.timeout`). */
    stopsAtBatch: number | null;
    batches: BatchDuration[];
}

/** One legacy node as the forecast sees it: its evictable pods, and which of them stall the drain. */
export interface NodePods {
    batch: number;
    pods: Obj[];
    stalled: Set<Obj>;
}

/** The PodDisruptionBudget that paces a pod's eviction: one in its namespace selecting it that allows some disruption. */
function pacingBudget(ctx: PreflightContext, pod: Obj): Obj | undefined {
    return ctx.index.inNamespace("poddisruptionbudgets", pod.metadata?.namespace).find((b) =>
        (b.status?.disruptionsAllowed ?? 0) > 0 && selects(b.spec?.selector, pod.metadata?.labels ?? {}));
}

export function phase5Duration(ctx: PreflightContext, nodes: NodePods[]): DurationEstimate {
    const c = DURATION_CONSTANTS;
    const seen = new Set<Obj>();
    const batches = new Map<number, BatchDuration>();
    for (const n of nodes) {
        const b = batches.get(n.batch) ?? { batch: n.batch, nodes: 0, evictions: 0, pdbWaits: 0, pdbMayWait: 0, stalls: 0,
            lowSeconds: c.nodeCapacity.low, highSeconds: c.nodeCapacity.high };
        const byBudget = new Map<Obj, number>();
        for (const pod of n.pods.filter((p) => !n.stalled.has(p))) {
            const budget = pacingBudget(ctx, pod);
            if (budget) byBudget.set(budget, (byBudget.get(budget) ?? 0) + 1);
        }
        let rounds = 0;
        let waits = 0;
        let mayWait = 0;
        for (const [budget, m] of byBudget) {
            const allowed = budget.status.disruptionsAllowed as number;
            rounds = Math.max(rounds, Math.ceil(m / allowed) - 1);
            waits += Math.max(0, m - allowed);
            if (seen.has(budget)) mayWait += Math.min(m, allowed);
            seen.add(budget);
        }
        const evicting = n.pods.length > 0;
        b.nodes += 1;
        b.evictions += n.pods.length;
        b.pdbWaits += waits;
        b.pdbMayWait += mayWait;
        b.stalls += n.stalled.size;
        b.lowSeconds += c.perNode.low + (evicting ? c.podTermination.low : 0) + rounds * c.podReady.low;
        b.highSeconds += c.perNode.high + (evicting ? c.podTermination.high : 0) + (rounds + (mayWait > 0 ? 1 : 0)) * c.podReady.high;
        batches.set(n.batch, b);
    }
    const list = [...batches.values()].map((b) => b.evictions > 0 ? b : { ...b, highSeconds: b.highSeconds - c.nodeCapacity.high });
    const stalled = list.find((b) => b.stalls > 0);
    return {
        lowSeconds: list.reduce((s, b) => s + b.lowSeconds, 0),
        highSeconds: list.reduce((s, b) => s + b.highSeconds, 0),
        stalls: list.reduce((s, b) => s + b.stalls, 0),
        stopsAtBatch: stalled ? stalled.batch : null,
        batches: list,
    };
}

/** A duration for people: seconds under two minutes, else minutes, else hours and minutes. */
export function humanDuration(seconds: number): string {
    if (seconds < 120) return `${Math.round(seconds)} s`;
    const minutes = Math.round(seconds / 60);
    return minutes < 120 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** `about 3 min – 41 min`, and where the drain stops until its stalls are fixed. */
export function durationSummary(d: DurationEstimate): string {
    const range = `about ${humanDuration(d.lowSeconds)} – ${humanDuration(d.highSeconds)}`;
    return d.stopsAtBatch === null ? range
        : `${range} once its ${d.stalls} stall(s) are fixed; as it is, the drain step stops at batch ${d.stopsAtBatch}`;
}
