/**
 * What AWS says of a cluster, read with the AWS CLI (read-only describe/list calls): the text of each AWS file of the
 * cluster snapshot (migration/snapshotFiles.ts), exactly as the CLI prints it — node groups and add-ons collected
 * from each describe. `npm run snapshot` writes these; preflight and its gate read them live.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import { AWS_FILES } from "../migration/snapshotFiles";

export interface CommandResult { code: number; stdout: string; stderr: string }
export interface RunOptions {
    /** Write standard output to this file instead of returning it: kubectl's pods of a 150,000-pod cluster are 1.7 GB, more than a string holds. */
    stdoutFile?: string;
}
/** Runs one command (no shell) and returns its exit code and output (`stdout` is empty when written to a file). */
export type Runner = (command: string, args: string[], options?: RunOptions) => Promise<CommandResult>;

/** A read that failed (or printed something else than JSON), with the command named. */
export class AwsReadError extends Error {}

/** Runs a command without a shell, collecting its output, or streaming its standard output to a file. */
export const spawnRunner: Runner = (command, args, options = {}) => new Promise<CommandResult>((resolve) => {
    const fd = options.stdoutFile === undefined ? undefined : fs.openSync(options.stdoutFile, "w");
    const child = spawn(command, args, { stdio: ["ignore", fd ?? "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on("data", (b: Buffer) => out.push(b));
    child.stderr?.on("data", (b: Buffer) => err.push(b));
    const done = (result: CommandResult) => {
        if (fd !== undefined) fs.closeSync(fd);
        resolve(result);
    };
    child.on("error", (e) => done({ code: 127, stdout: "", stderr: `${command}: ${e.message}` }));
    child.on("close", (code) => done({ code: code ?? 1, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }));
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export function parseJson(text: string, what: string): Json {
    try {
        return JSON.parse(text);
    } catch {
        throw new AwsReadError(`${what} did not print JSON: ${text.slice(0, 200)}`);
    }
}

export type AwsFileKey = keyof typeof AWS_FILES;

/** The AWS CLI, read-only, with the region and JSON output; a failed call is an AwsReadError naming it. */
export const awsCli = (region: string | undefined, run: Runner) => async (args: string[], what: string): Promise<string> => {
    const r = await run("aws", [...args, ...(region ? ["--region", region] : []), "--output", "json"]);
    if (r.code !== 0) throw new AwsReadError(`${what} failed (aws ${args.join(" ")}): ${r.stderr.trim() || `exit ${r.code}`}`);
    return r.stdout;
};

/**
 * Each AWS file's text but subnets.json, in the order of the table; `log` hears of each as it is read. subnets.json
 * describes every legacy pool's subnets, some named only by the ASG and Karpenter files: the caller describes them
 * once those are read (clusterReader/poolSubnets.ts).
 */
export async function readAwsFiles(cluster: string, region: string | undefined, run: Runner, log: (line: string) => void = () => undefined):
    Promise<Record<Exclude<AwsFileKey, "subnets">, string>> {
    const aws = awsCli(region, run);
    const clusterText = await aws(["eks", "describe-cluster", "--name", cluster], `describing cluster ${cluster}${region ? ` in ${region}` : ""}`);
    const described = parseJson(clusterText, "aws eks describe-cluster").cluster as Json;
    log(`read cluster ${cluster}`);
    const collect = async (kind: "nodegroup" | "addon", list: string[], describe: (name: string) => string[]): Promise<Json[]> => {
        const names: string[] = parseJson(await aws(list, `listing ${kind}s`), list.join(" "))[`${kind === "nodegroup" ? "nodegroups" : "addons"}`] ?? [];
        const items: Json[] = [];
        for (const name of names) items.push(parseJson(await aws(describe(name), `describing ${kind} ${name}`), describe(name).join(" "))[kind]);
        log(`read ${names.length} ${kind}(s)`);
        return items;
    };
    const groups = await collect("nodegroup", ["eks", "list-nodegroups", "--cluster-name", cluster],
        (name) => ["eks", "describe-nodegroup", "--cluster-name", cluster, "--nodegroup-name", name]);
    const addons = await collect("addon", ["eks", "list-addons", "--cluster-name", cluster],
        (name) => ["eks", "describe-addon", "--cluster-name", cluster, "--addon-name", name]);
    const oidc = await aws(["iam", "list-open-id-connect-providers"], "listing IAM OIDC providers");
    // A cluster on the aws-auth ConfigMap alone has no access entries, and the API refuses to list them.
    const entries = described?.accessConfig?.authenticationMode === "CONFIG_MAP" ? JSON.stringify({ accessEntries: [] }, null, 4)
        : await aws(["eks", "list-access-entries", "--cluster-name", cluster], "listing access entries");
    return {
        cluster: clusterText,
        nodegroups: JSON.stringify({ nodegroups: groups }, null, 4),
        addons: JSON.stringify({ addons }, null, 4),
        oidcProviders: oidc,
        accessEntries: entries,
    };
}
