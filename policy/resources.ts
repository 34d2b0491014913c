/**
 * What every policy of the pack reads off a resource as @pulumi/policy hands it over, and the program's names for
 * the resources it judges. The policies judge registered inputs (or, in a stack policy, the planned state), never
 * the stack's config: what they need of the config (the node label, `deleteLegacyNodeGroups`, the node groups'
 * descriptions) comes as the policy's own configuration, which `npm run plan -- --policy` fills from the stack.
 */
import * as YAML from "yaml";
import { DEFAULT_NODE_LABELS, NodeLabels } from "../migration/names";
import { CILIUM_CHART_NAME } from "../components/cilium/pins";

/** A resource as a policy sees it: the fields both ResourceValidationArgs and PolicyResource carry. */
export interface SeenResource {
    type: string;
    name: string;
    urn: string;
    props: Record<string, unknown>;
    opts: { protect: boolean; ignoreChanges: string[] };
}

/**
 * Options CrossGuard does not pass: the analyzer protocol's AnalyzerResourceOptions carries protect, ignoreChanges,
 * deleteBeforeReplace, aliases, customTimeouts, additionalSecretOutputs and parent only (@pulumi/pulumi 3.270.0
 * proto/analyzer_pb.js; pulumi-policy sdk/nodejs/policy/server.ts `getResourceOptions`). The planner knows them and
 * adds them; under `pulumi preview` they are `undefined`, and a policy must not read "unknown" as "false".
 */
export interface PlannerOptions {
    retainOnDelete?: boolean;
    import?: string;
}

export const plannerOptions = (r: SeenResource): PlannerOptions => r.opts as PlannerOptions;

/** The component types a resource sits in, outermost first (the URN's type chain: `parent$child$type`). */
export function parentTypes(urn: string): string[] {
    const chain = urn.split("::")[2] ?? "";
    return chain.split("$").slice(0, -1);
}

export const isInside = (r: SeenResource, componentType: string) => parentTypes(r.urn).includes(componentType);

/** The node group types the program declares: an adopted or twin group, and the demo's pools. */
export const NODE_GROUP_TYPES = new Set(["aws:eks/nodeGroup:NodeGroup", "eks:index:ManagedNodeGroup"]);

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The value at a dotted path of nested objects (`eni.enabled`), or undefined. */
export function valueAt(values: unknown, path: string): unknown {
    return path.split(".").reduce<unknown>((v, k) => (isObject(v) ? v[k] : undefined), values);
}

/** The node label configuration of a policy (`nodeLabels` in its config), the program's default otherwise. */
export function nodeLabelsOf(config: { nodeLabels?: Partial<NodeLabels> }): NodeLabels {
    return { ...DEFAULT_NODE_LABELS, ...(config.nodeLabels ?? {}) };
}

/** The config schema of `nodeLabels`, for the policies that need it. */
export const NODE_LABELS_SCHEMA = {
    nodeLabels: {
        type: "object" as const,
        description: "The node label that tells the pools apart (stack config `nodeLabels`).",
        properties: { key: { type: "string" as const }, legacyValue: { type: "string" as const }, ciliumValue: { type: "string" as const } },
    },
};

/** A Helm release of the Cilium chart (by chart name; a chart URL or `repo/cilium` reference counts too). */
export function isCiliumRelease(r: SeenResource): boolean {
    const chart = r.props.chart;
    return r.type === "kubernetes:helm.sh/v3:Release" && typeof chart === "string" && chart.split("/").pop()?.replace(/-[0-9].*\.tgz$/, "") === CILIUM_CHART_NAME;
}

/** The vpc-cni EKS add-on: it is aws-node. */
export const isVpcCniAddon = (r: SeenResource) => r.type === "aws:eks/addon:Addon" && r.props.addonName === "vpc-cni";

/** A server-side-apply patch of the aws-node DaemonSet (clusters whose aws-node is not an EKS add-on). */
export function isAwsNodePatch(r: SeenResource): boolean {
    const meta = r.props.metadata;
    return r.type === "kubernetes:apps/v1:DaemonSetPatch" && isObject(meta) && meta.name === "aws-node" && (meta.namespace ?? "kube-system") === "kube-system";
}

/** The declarations of aws-node in a stack: while one exists, aws-node runs. */
export const awsNodeDeclarations = (resources: SeenResource[]) => resources.filter((r) => isVpcCniAddon(r) || isAwsNodePatch(r));

/** An add-on's `configurationValues` (JSON or YAML text, as EKS takes it), parsed; `{}` when unset. */
export function addonConfiguration(text: unknown): Record<string, unknown> {
    if (typeof text !== "string" || text.trim() === "") return {};
    const parsed = YAML.parse(text);
    return isObject(parsed) ? parsed : {};
}

export const describe = (r: SeenResource) => `${r.type} ${r.name}`;
