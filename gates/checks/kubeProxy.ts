/** kube-proxy-removed: no kube-proxy DaemonSet and no kube-proxy pod are left (Cilium replaces it from phase 9). */
import { ClusterSnapshot } from "../k8sTypes";
import { findNamed, nameOf, podsWithLabel } from "../objects";
import { Findings, Verdict } from "../verdict";
import { KUBE_PROXY, KUBE_SYSTEM } from "../wellKnown";

export function kubeProxyRemoved(snapshot: Required<Pick<ClusterSnapshot, "pods" | "daemonsets">>): Verdict {
    const f = new Findings("kube-proxy-removed");
    if (findNamed(snapshot.daemonsets, KUBE_SYSTEM, KUBE_PROXY.daemonSet)) f.problem(`DaemonSet ${KUBE_SYSTEM}/${KUBE_PROXY.daemonSet} still exists`);
    else f.ok(`DaemonSet ${KUBE_SYSTEM}/${KUBE_PROXY.daemonSet} is gone`);
    const pods = podsWithLabel(snapshot.pods, ...KUBE_PROXY.podLabel, KUBE_SYSTEM);
    for (const pod of pods) f.problem(`kube-proxy pod ${nameOf(pod)} still exists on node ${pod.spec?.nodeName ?? "?"}`);
    if (pods.length === 0) f.ok("no kube-proxy pod left");
    return f.verdict("kube-proxy DaemonSet and pods are gone");
}
