/**
 * The steps that move workloads off the legacy nodes, shared by the demo's one legacy pool and an existing cluster's
 * legacy node groups: cordon (undone by uncordon when the step is removed on a rollback), restart of chosen
 * Deployments onto the new pool, drain through the eviction API, and the drained re-check right before the
 * scale-down to zero. They select legacy nodes by the rule of "Which CNI a node gets" (every Linux EC2 node without
 * the Cilium label), so one set serves every legacy pool, labelled or not.
 */
import * as pulumi from "@pulumi/pulumi";
import { NodeLabels } from "../../migration/names";
import { clusterStep } from "../clusterSteps/clusterStep";
import { DrainOptions, LegacyBy, cordonScript, drainScript, preCheckScript, restartDeploymentScript, uncordonScript } from "../clusterSteps/scripts";

export interface LegacyStepsArgs {
    /** Legacy nodes are the Linux EC2 nodes without `<key>=<ciliumValue>`; `<key>=<legacyValue>` is their marker. */
    labels: NodeLabels;
    /** How the cordon and drain find legacy nodes (scripts.ts `LegacyBy`): the rule until phase 7, the marker from 8. Default: the rule. */
    legacyBy?: LegacyBy;
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
    /** Scale the legacy nodes' groups to zero. */
    scaleToZero: boolean;
    /** Resources that must be done before the scale-down (e.g. the aws-node removal). Default: none. */
    scaleToZeroAfter?: pulumi.Input<pulumi.Resource>[];
    /** Gate checks re-run right before the scale-down (e.g. `legacy-drained`). */
    scaleDownPreChecks: string[];
    /** Resources the cordon and drain steps wait for (e.g. the previous phase's gate). Default: none. */
    stepsDependOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * The scale-down goes through the node groups' scaling config: EKS terminates the nodes without the eviction API,
 * which is safe only because they hold nothing any more. This step re-checks that right before; the scaling
 * changes wait for it (fail closed).
 */
export function scaleDownCheck(parent: pulumi.Resource, name: string, args: LegacyStepsArgs): pulumi.Resource | undefined {
    if (!args.scaleToZero) return undefined;
    return clusterStep(`${name}-scale-down-check`, {
        kubeconfig: args.kubeconfig,
        create: preCheckScript("scale-down", { checks: args.scaleDownPreChecks, gateCli: args.gateCli, labels: args.labels }),
    }, { parent, dependsOn: [...(args.stepsDependOn ?? []), ...(args.scaleToZeroAfter ?? [])] });
}

/** Cordon, restarts and drain, each after the node groups and the steps before it. */
export function legacySteps(parent: pulumi.Resource, name: string, args: LegacyStepsArgs, nodeGroups: pulumi.Resource[]) {
    if (args.drain && !args.cordon) throw new pulumi.ResourceError("legacy nodes are drained only after they are cordoned (`drain` needs `cordon`).", parent);
    const stepOpts = (after: pulumi.Input<pulumi.Resource>[]) => ({ parent, dependsOn: [...nodeGroups, ...(args.stepsDependOn ?? []), ...after] });
    const out: { cordonStep?: pulumi.Resource; restartSteps: pulumi.Resource[]; drainStep?: pulumi.Resource } = { restartSteps: [] };
    if (args.cordon) {
        const cordon = clusterStep(`${name}-cordon`, {
            kubeconfig: args.kubeconfig,
            create: cordonScript(args.labels, args.legacyBy),
            delete: uncordonScript(args.labels, args.legacyBy),
        }, stepOpts([]));
        out.cordonStep = cordon;
        for (const target of args.restartAfterCordon ?? []) {
            out.restartSteps.push(clusterStep(`${name}-restart-${target.name}`, {
                kubeconfig: args.kubeconfig,
                create: restartDeploymentScript(target.namespace, target.name, "5m"),
            }, stepOpts([cordon])));
        }
        if (args.drain) {
            out.drainStep = clusterStep(`${name}-drain`, {
                kubeconfig: args.kubeconfig,
                create: drainScript(args.labels, args.drainOptions, { checks: args.drainPreChecks, gateCli: args.gateCli, labels: args.labels }, args.legacyBy),
                // Nothing to undo: evicted pods were rescheduled on the new pool; the nodes stay cordoned until the
                // cordon step is removed.
            }, stepOpts([cordon, ...out.restartSteps]));
        }
    }
    return out;
}
