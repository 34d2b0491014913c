/**
 * `calico.applyConvertedPolicies` (design.md, "Calico as the policy engine"): the program learns Calico's policies,
 * converts them with preflight's own conversion (calico/convert.ts, judged by preflight's `inClusterCoverage` over the
 * same kinds of objects — so it never emits a policy preflight's conversion of the same cluster would withhold), and
 * declares the result from phase 3 (components/calico/convertedPolicies.ts).
 *
 * Phase 6 deletes Calico's CRDs: from then on the cluster has no Calico policy to convert, and declaring none would
 * have Pulumi delete the Cilium policies that now protect the workloads. So the converted set is recorded in this
 * stack's output `calicoConvertedPolicies`, re-derived while Calico runs, and read back from the record once it is
 * gone; with neither, the program refuses rather than delete them.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { calicoPolicies as calicoRefs, convertSnapshotPolicies } from "../preflight/calicoChecks";
import { preflightContext } from "../preflight/run";
import { DEFAULT_OPTIONS, PreflightInput } from "../preflight/types";
import { CONVERTED_KINDS, ConvertedCiliumPolicies } from "../components/calico/convertedPolicies";
import { chartMinor } from "../components/cilium/chartLines";
import * as phases from "../migration/phases";
import { CONVERSION_PARTS, CalicoInstall, CalicoLookups, Obj } from "./calicoFacts";
import { MigrationConfig } from "./configTypes";
import { ExistingClusterFacts } from "./existingFacts";
import { ConfigError } from "./validate";
import { CONVERTED_POLICIES_OUTPUT, Rederived, checkAgainstRecord, partialReadRefusal, unservedPolicyApis } from "./calicoRecord";

/** This stack's output recording the converted objects it declared (read back once Calico's CRDs are gone). */
export { CONVERTED_POLICIES_OUTPUT };

/**
 * The `CiliumCIDRGroup` version each supported chart line serves and stores (the CRD's own versions; Chart.yaml's list
 * is stale metadata): v2 in 1.18, 1.19 and 1.20 — the version cilium-operator registers as served and stored since
 * cilium/cilium#38940 ("Promote CCG to v2 and deprecate v2alpha1", 1.18), v2alpha1 served but deprecated
 * (`pkg/k8s/apis/cilium.io/client/crds/v2/ciliumcidrgroups.yaml`, vendored in tests/fixtures/real/cilium-crds). Not the
 * chart's `artifacthub.io/crds` annotation, which still names v2alpha1. pulumi-kubernetes builds a custom resource's type
 * token from its apiVersion, so changing it replaces the object: the table is the one place it is chosen, and recorded
 * objects are re-stamped from it. A line without an entry is refused rather than guessed.
 */
export const CIDR_GROUP_API_VERSION: Record<number, string> = { 18: "cilium.io/v2", 19: "cilium.io/v2", 20: "cilium.io/v2" };

export function cidrGroupApiVersion(chartVersion: string): string {
    const version = CIDR_GROUP_API_VERSION[chartMinor(chartVersion) ?? -1];
    if (!version) throw new ConfigError([`\`cilium.chartVersion\` is ${JSON.stringify(chartVersion)}: the program does not know which CiliumCIDRGroup version its CRD serves (known lines: ${Object.keys(CIDR_GROUP_API_VERSION).map((m) => `1.${m}`).join(", ")}).`]);
    return version;
}

export interface ConvertedPolicies {
    objects: Obj[];
    withheld: { calico: string; reasons: string[] }[];
    /** "cluster": converted from what Calico holds now; "record": read back from this stack's output (Calico is gone). */
    source: "cluster" | "record";
    /** What changed against the record, or why the record was kept. */
    notes: string[];
}

/** The recorded set, checked: each a converted kind with a name. Undefined when nothing was recorded. */
export function recordedPolicies(recorded: unknown): Obj[] | undefined {
    if (recorded === undefined || recorded === null) return undefined;
    const ok = Array.isArray(recorded) && recorded.every((o) => o && typeof o === "object" && typeof o.apiVersion === "string" &&
        (CONVERTED_KINDS as readonly string[]).includes(o.kind) && typeof o.metadata?.name === "string");
    if (!ok) {
        throw new ConfigError([`this stack's output \`${CONVERTED_POLICIES_OUTPUT}\` is not a list of CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy ` +
            "or CiliumCIDRGroup objects, as the program records it: it cannot tell which converted Calico policies to keep. Restore the output " +
            "from the stack's history (pulumi stack history / pulumi stack export), then apply again."]);
    }
    return recorded as Obj[];
}

/** Calico's objects, the Kubernetes NetworkPolicies and the addresses the judge reads, converted as preflight does. */
async function convertFromCluster(lookups: CalicoLookups): Promise<Rederived & { originals: Set<string> }> {
    const input: PreflightInput = {};
    for (const part of CONVERSION_PARTS) input[part] = { items: await lookups.list({ kind: "Objects", of: part }) };
    // The judge's host agents: EKS Pod Identity from the pods' env, NodeLocal DNS from its DaemonSet (preflight/cidrChecks.ts).
    input.daemonsets = { items: await lookups.list({ kind: "DaemonSet", name: "node-local-dns" }) };
    const { objects, report } = convertSnapshotPolicies(preflightContext(input, DEFAULT_OPTIONS));
    return { objects, withheld: report.withheld, originals: new Set(calicoRefs(input)) };
}

