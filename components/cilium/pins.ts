/**
 * The Cilium chart this component installs by default, in one visible place (cdk-eks-blueprints `defaultProps`
 * style). Bump it deliberately, with its chart vendored under tests/fixtures/real/cilium-chart/ (the tests validate
 * the values against every vendored version and read its templates).
 */
export const CILIUM_CHART_REPO = "https://helm.cilium.io";
export const CILIUM_CHART_NAME = "cilium";
export const CILIUM_CHART_VERSION = "1.19.6";
/** Chart versions whose packaged chart is vendored under tests/fixtures/real/cilium-chart. */
export const CILIUM_CHART_VERSIONS_VENDORED = ["1.18.12", "1.19.6", "1.20.0"] as const;
