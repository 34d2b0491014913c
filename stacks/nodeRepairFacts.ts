/**
 * Node auto repair of an existing cluster's managed groups, as described (describe-nodegroup's `nodeRepairConfig`,
 * read live with the AWS CLI or from a snapshot: existingLookups.ts `describeNodeRepair`), judged for declaration. Pure.
 */
import { NodeRepairConfig, nodeRepairOf } from "../clusterReader/nodeRepair";

/** Each group's node auto repair as the provider can declare it, the members it cannot, and what is not the API's shape. */
export function nodeRepairsOf(described: Record<string, unknown>): { configs: Record<string, NodeRepairConfig>; undeclarable: Record<string, string[]>; problems: string[] } {
    const out = { configs: {} as Record<string, NodeRepairConfig>, undeclarable: {} as Record<string, string[]>, problems: [] as string[] };
    for (const [group, value] of Object.entries(described)) {
        if (value === undefined || value === null) continue;
        const read = nodeRepairOf(value);
        if ("problem" in read) {
            out.problems.push(`node group ${group}: aws eks describe-nodegroup says ${read.problem}, which is not the EKS API's NodeRepairConfig; ` +
                "check the AWS CLI and the snapshot (npm run snapshot writes it unchanged).");
            continue;
        }
        out.configs[group] = read.config;
        if (read.undeclarable.length > 0) out.undeclarable[group] = read.undeclarable;
    }
    return out;
}

/** A member of nodeRepairConfig the provider cannot declare is said, never dropped unsaid. */
export function undeclarableRepairNote(group: string, members: string[]): string {
    return `node group ${group}'s nodeRepairConfig has ${members.join(", ")}, which the AWS provider's NodeGroup (@pulumi/aws 7.48.0) cannot ` +
        `declare: its twin gets every other member of it; after phase 0, set ${members.length > 1 ? "them" : "it"} on the twin yourself ` +
        "(aws eks update-nodegroup-config --node-repair-config).";
}
