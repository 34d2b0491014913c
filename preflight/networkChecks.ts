/**
 * How pods are networked today, and what Cilium must be told to keep it so: custom networking, prefix delegation,
 * SNAT, hostPort, network policies, another policy engine, NodeLocal DNSCache. Where a stack setting carries the
 * behaviour over, the finding names it; once set, the finding says so (info).
 */
import { PreflightCheck, some } from "./check";
import { awsNodeEnv, envTrue, isDaemonSetPod, itemsOf, nameOf, qualified, unique } from "./objects";
import { Obj, PreflightContext } from "./types";

const chartAtLeast = (version: string, minor: number) => Number(version.split(".")[1] ?? 0) >= minor;
const yaml = (value: unknown) => JSON.stringify(value);

/**
 * What holds today (cilium/cilium#45137, open; #18179, the same report from 2021): with masquerading on in ENI mode,
 * a pod whose address is on a secondary ENI — and with pod subnets in a secondary VPC CIDR, many are — may have its
 * egress leave by the primary ENI and be dropped; only traffic to the native-routing CIDR gets the per-ENI rule. A fix
 * (cilium/cilium#47008) was merged upstream in July 2026; until the pinned release names it, the pinned Cilium is
 * assumed to have the bug. Behind a NAT gateway masquerading is not needed at all.
 */
export const SNAT_REMEDY = (vpc: string | undefined): string =>
    "Behind a NAT gateway (nodes in private subnets) keep Cilium's default: the NAT gateway translates pod addresses as it did node " +
    "addresses, and only peers reached without it (VPC peering, Transit Gateway, VPN, Direct Connect allow-lists) see pod addresses. " +
    "Nodes in public subnets need `cilium.values.enableIPv4Masquerade: true` with `cilium.values.ipv4NativeRoutingCIDR` set to the VPC's " +
    `CIDR${vpc ? ` (aws ec2 describe-vpcs --vpc-ids ${vpc})` : ""} — but then pods on a secondary ENI or a secondary VPC CIDR may lose ` +
    "egress (their traffic leaves by the wrong ENI and is dropped: cilium/cilium#45137, open; #18179), and one native-routing CIDR " +
    "cannot cover a VPC with two CIDRs. Either way set `goldpinger.egressTargets` (e.g. [\"https://aws.amazon.com\"]) so the " +
    "connectivity gate from phase 3 on proves egress from pods on both pools, and fails if it broke.";

