/**
 * The program run against the example existing cluster (Pulumi.existing.yaml + the snapshot in examples/prod-east),
 * and against variants of that snapshot: the cluster as it looks later in the migration, or as a user's cluster
 * that cannot be migrated. Each variant is a copy of the example snapshot in a temporary directory, edited as JSON.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AwsSnapshot } from "../../plan/awsSnapshot";
import { Evaluation, evaluate } from "../../plan/evaluate";
import { CONFIG_NAMESPACE } from "../../stacks/pins";
import { readStackFile } from "../../stacks/stackFile";
import { PROJECT_ROOT } from "./paths";
import { activeMutant } from "../mocks";

export const EXAMPLE_SNAPSHOT = path.join(PROJECT_ROOT, "examples", "prod-east");
export const EXISTING_STACK = path.join(PROJECT_ROOT, "Pulumi.existing.yaml");

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** Pulumi.existing.yaml's config; `extra` replaces bare keys (objects JSON-encoded, undefined removes the key). */
export function existingStackConfig(extra: Record<string, unknown> = {}): Record<string, string> {
    const config = readStackFile(EXISTING_STACK);
    for (const [k, v] of Object.entries(extra)) {
        const key = `${CONFIG_NAMESPACE}:${k}`;
        if (v === undefined) delete config[key];
        else config[key] = typeof v === "string" ? v : JSON.stringify(v);
    }
    return config;
}

export interface ExistingRun {
    phase: number;
    /** Config keys replaced in Pulumi.existing.yaml. */
    extra?: Record<string, unknown>;
    /** Default: phase - 1 (none for phase 0). */
    appliedPhase?: number | null;
    /** What the stack recorded in its outputs at its last update. */
    ownOutputs?: Record<string, unknown>;
    /** Default: the example snapshot. */
    snapshotDir?: string;
}

const runs = new Map<string, Promise<Evaluation>>();

/** The program at a phase of the example existing cluster; the same arguments give the same (shared) evaluation. */
export function runExisting(run: ExistingRun): Promise<Evaluation> {
    // Keyed by the active mutant too (tests/mocks.ts `activeMutant`): never a stale evaluation in a mutation run.
    const id = JSON.stringify({ ...run, mutant: activeMutant() });
    if (!runs.has(id)) {
        const appliedPhase = run.appliedPhase === null ? undefined : run.appliedPhase ?? (run.phase === 0 ? undefined : run.phase - 1);
        runs.set(id, evaluate({
            config: existingStackConfig(run.extra), phase: run.phase, appliedPhase, ownOutputs: run.ownOutputs,
            snapshot: new AwsSnapshot(run.snapshotDir ?? EXAMPLE_SNAPSHOT),
        }));
    }
    return runs.get(id) as Promise<Evaluation>;
}

const made: string[] = [];

/**
 * A copy of the example snapshot with `edit` applied to its files (parsed JSON by file name; return a value to replace
 * the file — a string is written as it is — or `null` to delete it). Removed after the tests by `removeSnapshotCopies`.
 */
export function snapshotVariant(edit: (files: Record<string, Json>) => void | Record<string, Json | null>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecm-snapshot-"));
    made.push(dir);
    const files: Record<string, Json> = {};
    for (const name of fs.readdirSync(EXAMPLE_SNAPSHOT)) files[name] = JSON.parse(fs.readFileSync(path.join(EXAMPLE_SNAPSHOT, name), "utf8"));
    const replaced = edit(files) ?? {};
    for (const [name, value] of Object.entries({ ...files, ...replaced })) {
        if (value !== null) fs.writeFileSync(path.join(dir, name), typeof value === "string" ? value : JSON.stringify(value, null, 2));
    }
    return dir;
}

export function removeSnapshotCopies(): void {
    for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** The message of a failed evaluation (a config or snapshot error), or a failure if it succeeded. */
export async function failureOf(run: Promise<Evaluation>): Promise<string> {
    try {
        await run;
    } catch (err) {
        return err instanceof Error ? err.message : String(err);
    }
    throw new Error("the program was expected to refuse, and did not");
}
