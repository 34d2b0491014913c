/**
 * A managed node group's node auto repair (the EKS API's `NodeRepairConfig`), read live with the AWS CLI: the AWS
 * provider's `getNodeGroup` (@pulumi/aws 7.48.0) does not return it, and a twin declared without it loses auto repair.
 * The members are botocore's EKS model's (tests/fixtures/real/botocore/eks-shapes.json), each one the provider's
 * NodeGroup resource declares (`NodeGroupNodeRepairConfig`). Read-only: `describe-nodegroup`, and a
 * `--generate-cli-skeleton` that prints the CLI's own request shape "without sending an API request" (its help).
 */
import { AwsReadError, Runner, awsCli, parseJson } from "./awsCli";

export interface NodeRepairConfigOverride { nodeMonitoringCondition: string; nodeUnhealthyReason: string; minRepairWaitTimeMins: number; repairAction: string }

export interface NodeRepairConfig {
    enabled?: boolean;
    maxUnhealthyNodeThresholdCount?: number;
    maxUnhealthyNodeThresholdPercentage?: number;
    maxParallelNodesRepairedCount?: number;
    maxParallelNodesRepairedPercentage?: number;
    nodeRepairConfigOverrides?: NodeRepairConfigOverride[];
}

type Kind = "boolean" | "integer" | "string" | "list";
/** NodeRepairConfig's members and their types (botocore: BoxedBoolean, NonZeroInteger, PercentCapacity, the overrides list). */
export const NODE_REPAIR_MEMBERS: Record<keyof NodeRepairConfig, Kind> = {
    enabled: "boolean", maxUnhealthyNodeThresholdCount: "integer", maxUnhealthyNodeThresholdPercentage: "integer",
    maxParallelNodesRepairedCount: "integer", maxParallelNodesRepairedPercentage: "integer", nodeRepairConfigOverrides: "list",
};
/** NodeRepairConfigOverrides' members; the provider requires all four on each override. */
export const NODE_REPAIR_OVERRIDE_MEMBERS: Record<keyof NodeRepairConfigOverride, Kind> = {
    nodeMonitoringCondition: "string", nodeUnhealthyReason: "string", minRepairWaitTimeMins: "integer", repairAction: "string",
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const isKind = (v: unknown, kind: Kind): boolean =>
    kind === "list" ? Array.isArray(v) : kind === "integer" ? Number.isInteger(v) : typeof v === kind;

/**
 * What a described `nodeRepairConfig` gives a declaration: the members the provider declares, and the names of those
 * it cannot (a member newer than the model, e.g. an API addition): never dropped unsaid. A wrong type is a problem.
 */
export function nodeRepairOf(value: unknown): { config: NodeRepairConfig; undeclarable: string[] } | { problem: string } {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return { problem: `nodeRepairConfig is ${JSON.stringify(value)}, not an object` };
    const config: Json = {};
    const undeclarable: string[] = [];
    for (const [key, v] of Object.entries(value as Json)) {
        const kind = NODE_REPAIR_MEMBERS[key as keyof NodeRepairConfig];
        if (kind === undefined) { undeclarable.push(key); continue; }
        if (!isKind(v, kind)) return { problem: `nodeRepairConfig.${key} is ${JSON.stringify(v)}, not a${kind === "integer" ? "n" : ""} ${kind}` };
        config[key] = v;
    }
    for (const [i, o] of (config.nodeRepairConfigOverrides ?? []).entries()) {
        for (const [key, kind] of Object.entries(NODE_REPAIR_OVERRIDE_MEMBERS)) {
            if (!isKind(o?.[key], kind)) return { problem: `nodeRepairConfig.nodeRepairConfigOverrides[${i}].${key} is ${JSON.stringify(o?.[key])}, not a${kind === "integer" ? "n" : ""} ${kind}` };
        }
        undeclarable.push(...Object.keys(o).filter((k) => !(k in NODE_REPAIR_OVERRIDE_MEMBERS)).map((k) => `nodeRepairConfigOverrides[${i}].${k}`));
    }
    return { config: config as NodeRepairConfig, undeclarable };
}

/**
 * The NodeRepairConfig members the AWS CLI at hand knows, from its own request skeleton. An AWS CLI prints only the
 * members of its own model (botocore parses a response by the model's members): one older than a member would print
 * describe-nodegroup without it, and the twin would lose it unsaid.
 */
export async function cliModelProblem(run: Runner, region: string | undefined): Promise<string | undefined> {
    const text = await awsCli(region, run)(["eks", "create-nodegroup", "--generate-cli-skeleton", "input"],
        "printing the AWS CLI's own CreateNodegroup request shape");
    const known = parseJson(text, "aws eks create-nodegroup --generate-cli-skeleton input")?.nodeRepairConfig;
    const members = typeof known === "object" && known !== null ? Object.keys(known) : [];
    const missing = Object.keys(NODE_REPAIR_MEMBERS).filter((m) => !members.includes(m));
    const override = known?.nodeRepairConfigOverrides?.[0] ?? {};
    missing.push(...(members.includes("nodeRepairConfigOverrides") ? Object.keys(NODE_REPAIR_OVERRIDE_MEMBERS).filter((m) => !(m in override)).map((m) => `nodeRepairConfigOverrides[].${m}`) : []));
    return missing.length === 0 ? undefined : `the AWS CLI on the path does not know nodeRepairConfig's ${missing.join(", ")} ` +
        "(aws eks create-nodegroup --generate-cli-skeleton input leaves them out), so its describe-nodegroup would drop them";
}

/** The group's `nodeRepairConfig` as describe-nodegroup prints it (undefined: the API returned none). */
export async function describeNodeRepair(run: Runner, args: { clusterName: string; nodeGroupName: string; region?: string }): Promise<unknown> {
    const command = ["eks", "describe-nodegroup", "--cluster-name", args.clusterName, "--nodegroup-name", args.nodeGroupName];
    const printed = parseJson(await awsCli(args.region, run)(command, `describing node group ${args.nodeGroupName}`), `aws ${command.join(" ")}`);
    const group = printed?.nodegroup;
    if (typeof group !== "object" || group === null || group.nodegroupName !== args.nodeGroupName) {
        throw new AwsReadError(`aws ${command.join(" ")} printed no \`nodegroup\` object named ${args.nodeGroupName}`);
    }
    return group.nodeRepairConfig;
}

/**
 * The live reader: the CLI's model checked once (an AwsReadError naming what it lacks), then one describe per group.
 */
export function liveNodeRepairReader(run: Runner): (args: { clusterName: string; nodeGroupName: string; region?: string }) => Promise<unknown> {
    let checked: Promise<void> | undefined;
    return async (args) => {
        checked ??= cliModelProblem(run, args.region).then((problem) => { if (problem) throw new AwsReadError(problem); });
        await checked;
        return describeNodeRepair(run, args);
    };
}
