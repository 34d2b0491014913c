/**
 * Reads preflight's Kubernetes input from a live cluster with @kubernetes/client-node, paged (clusterReader/live.ts), every
 * call retried as the gates' are. A kind whose CRD is not installed (404) is an empty list, as the snapshot writes it.
 */
import type * as k8s from "@kubernetes/client-node";
import { Paged, allPages } from "../clusterReader/live";
import { ClusterAccessError, DEFAULT_RETRY, RetryOptions } from "../clusterReader/retry";
import { InputError } from "../clusterReader/inputError";
import { slimmerFor } from "../clusterReader/slim";
import { checkShape } from "./read";
import { InputPart, Obj, PreflightInput } from "./types";

export interface PreflightLiveOptions {
    kubeconfigPath: string;
    retry?: RetryOptions;
}

/** The Kubernetes parts (everything but the AWS files). */
export const KUBERNETES_PARTS = [
    "nodes", "pods", "daemonsets", "deployments", "statefulsets", "configmaps", "poddisruptionbudgets", "networkpolicies",
    "ciliumnetworkpolicies", "persistentvolumes", "persistentvolumeclaims", "eniconfigs", "securitygrouppolicies",
    "nodepools", "nodeclaims", "ec2nodeclasses",
] as const satisfies readonly InputPart[];

const PAGE = 500;
const CUSTOM: Partial<Record<InputPart, { group: string; version: string; plural: string; namespaced: boolean }>> = {
    ciliumnetworkpolicies: { group: "cilium.io", version: "v2", plural: "ciliumnetworkpolicies", namespaced: true },
    eniconfigs: { group: "crd.k8s.amazonaws.com", version: "v1alpha1", plural: "eniconfigs", namespaced: false },
    securitygrouppolicies: { group: "vpcresources.k8s.aws", version: "v1beta1", plural: "securitygrouppolicies", namespaced: true },
    nodepools: { group: "karpenter.sh", version: "v1", plural: "nodepools", namespaced: false },
    nodeclaims: { group: "karpenter.sh", version: "v1", plural: "nodeclaims", namespaced: false },
    ec2nodeclasses: { group: "karpenter.k8s.aws", version: "v1", plural: "ec2nodeclasses", namespaced: false },
};

export async function readPreflightLive(options: PreflightLiveOptions): Promise<PreflightInput> {
    const client: typeof k8s = await import("@kubernetes/client-node");
    const kc = new client.KubeConfig();
    try {
        kc.loadFromFile(options.kubeconfigPath);
    } catch (err) {
        throw new InputError(`kubeconfig ${options.kubeconfigPath} cannot be read as a kubeconfig: ${(err as Error).message}`);
    }
    const core = kc.makeApiClient(client.CoreV1Api);
    const apps = kc.makeApiClient(client.AppsV1Api);
    const policy = kc.makeApiClient(client.PolicyV1Api);
    const networking = kc.makeApiClient(client.NetworkingV1Api);
    const custom = kc.makeApiClient(client.CustomObjectsApi);
    const retry = options.retry ?? DEFAULT_RETRY;
    type Page = (cont?: string) => Promise<Paged<unknown>>;
    const p = { limit: PAGE };
    const typed: Partial<Record<InputPart, Page>> = {
        nodes: (c) => core.listNode({ ...p, _continue: c }),
        pods: (c) => core.listPodForAllNamespaces({ ...p, _continue: c }),
        daemonsets: (c) => apps.listDaemonSetForAllNamespaces({ ...p, _continue: c }),
        deployments: (c) => apps.listDeploymentForAllNamespaces({ ...p, _continue: c }),
        statefulsets: (c) => apps.listStatefulSetForAllNamespaces({ ...p, _continue: c }),
        configmaps: (c) => core.listNamespacedConfigMap({ namespace: "kube-system", ...p, _continue: c }),
        poddisruptionbudgets: (c) => policy.listPodDisruptionBudgetForAllNamespaces({ ...p, _continue: c }),
        networkpolicies: (c) => networking.listNetworkPolicyForAllNamespaces({ ...p, _continue: c }),
        persistentvolumes: (c) => core.listPersistentVolume({ ...p, _continue: c }),
        persistentvolumeclaims: (c) => core.listPersistentVolumeClaimForAllNamespaces({ ...p, _continue: c }),
    };
    const input: PreflightInput = {};
    for (const part of KUBERNETES_PARTS) {
        const crd = CUSTOM[part];
        const page: Page = crd
            ? (c) => custom.listClusterCustomObject({ group: crd.group, version: crd.version, plural: crd.plural, ...p, _continue: c }) as Promise<Paged<unknown>>
            : typed[part] as Page;
        let list: { items: unknown[] };
        try {
            list = await allPages(`list ${part}`, page, retry, (item) => slimmerFor(part)("items", item));
        } catch (err) {
            // A CRD that is not installed: none of its objects, as `npm run snapshot` writes it.
            if (crd && err instanceof ClusterAccessError && err.kind === "not-found") list = { items: [] };
            else throw err;
        }
        (input as Obj)[part] = checkShape(part, { kind: "List", items: list.items }, `live ${part}`);
    }
    return input;
}
