/**
 * aws-node, from pinning to removal. Two routes, because clusters run aws-node in two ways:
 * - "addon": the vpc-cni EKS addon is declared here, with `configurationValues.affinity` from phase 1. (With the
 *   addon on OVERWRITE, a kubectl patch would be undone by the next addon update.)
 * - "daemonset-patch": a self-managed aws-node DaemonSet gets a server-side-apply patch from phase 1. The patch owns
 *   the whole `nodeSelectorTerms` list, and deleting it would relinquish the affinity entirely (aws-node would then
 *   land on Cilium nodes), so it is `retainOnDelete`.
 * Either way the chart's default terms of the running vpc-cni version are kept (awsnode/affinity.ts).
 *
 * `remove` (phase 6) drops the addon and deletes the DaemonSet through a step that first re-checks, right before
 * it acts, that the legacy nodes are drained, each in a configured legacy pool, and that no aws-node pod runs off
 * them, and fails closed otherwise.
 * Pulumi deletes the addon (with `preserve`) only after that step succeeded: deletions run last in an update.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { awsNodeDaemonSetPatchSpec, mergedVpcCniConfiguration, vpcCniAddonConfiguration } from "./affinity";
import { NodeLabels } from "../../migration/names";
import { LegacyPools } from "../../migration/nodeRule";
import { removeDaemonSetScript } from "../clusterSteps/scripts";
import { clusterStep } from "../clusterSteps/clusterStep";
import { AddonDescription, eksAddon } from "../cluster/addon";

export type AwsNodeRoute = "addon" | "daemonset-patch";

/** Gate checks the removal re-runs right before it deletes aws-node. */
export const AWS_NODE_REMOVAL_PRECHECKS = ["legacy-drained", "aws-node-pinned"];

export interface AwsNodeAffinityArgs {
    /** How aws-node is managed: the vpc-cni EKS addon (declared here) or a self-managed DaemonSet (patched). */
    route: AwsNodeRoute;
    /** EKS cluster name (addon route). */
    clusterName: pulumi.Input<string>;
    /** Kubernetes provider for the patch. */
    provider: k8s.Provider;
    labels: NodeLabels;
    /** The vpc-cni version that runs (e.g. "v1.19.2-eksbuild.1"), whose default affinity terms are kept. Default: the newest. */
    vpcCniVersion?: string;
    /** Add `<key> NotIn [<ciliumValue>]` to each affinity term (phases 1–5). */
    pinned: boolean;
    /** Remove aws-node (phase 6 on). */
    remove: boolean;
    /**
     * The configured legacy pools: the removal's re-check refuses while a legacy node is in none of them (it would
     * lose its CNI with DaemonSet pods on it, and nothing retires it). Default: not checked.
     */
    legacyPools?: LegacyPools;
    /**
     * Addon route, an existing cluster: adopt its vpc-cni add-on instead of creating one. Its own configuration
     * values (prefix delegation, custom networking, env, resources…) are kept; only the affinity changes.
     */
    existingAddon?: { clusterName: string; description: AddonDescription; adoptingNow: boolean; protect: boolean };
    /** Kubeconfig for the removal step (secret). */
    kubeconfig: pulumi.Input<string>;
    /** The gate CLI command line the removal's pre-checks run. */
    gateCli: string;
    /** Resources the changes wait for (the previous phase's gate). Default: none. */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
    tags?: Record<string, string>;
}

export class AwsNodeAffinity extends pulumi.ComponentResource {
    /** The vpc-cni addon (addon route, phases 0–5): nodes need it before they can become Ready. */
    public readonly vpcCniAddon?: aws.eks.Addon;
    public readonly daemonSetPatch?: k8s.apps.v1.DaemonSetPatch;
    public readonly removalStep?: pulumi.Resource;

    constructor(name: string, args: AwsNodeAffinityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-cilium-migration:index:AwsNodeAffinity", name, {}, opts);
        if (args.pinned && args.remove) throw new pulumi.ResourceError("aws-node is either pinned or removed, not both.", this);
        const after = { parent: this, dependsOn: args.dependsOn ?? [] };

        if (args.route === "addon" && !args.remove) {
            this.vpcCniAddon = eksAddon(`${name}-vpc-cni`, {
                clusterName: args.clusterName,
                addonName: "vpc-cni",
                configurationValues: args.existingAddon
                    ? mergedVpcCniConfiguration(args.existingAddon.description.configurationValues, args.pinned, args.labels, args.vpcCniVersion)
                    : vpcCniAddonConfiguration(args.pinned, args.labels, args.vpcCniVersion),
                tags: args.tags,
                adopt: args.existingAddon,
            }, after);
        }
        if (args.route === "daemonset-patch" && args.pinned) {
            this.daemonSetPatch = new k8s.apps.v1.DaemonSetPatch(`${name}-affinity`, {
                metadata: { name: "aws-node", namespace: "kube-system", annotations: { "pulumi.com/patchForce": "true" } },
                spec: awsNodeDaemonSetPatchSpec(args.labels, args.vpcCniVersion),
            }, { ...after, provider: args.provider, retainOnDelete: true });
        }
        if (args.remove) {
            this.removalStep = clusterStep(`${name}-remove`, {
                kubeconfig: args.kubeconfig,
                create: removeDaemonSetScript({
                    daemonSet: "aws-node",
                    namespace: "kube-system",
                    pre: { checks: AWS_NODE_REMOVAL_PRECHECKS, gateCli: args.gateCli, labels: args.labels, ...(args.legacyPools ? { pools: args.legacyPools } : {}) },
                }),
                // Going back below phase 6 needs `allowUnsafeRollback`; the addon's return (phase ≤ 5) re-creates aws-node.
            }, after);
        }
        this.registerOutputs({});
    }
}
