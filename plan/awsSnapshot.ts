/**
 * Answers the program's AWS look-ups (the AWS provider's data sources) from a cluster snapshot directory, so the
 * planner shows what each phase does to *that* cluster with no AWS account. The files are the unchanged output of
 * the AWS CLI (design.md, "Cluster snapshots"); each answer is what the provider's data source returns, translated
 * from the AWS API's shape. A look-up the snapshot cannot answer names the file it needs.
 */
import * as fs from "fs";
import * as path from "path";
import type * as aws from "@pulumi/aws";
import { ASG_FILES, AWS_FILES, KUBECTL_FILES } from "../migration/snapshotFiles";
import { AutoScalingGroup, LaunchTemplateVersion, asgItemsProblem } from "../clusterReader/autoScalingGroups";
import { findGroup, groupResult, launchTemplateResult } from "./asgSnapshot";
import { calicoListResult } from "./calicoSnapshot";
import { CALICO_LOOKUP_TOKEN, CalicoQuery } from "../stacks/calicoFacts";
import { NODE_REPAIR_TOKEN } from "../stacks/existingLookups";
import { JsonFileError, readJsonObject } from "../clusterReader/jsonStream";
import { addonResult, clusterResult, nodeGroupResult } from "../stacks/awsResults";
import { KarpenterObjects, readKarpenterSnapshot } from "../clusterReader/karpenter";
import { invokeError } from "./invokeError";

/** The translations live with the composition root (the fleet report reads them too); re-exported for the planner's callers. */
export { addonResult, clusterResult, nodeGroupResult };

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any


/** A look-up the snapshot has no file for: the planner reports it as bad input, naming the file. */
export class SnapshotInputError extends Error {}

export class AwsSnapshot {
    private readonly cache = new Map<string, Json>();
    constructor(public readonly dir: string) {
        if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new SnapshotInputError(`cluster snapshot ${dir} is not a directory`);
    }

    private file(key: keyof typeof AWS_FILES | keyof typeof ASG_FILES): Json {
        return this.snapshotFile({ ...AWS_FILES, ...ASG_FILES }[key]);
    }

    /** One file of the snapshot, read once; missing or unreadable: an input error naming it. */
    private snapshotFile({ file: name, writtenBy: how }: { file: string; writtenBy: string }): Json {
        if (!this.cache.has(name)) {
            const file = path.join(this.dir, name);
            if (!fs.existsSync(file)) throw invokeError(`cluster snapshot: ${file} is missing; this look-up needs it (${how}, or npm run snapshot)`);
            try {
                this.cache.set(name, readJsonObject(file));
            } catch (err) {
                if (err instanceof JsonFileError) throw invokeError(`cluster snapshot: ${err.message}`);
                throw err;
            }
        }
        return this.cache.get(name) as Json;
    }

    /** The provider's answer to an invoke, or a thrown not-found / input error. */
    answer(token: string, inputs: Json): unknown {
        switch (token) {
            case "aws:eks/getCluster:getCluster": return this.cluster(inputs.name);
            case "aws:eks/getNodeGroups:getNodeGroups": return { clusterName: inputs.clusterName, id: inputs.clusterName, names: this.nodeGroups(inputs.clusterName).map((g) => g.nodegroupName) };
            case "aws:eks/getNodeGroup:getNodeGroup": return nodeGroupResult(this.nodeGroup(inputs.clusterName, inputs.nodeGroupName));
            // Node auto repair, which getNodeGroup does not return: describe-nodegroup's own object (stacks/existingLookups.ts).
            case NODE_REPAIR_TOKEN: return { nodeRepairConfig: this.nodeGroup(inputs.clusterName, inputs.nodeGroupName).nodeRepairConfig };
            case "aws:eks/getAddon:getAddon": return this.addon(inputs.clusterName, inputs.addonName);
            case "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider": return this.oidcProvider(inputs.url);
            case "aws:eks/getAccessEntry:getAccessEntry": return this.accessEntry(inputs.clusterName, inputs.principalArn);
            // Self-managed node groups (plan/asgSnapshot.ts).
            case "aws:autoscaling/getGroup:getGroup": return groupResult(findGroup(this.list("autoScalingGroups", "AutoScalingGroups") as AutoScalingGroup[], inputs.name));
            case "aws:ec2/getLaunchTemplate:getLaunchTemplate": return launchTemplateResult(this.list("launchTemplateVersions", "LaunchTemplateVersions") as LaunchTemplateVersion[], inputs);
            // Calico's install, from the snapshot's Kubernetes files (plan/calicoSnapshot.ts).
            case CALICO_LOOKUP_TOKEN: return calicoListResult((f) => this.snapshotFile(f), inputs as CalicoQuery);
            default: throw invokeError(`cluster snapshot: the planner has no answer for ${token}`);
        }
    }

