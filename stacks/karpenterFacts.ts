/**
 * What the migration knows of an existing cluster's Karpenter NodePools, from what the cluster says of them
 * (clusterReader/karpenter.ts) and what the stack recorded, checked against the stack config (design.md, "Karpenter
 * NodePools"). Pure. Every reason a NodePool cannot be migrated as configured is reported at once, before anything is
 * declared: a named NodePool the cluster does not have, a twin name taken, a static (`spec.replicas`) legacy pool.
 */
import type { KarpenterObjects } from "../clusterReader/karpenter";
import { KARPENTER_NODEPOOL_LABEL } from "../migration/nodeRule";
import { NodePoolObject, ORIGINALS_ANNOTATION, TWIN_OF_LABEL } from "../migration/karpenter";
import * as phases from "../migration/phases";
import { headroomSize } from "../components/karpenter/headroom";
import { Originals, weightRunProblem } from "../components/karpenter/nodePoolSpecs";
import { MigrationConfig } from "./configTypes";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;


/** A legacy NodePool's behavioural fields before the migration changed them (restored on the way back). */
export type NodePoolOriginals = Originals;

export interface LegacyNodePool {
    name: string;
    /** The NodePool as the cluster has it now; undefined once it was deleted (phase 8 and after). */
    found?: NodePoolObject;
    original: NodePoolOriginals;
    /** Its NodeClaims (by the `karpenter.sh/nodepool` label Karpenter writes), by name. */
    nodeClaims: string[];
    /** What its nodes can hold (the NodeClaims' `status.allocatable`): the headroom's size. */
    allocatable: { cpuMillis: number; memoryBytes: number; nodes: number };
}

export interface KarpenterFacts {
    legacy: LegacyNodePool[];
    /** The twins that exist now, by legacy pool name: their template is kept as it is (never re-templated). */
    liveTwins: Record<string, NodePoolObject>;
    /** Each twin's NodeClaims, by legacy pool name (rollback 3→2 deletes them). */
    twinNodeClaims: Record<string, string[]>;
    notes: string[];
}

export const NO_KARPENTER: KarpenterFacts = { legacy: [], liveTwins: {}, twinNodeClaims: {}, notes: [] };

/** `1500m` → 1500, `2` → 2000 (CPU quantities in millicores). */
export function cpuMillis(q: string | number | undefined): number {
    if (q === undefined) return 0;
    const s = String(q);
    return s.endsWith("m") ? Number(s.slice(0, -1)) : Math.round(Number(s) * 1000);
}

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const DECIMAL: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** A memory quantity in bytes (`14162Mi`, `16G`, `1073741824`). */
export function memoryBytes(q: string | number | undefined): number {
    if (q === undefined) return 0;
    const m = /^([0-9.]+)([KMGT]i|[kMGT])?$/.exec(String(q));
    if (!m) return 0;
    const unit = m[2] ? BINARY[m[2]] ?? DECIMAL[m[2]] : 1;
    return Math.round(Number(m[1]) * unit);
}

/** The longest label value Kubernetes accepts (the twin carries the legacy pool's name in one). */
const LABEL_VALUE_MAX = 63;
/** A NodePool's name (a DNS-1123 subdomain) that is also a label value: lowercase, no '_'. */
const TWIN_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

const poolOfClaim = (c: Obj): string | undefined => c.metadata?.labels?.[KARPENTER_NODEPOOL_LABEL];
const isTwin = (np: Obj): boolean => np.metadata?.labels?.[TWIN_OF_LABEL] !== undefined;

/** The originals: as recorded in the stack's outputs, else as the program's own annotation keeps them, else as found. */
export function originalsOf(found: NodePoolObject | undefined, recorded: NodePoolOriginals | undefined): NodePoolOriginals {
    if (recorded) return recorded;
    const annotated = found?.metadata.annotations?.[ORIGINALS_ANNOTATION];
    if (annotated) return JSON.parse(annotated) as NodePoolOriginals;
    const spec = found?.spec;
    return {
        ...(spec?.limits ? { limits: Object.fromEntries(Object.entries(spec.limits).map(([k, v]) => [k, String(v)])) } : {}),
        ...(spec?.disruption?.budgets ? { budgets: spec.disruption.budgets } : {}),
        ...(spec?.weight !== undefined ? { weight: spec.weight } : {}),
    };
}

/**
 * Why the headroom cannot be held on the twin, if it cannot: its requests (all replicas) exceed the twin's limits (the
 * legacy pool's own). Karpenter launches nothing past a NodePool's limits, so the rest would stay Pending and the twin
 * would hold less than `karpenter.headroom` says. Refused rather than capped: the operator chose the share, and a
 * quietly smaller headroom is what the drain would then find.
 */
export function headroomOverLimits(name: string, twin: string, allocatable: LegacyNodePool["allocatable"], share: number,
    limits: Record<string, string> | undefined): string | undefined {
    const size = headroomSize(allocatable, share);
    if (!size || !limits) return undefined;
    const over = [
        { key: "cpu", asked: size.replicas * cpuMillis(size.cpu), limit: limits.cpu === undefined ? undefined : cpuMillis(limits.cpu), show: (n: number) => `${n}m` },
        { key: "memory", asked: size.replicas * memoryBytes(size.memory), limit: limits.memory === undefined ? undefined : memoryBytes(limits.memory), show: (n: number) => `${Math.ceil(n / 2 ** 20)}Mi` },
    ].filter((r) => r.limit !== undefined && r.asked > r.limit);
    if (over.length === 0) return undefined;
    const what = over.map((r) => `${r.key} ${r.show(r.asked)} > limit ${limits[r.key]}`).join(", ");
    return `\`karpenter.headroom\` is ${share}: NodePool ${name}'s headroom (${size.replicas} pods of ${size.cpu} CPU, ${size.memory}) asks its twin ${twin} ` +
        `for ${what} (the twin takes ${name}'s limits), and Karpenter launches nothing past a NodePool's limits; lower \`karpenter.headroom\` ` +
        `or raise ${name}'s limits.`;
}

