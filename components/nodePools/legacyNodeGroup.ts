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
import { LEGACY_RETIRING_TAINT } from "../../migration/names";
import { LegacyStepsArgs, legacySteps, scaleDownCheck } from "./legacySteps";
import { NodeGroupSpec, NodePoolArgs, managedNodeGroup } from "./nodePool";

export interface LegacyNodeGroupArgs extends NodePoolArgs, LegacyStepsArgs {
    /** Name, instance types and sizes of the pool. */
    nodeGroup: NodeGroupSpec;
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
        this.scaleDownCheck = scaleDownCheck(this, name, args);
        this.nodeGroup = managedNodeGroup(`${name}-node-group`, {
            ...args,
            group: args.nodeGroup,
            size: args.scaleToZero ? "zero" : "configured",
            labels: { [args.labels.key]: args.labels.legacyValue },
            ...(args.cordon ? { taints: [{ ...LEGACY_RETIRING_TAINT }] } : {}),
            after: this.scaleDownCheck ? [...(args.scaleToZeroAfter ?? []), this.scaleDownCheck] : [],
            protect: !args.scaleToZero,
        }, this);
        Object.assign(this, legacySteps(this, name, args, [this.nodeGroup]));
        this.registerOutputs({});
    }
}
