/**
 * `npm run fleet -- --snapshots DIR... [--config-files PATH...] [--wave-size N] [--format text|markdown|json]`: which
 * clusters can migrate, in what order, and what blocks the others (design.md, "Fleet readiness"). Each DIR is a cluster
 * snapshot (npm run snapshot), or a folder of them. Exit 0 when every cluster was read, whatever the verdicts; 2 on bad
 * usage, or when a snapshot could not be read (its row says why; the others are still reported).
 */
import * as fs from "fs";
import * as path from "path";
import { InputError } from "../clusterReader/inputError";
import { ConfigError } from "../stacks/config";
import { MigrationConfig } from "../stacks/configTypes";
import { StackFileError, migrationConfigOf, readStackFile } from "../stacks/stackFile";
import { INPUT_FILES } from "../preflight/run";
import { readPreflightSnapshot } from "../preflight/read";
import { PreflightInput } from "../preflight/types";
import { fleetJson, fleetMarkdown, fleetText } from "./format";
import { FleetRow, REQUIRED_PARTS, clusterRow, defaultConfigFor, fleetReport, unreadableRow } from "./report";

export const USAGE = "usage: npm run fleet -- --snapshots DIR... [--config-files PATH...] [--wave-size N] [--format text|markdown|json]\n" +
    "  --snapshots: cluster snapshots (npm run snapshot), or folders of them; --config-files: stack files, matched to snapshots by existingCluster.name\n" +
    "  (a snapshot without one: the defaults for an existing cluster); --wave-size: clusters per wave after the canary (default 5).";

class UsageError extends Error {}

export interface FleetArgs { snapshots: string[]; configFiles: string[]; waveSize: number; format: "text" | "markdown" | "json" }

export function parseArgs(argv: string[], cwd: string): FleetArgs {
    const lists: Record<string, string[]> = { "--snapshots": [], "--config-files": [] };
    const single: Record<string, string> = {};
    for (let i = 0; i < argv.length;) {
        const flag = argv[i];
        const values: string[] = [];
        for (i += 1; i < argv.length && !argv[i].startsWith("--"); i += 1) values.push(argv[i]);
        if (flag in lists) {
            if (values.length === 0) throw new UsageError(`${flag} needs at least one value`);
            lists[flag].push(...values);
        } else if (flag === "--wave-size" || flag === "--format") {
            if (values.length !== 1) throw new UsageError(`${flag} takes one value`);
            single[flag] = values[0];
        } else {
            throw new UsageError(`unknown argument ${JSON.stringify(flag)}`);
        }
    }
    if (lists["--snapshots"].length === 0) throw new UsageError("give --snapshots DIR... (one cluster snapshot each, or folders of them)");
    const format = single["--format"] ?? "text";
    if (format !== "text" && format !== "markdown" && format !== "json") throw new UsageError(`--format ${JSON.stringify(format)}; allowed: text, markdown, json`);
    const size = single["--wave-size"] ?? "5";
    if (!/^[1-9][0-9]*$/.test(size)) throw new UsageError(`--wave-size ${JSON.stringify(size)}; it must be a whole number, 1 or more`);
    const abs = (p: string) => path.resolve(cwd, p);
    return { snapshots: lists["--snapshots"].map(abs), configFiles: lists["--config-files"].map(abs), waveSize: Number(size), format };
}

const SNAPSHOT_FILES = Object.values(INPUT_FILES).map((f) => f.file);
const holdsSnapshotFiles = (dir: string) => SNAPSHOT_FILES.some((f) => fs.existsSync(path.join(dir, f)));

/** Each DIR: a snapshot itself, or — holding none of a snapshot's files but folders that do — each of its folders. */
export function snapshotDirs(dirs: string[]): string[] {
    return dirs.flatMap((dir) => {
        if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory() || holdsSnapshotFiles(dir)) return [dir];
        const subs = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.join(dir, e.name)).sort();
        return subs.some(holdsSnapshotFiles) ? subs : [dir];
    });
}

