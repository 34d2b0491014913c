/**
 * What CreateNodegroup (and the tool that made a legacy group) would do to a twin, checked before anything is
 * declared: each rule is the EKS API's own (botocore's CreateNodegroupRequest, vendored in
 * tests/fixtures/real/botocore/eks-create-nodegroup.json) or the old tool's. Pure.
 */
import { CILIUM_STARTUP_TAINT_KEY, ManagedNodeGroupDescription, withoutOwnershipTags } from "../components/nodePools/nodeGroupDescription";
import { LEGACY_RETIRING_TAINT } from "../migration/names";
import * as phases from "../migration/phases";
import { MigrationConfig } from "./configTypes";
import { NodeGroupSelection } from "./nodeGroupSelection";

/** EKS: at most 50 taints per node group (the AWS provider's NodeGroup docs) and 50 tags per resource (TagMap). */
export const MAX_NODE_GROUP_TAINTS = 50;
export const MAX_TAGS = 50;
/** The tags the migration adds to every twin (stacks/migration.ts `tagsOf`). */
const OUR_TWIN_TAGS = 1;

export function checkTwins(selection: NodeGroupSelection, config: MigrationConfig, clusterVersion: string | undefined,
    defaultTags: Record<string, string> = {}): { problems: string[]; notes: string[] } {
    const problems: string[] = [];
    const notes: string[] = [];
    for (const g of selection.twinSources) {
        const live = selection.liveTwins[g.name];
        const o = config.twins.overrides[g.name] ?? {};
        const twinName = `${g.name}${config.twins.nameSuffix}`;
        const isLegacy = selection.legacy.includes(g);
        if (!live && g.amiType !== "CUSTOM" && g.version && clusterVersion && g.version !== clusterVersion) {
            problems.push(`node group ${g.name} runs Kubernetes ${g.version} but cluster ${g.clusterName} runs ${clusterVersion}: CreateNodegroup ` +
                `accepts only the cluster's version, so its twin ${twinName} cannot be made like it. Upgrade the legacy groups first ` +
                `(aws eks update-nodegroup-version --cluster-name ${g.clusterName} --nodegroup-name ${g.name}), then run the phase again.`);
        }
        if (live && config.twins.nodeRoleArn && live.nodeRoleArn && live.nodeRoleArn !== config.twins.nodeRoleArn) {
            problems.push(`\`ciliumNodeGroup.nodeRoleArn\` is ${config.twins.nodeRoleArn}, but twin ${twinName} already runs with ${live.nodeRoleArn}: ` +
                "a node group's role is fixed when it is created (changing it replaces the group and every Cilium node). Set it to the twin's role, or remove it.");
        }
        if (!live && o.instanceTypes && g.launchTemplate && !g.instanceTypes) {
            problems.push(`\`ciliumNodeGroup.overrides.${g.name}.instanceTypes\` is set, but node group ${g.name}'s launch template ` +
                `${g.launchTemplate.id} sets the instance type: CreateNodegroup fails when both do. Give the twin a launch template version ` +
                `with the instance type you want (\`ciliumNodeGroup.overrides.${g.name}.launchTemplateVersion\`) instead.`);
        }
        if (o.launchTemplateVersion && !g.launchTemplate) {
            problems.push(`\`ciliumNodeGroup.overrides.${g.name}.launchTemplateVersion\` is set, but node group ${g.name} has no launch template.`);
        }
        const taints = g.taints.filter((t) => t.key !== CILIUM_STARTUP_TAINT_KEY && t.key !== LEGACY_RETIRING_TAINT.key).length + 1;
        if (taints > MAX_NODE_GROUP_TAINTS) {
            problems.push(`node group ${g.name}'s twin would have ${taints} taints (its ${taints - 1} and Cilium's startup taint); EKS allows ` +
                `${MAX_NODE_GROUP_TAINTS} per node group. Remove a taint from ${g.name} first.`);
        }
        // The provider adds its default tags (`aws:defaultTags`) to the twin it creates: they count towards EKS's limit.
        const tags = new Set([...Object.keys(withoutOwnershipTags(g.tags)), ...Object.keys(defaultTags)]).size + OUR_TWIN_TAGS;
        if (tags > MAX_TAGS) {
            problems.push(`node group ${g.name}'s twin would have ${tags} tags (its ${tags - OUR_TWIN_TAGS}, the provider's default tags included, and the migration's); EKS allows ` +
                `${MAX_TAGS} per resource. Remove a tag from ${g.name} first.`);
        }
        if (g.capacityType === "CAPACITY_BLOCK" && !live) {
            notes.push(`node group ${g.name} runs on a capacity block (capacityType CAPACITY_BLOCK): its twin ${twinName} launches into the same ` +
                "reservation, so both fit only if the block has room for the Cilium nodes while the legacy ones still run; otherwise " +
                "reserve more, or lower the twin's sizes (`ciliumNodeGroup.overrides`).");
        }
        notes.push(...driftNotes(g, live, o, twinName, isLegacy));
        if (isLegacy && !phases.legacyPoolDeleted(config.phase)) notes.push(sharedNote(g, twinName, config, live));
        if (isLegacy && g.launchTemplate && !live && !phases.legacyScaledToZero(config.phase)) {
            notes.push(`node group ${g.name} uses launch template ${g.launchTemplate.id} version ${g.launchTemplate.version}, and its twin will too. ` +
                "If its user data sets kubelet --max-pods for aws-cni (e.g. from the max-pods calculator, or for prefix delegation), set it for " +
                "Cilium's ENI mode instead: ENIs × (IPs per ENI − 1) without prefix delegation — in a new launch template version, given to the twin " +
                `by \`ciliumNodeGroup.overrides.${g.name}.launchTemplateVersion\` (a node's max-pods is its status.capacity.pods).`);
        }
    }
    return { problems, notes };
}

