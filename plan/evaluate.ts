/**
 * Runs the real program once, in-process, under the mock runtime, for one phase of a stack's config.
 */
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE } from "../stacks/pins";
import { ProgramOptions, migrationProgram } from "../stacks/program";
import { INVOKED_CALICO_LOOKUPS } from "../stacks/calicoFacts";
import { INVOKED_LOOKUPS } from "../stacks/existingLookups";
import { StackConfig } from "../stacks/stackFile";
import { AwsSnapshot } from "./awsSnapshot";
import { RecordedResource, RecordingMocks, attachParents, recordDependencies, settled } from "./mockRuntime";

export const PROJECT = "eks-cilium-migration";

export type { StackConfig } from "../stacks/stackFile";

export interface Evaluation {
    resources: RecordedResource[];
    outputs: Record<string, unknown>;
    /** What the program said on the way (e.g. what it found of an existing cluster). */
    notes: string[];
}

export interface EvaluateArgs {
    config: StackConfig;
    /** Overrides `phase` in `config`. */
    phase?: number;
    /** What this stack's own outputs report as the last applied phase (undefined: first deployment). */
    appliedPhase?: number;
    stack?: string;
    options?: ProgramOptions;
    /** This stack's other outputs of its last update (with `appliedPhase`). Default: none. */
    ownOutputs?: Record<string, unknown>;
    /** The recording mocks to use (tests inspect them even when the program throws). Default: new ones. */
    mocks?: RecordingMocks;
    /** Answers the AWS look-ups of an existing cluster. Default: none (an existing-cluster stack then fails). */
    snapshot?: AwsSnapshot;
}

/**
 * Runs the program once. While it runs, errors capture no stack frames (unless PLAN_STACK_TRACES is set): the SDK
 * captures one for every resource and internal promise, nothing offline reads them, and capturing them was a large
 * share of the time. Errors the program reports (config, guard) carry their message, not a stack.
 */
export async function evaluate(args: EvaluateArgs): Promise<Evaluation> {
    const limit = Error.stackTraceLimit;
    if (!process.env.PLAN_STACK_TRACES) Error.stackTraceLimit = 0;
    try {
        return await evaluateOnce(args);
    } finally {
        Error.stackTraceLimit = limit;
    }
}

async function evaluateOnce(args: EvaluateArgs): Promise<Evaluation> {
    const config = { ...args.config };
    if (args.phase !== undefined) config[`${CONFIG_NAMESPACE}:phase`] = String(args.phase);
    const snapshot = args.snapshot;
    const mocks = args.mocks ?? new RecordingMocks(args.appliedPhase, snapshot ? (token, inputs) => snapshot.answer(token, inputs) : undefined, args.ownOutputs);
    // Plan mode (preview=false) so every mocked output is known and printed.
    await pulumi.runtime.setMocks(mocks, PROJECT, args.stack ?? "dev", false, "organization");
    const dependencies = recordDependencies();
    pulumi.runtime.setAllConfig(config);
    const notes: string[] = [];
    const exported = await migrationProgram({
        log: () => undefined, note: (m) => notes.push(m),
        // An existing cluster's Karpenter objects come from the same snapshot as its AWS look-ups.
        ...(snapshot ? { karpenter: async (_cluster, named) => snapshot.karpenter(named) } : {}),
        // Calico's install is read from the cluster live; offline the mocks answer it (from the snapshot, if any).
        calicoLookups: INVOKED_CALICO_LOOKUPS,
        // Node auto repair is read with the AWS CLI live; offline the mocks answer it from the snapshot too.
        lookups: INVOKED_LOOKUPS,
        ...args.options,
    });
    const outputs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(exported)) {
        outputs[key] = await resolve(value);
    }
    await settled();
    attachParents(mocks.resources, dependencies);
    return { resources: mocks.resources, outputs, notes };
}

async function resolve(value: unknown): Promise<unknown> {
    if (!pulumi.Output.isInstance(value)) return value;
    const output = value as pulumi.Output<unknown>;
    const isSecret = await pulumi.isSecret(output);
    const plain = await new Promise((done) => output.apply((v) => { done(v); return v; }));
    return isSecret ? "[secret]" : plain;
}
