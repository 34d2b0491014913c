import { NodeGroupConfig } from "../stacks/configTypes";

/**
 * Scaling of a managed node group. "zero" keeps maxSize (EKS requires max ≥ 1) with min and desired at 0; the
 * pulumi-eks default (2/1/2) would never let a pool be born empty. `ignoreScalingChanges` is never set: it would
 * swallow the phase 3 scale-up and the phase 7 scale-down.
 */
export function nodeGroupScaling(group: NodeGroupConfig, size: "zero" | "configured") {
    return size === "zero"
        ? { minSize: 0, desiredSize: 0, maxSize: group.maxSize }
        : { minSize: group.minSize, desiredSize: group.desiredSize, maxSize: group.maxSize };
}
