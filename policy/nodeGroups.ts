/**
 * The node groups the migration adopts and the twins it creates: never replaced, never deleted by accident. Stack
 * policies over the registered inputs; a node group the program adopted is recognised by the component it sits in
 * (`LegacyNodeGroups`; the `import` option is not passed to policies), a twin by `CiliumTwins`/`CiliumNodeGroup`.
 */
import { StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { NODE_GROUP_TYPES, SeenResource, isInside, plannerOptions, valueAt } from "./resources";

const ADOPTED_IN = "eks-cilium-migration:index:LegacyNodeGroups";
const TWINS_IN = ["eks-cilium-migration:index:CiliumTwins", "eks-cilium-migration:index:CiliumNodeGroup"];

export const isAdoptedNodeGroup = (r: SeenResource) => r.type === "aws:eks/nodeGroup:NodeGroup" && (plannerOptions(r).import !== undefined || isInside(r, ADOPTED_IN));
export const isTwinNodeGroup = (r: SeenResource) => NODE_GROUP_TYPES.has(r.type) && TWINS_IN.some((c) => isInside(r, c));
const groupName = (r: SeenResource) => String(r.props.nodeGroupName ?? r.name);

/**
 * The aws.eks.NodeGroup inputs whose change replaces the group and every node in it: `ForceNew` in the Terraform
 * provider the AWS provider bridges (hashicorp/terraform-provider-aws internal/service/eks/node_group.go @ b11fc0f).
 * Labels, taints, scaling, release version, version, update config and tags update in place.
 */
export const REPLACING_INPUTS = [
    "amiType", "capacityType", "clusterName", "diskSize", "instanceTypes", "launchTemplate.id", "launchTemplate.name",
    "nodeGroupName", "nodeGroupNamePrefix", "nodeRoleArn", "remoteAccess", "subnetIds",
] as const;

/** Sets (subnets, security groups) compare unordered; everything else as JSON. */
function comparable(path: string, value: unknown): string {
    const sorted = (v: unknown) => (Array.isArray(v) ? [...v].map(String).sort() : v);
    if (path === "subnetIds") return JSON.stringify(sorted(value));
    if (path === "remoteAccess" && value && typeof value === "object") {
        const ra = value as Record<string, unknown>;
        return JSON.stringify({ ec2SshKey: ra.ec2SshKey, sourceSecurityGroupIds: sorted(ra.sourceSecurityGroupIds) });
    }
    return JSON.stringify(value);
}

/**
 * The replacing inputs a declaration sets differently from the group's description (as the AWS provider's inputs).
 * An input left out keeps what the group has (each is optional and computed, or required and then declared).
 */
export function replacingDifferences(declared: Record<string, unknown>, described: Record<string, unknown>): string[] {
    return REPLACING_INPUTS.filter((path) => {
        const mine = valueAt(declared, path);
        return mine !== undefined && comparable(path, mine) !== comparable(path, valueAt(described, path));
    }).map((path) => `\`${path}\` is ${JSON.stringify(valueAt(declared, path))} but the group has ${JSON.stringify(valueAt(described, path))}`);
}

/** A Karpenter NodePool patch (pulumi-kubernetes' CustomResourcePatch type token is `kubernetes:<apiVersion>:<kind>Patch`). */
const isNodePoolPatch = (r: SeenResource) => /^kubernetes:karpenter\.sh\/[^:]+:NodePoolPatch$/.test(r.type);

export const noNodeGroupReplacement: StackValidationPolicy = {
    name: "no-node-group-replacement",
    description: "No adopted node group is declared with an input that replaces it, and no NodePool patch touches spec.template.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            descriptions: {
                type: "object",
                description: "Each adopted group's description (describe-nodegroup, as aws.eks.NodeGroup inputs), by group name. " +
                    "`npm run plan -- --policy` fills it from the cluster snapshot; without it only NodePool patches are judged.",
            },
        },
    },
    validateStack: (args: StackValidationArgs, reportViolation) => {
        const descriptions = args.getConfig<{ descriptions?: Record<string, Record<string, unknown>> }>().descriptions ?? {};
        const resources: SeenResource[] = args.resources;
        for (const group of resources.filter(isAdoptedNodeGroup)) {
            const described = descriptions[groupName(group)];
            if (!described) continue; // Nothing to compare with: the plan's diff shows the change instead.
            for (const difference of replacingDifferences(group.props, described)) {
                reportViolation(`adopted node group ${groupName(group)}: ${difference}; changing it replaces the group and every node in it.`, group.urn);
            }
        }
        for (const patch of resources.filter(isNodePoolPatch)) {
            if (valueAt(patch.props, "spec.template") === undefined) continue;
            reportViolation(`NodePool patch ${patch.name} sets spec.template: Karpenter replaces every node whose NodePool template changes (drift).`, patch.urn);
        }
    },
};

/** Scaled to zero (phase 7 on): nothing runs in it any more. */
const atZero = (r: SeenResource) => Number(valueAt(r.props, "scalingConfig.desiredSize")) === 0 && Number(valueAt(r.props, "scalingConfig.minSize")) === 0;

/**
 * Why an adopted group may go unprotected, or undefined. `retainOnDelete` is not passed to policies: under
 * `pulumi preview` an unprotected group at zero is accepted (the program retains it then, unless
 * `deleteLegacyNodeGroups`), one that may still hold nodes is not.
 */
function unprotectedAllowed(group: SeenResource, deleteLegacyNodeGroups: boolean): boolean {
    const retain = plannerOptions(group).retainOnDelete;
    if (retain === true) return true;
    return atZero(group) && (deleteLegacyNodeGroups || retain === undefined);
}

export const protectedProduction: StackValidationPolicy = {
    name: "protected-production",
    description: "Adopted node groups are protected or retainOnDelete (from the scale to zero on, exempt with " +
        "deleteLegacyNodeGroups: true); the Cilium twins are protected.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: { deleteLegacyNodeGroups: { type: "boolean", default: false, description: "Stack config `existingCluster.deleteLegacyNodeGroups`." } },
    },
    validateStack: (args: StackValidationArgs, reportViolation) => {
        const deleteLegacy = args.getConfig<{ deleteLegacyNodeGroups?: boolean }>().deleteLegacyNodeGroups ?? false;
        const resources: SeenResource[] = args.resources;
        for (const group of resources.filter(isAdoptedNodeGroup)) {
            if (group.opts.protect || unprotectedAllowed(group, deleteLegacy)) continue;
            reportViolation(`adopted node group ${groupName(group)} is neither protected nor retainOnDelete: ` +
                "removing it from the program, or a destroy, would delete a group another tool made.", group.urn);
        }
        for (const twin of resources.filter(isTwinNodeGroup)) {
            if (twin.opts.protect) continue;
            reportViolation(`Cilium node group ${groupName(twin)} is not protected: it carries every workload once the migration is done.`, twin.urn);
        }
    },
};
