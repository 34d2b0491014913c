/**
 * `npm run plan -- [--stack NAME | --config-file PATH] [--cluster-snapshot DIR] [--from N] [--to M] [--format text|markdown|json]`
 * Exit 0 on success, 1 on invalid config or a cluster that cannot be migrated as configured, 2 on bad usage or a
 * snapshot that cannot answer a look-up.
 */
import * as path from "path";
import { CiliumValuesError } from "../components/cilium/values";
import { ConfigError } from "../stacks/config";
import { PhaseTransitionError } from "../stacks/guard";
import { planJson, planMarkdown, planText } from "./format";
import { AwsSnapshot, SnapshotInputError } from "./awsSnapshot";
import { buildPlan } from "./plan";
import { StackFileError, migrationConfigOf, readStackFile } from "../stacks/stackFile";
import { PlanCliArgs, USAGE, UsageError, parseArgs } from "./args";

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
