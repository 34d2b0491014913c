/**
 * kube-proxy around phase 9.
 * - "keep" (phases 0–8): a step proves kube-proxy's DaemonSet is rolled out after its addon. Cilium's release waits
 *   for it, so going back from 9 to 8 brings kube-proxy back (addon re-created, DaemonSet ready) before Cilium turns
 *   its replacement off.
 * - "replace" (phase 9), after the Cilium release with replacement on: a step re-checks right before it acts that
 *   Cilium runs with replacement on every node and is ready, then deletes the kube-proxy DaemonSet (its addon is
 *   removed by the cluster component, with `preserve`); then a short-lived cleanup removes the KUBE-* iptables rules
 *   from every node (steps/iptablesCleanup.ts).
 * Removing kube-proxy resets existing service connections that kube-proxy's rules were carrying: see the README.
 */
import * as pulumi from "@pulumi/pulumi";
import { NodeLabels } from "../../migration/names";
import { iptablesCleanupScript, kubeProxyReadyScript } from "../clusterSteps/iptablesCleanup";
import { removeDaemonSetScript } from "../clusterSteps/scripts";
import { clusterStep } from "../clusterSteps/clusterStep";

/** Gate checks the kube-proxy removal re-runs right before it deletes. */
export const KUBE_PROXY_REMOVAL_PRECHECKS = ["cilium-kube-proxy-replacement", "cilium-ready"];

export interface KubeProxyLifecycleArgs {
    mode: "keep" | "replace";
    kubeconfig: pulumi.Input<string>;
    gateCli: string;
    labels: NodeLabels;
    /** Bound for the rollout waits, e.g. "15m". */
    timeout: string;
    /** "keep": the kube-proxy addon; "replace": the Cilium release and the previous gate. */
    dependsOn: pulumi.Input<pulumi.Resource>[];
}

export class KubeProxyLifecycle extends pulumi.ComponentResource {
    public readonly readyStep?: pulumi.Resource;
    public readonly removalStep?: pulumi.Resource;
    public readonly cleanupStep?: pulumi.Resource;

    constructor(name: string, args: KubeProxyLifecycleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-cilium-migration:index:KubeProxyLifecycle", name, {}, opts);
        if (args.mode === "keep") {
            this.readyStep = clusterStep(`${name}-ready`, { kubeconfig: args.kubeconfig, create: kubeProxyReadyScript(args.timeout) },
                { parent: this, dependsOn: args.dependsOn });
        } else {
            this.removalStep = clusterStep(`${name}-remove`, {
                kubeconfig: args.kubeconfig,
                create: removeDaemonSetScript({
                    daemonSet: "kube-proxy", namespace: "kube-system",
                    // The Helm upgrade returns once its resources are ready, but the agents' rollout with the new
                    // config may still be under way: wait for it (up to the gate timeout), do not check once.
                    // Phase 9: Cilium runs on every node, only the legacy marker tells a legacy node ("Which CNI a node gets").
                    pre: { checks: KUBE_PROXY_REMOVAL_PRECHECKS, gateCli: args.gateCli, labels: args.labels, wait: args.timeout, ciliumEverywhere: true },
                }),
            }, { parent: this, dependsOn: args.dependsOn });
            this.cleanupStep = clusterStep(`${name}-iptables-cleanup`, {
                kubeconfig: args.kubeconfig,
                create: iptablesCleanupScript({ timeout: args.timeout }),
            }, { parent: this, dependsOn: [this.removalStep] });
        }
        this.registerOutputs({});
    }
}
