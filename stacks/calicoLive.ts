/**
 * Calico's install (and, for `calico.applyConvertedPolicies`, its policy objects and what the conversion judges them
 * against) read from the live cluster at program time (`pulumi up`/`preview`), with @kubernetes/client-node and the
 * kubeconfig the program builds for the cluster (`aws eks get-token` for credentials, as the steps use). A CRD that is
 * not installed is an answer (none of its objects); any other failure stops the program with what was asked and why
 * it failed — never a silent "no Calico", which would leave calico-node unpinned or the converted policies deleted.
 */
import type * as k8s from "@kubernetes/client-node";
import { PAGE, Paged, allPages } from "../clusterReader/live";
import { ClusterAccessError, DEFAULT_RETRY, withRetry } from "../clusterReader/retry";
import { slimmerFor } from "../clusterReader/slim";
import { KUBECTL_FILES } from "../migration/snapshotFiles";
import { CALICO_POLICY_PARTS, CalicoLookups, CalicoQuery, ConversionPart, Obj } from "./calicoFacts";
import { ConfigError } from "./validate";

const describe = (q: CalicoQuery) => q.kind === "Installation" ? "installations.operator.tigera.io"
    : q.kind === "Served" ? CALICO_POLICY_PARTS.map((p) => KUBECTL_FILES[p].resource).join(", ")
    : q.kind === "Objects" ? KUBECTL_FILES[q.of].resource : `${q.kind === "Deployment" ? "deployments" : "daemonsets"} named ${q.name}`;

interface Clients { apps: k8s.AppsV1Api; core: k8s.CoreV1Api; networking: k8s.NetworkingV1Api; custom: k8s.CustomObjectsApi }
type Page = (cont?: string) => Promise<Paged<unknown>>;

const notFound = (err: unknown) => err instanceof ClusterAccessError && err.kind === "not-found";

/** A custom resource's pages, by `plural.group` (`networkpolicies.projectcalico.org`) and version. */
const customPages = (c: Clients, resource: string, version: string): Page => (cont) => {
    const [plural, ...group] = resource.split(".");
    return c.custom.listClusterCustomObject({ group: group.join("."), version, plural, limit: PAGE, _continue: cont }) as Promise<Paged<unknown>>;
};

/** The objects of one conversion part: Calico's from the v3 API where served, else its `crd.projectcalico.org` storage form (as `npm run snapshot`). */
async function conversionObjects(c: Clients, of: ConversionPart): Promise<Obj[]> {
    // Slimmed as preflight's live read slims them (clusterReader/slim.ts): at 150,000 pods whole objects would not fit in memory.
    const slim = slimmerFor(of);
    const read = async (page: Page, what: string) => (await allPages(`list ${what}`, page, DEFAULT_RETRY, (item) => slim("items", item))).items as Obj[];
    if (of === "nodes") return read((cont) => c.core.listNode({ limit: PAGE, _continue: cont }) as Promise<Paged<unknown>>, "nodes");
    if (of === "pods") return read((cont) => c.core.listPodForAllNamespaces({ limit: PAGE, _continue: cont }) as Promise<Paged<unknown>>, "pods");
    if (of === "networkpolicies") {
        return read((cont) => c.networking.listNetworkPolicyForAllNamespaces({ limit: PAGE, _continue: cont }) as Promise<Paged<unknown>>, "networkpolicies");
    }
    const file = KUBECTL_FILES[of];
    try {
        return await read(customPages(c, file.resource, "v3"), file.resource);
    } catch (err) {
        if (!notFound(err) || !file.fallback) throw err;
    }
    try {
        return await read(customPages(c, file.fallback, "v1"), file.fallback);
    } catch (err) {
        if (notFound(err)) return [];
        throw err;
    }
}

/** Whether a Calico API is served: its v3 form or its `crd.projectcalico.org` storage form answers a list (404 on both: not served). */
async function served(c: Clients, of: ConversionPart): Promise<boolean> {
    const file = KUBECTL_FILES[of];
    for (const [resource, version] of [[file.resource, "v3"], [file.fallback, "v1"]] as const) {
        if (!resource) continue;
        try {
            await withRetry(`list ${resource}`, () => customPages(c, resource, version)(undefined), DEFAULT_RETRY);
            return true;
        } catch (err) {
            if (!notFound(err)) throw err;
        }
    }
    return false;
}

export function liveCalicoLookups(kubeconfig: string, clusterName: string): CalicoLookups {
    let clients: Promise<Clients> | undefined;
    const connect = async () => {
        // Loaded only live: the client is an ES module the planner and tests do not need.
        const client: typeof k8s = await import("@kubernetes/client-node");
        const kc = new client.KubeConfig();
        kc.loadFromString(kubeconfig);
        return {
            apps: kc.makeApiClient(client.AppsV1Api), core: kc.makeApiClient(client.CoreV1Api),
            networking: kc.makeApiClient(client.NetworkingV1Api), custom: kc.makeApiClient(client.CustomObjectsApi),
        };
    };
    return {
        list: async (query) => {
            clients ??= connect();
            const c = await clients;
            try {
                if (query.kind === "Objects") return await conversionObjects(c, query.of);
                if (query.kind === "Served") {
                    const answers = await Promise.all(CALICO_POLICY_PARTS.map(async (part) => await served(c, part) ? [{ metadata: { name: part } }] : []));
                    return answers.flat();
                }
                if (query.kind === "Installation") {
                    return (await allPages(`list ${describe(query)}`, customPages(c, "installations.operator.tigera.io", "v1"), DEFAULT_RETRY)).items as Obj[];
                }
                const byName = { fieldSelector: `metadata.name=${query.name}` };
                const page: Page = (cont) => query.kind === "Deployment"
                    ? c.apps.listDeploymentForAllNamespaces({ ...byName, limit: PAGE, _continue: cont }) as Promise<Paged<unknown>>
                    : c.apps.listDaemonSetForAllNamespaces({ ...byName, limit: PAGE, _continue: cont }) as Promise<Paged<unknown>>;
                const items = (await allPages(`list ${describe(query)}`, page, DEFAULT_RETRY)).items as Obj[];
                // The field selector already filters; checked again so a server that ignores it cannot widen the answer.
                return items.filter((o) => o.metadata?.name === query.name);
            } catch (err) {
                if (query.kind === "Installation" && notFound(err)) return [];
                const why = query.kind === "Objects" || query.kind === "Served"
                    ? "The program reads it to convert Calico's policies (`calico.applyConvertedPolicies`); check that this machine reaches the cluster's API " +
                        `(aws eks get-token --cluster-name ${clusterName} works and the identity may list nodes, pods, NetworkPolicies and Calico's policies, network sets and host endpoints).`
                    : "The program reads it to keep calico-node where aws-node runs; check that this machine reaches the cluster's API " +
                        `(aws eks get-token --cluster-name ${clusterName} works and the identity may list DaemonSets, Deployments and installations.operator.tigera.io).`;
                const what = query.kind === "Objects" || query.kind === "Served" ? "what Calico's policy conversion needs" : "Calico's install";
                throw new ConfigError([`cannot read ${what} from cluster ${clusterName} (list ${describe(query)}): ${(err as Error).message}. ${why}`]);
            }
        },
    };
}
