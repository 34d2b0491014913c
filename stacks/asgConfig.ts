/**
 * `existingCluster.autoScalingGroups`: the self-managed node groups (EC2 Auto Scaling groups that join the cluster
 * themselves) the migration moves (design.md, "Self-managed node groups"). Unset: none — an ASG is never migrated
 * unless named, since nothing but its name (and its instances) ties it to the cluster.
 */
import { INVALID, Problems, stringList } from "./validate";

/**
 * An Auto Scaling group name as the API takes it (CreateAutoScalingGroup: 1–255 characters, no control characters);
 * a colon is refused too, since the API reads a name with one as an ARN.
 */
const ASG_NAME = /^[^:\p{Cc}]{1,255}$/u;

export function parseAutoScalingGroups(p: Problems, value: unknown): string[] | undefined {
    if (value === undefined || value === INVALID) return undefined;
    const names = stringList(p, "existingCluster.autoScalingGroups", value, ASG_NAME, "Auto Scaling group names (1–255 characters, no ':')");
    if (names && new Set(names).size !== names.length) p.add(`\`existingCluster.autoScalingGroups\` lists a group twice: ${JSON.stringify(names)}.`);
    return names;
}
