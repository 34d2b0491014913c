/**
 * The program: config → transition guard → (an existing cluster: its look-ups and checks) → components → outputs.
 * `index.ts` exports it; the planner and the tests call it in-process under the SDK's mock runtime. Everything that
 * can refuse the update (config, guard, the cluster as AWS describes it) does so before any resource is declared.
 */
import * as pulumi from "@pulumi/pulumi";
import { NodeLabels } from "../migration/names";
import * as phases from "../migration/phases";
import { phaseName } from "../migration/phases";
import { loadConfig } from "./config";
import { MigrationConfig } from "./configTypes";
import { RecordedProgress, existingClusterFacts } from "./existingFacts";
import { Lookups, lookUpExistingCluster } from "./existingLookups";
import { AsgLookups, lookUpAutoScalingGroups } from "./asgFacts";
import { asgPoolsInput } from "./asgParts";
import { assertTransitionAllowed } from "./guard";
import { ExistingClusterInput, buildMigration, MigrationOptions } from "./migration";
import { CNI_RULE } from "../migration/nodeRule";
import { KarpenterLookup, LEGACY_NODEPOOLS_OUTPUT, lookUpKarpenter, recordedOriginals } from "./karpenterLookups";
import { KarpenterFacts, NodePoolOriginals } from "./karpenterFacts";
import { CalicoLookups } from "./calicoFacts";
import { learnCalico } from "./calicoParts";
import { liveCalicoLookups } from "./calicoLive";
import { existingClusterKubeconfig } from "../components/cluster/existingCluster";
import { chartChangeProblem, recordedChartVersion } from "./chartGuard";
import { ConfigError } from "./validate";
import { CONVERTED_POLICIES_OUTPUT, convertedPoliciesNotes, learnConvertedPolicies } from "./calicoPolicies";

export const APPLIED_PHASE_OUTPUT = "appliedPhase";
/** An existing cluster's legacy node group sizes before the migration scaled them (live they read zero from 7). */
export const LEGACY_SIZES_OUTPUT = "legacyNodeGroupSizes";
/** An existing cluster's add-ons as adopted (vpc-cni, kube-proxy), to re-create one the migration removed on the way back. */
export const ADOPTED_ADDONS_OUTPUT = "adoptedAddons";
/** Which rule placed the agents when this stack was last applied ("Which CNI a node gets"); absent: the earlier rule. */
export const CNI_RULE_OUTPUT = "cniRule";
/** An existing cluster's self-managed groups' sizes before the migration scaled them (stacks/asgParts.ts). */
export const LEGACY_ASG_SIZES_OUTPUT = "legacyAsgSizes";
/** The Cilium chart version this stack's release runs (from phase 2), for the chart guard (stacks/chartGuard.ts). */
export const CILIUM_CHART_OUTPUT = "ciliumChartVersion";

export interface ProgramOptions extends MigrationOptions {
    /** Where progress messages go. Default: the Pulumi log (shown by `pulumi up`). */
    log?: (message: string) => void;
    /** Where what the user should know goes (e.g. of an existing cluster). Default: Pulumi warnings. */
    note?: (message: string) => void;
    /** How an existing cluster is looked up. Default: the AWS provider's data sources. */
    lookups?: Lookups;
    /** How its self-managed node groups are looked up. Default: the AWS provider's data sources. */
    asgLookups?: AsgLookups;
    /** How an existing cluster's Karpenter objects are read. Default: the cluster's API server. */
    karpenter?: KarpenterLookup;
    /** How Calico's install is looked up. Default: the cluster's API, live (stacks/calicoLive.ts). */
    calicoLookups?: CalicoLookups;
}

