/**
 * What the Karpenter part adds around its NodePools: the headroom (phases 3–5), the NodeClaim deletions (legacy pools
 * from phase 7; a twin's on the way back from 3 to 2) and the legacy NodePools' deletion (phase 8 with
 * `deleteLegacyNodeGroups`). Each step re-checks right before it acts (scripts.ts).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Taint } from "../../migration/karpenter";
import { NodeLabels } from "../../migration/names";
import { clusterStep } from "../clusterSteps/clusterStep";
import { PreChecks } from "../clusterSteps/scripts";
import { HEADROOM_NAMESPACE, HEADROOM_PRIORITY, HEADROOM_PRIORITY_CLASS, HeadroomSize, headroomPodSpec } from "./headroom";
import { FIELD_MANAGER } from "./nodePoolSpecs";
import { deleteNodeClaimsScript, deleteNodePoolScript, handBackScript } from "./scripts";

export interface HeadroomArgs { twin: string; taints: Taint[]; size: HeadroomSize }

/** One PriorityClass (never preempting, below every workload), a namespace, and a pause Deployment per twin. */
export function declareHeadroom(parent: pulumi.Resource, name: string, provider: k8s.Provider, labels: NodeLabels, pools: HeadroomArgs[],
    dependsOn: pulumi.Input<pulumi.Resource>[]): pulumi.Resource[] {
    if (pools.length === 0) return [];
    const opts = { parent, provider, dependsOn };
    const priority = new k8s.scheduling.v1.PriorityClass(`${name}-headroom-priority`, {
        metadata: { name: HEADROOM_PRIORITY_CLASS }, value: HEADROOM_PRIORITY, preemptionPolicy: "Never", globalDefault: false,
        description: "eks-cilium-migration: pause pods that hold Cilium capacity on the twin NodePools before the drain; every workload preempts them.",
    }, opts);
    const namespace = new k8s.core.v1.Namespace(`${name}-headroom-namespace`, { metadata: { name: HEADROOM_NAMESPACE } }, opts);
    const deployments = pools.map((p) => {
        const podLabels = { "app.kubernetes.io/name": "cilium-migration-headroom", "app.kubernetes.io/instance": p.twin };
        return new k8s.apps.v1.Deployment(`${name}-headroom-${p.twin}`, {
            // Not awaited: pulumi-kubernetes waits for every replica to be available and fails the update on timeout
            // (pulumi-kubernetes#714), while a Karpenter node with Cilium ready takes minutes; the phase's gate judges them.
            metadata: { name: `headroom-${p.twin}`, namespace: HEADROOM_NAMESPACE, labels: podLabels, annotations: { "pulumi.com/skipAwait": "true" } },
            spec: {
                replicas: p.size.replicas,
                selector: { matchLabels: podLabels },
                template: { metadata: { labels: podLabels }, spec: headroomPodSpec(p.twin, labels, p.taints, p.size) },
            },
        }, { ...opts, dependsOn: [...dependsOn, priority, namespace] });
    });
    return [priority, namespace, ...deployments];
}

export interface NodeClaimDeletion {
    /** The NodePool whose NodeClaims are deleted, one at a time. */
    pool: string;
    pre: PreChecks;
}

/** The NodeClaim deletions, pool after pool, then the NodePool deletions, each after its pool's NodeClaims. */
export function declareRetirement(parent: pulumi.Resource, name: string, kubeconfig: pulumi.Input<string>, args: {
    deleteNodeClaims: NodeClaimDeletion[];
    deleteNodePools: string[];
    dependsOn: pulumi.Input<pulumi.Resource>[];
}): pulumi.Resource[] {
    const steps: pulumi.Resource[] = [];
    for (const d of args.deleteNodeClaims) {
        steps.push(clusterStep(`${name}-delete-nodeclaims-${d.pool}`, { kubeconfig, create: deleteNodeClaimsScript(d.pool, d.pre) },
            { parent, dependsOn: [...args.dependsOn, ...steps] }));
    }
    const claimsDone = [...steps];
    for (const pool of args.deleteNodePools) {
        steps.push(clusterStep(`${name}-delete-nodepool-${pool}`, { kubeconfig, create: deleteNodePoolScript(pool) },
            { parent, dependsOn: [...args.dependsOn, ...claimsDone] }));
    }
    return steps;
}

export interface HandBack {
    pool: string;
    /** What is applied (nodePoolSpecs.ts `handBackSpec`). */
    doc: object;
}

/**
 * A step per patched legacy NodePool whose delete writes its originals back: the patch itself is `retainOnDelete`
 * (deleting it would hand the fields over, not restore them), so without this a pool that leaves the migration, or a
 * `pulumi destroy`, left it at budgets 0, limits 0 and a lowered weight for good. Not retained: its delete is the point.
 */
export function declareHandBacks(parent: pulumi.Resource, name: string, kubeconfig: pulumi.Input<string>, handBacks: HandBack[],
    dependsOn: pulumi.Input<pulumi.Resource>[]): pulumi.Resource[] {
    return handBacks.map((h) => clusterStep(`${name}-hand-back-${h.pool}`, {
        kubeconfig,
        create: `echo "NodePool ${h.pool}: its originals are written back when it leaves the migration"`,
        delete: handBackScript(h.pool, h.doc, FIELD_MANAGER),
    }, { parent, dependsOn }));
}
