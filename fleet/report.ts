/**
 * The fleet report (design.md, "Fleet readiness"): one row per cluster snapshot — what preflight finds there (the same
 * run as `npm run preflight` on that cluster alone), what the planner would refuse (stacks/existingFacts.ts), the
 * drain forecast and its duration — and the waves: the canary, then the `ready` clusters by ascending risk. Pure: the
 * snapshots and stack files are read by cli.ts.
 */
import { karpenterFacts } from "../stacks/karpenterFacts";
import { legacyNodePools } from "../preflight/karpenterChecks";
import { ConfigError } from "../stacks/config";
import { MigrationConfig } from "../stacks/configTypes";
import { ADDONS, AddonKey, LookedUp, existingClusterFacts } from "../stacks/existingFacts";
import { addonResult, clusterResult, nodeGroupResult } from "../stacks/awsResults";
import { preflightOptionsOf } from "../stacks/preflightConfig";
import { parseConfig } from "../stacks/config";
import { EKS_NODEGROUP_LABEL } from "../migration/names";
import { NOT_CHECKED } from "../preflight/catalog";
import { labelsOf, itemsOf, nameOf, podsOnLegacy } from "../preflight/objects";
import { PreflightReport, preflightContext, runPreflight } from "../preflight/run";
import { InputPart, PreflightInput } from "../preflight/types";

export type Verdict = "ready" | "blocked" | "not-supported" | "unreadable";

/** The three figures clusters are ordered by, smallest first: stalls, single-replica workloads, pods on legacy nodes. */
export type Risk = [stalls: number, singleReplica: number, legacyPods: number];

export interface FleetRow {
    name: string;
    snapshot: string;
    configFile: string | null;
    kubernetesVersion: string | null;
    /** The pools to migrate, by kind (ASGs: none until that kind lands). */
    pools: { managedNodeGroups: string[]; nodePools: string[]; asgs: string[] };
    legacy: { nodes: number; pods: number };
    /** Finding ids as preflight reports them: blockers not accepted, accepted ones, warnings. */
    blockers: string[];
    acceptedBlockers: string[];
    warnings: string[];
    /** Files whose checks did not run (preflight's `not-checked`). */
    notChecked: string[];
    forecast: { evictions: number; stalls: number; singleReplica: number } | null;
    /** Phase 5's duration, seconds (preflight/duration.ts); `stopsAtBatch` until the stalls are fixed. */
    duration: { lowSeconds: number; highSeconds: number; stopsAtBatch: number | null } | null;
    risk: Risk | null;
    verdict: Verdict;
    reason: string;
}

export interface FleetReport {
    clusters: FleetRow[];
    waves: string[][];
}

/** The files without which a directory is no cluster snapshot for this report. */
export const REQUIRED_PARTS: InputPart[] = ["cluster", "nodegroups", "nodes", "pods"];

const emptyRow = (snapshot: string, name: string): Omit<FleetRow, "verdict" | "reason"> => ({
    name, snapshot, configFile: null, kubernetesVersion: null, pools: { managedNodeGroups: [], nodePools: [], asgs: [] },
    legacy: { nodes: 0, pods: 0 }, blockers: [], acceptedBlockers: [], warnings: [], notChecked: [], forecast: null, duration: null, risk: null,
});

export function unreadableRow(snapshot: string, name: string, reason: string): FleetRow {
    return { ...emptyRow(snapshot, name), verdict: "unreadable", reason };
}

/** What the program assumes of an existing cluster when no stack file names it: every default, at phase 0. */
export function defaultConfigFor(clusterName: string): MigrationConfig {
    return parseConfig({ phase: "0", existingCluster: JSON.stringify({ name: clusterName }) });
}

/** The planner's look-ups, answered from the snapshot's AWS files (the same translations it uses). */
export function lookedUpFrom(input: PreflightInput): LookedUp {
    const cluster = clusterResult(input.cluster ?? {});
    const addons: LookedUp["addons"] = {};
    for (const [key, name] of Object.entries(ADDONS) as [AddonKey, string][]) {
        const found = (input.addons ?? []).find((a) => a.addonName === name);
        if (found) addons[key] = addonResult(found, cluster.name);
    }
    // Node auto repair is not in getNodeGroup's answer: describe-nodegroup's own, as the program reads it (stacks/existingLookups.ts).
    const nodeRepairConfigs = Object.fromEntries((input.nodegroups ?? []).filter((g) => g.nodeRepairConfig !== undefined && g.nodeRepairConfig !== null).map((g) => [g.nodegroupName, g.nodeRepairConfig]));
    return { cluster, nodeGroups: (input.nodegroups ?? []).map(nodeGroupResult), nodeRepairConfigs, addons, principalsWithEntry: [] };
}

/** Why the planner refuses this cluster as configured, or undefined when it does not (its Karpenter NodePools included). */
export function plannerRefusal(input: PreflightInput, config: MigrationConfig): string | undefined {
    try {
        const karpenter = karpenterFacts({ nodePools: input.nodepools?.items, nodeClaims: input.nodeclaims?.items, ec2NodeClasses: input.ec2nodeclasses?.items },
            config, String(input.cluster?.name));
        if (config.existingCluster?.nodePools && !input.nodepools) return "nodepools.json is missing: the stack names NodePools (`existingCluster.nodePools`).";
        if (karpenter.problems.length > 0) return karpenter.problems.join(" ");
        existingClusterFacts({ ...lookedUpFrom(input), otherPools: karpenter.facts.legacy.map((p) => p.name) }, config);
        return undefined;
    } catch (err) {
        if (err instanceof ConfigError) return err.problems.join(" ");
        throw err;
    }
}

