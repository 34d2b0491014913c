/**
 * `npm run gate -- CHECK [--snapshot DIR | --kubeconfig PATH] [--wait DURATION] [--legacy-nodepools A,B] [--legacy-asgs A,B]`
 * Prints one line per finding and a last line `PASS <check>` or `FAIL <check>: <reason>`; input that cannot be read
 * (a missing or broken file, an unreachable cluster) is `ERROR <check>: <why>`, exit 2 — never a verdict on the cluster.
 * Exit 0 pass, 1 fail, 2 input or usage error (including a cluster that cannot be read).
 */
import { parseDuration } from "../migration/duration";
import { formatDuration } from "./duration";
import { ClusterSnapshot, SnapshotPart } from "../clusterReader/k8sTypes";
import { CheckName } from "../migration/phases";
import { VALID_CHECKS, partsNeeded, resolveCheck, runChecks } from "./registry";
import { ClusterAccessError } from "../clusterReader/retry";
import { DEFAULT_CONTEXT, GateContext, parseSelector } from "../clusterReader/selectors";
import { InputError } from "../clusterReader/inputError";
import { readSnapshot } from "../clusterReader/snapshot";
import { Verdict } from "./verdict";
import { GOLDPINGER } from "../migration/names";
import { AwsReadError, spawnRunner } from "../clusterReader/awsCli";
import { asgInstancesFor } from "../clusterReader/asgCli";
import { preflightVerdict } from "./preflightGate";
import { PreflightSource, readPreflightInput } from "../preflight/input";
import { DEFAULT_OPTIONS, PreflightInput, PreflightOptions } from "../preflight/types";

export const USAGE = "usage: npm run gate -- CHECK [--snapshot DIR | --kubeconfig PATH] [--wait DURATION] [--interval DURATION]\n" +
    "       [--legacy-label KEY=VALUE] [--cilium-label KEY=VALUE] [--goldpinger-namespace NS]\n" +
    "       [--legacy-nodegroups A,B] [--legacy-nodepools A,B] [--legacy-asgs A,B] [--cilium-everywhere]\n" +
    "       (legacy nodes: every Linux EC2 node without the Cilium label, less Fargate, hybrid, Auto Mode and Windows nodes;\n" +
    "        the pools name them in messages, and legacy-drained refuses a legacy node in none; --cilium-everywhere (phase 8 on):\n" +
    "        only nodes with the legacy label count as legacy)\n" +
    "       [--preflight-options JSON] [--cluster NAME] [--region REGION]   (preflight: the stack's choices; the EKS cluster for the AWS files)\n" +
    `CHECK: ${VALID_CHECKS.join(", ")}`;

export interface GateArgs {
    check: string;
    checks: CheckName[];
    source: { kind: "snapshot"; dir: string } | { kind: "live"; kubeconfig: string };
    waitMs: number;
    intervalMs: number;
    ctx: GateContext;
    goldpingerNamespace: string;
    /** For `preflight`: the stack's choices (default: preflight's defaults), and the EKS cluster to read from AWS. */
    preflight: { options: PreflightOptions; cluster?: string; region?: string };
}

export class UsageError extends Error {}

const FLAGS = ["--snapshot", "--kubeconfig", "--wait", "--interval", "--legacy-label", "--cilium-label", "--goldpinger-namespace",
    "--preflight-options", "--cluster", "--region", "--legacy-nodegroups", "--legacy-nodepools", "--legacy-asgs"];
