// "What changes meaning under Cilium" (design.md): cni-plugin-chain, service-mesh-socket-lb and cidr-peer-in-cluster
// on the example cluster with the sources' own objects added (tests/fixtures/real/{istio,linkerd2,multus,
// eks-pod-identity-webhook}), judged on the values the program gives the release (stacks/preflightConfig.ts).
import * as assert from "assert";
import { ciliumValues } from "../components/cilium/values";
import { DEFAULT_NODE_LABELS } from "../migration/names";
import { slimPod } from "../clusterReader/slim";
import { AddressIndex, parseCidr } from "../preflight/cidr";
import { readPreflightSnapshot } from "../preflight/read";
import { runPreflight } from "../preflight/run";
import { DEFAULT_OPTIONS, Finding, Obj, PreflightInput, PreflightOptions } from "../preflight/types";
import { preflightOptionsOf } from "../stacks/preflightConfig";
import { migrationConfigOf, readStackFile } from "../stacks/stackFile";
import { EXAMPLE_SNAPSHOT, EXISTING_STACK } from "./support/existingCluster";
import { ISTIO_CNI_POD, ISTIO_NATIVE, ISTIO_SIDECAR, LINKERD_NATIVE, ipBlockPolicy, istioCniDaemonSet, linkerdCniDaemonSet, meshedPod, multusDaemonSet,
    podIdentityEnv } from "./support/meaningObjects";

const BASE = readPreflightSnapshot(EXAMPLE_SNAPSHOT);
const CONFIG = migrationConfigOf(readStackFile(EXISTING_STACK));
const items = (i: PreflightInput, part: keyof PreflightInput): Obj[] => (i[part] as { items: Obj[] }).items;
const NODE = "ip-10-20-0-17.us-east-2.compute.internal";

/** Preflight's findings of `id` with the stack's `cilium.values` set to `values` (through the program's own values). */
function run(id: string, edit: (i: PreflightInput, o: PreflightOptions) => void, values: Obj = {}): Finding[] {
    const input = structuredClone(BASE);
    const options = preflightOptionsOf({ ...CONFIG, cilium: { ...CONFIG.cilium, values } });
    edit(input, options);
    return runPreflight(input, options).findings.filter((f) => f.id === id);
}

