/**
 * Phase 9: kube-proxy's leftover iptables rules must go from every node once Cilium replaces kube-proxy (field
 * notes; Cilium's kube-proxy-free guide). Chosen over replacing every node: replacement would drain and relaunch the
 * whole cluster a second time; the cleanup touches only iptables.
 *
 * What goes is what kube-proxy's own cleanup removes (kubernetes pkg/proxy/iptables/cleanup_test.go,
 * `TestCleanupLeftovers`): every `KUBE-*` chain but the ones kubelet creates too (`KUBE-FIREWALL`,
 * `KUBE-KUBELET-CANARY`, `KUBE-IPTABLES-HINT`), and every rule elsewhere that jumps into one of them. Nobody
 * else's rules are touched, and nothing is rewritten: the deletions are applied with `iptables-restore --noflush
 * --wait`, under the xtables lock, so rules Cilium writes at the same moment are neither lost nor raced.
 *
 * A short-lived DaemonSet runs it once per node in an init container (host network, NET_ADMIN/NET_RAW only — not
 * privileged), reports what it removed, then idles; the step waits until every node is done, prints the reports and
 * deletes the DaemonSet, on success and on failure alike (bounded by a timeout). Its image is the one the Cilium
 * agents run, pinned by the digest the nodes report (so it is already on every node and cannot drift).
 */
import { shellQuote, withKubeconfig } from "./scripts";

export const CLEANUP_NAME = "kube-proxy-iptables-cleanup";
export const CLEANUP_NAMESPACE = "kube-system";
/** Chains kubelet creates as well; kube-proxy's own cleanup leaves them. */
export const KUBELET_CHAINS = ["KUBE-FIREWALL", "KUBE-KUBELET-CANARY", "KUBE-IPTABLES-HINT"] as const;
/** Replaced, at run time, by the image the Cilium agents run (pinned by digest). */
export const IMAGE_PLACEHOLDER = "CILIUM_AGENT_IMAGE_BY_DIGEST";

/**
 * Reads `iptables-save` output on stdin and prints the `iptables-restore --noflush` input that removes kube-proxy's
 * rules: per table, the jumps into its chains from other chains, then its chains flushed, then deleted.
 */
const PLAN_AWK = String.raw`
function owned(c) { return c ~ /^KUBE-/ && c !~ keep }
function emit(   i) {
  if (ndel + nch == 0) return
  print table
  for (i = 1; i <= ndel; i++) print dels[i]
  for (i = 1; i <= nch; i++) print "-F " chains[i]
  for (i = 1; i <= nch; i++) print "-X " chains[i]
  print "COMMIT"
}
/^\*/ { table = $0; ndel = 0; nch = 0; next }
/^:/ { c = substr($1, 2); if (owned(c)) chains[++nch] = c; next }
/^-A / {
  target = ""
  for (i = 3; i < NF; i++) if ($i == "-j" || $i == "-g") target = $(i + 1)
  if (!owned($2) && owned(target)) { line = $0; sub(/^-A /, "-D ", line); dels[++ndel] = line }
  next
}
/^COMMIT/ { emit(); ndel = 0; nch = 0 }
`;

/** Runs on the node (host network). Cleans legacy and nft backends, IPv4 and IPv6, whichever exist. */
export const NODE_CLEANUP_SCRIPT = `set -u
keep='^(${KUBELET_CHAINS.join("|")})$'
command -v awk >/dev/null 2>&1 || { echo "node $NODE_NAME: no awk in the image; nothing was cleaned"; exit 1; }
total=0
backends=0
work="\${TMPDIR:-/tmp}"
for family in iptables ip6tables; do
  for mode in legacy nft; do
    save="$family-$mode-save"; restore="$family-$mode-restore"
    command -v "$save" >/dev/null 2>&1 || continue
    backends=$((backends + 1))
    # Streamed through files, not shell variables: a node with thousands of services has megabytes of rules.
    "$save" > "$work/rules" || { echo "node $NODE_NAME: $save failed"; exit 1; }
    awk -v keep="$keep" '${PLAN_AWK.trim().replace(/'/g, "'\\''")}' "$work/rules" > "$work/plan" || { echo "node $NODE_NAME: reading $save output failed"; exit 1; }
    rules=$(grep -c '^-D ' "$work/plan" || true)
    chains=$(grep -c '^-X ' "$work/plan" || true)
    if [ $((rules + chains)) -gt 0 ]; then
      "$restore" --noflush --wait < "$work/plan" || { echo "node $NODE_NAME: $restore failed"; exit 1; }
    fi
    echo "node $NODE_NAME: $family-$mode: removed $chains kube-proxy chain(s) and $rules rule(s) jumping into them"
    total=$((total + chains))
  done
done
rm -f "$work/rules" "$work/plan"
# An image without any iptables backend would clean nothing and look fine: fail instead.
if [ "$backends" -eq 0 ]; then echo "node $NODE_NAME: no iptables-legacy-save or iptables-nft-save in the image; nothing was cleaned"; exit 1; fi
echo "node $NODE_NAME: done, $total kube-proxy chain(s) removed"
`;

