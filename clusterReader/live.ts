/**
 * Reads what the checks need from a live cluster with @kubernetes/client-node: lists (paged, so a 30,000-pod
 * cluster is read in pieces), and goldpinger's /check_all through the API server's service proxy — no port-forward,
 * no load balancer. Every call goes through withRetry (retry.ts).
 */
import type * as k8s from "@kubernetes/client-node";
import { ClusterSnapshot, SnapshotPart } from "./k8sTypes";
import { DEFAULT_RETRY, RetryOptions, withRetry } from "./retry";
import { InputError } from "./inputError";
import { slimmerFor } from "./slim";
import { validatePart } from "./snapshot";

export interface LiveOptions {
    kubeconfigPath: string;
    goldpinger: { namespace: string; service: string; port: number };
    retry?: RetryOptions;
}

export const PAGE = 500;

export interface Paged<T> { items: T[]; metadata?: { _continue?: string } }

/**
 * Every page of a list, each item reduced (slim.ts) before the next page is asked for, so a live read of a
 * 150,000-pod cluster holds one page of full objects at a time.
 */
export async function allPages<T>(what: string, page: (cont?: string) => Promise<Paged<T>>, retry: RetryOptions, reduce: (item: T) => unknown = (item) => item):
    Promise<{ items: unknown[] }> {
    const items: unknown[] = [];
    let cont: string | undefined;
    do {
        const result = await withRetry(what, () => page(cont), retry);
        for (const item of result.items) items.push(reduce(item));
        cont = result.metadata?._continue || undefined;
    } while (cont);
    return { items };
}

export async function readLive(parts: SnapshotPart[], options: LiveOptions): Promise<ClusterSnapshot> {
    // Loaded only in live mode: the client is an ES module, and snapshot mode and tests do not need it.
    const client: typeof k8s = await import("@kubernetes/client-node");
    const kc = new client.KubeConfig();
    try {
        kc.loadFromFile(options.kubeconfigPath);
    } catch (err) {
        throw new InputError(`kubeconfig ${options.kubeconfigPath} cannot be read as a kubeconfig: ${(err as Error).message}`);
    }
    const core = kc.makeApiClient(client.CoreV1Api);
    const apps = kc.makeApiClient(client.AppsV1Api);
    const custom = kc.makeApiClient(client.CustomObjectsApi);
    const retry = options.retry ?? DEFAULT_RETRY;
    const gp = options.goldpinger;

    const slim = (part: SnapshotPart) => (item: unknown) => slimmerFor(part)("items", item);
    const readers: Record<SnapshotPart, () => Promise<unknown>> = {
        nodes: () => allPages("list nodes", (c) => core.listNode({ limit: PAGE, _continue: c }), retry, slim("nodes")),
        pods: () => allPages("list pods", (c) => core.listPodForAllNamespaces({ limit: PAGE, _continue: c }), retry, slim("pods")),
        daemonsets: () => allPages("list daemonsets", (c) => apps.listDaemonSetForAllNamespaces({ limit: PAGE, _continue: c }), retry, slim("daemonsets")),
        deployments: () => allPages("list deployments", (c) => apps.listDeploymentForAllNamespaces({ limit: PAGE, _continue: c }), retry, slim("deployments")),
        ciliumendpoints: () => allPages("list ciliumendpoints", (c) =>
            custom.listClusterCustomObject({ group: "cilium.io", version: "v2", plural: "ciliumendpoints", limit: PAGE, _continue: c }) as Promise<Paged<unknown>>, retry, slim("ciliumendpoints")),
        configmaps: () => allPages("list configmaps in kube-system", (c) => core.listNamespacedConfigMap({ namespace: "kube-system", limit: PAGE, _continue: c }), retry, slim("configmaps")),
        goldpinger: async () => {
            const body = await withRetry(`GET goldpinger /check_all (service ${gp.namespace}/${gp.service})`, () =>
                core.connectGetNamespacedServiceProxyWithPath({ name: `${gp.service}:${gp.port}`, namespace: gp.namespace, path: "check_all" }), retry);
            try {
                return typeof body === "string" ? JSON.parse(body) : body;
            } catch {
                throw new InputError(`goldpinger /check_all did not return JSON: ${String(body).slice(0, 200)}`);
            }
        },
    };
    const snapshot: ClusterSnapshot = {};
    for (const part of parts) {
        (snapshot as Record<string, unknown>)[part] = validatePart(part, await readers[part](), `live ${part}`);
    }
    return snapshot;
}