export const NETWORK_CHECKS: PreflightCheck[] = [
    {
        id: "custom-networking", severity: "warning", phase: 3, needs: ["eniconfigs", "daemonsets"], anyOf: true,
        run: ({ input, options }) => {
            const configs = itemsOf(input.eniconfigs);
            const enabled = envTrue(awsNodeEnv(input), "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG");
            if (configs.length === 0 && !enabled) return [];
            const subnets = unique(configs.map((c) => c.spec?.subnet).filter(Boolean));
            const groups = unique(configs.flatMap((c) => c.spec?.securityGroups ?? []));
            const nodeSpec = { firstInterfaceIndex: 1, subnetIDs: subnets, ...(groups.length ? { securityGroups: groups } : {}) };
            const set = options.ciliumValues?.eni?.nodeSpec?.subnetIDs?.length > 0;
            // Say only what was read: either file may be missing (the check runs on what is there).
            const awsNode = !input.daemonsets ? "aws-node not read: daemonsets.json missing" : enabled ? "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true" : "custom networking off in aws-node";
            const eniConfigs = !input.eniconfigs ? "ENIConfigs not read: eniconfigs.json missing" : `${configs.length} ENIConfig(s): subnets ${some(subnets) || "none"}`;
            const value = subnets.length > 0 ? ` to ${yaml(nodeSpec)} (the ENIConfigs' subnets and security groups; index 1 skips the primary ENI, as custom networking does)`
                : " to the pod subnets and security groups your ENIConfigs name (firstInterfaceIndex 1 skips the primary ENI, as custom networking does)";
            return [{
                severity: set ? "info" : undefined,
                message: `custom networking is on (${awsNode}, ${eniConfigs}): without the same settings Cilium gives pods addresses from the ` +
                    `nodes' own subnets${set ? "; `cilium.values.eni.nodeSpec` is set, so Cilium takes the ENIConfigs' subnets" : ""}.`,
                objects: configs.map(nameOf),
                remedy: chartAtLeast(options.chartVersion, 19)
                    ? `Set \`cilium.values.eni.nodeSpec\`${value}.`
                    : `Cilium chart ${options.chartVersion} has no \`eni.nodeSpec\`: use chart 1.19 or later (\`cilium.chartVersion\`), then set \`cilium.values.eni.nodeSpec\`${value}.`,
            }];
        },
    },
    {
        id: "prefix-delegation", severity: "warning", phase: 3, needs: ["daemonsets"],
        run: ({ input, options }) => {
            if (!envTrue(awsNodeEnv(input), "ENABLE_PREFIX_DELEGATION")) return [];
            const set = options.ciliumValues?.eni?.awsEnablePrefixDelegation === true;
            return [{
                severity: set ? "info" : undefined,
                message: "aws-node assigns /28 prefixes (ENABLE_PREFIX_DELEGATION=true), and the nodes' max-pods was sized for it; Cilium assigns single " +
                    `addresses unless its own prefix delegation is on${set ? " (it is: `cilium.values.eni.awsEnablePrefixDelegation: true`)" : ""}.`,
                objects: ["kube-system/aws-node"],
                remedy: "Set `cilium.values.eni.awsEnablePrefixDelegation: true` to keep the pod density, and check the twins' max-pods " +
                    "(a launch template's kubelet --max-pods, or the managed node group's default for the instance type).",
            }];
        },
    },
    {
        id: "snat-mode-change", severity: "warning", phase: 3, needs: ["daemonsets"],
        run: ({ input, options }) => {
            const env = awsNodeEnv(input);
            if (!env) return [];
            const externalSnat = envTrue(env, "AWS_VPC_K8S_CNI_EXTERNALSNAT");
            const masquerades = options.ciliumValues?.enableIPv4Masquerade === true;
            if (externalSnat || masquerades) return externalSnat && masquerades ? [{
                message: "aws-node leaves pod addresses unchanged leaving the VPC (AWS_VPC_K8S_CNI_EXTERNALSNAT=true), but `cilium.values.enableIPv4Masquerade: true` " +
                    "makes Cilium rewrite them to the node's address.",
                objects: ["kube-system/aws-node"],
                remedy: "Drop `enableIPv4Masquerade` from `cilium.values` to keep pod addresses, unless the change is wanted.",
            }] : [];
            const vpc = input.cluster?.resourcesVpcConfig?.vpcId;
            return [{
                message: "aws-node rewrites the source of traffic leaving the VPC to the node's address (AWS_VPC_K8S_CNI_EXTERNALSNAT is " +
                    `${env.AWS_VPC_K8S_CNI_EXTERNALSNAT === undefined ? "unset" : env.AWS_VPC_K8S_CNI_EXTERNALSNAT}); Cilium in ENI mode does not masquerade by default, ` +
                    "so from Cilium nodes such traffic leaves with the pod's address: allow-lists and nodes in public subnets see the difference.",
                objects: ["kube-system/aws-node"],
                remedy: SNAT_REMEDY(vpc),
            }];
        },
    },
    {
        id: "host-port", severity: "warning", phase: 3, needs: ["pods"],
        run: ({ input, options }) => {
            const pods = itemsOf(input.pods).filter((p) => !p.spec?.hostNetwork && (p.spec?.containers ?? []).some((c: Obj) => (c.ports ?? []).some((port: Obj) => port.hostPort)));
            if (pods.length === 0) return [];
            return [{
                severity: options.portmapChaining ? "info" : undefined,
                message: `${pods.length} pod(s) publish a hostPort (${some(pods.map(qualified))}${pods.some(isDaemonSetPod) ? "; DaemonSet pods among them" : ""}): ` +
                    "aws-cni serves them with the portmap plugin; Cilium without kube-proxy replacement (phases 2–8) does not" +
                    `${options.portmapChaining ? " — `cilium.portmapChaining` chains portmap until phase 9" : ""}.`,
                objects: pods.map(qualified),
                remedy: "Set `cilium.portmapChaining: true`: the program sets `cni.chainingMode: portmap` from phase 2 and drops it at phase 9, " +
                    "when kube-proxy replacement serves hostPort itself.",
            }];
        },
    },
    {
        id: "network-policy", severity: "warning", phase: 3, needs: ["networkpolicies", "ciliumnetworkpolicies"], anyOf: true,
        run: ({ input, options }) => {
            const policies = [...itemsOf(input.networkpolicies), ...itemsOf(input.ciliumnetworkpolicies)].map(qualified);
            if (policies.length === 0) return [];
            return [{ message: policyMessage(policies.length, options.policyDuringMigration), objects: policies,
                remedy: options.policyDuringMigration === "default"
                    ? "Choose with `cilium.policyDuringMigration`: `never` keeps cross-pool traffic flowing by not enforcing any policy on Cilium nodes " +
                      "from phase 2 to 7 (enforcement returns at phase 8); `default` keeps enforcement and accepts those drops."
                    : "Nothing more: enforcement returns to `default` at phase 8. Keep the window short." }];
        },
    },
    serviceCheck("node-local-dns", 9, (ctx) => itemsOf(ctx.input.daemonsets).filter((d) => nameOf(d) === "node-local-dns").map(qualified), ["daemonsets"],
        "NodeLocal DNSCache intercepts DNS with iptables rules that kube-proxy replacement bypasses.",
        "Before phase 9, deploy a Cilium Local Redirect Policy for it (Cilium's NodeLocal DNSCache guide) and set `cilium.values.localRedirectPolicies.enabled: true`."),
];

function policyMessage(count: number, mode: "never" | "default"): string {
    const window = "while both pools run (phases 3–7), pods on legacy nodes have no Cilium identity";
    return mode === "default"
        ? `${count} network polic(ies): ${window}, so rules that allow traffic by podSelector drop it between the pools (cilium.policyDuringMigration: default).`
        : `${count} network polic(ies): with cilium.policyDuringMigration: never, Cilium enforces none of them on its nodes from phase 2 to 7 (${window}).`;
}

function serviceCheck(id: string, phase: number, find: (ctx: PreflightContext) => string[], needs: PreflightCheck["needs"], what: string, remedy: string): PreflightCheck {
    return { id, severity: "warning", phase, needs, run: (ctx) => {
        const objects = find(ctx);
        return objects.length === 0 ? [] : [{ message: `${some(objects)}: ${what}`, objects, remedy }];
    } };
}
