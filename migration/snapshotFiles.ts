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
    subnets: { file: "subnets.json", writtenBy: "aws ec2 describe-subnets --subnet-ids <the cluster's and every legacy pool's subnets: node groups, Auto Scaling groups, EC2NodeClasses>" },
} as const satisfies Record<string, SnapshotFile>;

/** A Kubernetes list, as `kubectl get … -o json` writes it. `crd`: the kind is a CustomResourceDefinition's, maybe not installed. */
export interface KubectlFile extends SnapshotFile {
    resource: string;
    scope: "all-namespaces" | "cluster" | "kube-system";
    crd: boolean;
    /** Read instead when `resource` is not served (Calico: the v3 API where served, else its storage-form CRDs). */
    fallback?: string;
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
    ...calicoFiles(),
    // Karpenter (design.md, "Karpenter NodePools"): cluster-scoped custom resources.
    nodepools: kubectl("nodepools.json", "nodepools.karpenter.sh", "cluster", true),
    nodeclaims: kubectl("nodeclaims.json", "nodeclaims.karpenter.sh", "cluster", true),
    ec2nodeclasses: kubectl("ec2nodeclasses.json", "ec2nodeclasses.karpenter.k8s.aws", "cluster", true),
} as const satisfies Record<string, KubectlFile>;

/**
 * Calico's files (design.md, "Calico as the policy engine"): the `projectcalico.org/v3` API where the cluster serves it
 * (Calico's API server, or its native v3 CRDs), else the `crd.projectcalico.org/v1` storage form the converter also
 * reads (calico/model.ts). The operator's `Installation` is tigera-operator's own CRD.
 */
function calicoFiles() {
    const calico = (file: string, plural: string, scope: KubectlFile["scope"]): KubectlFile => {
        const f = kubectl(file, `${plural}.projectcalico.org`, scope, true);
        return { ...f, fallback: `${plural}.crd.projectcalico.org`, writtenBy: `${f.writtenBy} (else ${plural}.crd.projectcalico.org)` };
    };
    return {
        calicoinstallations: kubectl("calico-installations.json", "installations.operator.tigera.io", "cluster", true),
        caliconetworkpolicies: calico("calico-networkpolicies.json", "networkpolicies", "all-namespaces"),
        calicoglobalnetworkpolicies: calico("calico-globalnetworkpolicies.json", "globalnetworkpolicies", "cluster"),
        caliconetworksets: calico("calico-networksets.json", "networksets", "all-namespaces"),
        calicoglobalnetworksets: calico("calico-globalnetworksets.json", "globalnetworksets", "cluster"),
        calicohostendpoints: calico("calico-hostendpoints.json", "hostendpoints", "cluster"),
        calicotiers: calico("calico-tiers.json", "tiers", "cluster"),
    };
}

export const GOLDPINGER_FILE: SnapshotFile = { file: "goldpinger.json", writtenBy: "goldpinger's /check_all body" };

/** A CRD that is not installed is written as an empty list, not left out: "none" is an answer, a missing file is not. */
export const EMPTY_LIST = { apiVersion: "v1", kind: "List", items: [] as unknown[] };

/**
 * Self-managed node groups (design.md, "Self-managed node groups"): every Auto Scaling group of the cluster, and the
 * versions of the launch templates they use (each template's default and latest included, so `$Default` and
 * `$Latest` resolve offline). Needed only by a stack that names `existingCluster.autoScalingGroups`.
 */
export const ASG_FILES = {
    autoScalingGroups: {
        file: "autoscaling-groups.json",
        writtenBy: "aws autoscaling describe-auto-scaling-groups --filters Name=tag-key,Values=kubernetes.io/cluster/NAME",
    },
    launchTemplateVersions: {
        file: "launch-template-versions.json",
        writtenBy: "{\"LaunchTemplateVersions\": [the versions of each aws ec2 describe-launch-template-versions --launch-template-id ID, one call per template the ASGs use]}",
    },
} as const satisfies Record<string, SnapshotFile>;
