/**
 * The planner's command line, parsed without loading the Pulumi SDK: a mistyped flag is answered at once (plan/launch.js
 * checks it before it loads anything heavy).
 */
import * as path from "path";
import { LAST_PHASE, Phase, isPhase } from "../migration/phases";

export const USAGE = "usage: npm run plan -- [--stack NAME | --config-file PATH] [--cluster-snapshot DIR] [--from N] [--to M] [--format text|markdown|json] [--policy]\n" +
    "       --from 5 --to 4 plans a rollback: each phase below 5 reached one step back.\n" +
    "       --cluster-snapshot DIR answers an existing cluster's AWS look-ups from a snapshot (npm run snapshot writes one).\n" +
    "       --policy runs the policy pack (policy/) over each phase's resources; exit 1 on a mandatory violation.";

export interface PlanCliArgs {
    configFile: string;
    stack: string;
    from: Phase;
    to: Phase;
    format: "text" | "markdown" | "json";
    clusterSnapshot?: string;
    /** Run the policy pack over each phase. */
    policy: boolean;
}

export class UsageError extends Error {}

export function parseArgs(argv: string[], cwd: string): PlanCliArgs {
    const values: Record<string, string> = {};
    let policy = false;
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        if (flag === "--policy") { policy = true; continue; }
        if (!["--stack", "--config-file", "--cluster-snapshot", "--from", "--to", "--format"].includes(flag)) throw new UsageError(`unknown argument ${JSON.stringify(flag)}`);
        const value = argv[++i];
        if (value === undefined || value.startsWith("--")) throw new UsageError(`${flag} needs a value`);
        values[flag] = value;
    }
    if (values["--stack"] && values["--config-file"]) throw new UsageError("give --stack or --config-file, not both");
    const stack = values["--stack"] ?? "dev";
    if (!/^[A-Za-z0-9_.-]+$/.test(stack)) throw new UsageError(`--stack ${JSON.stringify(stack)} is not a stack name`);
    const phaseOf = (flag: string, fallback: number): Phase => {
        const raw = values[flag];
        const n = raw === undefined ? fallback : Number(raw);
        if (!/^[0-9]+$/.test(raw ?? String(fallback)) || !isPhase(n)) throw new UsageError(`${flag} ${JSON.stringify(raw)} is not a phase; allowed: 0 to ${LAST_PHASE}`);
        return n;
    };
    const from = phaseOf("--from", 0);
    const to = phaseOf("--to", LAST_PHASE);
    const format = values["--format"] ?? "text";
    if (format !== "text" && format !== "markdown" && format !== "json") throw new UsageError(`--format ${JSON.stringify(format)}; allowed: text, markdown, json`);
    const configFile = values["--config-file"] ? path.resolve(cwd, values["--config-file"]) : path.resolve(cwd, `Pulumi.${stack}.yaml`);
    const clusterSnapshot = values["--cluster-snapshot"] ? path.resolve(cwd, values["--cluster-snapshot"]) : undefined;
    return { configFile, stack, from, to, format, policy, ...(clusterSnapshot ? { clusterSnapshot } : {}) };
}
