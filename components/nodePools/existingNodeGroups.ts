/**
 * An existing cluster's node groups:
 * - `LegacyNodeGroups`: the managed node groups being migrated, adopted with Pulumi's `import` option (a node group
 *   made by Terraform or eksctl is taken over, not created again), their nodes labelled as legacy, and the shared
 *   legacy steps (cordon, drain, drained re-check, scale-down). `retainOnDelete` unless their deletion was asked
 *   for: when the stack stops declaring them they stay in the account, at zero, for the tool that made them.
 * - `CiliumTwins`: one new group per legacy group (nodeGroupDescription.ts `twinOf`), empty until scaled up.
 * Both use the AWS provider's `aws.eks.NodeGroup`: pulumi-eks's ManagedNodeGroup is a component and cannot import.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { clusterStep } from "../clusterSteps/clusterStep";
import { labelNodeGroupsScript } from "../clusterSteps/scripts";
import { LegacyStepsArgs, legacySteps, scaleDownCheck } from "./legacySteps";
import { ManagedNodeGroupDescription, nodeGroupInputs } from "./nodeGroupDescription";

/** The node group input the cluster autoscaler changes (Pulumi's property path). */
export const DESIRED_SIZE = "scalingConfig.desiredSize";

export interface LegacyNodeGroupsArgs extends LegacyStepsArgs {
    /** Each group as it is to be declared (nodeGroupDescription.ts `legacyDeclared`). */
    groups: ManagedNodeGroupDescription[];
    /** The update that adopts them (first deployment): imported with the description's own inputs. */
    adoptingNow: boolean;
    /** Keep the groups in the account when the stack stops declaring them. */
    retainOnDelete: boolean;
    /** Refuse to delete them while they may hold nodes. */
    protect: boolean;
    /** Re-run the node labelling when this changes (e.g. once the groups' own labels carry the legacy label). */
    labelTriggers: pulumi.Input<unknown>[];
    /** Resources the groups' changes wait for (the previous phase's gate). Default: none. */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export class LegacyNodeGroups extends pulumi.ComponentResource {
    public readonly nodeGroups: aws.eks.NodeGroup[] = [];
    /** Labels every node the groups have now; the groups' own labels cover the nodes they launch later. */
    public readonly labelStep: pulumi.Resource;
    public readonly cordonStep?: pulumi.Resource;
    public readonly restartSteps: pulumi.Resource[] = [];
    public readonly drainStep?: pulumi.Resource;
    public readonly scaleDownCheck?: pulumi.Resource;

    constructor(name: string, args: LegacyNodeGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-cilium-migration:index:LegacyNodeGroups", name, {}, opts);
        this.scaleDownCheck = scaleDownCheck(this, name, args);
        for (const group of args.groups) {
            this.nodeGroups.push(new aws.eks.NodeGroup(`${name}-${group.name}`, nodeGroupInputs(group), {
                parent: this,
                import: `${group.clusterName}:${group.name}`,
                // Until the scale-down the cluster autoscaler may move desiredSize; the update declares the live value,
                // and must not reset it to one read a moment earlier. The scale-down to zero is applied, not ignored.
                ...(args.scaleToZero ? {} : { ignoreChanges: [DESIRED_SIZE] }),
                retainOnDelete: args.retainOnDelete,
                protect: args.protect,
                dependsOn: [...(args.dependsOn ?? []), ...(this.scaleDownCheck ? [this.scaleDownCheck, ...(args.scaleToZeroAfter ?? [])] : [])],
            }));
        }
        this.labelStep = clusterStep(`${name}-label-nodes`, {
            kubeconfig: args.kubeconfig,
            create: labelNodeGroupsScript(args.groups.map((g) => g.name), args.labels),
            triggers: args.labelTriggers,
        }, { parent: this, dependsOn: [...this.nodeGroups, ...(args.dependsOn ?? [])] });
        Object.assign(this, legacySteps(this, name, args, [...this.nodeGroups, this.labelStep]));
        this.registerOutputs({});
    }
}

export interface CiliumTwinsArgs {
    /** Each twin as it is to be declared (nodeGroupDescription.ts `twinOf`). */
    twins: ManagedNodeGroupDescription[];
    /** Leave `desiredSize` to the cluster autoscaler (once the twins are sized): an update must not undo its scaling. */
    autoscaled: boolean;
    /** Resources a twin's scale-up waits for (the Cilium release). Default: none. */
    scaleUpAfter?: pulumi.Input<pulumi.Resource>[];
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export class CiliumTwins extends pulumi.ComponentResource {
    public readonly nodeGroups: aws.eks.NodeGroup[] = [];

    constructor(name: string, args: CiliumTwinsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-cilium-migration:index:CiliumTwins", name, {}, opts);
        for (const twin of args.twins) {
            this.nodeGroups.push(new aws.eks.NodeGroup(`${name}-${twin.name}`, nodeGroupInputs(twin), {
                parent: this,
                // They carry every workload once the migration is done.
                protect: true,
                ...(args.autoscaled ? { ignoreChanges: [DESIRED_SIZE] } : {}),
                dependsOn: [...(args.dependsOn ?? []), ...(twin.scaling.desiredSize > 0 ? args.scaleUpAfter ?? [] : [])],
            }));
        }
        this.registerOutputs({});
    }
}
