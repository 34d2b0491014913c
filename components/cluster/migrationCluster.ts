/**
 * The cluster being migrated: VPC (new through awsx, or given), an EKS cluster with API authentication, an OIDC
 * provider and no default node group, the managed kube-proxy addon, the node IAM role both pools use, and a
 * Kubernetes provider built from the cluster's kubeconfig.
 *
 * The VPC, the cluster and the node role are `protect`ed (their children inherit it): a `pulumi destroy` of a
 * migration stack fails instead of deleting a cluster by accident. Lift it deliberately with
 * `pulumi state unprotect --all` (README, "Removing the stack").
 *
 * Addons are declared explicitly rather than through pulumi-eks options so the migration controls their lifetime,
 * with `preserve: true` (deleting an addon leaves its DaemonSet; DaemonSets go through pre-checked steps):
 * kube-proxy here (removed at phase 9); vpc-cni in AwsNodeAffinity, so its affinity change (phase 1) and removal
 * (phase 6) can wait for the previous phase's gate, which itself needs this cluster; CoreDNS in ClusterDns, since
 * it needs nodes to become active.
 */
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { eksAddon } from "./addon";
import { ClusterAdmins } from "./clusterAdmins";

/** A new VPC (CIDR, AZ count), or an existing one (VPC id, private and public subnet ids). */
export type NetworkSpec =
    | { kind: "new"; cidrBlock: string; availabilityZoneCount: number }
    | { kind: "existing"; vpcId: string; privateSubnetIds: string[]; publicSubnetIds: string[] };

export interface MigrationClusterArgs {
    /** EKS cluster name. */
    clusterName: string;
    /** Kubernetes minor version, e.g. "1.33". */
    kubernetesVersion: string;
    /** A new VPC (CIDR, AZ count) or an existing one (VPC id, private and public subnet ids). */
    vpc: NetworkSpec;
    /** Declare the kube-proxy addon (false from phase 9: Cilium replaces kube-proxy). */
    kubeProxyAddonEnabled: boolean;
    /** IAM principals, besides the creator, given cluster-admin through access entries. Default: none. */
    clusterAdmins?: string[];
    /** Declare the eks-pod-identity-agent add-on (EKS Pod Identity needs it). Default: false. */
    podIdentityAgent?: boolean;
    /** Tags for every AWS resource. Default: none. */
    tags?: Record<string, string>;
}

export class MigrationCluster extends pulumi.ComponentResource {
    public readonly cluster: eks.Cluster;
    public readonly provider: k8s.Provider;
    /** The kubeconfig as JSON text, a secret. */
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly endpoint: pulumi.Output<string>;
    public readonly eksClusterName: pulumi.Output<string>;
    public readonly oidcProviderArn: pulumi.Output<string>;
    public readonly oidcProviderUrl: pulumi.Output<string>;
    public readonly vpcId: pulumi.Output<string>;
    public readonly privateSubnetIds: pulumi.Output<string[]>;
    public readonly nodeRole: aws.iam.Role;
    public readonly kubeProxyAddon?: aws.eks.Addon;
    public readonly podIdentityAgentAddon?: aws.eks.Addon;
    public readonly admins?: ClusterAdmins;

