/**
 * Runs every preflight check on what was read: a check whose files are all there reports its hazards; one with a
 * file missing reports `not-checked` naming it (never a pass). A blocker named in `preflight.accept` is shown with
 * its reason and no longer fails the run, unless it is unwaivable (catalog.ts `UNWAIVABLE`).
 */
import { ASG_FILES, AWS_FILES, KUBECTL_FILES, SnapshotFile } from "../migration/snapshotFiles";
import { NOT_CHECKED, PREFLIGHT_CHECKS, UNWAIVABLE } from "./catalog";
import { DrainForecast, drainForecast } from "./forecast";
import { buildIndex } from "./index";
import { legacyNodesOf } from "./objects";
import { defaultNodePools } from "./karpenterChecks";
import { ciliumSubnets, zoneOfSubnet } from "./pool";
import { Finding, InputPart, PreflightContext, PreflightInput, PreflightOptions } from "./types";

/** The snapshot file behind each input part. */
export const INPUT_FILES: Record<InputPart, SnapshotFile> = {
    cluster: AWS_FILES.cluster, nodegroups: AWS_FILES.nodegroups, addons: AWS_FILES.addons, subnets: AWS_FILES.subnets,
    nodes: KUBECTL_FILES.nodes, pods: KUBECTL_FILES.pods, daemonsets: KUBECTL_FILES.daemonsets, deployments: KUBECTL_FILES.deployments,
    statefulsets: KUBECTL_FILES.statefulsets, configmaps: KUBECTL_FILES.configmaps, poddisruptionbudgets: KUBECTL_FILES.poddisruptionbudgets,
    networkpolicies: KUBECTL_FILES.networkpolicies, ciliumnetworkpolicies: KUBECTL_FILES.ciliumnetworkpolicies,
    persistentvolumes: KUBECTL_FILES.persistentvolumes, persistentvolumeclaims: KUBECTL_FILES.persistentvolumeclaims,
    eniconfigs: KUBECTL_FILES.eniconfigs, securitygrouppolicies: KUBECTL_FILES.securitygrouppolicies,
    autoscalinggroups: ASG_FILES.autoScalingGroups, launchtemplateversions: ASG_FILES.launchTemplateVersions,
    calicoinstallations: KUBECTL_FILES.calicoinstallations, caliconetworkpolicies: KUBECTL_FILES.caliconetworkpolicies,
    calicoglobalnetworkpolicies: KUBECTL_FILES.calicoglobalnetworkpolicies, caliconetworksets: KUBECTL_FILES.caliconetworksets,
    calicoglobalnetworksets: KUBECTL_FILES.calicoglobalnetworksets, calicohostendpoints: KUBECTL_FILES.calicohostendpoints, calicotiers: KUBECTL_FILES.calicotiers,
    nodepools: KUBECTL_FILES.nodepools, nodeclaims: KUBECTL_FILES.nodeclaims, ec2nodeclasses: KUBECTL_FILES.ec2nodeclasses,
};

export interface PreflightReport {
    findings: Finding[];
    forecast: DrainForecast;
    /** Blockers not accepted: the run fails when there is one. */
    unacceptedBlockers: Finding[];
}

export function preflightContext(input: PreflightInput, given: PreflightOptions): PreflightContext {
    // Unset `nodePools` is every NodePool the cluster has but the twins (none known without nodepools.json).
    const options = given.nodePools === undefined ? { ...given, nodePools: defaultNodePools(input) } : given;
    const partial: PreflightContext = { input, options, legacyNodes: legacyNodesOf(input, options), index: buildIndex(input), ciliumZones: new Set() };
    const zones = zoneOfSubnet(partial);
    const ciliumZones = new Set(ciliumSubnets(partial).map((s) => zones.get(s)).filter((z): z is string => z !== undefined));
    return { ...partial, ciliumZones };
}

export function runPreflight(input: PreflightInput, options: PreflightOptions): PreflightReport {
    const ctx = preflightContext(input, options);
    const missing = (needs: InputPart[]) => needs.filter((part) => input[part] === undefined);
    const findings: Finding[] = [];
    for (const check of PREFLIGHT_CHECKS) {
        const absent = missing(check.needs);
        const runnable = absent.length === 0 || (check.anyOf === true && absent.length < check.needs.length);
        const hits = runnable ? check.run(ctx) : [];
        if (absent.length > 0 && hits.length === 0) {
            findings.push({
                id: NOT_CHECKED, severity: "info", phase: check.phase,
                message: `${check.id} was not checked: ${absent.map((p) => INPUT_FILES[p].file).join(", ")} missing.`,
                objects: absent.map((p) => INPUT_FILES[p].file),
                remedy: `Write the file${absent.length > 1 ? "s" : ""} (${absent.map((p) => INPUT_FILES[p].writtenBy).join("; ")}), or take a whole snapshot with npm run snapshot.`,
            });
            continue;
        }
        for (const hit of hits) {
            const finding: Finding = { id: check.id, severity: hit.severity ?? check.severity, message: hit.message, objects: hit.objects,
                phase: hit.phase ?? check.phase, remedy: hit.remedy };
            // An unwaivable blocker stays one, whatever `preflight.accept` says.
            const accepted = finding.severity === "blocker" && !UNWAIVABLE.includes(check.id) ? options.accept.find((a) => a.id === check.id) : undefined;
            findings.push(accepted ? { ...finding, accepted: { reason: accepted.reason } } : finding);
        }
    }
    return {
        findings,
        forecast: drainForecast(ctx, missing),
        unacceptedBlockers: findings.filter((f) => f.severity === "blocker" && !f.accepted),
    };
}