/** With neither Calico's policies nor a record: refused, saying what happened and what to do. */
function noRecordRefusal(config: MigrationConfig, clusterName: string, gone: boolean): ConfigError {
    return new ConfigError([gone
        ? `\`calico.applyConvertedPolicies\` is true at phase ${config.phase}, but cluster ${clusterName} has no Calico any more (phase 6 removed it) and this stack ` +
            `recorded no converted policies (output \`${CONVERTED_POLICIES_OUTPUT}\`): the program cannot tell which Cilium policies to keep. ` +
            "Restore the output from the stack's history (pulumi stack history / pulumi stack export) if an earlier update recorded it. Otherwise " +
            "set `calico.applyConvertedPolicies` to false only after removing each converted object this stack still holds from its state " +
            "(`pulumi stack --show-urns` lists them: types kubernetes:cilium.io/…, names calico-converted-…; `pulumi state delete <URN>` each, " +
            "which leaves the object in the cluster) — with the key false the stack deletes every object it still holds, and the names are the same. " +
            "Objects the stack never held: apply them yourself (npm run convert-policies on a snapshot taken before phase 6)."
        : `\`calico.applyConvertedPolicies\` is true, but cluster ${clusterName} has no Calico install (no tigera-operator Installation or Deployment, ` +
            "no calico-node DaemonSet): there are no Calico policies to convert. Set `calico.applyConvertedPolicies` to false."]);
}

/**
 * The converted set this update declares (or records), or undefined when the key is off. Refuses before anything is declared.
 * From phase 6 on Calico's removal may have run (or be half done, or be retried): a recorded set stands as recorded,
 * never re-derived from what is left. Without a record, and before 6, a set is re-derived only from a complete read
 * (every Calico policy API served) and checked against the record (stacks/calicoRecord.ts).
 */
export async function learnConvertedPolicies(config: MigrationConfig, facts: ExistingClusterFacts, install: CalicoInstall, lookups: CalicoLookups,
    recorded: unknown): Promise<ConvertedPolicies | undefined> {
    if (!config.calico.applyConvertedPolicies) return undefined;
    const clusterName = facts.name;
    const record = recordedPolicies(recorded);
    const gone = phases.awsNodeRemoved(config.phase);
    // Whichever set is declared, its CIDR groups take the version the chart line serves (cidrGroupApiVersion).
    const groupVersion = cidrGroupApiVersion(config.cilium.chartVersion);
    const stamped = (objects: Obj[]) => objects.map((o) => o.kind === "CiliumCIDRGroup" ? { ...o, apiVersion: groupVersion } : o);
    const fromRecord = (notes: string[] = []): ConvertedPolicies => ({ objects: stamped(record!), withheld: [], source: "record", notes });
    // Not read at all: a half-removed Calico answers partly, and its stale v3.projectcalico.org APIService answers 503.
    if (gone && record) {
        return fromRecord(install.kind === "none" ? [] : [`Calico's converted policies: Calico still runs on cluster ${clusterName}, but from phase 6 on its removal ` +
            "may have run (or be half done): its policies are not read again (a stale v3.projectcalico.org APIService would fail the read), and the recorded set stands as recorded."]);
    }
    if (install.kind === "none") {
        if (record) return fromRecord();
        throw noRecordRefusal(config, clusterName, gone);
    }
    const unserved = unservedPolicyApis(await lookups.list({ kind: "Served" }));
    if (unserved.length > 0) {
        if (!record) throw partialReadRefusal(clusterName, config.phase, unserved);
        return fromRecord([`Calico's converted policies: cluster ${clusterName} does not serve ${unserved.join(", ")}, so the recorded set is kept as it is rather than re-derived from a partial read.`]);
    }
    const found = await convertFromCluster(lookups);
    // Below 3 nothing is declared (and a rollback to 2 deletes what was): no converted policy can be lost, so none is refused.
    const notes = record && phases.ciliumNodesScaledUp(config.phase) ? checkAgainstRecord(record, found, found.originals) : [];
    return { objects: stamped(found.objects), withheld: found.withheld, source: "cluster", notes };
}

/** What `pulumi up` and the planner say: where the set came from, how CIDRs were judged, and each withheld policy. */
export function convertedPoliciesNotes(policies: ConvertedPolicies, phase: phases.Phase): string[] {
    const when = phase < 3 ? "from phase 3" : "in this phase";
    const head = policies.source === "record"
        ? `Calico's converted policies: Calico is gone, so the ${policies.objects.length} object(s) this stack recorded (output ${CONVERTED_POLICIES_OUTPUT}) stay declared ${when}.`
        : `Calico's converted policies: ${policies.objects.length} Cilium object(s) declared ${when}, ${policies.withheld.length} Calico polic(ies) withheld. ` +
            "CIDRs are judged as preflight judges them (the nodes', pods' and host agents' addresses, read now): a policy whose CIDR covers any of them is withheld; " +
            "preflight and the program can differ only where the cluster's addresses changed between preflight's snapshot and this update.";
    return [head, ...policies.notes, ...policies.withheld.map((w) => `${w.calico} is not converted: ${w.reasons.join("; ")}. On Cilium nodes nothing enforces it.`)];
}

/** The converted objects, from phase 3 (before any workload reaches a Cilium node) through 9; none below 3. */
export function declareConvertedPolicies(config: MigrationConfig, policies: ConvertedPolicies | undefined,
    args: { provider: k8s.Provider; dependsOn: pulumi.Resource[] }): pulumi.Resource[] {
    if (!policies || !phases.ciliumNodesScaledUp(config.phase) || policies.objects.length === 0) return [];
    return [new ConvertedCiliumPolicies("calico-converted", { objects: policies.objects, provider: args.provider, dependsOn: args.dependsOn })];
}
