/**
 * `npm run preflight -- --snapshot DIR | --kubeconfig PATH [--cluster NAME] [--region REGION] [--config-file PATH]
 * [--format text|markdown|json]`: finds what would break the migration before it starts (preflight/), and
 * forecasts phase 5's drain. Exit 0 with no blocker left (accepted ones aside), 1 with one, 2 on bad usage or input.
 */
import { asgInputProblem } from "./asgChecks";
import * as path from "path";
import { spawnRunner } from "../clusterReader/awsCli";
import { PreflightSource, readPreflightInput } from "./input";
import { preflightJson, preflightMarkdown, preflightText } from "./format";
import { runPreflight } from "./run";
import { KUBECTL_FILES } from "../migration/snapshotFiles";
import { DEFAULT_OPTIONS, PreflightInput, PreflightOptions } from "./types";
import { ClusterAccessError } from "../clusterReader/retry";
import { InputError } from "../clusterReader/inputError";
import { ConfigError } from "../stacks/config";
import { preflightOptionsOf } from "../stacks/preflightConfig";
import { StackFileError, migrationConfigOf, readStackFile } from "../stacks/stackFile";

export const USAGE = "usage: npm run preflight -- --snapshot DIR | --kubeconfig PATH [--cluster NAME] [--region REGION] [--config-file PATH] [--format text|markdown|json]\n" +
    "  --snapshot DIR: a directory written by npm run snapshot; --kubeconfig: the live cluster (with --cluster, AWS through the AWS CLI).\n" +
    "  --config-file: the stack file, for which nodes are legacy and the choices it made (drain, policy mode, accepted blockers).";

const FLAGS = ["--snapshot", "--kubeconfig", "--cluster", "--region", "--config-file", "--format"];

class UsageError extends Error {}

interface PreflightArgs { source: PreflightSource; configFile?: string; format: "text" | "markdown" | "json" }

export function parseArgs(argv: string[], cwd: string): PreflightArgs {
    const v: Record<string, string> = {};
    for (let i = 0; i < argv.length; i += 2) {
        if (!FLAGS.includes(argv[i])) throw new UsageError(`unknown argument ${JSON.stringify(argv[i])}`);
        if (argv[i + 1] === undefined || argv[i + 1].startsWith("--")) throw new UsageError(`${argv[i]} needs a value`);
        v[argv[i]] = argv[i + 1];
    }
    if (Boolean(v["--snapshot"]) === Boolean(v["--kubeconfig"])) throw new UsageError("give --snapshot DIR or --kubeconfig PATH (one of them)");
    if (v["--snapshot"] && (v["--cluster"] || v["--region"])) throw new UsageError("--cluster and --region go with --kubeconfig (a snapshot has the AWS files already)");
    const format = v["--format"] ?? "text";
    if (format !== "text" && format !== "markdown" && format !== "json") throw new UsageError(`--format ${JSON.stringify(format)}; allowed: text, markdown, json`);
    const source: PreflightSource = v["--snapshot"] ? { kind: "snapshot", dir: path.resolve(cwd, v["--snapshot"]) }
        : { kind: "live", kubeconfig: path.resolve(cwd, v["--kubeconfig"]), ...(v["--cluster"] ? { cluster: v["--cluster"] } : {}), ...(v["--region"] ? { region: v["--region"] } : {}) };
    return { source, format, ...(v["--config-file"] ? { configFile: path.resolve(cwd, v["--config-file"]) } : {}) };
}

/** The stack's choices, and (live) the cluster and region it names when the command line does not. */
function fromStack(args: PreflightArgs): { options: PreflightOptions; source: PreflightSource; stackCluster?: string } {
    if (!args.configFile) return { options: DEFAULT_OPTIONS, source: args.source };
    const stack = readStackFile(args.configFile);
    const config = migrationConfigOf(stack);
    const source = args.source.kind === "live" ? {
        ...args.source,
        cluster: args.source.cluster ?? config.existingCluster?.name ?? config.clusterName,
        ...(args.source.region ?? stack["aws:region"] ? { region: args.source.region ?? stack["aws:region"] } : {}),
    } : args.source;
    return { options: preflightOptionsOf(config), source, ...(config.existingCluster ? { stackCluster: config.existingCluster.name } : {}) };
}

/** A stack file for another cluster would judge this one by the wrong pools and choices: bad input, naming both. */
export function clusterMismatch(stackCluster: string | undefined, configFile: string | undefined, input: PreflightInput): string | undefined {
    const actual = input.cluster?.name;
    if (stackCluster === undefined || actual === undefined || actual === stackCluster) return undefined;
    return `${configFile} is the stack of cluster ${stackCluster} (\`existingCluster.name\`), but the cluster read is ${actual} ` +
        "(cluster.json): give the stack file of this cluster, or the snapshot of that one.";
}

/** A stack that names NodePools, judged without `nodepools.json`, would count their nodes by a list nobody checked: bad input. */
export function missingNodePools(options: PreflightOptions, input: PreflightInput, source: PreflightSource): string | undefined {
    if (options.nodePools === undefined || input.nodepools !== undefined || source.kind !== "snapshot") return undefined;
    return `${path.join(source.dir, KUBECTL_FILES.nodepools.file)} is missing: the stack names NodePools (\`existingCluster.nodePools\`) and ` +
        `preflight needs them to judge their nodes (${KUBECTL_FILES.nodepools.writtenBy}, or npm run snapshot).`;
}

export async function main(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
    if (argv.includes("--help") || argv.includes("-h")) { out(USAGE); return 0; }
    try {
        const args = parseArgs(argv, process.cwd());
        const { options, source, stackCluster } = fromStack(args);
        const input = await readPreflightInput(source, spawnRunner, err);
        const mismatch = clusterMismatch(stackCluster, args.configFile, input);
        if (mismatch) { err(`preflight: ${mismatch}`); return 2; }
        const asgProblem = asgInputProblem(options, input, source.kind === "snapshot" ? source.dir : "the cluster");
        if (asgProblem) { err(`preflight: ${asgProblem}`); return 2; }
        const karpenterMissing = missingNodePools(options, input, source);
        if (karpenterMissing) { err(`preflight: ${karpenterMissing}`); return 2; }
        const report = runPreflight(input, options);
        out({ text: preflightText, markdown: preflightMarkdown, json: preflightJson }[args.format](report));
        return report.unacceptedBlockers.length === 0 ? 0 : 1;
    } catch (e) {
        if (e instanceof UsageError) { err(`preflight: ${e.message}\n${USAGE}`); return 2; }
        if (e instanceof ConfigError) { err(`preflight: invalid config in ${argv[argv.indexOf("--config-file") + 1]}:\n${e.message}`); return 2; }
        if (e instanceof InputError || e instanceof ClusterAccessError || e instanceof StackFileError) {
            err(`preflight: ${e.message}`);
            return 2;
        }
        throw e;
    }
}

if (require.main === module) {
    main(process.argv.slice(2), (s) => process.stdout.write(`${s}\n`), (s) => process.stderr.write(`${s}\n`))
        .then((code) => { process.exitCode = code; })
        .catch((e) => { process.stderr.write(`preflight: unexpected error: ${e instanceof Error ? e.stack : e}\n`); process.exitCode = 2; });
}
