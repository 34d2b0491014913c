/**
 * Self-managed node groups in the composition root (design.md, "Self-managed node groups"): the named groups are
 * looked up and judged before anything is declared — a group AWS does not have, one on a launch configuration, one
 * launching a version the provider cannot read, user data the program cannot read as the node will (each named, with
 * why). Their twins and legacy steps are not declared by this version: a stack naming groups stops here, after
 * every check, with a message that says so (README, "Self-managed node groups").
 */
import { UserDataError, ciliumUserData, readUserData } from "../components/autoScalingGroups/userData";
import { CILIUM_STARTUP_TAINT } from "../migration/names";
import { MigrationConfig } from "./configTypes";
import { AsgDescription, AsgFound, autoScalingGroupFacts } from "./asgFacts";
import { ConfigError } from "./validate";

/** The groups' facts, every user data read and its twin's written (so an unreadable one is refused now). */
export function judgeAutoScalingGroups(config: MigrationConfig, found: AsgFound[], clusterName: string): AsgDescription[] {
    const groups = autoScalingGroupFacts(found, clusterName);
    const problems: string[] = [];
    const birth = {
        label: { key: config.nodeLabels.key, value: config.nodeLabels.ciliumValue },
        startupTaint: `${CILIUM_STARTUP_TAINT}=true:${config.twins.startupTaintEffect}`,
    };
    for (const g of groups) {
        try {
            readUserData(g.name, g.template.userData);
            ciliumUserData(g.name, g.template.userData, birth);
        } catch (err) {
            if (!(err instanceof UserDataError)) throw err;
            problems.push(err.message);
        }
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return groups;
}

export function checkAutoScalingGroups(config: MigrationConfig, found: AsgFound[], clusterName: string): void {
    const groups = judgeAutoScalingGroups(config, found, clusterName);
    if (groups.length === 0) return;
    throw new ConfigError([`\`existingCluster.autoScalingGroups\` names ${groups.map((g) => g.name).join(", ")}: each passed the checks (template, ` +
        "version, user data), but this version does not declare self-managed twins or their legacy steps yet; migrate these groups by hand " +
        "(README, \"Self-managed node groups\") and leave the key unset."]);
}
