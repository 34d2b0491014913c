/** kube-proxy-removed: no kube-proxy DaemonSet and no kube-proxy pod are left (Cilium replaces it from phase 9). */
import { daemonSetRemoved } from "./removed";
import { ClusterSnapshot } from "../../clusterReader/k8sTypes";
import { daemonSetRolledOut, findNamed } from "../../clusterReader/objects";
import { Findings, Verdict } from "../verdict";
import { CILIUM_AGENT, CILIUM_CONFIG, CILIUM_CONFIG_CHECKSUM, KUBE_PROXY, KUBE_SYSTEM } from "../../migration/names";

export function kubeProxyRemoved(snapshot: Required<Pick<ClusterSnapshot, "pods" | "daemonsets">>): Verdict {
    return daemonSetRemoved("kube-proxy-removed", KUBE_PROXY, snapshot);
}

/**
 * cilium-kube-proxy-replacement: what must hold before kube-proxy may go — Cilium's config turns replacement on,
 * the agent DaemonSet rolls on config changes (its template carries the ConfigMap checksum) and has rolled out
 * completely since, with a ready agent on every node it should run on. It proves the agents restarted with the
 * new config; it does not ask each agent for its runtime status.
 */
export function ciliumKubeProxyReplacement(snapshot: Required<Pick<ClusterSnapshot, "daemonsets" | "configmaps">>): Verdict {
    const f = new Findings("cilium-kube-proxy-replacement");
    const config = findNamed(snapshot.configmaps, KUBE_SYSTEM, CILIUM_CONFIG.configMap);
    const value = config?.data?.[CILIUM_CONFIG.kubeProxyReplacementKey];
    if (!config) f.problem(`ConfigMap ${KUBE_SYSTEM}/${CILIUM_CONFIG.configMap} not found`);
    else if (value !== "true") f.problem(`ConfigMap ${KUBE_SYSTEM}/${CILIUM_CONFIG.configMap} has ${CILIUM_CONFIG.kubeProxyReplacementKey}=${JSON.stringify(value ?? null)}, not "true"`);
    else f.ok(`ConfigMap ${KUBE_SYSTEM}/${CILIUM_CONFIG.configMap} turns kube-proxy replacement on`);

    const agents = findNamed(snapshot.daemonsets, KUBE_SYSTEM, CILIUM_AGENT.daemonSet);
    if (!agents) {
        f.problem(`DaemonSet ${KUBE_SYSTEM}/${CILIUM_AGENT.daemonSet} not found`);
        return f.verdict("");
    }
    if (!agents.spec?.template?.metadata?.annotations?.[CILIUM_CONFIG_CHECKSUM]) {
        f.problem(`DaemonSet ${KUBE_SYSTEM}/${CILIUM_AGENT.daemonSet} has no ${CILIUM_CONFIG_CHECKSUM} annotation: agents may still run the old config (set rollOutCiliumPods)`);
    }
    const rollout = daemonSetRolledOut(agents);
    f.progress = `agents ${rollout.detail}`;
    if (!rollout.ok || (agents.status?.desiredNumberScheduled ?? 0) === 0) f.problem(`DaemonSet ${KUBE_SYSTEM}/${CILIUM_AGENT.daemonSet} not rolled out: ${rollout.detail}`);
    else f.ok(`DaemonSet ${KUBE_SYSTEM}/${CILIUM_AGENT.daemonSet}: ${rollout.detail}`);
    return f.verdict("Cilium runs with kube-proxy replacement on every node");
}
