/**
 * `ng-cilium`, the pool Cilium manages. Its nodes are born with the `node.cilium.io/agent-not-ready=true` taint
 * (NoExecute by default, as Cilium recommends for managed node groups): the operator removes it once the agent on
 * the node is ready, so no pod starts there before Cilium can give it an IP. The pool stays at zero until
 * `scaledUp`, and its scale-up waits for `scaleUpAfter` (the Cilium release).
 */
import * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import { CILIUM_STARTUP_TAINT } from "../../migration/names";
import { NodeLabels } from "../../migration/names";
import { CiliumNodeGroupSpec, NodePoolArgs, TaintEffect, managedNodeGroup } from "./nodePool";

/** The EKS API spells taint effects differently from Kubernetes. */
const EKS_TAINT_EFFECT: Record<TaintEffect, string> = { NoExecute: "NO_EXECUTE", NoSchedule: "NO_SCHEDULE" };

export interface CiliumNodeGroupArgs extends NodePoolArgs {
    /** Name, instance types, sizes and startup taint effect of the pool. */
    nodeGroup: CiliumNodeGroupSpec;
    /** The pool's nodes carry `<key>=<ciliumValue>`. */
    labels: NodeLabels;
    /** Configured size (true) or zero (false). */
    scaledUp: boolean;
    /** Resources that must be done before the pool scales up (the Cilium release). Default: none. */
    scaleUpAfter?: pulumi.Input<pulumi.Resource>[];
}

export function ciliumStartupTaint(effect: TaintEffect) {
    return { key: CILIUM_STARTUP_TAINT, value: "true", effect: EKS_TAINT_EFFECT[effect] };
}

export class CiliumNodeGroup extends pulumi.ComponentResource {
    public readonly nodeGroup: eks.ManagedNodeGroup;

    constructor(name: string, args: CiliumNodeGroupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-cilium-migration:index:CiliumNodeGroup", name, {}, opts);
        this.nodeGroup = managedNodeGroup(`${name}-node-group`, {
            ...args,
            group: args.nodeGroup,
            size: args.scaledUp ? "configured" : "zero",
            labels: { [args.labels.key]: args.labels.ciliumValue },
            taints: [ciliumStartupTaint(args.nodeGroup.startupTaintEffect)],
            after: args.scaledUp ? args.scaleUpAfter ?? [] : [],
            // It carries every workload once the migration is done.
            protect: true,
        }, this);
        this.registerOutputs({});
    }
}
