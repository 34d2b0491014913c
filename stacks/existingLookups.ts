/**
 * The AWS look-ups of an existing cluster, through the AWS provider's data sources (invokes): the same calls in
 * `pulumi up`, `pulumi preview` and the offline planner, which answers them from a cluster snapshot
 * (plan/awsSnapshot.ts). An add-on, an OIDC provider or an access entry that does not exist is an answer ("not
 * there"), not an error; any other failure stops the program before anything is declared.
 */
import * as aws from "@pulumi/aws";
import { ADDONS, AddonKey, LookedUp } from "./existingFacts";
import { MigrationConfig } from "./configTypes";
import { ConfigError } from "./validate";
import * as pulumi from "@pulumi/pulumi";
import { AwsReadError, spawnRunner } from "../clusterReader/awsCli";
import { liveNodeRepairReader } from "../clusterReader/nodeRepair";

/** What `describeNodeRepair` is asked: one managed group. */
export interface NodeRepairArgs { clusterName: string; nodeGroupName: string; region?: string }

export interface Lookups {
    getCluster(args: aws.eks.GetClusterArgs): Promise<aws.eks.GetClusterResult>;
    getNodeGroups(args: aws.eks.GetNodeGroupsArgs): Promise<aws.eks.GetNodeGroupsResult>;
    getNodeGroup(args: aws.eks.GetNodeGroupArgs): Promise<aws.eks.GetNodeGroupResult>;
    getAddon(args: aws.eks.GetAddonArgs): Promise<aws.eks.GetAddonResult>;
    getOpenIdConnectProvider(args: aws.iam.GetOpenIdConnectProviderArgs): Promise<aws.iam.GetOpenIdConnectProviderResult>;
    getAccessEntry(args: aws.eks.GetAccessEntryArgs): Promise<aws.eks.GetAccessEntryResult>;
    /**
     * A group's `nodeRepairConfig` as describe-nodegroup prints it (undefined: none). The provider's getNodeGroup
     * (7.48) does not return it: live, the AWS CLI reads it (clusterReader/nodeRepair.ts); offline, the snapshot.
     */
    describeNodeRepair(args: NodeRepairArgs): Promise<unknown>;
}

export const AWS_LOOKUPS: Lookups = {
    getCluster: (a) => aws.eks.getCluster(a),
    getNodeGroups: (a) => aws.eks.getNodeGroups(a),
    getNodeGroup: (a) => aws.eks.getNodeGroup(a),
    getAddon: (a) => aws.eks.getAddon(a),
    getOpenIdConnectProvider: (a) => aws.iam.getOpenIdConnectProvider(a),
    getAccessEntry: (a) => aws.eks.getAccessEntry(a),
    describeNodeRepair: liveNodeRepairReader(spawnRunner),
};

/** The provider call the planner's mock runtime answers from a snapshot's nodegroups.json (plan/awsSnapshot.ts); no live provider has it. */
export const NODE_REPAIR_TOKEN = "eks-cilium-migration:eks:describeNodeRepair";

/** The look-ups as the planner makes them: the data sources, and node repair as a call the mocks answer. */
export const INVOKED_LOOKUPS: Lookups = {
    ...AWS_LOOKUPS,
    describeNodeRepair: async (a) => ((await pulumi.runtime.invoke(NODE_REPAIR_TOKEN, { ...a })) as { nodeRepairConfig?: unknown }).nodeRepairConfig,
};

/**
 * Every group's node auto repair, by name. A failed read stops the program before anything is declared, naming the
 * command, the group and what to do: "no repair config" is only ever the API's answer, never a failed read's.
 */
async function nodeRepairConfigs(lookups: Lookups, clusterName: string, groups: string[], region: string | undefined): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const nodeGroupName of groups) {
        try {
            const found = await lookups.describeNodeRepair({ clusterName, nodeGroupName, ...(region ? { region } : {}) });
            if (found !== undefined && found !== null) out[nodeGroupName] = found;
        } catch (err) {
            if (!(err instanceof AwsReadError)) throw err;
            throw new ConfigError([`node group ${nodeGroupName}'s node auto repair (nodeRepairConfig) was not read: ${err.message}. The AWS ` +
                "provider's getNodeGroup does not return it, so the program reads it with the AWS CLI: put a current AWS CLI (v2 or v1: one that " +
                "knows every nodeRepairConfig member) on the path of whoever runs pulumi, with the stack's credentials and region " +
                "(eks:DescribeNodegroup), then run again. Nothing was declared."]);
        }
    }
    return out;
}

/**
 * A "does not exist" failure: the AWS API's ResourceNotFoundException / NoSuchEntity, or the provider's own
 * wording when a data source finds nothing ("couldn't find resource", "no matching … found", "not found").
 */
export function isNotFound(err: unknown): boolean {
    const text = err instanceof Error ? err.message : String(err);
    return /ResourceNotFoundException|NoSuchEntity|couldn't find resource|not found|no matching .* found/i.test(text);
}

const absent = async <T>(lookup: Promise<T>): Promise<T | undefined> => {
    try {
        return await lookup;
    } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
    }
};

export async function lookUpExistingCluster(config: MigrationConfig, region: string | undefined, lookups: Lookups = AWS_LOOKUPS): Promise<LookedUp> {
    const name = (config.existingCluster as NonNullable<MigrationConfig["existingCluster"]>).name;
    let cluster: aws.eks.GetClusterResult;
    try {
        cluster = await lookups.getCluster({ name });
    } catch (err) {
        if (!isNotFound(err)) throw err;
        throw new ConfigError([`\`existingCluster.name\` is ${JSON.stringify(name)}, but there is no EKS cluster of that name` +
            `${region ? ` in ${region} (\`aws:region\`)` : ""}; check the name and the region (${(err as Error).message}).`]);
    }
    const { names } = await lookups.getNodeGroups({ clusterName: name });
    const nodeGroups = await Promise.all([...names].sort().map((nodeGroupName) => lookups.getNodeGroup({ clusterName: name, nodeGroupName })));
    const repairs = await nodeRepairConfigs(lookups, name, [...names].sort(), region);
    const addons: LookedUp["addons"] = {};
    for (const [key, addonName] of Object.entries(ADDONS) as [AddonKey, string][]) {
        const found = await absent(lookups.getAddon({ clusterName: name, addonName }));
        if (found) addons[key] = found;
    }
    const issuer = cluster.identities?.[0]?.oidcs?.[0]?.issuer;
    const oidc = issuer && config.cilium.operatorIdentity === "irsa" ? await absent(lookups.getOpenIdConnectProvider({ url: issuer })) : undefined;
    const principalsWithEntry: string[] = [];
    for (const principalArn of config.clusterAdmins) {
        if (await absent(lookups.getAccessEntry({ clusterName: name, principalArn }))) principalsWithEntry.push(principalArn);
    }
    return { cluster, nodeGroups, nodeRepairConfigs: repairs, addons, ...(oidc ? { oidcProviderArn: oidc.arn } : {}), principalsWithEntry, ...(region ? { region } : {}) };
}