const unique = <T>(xs: T[]): T[] => [...new Set(xs)];

/** One readable cluster's row: preflight run as `npm run preflight` runs it, the planner's refusal, the forecast. */
export function clusterRow(snapshot: string, input: PreflightInput, config: MigrationConfig, configFile: string | null): FleetRow {
    const options = preflightOptionsOf(config);
    const report: PreflightReport = runPreflight(input, options);
    const ctx = preflightContext(input, options);
    const legacyPods = podsOnLegacy(ctx).length;
    const f = report.forecast;
    const singleReplica = unique(f.nodes.flatMap((n) => n.singleReplica)).length;
    const risk: Risk = [f.duration.stalls, singleReplica, legacyPods];
    const ids = (pick: (x: PreflightReport["findings"][number]) => boolean) => unique(report.findings.filter(pick).map((x) => x.id));
    const blockers = ids((x) => x.severity === "blocker" && !x.accepted);
    const notChecked = unique(report.findings.filter((x) => x.id === NOT_CHECKED).flatMap((x) => x.objects));
    const row: Omit<FleetRow, "verdict" | "reason"> = {
        ...emptyRow(snapshot, String(input.cluster?.name)),
        configFile,
        kubernetesVersion: input.cluster?.version ?? null,
        pools: {
            managedNodeGroups: unique(itemsOf(input.nodes).filter((n) => ctx.legacyNodes.has(nameOf(n))).map((n) => labelsOf(n)[EKS_NODEGROUP_LABEL])
                .filter((g): g is string => typeof g === "string")).sort(),
            nodePools: legacyNodePools(ctx).map(nameOf).sort(), asgs: [],
        },
        legacy: { nodes: ctx.legacyNodes.size, pods: legacyPods },
        blockers,
        acceptedBlockers: ids((x) => x.severity === "blocker" && Boolean(x.accepted)),
        warnings: ids((x) => x.severity === "warning"),
        notChecked,
        forecast: { evictions: f.evictions, stalls: f.duration.stalls, singleReplica },
        duration: { lowSeconds: f.duration.lowSeconds, highSeconds: f.duration.highSeconds, stopsAtBatch: f.duration.stopsAtBatch },
        risk,
    };
    const refusal = plannerRefusal(input, config);
    if (refusal) return { ...row, verdict: "not-supported", reason: refusal };
    if (blockers.length > 0) return { ...row, verdict: "blocked", reason: `blocker(s) not accepted in preflight.accept: ${blockers.join(", ")}` };
    const notes = [
        row.acceptedBlockers.length ? `accepted: ${row.acceptedBlockers.join(", ")}` : "",
        notChecked.length ? `incomplete: checks not run for want of ${notChecked.join(", ")}` : "",
    ].filter(Boolean);
    return { ...row, verdict: "ready", reason: `no blocker left${notes.length ? ` (${notes.join("; ")})` : ""}` };
}

/** Ascending risk: stalls, then single-replica workloads, then pods on legacy nodes; the name breaks ties. */
export function byRisk(a: FleetRow, b: FleetRow): number {
    const [x, y] = [a.risk ?? [Infinity, Infinity, Infinity], b.risk ?? [Infinity, Infinity, Infinity]];
    for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * The `ready` clusters by ascending risk: the least risky alone (the canary), then at most `waveSize` at a time. A
 * snapshot missing files preflight needed measures its risk low (stalls and single replicas it could not see count
 * zero): such clusters come after every complete one, so the canary is never a cluster nobody could judge whole.
 */
export function wavesOf(rows: FleetRow[], waveSize: number): string[][] {
    const incomplete = (r: FleetRow) => ((r.notChecked ?? []).length > 0 ? 1 : 0);
    const ready = rows.filter((r) => r.verdict === "ready").sort((a, b) => incomplete(a) - incomplete(b) || byRisk(a, b)).map((r) => r.name);
    if (ready.length === 0) return [];
    const waves = [[ready[0]]];
    for (let i = 1; i < ready.length; i += waveSize) waves.push(ready.slice(i, i + waveSize));
    return waves;
}

const VERDICT_ORDER: Verdict[] = ["ready", "blocked", "not-supported", "unreadable"];

/** The report: rows in migration order (the waves' clusters first, then by verdict and name), and the waves. */
export function fleetReport(rows: FleetRow[], waveSize: number): FleetReport {
    const waves = wavesOf(rows, waveSize);
    const position = new Map(waves.flat().map((name, i) => [name, i]));
    const clusters = [...rows].sort((a, b) => VERDICT_ORDER.indexOf(a.verdict) - VERDICT_ORDER.indexOf(b.verdict) ||
        (position.get(a.name) ?? 0) - (position.get(b.name) ?? 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { clusters, waves };
}
