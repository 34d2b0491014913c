/**
 * Keeps Calico's per-node agents where aws-node runs (design.md, "Calico as the policy engine"): a server-side-apply
 * patch with this program's own field manager, forced (the operator or `kubectl apply` owned the field before):
 * - "operator": the `Installation` `default`'s `calicoNodeDaemonSet` / `csiNodeDriverDaemonSet` affinity overrides
 *   (tigera-operator ≥ v1.28 renders them; the caller refuses an older one). Patching calico-node's DaemonSet directly
 *   would be undone by the operator's next reconcile.
 * - "manifest": the `calico-node` DaemonSet itself, as aws-node's self-managed route.
 * Deleting a Patch resource gives its fields up (pulumi-kubernetes: unmanaged fields reset), which would drop the
 * affinity altogether: the patch is `retainOnDelete`, and the way back to phase 0 writes the unpinned affinity instead.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { NodeLabels } from "../../migration/names";
import { PinnedAgent, daemonSetPatchSpec, installationPatchSpec } from "./calicoAffinity";

/** The field manager of every patch this program writes to Calico's objects. */
export const CALICO_FIELD_MANAGER = "eks-cilium-migration";

const PATCH_ANNOTATIONS = { "pulumi.com/patchForce": "true", "pulumi.com/patchFieldManager": CALICO_FIELD_MANAGER };

export interface CalicoPinArgs {
    install: { kind: "operator"; installation: string; agents: PinnedAgent[] } | { kind: "manifest"; agents: PinnedAgent[] };
    /** Add `<key> NotIn [<ciliumValue>]` to each term (phases 1–5); false: write the agents' affinity without it (the way back to 0). */
    pinned: boolean;
    labels: NodeLabels;
    provider: k8s.Provider;
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export class CalicoPin extends pulumi.ComponentResource {
    public readonly patches: pulumi.CustomResource[];

    constructor(name: string, args: CalicoPinArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-cilium-migration:index:CalicoPin", name, {}, opts);
        const options = { parent: this, provider: args.provider, dependsOn: args.dependsOn ?? [], retainOnDelete: true };
        const install = args.install;
        this.patches = install.kind === "operator"
            ? [new k8s.apiextensions.CustomResourcePatch(`${name}-installation`, {
                apiVersion: "operator.tigera.io/v1", kind: "Installation",
                metadata: { name: install.installation, annotations: PATCH_ANNOTATIONS },
                spec: installationPatchSpec(install.agents, args.pinned, args.labels),
            }, options)]
            : install.agents.map((agent) => new k8s.apps.v1.DaemonSetPatch(`${name}-${agent.name}`, {
                metadata: { name: agent.name, namespace: agent.namespace, annotations: PATCH_ANNOTATIONS },
                spec: daemonSetPatchSpec(agent, args.pinned, args.labels),
            }, options));
        this.registerOutputs({});
    }
}