    /**
     * The cluster's Karpenter objects (stacks/karpenterLookups.ts): a file not there leaves its kind out, unless the
     * stack names NodePools and `nodepools.json` is missing — then the planner cannot tell what to migrate (exit 2).
     */
    karpenter(nodePoolsNamed: boolean): KarpenterObjects {
        const { file, writtenBy } = KUBECTL_FILES.nodepools;
        const where = path.join(this.dir, file);
        if (nodePoolsNamed && !fs.existsSync(where)) {
            throw invokeError(`cluster snapshot: ${where} is missing; \`existingCluster.nodePools\` names NodePools and the planner needs it ` +
                `to migrate them (${writtenBy}, or npm run snapshot)`);
        }
        try {
            return readKarpenterSnapshot(this.dir);
        } catch (err) {
            throw invokeError(`cluster snapshot: ${(err as Error).message}`);
        }
    }

    private cluster(name: string): aws.eks.GetClusterResult {
        const c = this.file("cluster").cluster as Json | undefined;
        if (!c) throw invokeError(`cluster snapshot: ${path.join(this.dir, "cluster.json")} has no "cluster" object (aws eks describe-cluster output)`);
        if (c.name !== name) throw invokeError(`ResourceNotFoundException: No cluster found for name: ${name} (the snapshot ${this.dir} describes cluster ${c.name})`);
        return clusterResult(c);
    }

    private nodeGroups(clusterName: string): Json[] {
        this.cluster(clusterName);
        const list = this.file("nodegroups").nodegroups;
        if (!Array.isArray(list)) throw invokeError(`cluster snapshot: ${path.join(this.dir, "nodegroups.json")} has no "nodegroups" list`);
        return list;
    }

    private nodeGroup(clusterName: string, name: string): Json {
        const g = this.nodeGroups(clusterName).find((x) => x.nodegroupName === name);
        if (!g) throw invokeError(`ResourceNotFoundException: No node group found for name: ${name}`);
        return g;
    }

    private addon(clusterName: string, name: string): aws.eks.GetAddonResult {
        this.cluster(clusterName);
        const a = ((this.file("addons").addons ?? []) as Json[]).find((x) => x.addonName === name);
        if (!a) throw invokeError(`ResourceNotFoundException: No addon: ${name} found in cluster: ${clusterName}`);
        const associations = (a.podIdentityAssociations ?? []) as string[];
        if (associations.length > 0) {
            // describe-addon names each association by ARN only; the provider resolves its role and service account
            // with DescribePodIdentityAssociation, which a snapshot does not hold. Planning the add-on without them
            // would show their removal, so the planner refuses rather than answer "none".
            throw invokeError(`cluster snapshot: the ${name} add-on of ${clusterName} has Pod Identity associations ` +
                `(${associations.join(", ")}) that the snapshot cannot resolve to a role and service account; plan this cluster ` +
                "with `pulumi preview` against AWS instead (the planner would show them as removed).");
        }
        return addonResult(a, clusterName);
    }

    private oidcProvider(url: string): aws.iam.GetOpenIdConnectProviderResult {
        const hostPath = url.replace(/^https:\/\//, "");
        const arn = ((this.file("oidcProviders").OpenIDConnectProviderList ?? []) as Json[]).map((p) => p.Arn as string)
            .find((a) => a.endsWith(`:oidc-provider/${hostPath}`));
        if (!arn) throw invokeError(`NoSuchEntity: no matching IAM OIDC Provider found for ${url}`);
        return { arn, clientIdLists: [], id: arn, tags: {}, thumbprintLists: [], url: hostPath };
    }

    private accessEntry(clusterName: string, principalArn: string): unknown {
        const entries = (this.file("accessEntries").accessEntries ?? []) as string[];
        if (!entries.includes(principalArn)) throw invokeError(`ResourceNotFoundException: The specified principalArn could not be found: ${principalArn}`);
        return { clusterName, principalArn, id: `${clusterName}:${principalArn}` };
    }

    /** A file's top-level list (the AWS CLI's key), or an input error naming the file. */
    private list(key: keyof typeof ASG_FILES, member: "AutoScalingGroups" | "LaunchTemplateVersions"): Json[] {
        const list = this.file(key)[member];
        if (!Array.isArray(list)) throw invokeError(`cluster snapshot: ${path.join(this.dir, ASG_FILES[key].file)} has no "${member}" list (${ASG_FILES[key].writtenBy})`);
        const problem = asgItemsProblem(member, list);
        if (problem) throw invokeError(`cluster snapshot: ${path.join(this.dir, ASG_FILES[key].file)}: ${problem} (${ASG_FILES[key].writtenBy})`);
        return list;
    }
}