/** A twin keeps its own template version and AMI release: say what an override changes (every node recycled). */
function driftNotes(g: ManagedNodeGroupDescription, live: ManagedNodeGroupDescription | undefined,
    o: { launchTemplateVersion?: string; releaseVersion?: string }, twinName: string, legacyExists: boolean): string[] {
    if (!live) return [];
    const notes: string[] = [];
    const fields: [string, string | undefined, string | undefined, string | undefined][] = [
        ["launch template version", live.launchTemplate?.version, o.launchTemplateVersion, g.launchTemplate?.version],
        ["AMI release", live.releaseVersion, o.releaseVersion, g.releaseVersion],
    ];
    for (const [what, own, wanted, legacy] of fields) {
        if (wanted !== undefined && wanted !== own) {
            notes.push(`twin ${twinName}: ${what} ${own ?? "unset"} → ${wanted} (\`ciliumNodeGroup.overrides\`) recycles every node of the twin ` +
                "(EKS replaces each node, draining it within the group's updateConfig).");
        } else if (wanted === undefined && legacy !== undefined && own !== undefined && legacy !== own && legacyExists) {
            notes.push(`twin ${twinName} keeps its ${what} ${own} (node group ${g.name} is at ${legacy}); moving it recycles every node of the twin, ` +
                "so only an override does (`ciliumNodeGroup.overrides`).");
        }
    }
    if (live.version && g.version && live.version !== g.version && legacyExists) {
        notes.push(`twin ${twinName} keeps Kubernetes ${live.version} (node group ${g.name} is at ${g.version}).`);
    }
    return notes;
}

/** The node role and launch template a twin shares with its legacy group belong to the tool that made the group. */
function sharedNote(g: ManagedNodeGroupDescription, twinName: string, config: MigrationConfig, live: ManagedNodeGroupDescription | undefined): string {
    const twinRole = live?.nodeRoleArn ?? config.twins.nodeRoleArn ?? g.nodeRoleArn;
    const role = twinRole === g.nodeRoleArn ? g.nodeRoleArn : undefined;
    // A role of the twins' own is only for twins not made yet: a node group's role is fixed at creation.
    const offer = role && !live;
    const shared = [role ? `node IAM role ${role}` : "", g.launchTemplate ? `launch template ${g.launchTemplate.id}` : ""].filter(Boolean);
    if (shared.length === 0) return `twin ${twinName} shares nothing with node group ${g.name} that its tool owns.`;
    // eksctl keeps a managed group's launch template and node role in the group's own CloudFormation stack
    // (eksctl pkg/cfn/builder: LaunchTemplate, NodeInstanceRole): `eksctl delete nodegroup` deletes them with it.
    const eksctl = Object.keys(g.tags ?? {}).some((k) => k.startsWith("alpha.eksctl.io/") || k.startsWith("eksctl."));
    if (eksctl) {
        return `twin ${twinName} uses ${shared.join(" and ")} of node group ${g.name}, which eksctl made in its CloudFormation stack ` +
            `(eksctl-<cluster>-nodegroup-${g.name}): never run \`eksctl delete nodegroup\` for ${g.name} while the twin runs — it deletes that ` +
            "stack, and the template and role with it; remove the empty group with `aws eks delete-nodegroup` (or `deleteLegacyNodeGroups`) and keep the stack" +
            (offer ? "; or give the twins a role of their own with `ciliumNodeGroup.nodeRoleArn` before phase 0." : ".");
    }
    return `twin ${twinName} uses ${shared.join(" and ")} of node group ${g.name}, which the tool that made ${g.name} owns (terraform-aws-eks ` +
        "makes one role and one template per group): never let that tool destroy them while the twin runs — with Terraform, `terraform " +
        "state rm` only the node group (or the role and template too), never remove the group's module block" +
        (offer ? "; or give the twins a role of their own with `ciliumNodeGroup.nodeRoleArn` (only before the twins exist)." : ".");
}
