/**
 * The least-privilege IAM policy for cilium-operator in ENI mode. Actions: docs/field-notes.md "IAM for
 * cilium-operator"; AmazonEKS_CNI_Policy lacks several of them, so the operator gets its own role (IRSA).
 * Read-only EC2 actions do not support resource-level permissions and take "*"; every mutating action is scoped to
 * this cluster's VPC (`ec2:Vpc`) and, for instances, to the cluster's managed nodes (`eks:cluster-name` tag).
 */
export const DESCRIBE_ACTIONS = [
    "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DescribeVpcs", "ec2:DescribeSecurityGroups",
    "ec2:DescribeInstanceTypes", "ec2:DescribeInstances", "ec2:DescribeRouteTables", "ec2:DescribeTags",
    "ec2:DescribeManagedPrefixLists", "ec2:GetManagedPrefixListEntries",
] as const;

export const ENI_MUTATING_ACTIONS = [
    "ec2:CreateNetworkInterface", "ec2:AttachNetworkInterface", "ec2:DeleteNetworkInterface",
    "ec2:ModifyNetworkInterfaceAttribute", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses",
] as const;

export const TAG_ACTIONS = ["ec2:CreateTags"] as const;

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

export function ciliumOperatorPolicy(args: { vpcId: string; clusterName: string }): PolicyDocument {
    const inVpc = { ArnLike: { "ec2:Vpc": `arn:*:ec2:*:*:vpc/${args.vpcId}` } };
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "DescribeNetwork", Effect: "Allow", Action: [...DESCRIBE_ACTIONS], Resource: "*" },
            {
                Sid: "ManageEnisInClusterVpc",
                Effect: "Allow",
                Action: [...ENI_MUTATING_ACTIONS],
                Resource: ["arn:*:ec2:*:*:network-interface/*", "arn:*:ec2:*:*:subnet/*", "arn:*:ec2:*:*:security-group/*"],
                Condition: inVpc,
            },
            {
                Sid: "AttachToClusterNodes",
                Effect: "Allow",
                Action: ["ec2:AttachNetworkInterface"],
                Resource: "arn:*:ec2:*:*:instance/*",
                Condition: { StringEquals: { "ec2:ResourceTag/eks:cluster-name": args.clusterName } },
            },
            { Sid: "TagEnis", Effect: "Allow", Action: [...TAG_ACTIONS], Resource: "arn:*:ec2:*:*:network-interface/*" },
        ],
    };
}

/** Every action the policy grants, sorted and unique (used by tests and the README). */
export function policyActions(doc: PolicyDocument): string[] {
    return [...new Set(doc.Statement.flatMap((s) => s.Action))].sort();
}
