/**
 * aws-node's node affinity. A custom affinity replaces the default one (vpc-cni addon and DaemonSet alike), so the
 * default terms are kept and `<key> In [<legacyValue>]` is added to the same term (AND), which keeps aws-node off
 * every node that is not a legacy node — including Cilium nodes, whose taint aws-node would tolerate
 * (`tolerations: [{operator: Exists}]`, see docs/field-notes.md "Why the pools must stay apart").
 */
import { NodeLabels } from "../stacks/configTypes";

export interface NodeSelectorRequirement {
    key: string;
    operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
    values?: string[];
}

/** The terms the vpc-cni addon and the aws-node DaemonSet ship with. */
export const DEFAULT_AWS_NODE_MATCH_EXPRESSIONS: readonly NodeSelectorRequirement[] = [
    { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
    { key: "kubernetes.io/arch", operator: "In", values: ["amd64", "arm64"] },
    { key: "eks.amazonaws.com/compute-type", operator: "NotIn", values: ["fargate"] },
];

export function awsNodePinnedAffinity(labels: NodeLabels) {
    return {
        nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{
                    matchExpressions: [
                        ...DEFAULT_AWS_NODE_MATCH_EXPRESSIONS.map((e) => ({ ...e, values: [...(e.values ?? [])] })),
                        { key: labels.key, operator: "In", values: [labels.legacyValue] },
                    ],
                }],
            },
        },
    };
}

/** `configurationValues` of the vpc-cni EKS addon (JSON text, as the EKS API takes it) — or undefined for the default. */
export function vpcCniAddonConfiguration(pinned: boolean, labels: NodeLabels): string | undefined {
    return pinned ? JSON.stringify({ affinity: awsNodePinnedAffinity(labels) }) : undefined;
}

/** The server-side-apply patch body for a self-managed aws-node DaemonSet (everything but metadata). */
export function awsNodeDaemonSetPatchSpec(labels: NodeLabels) {
    return { template: { spec: { affinity: awsNodePinnedAffinity(labels) } } };
}
