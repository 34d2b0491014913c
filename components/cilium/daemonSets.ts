/**
 * Every per-node workload (DaemonSet) the Cilium chart can deploy, and how each is kept off the nodes aws-node still
 * manages while both CNIs run. Keeping only the agent off is not enough: since 1.16 the chart deploys `cilium-envoy`
 * as its own DaemonSet, which tolerates every taint and requires an agent on the same node — on a legacy node it
 * stays Pending, and the atomic release waiting for it times out and rolls back (field notes).
 *
 * The list is read off the chart's own templates (tests/chartDaemonSets.test.ts finds every `kind: DaemonSet` in the
 * vendored charts and fails on one missing here). A DaemonSet is kept off by its affinity value, or — where the
 * chart gives it none, or where it replaces the agent — by keeping it disabled until the migration is done.
 *
 * Fargate, hybrid and EKS Auto Mode nodes run no Cilium at all: the agent tolerates every taint, so without an
 * exclusion its pods would be created for those nodes and never run.
 */
import { NodeLabels } from "../../migration/names";

export interface ChartDaemonSet {
    /** Template path under the chart's `templates/`. */
    template: string;
    /** The values key rendered as the pod's `affinity`. */
    affinity?: string;
    /** Kept disabled (the values key must stay false) while both CNIs run. */
    disabledBy?: string;
    /** The template renders `affinity` only when this values key has this value (the agent, `scheduling.mode`). */
    affinityRenderedWhen?: { key: string; equals: string };
    /** Chart minor version (1.x) that introduced it. */
    sinceMinor?: number;
    /** The chart gives it no `kubernetes.io/os: linux` nodeSelector: the affinity says Linux only itself. */
    linuxInAffinity?: boolean;
}

export const CHART_DAEMONSETS: readonly ChartDaemonSet[] = [
    { template: "cilium-agent/daemonset.yaml", affinity: "affinity", affinityRenderedWhen: { key: "scheduling.mode", equals: "anti-affinity" } },
    { template: "cilium-envoy/daemonset.yaml", affinity: "envoy.affinity" },
    { template: "cilium-nodeinit/daemonset.yaml", affinity: "nodeinit.affinity" },
    // The only one the chart leaves without a `kubernetes.io/os: linux` nodeSelector (`agent.nodeSelector: {}`).
    { template: "spire/agent/daemonset.yaml", affinity: "authentication.mutual.spire.install.agent.affinity", linuxInAffinity: true },
    { template: "ztunnel/daemonset.yaml", affinity: "encryption.ztunnel.affinity", sinceMinor: 19 },
    // The pre-flight check replaces the agent and envoy while enabled (an upgrade tool, not for a migration).
    { template: "cilium-preflight/daemonset.yaml", disabledBy: "preflight.enabled" },
    // The chart gives the standalone DNS proxy no affinity value.
    { template: "standalone-dns-proxy/daemonset.yaml", disabledBy: "standaloneDnsProxy.enabled", sinceMinor: 19 },
];

/**
 * Node selector expressions the chart's own default affinities carry, which a node affinity of ours replaces (Helm
 * merges maps but replaces lists): kept in our terms. Tested against each vendored chart's values.yaml.
 */
export const CHART_DEFAULT_NODE_EXPRESSIONS: Record<string, readonly NodeSelectorRequirement[]> = {
    "envoy.affinity": [{ key: "cilium.io/no-schedule", operator: "NotIn", values: ["true"] }],
};

/** The default podAntiAffinity of the agent (one agent per node), restated with the node affinity. */
const AGENT_POD_ANTI_AFFINITY = {
    requiredDuringSchedulingIgnoredDuringExecution: [
        { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { "k8s-app": "cilium" } } },
    ],
};

export interface NodeSelectorRequirement {
    key: string;
    operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
    values?: string[];
}

/** Nodes no Cilium component may run on: Fargate, EKS hybrid nodes and EKS Auto Mode nodes. */
export const NOT_CILIUM_COMPUTE: NodeSelectorRequirement = { key: "eks.amazonaws.com/compute-type", operator: "NotIn", values: ["fargate", "hybrid", "auto"] };

/** Linux only, for a workload the chart gives no OS nodeSelector. */
export const LINUX_ONLY: NodeSelectorRequirement = { key: "kubernetes.io/os", operator: "In", values: ["linux"] };

/** While both CNIs run: only nodes born with the Cilium label. */
export const ciliumNodesOnly = (labels: NodeLabels): NodeSelectorRequirement => ({ key: labels.key, operator: "In", values: [labels.ciliumValue] });

/** Whether a chart-version-bound workload exists in `chartVersion` (1.x.y). */
export function inChart(ds: ChartDaemonSet, chartVersion: string): boolean {
    const minor = Number(chartVersion.split(".")[1]);
    return ds.sinceMinor === undefined || minor >= ds.sinceMinor;
}

/**
 * The node affinity that keeps a workload off the nodes it must not run on ("Which CNI a node gets"): the chart's own
 * expressions, never Fargate, hybrid or Auto Mode nodes, and — while both CNIs run — only nodes kubelet registered
 * with the Cilium label (`<key> In [<ciliumValue>]`): a node nobody labelled keeps aws-node. (An ENI agent on an
 * aws-node node takes IPs from the same ENIs and deletes aws-node's SNAT chains.) Linux only by the chart's own
 * `nodeSelector: {kubernetes.io/os: linux}` of each of these workloads, kept (a map, merged by Helm), or, where the
 * chart gives none (the SPIRE agent), by `kubernetes.io/os In [linux]` here.
 * Earlier versions required `<key> NotIn [<legacyValue>]` (the seeds' rule), which gave an unlabelled node Cilium.
 */
export function keepOffAffinity(key: string, labels: NodeLabels, bothCnisRun: boolean) {
    const expressions: NodeSelectorRequirement[] = [
        ...(CHART_DEFAULT_NODE_EXPRESSIONS[key] ?? []).map((e) => ({ ...e, values: [...(e.values ?? [])] })),
        { ...NOT_CILIUM_COMPUTE, values: [...(NOT_CILIUM_COMPUTE.values ?? [])] },
        ...(CHART_DAEMONSETS.find((d) => d.affinity === key)?.linuxInAffinity ? [{ ...LINUX_ONLY, values: ["linux"] }] : []),
        ...(bothCnisRun ? [ciliumNodesOnly(labels)] : []),
    ];
    return {
        ...(key === "affinity" ? { podAntiAffinity: AGENT_POD_ANTI_AFFINITY } : {}),
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: expressions }] } },
    };
}

/** Helm values (nested) keeping every per-node workload of `chartVersion` where it belongs. */
export function keepOffValues(labels: NodeLabels, bothCnisRun: boolean, chartVersion: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const ds of CHART_DAEMONSETS.filter((d) => inChart(d, chartVersion))) {
        if (ds.affinity) setPath(out, ds.affinity, keepOffAffinity(ds.affinity, labels, bothCnisRun));
        if (ds.affinityRenderedWhen && bothCnisRun) setPath(out, ds.affinityRenderedWhen.key, ds.affinityRenderedWhen.equals);
        if (ds.disabledBy && bothCnisRun) setPath(out, ds.disabledBy, false);
    }
    return out;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
    const parts = path.split(".");
    let node = target;
    for (const part of parts.slice(0, -1)) {
        if (typeof node[part] !== "object" || node[part] === null) node[part] = {};
        node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]] = value;
}
