/**
 * Cluster-admin access for principals other than the cluster's creator: CI (GitHub Actions), Pulumi Deployments,
 * the platform team. With API authentication EKS admits only the creator unless an access entry says otherwise
 * (field notes, "EKS access"), so a pipeline running as another role could not reach the cluster it updates.
 * Each principal gets an access entry and the AmazonEKSClusterAdminPolicy access policy at cluster scope.
 *
 * Resource names come from the principal, not its position in the list, so reordering the list replaces nothing.
 */
import { createHash } from "crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface ClusterAdminsArgs {
    clusterName: pulumi.Input<string>;
    /** IAM role or user ARNs (not STS session ARNs). */
    principalArns: string[];
    tags?: Record<string, string>;
}

/** The access policy, in the principal's partition (aws, aws-cn, aws-us-gov). */
export function clusterAdminPolicyArn(principalArn: string): string {
    const partition = principalArn.split(":")[1] ?? "aws";
    return `arn:${partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`;
}

/** A stable, readable resource name part for a principal: its last name segment and a short hash of the whole ARN. */
export function principalSlug(principalArn: string): string {
    const last = principalArn.split("/").pop() ?? "principal";
    const readable = last.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40) || "principal";
    return `${readable}-${createHash("sha256").update(principalArn).digest("hex").slice(0, 8)}`;
}

export class ClusterAdmins extends pulumi.ComponentResource {
    public readonly entries: aws.eks.AccessEntry[] = [];
    public readonly associations: aws.eks.AccessPolicyAssociation[] = [];

    constructor(name: string, args: ClusterAdminsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-cilium-migration:index:ClusterAdmins", name, {}, opts);
        for (const principalArn of args.principalArns) {
            const id = `${name}-${principalSlug(principalArn)}`;
            const entry = new aws.eks.AccessEntry(id, {
                clusterName: args.clusterName, principalArn, type: "STANDARD", tags: args.tags,
            }, { parent: this });
            this.entries.push(entry);
            this.associations.push(new aws.eks.AccessPolicyAssociation(`${id}-admin`, {
                clusterName: args.clusterName,
                principalArn,
                policyArn: clusterAdminPolicyArn(principalArn),
                accessScope: { type: "cluster" },
            }, { parent: this, dependsOn: [entry] }));
        }
        this.registerOutputs({});
    }
}
