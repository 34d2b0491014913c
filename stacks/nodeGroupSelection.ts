/**
 * Which managed node groups an existing cluster's migration moves, and what each Cilium twin is derived from — at
 * any phase, against the cluster as it is *now*. Pure.
 *
 * The cluster changes under the migration: from phase 0 on the twins exist (they carry `<key>=<ciliumValue>`, so
 * they are never taken for legacy groups or for a name clash), and after phase 8 the legacy groups may be gone —
 * deleted by this stack (`deleteLegacyNodeGroups`) or by the tool that made them. A twin whose legacy group is gone is
 * derived from its own live description, so it is declared as it is, not lost.
 */
import { NodeLabels } from "../migration/names";
import { ManagedNodeGroupDescription, Scaling } from "../components/nodePools/nodeGroupDescription";

export interface NodeGroupSelection {
    /** The legacy groups being migrated that exist now. */
    legacy: ManagedNodeGroupDescription[];
    /** Per migrated group (by the legacy group's name): what its twin is derived from. */
    twinSources: ManagedNodeGroupDescription[];
    /** The twins that exist now, by legacy group name. */
    liveTwins: Record<string, ManagedNodeGroupDescription>;
    problems: string[];
    notes: string[];
}

export interface SelectionRules {
    clusterName: string;
    /** `existingCluster.nodeGroups`; unset: every Linux managed node group that is not a Cilium group. */
    listed?: string[];
    /** Groups this stack recorded as migrated (its own outputs), found again even once they are gone. */
    recorded: string[];
    labels: NodeLabels;
    nameSuffix: string;
    /** From phase 8 the legacy groups may be gone. */
    legacyMayBeGone: boolean;
    /** Legacy pools of other kinds (Karpenter NodePools): with them, a cluster without a managed group still has capacity to move. */
    otherPools?: string[];
}

export const isWindowsGroup = (g: ManagedNodeGroupDescription): boolean => (g.amiType ?? "").startsWith("WINDOWS");

/** A Cilium group (a twin, or one made for Cilium): labelled `<key>=<ciliumValue>`. */
export const isCiliumGroup = (g: ManagedNodeGroupDescription, labels: NodeLabels): boolean => g.labels[labels.key] === labels.ciliumValue;

const MAX_NODE_GROUP_NAME = 63;

export function selectNodeGroups(all: ManagedNodeGroupDescription[], rules: SelectionRules): NodeGroupSelection {
    const { labels, clusterName } = rules;
    const problems: string[] = [];
    const notes: string[] = [];
    const byName = new Map(all.map((g) => [g.name, g]));
    const candidates = all.filter((g) => !isWindowsGroup(g) && !isCiliumGroup(g, labels)).map((g) => g.name);
    const wanted = rules.listed ?? [...new Set([...candidates, ...rules.recorded])].sort();
    const legacy: ManagedNodeGroupDescription[] = [];
    const twinSources: ManagedNodeGroupDescription[] = [];
    const liveTwins: Record<string, ManagedNodeGroupDescription> = {};

    for (const name of wanted) {
        const group = byName.get(name);
        const twinName = `${name}${rules.nameSuffix}`;
        const twin = byName.get(twinName);
        if (twinName.length > MAX_NODE_GROUP_NAME) {
            problems.push(`the twin of node group ${name} would be named ${twinName}, over EKS's ${MAX_NODE_GROUP_NAME} characters; set a shorter \`ciliumNodeGroup.nameSuffix\`.`);
        }
        if (twin && !isCiliumGroup(twin, labels)) {
            problems.push(`the twin of node group ${name} would be named ${twinName}, which ${clusterName} has already (without the ` +
                `${labels.key}=${labels.ciliumValue} label, so not a twin this migration made); set \`ciliumNodeGroup.nameSuffix\`.`);
            continue;
        }
        if (twin) liveTwins[name] = twin;
        if (group && isCiliumGroup(group, labels)) {
            problems.push(`\`existingCluster.nodeGroups\` lists ${name}, which is a Cilium node group (${labels.key}=${labels.ciliumValue}), not one to migrate.`);
        } else if (group && isWindowsGroup(group)) {
            problems.push(`\`existingCluster.nodeGroups\` lists ${name}, which runs Windows (${group.amiType}): Cilium has no Windows agent; leave it out.`);
        } else if (group) {
            legacy.push(group);
            twinSources.push(group);
        } else if (rules.legacyMayBeGone && twin) {
            notes.push(`node group ${name} is no longer in ${clusterName}; its twin ${twinName} is declared as it is.`);
            twinSources.push({ ...twin, name });
        } else {
            problems.push(missingGroupProblem(name, all, rules, Boolean(twin) || rules.recorded.includes(name)));
        }
    }
    // Every node aws-node serves must move: its nodes are legacy ("Which CNI a node gets") and aws-node is gone at 6.
    for (const omitted of rules.listed ? candidates.filter((n) => !rules.listed?.includes(n)) : []) {
        problems.push(`\`existingCluster.nodeGroups\` leaves out ${JSON.stringify(omitted)}: its nodes run aws-node, which is removed at ` +
            "phase 6, and nothing would drain or retire them, so they would lose pod networking. List it, or delete that node group first.");
    }
    if (wanted.length === 0 && (rules.otherPools ?? []).length === 0) {
        problems.push(`cluster ${clusterName} has no Linux managed node group: nothing runs aws-node for this migration to move ` +
            "(Fargate pods keep Fargate's networking; a cluster whose only such nodes are self-managed Auto Scaling groups is not supported yet).");
    }
    return { legacy, twinSources, liveTwins, problems, notes };
}