describe("cni-plugin-chain: another CNI plugin writing /etc/cni/net.d on the Cilium nodes", () => {
    it("Multus (AWS's EKS manifest), istio-cni and linkerd-cni: one blocker each, naming the DaemonSet and the hostPath", () => {
        const found = run("cni-plugin-chain", (i) => items(i, "daemonsets").push(multusDaemonSet(), istioCniDaemonSet(), linkerdCniDaemonSet()));
        assert.deepStrictEqual(found.map((f) => [f.severity, f.phase, f.objects]), [
            ["blocker", 3, ["kube-system/kube-multus-ds", "/etc/cni/net.d", "/"]],
            ["blocker", 3, ["istio-system/istio-cni-node", "/etc/cni/net.d"]],
            ["blocker", 3, ["linkerd-cni/linkerd-cni", "/etc/cni/net.d"]],
        ]);
        assert.match(found[0].message, /^DaemonSet kube-system\/kube-multus-ds will run on the Cilium nodes and writes the host's CNI configuration \(hostPath \/etc\/cni\/net\.d, \/, not readOnly\): with `cni\.exclusive: true`/);
        assert.strictEqual(found[0].remedy, "Set `cilium.values.cni.exclusive: false` in the stack so the agent keeps other plugins' configuration (Istio's and Linkerd's CNI docs require it on Cilium).");
    });

    it("info once the stack sets cni.exclusive: false (through the program's values for phase 3)", () => {
        const found = run("cni-plugin-chain", (i) => items(i, "daemonsets").push(multusDaemonSet()), { cni: { exclusive: false } });
        assert.deepStrictEqual(found.map((f) => f.severity), ["info"]);
        assert.match(found[0].message, /`cni\.exclusive` is false in the values for phase 3/);
    });

    it("no finding for a DaemonSet kept off Cilium nodes (by the CNI label or the legacy group), one mounting the path readOnly, calico-node, or the example's own; one on the twin group is found", () => {
        const pinned = multusDaemonSet();
        pinned.spec.template.spec.nodeSelector = { ...pinned.spec.template.spec.nodeSelector, cni: "aws-cni" };
        const readOnly = istioCniDaemonSet();
        for (const m of readOnly.spec.template.spec.containers[0].volumeMounts) m.readOnly = true;
        const byGroup = linkerdCniDaemonSet();
        byGroup.spec.template.spec.nodeSelector = { "eks.amazonaws.com/nodegroup": "ng-general" };
        const calico = { ...multusDaemonSet(), metadata: { name: "calico-node", namespace: "calico-system" } };
        assert.deepStrictEqual(run("cni-plugin-chain", (i) => items(i, "daemonsets").push(pinned, readOnly, byGroup, calico)), []);
        byGroup.spec.template.spec.nodeSelector = { "eks.amazonaws.com/nodegroup": "ng-general-cilium" };
        assert.deepStrictEqual(run("cni-plugin-chain", (i) => items(i, "daemonsets").push(byGroup)).map((f) => f.objects[0]), ["linkerd-cni/linkerd-cni"]);
        assert.deepStrictEqual(run("cni-plugin-chain", () => undefined), []);
    });
});

describe("service-mesh-socket-lb: sidecar meshes and kube-proxy replacement", () => {
    const meshed = (i: PreflightInput) => {
        items(i, "pods").push(meshedPod(ISTIO_SIDECAR, "reviews", "shop", NODE, "10.20.0.91"), meshedPod(ISTIO_NATIVE, "ratings", "shop", NODE, "10.20.0.92"),
            meshedPod(ISTIO_CNI_POD, "hello", "shop", NODE, "10.20.0.93"), meshedPod(LINKERD_NATIVE, "emoji", "emojivoto", NODE, "10.20.0.94"));
        items(i, "deployments").push({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "istiod", namespace: "istio-system" }, spec: {} });
    };

    it("Istio (sidecar, native sidecar, with istio-cni) and Linkerd (native sidecar): one blocker per mesh in phase 9", () => {
        const found = run("service-mesh-socket-lb", meshed);
        assert.deepStrictEqual(found.map((f) => [f.severity, f.phase, f.objects]), [
            ["blocker", 9, ["istio-system/istiod", "shop/hello", "shop/ratings", "shop/reviews"]],
            ["blocker", 9, ["emojivoto/emoji"]],
        ]);
        assert.match(found[0].message, /^Istio meshes 3 workload\(s\) \(shop\/hello, shop\/ratings, shop\/reviews\): with kube-proxy replacement \(phase 9\)/);
        assert.match(found[1].message, /^Linkerd meshes 1 workload\(s\)/);
    });

    it("info once the stack sets socketLB.hostNamespaceOnly: true; Istio ambient's ztunnel is named as ambient", () => {
        assert.deepStrictEqual(run("service-mesh-socket-lb", meshed, { socketLB: { hostNamespaceOnly: true } }).map((f) => f.severity), ["info", "info"]);
        const ambient = run("service-mesh-socket-lb", (i) => items(i, "daemonsets").push({ ...istioCniDaemonSet(), metadata: { name: "ztunnel", namespace: "istio-system", labels: { app: "ztunnel" } } }));
        assert.deepStrictEqual(ambient.map((f) => f.objects), [["istio-system/ztunnel"]]);
        assert.match(ambient[0].message, /^Istio \(ambient: ztunnel istio-system\/ztunnel\) meshes 0 workload\(s\).*needs `cilium\.values\.cni\.exclusive: false`/);
        assert.deepStrictEqual(run("service-mesh-socket-lb", () => undefined), []);
        const noDaemonSets = (edit: (i: PreflightInput) => void) => (i: PreflightInput) => { edit(i); delete i.daemonsets; };
        assert.deepStrictEqual(run("service-mesh-socket-lb", noDaemonSets(meshed)).map((f) => f.severity), ["blocker", "blocker"]);
        assert.deepStrictEqual(runPreflight((() => { const i = structuredClone(BASE); delete i.daemonsets; return i; })(), preflightOptionsOf(CONFIG)).findings
            .filter((f) => f.message.startsWith("service-mesh-socket-lb was not checked")).map((f) => f.objects), [["daemonsets.json"]]);
    });

    it("the defaults preflight judges without a stack are the program's own values for the keys read", () => {
        const of = (bothCnisRun: boolean, kpr: boolean) => ciliumValues({ bothCnisRun, kubeProxyReplacement: kpr, chartVersion: "1.19.6", clusterName: "x",
            nodeLabels: DEFAULT_NODE_LABELS, clusterEndpoint: "https://x.example", overrides: {} }) as Obj;
        for (const [values, ours] of [[of(true, false), DEFAULT_OPTIONS.releaseValues.phase3], [of(false, true), DEFAULT_OPTIONS.releaseValues.phase9]]) {
            assert.deepStrictEqual([values.cni?.exclusive, values.kubeProxyReplacement, values.socketLB], [ours.cni?.exclusive, ours.kubeProxyReplacement, ours.socketLB]);
        }
    });
});

