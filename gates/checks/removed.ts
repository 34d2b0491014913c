/** A DaemonSet that must be gone: the object itself and every pod it left behind. */
import { ClusterSnapshot } from "../../clusterReader/k8sTypes";
import { findNamed, nameOf, podsWithLabel } from "../../clusterReader/objects";
import { Findings, Verdict } from "../verdict";
import { KUBE_SYSTEM } from "../../migration/names";

export function daemonSetRemoved(check: string, target: { daemonSet: string; podLabel: readonly [string, string] },
    snapshot: Required<Pick<ClusterSnapshot, "pods" | "daemonsets">>): Verdict {
    const f = new Findings(check);
    const name = `${KUBE_SYSTEM}/${target.daemonSet}`;
    if (findNamed(snapshot.daemonsets, KUBE_SYSTEM, target.daemonSet)) f.problem(`DaemonSet ${name} still exists`);
    else f.ok(`DaemonSet ${name} is gone`);
    const pods = podsWithLabel(snapshot.pods, ...target.podLabel, KUBE_SYSTEM);
    for (const pod of pods) f.problem(`${target.daemonSet} pod ${nameOf(pod)} still exists on node ${pod.spec?.nodeName ?? "?"}`);
    if (pods.length === 0) f.ok(`no ${target.daemonSet} pod left`);
    return f.verdict(`${target.daemonSet} DaemonSet and pods are gone`);
}
