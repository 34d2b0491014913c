/**
 * The steps that act on Auto Scaling groups through the AWS CLI (design.md, "Self-managed node groups"). A legacy
 * group is never a Pulumi resource (declaring one could change its template reference, and a template change can
 * start an instance refresh that replaces nodes without draining): these steps touch only its suspended processes,
 * its min and desired sizes, and — asked for — the group itself. Pure strings, built from validated names; each is
 * idempotent (already suspended, already zero, already gone: it says so and passes) and each destructive one
 * re-checks the drained state right before it acts (scripts.ts `preCheckLines`, fail closed).
 *
 * AWS CLI facts (aws autoscaling help; botocore autoscaling service model, vendored in tests/fixtures/real/botocore):
 * `describe-auto-scaling-groups --auto-scaling-group-names X` answers an empty list for a group that does not exist;
 * `suspend-processes --scaling-processes Launch` suspends only Launch (suspending every process would suspend
 * Terminate too, and the scale-in to zero would then terminate nothing); `delete-auto-scaling-group` without
 * `--force-delete` refuses a group with instances.
 */
import { PreChecks, drainArgs, DrainOptions, preCheckLines, shellQuote, withKubeconfig } from "../clusterSteps/scripts";

const cli = (region?: string): string => (region ? `aws --region ${shellQuote(region)}` : "aws");

/** Reads the group once into `count` (0: gone) and the queried `value`. */
function describe(group: string, region: string | undefined, query: string): string {
    const describeCmd = `${cli(region)} autoscaling describe-auto-scaling-groups --auto-scaling-group-names ${shellQuote(group)} --output text`;
    return [
        `count="$(${describeCmd} --query 'length(AutoScalingGroups)')"`,
        `if [ "$count" = "0" ]; then echo "asg: Auto Scaling group ${group} does not exist (gone); nothing to do"; exit 0; fi`,
        `value="$(${describeCmd} --query ${shellQuote(query)})"`,
    ].join("\n");
}

/** Phase 4 on: `Launch` suspended, nothing else (the group still terminates, so phase 7's scale-in works). */
export function suspendLaunchScript(group: string, region?: string): string {
    return withKubeconfig(`
${describe(group, region, "length(AutoScalingGroups[0].SuspendedProcesses[?ProcessName=='Launch'])")}
if [ "$value" != "0" ]; then echo "suspend: Auto Scaling group ${group} has Launch suspended already"; exit 0; fi
${cli(region)} autoscaling suspend-processes --auto-scaling-group-name ${shellQuote(group)} --scaling-processes Launch
echo "suspend: Auto Scaling group ${group}: Launch suspended (every other process runs)"`);
}

/** Rollback 4→3 (the suspend step removed): `Launch` resumed. */
export function resumeLaunchScript(group: string, region?: string): string {
    return withKubeconfig(`
${describe(group, region, "length(AutoScalingGroups[0].SuspendedProcesses[?ProcessName=='Launch'])")}
if [ "$value" = "0" ]; then echo "resume: Auto Scaling group ${group} launches already"; exit 0; fi
${cli(region)} autoscaling resume-processes --auto-scaling-group-name ${shellQuote(group)} --scaling-processes Launch
echo "resume: Auto Scaling group ${group}: Launch resumed"`);
}

/** Phase 7: min and desired 0 (max kept for its owner), only after the drained re-check (ASG scale-in never drains). */
export function scaleToZeroScript(group: string, pre: PreChecks, region?: string): string {
    return withKubeconfig(`
${describe(group, region, "join(' ', [to_string(AutoScalingGroups[0].MinSize), to_string(AutoScalingGroups[0].DesiredCapacity)])")}
if [ "$value" = "0 0" ]; then echo "scale-down: Auto Scaling group ${group} is at min 0, desired 0 already"; exit 0; fi
${preCheckLines(pre)}
${cli(region)} autoscaling update-auto-scaling-group --auto-scaling-group-name ${shellQuote(group)} --min-size 0 --desired-capacity 0
echo "scale-down: Auto Scaling group ${group}: min 0, desired 0 (was min/desired $value; pre-checks passed: ${pre.checks.join(", ")})"`);
}

/** Phase 8 with `deleteLegacyNodeGroups`: deleted only when it has no instance, after the drained re-check. */
export function deleteGroupScript(group: string, pre: PreChecks, region?: string): string {
    return withKubeconfig(`
${describe(group, region, "length(AutoScalingGroups[0].Instances)")}
${preCheckLines(pre)}
if [ "$value" != "0" ]; then echo "delete: Auto Scaling group ${group} still has $value instance(s); not deleted (it is deleted once it has none)" >&2; exit 1; fi
${cli(region)} autoscaling delete-auto-scaling-group --auto-scaling-group-name ${shellQuote(group)}
echo "delete: Auto Scaling group ${group} deleted (no instance; pre-checks passed: ${pre.checks.join(", ")})"`);
}

/**
 * Rollback 3→2: the twin group's nodes cordoned and drained through the eviction API before its sizes go to 0 (ASG
 * scale-in terminates without draining). Its nodes are found by the instance id at the end of `spec.providerID`
 * (`aws:///<zone>/<instance-id>`), as migration/nodeRule.ts `instanceIdOf` reads it.
 */
export function drainGroupNodesScript(group: string, drain: DrainOptions, region?: string): string {
    return withKubeconfig(`
${describe(group, region, "AutoScalingGroups[0].Instances[].InstanceId")}
node_list="$(kubectl get nodes -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.spec.providerID}{"\\n"}{end}')"
nodes=()
while read -r node provider; do
  [ -n "$node" ] || continue
  for id in $value; do if [ "\${provider##*/}" = "$id" ]; then nodes+=("$node"); fi; done
done <<<"$node_list"
if [ "\${#nodes[@]}" -eq 0 ]; then echo "drain: Auto Scaling group ${group} has no node in the cluster; nothing to drain"; exit 0; fi
kubectl drain "\${nodes[@]}" ${drainArgs(drain).join(" ")}
echo "drain: \${#nodes[@]} node(s) of Auto Scaling group ${group} drained"`);
}
