/**
 * What keeps its objects but changes meaning on Cilium nodes (design.md, "What changes meaning under Cilium"): another
 * CNI plugin whose configuration Cilium renames away (`cni.exclusive`), and a sidecar mesh that kube-proxy
 * replacement's socket load balancer bypasses (`socketLB.hostNamespaceOnly`). Each is judged on the values the program
 * gives the release in the phase where it bites (`options.releaseValues`), so the stack's value turns it into `info`.
 */
import { AWS_NODE, EKS_NODEGROUP_LABEL as NODEGROUP_LABEL, KUBE_SYSTEM } from "../migration/names";
import { placementAdmits } from "../migration/nodeRule";
import { PreflightCheck, some } from "./check";
import { itemsOf, labelsOf, nameOf, qualified, unique } from "./objects";
import { Obj, PreflightContext } from "./types";

const CNI_CONF_DIR = "/etc/cni/net.d";

/** A host path that is the CNI configuration directory or one of its parents (`/`, `/etc`, `/etc/cni`). */
export function coversCniConfDir(hostPath: string): boolean {
    const p = hostPath.replace(/\/+$/, "") || "/";
    return p === "/" || CNI_CONF_DIR === p || CNI_CONF_DIR.startsWith(`${p}/`);
}

const isCiliumDaemonSet = (ds: Obj) => nameOf(ds).startsWith("cilium") || labelsOf(ds)["app.kubernetes.io/part-of"] === "cilium";
const isAwsNode = (ds: Obj) => nameOf(ds) === AWS_NODE.daemonSet && ds.metadata?.namespace === KUBE_SYSTEM;
/** calico-node is pinned to legacy nodes and removed by this program (design.md, "Calico"). */
const isPinnedByProgram = (ds: Obj) => nameOf(ds) === "calico-node";

/** The host paths at or above the CNI configuration directory a pod template mounts writable. */
export function writableCniConfPaths(template: Obj | undefined): string[] {
    const spec = template?.spec ?? {};
    const byVolume = new Map<string, string>();
    for (const v of spec.volumes ?? []) if (typeof v.hostPath?.path === "string" && coversCniConfDir(v.hostPath.path)) byVolume.set(v.name, v.hostPath.path);
    const paths: string[] = [];
    for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
        for (const m of c.volumeMounts ?? []) {
            const p = byVolume.get(m.name);
            if (p !== undefined && m.readOnly !== true) paths.push(p);
        }
    }
    return unique(paths);
}

/** Label sets a Cilium node may have: each legacy node's as its twin's (Cilium label, the twin's group), or a plain Linux node's. */
function ciliumNodeLabelSets(ctx: PreflightContext): Record<string, string>[] {
    const { key, ciliumValue } = ctx.options.labels;
    const group = (labels: Record<string, string>): Record<string, string> => {
        const own = labels[NODEGROUP_LABEL];
        if (own === undefined) return {};
        return { [NODEGROUP_LABEL]: ctx.options.cilium.kind === "twins" ? `${own}${ctx.options.cilium.suffix}` : ctx.options.cilium.name };
    };
    const sets = itemsOf(ctx.input.nodes).filter((n) => ctx.legacyNodes.has(nameOf(n)))
        .map((n) => ({ ...labelsOf(n), ...group(labelsOf(n)), [key]: ciliumValue }));
    return sets.length > 0 ? sets : [{ "kubernetes.io/os": "linux", [key]: ciliumValue }];
}

const exclusiveOff = (ctx: PreflightContext) => (ctx.options.releaseValues.phase3 as Obj)?.cni?.exclusive === false;

function cniPluginChain(ctx: PreflightContext) {
    const nodes = ciliumNodeLabelSets(ctx);
    const off = exclusiveOff(ctx);
    return itemsOf(ctx.input.daemonsets)
        .filter((ds) => !isAwsNode(ds) && !isCiliumDaemonSet(ds) && !isPinnedByProgram(ds))
        .filter((ds) => nodes.some((labels) => placementAdmits(ds.spec?.template?.spec, labels)))
        .flatMap((ds) => {
            const paths = writableCniConfPaths(ds.spec?.template);
            if (paths.length === 0) return [];
            return [{
                severity: off ? "info" as const : undefined,
                message: `DaemonSet ${qualified(ds)} will run on the Cilium nodes and writes the host's CNI configuration (hostPath ${paths.join(", ")}, not readOnly): ` +
                    (off ? "`cni.exclusive` is false in the values for phase 3, so Cilium leaves its configuration beside its own."
                        : "with `cni.exclusive: true` (the chart's default, kept in the values for phase 3) the Cilium agent renames its configuration to " +
                        "`*.cilium_bak` whenever it writes its own: secondary networks or the mesh's redirect vanish with no error (k8snetworkplumbingwg/multus-cni#972)."),
                objects: [qualified(ds), ...paths],
                remedy: "Set `cilium.values.cni.exclusive: false` in the stack so the agent keeps other plugins' configuration (Istio's and Linkerd's CNI docs require it on Cilium).",
            }];
        });
}