/** Options without a value. */
const SWITCHES = ["--cilium-everywhere"];

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = {}): GateArgs {
    const positional: string[] = [];
    const values: Record<string, string> = {};
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (!a.startsWith("--")) { positional.push(a); continue; }
        if (SWITCHES.includes(a)) { values[a] = "true"; continue; }
        if (!FLAGS.includes(a)) throw new UsageError(`unknown option ${JSON.stringify(a)}`);
        const value = argv[++i];
        if (value === undefined) throw new UsageError(`${a} needs a value`);
        // Never a silent pick of one of two values (e.g. two clusters for preflight and the ASGs).
        if (values[a] !== undefined) throw new UsageError(`${a} is given twice (${JSON.stringify(values[a])} and ${JSON.stringify(value)}); give it once`);
        values[a] = value;
    }
    if (positional.length !== 1) throw new UsageError(positional.length === 0 ? "no CHECK given" : `one CHECK at a time, got ${positional.join(" ")}`);
    const check = positional[0];
    const checks = resolveCheck(check);
    if (!checks) throw new UsageError(`unknown check ${JSON.stringify(check)}; valid checks: ${VALID_CHECKS.join(", ")}`);
    if (values["--snapshot"] && values["--kubeconfig"]) throw new UsageError("give --snapshot or --kubeconfig, not both");
    const kubeconfig = values["--kubeconfig"] ?? env.KUBECONFIG;
    const source = values["--snapshot"] ? { kind: "snapshot" as const, dir: values["--snapshot"] }
        : kubeconfig ? { kind: "live" as const, kubeconfig: kubeconfig.split(":")[0] } : undefined;
    if (!source) throw new UsageError("give --snapshot DIR or --kubeconfig PATH (or set KUBECONFIG)");
    const duration = (flag: string, fallback: string) => {
        const ms = parseDuration(values[flag] ?? fallback);
        if (ms === undefined) throw new UsageError(`${flag} ${JSON.stringify(values[flag])} is not a duration such as 30s, 15m or 1h30m`);
        return ms;
    };
    const selector = (flag: string, fallback: GateContext["legacy"]) => {
        if (values[flag] === undefined) return fallback;
        const parsed = parseSelector(values[flag]);
        if (!parsed) throw new UsageError(`${flag} ${JSON.stringify(values[flag])} is not KEY=VALUE`);
        return parsed;
    };
    const list = (flag: string) => {
        if (values[flag] === undefined) return undefined;
        const names = values[flag].split(",").map((n) => n.trim()).filter((n) => n.length > 0);
        if (names.some((n) => !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(n))) throw new UsageError(`${flag} ${JSON.stringify(values[flag])} is not a comma-separated list of names`);
        return names;
    };
    const pools = { nodeGroups: list("--legacy-nodegroups"), nodePools: list("--legacy-nodepools"), asgs: list("--legacy-asgs") };
    const told = Object.values(pools).some((p) => p !== undefined);
    const ctx: GateContext = {
        legacy: selector("--legacy-label", DEFAULT_CONTEXT.legacy), cilium: selector("--cilium-label", DEFAULT_CONTEXT.cilium),
        ...(values["--cilium-everywhere"] ? { legacyBy: "marker" as const } : {}),
        ...(told ? { pools: Object.fromEntries(Object.entries(pools).filter(([, v]) => v !== undefined)) } : {}),
    };
    if (ctx.legacy.text === ctx.cilium.text) throw new UsageError("--legacy-label and --cilium-label must differ");
    return {
        check, checks, source, ctx,
        waitMs: duration("--wait", "0s"),
        intervalMs: Math.max(1000, duration("--interval", "10s")),
        goldpingerNamespace: values["--goldpinger-namespace"] ?? GOLDPINGER.namespace,
        preflight: { options: preflightOptions(values["--preflight-options"]), cluster: values["--cluster"], region: values["--region"] },
    };
}

function preflightOptions(text: string | undefined): PreflightOptions {
    if (text === undefined) return DEFAULT_OPTIONS;
    try {
        return { ...DEFAULT_OPTIONS, ...JSON.parse(text) };
    } catch {
        throw new UsageError(`--preflight-options is not JSON: ${text.slice(0, 80)}`);
    }
}

export interface GateDeps {
    read: (parts: SnapshotPart[]) => Promise<ClusterSnapshot>;
    /** Preflight's input (only when the checks include `preflight`). */
    readPreflight?: () => Promise<PreflightInput>;
    now: () => number;
    sleep: (ms: number) => Promise<void>;
    out: (line: string) => void;
}

