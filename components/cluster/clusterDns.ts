/**
 * CoreDNS as the EKS managed addon. It is separate from the cluster because the addon only becomes ACTIVE once
 * nodes can run its pods: it waits for the first node group. With `skipDefaultNodeGroup`, pulumi-eks would create
 * no CoreDNS at all — a cluster that passes every mock test and breaks every workload.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { eksAddon } from "./addon";

export interface ClusterDnsArgs {
    clusterName: pulumi.Input<string>;
    /** Node groups (or anything else) the addon waits for. */
    dependsOn: pulumi.Input<pulumi.Resource>[];
    tags?: Record<string, string>;
}

export class ClusterDns extends pulumi.ComponentResource {
    public readonly addon: aws.eks.Addon;

    constructor(name: string, args: ClusterDnsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-cilium-migration:index:ClusterDns", name, {}, opts);
        this.addon = eksAddon(`${name}-coredns`, { clusterName: args.clusterName, addonName: "coredns", tags: args.tags },
            { parent: this, dependsOn: args.dependsOn });
        this.registerOutputs({});
    }
}