const MESH_PROXIES: Record<string, string> = { "istio-proxy": "Istio", "linkerd-proxy": "Linkerd" };
const CONTROL_PLANES: Record<string, [string, string][]> = {
    Istio: [["istio-system", "istiod"]],
    Linkerd: [["linkerd", "linkerd-destination"], ["linkerd", "linkerd-identity"], ["linkerd", "linkerd-proxy-injector"]],
};

/** The meshes a pod belongs to, by its proxy container (a native sidecar is an init container). */
export function meshesOfPod(pod: Obj): string[] {
    const names = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].map((c: Obj) => c.name);
    return unique(names.map((n) => MESH_PROXIES[n]).filter((m): m is string => m !== undefined));
}

/** One workload per pod owner (a ReplicaSet's pods are one Deployment's), as `namespace/owner`. */
const workloadOf = (pod: Obj) => {
    const owner = (pod.metadata?.ownerReferences ?? []).find((r: Obj) => r.controller) ?? pod.metadata?.ownerReferences?.[0];
    const name = owner ? (owner.kind === "ReplicaSet" ? String(owner.name).replace(/-[a-z0-9]{5,10}$/, "") : owner.name) : nameOf(pod);
    return `${pod.metadata?.namespace}/${name}`;
};

function serviceMeshSocketLb(ctx: PreflightContext) {
    const workloads = new Map<string, Set<string>>();
    for (const pod of itemsOf(ctx.input.pods)) {
        for (const mesh of meshesOfPod(pod)) (workloads.get(mesh) ?? workloads.set(mesh, new Set()).get(mesh)!).add(workloadOf(pod));
    }
    const ztunnel = itemsOf(ctx.input.daemonsets).filter((ds) => nameOf(ds) === "ztunnel" || labelsOf(ds).app === "ztunnel");
    if (ztunnel.length > 0 && !workloads.has("Istio")) workloads.set("Istio", new Set());
    const v9 = ctx.options.releaseValues.phase9 as Obj;
    const kpr = v9?.kubeProxyReplacement === true || v9?.kubeProxyReplacement === "true";
    const hostOnly = v9?.socketLB?.hostNamespaceOnly === true;
    if (!kpr) return [];
    const deployments = new Set(itemsOf(ctx.input.deployments).map(qualified));
    return [...workloads.entries()].map(([mesh, set]) => {
        const meshed = [...set].sort();
        const ambient = mesh === "Istio" && ztunnel.length > 0;
        const planes = (CONTROL_PLANES[mesh] ?? []).map(([ns, n]) => `${ns}/${n}`).filter((q) => deployments.has(q));
        return {
            severity: hostOnly ? "info" as const : undefined,
            message: `${mesh}${ambient ? " (ambient: ztunnel " + ztunnel.map(qualified).join(", ") + ")" : ""} meshes ${meshed.length} workload(s)` +
                `${meshed.length ? ` (${some(meshed)})` : ""}: ` + (hostOnly
                ? "the values for phase 9 set `socketLB.hostNamespaceOnly: true`, so kube-proxy replacement leaves Service addresses to the mesh inside pods."
                : "with kube-proxy replacement (phase 9) Cilium's socket load balancer turns a Service address into a pod address inside the pod, before the " +
                "mesh's redirect sees it: the mesh's routing is bypassed (istio/istio#27619, cilium/cilium#16583).") +
                (ambient ? " Ambient's istio-cni also needs `cilium.values.cni.exclusive: false` (cni-plugin-chain)." : ""),
            objects: [...planes, ...(ambient ? ztunnel.map(qualified) : []), ...meshed.slice(0, 5)],
            remedy: "Set `cilium.values.socketLB.hostNamespaceOnly: true` in the stack before phase 9 (Cilium's Istio integration guide requires it with kube-proxy replacement).",
        };
    });
}

export const MEANING_CHECKS: PreflightCheck[] = [
    { id: "cni-plugin-chain", severity: "blocker", phase: 3, needs: ["daemonsets"], run: cniPluginChain },
    // Sidecars show in the pods alone; without daemonsets.json only ztunnel (ambient) goes unseen.
    { id: "service-mesh-socket-lb", severity: "blocker", phase: 9, needs: ["pods", "daemonsets"], anyOf: true, run: serviceMeshSocketLb },
];
