/**
 * Which CNI runs where ("Which CNI a node gets"): aws-node never on a Cilium node, and — while aws-node runs — no
 * per-node workload of the Cilium release on a legacy node. Stack policies: each needs to know what else the stack
 * declares (a Cilium release, a node group that can hold Cilium nodes, aws-node itself).
 */
import { StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { NodeLabels } from "../migration/names";
import { awsNodeAffinity } from "../components/awsNode/affinity";
import { CHART_DAEMONSETS, inChart } from "../components/cilium/daemonSets";
import { keepsOffLabel } from "./affinity";
import {
    NODE_GROUP_TYPES,
    NODE_LABELS_SCHEMA, SeenResource, addonConfiguration, awsNodeDeclarations, describe, isCiliumRelease, isVpcCniAddon,
    nodeLabelsOf, valueAt,
} from "./resources";


/** A node group whose nodes are born with the Cilium label and that may hold any (desired or minimum above zero). */
function mayHoldCiliumNodes(r: SeenResource, labels: NodeLabels): boolean {
    if (!NODE_GROUP_TYPES.has(r.type) || valueAt(r.props, `labels`) === undefined) return false;
    const nodeLabels = r.props.labels as Record<string, unknown>;
    const size = (key: string) => Number(valueAt(r.props, `scalingConfig.${key}`) ?? 0);
    return nodeLabels[labels.key] === labels.ciliumValue && (size("desiredSize") > 0 || size("minSize") > 0);
}

/**
 * aws-node's affinity as a declaration leaves it: the add-on's (or the patch's) own, else the chart's default of
 * that version — the program's own default (components/awsNode/affinity.ts), which admits every Linux EC2 node.
 */
export function awsNodeAffinityOf(r: SeenResource, labels: NodeLabels): unknown {
    if (isVpcCniAddon(r)) {
        const own = addonConfiguration(r.props.configurationValues).affinity;
        const version = typeof r.props.addonVersion === "string" ? r.props.addonVersion : undefined;
        return own ?? awsNodeAffinity(false, labels, version);
    }
    return valueAt(r.props, "spec.template.spec.affinity") ?? awsNodeAffinity(false, labels);
}

export const awsNodeNeverOnCiliumNodes: StackValidationPolicy = {
    name: "aws-node-never-on-cilium-nodes",
    description: "aws-node (the vpc-cni add-on or the aws-node DaemonSet patch) admits no node born with the Cilium label, " +
        "once the stack declares Cilium or a node group that may hold Cilium nodes.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { ...NODE_LABELS_SCHEMA } },
    validateStack: (args: StackValidationArgs, reportViolation) => {
        const labels = nodeLabelsOf(args.getConfig());
        const resources: SeenResource[] = args.resources;
        if (!resources.some((r) => isCiliumRelease(r) || mayHoldCiliumNodes(r, labels))) {
            args.notApplicable("no Cilium release and no node group that may hold Cilium nodes yet");
        }
        for (const r of awsNodeDeclarations(resources)) {
            if (keepsOffLabel(awsNodeAffinityOf(r, labels), labels.key, labels.ciliumValue)) continue;
            reportViolation(`aws-node (${describe(r)}) may run on nodes labelled ${labels.key}=${labels.ciliumValue}: ` +
                `every node selector term of its affinity must exclude them (${labels.key} NotIn [${labels.ciliumValue}]).`, r.urn);
        }
    },
};

/** Where a Cilium release's values let a per-node workload of its chart onto legacy nodes: one line each. */
export function legacyNodeLeaks(values: unknown, chartVersion: string, labels: NodeLabels): string[] {
    const leaks: string[] = [];
    // The chart's own list of per-node workloads, as the program keeps each off (components/cilium/daemonSets.ts).
    for (const ds of CHART_DAEMONSETS.filter((d) => inChart(d, chartVersion))) {
        const workload = ds.template.split("/")[0];
        // Legacy nodes are every node without the Cilium label ("Which CNI a node gets"): the marked and the unlabelled.
        if (ds.affinity && !keepsOffLabel(valueAt(values, ds.affinity), labels.key, labels.legacyValue)) {
            leaks.push(`${workload}: \`${ds.affinity}\` admits nodes labelled ${labels.key}=${labels.legacyValue}`);
        } else if (ds.affinity && !keepsOffLabel(valueAt(values, ds.affinity), labels.key, undefined)) {
            leaks.push(`${workload}: \`${ds.affinity}\` admits nodes without ${labels.key} (legacy nodes nobody labelled); require ${labels.key} In [${labels.ciliumValue}]`);
        }
        const rendered = ds.affinityRenderedWhen;
        if (rendered && valueAt(values, rendered.key) !== rendered.equals) {
            leaks.push(`${workload}: \`${rendered.key}\` is ${JSON.stringify(valueAt(values, rendered.key))}; the chart renders its affinity only when it is "${rendered.equals}"`);
        }
        if (ds.disabledBy && valueAt(values, ds.disabledBy) !== false) {
            leaks.push(`${workload}: \`${ds.disabledBy}\` must be false while aws-node runs (it cannot be kept off aws-node's nodes)`);
        }
    }
    return leaks;
}

export const ciliumOffLegacyNodes: StackValidationPolicy = {
    name: "cilium-off-legacy-nodes",
    description: "While aws-node is declared, every per-node workload of each Cilium release is kept off legacy nodes " +
        "(the chart's DaemonSets as the program lists them).",
    enforcementLevel: "mandatory",
    configSchema: { properties: { ...NODE_LABELS_SCHEMA } },
    validateStack: (args: StackValidationArgs, reportViolation) => {
        const labels = nodeLabelsOf(args.getConfig());
        const resources: SeenResource[] = args.resources;
        if (awsNodeDeclarations(resources).length === 0) args.notApplicable("aws-node is not declared: only Cilium runs");
        for (const release of resources.filter(isCiliumRelease)) {
            for (const leak of legacyNodeLeaks(release.props.values, String(release.props.version ?? ""), labels)) {
                reportViolation(`Cilium release ${release.name}: ${leak}.`, release.urn);
            }
        }
    },
};
