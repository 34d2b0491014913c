/**
 * Self-managed node groups as declared (design.md, "Self-managed node groups"):
 * - `CiliumTwinAsgs`: per legacy group a new launch template and a new Auto Scaling group on it (twinAsg.ts decides
 *   their inputs), protected (they carry every workload once the migration is done); rolling back 3→2 drains the
 *   twin's nodes (a step) before its sizes go to 0.
 * - `LegacyAsgSteps`: the legacy groups are never Pulumi resources; steps act on them through the AWS CLI
 *   (asgScripts.ts): `Launch` suspended from phase 4 (the step's removal on 4→3 resumes it), min/desired 0 at phase 7
 *   after the drained re-check, deleted only when asked.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { clusterStep } from "../clusterSteps/clusterStep";
import { DrainOptions, PreChecks } from "../clusterSteps/scripts";
import { deleteGroupScript, drainGroupNodesScript, resumeLaunchScript, scaleToZeroScript, suspendLaunchScript } from "./asgScripts";
import { AsgSizes, TwinAsgSource, twinGroupArgs, twinLaunchTemplateArgs } from "./twinAsg";

/** The twin group input the cluster autoscaler changes (Pulumi's property path). */
export const DESIRED_CAPACITY = "desiredCapacity";

export interface TwinAsg {
    source: TwinAsgSource;
    twinName: string;
    /** The twin's user data (base64): the legacy's with the Cilium label and startup taint (userData.ts `ciliumUserData`). */
    userData: string;
    sizes: AsgSizes;
}

export interface CiliumTwinAsgsArgs {
    twins: TwinAsg[];
    clusterName: string;
    tags: Record<string, string>;
    /** Leave `desiredCapacity` to the cluster autoscaler (once the twins are sized): an update must not undo its scaling. */
    autoscaled: boolean;
    /** Rollback 3→2: drain each twin's nodes before its sizes go to 0. */
    drainBeforeEmpty?: { kubeconfig: pulumi.Input<string>; drain: DrainOptions; region?: string };
    /** Resources a twin's scale-up waits for (the Cilium release). */
    scaleUpAfter?: pulumi.Input<pulumi.Resource>[];
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export class CiliumTwinAsgs extends pulumi.ComponentResource {
    public readonly launchTemplates: aws.ec2.LaunchTemplate[] = [];
    public readonly groups: aws.autoscaling.Group[] = [];
    public readonly drainSteps: pulumi.Resource[] = [];

    constructor(name: string, args: CiliumTwinAsgsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-cilium-migration:index:CiliumTwinAsgs", name, {}, opts);
        for (const twin of args.twins) {
            const template = new aws.ec2.LaunchTemplate(`${name}-${twin.twinName}`, twinLaunchTemplateArgs(twin.source, {
                twinName: twin.twinName, clusterName: args.clusterName, userData: twin.userData, tags: args.tags,
            }), { parent: this, protect: true, dependsOn: args.dependsOn });
            const drain = args.drainBeforeEmpty
                ? clusterStep(`${name}-${twin.twinName}-drain`, {
                    kubeconfig: args.drainBeforeEmpty.kubeconfig,
                    create: drainGroupNodesScript(twin.twinName, args.drainBeforeEmpty.drain, args.drainBeforeEmpty.region),
                }, { parent: this, dependsOn: args.dependsOn })
                : undefined;
            if (drain) this.drainSteps.push(drain);
            this.launchTemplates.push(template);
            this.groups.push(new aws.autoscaling.Group(`${name}-${twin.twinName}`, twinGroupArgs(twin.source, {
                twinName: twin.twinName, clusterName: args.clusterName, sizes: twin.sizes, tags: args.tags,
                launchTemplate: { id: template.id },
            }), {
                parent: this,
                protect: true,
                ...(args.autoscaled ? { ignoreChanges: [DESIRED_CAPACITY] } : {}),
                dependsOn: [...(args.dependsOn ?? []), ...(twin.sizes.desiredCapacity > 0 ? args.scaleUpAfter ?? [] : []), ...(drain ? [drain] : [])],
            }));
        }
        this.registerOutputs({});
    }
}

export interface LegacyAsgStepsArgs {
    groups: string[];
    kubeconfig: pulumi.Input<string>;
    region?: string;
    suspendLaunch: boolean;
    scaleToZero: boolean;
    /** Delete the emptied groups (`existingCluster.deleteLegacyNodeGroups`, phase 8 on). */
    deleteGroups: boolean;
    /** The checks re-run right before the scale-down (`legacy-drained`). */
    preChecks: PreChecks;
    /** The checks re-run right before the delete (phase 8 on: Cilium everywhere). Default: `preChecks`. */
    deletePreChecks?: PreChecks;
    /** What the suspension waits for (the previous gate, the twins). */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export class LegacyAsgSteps extends pulumi.ComponentResource {
    public readonly suspendSteps: pulumi.Resource[] = [];
    public readonly scaleDownSteps: pulumi.Resource[] = [];
    public readonly deleteSteps: pulumi.Resource[] = [];

    constructor(name: string, args: LegacyAsgStepsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-cilium-migration:index:LegacyAsgSteps", name, {}, opts);
        const step = (id: string, create: string, after: pulumi.Input<pulumi.Resource>[], del?: string) =>
            clusterStep(`${name}-${id}`, { kubeconfig: args.kubeconfig, create, ...(del ? { delete: del } : {}) },
                { parent: this, dependsOn: [...(args.dependsOn ?? []), ...after] });
        if (args.deleteGroups && !args.scaleToZero) throw new pulumi.ResourceError("a legacy Auto Scaling group is deleted only after its scale-down to zero.", this);
        for (const g of args.groups) {
            if (!args.suspendLaunch) continue;
            const suspend = step(`${g}-suspend-launch`, suspendLaunchScript(g, args.region), [], resumeLaunchScript(g, args.region));
            this.suspendSteps.push(suspend);
            if (!args.scaleToZero) continue;
            const down = step(`${g}-scale-to-zero`, scaleToZeroScript(g, args.preChecks, args.region), [suspend]);
            this.scaleDownSteps.push(down);
            if (args.deleteGroups) this.deleteSteps.push(step(`${g}-delete`, deleteGroupScript(g, args.deletePreChecks ?? args.preChecks, args.region), [down]));
        }
        this.registerOutputs({});
    }
}
