/**
 * Shell scripts run by `@pulumi/command` steps. Pure: every script is a string built from validated values, tested
 * line by line. Shared rules:
 * - the kubeconfig arrives in the environment variable KUBECONFIG_DATA (a Pulumi secret), is written to a private
 *   temp file that an EXIT trap removes, and is never echoed;
 * - `set -euo pipefail`: any failed check stops the step, and the step fails the update (fail closed);
 * - every step says what it did, and is idempotent (running it twice is harmless).
 */
import { EKS_NODEGROUP_LABEL, NodeLabels } from "../../migration/names";
import { LegacyPools, legacyNodeSelector } from "../../migration/nodeRule";

/** How the legacy nodes are drained (`kubectl drain`). */
export interface DrainOptions {
    /** `kubectl drain --timeout`, per batch of nodes. */
    timeout: string;
    /** Allow evicting pods that use emptyDir volumes (their data is lost). */
    deleteEmptyDirData: boolean;
    /** How many legacy nodes are drained at once. */
    batchSize: number;
}

/** Runs the gate CLI relative to the project root (Pulumi runs programs there). */
export const DEFAULT_GATE_CLI = "node_modules/.bin/ts-node --transpile-only gates/cli.ts";

export const KUBECONFIG_ENV = "KUBECONFIG_DATA";

