/**
 * Names the program and the gates share: what EKS, the Cilium chart and this project's goldpinger deploy, and the
 * node label that tells the pools apart. The components that deploy them import these too (this module has no
 * dependencies), so the gates can never look for something else.
 */

/** The label that tells the pools apart. */
export interface NodeLabels {
    /** Label key shared by both pools (`cni`). */
    key: string;
    /** Value on legacy (aws-node) nodes (`aws-cni`). */
    legacyValue: string;
    /** Value on Cilium nodes (`cilium`). */
    ciliumValue: string;
}

export const DEFAULT_NODE_LABELS: NodeLabels = { key: "cni", legacyValue: "aws-cni", ciliumValue: "cilium" };

export const KUBE_SYSTEM = "kube-system";
/** EKS labels every node of a managed node group with the group's name. */
export const EKS_NODEGROUP_LABEL = "eks.amazonaws.com/nodegroup";
/** EKS's node compute type; Fargate, hybrid and Auto Mode nodes bring their own networking (neither CNI runs there). */
/**
 * The instance tags that name an EKS cluster (managed node groups set both, Karpenter `eks:eks-cluster-name`):
 * cilium-operator's IAM condition accepts either, and preflight checks a self-managed group's instances carry one.
 */
export const INSTANCE_CLUSTER_TAGS = ["eks:cluster-name", "eks:eks-cluster-name"] as const;
export const EKS_COMPUTE_TYPE_LABEL = "eks.amazonaws.com/compute-type";
export const OWN_NETWORK_COMPUTE_TYPES = ["fargate", "hybrid", "auto"] as const;
export const AWS_NODE = { daemonSet: "aws-node", podLabel: ["k8s-app", "aws-node"] as const };
export const KUBE_PROXY = { daemonSet: "kube-proxy", podLabel: ["k8s-app", "kube-proxy"] as const };
export const CILIUM_AGENT = { daemonSet: "cilium", podLabel: ["k8s-app", "cilium"] as const };
export const CILIUM_OPERATOR = { deployment: "cilium-operator" };
export const CILIUM_STARTUP_TAINT = "node.cilium.io/agent-not-ready";
/**
 * On the legacy node groups from phase 4: a node they launch after the cordon (the Cluster Autoscaler, a managed node
 * group update or auto-repair) takes no ordinary pod either, and the autoscaler does not grow them for pending pods.
 */
export const LEGACY_RETIRING_TAINT = { key: "eks-cilium-migration/retiring", value: "true", effect: "NO_SCHEDULE" } as const;
export const GOLDPINGER = { namespace: "goldpinger", service: "goldpinger", port: 8080 };
export const GOLDPINGER_POD_LABEL = ["app.kubernetes.io/name", "goldpinger"] as const;
export const CILIUM_CONFIG = { configMap: "cilium-config", kubeProxyReplacementKey: "kube-proxy-replacement" };
/** Set on the agent pod template by `rollOutCiliumPods: true`: a ConfigMap change rolls the agents. */
export const CILIUM_CONFIG_CHECKSUM = "cilium.io/cilium-configmap-checksum";

/** calico-node in both installs (manifests: kube-system; tigera-operator: calico-system), and the operator's CSI driver. */
export const CALICO_AGENT_DAEMONSETS = ["calico-node", "csi-node-driver"] as const;