/** The stack files by the cluster each names (`existingCluster.name`); a file that cannot be read is bad usage. */
export function configsByCluster(files: string[]): Map<string, { file: string; config: MigrationConfig }> {
    const byName = new Map<string, { file: string; config: MigrationConfig }>();
    for (const file of files) {
        let config: MigrationConfig;
        try {
            config = migrationConfigOf(readStackFile(file));
        } catch (err) {
            if (err instanceof ConfigError) throw new UsageError(`invalid config in ${file}:\n${err.message}`);
            if (err instanceof StackFileError) throw new UsageError(err.message);
            throw err;
        }
        const name = config.existingCluster?.name;
        if (!name) throw new UsageError(`${file} sets no existingCluster: the fleet report reads existing clusters, matched by existingCluster.name`);
        const other = byName.get(name);
        if (other) throw new UsageError(`${file} and ${other.file} both name cluster ${name}; give one stack file per cluster`);
        byName.set(name, { file, config });
    }
    return byName;
}

/** Why a directory is no cluster snapshot this report can read, or undefined. */
function notASnapshot(dir: string, input: PreflightInput): string | undefined {
    const missing = REQUIRED_PARTS.filter((p) => input[p] === undefined).map((p) => INPUT_FILES[p].file);
    if (missing.length === 0) return undefined;
    if (Object.keys(input).length === 0) return `${dir} is not a cluster snapshot: none of the files npm run snapshot writes is there`;
    return `${dir} is an incomplete cluster snapshot: ${missing.join(", ")} missing (npm run snapshot writes them)`;
}

export async function readRow(dir: string, configs: Map<string, { file: string; config: MigrationConfig }>): Promise<FleetRow> {
    const fallback = path.basename(dir);
    try {
        const input = readPreflightSnapshot(dir);
        const why = notASnapshot(dir, input);
        if (why) return unreadableRow(dir, String(input.cluster?.name ?? fallback), why);
        const name = String(input.cluster?.name);
        const stack = configs.get(name);
        return clusterRow(dir, input, stack?.config ?? defaultConfigFor(name), stack?.file ?? null);
    } catch (err) {
        if (err instanceof InputError || err instanceof ConfigError) return unreadableRow(dir, fallback, err.message);
        return unreadableRow(dir, fallback, `unexpected error: ${err instanceof Error ? err.message : String(err)}`);
    }
}

/** The rows of every snapshot; a second snapshot of one cluster is a row that says so (a cluster is one row). */
export async function fleetRows(args: FleetArgs, configs: ReturnType<typeof configsByCluster>): Promise<FleetRow[]> {
    const rows: FleetRow[] = [];
    for (const dir of snapshotDirs(args.snapshots)) {
        const row = await readRow(dir, configs);
        const first = rows.find((r) => r.name === row.name && r.verdict !== "unreadable");
        rows.push(first && row.verdict !== "unreadable"
            ? unreadableRow(dir, `${row.name} (${path.basename(dir)})`, `a second snapshot of cluster ${row.name} (the first: ${first.snapshot}); give one per cluster`)
            : row);
    }
    return rows;
}

export async function main(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
    if (argv.includes("--help") || argv.includes("-h")) { out(USAGE); return 0; }
    let args: FleetArgs;
    let configs: ReturnType<typeof configsByCluster>;
    try {
        args = parseArgs(argv, process.cwd());
        configs = configsByCluster(args.configFiles);
    } catch (e) {
        if (e instanceof UsageError) { err(`fleet: ${e.message}\n${USAGE}`); return 2; }
        throw e;
    }
    const rows = await fleetRows(args, configs);
    for (const name of configs.keys()) {
        if (!rows.some((r) => r.name === name)) err(`fleet: ${configs.get(name)?.file} names cluster ${name}, which no snapshot describes`);
    }
    const report = fleetReport(rows, args.waveSize);
    out({ text: fleetText, markdown: fleetMarkdown, json: fleetJson }[args.format](report));
    const unreadable = rows.filter((r) => r.verdict === "unreadable");
    for (const r of unreadable) err(`fleet: unreadable snapshot ${r.snapshot}: ${r.reason}`);
    return unreadable.length === 0 ? 0 : 2;
}

if (require.main === module) {
    main(process.argv.slice(2), (s) => process.stdout.write(`${s}\n`), (s) => process.stderr.write(`${s}\n`))
        .then((code) => { process.exitCode = code; })
        .catch((e) => { process.stderr.write(`fleet: unexpected error: ${e instanceof Error ? e.stack : e}\n`); process.exitCode = 2; });
}