/** Single-quotes a value for bash. Values here are validated already; this is defence in depth. */
export function shellQuote(value: string): string {
    return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** @param onExit commands run first when the script ends, however it ends (e.g. removing a helper workload) */
export function withKubeconfig(body: string, onExit?: string): string {
    // Removed however the step ends: success, failure, or interruption.
    const cleanup = onExit
        ? ["on_exit() {", `  ${onExit} || true`, '  rm -f "$kubeconfig_file"', "}", "trap on_exit EXIT"]
        : ["trap 'rm -f \"$kubeconfig_file\"' EXIT"];
    return [
        "set -euo pipefail",
        "umask 077",
        'kubeconfig_file="$(mktemp)"',
        ...cleanup,
        `printf '%s' "$${KUBECONFIG_ENV}" > "$kubeconfig_file"`,
        'export KUBECONFIG="$kubeconfig_file"',
        body.trim(),
    ].join("\n");
}

export const selectorOf = (labels: NodeLabels, value: string): string => `${labels.key}=${value}`;

/**
 * Lists the nodes matching a selector into the bash array `nodes`. The list is read by an assignment first: a
 * failing kubectl then stops the step (`set -e`), where `mapfile < <(kubectl …)` would go on with an empty list and
 * report "nothing to do" on a cluster it could not read.
 */
function listNodes(selector: string): string {
    return [
        `node_list="$(kubectl get nodes -l ${shellQuote(selector)} -o name)"`,
        "nodes=()",
        'if [ -n "$node_list" ]; then mapfile -t nodes <<<"$node_list"; fi',
    ].join("\n");
}

/**
 * `kubectl cordon` or `uncordon` on every legacy node ("Which CNI a node gets": every Linux EC2 node without the
 * Cilium label, labelled legacy or not); nothing to do is not an error (e.g. on destroy).
 */
function legacySchedulingScript(labels: NodeLabels, verb: "cordon" | "uncordon", by: LegacyBy): string {
    const selector = legacySelector(labels, by);
    return withKubeconfig(`
${listNodes(selector)}
if [ "\${#nodes[@]}" -eq 0 ]; then echo "${verb}: no node matches ${selector}; nothing to ${verb}"; exit 0; fi
kubectl ${verb} "\${nodes[@]}"
echo "${verb}: \${#nodes[@]} node(s) with ${selector} ${verb}ed"`);
}

/**
 * How the steps find legacy nodes: by the rule (phases 1–7), or — from phase 8, where Cilium's legacy-node exclusion
 * is dropped and a node nobody labelled runs Cilium — by the legacy marker alone (the leftovers of legacy groups;
 * the text earlier versions ran, so a stack already past phase 7 sees no change).
 */
export type LegacyBy = "rule" | "marker";

export const legacySelector = (labels: NodeLabels, by: LegacyBy = "rule"): string =>
    by === "rule" ? legacyNodeSelector(labels) : selectorOf(labels, labels.legacyValue);

export const cordonScript = (labels: NodeLabels, by: LegacyBy = "rule"): string => legacySchedulingScript(labels, "cordon", by);

/**
 * Labels every node of the named managed node groups as legacy (EKS labels a managed node group's nodes with
 * `eks.amazonaws.com/nodegroup`). Idempotent (`--overwrite` of the same value); no node is not an error.
 */
export function labelNodeGroupsScript(groups: string[], labels: NodeLabels): string {
    const selector = `${EKS_NODEGROUP_LABEL} in (${groups.join(",")})`;
    const label = selectorOf(labels, labels.legacyValue);
    return withKubeconfig(`
${listNodes(selector)}
if [ "\${#nodes[@]}" -eq 0 ]; then echo "label: node groups ${groups.join(", ")} have no node now; their own labels cover the nodes they launch"; exit 0; fi
kubectl label --overwrite "\${nodes[@]}" ${shellQuote(label)}
echo "label: \${#nodes[@]} node(s) of node groups ${groups.join(", ")} labelled ${label}"`);
}
export const uncordonScript = (labels: NodeLabels, by: LegacyBy = "rule"): string => legacySchedulingScript(labels, "uncordon", by);

export function restartDeploymentScript(namespace: string, name: string, timeout: string): string {
    const ns = shellQuote(namespace);
    const target = shellQuote(`deployment/${name}`);
    return withKubeconfig(`
kubectl -n ${ns} rollout restart ${target}
kubectl -n ${ns} rollout status ${target} --timeout=${timeout}
echo "restart: ${namespace}/${name} rolled out again"`);
}

export function drainArgs(drain: DrainOptions): string[] {
    return [
        "--ignore-daemonsets", // DaemonSet pods (aws-node, kube-proxy, goldpinger) stay until the node goes
        ...(drain.deleteEmptyDirData ? ["--delete-emptydir-data"] : []),
        `--timeout=${drain.timeout}`,
        // Eviction API (never --disable-eviction): PodDisruptionBudgets are respected; a blocked eviction retries
        // until the timeout, then the step fails and the update stops.
    ];
}

export interface PreChecks {
    /** Gate checks that must pass right before the step acts (fail closed). */
    checks: string[];
    gateCli: string;
    labels: NodeLabels;
    /**
     * Poll each check up to this long (e.g. "15m") before failing, for a state the update itself is still bringing
     * about (agents rolling out after a Helm upgrade). Default: check once — the state must already hold.
     */
    wait?: string;
    /**
     * The configured legacy pools, passed to the checks (`--legacy-nodegroups`, `--legacy-nodepools`): with them,
     * `legacy-drained` also refuses a legacy node outside every one (phase 6's re-check). Default: not told.
     */
    pools?: LegacyPools;
    /** Phase 8 on: only the legacy marker tells a legacy node (`--cilium-everywhere`). Default: the rule. */
    ciliumEverywhere?: boolean;
}

/** Runs each gate check against the cluster; `set -e` stops the step at the first failure. */
export function preCheckLines(pre: PreChecks): string {
    const wait = pre.wait ? ` --wait ${pre.wait}` : "";
    return pre.checks.map((check) =>
        `echo "pre-check: ${check}"\n${pre.gateCli} ${check} --kubeconfig "$kubeconfig_file"${wait} ${labelFlags(pre.labels)}${pre.ciliumEverywhere ? " --cilium-everywhere" : ""}${poolFlags(pre.pools)}`).join("\n");
}

/** A step that only re-checks: it fails the update, before whatever waits for it acts, unless every check passes. */
export function preCheckScript(before: string, pre: PreChecks): string {
    return withKubeconfig(`
${preCheckLines(pre)}
echo "${before}: pre-checks passed (${pre.checks.join(", ")})"`);
}

/** Drains every legacy node (the cordon's selector), in batches, after the pre-checks. */
export function drainScript(labels: NodeLabels, drain: DrainOptions, pre: PreChecks, by: LegacyBy = "rule"): string {
    const selector = legacySelector(labels, by);
    return withKubeconfig(`
${preCheckLines(pre)}
${listNodes(selector)}
total="\${#nodes[@]}"
if [ "$total" -eq 0 ]; then echo "drain: no node matches ${selector}; nothing to drain"; exit 0; fi
batch=${drain.batchSize}
for ((i = 0; i < total; i += batch)); do
  group=("\${nodes[@]:i:batch}")
  echo "drain: nodes $((i + 1))-$((i + \${#group[@]})) of $total: \${group[*]}"
  kubectl drain "\${group[@]}" ${drainArgs(drain).join(" ")}
done
echo "drain: $total node(s) with ${selector} drained"`);
}

/**
 * Deletes a DaemonSet after re-checking its preconditions through the gate CLI right before the delete. A DaemonSet
 * that is already gone passes without acting: the pre-checks guard the delete, not the DaemonSet's existence, so a
 * later re-run of the step (a changed input, a later phase) never fails on a state it brought about itself.
 */
export function removeDaemonSetScript(args: { daemonSet: string; namespace: string; pre: PreChecks }): string {
    const ns = shellQuote(args.namespace);
    const name = shellQuote(args.daemonSet);
    return withKubeconfig(`
present="$(kubectl -n ${ns} get daemonset ${name} --ignore-not-found -o name)"
if [ -z "$present" ]; then echo "remove: daemonset ${args.namespace}/${args.daemonSet} is already gone; nothing to do"; exit 0; fi
${preCheckLines(args.pre)}
kubectl -n ${ns} delete daemonset ${name} --ignore-not-found --wait=true
echo "remove: daemonset ${args.namespace}/${args.daemonSet} deleted (pre-checks passed: ${args.pre.checks.join(", ")})"`);
}

/** The gate CLI's label options, so checks use the same labels as the node groups. */
export function labelFlags(labels: NodeLabels): string {
    return `--legacy-label ${shellQuote(selectorOf(labels, labels.legacyValue))} ` +
        `--cilium-label ${shellQuote(selectorOf(labels, labels.ciliumValue))}`;
}

/** The gate CLI's pool options (none when not told, or a kind has no pool), with the cluster the ASGs are read from. */
export function poolFlags(pools: LegacyPools | undefined): string {
    const cluster = asgClusterOf(pools);
    return poolListFlags(pools) + (cluster ? clusterFlags(cluster) : "");
}

/** `--legacy-nodegroups`, `--legacy-nodepools`, `--legacy-asgs`: each kind that has a pool. */
function poolListFlags(pools: LegacyPools | undefined): string {
    const flag = (name: string, list: string[] | undefined) => list && list.length > 0 ? ` ${name} ${shellQuote(list.join(","))}` : "";
    return pools ? flag("--legacy-nodegroups", pools.nodeGroups) + flag("--legacy-nodepools", pools.nodePools) + flag("--legacy-asgs", pools.asgs) : "";
}

/** `--legacy-asgs` live: the gate reads the groups' instances with the AWS CLI, for the cluster named (gates/cli.ts). */
const asgClusterOf = (pools: LegacyPools | undefined): LegacyPools["asgCluster"] => pools?.asgs?.length ? pools.asgCluster : undefined;

const clusterFlags = (c: { name: string; region?: string }): string =>
    ` --cluster ${shellQuote(c.name)}${c.region ? ` --region ${shellQuote(c.region)}` : ""}`;

/**
 * The one `--cluster`/`--region` of a gate line: preflight's AWS files and the ASGs' live read name the same cluster.
 * The gate CLI refuses a flag given twice (gates/cli.ts), so two different clusters are a fault here, not a silent pick.
 */
function gateClusterFlags(preflight: PreflightGateArgs | undefined, pools: LegacyPools | undefined): string {
    const asg = asgClusterOf(pools);
    if (preflight && asg && (preflight.cluster !== asg.name || (preflight.region ?? "") !== (asg.region ?? ""))) {
        throw new Error(`gate: preflight reads cluster ${preflight.cluster} (${preflight.region ?? "no region"}) but the ASGs are read from ` +
            `${asg.name} (${asg.region ?? "no region"}); one gate line names one cluster`);
    }
    const cluster = preflight ? { name: preflight.cluster, ...(preflight.region ? { region: preflight.region } : {}) } : asg;
    return cluster ? clusterFlags(cluster) : "";
}

/** What the `preflight` check is told: the stack's choices (JSON) and the EKS cluster whose AWS files it reads. */
export interface PreflightGateArgs { options: string; cluster: string; region?: string }

/**
 * Runs each check in order, each polling up to `timeout`; the first failure fails the step. Every check is told the
 * stack's legacy pools (design.md: `legacy-drained` refuses a legacy node in none, messages name each node's pool).
 * @param ciliumEverywhere phase 8 on: Cilium's legacy-node exclusion is dropped, only the legacy marker tells a legacy node
 */
export function gateScript(args: {
    gateCli: string; checks: string[]; timeout: string; labels: NodeLabels; preflight?: PreflightGateArgs; ciliumEverywhere?: boolean; pools?: LegacyPools;
}): string {
    if (args.checks.length === 0) return 'echo "gate: no check for this phase (goldpinger is disabled, so connectivity is not proven)"';
    const line = (check: string) => {
        const preflight = check === "preflight" ? args.preflight : undefined;
        return `${args.gateCli} ${check} --kubeconfig "$kubeconfig_file" --wait ${args.timeout} ${labelFlags(args.labels)}` +
            `${args.ciliumEverywhere ? " --cilium-everywhere" : ""}${preflight ? ` --preflight-options ${shellQuote(preflight.options)}` : ""}` +
            `${poolListFlags(args.pools)}${gateClusterFlags(preflight, args.pools)}`;
    };
    return withKubeconfig(args.checks.map(line).join("\n"));
}