function missingGroupProblem(name: string, all: ManagedNodeGroupDescription[], rules: SelectionRules, wasMigrated: boolean): string {
    const { labels, clusterName } = rules;
    if (wasMigrated) {
        return `node group ${name} is being migrated but is no longer in ${clusterName}. If it was deleted outside this stack, remove it from ` +
            "`existingCluster.nodeGroups` and from the stack's state (`pulumi state delete <its URN>`), then run the phase again.";
    }
    return `\`existingCluster.nodeGroups\` lists ${JSON.stringify(name)}, which is not a managed node group of ${clusterName} ` +
        `(its managed node groups: ${all.map((g) => g.name).join(", ") || "none"}). A self-managed node group (an Auto Scaling group whose ` +
        "nodes join the cluster themselves) is named in `existingCluster.autoScalingGroups` instead (README, \"Self-managed node groups\"); its " +
        `twin's nodes are born with ${labels.key}=${labels.ciliumValue} and the Cilium startup taint.`;
}

/**
 * Each migrated group's sizes before the migration scaled it, for its twin and for a rollback. Until phase 7 the
 * live sizes (the cluster autoscaler may have moved them); from phase 7, when the live ones read zero, what the
 * stack recorded, else the live ones if not zero yet, else the live twin's (sized like its group at phase 3). Never zero by accident: a twin sized from
 * a zeroed legacy group would take every Cilium node away.
 */
export function originalSizes(selection: NodeGroupSelection, opts: {
    legacyZeroed: boolean;
    recorded: Record<string, Scaling>;
    overrides: Record<string, Partial<Scaling>>;
}): { sizes: Record<string, Scaling>; problems: string[] } {
    const sizes: Record<string, Scaling> = {};
    const problems: string[] = [];
    for (const source of selection.twinSources) {
        const live = selection.legacy.find((g) => g.name === source.name)?.scaling;
        // A live group not at zero has not been scaled down yet: its sizes are still the original ones.
        const unscaled = live && (live.minSize > 0 || live.desiredSize > 0) ? live : undefined;
        const found = !opts.legacyZeroed ? live : opts.recorded[source.name] ?? unscaled ?? selection.liveTwins[source.name]?.scaling;
        const o = opts.overrides[source.name] ?? {};
        if (found) {
            sizes[source.name] = found;
        } else if (o.minSize !== undefined && o.maxSize !== undefined && o.desiredSize !== undefined) {
            sizes[source.name] = { minSize: o.minSize, maxSize: o.maxSize, desiredSize: o.desiredSize };
        } else {
            problems.push(`the stack has no record of node group ${source.name}'s sizes before it was scaled to zero, and it has no twin to ` +
                `read them from; set \`ciliumNodeGroup.overrides.${source.name}\` {minSize, maxSize, desiredSize} for its twin.`);
        }
    }
    return { sizes, problems };
}