/** Runs the check, polling with `--wait` until it passes or time runs out. Returns the exit code. */
export async function runGate(args: GateArgs, deps: GateDeps): Promise<number> {
    const parts = partsNeeded(args.checks);
    const deadline = deps.now() + args.waitMs;
    const made: Partial<Record<CheckName, Verdict>> = {};
    for (let attempt = 1; ; attempt++) {
        let verdict: Verdict;
        try {
            if (args.checks.includes("preflight") && !made.preflight) {
                made.preflight = preflightVerdict(await (deps.readPreflight as () => Promise<PreflightInput>)(), args.preflight.options);
            }
            verdict = runChecks(args.check, args.checks, parts.length > 0 ? await deps.read(parts) : {}, args.ctx, made);
        } catch (err) {
            if (err instanceof InputError || err instanceof ClusterAccessError) {
                deps.out(`ERROR ${args.check}: input not read, no verdict: ${err.message}`);
                return 2;
            }
            throw err;
        }
        const left = deadline - deps.now();
        // Waiting does not clear a preflight hazard: a failed preflight ends the gate at once.
        if (verdict.pass || left <= 0 || args.source.kind === "snapshot" || made.preflight?.pass === false) {
            for (const line of verdict.findings) deps.out(line);
            if (!verdict.pass && args.waitMs > 0 && args.source.kind === "live") deps.out(`${args.check}: gave up after ${attempt} attempts`);
            deps.out(verdict.pass ? `PASS ${args.check}` : `FAIL ${args.check}: ${verdict.reason}`);
            return verdict.pass ? 0 : 1;
        }
        // Progress a person can follow while the cluster converges.
        const progress = verdict.progress ? `${verdict.progress} — ` : "";
        deps.out(`waiting: ${args.check}: ${progress}${verdict.reason} (${formatDuration(left)} left)`);
        await deps.sleep(Math.min(args.intervalMs, left));
    }
}

export async function main(argv: string[], out: (s: string) => void, env: NodeJS.ProcessEnv): Promise<number> {
    if (argv.includes("--help") || argv.includes("-h")) { out(USAGE); return 0; }
    let args: GateArgs;
    try {
        args = parseArgs(argv, env);
    } catch (e) {
        if (e instanceof UsageError) { out(`gate: ${e.message}\n${USAGE}`); return 2; }
        throw e;
    }
    const source = args.source;
    // `--legacy-asgs`: the groups' instances, so their nodes are found in their pools (clusterReader/asgCli.ts).
    if (args.ctx.pools?.asgs) {
        const instances = await asgInstancesFor(source.kind === "snapshot" ? source : { kind: "live", cluster: args.preflight.cluster, region: args.preflight.region }, spawnRunner)
            .catch((err) => {
                if (!(err instanceof AwsReadError)) throw err;
                out(`gate: the Auto Scaling groups were not read (${err.message}); their nodes count as in no configured pool`);
                return undefined;
            });
        if (instances) args.ctx.pools.asgInstances = instances;
    }
    const read = source.kind === "snapshot"
        ? async (parts: SnapshotPart[]) => readSnapshot(source.dir, parts)
        : async (parts: SnapshotPart[]) => (await import("../clusterReader/live")).readLive(parts, {
            kubeconfigPath: source.kubeconfig,
            goldpinger: { ...GOLDPINGER, namespace: args.goldpingerNamespace },
        });
    const preflightSource: PreflightSource = source.kind === "snapshot" ? source
        : { kind: "live", kubeconfig: source.kubeconfig, cluster: args.preflight.cluster, region: args.preflight.region };
    const readPreflight = () => readPreflightInput(preflightSource, spawnRunner, out);
    return runGate(args, { read, readPreflight, now: Date.now, sleep: (ms) => new Promise((r) => setTimeout(r, ms)), out });
}

if (require.main === module) {
    main(process.argv.slice(2), (s) => process.stdout.write(`${s}\n`), process.env)
        .then((code) => { process.exitCode = code; })
        .catch((e) => { process.stderr.write(`gate: unexpected error: ${e instanceof Error ? e.stack : e}\n`); process.exitCode = 2; });
}
