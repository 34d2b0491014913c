/** Every preflight check, in the order of the design's finding table (design.md, "Preflight"). */
import { ASG_CHECKS } from "./asgChecks";
import { AWS_NODE_CHECKS } from "./awsNodeChecks";
import { CALICO_CHECKS } from "./calicoChecks";
import { CAPACITY_CHECKS } from "./capacityChecks";
import { CIDR_CHECKS } from "./cidrChecks";
import { PreflightCheck } from "./check";
import { CLUSTER_CHECKS } from "./clusterChecks";
import { DRAIN_CHECKS } from "./drainChecks";
import { MEANING_CHECKS } from "./meaningChecks";
import { NETWORK_CHECKS } from "./networkChecks";
import { NODE_RULE_CHECKS } from "./nodeRuleChecks";
import { POOL_CHECKS } from "./poolChecks";
import { KARPENTER_CHECKS } from "./karpenterChecks";

const ORDER = [
    "ipv6-cluster", "security-groups-for-pods", "cilium-already-installed", "pool-less-legacy-node", "cilium-label-not-twin", "pool-without-nodes",
    "aws-node-set-outside-addon", "fargate", "hybrid-or-auto-nodes", "windows-nodes",
    "custom-networking", "prefix-delegation", "snat-mode-change", "host-port", "network-policy", "calico-policy-engine", "calico-policies", "calico-unconvertible", "node-local-dns",
    "cluster-autoscaler", "karpenter", "karpenter-expiry", "karpenter-static-capacity", "karpenter-pod-density", "asg-launch-configuration", "asg-instance-tag",
    "node-auto-repair", "pdb-blocks-drain", "unmanaged-pod", "emptydir-data", "single-replica", "zonal-volume",
    "legacy-only-scheduling", "subnet-capacity", "cidr-peer-in-cluster", "cni-plugin-chain", "service-mesh-socket-lb",
] as const;

export type FindingId = (typeof ORDER)[number];
export const FINDING_IDS: readonly string[] = ORDER;
/** Blockers `preflight.accept` cannot accept (design.md: "blocker, unwaivable"). */
export const UNWAIVABLE: readonly string[] = ["pool-less-legacy-node", "cilium-label-not-twin", "karpenter-static-capacity", "asg-launch-configuration"];
/** The id a check whose input file is missing reports (design.md). */
export const NOT_CHECKED = "not-checked";

const all = [...CLUSTER_CHECKS, ...NODE_RULE_CHECKS, ...POOL_CHECKS, ...AWS_NODE_CHECKS, ...NETWORK_CHECKS, ...CAPACITY_CHECKS, ...DRAIN_CHECKS, ...CIDR_CHECKS, ...MEANING_CHECKS, ...ASG_CHECKS, ...CALICO_CHECKS, ...KARPENTER_CHECKS];
export const PREFLIGHT_CHECKS: PreflightCheck[] = ORDER.map((id) => {
    const check = all.find((c) => c.id === id);
    if (!check) throw new Error(`preflight: no check implements ${id}`);
    return check;
});