/** The NodePools to migrate: `existingCluster.nodePools`, or every NodePool but the twins (recorded ones kept once gone). */
function selected(objects: KarpenterObjects, config: MigrationConfig, recorded: string[]): string[] {
    const listed = config.existingCluster?.nodePools;
    if (listed) return listed;
    const present = (objects.nodePools ?? []).filter((np) => !isTwin(np)).map((np) => String(np.metadata.name));
    return [...new Set([...present, ...recorded])].sort();
}

/** The facts, with every problem listed (`problems`) rather than thrown: the caller reports them with the rest. */
export function karpenterFacts(objects: KarpenterObjects, config: MigrationConfig, clusterName: string,
    recorded: Record<string, NodePoolOriginals> = {}): { facts: KarpenterFacts; problems: string[] } {
    const problems: string[] = [];
    const notes: string[] = [];
    const pools = new Map((objects.nodePools ?? []).map((np) => [String(np.metadata.name), np as NodePoolObject]));
    const claims = objects.nodeClaims ?? [];
    const suffix = config.twins.nameSuffix;
    const names = selected(objects, config, Object.keys(recorded));
    const gone = phases.legacyPoolDeleted(config.phase);
    const legacy: LegacyNodePool[] = [];
    const liveTwins: Record<string, NodePoolObject> = {};
    const twinNodeClaims: Record<string, string[]> = {};
    for (const name of names) {
        const found = pools.get(name);
        if (!found && !(gone && recorded[name])) {
            problems.push(`\`existingCluster.nodePools\` names NodePool ${name}, which cluster ${clusterName} does not have ` +
                `(it has: ${[...pools.keys()].join(", ") || "no NodePool"}); check the name (kubectl get nodepools).`);
            continue;
        }
        if (found && isTwin(found)) {
            problems.push(`NodePool ${name} is a twin this program made (label ${TWIN_OF_LABEL}=${found.metadata.labels?.[TWIN_OF_LABEL]}); it cannot be a legacy pool.`);
            continue;
        }
        if (name.length > LABEL_VALUE_MAX) {
            problems.push(`NodePool ${name}'s name has ${name.length} characters: its twin is marked with the label ${TWIN_OF_LABEL}=<name>, ` +
                `and a label value holds at most ${LABEL_VALUE_MAX}; rename the NodePool, or leave it out of \`existingCluster.nodePools\`.`);
            continue;
        }
        if (found?.spec.replicas !== undefined) {
            problems.push(`NodePool ${name} has \`spec.replicas: ${found.spec.replicas}\` (static capacity): Karpenter forbids removing \`replicas\` and ` +
                "static pools take no `weight`, so it can be neither stopped nor out-weighed by a twin; move its workloads to a dynamic NodePool " +
                `and leave ${name} out of \`existingCluster.nodePools\` (preflight: karpenter-static-capacity).`);
            continue;
        }
        const twinName = `${name}${suffix}`;
        if (twinName.length > LABEL_VALUE_MAX || !TWIN_NAME.test(twinName)) {
            problems.push(`the twin of NodePool ${name} would be named ${twinName} (\`ciliumNodeGroup.nameSuffix\` ${JSON.stringify(suffix)}): Karpenter labels ` +
                `its nodes ${KARPENTER_NODEPOOL_LABEL}=<twin>, so it must be a lowercase name of at most ${LABEL_VALUE_MAX} characters (a-z, 0-9, '-' and '.', ` +
                "starting and ending with a letter or digit); use a shorter or lowercase suffix, or rename the NodePool.");
            continue;
        }
        const twin = pools.get(twinName);
        if (twin && twin.metadata.labels?.[TWIN_OF_LABEL] !== name) {
            problems.push(`the twin of NodePool ${name} would be named ${twinName}, but cluster ${clusterName} has a NodePool of that name that is not ` +
                `its twin (no label ${TWIN_OF_LABEL}=${name}); rename it, or choose another \`ciliumNodeGroup.nameSuffix\`.`);
            continue;
        }
        if (twin) {
            liveTwins[name] = twin;
            twinNodeClaims[name] = claims.filter((c) => poolOfClaim(c) === twinName).map((c) => String(c.metadata.name)).sort();
        }
        const own = claims.filter((c) => poolOfClaim(c) === name);
        const original = originalsOf(found, recorded[name]);
        const allocatable = {
            cpuMillis: own.reduce((sum, c) => sum + cpuMillis(c.status?.allocatable?.cpu), 0),
            memoryBytes: own.reduce((sum, c) => sum + memoryBytes(c.status?.allocatable?.memory), 0),
            nodes: own.length,
        };
        const overLimits = headroomOverLimits(name, twinName, allocatable, config.karpenter.headroom, original.limits);
        if (overLimits) {
            problems.push(overLimits);
            continue;
        }
        legacy.push({ name, ...(found ? { found } : {}), original, nodeClaims: own.map((c) => String(c.metadata.name)).sort(), allocatable });
    }
    const weights = weightRunProblem(legacy);
    if (weights) problems.push(weights);
    if (legacy.length > 0 && objects.nodeClaims === undefined) {
        notes.push("the cluster snapshot has no nodeclaims.json: the legacy NodePools' nodes are not known, so no headroom is sized and no NodeClaim is listed.");
    }
    return { facts: { legacy, liveTwins, twinNodeClaims, notes }, problems };
}
