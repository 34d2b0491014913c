/**
 * The program run against the Karpenter example cluster (Pulumi.karpenter.yaml + examples/karpenter-east), and against
 * variants of its snapshot (edited copies in a temporary directory).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AwsSnapshot } from "../../plan/awsSnapshot";
import { Evaluation, evaluate } from "../../plan/evaluate";
import { RecordedResource } from "../../plan/mockRuntime";
import { CONFIG_NAMESPACE } from "../../stacks/pins";
import { readStackFile } from "../../stacks/stackFile";
import { PROJECT_ROOT } from "./paths";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

export const KARPENTER_STACK = path.join(PROJECT_ROOT, "Pulumi.karpenter.yaml");
export const KARPENTER_SNAPSHOT = path.join(PROJECT_ROOT, "examples", "karpenter-east");

export interface KarpenterRun {
    phase: number;
    /** Config keys replaced (objects JSON-encoded). */
    extra?: Record<string, unknown>;
    /** Default: phase - 1 (none for phase 0). */
    appliedPhase?: number;
    ownOutputs?: Record<string, unknown>;
    snapshotDir?: string;
}

export function runKarpenter(run: KarpenterRun): Promise<Evaluation> {
    const config = readStackFile(KARPENTER_STACK);
    for (const [k, v] of Object.entries(run.extra ?? {})) config[`${CONFIG_NAMESPACE}:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
    return evaluate({
        config, phase: run.phase, appliedPhase: run.appliedPhase ?? (run.phase === 0 ? undefined : run.phase - 1),
        ownOutputs: run.ownOutputs, snapshot: new AwsSnapshot(run.snapshotDir ?? KARPENTER_SNAPSHOT),
    });
}

const made: string[] = [];

/** A copy of the example snapshot with `edit` applied to its parsed files (a file set to null is left out). */
export function karpenterSnapshotVariant(edit: (files: Record<string, Obj>) => void): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecm-karpenter-snap-"));
    made.push(dir);
    const files: Record<string, Obj> = {};
    for (const f of fs.readdirSync(KARPENTER_SNAPSHOT)) files[f] = JSON.parse(fs.readFileSync(path.join(KARPENTER_SNAPSHOT, f), "utf8"));
    edit(files);
    for (const [f, v] of Object.entries(files)) if (v !== null) fs.writeFileSync(path.join(dir, f), JSON.stringify(v));
    return dir;
}

export function removeKarpenterCopies(): void {
    for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

export const ofType = (e: Evaluation, type: string): RecordedResource[] => e.resources.filter((r) => r.type === type);
export const NODEPOOL = "kubernetes:karpenter.sh/v1:NodePool";
export const NODEPOOL_PATCH = "kubernetes:karpenter.sh/v1:NodePoolPatch";
