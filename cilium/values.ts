/**
 * The Cilium Helm values for a phase: one pure function, validated in tests against the pinned chart's
 * values.schema.json and values.yaml. Facts behind each key: docs/field-notes.md "Cilium in ENI mode on EKS".
 */
import { NodeLabels } from "../stacks/configTypes";
import { Phase, cnisCoexist, kubeProxyReplaced, phaseName } from "../stacks/phases";
import { isPlainObject } from "../stacks/validate";
import { CHART_DAEMONSETS, keepOffValues } from "./daemonSets";

export interface CiliumValuesInput {
    phase: Phase;
    /** Exact chart version, e.g. "1.19.6": which per-node workloads the chart can deploy. */
    chartVersion: string;
    clusterName: string;
    operatorRoleArn: string;
    nodeLabels: NodeLabels;
    /** The EKS API endpoint (`https://…`); only its host name is used, from phase 9. */
    clusterEndpoint?: string;
    /** `cilium.values` from config, deep-merged last. */
    overrides: Record<string, unknown>;
}

export type HelmValues = Record<string, unknown>;

/** Keys an override may never set: changing them is a different migration (or, for `tunnel`, breaks the chart). */
export const ALWAYS_PROTECTED: Record<string, string> = {
    "eni.enabled": "ENI mode is what this program installs",
    "ipam.mode": "ENI mode is what this program installs",
    "routingMode": "ENI mode routes natively; the VPC routes pod IPs between the pools",
    "cluster.name": "it comes from `clusterName`",
    "eni.iamRole": "it is the operator role this program creates",
    "kubeProxyReplacement": "phase 9 (kube-proxy-free) turns it on, after its own checks",
    "k8sServiceHost": "it is set from the cluster endpoint at phase 9",
    "k8sServicePort": "it is set at phase 9",
    "tunnel": "`tunnel` was removed in Cilium 1.15 and the chart refuses to render with it; use `routingMode`",
};

/** Keys the migration depends on while both CNIs coexist; an override may change them from phase 8 (finalize). */
export const MIGRATION_PROTECTED: Record<string, string> = {
    "operator.unmanagedPodWatcher.restart": "it would restart pods aws-node still manages",
    ...Object.fromEntries(CHART_DAEMONSETS.flatMap((ds) => [
        ...(ds.affinity ? [[ds.affinity, `it keeps ${ds.template.split("/")[0]} off aws-node's nodes`]] : []),
        ...(ds.affinityRenderedWhen ? [[ds.affinityRenderedWhen.key, `the chart renders the agent's affinity (which keeps it off aws-node's nodes) only when it is "${ds.affinityRenderedWhen.equals}"`]] : []),
        ...(ds.disabledBy ? [[ds.disabledBy, `${ds.template.split("/")[0]} could not be kept off aws-node's nodes`]] : []),
    ])),
};

const HUBBLE_METRICS = ["dns", "drop", "tcp", "flow", "icmp", "httpV2"];

export class CiliumValuesError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "CiliumValuesError";
    }
}

export function apiServerHost(endpoint: string): string {
    const host = endpoint.trim().replace(/^[a-z]+:\/\//i, "").replace(/[/:].*$/, "");
    if (!/^[A-Za-z0-9.-]+$/.test(host) || host.length === 0) {
        throw new CiliumValuesError(`the cluster endpoint ${JSON.stringify(endpoint)} has no usable host name for \`k8sServiceHost\`.`);
    }
    return host;
}

export function ciliumValues(input: CiliumValuesInput): HelmValues {
    assertOverridesAllowed(input.phase, input.overrides);
    const coexist = cnisCoexist(input.phase);
    const base: HelmValues = {
        cluster: { name: input.clusterName },
        eni: { enabled: true, iamRole: input.operatorRoleArn },
        ipam: { mode: "eni" },
        routingMode: "native",
        // Agents and operator restart when their ConfigMap changes (phase 8, phase 9); otherwise new values would
        // only apply to nodes that happen to restart.
        rollOutCiliumPods: true,
        operator: { rollOutPods: true, unmanagedPodWatcher: { restart: !coexist } },
        kubeProxyReplacement: kubeProxyReplaced(input.phase),
    };
    if (!coexist) base.hubble = { enabled: true, relay: { enabled: true }, metrics: { enabled: HUBBLE_METRICS } };
    if (kubeProxyReplaced(input.phase)) {
        if (!input.clusterEndpoint) throw new CiliumValuesError(`phase ${input.phase} needs the cluster endpoint for \`k8sServiceHost\`.`);
        base.k8sServiceHost = apiServerHost(input.clusterEndpoint);
        base.k8sServicePort = 443;
    }
    return deepMerge(deepMerge(base, keepOffValues(input.nodeLabels, coexist, input.chartVersion)), input.overrides);
}

/** Dotted paths of every leaf and object in `values` (`a`, `a.b`, `a.b.c`). */
export function valuePaths(values: Record<string, unknown>, prefix = ""): string[] {
    return Object.entries(values).flatMap(([k, v]) => {
        const path = prefix ? `${prefix}.${k}` : k;
        return isPlainObject(v) ? [path, ...valuePaths(v, path)] : [path];
    });
}

export function assertOverridesAllowed(phase: Phase, overrides: Record<string, unknown>): void {
    const paths = valuePaths(overrides);
    const touches = (key: string) => paths.some((p) => p === key || p.startsWith(`${key}.`) || key.startsWith(`${p}.`) && !isPlainObject(get(overrides, p)));
    for (const [key, why] of Object.entries(ALWAYS_PROTECTED)) {
        if (touches(key)) throw new CiliumValuesError(`\`cilium.values.${key}\` cannot be overridden: ${why}. Remove it from \`cilium.values\`.`);
    }
    if (!cnisCoexist(phase)) return;
    for (const [key, why] of Object.entries(MIGRATION_PROTECTED)) {
        if (touches(key)) {
            throw new CiliumValuesError(`\`cilium.values.${key}\` cannot be overridden before phase 8 (finalize) — phase is ${phase} ` +
                `(${phaseName(phase)}): ${why}. Remove it from \`cilium.values\` until phase 8.`);
        }
    }
}

function get(values: Record<string, unknown>, path: string): unknown {
    return path.split(".").reduce<unknown>((v, k) => (isPlainObject(v) ? v[k] : undefined), values);
}

/** Objects merge key by key; anything else (arrays included) is replaced by the override. */
export function deepMerge(base: HelmValues, override: HelmValues): HelmValues {
    const out: HelmValues = { ...base };
    for (const [k, v] of Object.entries(override)) {
        out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k] as HelmValues, v) : v;
    }
    return out;
}
