/**
 * The AWS CLI's descriptions of a cluster (describe-cluster, describe-nodegroup, describe-addon: the files of a cluster
 * snapshot) as the AWS provider's data sources return them, so the composition root's checks (existingFacts.ts) run on
 * a snapshot: the planner answers its look-ups with them, the fleet report asks the same checks of many clusters. Pure.
 */
import type * as aws from "@pulumi/aws";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** describe-cluster's `cluster` → the provider's getCluster result (nested blocks become one-element lists). */
export function clusterResult(c: Json): aws.eks.GetClusterResult {
    const vpc = c.resourcesVpcConfig ?? {};
    const net = c.kubernetesNetworkConfig;
    return {
        accessConfigs: c.accessConfig ? [{ authenticationMode: c.accessConfig.authenticationMode ?? "", bootstrapClusterCreatorAdminPermissions: c.accessConfig.bootstrapClusterCreatorAdminPermissions ?? false }] : [],
        arn: c.arn ?? "", certificateAuthorities: c.certificateAuthority ? [{ data: c.certificateAuthority.data ?? "" }] : [],
        clusterId: c.id ?? "", computeConfigs: [], controlPlaneScalingConfigs: [], createdAt: String(c.createdAt ?? ""), deletionProtection: false,
        enabledClusterLogTypes: [], endpoint: c.endpoint ?? "", id: c.name,
        identities: c.identity?.oidc?.issuer ? [{ oidcs: [{ issuer: c.identity.oidc.issuer }] }] : [],
        kubeApiServerConfigs: [], kubeControllerManagerConfigs: [], kubeSchedulerConfigs: [],
        kubernetesNetworkConfigs: net ? [{ elasticLoadBalancings: [], ipFamily: net.ipFamily ?? "ipv4", serviceIpv4Cidr: net.serviceIpv4Cidr ?? "", serviceIpv6Cidr: net.serviceIpv6Cidr ?? "" }] : [],
        name: c.name, outpostConfigs: [], platformVersion: c.platformVersion ?? "", region: "", remoteNetworkConfigs: [], roleArn: c.roleArn ?? "",
        status: c.status ?? "", storageConfigs: [], tags: c.tags ?? {}, upgradePolicies: [], version: c.version ?? "",
        vpcConfig: {
            clusterSecurityGroupId: vpc.clusterSecurityGroupId ?? "", controlPlaneEgressMode: "", endpointPrivateAccess: vpc.endpointPrivateAccess ?? false,
            endpointPublicAccess: vpc.endpointPublicAccess ?? false, publicAccessCidrs: vpc.publicAccessCidrs ?? [], securityGroupIds: vpc.securityGroupIds ?? [],
            subnetIds: vpc.subnetIds ?? [], vpcId: vpc.vpcId ?? "",
        },
        zonalShiftConfigs: [],
    } as aws.eks.GetClusterResult;
}

/**
 * describe-nodegroup's `nodegroup` → the provider's getNodeGroup result, which has no `nodeRepairConfig` (7.48): the
 * program asks for it separately (stacks/existingLookups.ts `describeNodeRepair`), live and from a snapshot alike.
 */
export function nodeGroupResult(g: Json): aws.eks.GetNodeGroupResult {
    const lt = g.launchTemplate;
    return {
        amiType: g.amiType ?? "", arn: g.nodegroupArn ?? "", capacityType: g.capacityType ?? "", clusterName: g.clusterName, diskSize: g.diskSize ?? 0,
        id: `${g.clusterName}:${g.nodegroupName}`, instanceTypes: g.instanceTypes ?? [], labels: g.labels ?? {},
        launchTemplates: lt ? [{ id: lt.id ?? "", name: lt.name ?? "", version: String(lt.version ?? "") }] : [],
        nodeGroupName: g.nodegroupName, nodeRoleArn: g.nodeRole ?? "", region: "", releaseVersion: g.releaseVersion ?? "",
        remoteAccesses: g.remoteAccess ? [{ ec2SshKey: g.remoteAccess.ec2SshKey ?? "", sourceSecurityGroupIds: g.remoteAccess.sourceSecurityGroups ?? [] }] : [],
        resources: [{ autoscalingGroups: (g.resources?.autoScalingGroups ?? []).map((a: Json) => ({ name: a.name })), remoteAccessSecurityGroupId: g.resources?.remoteAccessSecurityGroup ?? "" }],
        scalingConfigs: g.scalingConfig ? [g.scalingConfig] : [], status: g.status ?? "", subnetIds: g.subnets ?? [], tags: g.tags ?? {},
        taints: (g.taints ?? []).map((t: Json) => ({ key: t.key, value: t.value ?? "", effect: t.effect })),
        updateConfigs: g.updateConfig ? [{ maxUnavailable: g.updateConfig.maxUnavailable ?? 0, maxUnavailablePercentage: g.updateConfig.maxUnavailablePercentage ?? 0, updateStrategy: g.updateConfig.updateStrategy ?? "" }] : [],
        version: g.version ?? "",
        // The provider's data source leaves a disabled warm pool out (the resource's block means "enabled").
        warmPoolConfigs: g.warmPoolConfig && g.warmPoolConfig.enabled !== false ? [{
            maxGroupPreparedCapacity: g.warmPoolConfig.maxGroupPreparedCapacity ?? 0, minSize: g.warmPoolConfig.minSize ?? 0,
            poolState: g.warmPoolConfig.poolState ?? "", reuseOnScaleIn: g.warmPoolConfig.reuseOnScaleIn ?? false,
        }] : [],
    } as aws.eks.GetNodeGroupResult;
}

/** describe-addon's `addon` → the provider's getAddon result. */
export function addonResult(a: Json, clusterName: string): aws.eks.GetAddonResult {
    return {
        addonName: a.addonName, addonVersion: a.addonVersion ?? "", arn: a.addonArn ?? "", clusterName: a.clusterName ?? clusterName,
        configurationValues: a.configurationValues ?? "", createdAt: String(a.createdAt ?? ""), id: `${clusterName}:${a.addonName}`,
        modifiedAt: String(a.modifiedAt ?? ""), podIdentityAssociations: [], region: "", serviceAccountRoleArn: a.serviceAccountRoleArn ?? "",
        tags: a.tags ?? {},
    };
}
