/**
 * A cluster made elsewhere (Terraform, eksctl, CDK, the console), as the migration sees it: nothing that exists is
 * declared again. No VPC, no cluster; the IAM OIDC provider is reused when one is registered for the cluster's
 * issuer (creating a second fails: one provider per issuer URL per account) and created only when there is none and
 * IRSA needs it; its kube-proxy add-on, when it has one, is adopted (imported) so that phase 9 can remove it.
 * The Kubernetes provider and the steps' kubeconfig are built from the cluster's endpoint and certificate, with
 * `aws eks get-token` for credentials, as `aws eks update-kubeconfig` writes it.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AddonDescription, eksAddon } from "./addon";
import { ClusterAdmins } from "./clusterAdmins";

export interface ExistingClusterArgs {
    /** The EKS cluster's name. */
    name: string;
    /** The API endpoint (`https://…`). */
    endpoint: string;
    /** The cluster's certificate authority (base64), as describe-cluster returns it. */
    certificateAuthority: string;
    /** The AWS region, passed to `aws eks get-token`. Default: the CLI's own. */
    region?: string;
    vpcId: string;
    /** The cluster's OIDC issuer URL (`https://oidc.eks.…`). */
    oidcIssuerUrl: string;
    /** The IAM OIDC provider already registered for the issuer, if any. */
    oidcProviderArn?: string;
    /** Create the IAM OIDC provider when none is registered (IRSA needs one). */
    createOidcProvider: boolean;
    /** Principals given cluster-admin through access entries (only those that have none yet). Default: none. */
    clusterAdmins?: string[];
    /** The cluster's kube-proxy add-on, adopted and kept (absent: self-managed, or removed at phase 9). */
    kubeProxyAddon?: { description: AddonDescription; adoptingNow: boolean; protect: boolean };
    /** Tags for what this component creates. Default: none. */
    tags?: Record<string, string>;
}

/** A kubeconfig for the cluster, as `aws eks update-kubeconfig` writes it (JSON). */
export function existingClusterKubeconfig(args: { name: string; endpoint: string; certificateAuthority: string; region?: string }): string {
    return JSON.stringify({
        apiVersion: "v1", kind: "Config", "current-context": args.name,
        clusters: [{ name: args.name, cluster: { server: args.endpoint, "certificate-authority-data": args.certificateAuthority } }],
        contexts: [{ name: args.name, context: { cluster: args.name, user: args.name } }],
        users: [{ name: args.name, user: { exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws",
            args: ["eks", "get-token", "--cluster-name", args.name, ...(args.region ? ["--region", args.region] : [])],
        } } }],
    });
}

export class ExistingCluster extends pulumi.ComponentResource {
    public readonly provider: k8s.Provider;
    /** The kubeconfig as JSON text, a secret. */
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly endpoint: pulumi.Output<string>;
    public readonly eksClusterName: pulumi.Output<string>;
    public readonly oidcProviderArn: pulumi.Output<string>;
    public readonly oidcProviderUrl: pulumi.Output<string>;
    public readonly vpcId: pulumi.Output<string>;
    public readonly oidcProvider?: aws.iam.OpenIdConnectProvider;
    public readonly kubeProxyAddon?: aws.eks.Addon;
    public readonly admins?: ClusterAdmins;

    constructor(name: string, args: ExistingClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-cilium-migration:index:ExistingCluster", name, {}, opts);
        this.endpoint = pulumi.output(args.endpoint);
        this.eksClusterName = pulumi.output(args.name);
        this.vpcId = pulumi.output(args.vpcId);
        this.oidcProviderUrl = pulumi.output(args.oidcIssuerUrl.replace(/^https:\/\//, ""));
        if (!args.oidcProviderArn && args.createOidcProvider) {
            // Other IRSA roles may come to trust it: it outlives an accidental destroy.
            this.oidcProvider = new aws.iam.OpenIdConnectProvider(`${name}-oidc-provider`, {
                url: args.oidcIssuerUrl, clientIdLists: ["sts.amazonaws.com"], tags: args.tags,
            }, { parent: this, protect: true });
        }
        this.oidcProviderArn = this.oidcProvider ? this.oidcProvider.arn : pulumi.output(args.oidcProviderArn ?? "");
        this.admins = (args.clusterAdmins ?? []).length > 0
            ? new ClusterAdmins(`${name}-admins`, { clusterName: args.name, principalArns: args.clusterAdmins ?? [], tags: args.tags }, { parent: this })
            : undefined;
        this.kubeconfig = pulumi.secret(existingClusterKubeconfig(args));
        // Kubernetes resources wait for the access entries: the principal running this update may be one of them.
        this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig, enableServerSideApply: true },
            { parent: this, dependsOn: this.admins ? [this.admins] : [] });
        if (args.kubeProxyAddon) {
            this.kubeProxyAddon = eksAddon(`${name}-kube-proxy`, {
                clusterName: args.name, addonName: "kube-proxy",
                adopt: { clusterName: args.name, ...args.kubeProxyAddon },
            }, { parent: this });
        }
        this.registerOutputs({ endpoint: this.endpoint, eksClusterName: this.eksClusterName, oidcProviderArn: this.oidcProviderArn });
    }
}
