/**
 * Which Helm value overrides (`cilium.values`) the migration refuses: keys that make it a different install
 * (always), and keys it depends on while both CNIs run (every per-node workload's keep-off rule, the unmanaged-pod
 * watcher). Pure; the caller says whether both CNIs run, and may describe "when" in its own words (the stack says
 * "before phase 8 (finalize) — phase is 5 (drain-legacy)").
 */
import { CHART_DAEMONSETS } from "./daemonSets";

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
    "cni.chainingMode": "ENI mode runs Cilium as the only CNI; for hostPort pods before phase 9 set `cilium.portmapChaining: true`",
};

/** Keys the migration depends on while both CNIs run; an override may change them once only Cilium runs. */
export const MIGRATION_PROTECTED: Record<string, string> = {
    "operator.unmanagedPodWatcher.restart": "it would restart pods aws-node still manages",
    "policyEnforcementMode": "it is `cilium.policyDuringMigration` while both pools run",
    ...Object.fromEntries(CHART_DAEMONSETS.flatMap((ds) => [
        ...(ds.affinity ? [[ds.affinity, `it keeps ${ds.template.split("/")[0]} off aws-node's nodes`]] : []),
        ...(ds.affinityRenderedWhen ? [[ds.affinityRenderedWhen.key, `the chart renders the agent's affinity (which keeps it off aws-node's nodes) only when it is "${ds.affinityRenderedWhen.equals}"`]] : []),
        ...(ds.disabledBy ? [[ds.disabledBy, `${ds.template.split("/")[0]} could not be kept off aws-node's nodes`]] : []),
    ])),
};

export class CiliumValuesError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "CiliumValuesError";
    }
}

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value);

/** Dotted paths of every leaf and object in `values` (`a`, `a.b`, `a.b.c`). */
export function valuePaths(values: Record<string, unknown>, prefix = ""): string[] {
    return Object.entries(values).flatMap(([k, v]) => {
        const path = prefix ? `${prefix}.${k}` : k;
        return isPlainObject(v) ? [path, ...valuePaths(v, path)] : [path];
    });
}

/** How a refusal of a migration key reads: until when, and (optionally) where things stand now. */
export interface RefusalWording {
    /** e.g. "phase 8 (finalize)". */
    before: string;
    /** e.g. "phase is 5 (drain-legacy)". */
    now?: string;
    /** e.g. "phase 8". */
    until: string;
}

const DEFAULT_WORDING: RefusalWording = { before: "both CNIs stop running side by side", until: "then" };

export function assertOverridesAllowed(overrides: Record<string, unknown>, opts: { bothCnisRun: boolean; wording?: RefusalWording }): void {
    const paths = valuePaths(overrides);
    // Setting a parent to a scalar (or null) replaces the protected key too.
    const touches = (key: string) => paths.some((p) => p === key || p.startsWith(`${key}.`) || key.startsWith(`${p}.`) && !isPlainObject(get(overrides, p)));
    for (const [key, why] of Object.entries(ALWAYS_PROTECTED)) {
        if (touches(key)) throw new CiliumValuesError(`\`cilium.values.${key}\` cannot be overridden: ${why}. Remove it from \`cilium.values\`.`);
    }
    if (!opts.bothCnisRun) return;
    const w = opts.wording ?? DEFAULT_WORDING;
    for (const [key, why] of Object.entries(MIGRATION_PROTECTED)) {
        if (touches(key)) {
            throw new CiliumValuesError(`\`cilium.values.${key}\` cannot be overridden before ${w.before}${w.now ? ` — ${w.now}` : ""}: ${why}. ` +
                `Remove it from \`cilium.values\` until ${w.until}.`);
        }
    }
}

function get(values: Record<string, unknown>, path: string): unknown {
    return path.split(".").reduce<unknown>((v, k) => (isPlainObject(v) ? v[k] : undefined), values);
}
