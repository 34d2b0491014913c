/**
 * Calico's install read from the live cluster at program time (`pulumi up`/`preview`), with @kubernetes/client-node
 * and the kubeconfig the program builds for the cluster (`aws eks get-token` for credentials, as the steps use). An
 * Installation CRD that is not installed is an answer (no Installation); any other failure stops the program with
 * what was asked and why it failed — never a silent "no Calico", which would leave calico-node unpinned.
 */
import type * as k8s from "@kubernetes/client-node";
import { PAGE, Paged, allPages } from "../clusterReader/live";
import { ClusterAccessError, DEFAULT_RETRY } from "../clusterReader/retry";
import { CalicoLookups, CalicoQuery, Obj } from "./calicoFacts";
import { ConfigError } from "./validate";

const describe = (q: CalicoQuery) => (q.kind === "Installation" ? "installations.operator.tigera.io" : `${q.kind === "Deployment" ? "deployments" : "daemonsets"} named ${q.name}`);

export function liveCalicoLookups(kubeconfig: string, clusterName: string): CalicoLookups {
    let clients: Promise<{ apps: k8s.AppsV1Api; custom: k8s.CustomObjectsApi }> | undefined;
    const connect = async () => {
        // Loaded only live: the client is an ES module the planner and tests do not need.
        const client: typeof k8s = await import("@kubernetes/client-node");
        const kc = new client.KubeConfig();
        kc.loadFromString(kubeconfig);
        return { apps: kc.makeApiClient(client.AppsV1Api), custom: kc.makeApiClient(client.CustomObjectsApi) };
    };
    return {
        list: async (query) => {
            clients ??= connect();
            const { apps, custom } = await clients;
            const byName = query.kind === "Installation" ? {} : { fieldSelector: `metadata.name=${query.name}` };
            const page = (cont?: string): Promise<Paged<unknown>> => query.kind === "Installation"
                ? custom.listClusterCustomObject({ group: "operator.tigera.io", version: "v1", plural: "installations", limit: PAGE, _continue: cont }) as Promise<Paged<unknown>>
                : query.kind === "Deployment"
                    ? apps.listDeploymentForAllNamespaces({ ...byName, limit: PAGE, _continue: cont }) as Promise<Paged<unknown>>
                    : apps.listDaemonSetForAllNamespaces({ ...byName, limit: PAGE, _continue: cont }) as Promise<Paged<unknown>>;
            try {
                const items = (await allPages(`list ${describe(query)}`, page, DEFAULT_RETRY)).items as Obj[];
                // The field selector already filters; checked again so a server that ignores it cannot widen the answer.
                return query.kind === "Installation" ? items : items.filter((o) => o.metadata?.name === query.name);
            } catch (err) {
                if (query.kind === "Installation" && err instanceof ClusterAccessError && err.kind === "not-found") return [];
                throw new ConfigError([`cannot read Calico's install from cluster ${clusterName} (list ${describe(query)}): ${(err as Error).message}. ` +
                    "The program reads it to keep calico-node where aws-node runs; check that this machine reaches the cluster's API " +
                    `(aws eks get-token --cluster-name ${clusterName} works and the identity may list DaemonSets, Deployments and installations.operator.tigera.io).`]);
            }
        },
    };
}
