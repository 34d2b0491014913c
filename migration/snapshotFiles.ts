/**
 * The cluster snapshot directory (design.md, "Cluster snapshots"): one format for the planner (`--cluster-snapshot`),
 * the gates and preflight (`--snapshot`), written by `npm run snapshot`. Each file is the unchanged output of the
 * command named here (the node groups and add-ons: every describe's object, collected in one list), so a reader that
 * misses a file can say exactly how to make it.
 */

export interface SnapshotFile {
    file: string;
    /** The command whose output the file is (NAME: the cluster's name). */
    writtenBy: string;
}

/** What AWS says of the cluster. `access-entries.json` is ours beyond the design's table: it answers getAccessEntry. */
export const AWS_FILES = {
    cluster: { file: "cluster.json", writtenBy: "aws eks describe-cluster --name NAME" },
    nodegroups: { file: "nodegroups.json", writtenBy: "{\"nodegroups\": [the \"nodegroup\" of each aws eks describe-nodegroup]}" },
    addons: { file: "addons.json", writtenBy: "{\"addons\": [the \"addon\" of each aws eks describe-addon]}" },
    oidcProviders: { file: "oidc-providers.json", writtenBy: "aws iam list-open-id-connect-providers" },
    accessEntries: { file: "access-entries.json", writtenBy: "aws eks list-access-entries --cluster-name NAME" },
    subnets: { file: "subnets.json", writtenBy: "aws ec2 describe-subnets --subnet-ids <the cluster's and node groups' subnets>" },
} as const satisfies Record<string, SnapshotFile>;

/** A Kubernetes list, as `kubectl get … -o json` writes it. `crd`: the kind is a CustomResourceDefinition's, maybe not installed. */
export interface KubectlFile extends SnapshotFile {
    resource: string;
    scope: "all-namespaces" | "cluster" | "kube-system";
    crd: boolean;
}

const kubectl = (file: string, resource: string, scope: KubectlFile["scope"], crd = false): KubectlFile => ({
    file, resource, scope, crd,
    writtenBy: `kubectl get ${resource}${scope === "all-namespaces" ? " -A" : scope === "kube-system" ? " -n kube-system" : ""} -o json`,
});

export const KUBECTL_FILES = {
    nodes: kubectl("nodes.json", "nodes", "cluster"),
    pods: kubectl("pods.json", "pods", "all-namespaces"),
    daemonsets: kubectl("daemonsets.json", "daemonsets", "all-namespaces"),
    deployments: kubectl("deployments.json", "deployments", "all-namespaces"),
    statefulsets: kubectl("statefulsets.json", "statefulsets", "all-namespaces"),
    configmaps: kubectl("configmaps.json", "configmaps", "kube-system"),
    poddisruptionbudgets: kubectl("poddisruptionbudgets.json", "poddisruptionbudgets", "all-namespaces"),
    networkpolicies: kubectl("networkpolicies.json", "networkpolicies", "all-namespaces"),
    persistentvolumes: kubectl("persistentvolumes.json", "persistentvolumes", "cluster"),
    persistentvolumeclaims: kubectl("persistentvolumeclaims.json", "persistentvolumeclaims", "all-namespaces"),
    ciliumnetworkpolicies: kubectl("ciliumnetworkpolicies.json", "ciliumnetworkpolicies.cilium.io", "all-namespaces", true),
    ciliumendpoints: kubectl("ciliumendpoints.json", "ciliumendpoints.cilium.io", "all-namespaces", true),
    eniconfigs: kubectl("eniconfigs.json", "eniconfigs.crd.k8s.amazonaws.com", "cluster", true),
    securitygrouppolicies: kubectl("securitygrouppolicies.json", "securitygrouppolicies.vpcresources.k8s.aws", "all-namespaces", true),
    // Karpenter (design.md, "Karpenter NodePools"): cluster-scoped custom resources.
    nodepools: kubectl("nodepools.json", "nodepools.karpenter.sh", "cluster", true),
    nodeclaims: kubectl("nodeclaims.json", "nodeclaims.karpenter.sh", "cluster", true),
    ec2nodeclasses: kubectl("ec2nodeclasses.json", "ec2nodeclasses.karpenter.k8s.aws", "cluster", true),
} as const satisfies Record<string, KubectlFile>;

export const GOLDPINGER_FILE: SnapshotFile = { file: "goldpinger.json", writtenBy: "goldpinger's /check_all body" };

/** A CRD that is not installed is written as an empty list, not left out: "none" is an answer, a missing file is not. */
export const EMPTY_LIST = { apiVersion: "v1", kind: "List", items: [] as unknown[] };
