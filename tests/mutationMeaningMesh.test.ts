// service-mesh-socket-lb (preflight/meaningChecks.ts): when kube-proxy replacement is on in phase 9, how Istio's
// ambient ztunnel is recognised, which workload a meshed pod counts as, and the finding's exact words. Pods are the
// sources' own injected ones (tests/fixtures/real/{istio,linkerd2}) placed on the example cluster.
import * as assert from "assert";
import { Finding, Obj, PreflightInput } from "../preflight/types";
import { ISTIO_SIDECAR, LINKERD_NATIVE, istioCniDaemonSet, meshedPod } from "./support/meaningObjects";
import { listOf, meaningFindings } from "./support/exampleRun";

const NODE = "ip-10-20-0-17.us-east-2.compute.internal";
const mesh = (edit: (i: PreflightInput) => void, values: Obj = {}): Finding[] => meaningFindings("service-mesh-socket-lb", edit, values);
const istioPod = (name: string, namespace = "shop") => meshedPod(ISTIO_SIDECAR, name, namespace, NODE, "10.20.0.91");
/** ztunnel as Istio's ambient profile installs it, under `name` with `labels`. */
const ztunnel = (name: string, labels: Record<string, string>): Obj => ({ ...istioCniDaemonSet(), metadata: { name, namespace: "istio-system", labels } });

describe("service-mesh-socket-lb: kube-proxy replacement in phase 9", () => {
    const reviews = (i: PreflightInput) => { listOf(i, "pods").push(istioPod("reviews")); };

    it("turned off in the stack's values: no finding; set as the string \"true\": a blocker", () => {
        assert.deepStrictEqual(mesh(reviews, { kubeProxyReplacement: false }), []);
        assert.deepStrictEqual(mesh(reviews, { kubeProxyReplacement: "true" }).map((f) => f.severity), ["blocker"]);
    });

    it("with socketLB.hostNamespaceOnly: the information says the mesh keeps Service addresses", () => {
        const [f] = mesh(reviews, { socketLB: { hostNamespaceOnly: true } });
        assert.strictEqual(f.message, "Istio meshes 1 workload(s) (shop/reviews): the values for phase 9 set `socketLB.hostNamespaceOnly: true`, " +
            "so kube-proxy replacement leaves Service addresses to the mesh inside pods.");
    });
});

describe("service-mesh-socket-lb: Istio ambient's ztunnel", () => {
    it("found by its name or by its app label; the finding names each, even with no sidecar pod", () => {
        const [f] = mesh((i) => listOf(i, "daemonsets").push(ztunnel("ztunnel", {}), ztunnel("ztunnel-canary", { app: "ztunnel" })));
        assert.strictEqual(f.message, "Istio (ambient: ztunnel istio-system/ztunnel, istio-system/ztunnel-canary) meshes 0 workload(s): with kube-proxy replacement " +
            "(phase 9) Cilium's socket load balancer turns a Service address into a pod address inside the pod, before the mesh's redirect sees it: the mesh's " +
            "routing is bypassed (istio/istio#27619, cilium/cilium#16583). Ambient's istio-cni also needs `cilium.values.cni.exclusive: false` (cni-plugin-chain).");
        assert.deepStrictEqual(f.objects, ["istio-system/ztunnel", "istio-system/ztunnel-canary"]);
        assert.deepStrictEqual(mesh((i) => listOf(i, "daemonsets").push(ztunnel("istio-cni-node", { app: "istio-cni-node" }))), []);
    });

    it("ztunnel beside sidecar pods keeps their workloads; Linkerd beside it is not ambient", () => {
        const found = mesh((i) => {
            listOf(i, "daemonsets").push(ztunnel("ztunnel", { app: "ztunnel" }));
            listOf(i, "pods").push(istioPod("reviews"), meshedPod(LINKERD_NATIVE, "emoji", "emojivoto", NODE, "10.20.0.94"));
        });
        assert.deepStrictEqual(found.map((f) => f.objects), [["istio-system/ztunnel", "shop/reviews"], ["emojivoto/emoji"]]);
        assert.match(found[1].message, /^Linkerd meshes 1 workload\(s\) \(emojivoto\/emoji\): with kube-proxy replacement/);
        assert.doesNotMatch(found[1].message, /ambient/);
    });
});

describe("service-mesh-socket-lb: the workloads a mesh's pods make", () => {
    const workloads = (...pods: Obj[]) => mesh((i) => listOf(i, "pods").push(...pods))[0].objects;

    it("a Deployment's pods are one workload, named without the ReplicaSet's hash even when a part of its name looks like one", () => {
        assert.deepStrictEqual(workloads(istioPod("details-server"), istioPod("details-server")), ["shop/details-server"]);
    });

    it("a bare pod is its own workload; an owner that is no controller still names it; among owners, the controller; only a ReplicaSet's name loses a suffix", () => {
        const bare = istioPod("debug");
        bare.metadata = { name: "debug", namespace: "shop" };
        const job = istioPod("x");
        job.metadata.ownerReferences = [{ apiVersion: "batch/v1", kind: "Job", name: "report-28450560" }];
        const owned = istioPod("y");
        owned.metadata.ownerReferences = [{ apiVersion: "v1", kind: "ConfigMap", name: "settings" }, { apiVersion: "apps/v1", kind: "StatefulSet", name: "redis-master", controller: true }];
        assert.deepStrictEqual(workloads(bare, job, owned), ["shop/debug", "shop/redis-master", "shop/report-28450560"]);
    });

    it("the objects name at most five workloads; the count, all of them", () => {
        const [f] = mesh((i) => listOf(i, "pods").push(...["a", "b", "c", "d", "e", "f"].map((n) => istioPod(`svc-${n}`))));
        assert.deepStrictEqual(f.objects, ["shop/svc-a", "shop/svc-b", "shop/svc-c", "shop/svc-d", "shop/svc-e"]);
        assert.match(f.message, /^Istio meshes 6 workload\(s\)/);
    });
});
