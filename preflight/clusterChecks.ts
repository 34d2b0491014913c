/**
 * What the cluster is: an IPv6 cluster, pods with their own security groups, a Cilium already there, and nodes this
 * migration does not manage (Fargate, hybrid, Auto Mode, Windows).
 */
import { PreflightCheck, some } from "./check";
import { awsNodeEnv, envTrue, itemsOf, nameOf, ownNetworkKind, qualified } from "./objects";
import { Obj } from "./types";

export const CLUSTER_CHECKS: PreflightCheck[] = [
    {
        id: "ipv6-cluster", severity: "blocker", phase: 2, needs: ["cluster"],
        run: ({ input }) => input.cluster?.kubernetesNetworkConfig?.ipFamily !== "ipv6" ? [] : [{
            message: `cluster ${input.cluster?.name} is an IPv6 cluster (kubernetesNetworkConfig.ipFamily: ipv6); Cilium's ENI mode as this migration installs it is IPv4.`,
            objects: [String(input.cluster?.name)],
            remedy: "No migration path here: migrate an IPv4 cluster, or keep the AWS VPC CNI on this one.",
        }],
    },
    {
        id: "security-groups-for-pods", severity: "blocker", phase: 5, needs: ["securitygrouppolicies", "daemonsets", "pods"], anyOf: true,
        run: ({ input }) => {
            const policies = itemsOf(input.securitygrouppolicies).map(qualified);
            const podEni = envTrue(awsNodeEnv(input), "ENABLE_POD_ENI");
            if (policies.length === 0 && !podEni) return [];
            const branchPods = itemsOf(input.pods).filter((p) => p.metadata?.annotations?.["vpc.amazonaws.com/pod-eni"]).map(qualified);
            return [{
                message: `security groups for pods are in use (${[policies.length ? `${policies.length} SecurityGroupPolicy object(s)` : "",
                    podEni ? "aws-node ENABLE_POD_ENI=true" : "", branchPods.length ? `${branchPods.length} pod(s) on a branch ENI` : ""].filter(Boolean).join(", ")}): ` +
                    "Cilium's ENI mode gives pods no security groups of their own, so after their drain these pods lose them.",
                objects: [...policies, ...branchPods],
                remedy: "Move these workloads off security groups for pods first (express their rules as NetworkPolicies or CiliumNetworkPolicies), " +
                    "delete the SecurityGroupPolicies and set ENABLE_POD_ENI=false; or accept this blocker in `preflight.accept` with the reason.",
            }];
        },
    },
    {
        id: "cilium-already-installed", severity: "blocker", phase: 2, needs: ["daemonsets", "configmaps"], anyOf: true,
        run: ({ input }) => {
            const found = [
                ...itemsOf(input.daemonsets).filter((d) => nameOf(d) === "cilium").map(qualified),
                ...itemsOf(input.configmaps).filter((c) => nameOf(c) === "cilium-config").map(qualified),
            ];
            return found.length === 0 ? [] : [{
                message: `Cilium is installed already (${some(found)}): phase 2 would install a second one over it.`,
                objects: found,
                remedy: "If it is this migration's own Cilium (phase 2 or later), this finding is expected. Otherwise remove the other installation, or migrate with it.",
            }];
        },
    },
    nodeKindCheck("fargate", "warning", (kind) => kind === "fargate",
        "Fargate pods keep Fargate's own networking; the migration never moves them and the gates do not count them.",
        "Nothing to do for them; keep their Fargate profiles. Services they call on Cilium nodes stay reachable."),
    nodeKindCheck("hybrid-or-auto-nodes", "warning", (kind) => kind === "hybrid" || kind === "auto",
        "EKS hybrid and Auto Mode nodes bring their own networking and are not managed by this migration.",
        "Nothing runs Cilium there (its DaemonSets keep off them); plan their networking separately."),
    nodeKindCheck("windows-nodes", "warning", (kind) => kind === "windows",
        "Cilium has no Windows agent: Windows nodes keep the VPC CNI's Windows IPAM and are not migrated.",
        "Keep them in their own node groups, out of `existingCluster.nodeGroups`; they are left as they are."),
];

function nodeKindCheck(id: string, severity: "warning", matches: (kind: string) => boolean, what: string, remedy: string): PreflightCheck {
    return {
        id, severity, phase: null, needs: ["nodes"],
        run: ({ input }) => {
            const nodes = itemsOf(input.nodes).filter((n: Obj) => matches(ownNetworkKind(n) ?? ""));
            return nodes.length === 0 ? [] : [{ message: `${nodes.length} node(s): ${what}`, objects: nodes.map(nameOf), remedy }];
        },
    };
}
