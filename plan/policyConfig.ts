/**
 * What the policy pack's policies are told of the stack (their `getConfig`), as `npm run plan -- --policy` gives it:
 * the node label, `deleteLegacyNodeGroups`, and — with a cluster snapshot — each adopted group's description as the
 * AWS provider's inputs (the same reading of describe-nodegroup the program adopts them with).
 */
import * as aws from "@pulumi/aws";
import { nodeGroupInputs } from "../components/nodePools/nodeGroupDescription";
import { MigrationConfig } from "../stacks/configTypes";
import { describeNodeGroup } from "../stacks/existingFacts";
import { NODE_REPAIR_TOKEN } from "../stacks/existingLookups";
import { nodeRepairsOf } from "../stacks/nodeRepairFacts";
import { AwsSnapshot } from "./awsSnapshot";
import { PolicyConfig } from "./policyRun";

export function policyConfigOf(migration: MigrationConfig, snapshot?: AwsSnapshot): PolicyConfig {
    const nodeLabels = { ...migration.nodeLabels };
    return {
        "aws-node-never-on-cilium-nodes": { nodeLabels },
        "cilium-off-legacy-nodes": { nodeLabels },
        "protected-production": { deleteLegacyNodeGroups: migration.existingCluster?.deleteLegacyNodeGroups ?? false },
        "no-node-group-replacement": { descriptions: snapshot && migration.existingCluster ? descriptionsOf(snapshot, migration.existingCluster.name) : {} },
    };
}

/** Every node group of the snapshot's cluster, by name, as aws.eks.NodeGroup inputs. */
function descriptionsOf(snapshot: AwsSnapshot, clusterName: string): Record<string, Record<string, unknown>> {
    const { names } = snapshot.answer("aws:eks/getNodeGroups:getNodeGroups", { clusterName }) as { names: string[] };
    return Object.fromEntries(names.map((nodeGroupName) => {
        const found = snapshot.answer("aws:eks/getNodeGroup:getNodeGroup", { clusterName, nodeGroupName }) as aws.eks.GetNodeGroupResult;
        const { nodeRepairConfig } = snapshot.answer(NODE_REPAIR_TOKEN, { clusterName, nodeGroupName }) as { nodeRepairConfig?: unknown };
        const repair = nodeRepairsOf({ [nodeGroupName]: nodeRepairConfig }).configs[nodeGroupName];
        return [nodeGroupName, nodeGroupInputs(describeNodeGroup(found, {}, repair)) as Record<string, unknown>];
    }));
}
