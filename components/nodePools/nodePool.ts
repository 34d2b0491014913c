/** What both managed node pools share: their args and how the EKS managed node group is declared. */
import * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";

/** Name, instance types and sizes of a managed node group. */
export interface NodeGroupSpec {
    name: string;
    instanceTypes: string[];
    desiredSize: number;
    minSize: number;
    maxSize: number;
}

/** Kubernetes spelling of the startup taint's effect. */
export type TaintEffect = "NoExecute" | "NoSchedule";

export interface CiliumNodeGroupSpec extends NodeGroupSpec {
    /** Effect of the `node.cilium.io/agent-not-ready=true` startup taint. */
    startupTaintEffect: TaintEffect;
}

export interface NodePoolArgs {
    /** The EKS cluster (an `eks.Cluster` or its core data). */
    cluster: eks.ManagedNodeGroupArgs["cluster"];
    nodeRoleArn: pulumi.Input<string>;
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Resources the pool itself needs first (e.g. the vpc-cni addon). Default: none. */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
    tags?: Record<string, string>;
}

/**
 * Scaling of a managed node group. "zero" keeps maxSize (EKS requires max ≥ 1) with min and desired at 0; the
 * pulumi-eks default (2/1/2) would never let a pool be born empty. `ignoreScalingChanges` is never set: it would
 * swallow the phase 3 scale-up and the phase 7 scale-down.
 */
export function nodeGroupScaling(group: NodeGroupSpec, size: "zero" | "configured") {
    return size === "zero"
        ? { minSize: 0, desiredSize: 0, maxSize: group.maxSize }
        : { minSize: group.minSize, desiredSize: group.desiredSize, maxSize: group.maxSize };
}

export function managedNodeGroup(name: string, args: NodePoolArgs & {
    group: NodeGroupSpec;
    size: "zero" | "configured";
    labels: Record<string, string>;
    taints?: { key: string; value: string; effect: string }[];
    /** Extra resources this declaration waits for (e.g. what must be done before a scaling change). */
    after: pulumi.Input<pulumi.Resource>[];
    /** Refuse to delete the node group (a `pulumi destroy` fails instead); lift with `pulumi state unprotect`. */
    protect: boolean;
}, parent: pulumi.Resource): eks.ManagedNodeGroup {
    return new eks.ManagedNodeGroup(name, {
        cluster: args.cluster,
        nodeGroupName: args.group.name,
        nodeRoleArn: args.nodeRoleArn,
        subnetIds: args.subnetIds,
        instanceTypes: args.group.instanceTypes,
        scalingConfig: nodeGroupScaling(args.group, args.size),
        labels: args.labels,
        taints: args.taints,
        tags: args.tags,
    }, { parent, dependsOn: [...(args.dependsOn ?? []), ...args.after], protect: args.protect });
}
