// The sources' own objects for "What changes meaning under Cilium" (tests/fixtures/real/{istio,linkerd2,multus,
// eks-pod-identity-webhook}): each read as its project publishes it, then placed in a cluster as kubectl would print it.
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { Obj } from "../../preflight/types";
import { FIXTURES } from "./paths";

const REAL = path.join(FIXTURES, "real");
const docs = (file: string): Obj[] => YAML.parseAllDocuments(fs.readFileSync(path.join(REAL, file), "utf8")).map((d) => d.toJSON()).filter(Boolean);
const daemonSet = (file: string): Obj => docs(file).find((d) => d.kind === "DaemonSet") as Obj;

export const multusDaemonSet = () => daemonSet("multus/multus-daemonset-thick.yml");
export const istioCniDaemonSet = () => daemonSet("istio/istio-cni-node.rendered.yaml");
export const linkerdCniDaemonSet = () => daemonSet("linkerd2/install-cni-plugin_default.golden");

/** A pod of the file (a Pod, or a Deployment's template) running in `namespace` on `node` at `ip`, owned by a ReplicaSet. */
export function meshedPod(file: string, name: string, namespace: string, node: string, ip: string): Obj {
    const doc = docs(file)[0];
    const template = doc.kind === "Pod" ? doc : doc.spec.template;
    return {
        apiVersion: "v1", kind: "Pod",
        metadata: { ...template.metadata, name: `${name}-7d9f8b6c5d-x2k4p`, namespace,
            ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: `${name}-7d9f8b6c5d`, controller: true }] },
        spec: { ...template.spec, nodeName: node },
        status: { phase: "Running", podIP: ip, hostIP: ip, conditions: [{ type: "Ready", status: "True" }] },
    };
}
export const ISTIO_SIDECAR = "istio/native-sidecar-opt-out.yaml.injected";
export const ISTIO_NATIVE = "istio/native-sidecar.yaml.injected";
export const ISTIO_CNI_POD = "istio/hello.yaml.cni.injected";
export const LINKERD_NATIVE = "linkerd2/inject_emojivoto_pod_nativesidecar.golden.yml";

/** The URI the EKS Pod Identity webhook injects by default (its `main.go` flag). */
export function podIdentityUri(): string {
    const main = fs.readFileSync(path.join(REAL, "eks-pod-identity-webhook", "main.go"), "utf8");
    return /"container-credentials-full-uri",\s*"([^"]+)"/.exec(main)![1];
}

/** The env the webhook's handler test expects it to inject, with the real default URI in place of the test's placeholder. */
export function podIdentityEnv(): Obj[] {
    const pod = docs("eks-pod-identity-webhook/rawPodNeedsAll.pod.yaml")[0];
    const patch: Obj[] = JSON.parse(pod.metadata.annotations["testing.eks.amazonaws.com/expectedPatch"]);
    const env: Obj[] = (patch.find((op) => op.path === "/spec/containers") as Obj).value[0].env;
    return env.map((e) => (e.name === "AWS_CONTAINER_CREDENTIALS_FULL_URI" ? { ...e, value: podIdentityUri() } : e));
}

/** A NetworkPolicy as kubectl prints it, with one rule of `ipBlock` peers in `direction`. */
export function ipBlockPolicy(name: string, namespace: string, direction: "ingress" | "egress", blocks: { cidr: string; except?: string[] }[]): Obj {
    const peers = blocks.map((ipBlock) => ({ ipBlock }));
    return {
        apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace },
        spec: { podSelector: {}, policyTypes: [direction === "ingress" ? "Ingress" : "Egress"], [direction]: [{ [direction === "ingress" ? "from" : "to"]: peers }] },
    };
}
