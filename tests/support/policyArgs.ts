/**
 * The arguments @pulumi/policy 1.21.0 hands a policy, built by hand as pulumi-policy's own tests do (constructing a
 * PolicyPack starts a gRPC server). The shapes follow sdk/nodejs/policy/server.ts (`makeAnalyzeRpcFun`,
 * `makeAnalyzeStackRpcFun`, `getResourceOptions`, `isTypeOf`): `isType` compares the class's `__pulumiType` with the
 * resource's type, which is how `validateResourceOfType` skips other types (it then calls `notApplicable`, which
 * throws in the server).
 */
import {
    PolicyResource, PolicyResourceOptions, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy,
    StackValidationArgs, StackValidationPolicy,
} from "@pulumi/policy";

export interface Declared {
    type: string;
    name: string;
    props: Record<string, unknown>;
    /** Component types it sits in, outermost first (they become the URN's type chain). */
    parents?: string[];
    protect?: boolean;
    /** Options the planner adds (never the analyzer): retainOnDelete, import. */
    extraOptions?: Record<string, unknown>;
}

export class NotApplicableError extends Error {}

const urnOf = (d: Declared) => `urn:pulumi:dev::eks-cilium-migration::${[...(d.parents ?? []), d.type].join("$")}::${d.name}`;

function optionsOf(d: Declared): PolicyResourceOptions {
    return {
        protect: d.protect ?? false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, ...(d.extraOptions ?? {}),
    } as PolicyResourceOptions;
}

const isTypeOf = (type: string, cls: unknown) => (cls as { __pulumiType?: string }).__pulumiType === type;
const notApplicable = (reason?: string): never => { throw new NotApplicableError(reason); };

export function resourceArgs(d: Declared, config: object = {}): ResourceValidationArgs {
    return {
        type: d.type, props: d.props, urn: urnOf(d), name: d.name, opts: optionsOf(d), stackTags: new Map(),
        isType: (cls) => isTypeOf(d.type, cls),
        asType: ((cls: unknown) => (isTypeOf(d.type, cls) ? d.props : undefined)) as ResourceValidationArgs["asType"],
        getConfig: <T extends object>() => config as T,
        notApplicable,
    };
}

export function stackArgs(declared: Declared[], config: object = {}): StackValidationArgs {
    const resources: PolicyResource[] = declared.map((d) => ({
        type: d.type, props: d.props, urn: urnOf(d), name: d.name, opts: optionsOf(d), dependencies: [], propertyDependencies: {},
        isType: (cls) => isTypeOf(d.type, cls),
        asType: ((cls: unknown) => (isTypeOf(d.type, cls) ? d.props : undefined)) as PolicyResource["asType"],
    }));
    return { resources, stackTags: new Map(), getConfig: <T extends object>() => config as T, notApplicable };
}

/** What a validation said: its messages, or that it was not applicable (and why). */
export interface Outcome { messages: string[]; notApplicable?: string }

async function collect(run: (report: ReportViolation) => Promise<void> | void): Promise<Outcome> {
    const messages: string[] = [];
    try {
        await run((message: string) => { messages.push(message); });
        return { messages };
    } catch (e) {
        if (e instanceof NotApplicableError) return { messages, notApplicable: e.message };
        throw e;
    }
}

/** Runs each of a resource policy's validations over one resource, as the analyzer does. */
export async function validateResource(policy: ResourceValidationPolicy, d: Declared, config: object = {}): Promise<Outcome> {
    const validations = [policy.validateResource ?? []].flat();
    const outcomes = [];
    for (const validate of validations) outcomes.push(await collect((report) => validate(resourceArgs(d, config), report)));
    const applicable = outcomes.filter((o) => o.notApplicable === undefined);
    return applicable.length > 0 ? { messages: applicable.flatMap((o) => o.messages) } : { messages: [], notApplicable: outcomes[0]?.notApplicable };
}

export function validateStack(policy: StackValidationPolicy, declared: Declared[], config: object = {}): Promise<Outcome> {
    return collect((report) => policy.validateStack(stackArgs(declared, config), report));
}
