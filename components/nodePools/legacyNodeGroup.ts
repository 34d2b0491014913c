/**
 * `ng-1`, the aws-node pool, and the steps that move workloads off it: cordon (phase 4, undone by uncordon when the
 * step is removed on a rollback), restart of chosen Deployments onto the new pool, drain through the eviction API
 * (phase 5), and the scale-down to zero (phase 7) that waits for whatever `scaleToZeroAfter` names (aws-node's
 * removal). The composition stops declaring this component at phase 8, which deletes the empty pool.
 *
 * The scale-down goes through the node group's scaling config: EKS terminates the nodes without the eviction API,
 * which is safe only because they hold nothing any more. So a step re-checks `scaleDownPreChecks` (the pool is
 * drained) right before, and the node group's scaling change waits for it: fail closed.
 *
 * The pool is `protect`ed while it may hold nodes, so a `pulumi destroy` cannot take it by accident; once it is at
 * zero the protection is lifted, which lets phase 8 delete it.
 */
import * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import { NodeLabels } from "../../migration/names";
import { DrainOptions, cordonScript, drainScript, preCheckScript, restartDeploymentScript, uncordonScript } from "../clusterSteps/scripts";
import { clusterStep } from "../clusterSteps/clusterStep";
import { NodeGroupSpec, NodePoolArgs, managedNodeGroup } from "./nodePool";

export interface LegacyNodeGroupArgs extends NodePoolArgs {
    /** Name, instance types and sizes of the pool. */
    nodeGroup: NodeGroupSpec;
    /** The pool's nodes carry `<key>=<legacyValue>`. */
    labels: NodeLabels;
    /** The kubeconfig the steps use (secret). */
    kubeconfig: pulumi.Input<string>;
    /** Cordon every legacy node (the step's removal uncordons them). */
    cordon: boolean;
    /** Deployments restarted right after the cordon so their pods move to the new pool. Default: none. */
    restartAfterCordon?: { namespace: string; name: string }[];
    /** Drain every legacy node (requires `cordon`). */
    drain: boolean;
    drainOptions: DrainOptions;
    /** Gate checks re-run right before the drain (e.g. the new pool is ready to take the pods). */
    drainPreChecks: string[];
    /** The gate CLI command line the pre-checks run. */
    gateCli: string;
    /** Scale the pool to zero (min 0, desired 0). */
    scaleToZero: boolean;
    /** Resources that must be done before the pool scales to zero (e.g. the aws-node removal). Default: none. */
    scaleToZeroAfter?: pulumi.Input<pulumi.Resource>[];
    /** Gate checks re-run right before the scale-down (e.g. `legacy-drained`). */
    scaleDownPreChecks: string[];
    /** Resources the cordon and drain steps wait for (e.g. the previous phase's gate). Default: none. */
    stepsDependOn?: pulumi.Input<pulumi.Resource>[];
}

export class LegacyNodeGroup extends pulumi.ComponentResource {
    public readonly nodeGroup: eks.ManagedNodeGroup;
    public readonly cordonStep?: pulumi.Resource;
    public readonly restartSteps: pulumi.Resource[] = [];
    public readonly drainStep?: pulumi.Resource;
    public readonly scaleDownCheck?: pulumi.Resource;

    constructor(name: string, args: LegacyNodeGroupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-cilium-migration:index:LegacyNodeGroup", name, {}, opts);
        if (args.drain && !args.cordon) throw new pulumi.ResourceError("a legacy pool is drained only after it is cordoned (`drain` needs `cordon`).", this);

        if (args.scaleToZero) {
            this.scaleDownCheck = clusterStep(`${name}-scale-down-check`, {
                kubeconfig: args.kubeconfig,
                create: preCheckScript("scale-down", { checks: args.scaleDownPreChecks, gateCli: args.gateCli, labels: args.labels }),
            }, { parent: this, dependsOn: [...(args.stepsDependOn ?? []), ...(args.scaleToZeroAfter ?? [])] });
        }
        this.nodeGroup = managedNodeGroup(`${name}-node-group`, {
            ...args,
            group: args.nodeGroup,
            size: args.scaleToZero ? "zero" : "configured",
            labels: { [args.labels.key]: args.labels.legacyValue },
            after: this.scaleDownCheck ? [...(args.scaleToZeroAfter ?? []), this.scaleDownCheck] : [],
            protect: !args.scaleToZero,
        }, this);

        const stepOpts = (after: pulumi.Input<pulumi.Resource>[]) => ({ parent: this, dependsOn: [this.nodeGroup, ...(args.stepsDependOn ?? []), ...after] });
        if (args.cordon) {
            this.cordonStep = clusterStep(`${name}-cordon`, {
                kubeconfig: args.kubeconfig,
                create: cordonScript(args.labels),
                delete: uncordonScript(args.labels),
            }, stepOpts([]));
            for (const target of args.restartAfterCordon ?? []) {
                this.restartSteps.push(clusterStep(`${name}-restart-${target.name}`, {
                    kubeconfig: args.kubeconfig,
                    create: restartDeploymentScript(target.namespace, target.name, "5m"),
                }, stepOpts([this.cordonStep])));
            }
        }
        if (args.drain && this.cordonStep) {
            this.drainStep = clusterStep(`${name}-drain`, {
                kubeconfig: args.kubeconfig,
                create: drainScript(args.labels, args.drainOptions, { checks: args.drainPreChecks, gateCli: args.gateCli, labels: args.labels }),
                // Nothing to undo: evicted pods were rescheduled on the new pool; the nodes stay cordoned until the
                // cordon step is removed.
            }, stepOpts([this.cordonStep, ...this.restartSteps]));
        }
        this.registerOutputs({});
    }
}
