/**
 * The Cilium Helm values: one pure function of the decisions the caller made, validated in tests against the
 * packaged chart's values.schema.json, values.yaml and templates. Facts behind each key: docs/field-notes.md.
 */
import { NodeLabels } from "../../migration/names";
import { upgradeCompatibilityFor } from "./chartLines";
import { keepOffValues } from "./daemonSets";
import { CiliumValuesError, assertOverridesAllowed, isPlainObject } from "./overrides";

export { CiliumValuesError } from "./overrides";

export interface CiliumValuesInput {
    /**
     * Both CNIs may run (pools side by side): the unmanaged-pod watcher stays off, every per-node workload is kept
     * off legacy nodes, and the keys that do so are refused as overrides. Otherwise the steady state (Hubble on).
     */
    bothCnisRun: boolean;
    /** Cilium replaces kube-proxy: `kubeProxyReplacement`, `k8sServiceHost`/`Port` from the endpoint. */
    kubeProxyReplacement: boolean;
    /** Exact chart version, e.g. "1.19.6": which per-node workloads the chart can deploy. */
    chartVersion: string;
    clusterName: string;
    /** IRSA: the operator's role, annotated on its service account (`eni.iamRole`). Absent with Pod Identity. */
    operatorRoleArn?: string;
    nodeLabels: NodeLabels;
    /** The EKS API endpoint (`https://…`); only its host name is used, with kube-proxy replacement. */
    clusterEndpoint?: string;
    /** `cilium.values` from config, deep-merged last. */
    overrides: Record<string, unknown>;
    /** While both CNIs run: Cilium's `policyEnforcementMode` (`never` keeps cross-pool traffic; back to `default` after). Default: "default". */
    policyDuringMigration?: "never" | "default";
    /** Chain the portmap plugin for hostPort pods, while kube-proxy replacement is off (it serves hostPort itself). */
    portmapChaining?: boolean;
}

export type HelmValues = Record<string, unknown>;

const HUBBLE_METRICS = ["dns", "drop", "tcp", "flow", "icmp", "httpV2"];

export function apiServerHost(endpoint: string): string {
    const host = endpoint.trim().replace(/^[a-z]+:\/\//i, "").replace(/[/:].*$/, "");
    if (!/^[A-Za-z0-9.-]+$/.test(host)) { // "+": an empty host fails too
        throw new CiliumValuesError(`the cluster endpoint ${JSON.stringify(endpoint)} has no usable host name for \`k8sServiceHost\`.`);
    }
    return host;
}

export function ciliumValues(input: CiliumValuesInput): HelmValues {
    assertOverridesAllowed(input.overrides, { bothCnisRun: input.bothCnisRun });
    const coexist = input.bothCnisRun;
    const base: HelmValues = {
        cluster: { name: input.clusterName },
        eni: { enabled: true, ...(input.operatorRoleArn ? { iamRole: input.operatorRoleArn } : {}) },
        ipam: { mode: "eni" },
        routingMode: "native",
        // Agents and operator restart when their ConfigMap changes (phase 8, phase 9); otherwise new values would
        // only apply to nodes that happen to restart.
        rollOutCiliumPods: true,
        operator: { rollOutPods: true, unmanagedPodWatcher: { restart: !coexist } },
        kubeProxyReplacement: input.kubeProxyReplacement,
    };
    // Without Cilium identities for the legacy pool's pods, podSelector rules drop cross-pool traffic (field notes).
    if (coexist && input.policyDuringMigration === "never") base.policyEnforcementMode = "never";
    if (input.portmapChaining && !input.kubeProxyReplacement) base.cni = { chainingMode: "portmap" };
    // From chart 1.20: Envoy keeps the xDS mode of 1.19, so a chart bump does not also switch it (chartLines.ts).
    const compatibility = upgradeCompatibilityFor(input.chartVersion);
    if (compatibility) base.upgradeCompatibility = compatibility;
    if (!coexist) base.hubble = { enabled: true, relay: { enabled: true }, metrics: { enabled: HUBBLE_METRICS } };
    if (input.kubeProxyReplacement) {
        if (!input.clusterEndpoint) throw new CiliumValuesError("kube-proxy replacement needs the cluster endpoint for `k8sServiceHost`.");
        base.k8sServiceHost = apiServerHost(input.clusterEndpoint);
        base.k8sServicePort = 443;
    }
    return deepMerge(deepMerge(base, keepOffValues(input.nodeLabels, coexist, input.chartVersion)), input.overrides);
}

/** Objects merge key by key; anything else (arrays included) is replaced by the override. */
export function deepMerge(base: HelmValues, override: HelmValues): HelmValues {
    const out: HelmValues = { ...base };
    for (const [k, v] of Object.entries(override)) {
        out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k] as HelmValues, v) : v;
    }
    return out;
}
