/**
 * Self-managed node groups in the composition root (design.md, "Self-managed node groups"): the named groups are
 * looked up and judged before anything is declared — a group AWS does not have, one on a launch configuration, one
 * launching a version the provider cannot read (each named, with why). Their twins and legacy steps are not declared
 * by this version: a stack naming groups stops here, after every check, with a message that says so (README,
 * "Self-managed node groups").
 */
import { MigrationConfig } from "./configTypes";
import { AsgDescription, AsgFound, autoScalingGroupFacts } from "./asgFacts";
import { ConfigError } from "./validate";

/** The groups' facts (a ConfigError naming every group that cannot be migrated). */
export function judgeAutoScalingGroups(_config: MigrationConfig, found: AsgFound[], clusterName: string): AsgDescription[] {
    return autoScalingGroupFacts(found, clusterName);
}

export function checkAutoScalingGroups(config: MigrationConfig, found: AsgFound[], clusterName: string): void {
    const groups = judgeAutoScalingGroups(config, found, clusterName);
    if (groups.length === 0) return;
    throw new ConfigError([`\`existingCluster.autoScalingGroups\` names ${groups.map((g) => g.name).join(", ")}: each passed the checks (template, ` +
        "version), but this version does not declare self-managed twins or their legacy steps yet; migrate these groups by hand " +
        "(README, \"Self-managed node groups\") and leave the key unset."]);
}