/** This stack's own outputs of its last successful update (a StackReference to itself); none on a first deployment. */
export async function readOwnOutputs(): Promise<{ appliedPhase: unknown; cniRule?: unknown; legacyNodePools?: Record<string, NodePoolOriginals>; legacyAsgSizes?: unknown;
    ciliumChartVersion?: unknown; calicoConvertedPolicies?: unknown } & RecordedProgress> {
    const self = new pulumi.StackReference("applied-phase", {
        name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`,
    });
    const read = async (name: string) => {
        const details = await self.getOutputDetails(name);
        return details.value ?? details.secretValue;
    };
    const sizes = await read(LEGACY_SIZES_OUTPUT);
    const addons = await read(ADOPTED_ADDONS_OUTPUT);
    const nodePools = await read(LEGACY_NODEPOOLS_OUTPUT);
    return {
        ...(nodePools ? { legacyNodePools: nodePools as Record<string, NodePoolOriginals> } : {}),
        appliedPhase: await read(APPLIED_PHASE_OUTPUT),
        cniRule: await read(CNI_RULE_OUTPUT),
        legacyAsgSizes: await read(LEGACY_ASG_SIZES_OUTPUT),
        ciliumChartVersion: await read(CILIUM_CHART_OUTPUT),
        calicoConvertedPolicies: await read(CONVERTED_POLICIES_OUTPUT),
        ...(sizes ? { legacyNodeGroupSizes: sizes as RecordedProgress["legacyNodeGroupSizes"] } : {}),
        ...(addons ? { adoptedAddons: addons as RecordedProgress["adoptedAddons"] } : {}),
    };
}

async function existingClusterInput(config: MigrationConfig, own: Awaited<ReturnType<typeof readOwnOutputs>>, options: ProgramOptions,
    note: (message: string) => void): Promise<ExistingClusterInput | undefined> {
    if (!config.existingCluster) return undefined;
    const region = new pulumi.Config("aws").get("region");
    const found = await lookUpExistingCluster(config, region, options.lookups);
    const defaultTags = new pulumi.Config("aws").getObject<{ tags?: Record<string, string> }>("defaultTags")?.tags;
    if (defaultTags) found.defaultTags = defaultTags;
    let karpenter: KarpenterFacts;
    try {
        karpenter = await lookUpKarpenter(config, { name: found.cluster.name, endpoint: found.cluster.endpoint,
            certificateAuthority: found.cluster.certificateAuthorities?.[0]?.data ?? "", ...(region ? { region } : {}) }, own.legacyNodePools, options.karpenter);
    } catch (err) {
        // What AWS says of the cluster (not ACTIVE, IPv6, a group left out) comes first: it is why the cluster cannot be reached, or matters more.
        existingClusterFacts({ ...found, otherPools: config.existingCluster.nodePools }, config, own);
        throw err;
    }
    found.otherPools = karpenter.legacy.map((p) => p.name);
    const facts = existingClusterFacts(found, config, own);
    const asgs = asgPoolsInput(config, await lookUpAutoScalingGroups(config, options.asgLookups), facts.name, own.legacyAsgSizes);
    for (const text of [...facts.notes, ...karpenter.notes]) note(text);
    // One set of Calico look-ups (one API client, made on first use) for the install and the converted policies.
    const calicoLookups = options.calicoLookups ?? liveCalicoLookups(existingClusterKubeconfig(facts), facts.name);
    const calico = await learnCalico(config.phase, calicoLookups, note);
    // With `calico.applyConvertedPolicies`: Calico's policies converted, or the set recorded once Calico is gone (stacks/calicoPolicies.ts).
    const calicoPolicies = await learnConvertedPolicies(config, facts, calico, calicoLookups, own.calicoConvertedPolicies);
    if (calicoPolicies) convertedPoliciesNotes(calicoPolicies, config.phase).forEach(note);
    return {
        facts, karpenter, adoptingNow: own.appliedPhase === undefined || own.appliedPhase === null, ...(asgs.groups.length > 0 ? { asgs } : {}),
        calico, ...(calicoPolicies ? { calicoPolicies } : {}),
    };
}

/**
 * What "Which CNI a node gets" means for this stack, said in phases 1–7 (the planner shows it once, where it starts):
 * a stack pinned by an earlier version (the seeds' `In [legacy]` / `NotIn [legacy]`) moves to it in its next update.
 */
export function cniRuleNote(labels: NodeLabels): string {
    const { key, legacyValue, ciliumValue } = labels;
    return `Which CNI a node gets: Cilium runs only on nodes registered with ${key}=${ciliumValue} (its per-node workloads require ` +
        `${key} In [${ciliumValue}] from phase 2), aws-node everywhere else (each of its affinity terms gets ${key} NotIn [${ciliumValue}]), and ` +
        `legacy nodes — cordoned, drained, counted by the gates — are every Linux EC2 node without ${key}=${ciliumValue} ` +
        `(${key}=${legacyValue} is a marker). A stack pinned by an earlier version (${key} In [${legacyValue}] on aws-node, ${key} NotIn ` +
        `[${legacyValue}] on Cilium) moves to this in its next update: every node carries one of the two labels, so neither agent's nodes ` +
        "change; aws-node and the Cilium agents roll once (their pod templates change), and the cordon and drain steps re-run once with the new selector.";
}

export async function migrationProgram(options: ProgramOptions = {}): Promise<Record<string, unknown>> {
    const config = loadConfig();
    const own = await readOwnOutputs();
    const applied = own.appliedPhase;
    const decision = assertTransitionAllowed({
        requested: config.phase,
        applied,
        allowPhaseSkip: config.allowPhaseSkip,
        allowUnsafeRollback: config.allowUnsafeRollback,
    });
    const chartProblem = chartChangeProblem({ requested: config.phase, ...(typeof applied === "number" ? { applied } : {}),
        ...(typeof own.ciliumChartVersion === "string" ? { installed: own.ciliumChartVersion } : {}), configured: config.cilium.chartVersion });
    if (chartProblem) throw new ConfigError([chartProblem]);
    const log = options.log ?? ((message: string) => pulumi.log.info(message));
    log(`eks-cilium-migration: ${decision.kind}, last applied phase ${applied ?? "none"} → phase ${config.phase} (${phaseName(config.phase)})`);
    const note = options.note ?? ((message: string) => { void pulumi.log.warn(message); });
    if (config.phase >= 1 && phases.cnisCoexist(config.phase)) note(cniRuleNote(config.nodeLabels));
    const existing = await existingClusterInput(config, own, options, note);

    const region = options.region ?? new pulumi.Config("aws").get("region");
    const appliedPhase = typeof applied === "number" ? applied : undefined;
    const earlierCniRule = appliedPhase !== undefined && appliedPhase >= 1 && own.cniRule !== CNI_RULE;
    const migration = buildMigration(config, { ...options, ...(region ? { region } : {}), appliedPhase, earlierCniRule }, existing);
    return {
        // Only recorded once this phase's gate has passed: a failed update leaves the previous value, so the guard
        // never mistakes a half-applied phase for a proven one.
        [APPLIED_PHASE_OUTPUT]: migration.exitGate.check.id.apply(() => config.phase),
        // Recorded with the phase: an update that failed before its gate leaves the stack on the rule it had.
        [CNI_RULE_OUTPUT]: migration.exitGate.check.id.apply(() => CNI_RULE),
        // Recorded with the phase too: a bump whose gate failed is judged against the version last proven.
        [CILIUM_CHART_OUTPUT]: migration.exitGate.check.id.apply(() => recordedChartVersion(config.phase, config.cilium.chartVersion)),
        phaseName: phaseName(config.phase),
        gate: migration.exitGate.checks,
        clusterName: migration.cluster.eksClusterName,
        clusterEndpoint: migration.cluster.endpoint,
        oidcProviderArn: migration.cluster.oidcProviderArn,
        kubeconfig: migration.cluster.kubeconfig,
        ciliumOperatorRoleArn: migration.cilium?.operatorRole.arn,
        ...(existing ? { [LEGACY_SIZES_OUTPUT]: existing.facts.originalScaling, [ADOPTED_ADDONS_OUTPUT]: existing.facts.adoptedAddons } : {}),
        ...(existing?.karpenter.legacy.length ? { [LEGACY_NODEPOOLS_OUTPUT]: recordedOriginals(existing.karpenter) } : {}),
        ...(existing?.asgs ? { [LEGACY_ASG_SIZES_OUTPUT]: existing.asgs.originalSizes } : {}),
        // The record is what is declared: nothing below phase 3 (declareConvertedPolicies).
        ...(existing?.calicoPolicies && phases.ciliumNodesScaledUp(config.phase) ? { [CONVERTED_POLICIES_OUTPUT]: existing.calicoPolicies.objects } : {}),
    };
}