describe("cidr-peer-in-cluster: CIDR rules that contain pods, nodes or host agents", () => {
    it("the VPC CIDR as an egress ipBlock: a blocker per rule naming the pods and nodes it covers; phase 8 with policyDuringMigration never", () => {
        const add = (i: PreflightInput) => items(i, "networkpolicies").push(ipBlockPolicy("egress-vpc", "shop", "egress", [{ cidr: "10.20.0.0/16" }]));
        const [f] = run("cidr-peer-in-cluster", add);
        assert.deepStrictEqual([f.severity, f.phase, f.objects[0]], ["blocker", 3, "shop/egress-vpc"]);
        assert.match(f.message, /^NetworkPolicy shop\/egress-vpc egress\[0\] \(selecting \d+ pod\(s\)\): 10\.20\.0\.0\/16 contains \d+ pod\(s\) \(.*\), 10 node\(s\) \(/);
        assert.match(f.remedy, /for pods a `podSelector`\/`namespaceSelector` peer.*for nodes a CiliumNetworkPolicy `toEntities: \[host, remote-node\]`/);
        assert.deepStrictEqual(run("cidr-peer-in-cluster", (i, o) => { add(i); o.policyDuringMigration = "never"; }).map((x) => x.phase), [8]);
    });

    it("an except that removes every covered address, a CIDR outside the cluster, an IPv6 prefix: no finding", () => {
        assert.deepStrictEqual(run("cidr-peer-in-cluster", (i) => items(i, "networkpolicies").push(
            ipBlockPolicy("all-but-vpc", "shop", "egress", [{ cidr: "10.0.0.0/8", except: ["10.20.0.0/16"] }, { cidr: "192.0.2.0/24" }, { cidr: "::/0" }]))), []);
    });

    it("0.0.0.0/0 as 'anything' covers EKS Pod Identity's agent, found from the env its webhook injects", () => {
        const found = run("cidr-peer-in-cluster", (i) => {
            const pod = items(i, "pods").find((p) => p.metadata.namespace === "shop") as Obj;
            pod.spec.containers[0].env = podIdentityEnv();
            items(i, "networkpolicies").push(ipBlockPolicy("egress-any", "shop", "egress", [{ cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] }]));
        });
        assert.strictEqual(found.length, 1);
        assert.match(found[0].message, /0\.0\.0\.0\/0 except 10\.0\.0\.0\/8 contains 1 host agent\(s\) \(EKS Pod Identity agent \(169\.254\.170\.23\)\)/);
        assert.match(found[0].remedy, /for host agents \(EKS Pod Identity, NodeLocal DNS\) a CiliumNetworkPolicy `toEntities: \[host\]`/);
    });

    it("node IPs only: the remedy names policyCIDRMatchMode; a CiliumNetworkPolicy toCIDRSet is judged too", () => {
        const [f] = run("cidr-peer-in-cluster", (i) => items(i, "ciliumnetworkpolicies").push({ apiVersion: "cilium.io/v2", kind: "CiliumNetworkPolicy",
            metadata: { name: "to-node", namespace: "shop" }, spec: { endpointSelector: {}, egress: [{ toCIDRSet: [{ cidr: `${"10.20.0.17"}/32` }] }] } }));
        assert.match(f.message, /^CiliumNetworkPolicy shop\/to-node egress\[0\] .*10\.20\.0\.17\/32 contains .*1 node\(s\) \(ip-10-20-0-17/);
        assert.match(f.remedy, /`cilium\.values\.policyCIDRMatchMode: \[nodes\]`/);
        const both = run("cidr-peer-in-cluster", (i) => items(i, "ciliumnetworkpolicies").push({ apiVersion: "cilium.io/v2", kind: "CiliumNetworkPolicy",
            metadata: { name: "two", namespace: "shop" }, spec: { endpointSelector: {}, ingress: [{ fromCIDR: ["10.20.0.17/32"] }] },
            specs: [{ endpointSelector: {}, egress: [{ toCIDR: ["192.0.2.1/32"] }, { toCIDR: ["10.20.32.24/32"] }] }] }));
        assert.deepStrictEqual(both.map((x) => /two (\S+)/.exec(x.message)?.[1]), ["ingress[0]", "specs[0].egress[1]"]);
    });

    it("a malformed CIDR is named (policy, rule, value) and the other rules are still judged", () => {
        const found = run("cidr-peer-in-cluster", (i) => {
            const p = ipBlockPolicy("bad", "shop", "ingress", [{ cidr: "10.20.0.0/33" }]);
            p.spec.egress = [{ to: [{ ipBlock: { cidr: "10.20.0.0/16" } }] }];
            items(i, "networkpolicies").push(p);
        });
        assert.deepStrictEqual(found.map((f) => f.severity), ["warning", "blocker"]);
        assert.strictEqual(found[0].message, "NetworkPolicy shop/bad ingress[0] (selecting 8 pod(s)): CIDR \"10.20.0.0/33\" is malformed (\"10.20.0.0/33\" is not an IPv4 CIDR (a.b.c.d/n)) and was not judged.");
    });

    it("the address index counts with except lists and skips excepted names", () => {
        const idx = new AddressIndex([1, 2, 3, 10, 11, 20].map((ip) => ({ ip, name: `a${ip}` })));
        const r = (lo: number, hi: number) => ({ lo, hi });
        assert.deepStrictEqual(idx.covered(r(0, 15), [r(2, 10)]), { count: 2, names: ["a1", "a11"] });
        assert.deepStrictEqual(idx.covered(r(0, 25), [r(11, 30), r(20, 20)], 2), { count: 4, names: ["a1", "a2"] });
        assert.deepStrictEqual(parseCidr("10.20.3.4/16"), { lo: 10 * 2 ** 24 + 20 * 2 ** 16, hi: 10 * 2 ** 24 + 20 * 2 ** 16 + 65535 });
    });

    it("the same finding on the pods as kubectl prints them and as the slim reader keeps them", () => {
        const edit = (slim: boolean) => (i: PreflightInput) => {
            const pod = items(i, "pods").find((p) => p.metadata.namespace === "shop") as Obj;
            pod.spec.containers[0].env = [{ name: "AWS_REGION", value: "us-east-2" }, ...podIdentityEnv()];
            if (slim) items(i, "pods").splice(items(i, "pods").indexOf(pod), 1, slimPod(pod));
            items(i, "networkpolicies").push(ipBlockPolicy("to-agent", "shop", "egress", [{ cidr: "169.254.170.23/32" }]));
        };
        const full = run("cidr-peer-in-cluster", edit(false));
        assert.deepStrictEqual(full.map((f) => f.objects), [["shop/to-agent", "EKS Pod Identity agent (169.254.170.23)"]]);
        assert.deepStrictEqual(run("cidr-peer-in-cluster", edit(true)), full);
    });

    it("the slim reader keeps the credentials URI (and no other env)", () => {
        const slim = slimPod({ metadata: { name: "p" }, spec: { containers: [{ name: "app", env: podIdentityEnv() }] } });
        assert.deepStrictEqual(slim.spec.containers[0].env, [{ name: "AWS_CONTAINER_CREDENTIALS_FULL_URI", value: "http://169.254.170.23/v1/credentials" }]);
    });
});
