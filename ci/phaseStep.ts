/**
 * The pull-request check of the CI workflows: for every stack file a change touches, the `phase` may move by at
 * most one (one reviewed phase per pull request). It also works out what the planner should show for the change.
 *
 *   npm run --silent phase-step -- --base REF [--head REF]
 *
 * Prints a line per stack file; with GITHUB_OUTPUT set, writes `stacks` (a JSON list for a job matrix). Exit 0 when
 * every change is allowed, 1 when one is refused, 2 on bad usage or an unreadable file.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import { StackFileError, stackConfigFromText } from "../stacks/stackFile";
import { CONFIG_NAMESPACE } from "../stacks/pins";

export { StackFileError };

export interface StackPhaseChange {
    stack: string;
    file: string;
    /** Phase on the base ref; undefined for a stack file the change adds. */
    basePhase?: number;
    headPhase: number;
    /** The existing cluster the stack migrates (`existingCluster.name`); the planner needs its snapshot. */
    existingCluster?: string;
}

export interface PhaseStepVerdict extends StackPhaseChange {
    ok: boolean;
    message: string;
    /** What `npm run plan -- --from F --to T` should show for this change. */
    plan: { from: number; to: number };
}

const STACK_FILE = /^Pulumi\.([A-Za-z0-9_.-]+)\.ya?ml$/;

export function stackOf(file: string): string | undefined {
    const match = STACK_FILE.exec(file.split("/").pop() ?? "");
    return match ? match[1] : undefined;
}

/** The `phase` a stack file sets (namespaced or bare key: the planner's reading, so both agree on every file). */
export function phaseOf(text: string, file: string): number {
    const raw = stackConfigFromText(text, file)[`${CONFIG_NAMESPACE}:phase`];
    const phase = raw !== undefined && /^[0-9]+$/.test(raw) ? Number(raw) : undefined;
    if (phase === undefined || phase > 9) {
        throw new StackFileError(`${file}: \`phase\` is ${raw ?? "null"}; it must be a whole number from 0 to 9.`, "invalid");
    }
    return phase;
}

/** The existing cluster a stack file names, if any (its other keys are the program's to check). */
export function existingClusterOf(text: string, file: string): string | undefined {
    const raw = stackConfigFromText(text, file)[`${CONFIG_NAMESPACE}:existingCluster`];
    try {
        const name = raw === undefined ? undefined : JSON.parse(raw)?.name;
        return typeof name === "string" && name !== "" ? name : undefined;
    } catch {
        return undefined;
    }
}

export function checkPhaseStep(change: StackPhaseChange): PhaseStepVerdict {
    const { basePhase: base, headPhase: head, file } = change;
    if (base === undefined) {
        const ok = head === 0;
        return { ...change, ok, plan: { from: 0, to: 0 },
            message: ok ? `${file}: new stack at phase 0` : `${file}: a new stack starts at phase 0, not ${head}.` };
    }
    if (Math.abs(head - base) > 1) {
        return { ...change, ok: false, plan: { from: head, to: head },
            message: `${file} moves \`phase\` from ${base} to ${head}; a pull request may move it by one phase at most (one reviewed phase per pull request).` };
    }
    const what = head === base ? `\`phase\` stays ${head}` : head > base ? `phase ${base} → ${head}` : `rollback ${base} → ${head}`;
    // Forward and unchanged: the planner shows phase `head` against the phase before it; a rollback: head from base.
    return { ...change, ok: true, message: `${file}: ${what}`, plan: head < base ? { from: base, to: head } : { from: head, to: head } };
}

function git(args: string[]): string {
    return execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function fileAt(ref: string, file: string): string | undefined {
    try {
        return git(["show", `${ref}:${file}`]);
    } catch {
        return undefined; // absent on that ref
    }
}

const NO_COMMIT = /^0+$/;

export function changedStacks(base: string, head: string): StackPhaseChange[] {
    const files = NO_COMMIT.test(base)
        ? git(["ls-tree", "-r", "--name-only", head]).split("\n")
        : git(["diff", "--name-only", base, head]).split("\n");
    const changes: StackPhaseChange[] = [];
    for (const file of files.filter((f) => stackOf(f))) {
        const headText = fileAt(head, file);
        if (headText === undefined) continue; // a deleted stack file deploys nothing
        const baseText = NO_COMMIT.test(base) ? undefined : fileAt(base, file);
        changes.push({
            stack: stackOf(file) as string,
            file,
            basePhase: baseText === undefined ? undefined : phaseOf(baseText, `${file}@${base.slice(0, 12)}`),
            headPhase: phaseOf(headText, file),
            ...(existingClusterOf(headText, file) ? { existingCluster: existingClusterOf(headText, file) } : {}),
        });
    }
    return changes;
}

export function main(argv: string[], out: (s: string) => void, env: NodeJS.ProcessEnv): number {
    const values: Record<string, string> = {};
    for (let i = 0; i < argv.length; i += 2) {
        if (!["--base", "--head"].includes(argv[i]) || argv[i + 1] === undefined) {
            out("usage: npm run phase-step -- --base REF [--head REF]");
            return 2;
        }
        values[argv[i]] = argv[i + 1];
    }
    const base = values["--base"];
    const head = values["--head"] ?? "HEAD";
    if (!base) {
        out("usage: npm run phase-step -- --base REF [--head REF]");
        return 2;
    }
    let verdicts: PhaseStepVerdict[];
    try {
        verdicts = changedStacks(base, head).map(checkPhaseStep);
    } catch (err) {
        out(`phase-step: ${(err as Error).message}`);
        return 2;
    }
    for (const v of verdicts) out(`${v.ok ? "ok" : "REFUSED"}: ${v.message}`);
    if (verdicts.length === 0) out("phase-step: no stack file changed");
    if (env.GITHUB_OUTPUT) {
        // `cluster`: the existing cluster to snapshot for the plan ("" for a demo stack).
        const stacks = verdicts.filter((v) => v.ok).map((v) => ({ stack: v.stack, from: v.plan.from, to: v.plan.to, cluster: v.existingCluster ?? "" }));
        fs.appendFileSync(env.GITHUB_OUTPUT, `stacks=${JSON.stringify(stacks)}\n`);
    }
    return verdicts.every((v) => v.ok) ? 0 : 1;
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2), (s) => process.stdout.write(`${s}\n`), process.env);
}
