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
    "calicoinstallations", "caliconetworkpolicies", "calicoglobalnetworkpolicies", "caliconetworksets", "calicoglobalnetworksets", "calicohostendpoints", "calicotiers",
    "nodepools", "nodeclaims", "ec2nodeclasses",
] as const satisfies readonly InputPart[];

const PAGE = 500;
type Custom = { group: string; version: string; plural: string; namespaced: boolean; fallback?: Custom };
/** Calico: the v3 API where served, else the storage form (migration/snapshotFiles.ts `calicoFiles`). */
const calico = (plural: string, namespaced: boolean): Custom => ({ group: "projectcalico.org", version: "v3", plural, namespaced,
    fallback: { group: "crd.projectcalico.org", version: "v1", plural, namespaced } });
const CUSTOM: Partial<Record<InputPart, Custom>> = {
    calicoinstallations: { group: "operator.tigera.io", version: "v1", plural: "installations", namespaced: false },
    caliconetworkpolicies: calico("networkpolicies", true), calicoglobalnetworkpolicies: calico("globalnetworkpolicies", false),
    caliconetworksets: calico("networksets", true), calicoglobalnetworksets: calico("globalnetworksets", false),
    calicohostendpoints: calico("hostendpoints", false), calicotiers: calico("tiers", false),
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
        let crd = CUSTOM[part];
        // One slimmer per part, so its pods share their repeated strings and label sets (clusterReader/slim.ts).
        const slim = slimmerFor(part);
        let list: { items: unknown[] } | undefined;
        do {
            const c = crd;
            const page: Page = c
                ? (cont) => custom.listClusterCustomObject({ group: c.group, version: c.version, plural: c.plural, ...p, _continue: cont }) as Promise<Paged<unknown>>
                : typed[part] as Page;
            try {
                list = await allPages(`list ${part}`, page, retry, (item) => slim("items", item));
            } catch (err) {
                // A CRD that is not installed: none of its objects, as `npm run snapshot` writes it (after its fallback, if any).
                if (!(c && err instanceof ClusterAccessError && err.kind === "not-found")) throw err;
                crd = c.fallback;
                if (!crd) list = { items: [] };
            }
        } while (!list);
        (input as Obj)[part] = checkShape(part, { kind: "List", items: list.items }, `live ${part}`);
    }
    return input;
}
