// Calico installs as the cluster shows them, built from Calico's and tigera-operator's own data (vendored under
// tests/fixtures/real/calico and tests/fixtures/real/tigera-operator; see their README.md).
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { FIXTURES } from "./paths";
import { Json, snapshotVariant } from "./existingCluster";

const REAL = path.join(FIXTURES, "real");
const read = (...p: string[]): Json => JSON.parse(fs.readFileSync(path.join(REAL, ...p), "utf8"));

/** tigera-operator's Deployment (Calico's manifests/tigera-operator.yaml) with a released image tag. */
export function operatorDeployment(tag: string): Json {
    const d = read("calico", "tigera-operator-deployment.json");
    d.spec.template.spec.containers[0].image = `quay.io/tigera/operator:${tag}`;
    return d;
}

/** The Installation of Calico's EKS guide for policy only on the VPC CNI (docs.tigera.io, "Amazon Elastic Kubernetes Service (EKS)"). */
export const EKS_INSTALLATION: Json = {
    apiVersion: "operator.tigera.io/v1", kind: "Installation", metadata: { name: "default" },
    spec: { kubernetesProvider: "EKS", cni: { type: "AmazonVPC" }, calicoNetwork: { bgp: "Disabled" } },
};

/** The EKS term tigera-operator renders for a component (render code's `IsEKS()` branch: node.go, csi.go). */
export function operatorEksTerm(file: "node.go" | "csi.go"): { key: string; operator: string; values: string[] } {
    const source = fs.readFileSync(path.join(REAL, "tigera-operator", file), "utf8");
    const branch = /KubernetesProvider\.IsEKS\(\) \{\s*affinity = &corev1\.Affinity\{[\s\S]*?Key:\s*"([^"]+)",\s*Operator:\s*corev1\.NodeSelectorOp(\w+),\s*Values:\s*\[\]string\{([^}]*)\}/.exec(source);
    assert.ok(branch, `the EKS affinity branch of ${file}`);
    return { key: branch[1], operator: branch[2], values: [...branch[3].matchAll(/"([^"]+)"/g)].map((m) => m[1]) };
}

const affinityOf = (expressions: unknown[]) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: expressions }] } } });

/** The manifests' calico-node DaemonSet (kube-system, no affinity), or with the affinity given. */
export function manifestCalicoNode(affinity?: unknown): Json {
    const ds = read("calico", "manifest-calico-node-daemonset.json");
    if (affinity) ds.spec.template.spec.affinity = affinity;
    return ds;
}

/** An agent as tigera-operator renders it on EKS: in calico-system, with the render code's EKS term (or the affinity given). */
export function operatorAgent(name: "calico-node" | "csi-node-driver", affinity?: unknown): Json {
    const ds = manifestCalicoNode(affinity ?? affinityOf([operatorEksTerm(name === "calico-node" ? "node.go" : "csi.go")]));
    ds.metadata = { ...ds.metadata, name, namespace: "calico-system" };
    return ds;
}

export interface CalicoCluster { installations?: Json[]; operators?: Json[]; daemonSets?: Json[]; extra?: Record<string, Json | null> }

/** The example snapshot with a Calico install added. */
export function calicoSnapshot(c: CalicoCluster): string {
    return snapshotVariant((files) => {
        files["calico-installations.json"].items.push(...(c.installations ?? []));
        files["deployments.json"].items.push(...(c.operators ?? []));
        files["daemonsets.json"].items.push(...(c.daemonSets ?? []));
        return c.extra;
    });
}

/** tigera-operator v1.36.2 with the EKS guide's Installation, calico-node and csi-node-driver as it renders them. */
export const OPERATOR_CLUSTER: CalicoCluster = {
    installations: [EKS_INSTALLATION], operators: [operatorDeployment("v1.36.2")],
    daemonSets: [operatorAgent("calico-node"), operatorAgent("csi-node-driver")],
};
