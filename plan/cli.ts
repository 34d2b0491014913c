/**
 * `npm run plan -- [--stack NAME | --config-file PATH] [--from N] [--to M] [--format text|markdown|json]`
 * Exit 0 on success, 1 on invalid config (the message names the key), 2 on bad usage.
 */
import * as path from "path";
import { CiliumValuesError } from "../components/cilium/values";
import { ConfigError } from "../stacks/config";
import { PhaseTransitionError } from "../stacks/guard";
import { LAST_PHASE, Phase, isPhase } from "../migration/phases";
import { planJson, planMarkdown, planText } from "./format";
import { AwsSnapshot, SnapshotInputError } from "./awsSnapshot";
import { buildPlan } from "./plan";
import { StackFileError, migrationConfigOf, readStackFile } from "../stacks/stackFile";

export const USAGE = "usage: npm run plan -- [--stack NAME | --config-file PATH] [--cluster-snapshot DIR] [--from N] [--to M] [--format text|markdown|json]\n" +
    "       --from 5 --to 4 plans a rollback: each phase below 5 reached one step back.\n" +
    "       --cluster-snapshot DIR answers an existing cluster's AWS look-ups from a snapshot (npm run snapshot writes one).";

export interface PlanCliArgs {
    configFile: string;
    stack: string;
    from: Phase;
    to: Phase;
    format: "text" | "markdown" | "json";
    clusterSnapshot?: string;
}

export class UsageError extends Error {}

export function parseArgs(argv: string[], cwd: string): PlanCliArgs {
    const values: Record<string, string> = {};
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
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
    return { configFile, stack, from, to, format, ...(clusterSnapshot ? { clusterSnapshot } : {}) };
}

export async function main(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
    if (argv.includes("--help") || argv.includes("-h")) {
        out(USAGE);
        return 0;
    }
    let args: PlanCliArgs;
    try {
        args = parseArgs(argv, process.cwd());
    } catch (e) {
        if (e instanceof UsageError) { err(`plan: ${e.message}\n${USAGE}`); return 2; }
        throw e;
    }
    try {
        const config = readStackFile(args.configFile);
        const migration = migrationConfigOf(config);
        if (migration.existingCluster && !args.clusterSnapshot) {
            err(`plan: ${path.relative(process.cwd(), args.configFile) || args.configFile} migrates the existing cluster ${migration.existingCluster.name}: ` +
                "give --cluster-snapshot DIR (written by `npm run snapshot -- --cluster NAME --out DIR`) so its AWS look-ups can be answered offline.");
            return 2;
        }
        const snapshot = args.clusterSnapshot ? new AwsSnapshot(args.clusterSnapshot) : undefined;
        const phases = await buildPlan({ config, migration, from: args.from, to: args.to, stack: args.stack, snapshot });
        const render = { text: planText, markdown: planMarkdown, json: planJson }[args.format];
        out(render(phases));
        return 0;
    } catch (e) {
        if (e instanceof StackFileError) { err(`plan: ${e.message}`); return e.kind === "missing" ? 2 : 1; }
        // A snapshot that cannot answer a look-up is bad input, named by file.
        if (e instanceof SnapshotInputError || (e instanceof Error && e.message.startsWith("cluster snapshot"))) { err(`plan: ${e.message}`); return 2; }
        if (e instanceof ConfigError || e instanceof CiliumValuesError || e instanceof PhaseTransitionError) {
            err(`plan: invalid config in ${path.relative(process.cwd(), args.configFile) || args.configFile}:\n${e.message}`);
            return 1;
        }
        throw e;
    }
}

if (require.main === module) {
    main(process.argv.slice(2), (s) => process.stdout.write(`${s}\n`), (s) => process.stderr.write(`${s}\n`))
        .then((code) => { process.exitCode = code; })
        .catch((e) => { process.stderr.write(`plan: unexpected error: ${e instanceof Error ? e.stack : e}\n`); process.exitCode = 3; });
}