    constructor(name: string, args: MigrationClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-cilium-migration:index:MigrationCluster", name, {}, opts);
        const tags = args.tags ?? {};

        const network = networkFor(name, args.vpc, tags, this);
        this.vpcId = network.vpcId;
        this.privateSubnetIds = network.privateSubnetIds;
        this.nodeRole = nodeRole(name, tags, this);

        this.cluster = new eks.Cluster(`${name}-eks`, {
            name: args.clusterName,
            version: args.kubernetesVersion,
            vpcId: network.vpcId,
            privateSubnetIds: network.privateSubnetIds,
            publicSubnetIds: network.publicSubnetIds,
            authenticationMode: eks.AuthenticationMode.Api,
            createOidcProvider: true,
            skipDefaultNodeGroup: true,
            nodeAssociatePublicIpAddress: false,
            // The addons below are declared explicitly; EKS's self-managed copies would fight them.
            bootstrapSelfManagedAddons: false,
            useDefaultVpcCni: true,
            kubeProxyAddonOptions: { enabled: false },
            corednsAddonOptions: { enabled: false },
            tags,
        }, { parent: this, protect: true });

        this.kubeconfig = pulumi.secret(this.cluster.kubeconfigJson);
        this.endpoint = this.cluster.eksCluster.endpoint;
        this.eksClusterName = this.cluster.eksCluster.name;
        this.oidcProviderArn = this.cluster.oidcProviderArn;
        this.oidcProviderUrl = this.cluster.oidcProviderUrl;
        this.admins = (args.clusterAdmins ?? []).length > 0
            ? new ClusterAdmins(`${name}-admins`, { clusterName: this.eksClusterName, principalArns: args.clusterAdmins ?? [], tags }, { parent: this })
            : undefined;
        // Kubernetes resources wait for the access entries: the principal running this update may be one of them.
        this.provider = new k8s.Provider(`${name}-k8s`, {
            kubeconfig: this.kubeconfig,
            enableServerSideApply: true,
        }, { parent: this, dependsOn: this.admins ? [this.admins] : [] });

        if (args.kubeProxyAddonEnabled) {
            this.kubeProxyAddon = eksAddon(`${name}-kube-proxy`, { clusterName: this.eksClusterName, addonName: "kube-proxy", tags }, { parent: this });
        }
        if (args.podIdentityAgent) {
            this.podIdentityAgentAddon = eksAddon(`${name}-pod-identity-agent`, { clusterName: this.eksClusterName, addonName: "eks-pod-identity-agent", tags }, { parent: this });
        }

        this.registerOutputs({
            endpoint: this.endpoint, eksClusterName: this.eksClusterName, kubeconfig: this.kubeconfig,
            oidcProviderArn: this.oidcProviderArn, oidcProviderUrl: this.oidcProviderUrl, vpcId: this.vpcId,
        });
    }
}

interface Network {
    vpcId: pulumi.Output<string>;
    privateSubnetIds: pulumi.Output<string[]>;
    publicSubnetIds: pulumi.Output<string[]>;
}

function networkFor(name: string, vpc: NetworkSpec, tags: Record<string, string>, parent: pulumi.Resource): Network {
    if (vpc.kind === "existing") {
        return {
            vpcId: pulumi.output(vpc.vpcId),
            privateSubnetIds: pulumi.output(vpc.privateSubnetIds),
            publicSubnetIds: pulumi.output(vpc.publicSubnetIds),
        };
    }
    const created = new awsx.ec2.Vpc(`${name}-vpc`, {
        cidrBlock: vpc.cidrBlock,
        numberOfAvailabilityZones: vpc.availabilityZoneCount,
        natGateways: { strategy: awsx.ec2.NatGatewayStrategy.Single },
        enableDnsHostnames: true,
        tags,
    }, { parent, protect: true });
    return { vpcId: created.vpcId, privateSubnetIds: created.privateSubnetIds, publicSubnetIds: created.publicSubnetIds };
}

const NODE_POLICIES = {
    worker: "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    // aws-node on ng-1 uses the node role (no IRSA for vpc-cni); Cilium's operator has its own role.
    cni: "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
    ecr: "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
};

function nodeRole(name: string, tags: Record<string, string>, parent: pulumi.Resource): aws.iam.Role {
    const role = new aws.iam.Role(`${name}-node-role`, {
        assumeRolePolicy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
        tags,
    }, { parent, protect: true });
    for (const [key, policyArn] of Object.entries(NODE_POLICIES)) {
        new aws.iam.RolePolicyAttachment(`${name}-node-${key}`, { role: role.name, policyArn }, { parent: role });
    }
    return role;
}
