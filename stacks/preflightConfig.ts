/**
 * `preflight` in the stack config (the blockers it accepts, each with a reason), and what preflight is told of the
 * stack: which nodes are legacy, where their pods go, and the choices that change a finding (drain, policy mode,
 * portmap, Helm overrides). Pure.
 */
import { DEFAULT_NODE_LABELS } from "../migration/names";
import { CiliumValuesError, ciliumValues, deepMerge } from "../components/cilium/values";
import { FINDING_IDS, UNWAIVABLE } from "../preflight/catalog";
import { PreflightOptions } from "../preflight/types";
import { MigrationConfig, PreflightConfig } from "./configTypes";
import { INVALID, Problems, isPlainObject, noUnknownKeys } from "./validate";

export const DEFAULT_PREFLIGHT: PreflightConfig = { accept: [] };

export function parsePreflight(p: Problems, value: unknown): PreflightConfig {
    if (value === undefined) return DEFAULT_PREFLIGHT;
    if (value === INVALID) return undefined as unknown as PreflightConfig;
    if (!isPlainObject(value)) {
        p.add(`\`preflight\` is ${JSON.stringify(value)}; it must be an object: {accept: [{id, reason}]}.`);
        return undefined as unknown as PreflightConfig;
    }
    noUnknownKeys(p, "preflight", value, ["accept"]);
    const accept = value.accept ?? [];
    if (!Array.isArray(accept)) {
        p.add(`\`preflight.accept\` is ${JSON.stringify(accept)}; it must be a list of {id, reason}.`);
        return DEFAULT_PREFLIGHT;
    }
    accept.forEach((a, i) => {
        const key = `preflight.accept[${i}]`;
        if (!isPlainObject(a)) { p.add(`\`${key}\` is ${JSON.stringify(a)}; it must be {id, reason}.`); return; }
        noUnknownKeys(p, key, a, ["id", "reason"]);
        if (typeof a.id !== "string" || !FINDING_IDS.includes(a.id)) {
            p.add(`\`${key}.id\` is ${JSON.stringify(a.id)}; it must be a preflight finding id: ${FINDING_IDS.join(", ")}.`);
        } else if (UNWAIVABLE.includes(a.id)) {
            p.add(`\`${key}.id\` is ${JSON.stringify(a.id)}, an unwaivable blocker: it cannot be accepted; remove its cause (npm run preflight names the nodes).`);
        }
        if (typeof a.reason !== "string" || a.reason.trim().length < 10) {
            p.add(`\`${key}.reason\` is ${JSON.stringify(a.reason)}; say why the blocker is accepted (at least 10 characters): it is shown with the finding.`);
        }
    });
    return { accept: accept.filter(isPlainObject).map((a) => ({ id: String(a.id), reason: String(a.reason) })) };
}

/** What preflight is told of a stack (design.md: legacy nodes are the migrated groups', or the demo's legacy group's). */
export function preflightOptionsOf(config: MigrationConfig): PreflightOptions {
    return {
        legacy: config.existingCluster
            ? { kind: "node-groups", ...(config.existingCluster.nodeGroups ? { groups: config.existingCluster.nodeGroups } : {}) }
            : { kind: "node-group", name: config.legacyNodeGroup.name },
        labels: config.nodeLabels,
        cilium: config.existingCluster ? { kind: "twins", suffix: config.twins.nameSuffix } : { kind: "group", name: config.ciliumNodeGroup.name },
        drain: { deleteEmptyDirData: config.drain.deleteEmptyDirData, batchSize: config.drain.batchSize },
        policyDuringMigration: config.cilium.policyDuringMigration,
        portmapChaining: config.cilium.portmapChaining,
        ciliumValues: config.cilium.values,
        chartVersion: config.cilium.chartVersion,
        releaseValues: releaseValuesOf(config),
        accept: config.preflight.accept,
        ...(config.existingCluster?.autoScalingGroups ? { asgs: config.existingCluster.autoScalingGroups } : {}),
        ...(config.existingCluster?.nodePools ? { nodePools: config.existingCluster.nodePools } : {}),
        ...(config.calico?.applyConvertedPolicies ? { calicoApplyConvertedPolicies: true } : {}),
    };
}

/**
 * The values the program's own function gives the Cilium release in phase 3 and phase 9 with the stack's overrides
 * (design.md, "What changes meaning under Cilium": judged on these, never on the raw stack file). The endpoint is a
 * stand-in: only its host name is used, and no check reads it.
 */
export function releaseValuesOf(config: MigrationConfig): PreflightOptions["releaseValues"] {
    const of = (bothCnisRun: boolean, kubeProxyReplacement: boolean) => {
        try {
            return ciliumValues({
                bothCnisRun, kubeProxyReplacement, chartVersion: config.cilium.chartVersion, clusterName: "preflight",
                nodeLabels: config.nodeLabels ?? DEFAULT_NODE_LABELS, clusterEndpoint: "https://preflight.invalid", overrides: config.cilium.values,
                policyDuringMigration: config.cilium.policyDuringMigration, portmapChaining: config.cilium.portmapChaining,
            });
        } catch (err) {
            // An override refused in that phase (the stack is validated for its own phase): the overrides as they stand.
            if (!(err instanceof CiliumValuesError)) throw err;
            return deepMerge({ kubeProxyReplacement }, config.cilium.values);
        }
    };
    return { phase3: of(true, false), phase9: of(false, true) };
}
