/**
 * Pinned versions and defaults, in one visible place (cdk-eks-blueprints `defaultProps` style).
 * Bump them here, deliberately, and re-run `npm test`: the Helm values tests validate against the vendored chart
 * schema of `CILIUM_CHART_VERSION`.
 */
export const CONFIG_NAMESPACE = "eks-cilium-migration";

export const CILIUM_CHART_REPO = "https://helm.cilium.io";
export const CILIUM_CHART_NAME = "cilium";
export const CILIUM_CHART_VERSION = "1.19.6";
/** Chart versions whose values.yaml / values.schema.json are vendored under tests/fixtures/real/cilium-chart. */
export const CILIUM_CHART_VERSIONS_VENDORED = ["1.18.12", "1.19.6"] as const;

export const GOLDPINGER_IMAGE = "bloomberg/goldpinger:3.10.2";
export const DEFAULT_KUBERNETES_VERSION = "1.33";
export const DEFAULT_CLUSTER_NAME = "cilium-migration";
export const DEFAULT_VPC_CIDR = "10.0.0.0/16";
export const DEFAULT_AZ_COUNT = 3;
export const DEFAULT_INSTANCE_TYPES = ["m6i.large"];
