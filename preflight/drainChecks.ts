/**
 * What stops or hurts phase 5's drain, pod by pod: PodDisruptionBudgets that allow no disruption, pods nothing will
 * recreate, emptyDir data kubectl drain refuses to delete, single replicas, volumes bound to a zone the Cilium pool
 * does not reach, and pods whose node constraints fit only legacy nodes. Each is also a reason in the drain forecast.
 */
import { PreflightCheck, some } from "./check";
import { controllerOf, evictable, podFitsNode, podsOnLegacy, qualified, selects } from "./objects";
import { replacementLabels } from "./pool";
import { Obj, PreflightContext } from "./types";

const ZONE_KEYS = ["topology.ebs.csi.aws.com/zone", "topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"];

/** Why a pod on a legacy node will not simply move: one reason per blocking hazard (the forecast uses these too). */
export const BLOCKERS: Record<string, (ctx: PreflightContext, pod: Obj) => string | undefined> = {
    "pdb-blocks-drain": (ctx, pod) => {
        const pdb = ctx.index.inNamespace("poddisruptionbudgets", pod.metadata?.namespace).find((b) =>
            b.status?.disruptionsAllowed === 0 && selects(b.spec?.selector, pod.metadata?.labels ?? {}));
        return pdb && `PodDisruptionBudget ${qualified(pdb)} allows no disruption now`;
    },
    // kubectl drain counts a controller owner reference only (metav1.GetControllerOf), whatever its kind.
    "unmanaged-pod": (_ctx, pod) => (pod.metadata?.ownerReferences ?? []).some((r: Obj) => r.controller === true) ? undefined
        : "no controller: evicted, it is never recreated (kubectl drain refuses it without --force)",
    "emptydir-data": (ctx, pod) => !ctx.options.drain.deleteEmptyDirData && (pod.spec?.volumes ?? []).some((v: Obj) => v.emptyDir)
        ? "emptyDir data, and `drain.deleteEmptyDirData` is false: kubectl drain refuses it" : undefined,
    "zonal-volume": (ctx, pod) => {
        const stranded = volumeZones(ctx, pod).filter((z) => !ctx.ciliumZones.has(z));
        return stranded.length > 0 ? `its volume is bound to ${stranded.join(", ")}, where the Cilium pool has no subnet` : undefined;
    },
    "legacy-only-scheduling": (ctx, pod) => {
        const node = ctx.index.node(pod.spec?.nodeName);
        return node && !podFitsNode(pod, "(a Cilium node)", replacementLabels(ctx, node))
            ? "its nodeSelector or required node affinity fits legacy nodes only: Pending after the drain" : undefined;
    },
};

/** The zones a pod's persistent volumes are bound to. */
function volumeZones(ctx: PreflightContext, pod: Obj): string[] {
    const claims = (pod.spec?.volumes ?? []).map((v: Obj) => v.persistentVolumeClaim?.claimName).filter(Boolean);
    const zones: string[] = [];
    for (const claim of claims) {
        const pvc = ctx.index.named("persistentvolumeclaims", pod.metadata?.namespace, claim);
        const pv = pvc && ctx.index.persistentVolume(pvc.spec?.volumeName);
        for (const term of pv?.spec?.nodeAffinity?.required?.nodeSelectorTerms ?? []) {
            for (const e of term.matchExpressions ?? []) if (ZONE_KEYS.includes(e.key) && e.operator === "In") zones.push(...(e.values ?? []));
        }
    }
    return [...new Set(zones)];
}

function podCheck(id: string, severity: PreflightCheck["severity"], needs: PreflightCheck["needs"], what: string, remedy: string): PreflightCheck {
    return {
        id, severity, phase: 5, needs,
        run: (ctx) => {
            const hits = podsOnLegacy(ctx).filter(evictable).map((p) => ({ pod: qualified(p), reason: BLOCKERS[id](ctx, p) })).filter((h) => h.reason);
            if (hits.length === 0) return [];
            const reasons = [...new Set(hits.map((h) => h.reason as string))];
            return [{ message: `${hits.length} pod(s) on legacy nodes: ${what} (${some(reasons, 2)}).`, objects: hits.map((h) => h.pod), remedy }];
        },
    };
}

export const DRAIN_CHECKS: PreflightCheck[] = [
    podCheck("pdb-blocks-drain", "warning", ["nodes", "pods", "poddisruptionbudgets"], "phase 5's drain waits on their PodDisruptionBudgets",
        "Make room before phase 5: more replicas, or a budget that allows one disruption; the drain retries the eviction until `drain.timeout`, then the update fails and can be run again."),
    podCheck("unmanaged-pod", "warning", ["nodes", "pods"], "nothing recreates them once evicted",
        "Run them under a Deployment, StatefulSet or Job before phase 5, or delete them yourself when their work is done."),
    podCheck("emptydir-data", "warning", ["nodes", "pods"], "their emptyDir data is lost on eviction, and the drain refuses them",
        "Set `drain.deleteEmptyDirData: true` once the data may go (caches, scratch space), or move it to a persistent volume."),
    podCheck("zonal-volume", "warning", ["nodes", "pods", "persistentvolumeclaims", "persistentvolumes", "nodegroups", "subnets"],
        "their volumes cannot follow them to the Cilium pool", "Give the Cilium pool a subnet in that zone before phase 5, or move the volume (snapshot and restore)."),
    podCheck("legacy-only-scheduling", "warning", ["nodes", "pods"], "no Cilium node will fit them",
        "Select nodes by labels the twins carry too (the group's own labels), not by `cni=aws-cni`, `eks.amazonaws.com/nodegroup`, `karpenter.sh/nodepool` or node names."),
    {
        id: "single-replica", severity: "info", phase: 5, needs: ["nodes", "pods", "deployments", "statefulsets"],
        run: (ctx) => {
            const workloads = singleReplicaWorkloads(ctx);
            return workloads.length === 0 ? [] : [{
                message: `${workloads.length} workload(s) with one replica run on legacy nodes: each is down from its eviction until its new pod is ready.`,
                objects: workloads, remedy: "Scale them to two replicas (with a PodDisruptionBudget) before phase 5, or accept the brief outage.",
            }];
        },
    },
];

/** `kind namespace/name` of each one-replica Deployment or StatefulSet with its pod on a legacy node. */
export function singleReplicaWorkloads(ctx: PreflightContext, pods: Obj[] = podsOnLegacy(ctx).filter(evictable)): string[] {
    const found = new Set<string>();
    for (const pod of pods) {
        const ns = pod.metadata?.namespace;
        const owner = controllerOf(pod);
        const deployment = owner?.kind === "ReplicaSet" && ctx.index.inNamespace("deployments", ns).find((d) =>
            (d.spec?.replicas ?? 1) === 1 && selects(d.spec?.selector, pod.metadata?.labels ?? {}));
        const statefulSet = owner?.kind === "StatefulSet" && ctx.index.named("statefulsets", ns, owner.name);
        const set = statefulSet && (statefulSet.spec?.replicas ?? 1) === 1 ? statefulSet : undefined;
        if (deployment) found.add(`Deployment ${qualified(deployment)}`);
        if (set) found.add(`StatefulSet ${qualified(set)}`);
    }
    return [...found];
}
