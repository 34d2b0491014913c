/**
 * Phase 9: kube-proxy's leftover KUBE-* iptables rules must go from every node once Cilium replaces kube-proxy
 * (docs/field-notes.md; Cilium's kube-proxy-free guide: `iptables-save | grep -v KUBE | iptables-restore`).
 *
 * Chosen over replacing every node: replacement would drain and relaunch the whole cluster a second time; the
 * cleanup touches only iptables. A short-lived DaemonSet runs the cleanup once per node in an init container (host
 * network, NET_ADMIN/NET_RAW only — not privileged), reports what it removed, then idles; the step waits until every
 * node is done, prints the reports and deletes the DaemonSet, on success and on failure alike (bounded by a timeout).
 */
import { shellQuote, withKubeconfig } from "./scripts";

export const CLEANUP_NAME = "kube-proxy-iptables-cleanup";
export const CLEANUP_NAMESPACE = "kube-system";

/** Runs on the node (host network). Cleans legacy and nft backends, IPv4 and IPv6, whichever exist. */
export const NODE_CLEANUP_SCRIPT = `set -u
total=0
backends=0
for family in iptables ip6tables; do
  for mode in legacy nft; do
    save="$family-$mode-save"; restore="$family-$mode-restore"
    command -v "$save" >/dev/null 2>&1 || continue
    backends=$((backends + 1))
    rules="$("$save")" || { echo "node $NODE_NAME: $save failed"; exit 1; }
    n=$(printf '%s\\n' "$rules" | grep -c 'KUBE-' || true)
    if [ "$n" -gt 0 ]; then
      printf '%s\\n' "$rules" | grep -v 'KUBE-' | "$restore" --wait || { echo "node $NODE_NAME: $restore failed"; exit 1; }
    fi
    echo "node $NODE_NAME: $family-$mode: removed $n KUBE-* line(s)"
    total=$((total + n))
  done
done
# An image without any iptables backend would clean nothing and look fine: fail instead.
if [ "$backends" -eq 0 ]; then echo "node $NODE_NAME: no iptables-legacy-save or iptables-nft-save in the image; nothing was cleaned"; exit 1; fi
echo "node $NODE_NAME: done, $total KUBE-* line(s) removed"
`;

export function cleanupDaemonSet(image: string) {
    const labels = { "app.kubernetes.io/name": CLEANUP_NAME, "app.kubernetes.io/part-of": "eks-cilium-migration" };
    return {
        apiVersion: "apps/v1",
        kind: "DaemonSet",
        metadata: { name: CLEANUP_NAME, namespace: CLEANUP_NAMESPACE, labels },
        spec: {
            selector: { matchLabels: labels },
            template: {
                metadata: { labels },
                spec: {
                    hostNetwork: true, // the rules live in the node's network namespace
                    priorityClassName: "system-node-critical",
                    tolerations: [{ operator: "Exists" }], // every node ran kube-proxy
                    terminationGracePeriodSeconds: 1,
                    initContainers: [{
                        name: "cleanup",
                        image,
                        command: ["/bin/bash", "-c", NODE_CLEANUP_SCRIPT],
                        env: [{ name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
                        securityContext: { privileged: false, allowPrivilegeEscalation: false, runAsUser: 0, capabilities: { drop: ["ALL"], add: ["NET_ADMIN", "NET_RAW"] } },
                        // Shares the host's xtables lock so a restore never races Cilium's own iptables writes.
                        volumeMounts: [{ name: "xtables-lock", mountPath: "/run/xtables.lock" }],
                        resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "128Mi" } },
                    }],
                    containers: [{
                        name: "done",
                        image,
                        command: ["sleep", "infinity"],
                        securityContext: { privileged: false, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                        resources: { requests: { cpu: "1m", memory: "8Mi" }, limits: { memory: "16Mi" } },
                    }],
                    volumes: [{ name: "xtables-lock", hostPath: { path: "/run/xtables.lock", type: "FileOrCreate" } }],
                },
            },
        },
    };
}

export function iptablesCleanupScript(args: { image: string; timeout: string }): string {
    const ns = shellQuote(CLEANUP_NAMESPACE);
    const selector = shellQuote(`app.kubernetes.io/name=${CLEANUP_NAME}`);
    return withKubeconfig(`
kubectl apply -f - <<'MANIFEST'
${JSON.stringify(cleanupDaemonSet(args.image), null, 2)}
MANIFEST
echo "cleanup: ${CLEANUP_NAME} started on every node"
if ! kubectl -n ${ns} rollout status daemonset/${CLEANUP_NAME} --timeout=${args.timeout}; then
  echo "cleanup: not every node finished within ${args.timeout}; reports so far:"
  kubectl -n ${ns} logs -l ${selector} -c cleanup --tail=-1 --prefix || true
  exit 1
fi
kubectl -n ${ns} logs -l ${selector} -c cleanup --tail=-1 --prefix
echo "cleanup: KUBE-* rules removed on every node"`,
    // The helper never outlives the step.
    `kubectl -n ${ns} delete daemonset ${CLEANUP_NAME} --ignore-not-found --wait=false`);
}

/** On the way back from 9: kube-proxy's DaemonSet (re-created by its addon) must be ready before replacement goes off. */
export function kubeProxyReadyScript(timeout: string): string {
    return withKubeconfig(`
kubectl -n 'kube-system' rollout status daemonset/kube-proxy --timeout=${timeout}
echo "kube-proxy: DaemonSet kube-system/kube-proxy ready"`);
}

