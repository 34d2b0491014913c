/**
 * The stack config's namespace and the defaults of the demo cluster, in one visible place. The components' own
 * pinned defaults (the Cilium chart, the goldpinger image) live with them and are re-exported here for the config.
 */
export const CONFIG_NAMESPACE = "eks-cilium-migration";

export { CILIUM_CHART_VERSION } from "../components/cilium/pins";
export { GOLDPINGER_IMAGE } from "../components/connectivity/connectivityCheck";

export const DEFAULT_KUBERNETES_VERSION = "1.33";
export const DEFAULT_CLUSTER_NAME = "cilium-migration";
export const DEFAULT_VPC_CIDR = "10.0.0.0/16";
export const DEFAULT_AZ_COUNT = 3;
export const DEFAULT_INSTANCE_TYPES = ["m6i.large"];