export function cleanupDaemonSet(image: string) {
    const labels = { "app.kubernetes.io/name": CLEANUP_NAME, "app.kubernetes.io/part-of": "eks-cilium-migration" };
    const restricted = { privileged: false, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true };
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
                        env: [{ name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }, { name: "TMPDIR", value: "/work" }],
                        securityContext: { ...restricted, runAsUser: 0, capabilities: { drop: ["ALL"], add: ["NET_ADMIN", "NET_RAW"] } },
                        // The host's xtables lock, so `--wait` serialises with kubelet's and Cilium's own iptables writes.
                        volumeMounts: [{ name: "xtables-lock", mountPath: "/run/xtables.lock" }, { name: "work", mountPath: "/work" }],
                        // Bounded: the rules go through files on a size-limited emptyDir, awk keeps only the plan.
                        resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "128Mi" } },
                    }],
                    containers: [{
                        name: "done",
                        image,
                        command: ["sleep", "infinity"],
                        securityContext: { ...restricted, capabilities: { drop: ["ALL"] } },
                        resources: { requests: { cpu: "1m", memory: "8Mi" }, limits: { memory: "16Mi" } },
                    }],
                    volumes: [
                        { name: "xtables-lock", hostPath: { path: "/run/xtables.lock", type: "FileOrCreate" } },
                        { name: "work", emptyDir: { sizeLimit: "256Mi" } },
                    ],
                },
            },
        },
    };
}

/**
 * The image every Cilium agent runs, by digest, from the pods' `imageID` (what the nodes pulled, whatever tag or
 * registry mirror the chart values named). Fails closed unless all agents agree on exactly one digest.
 */
export function agentImageLines(): string {
    const jsonpath = `{range .items[*]}{range .status.containerStatuses[?(@.name=="cilium-agent")]}{.imageID}{"\\n"}{end}{end}`;
    return [
        `image_ids="$(kubectl -n 'kube-system' get pods -l 'k8s-app=cilium' -o jsonpath=${shellQuote(jsonpath)})"`,
        // containerd reports repo@sha256:…; docker prefixes docker-pullable://.
        `images="$(printf '%s\\n' "$image_ids" | sed -e 's|^[a-z-]*://||' -e '/^$/d' | sort -u)"`,
        'if [ -z "$images" ]; then echo "cleanup: no running Cilium agent reports an image; refusing to guess one"; exit 1; fi',
        'if [ "$(printf \'%s\\n\' "$images" | wc -l)" -ne 1 ]; then echo "cleanup: Cilium agents run more than one image (a rollout under way?):"; printf \'  %s\\n\' $images; exit 1; fi',
        'case "$images" in *@sha256:*) ;; *) echo "cleanup: the agents\' image $images carries no digest; refusing to run an unpinned image"; exit 1;; esac',
        'image="$images"',
    ].join("\n");
}

export function iptablesCleanupScript(args: { timeout: string }): string {
    const ns = shellQuote(CLEANUP_NAMESPACE);
    const selector = shellQuote(`app.kubernetes.io/name=${CLEANUP_NAME}`);
    return withKubeconfig(`
${agentImageLines()}
echo "cleanup: image $image (the Cilium agents')"
sed "s|${IMAGE_PLACEHOLDER}|$image|g" <<'MANIFEST' | kubectl apply -f -
${JSON.stringify(cleanupDaemonSet(IMAGE_PLACEHOLDER), null, 2)}
MANIFEST
echo "cleanup: ${CLEANUP_NAME} started on every node"
if ! kubectl -n ${ns} rollout status daemonset/${CLEANUP_NAME} --timeout=${args.timeout}; then
  echo "cleanup: not every node finished within ${args.timeout}; reports so far:"
  kubectl -n ${ns} logs -l ${selector} -c cleanup --tail=-1 --prefix || true
  exit 1
fi
kubectl -n ${ns} logs -l ${selector} -c cleanup --tail=-1 --prefix
echo "cleanup: kube-proxy's rules removed on every node"`,
    // The helper never outlives the step.
    `kubectl -n ${ns} delete daemonset ${CLEANUP_NAME} --ignore-not-found --wait=false`);
}

/** On the way back from 9: kube-proxy's DaemonSet (re-created by its addon) must be ready before replacement goes off. */
export function kubeProxyReadyScript(timeout: string): string {
    return withKubeconfig(`
kubectl -n 'kube-system' rollout status daemonset/kube-proxy --timeout=${timeout}
echo "kube-proxy: DaemonSet kube-system/kube-proxy ready"`);
}
