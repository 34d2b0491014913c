/**
 * The look-up of an existing cluster's Karpenter objects, and what the stack recorded of its legacy NodePools
 * (design.md, "Karpenter NodePools"). Live (`pulumi up`/`preview`): the cluster's API server through
 * @kubernetes/client-node, authenticated as the gates are (`aws eks get-token`); offline: the planner answers from the
 * cluster snapshot (plan/awsSnapshot.ts `karpenter`). A failed live read stops the program with a message naming
 * what was asked: "no NodePools" is never a default for "could not look".
 */
import { existingClusterKubeconfig } from "../components/cluster/existingCluster";
import { KarpenterObjects, readKarpenterLive } from "../clusterReader/karpenter";
import { ClusterAccessError, RetryOptions } from "../clusterReader/retry";
import { MigrationConfig } from "./configTypes";
import { KarpenterFacts, NO_KARPENTER, NodePoolOriginals, karpenterFacts } from "./karpenterFacts";
import { ConfigError } from "./validate";

/** The stack output recording each legacy NodePool's behavioural fields before the migration (next to legacyNodeGroupSizes). */
export const LEGACY_NODEPOOLS_OUTPUT = "legacyNodePools";

export interface ClusterAccess {
    name: string;
    endpoint: string;
    certificateAuthority: string;
    region?: string;
}

/**
 * Reads the three kinds. `nodePoolsNamed`: the stack names NodePools, so an answer without `nodepools.json` is bad
 * input (the snapshot answerer throws, naming the file), not "none".
 */
export type KarpenterLookup = (cluster: ClusterAccess, nodePoolsNamed: boolean) => Promise<KarpenterObjects>;

/** A kubeconfig for the cluster, authenticated by `aws eks get-token` as the gates' is (the one the components use). */
export const kubeconfigFor = (cluster: ClusterAccess): string => existingClusterKubeconfig(cluster);

/** The live look-up with a given way to reach the cluster (tests reach a stand-in API server). */
export const liveKarpenter = (kubeconfig: (cluster: ClusterAccess) => string, retry?: RetryOptions): KarpenterLookup => async (cluster) => {
    try {
        return await readKarpenterLive(kubeconfig(cluster), retry);
    } catch (err) {
        if (!(err instanceof ClusterAccessError)) throw err;
        throw new ConfigError([`the Karpenter look-up of cluster ${cluster.name} failed: ${err.message}. The program lists NodePools, NodeClaims ` +
            "and EC2NodeClasses (get/list on nodepools.karpenter.sh, nodeclaims.karpenter.sh, ec2nodeclasses.karpenter.k8s.aws) to migrate " +
            "Karpenter's capacity; give this identity that access (a cluster without Karpenter answers 404 and needs nothing more)."]);
    }
};

export const LIVE_KARPENTER: KarpenterLookup = liveKarpenter(kubeconfigFor);

/** The Karpenter facts of an existing cluster, or a ConfigError naming every NodePool that cannot be migrated as configured. */
export async function lookUpKarpenter(config: MigrationConfig, cluster: ClusterAccess, recorded: Record<string, NodePoolOriginals> | undefined,
    lookup: KarpenterLookup = LIVE_KARPENTER): Promise<KarpenterFacts> {
    if (!config.existingCluster) return NO_KARPENTER;
    const named = config.existingCluster.nodePools !== undefined;
    const objects = await lookup(cluster, named);
    const { facts, problems } = karpenterFacts(objects, config, cluster.name, recorded ?? {});
    if (problems.length > 0) throw new ConfigError(problems);
    return facts;
}

/** What the stack records (its LEGACY_NODEPOOLS_OUTPUT): each legacy NodePool's originals, kept once it is gone. */
export function recordedOriginals(facts: KarpenterFacts): Record<string, NodePoolOriginals> {
    return Object.fromEntries(facts.legacy.map((p) => [p.name, p.original]));
}
