/**
 * `npm run plan -- --policy`: the policy pack's policies run over one phase's declared resources, each handed the
 * arguments @pulumi/policy's analyzer would build (pulumi-policy sdk/nodejs/policy/server.ts: `makeAnalyzeRpcFun`,
 * `makeAnalyzeStackRpcFun`, `isTypeOf`). The policies come from the caller (plan/launch.js): plan/ and policy/ are
 * one floor, and folders of one floor do not import each other.
 *
 * Differences from a live run, said where they matter: every value is known (the mocks resolve them), so nothing is
 * downgraded to advisory; a stack policy sees the registered inputs where Pulumi would show the planned state; the
 * options carry `retainOnDelete` and `import`, which the analyzer protocol does not.
 */
import {
    EnforcementLevel, PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { RecordedResource } from "./mockRuntime";

export type Policies = (ResourceValidationPolicy | StackValidationPolicy)[];

export interface Violation {
    policy: string;
    enforcementLevel: EnforcementLevel;
    message: string;
    /** `type::name` of the resource in violation; absent when the stack as a whole is. */
    resource?: string;
}

/** Each policy's configuration (`getConfig`), by policy name; the planner fills it from the stack. */
export type PolicyConfig = Record<string, Record<string, unknown>>;

class NotApplicable extends Error {}
const notApplicable = (reason?: string): never => { throw new NotApplicable(reason); };

export function urnOf(r: RecordedResource, stack: string, project: string): string {
    return `urn:pulumi:${stack}::${project}::${[...r.parentTypes, r.type].join("$")}::${r.name}`;
}

/** policy.ts `getPulumiType` (internal to @pulumi/policy, not in its typings): a class's non-empty `__pulumiType`. */
function pulumiTypeOf(resourceClass: unknown): string | undefined {
    const t = (resourceClass as { __pulumiType?: unknown } | undefined)?.__pulumiType;
    return typeof t === "string" && t.length > 0 ? t : undefined;
}

/** server.ts `isTypeOf`: the class's `__pulumiType`, else its `isInstance`. */
function isTypeOf(type: string, resourceClass: unknown): boolean {
    const pulumiType = pulumiTypeOf(resourceClass);
    if (pulumiType) return type === pulumiType;
    const isInstance = (resourceClass as { isInstance?: (o: unknown) => boolean }).isInstance;
    return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

function optionsOf(r: RecordedResource) {
    return {
        protect: r.protect, ignoreChanges: r.ignoreChanges, aliases: [], additionalSecretOutputs: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        // Not in the analyzer protocol; policies read them only where known (policy/resources.ts PlannerOptions).
        retainOnDelete: r.retainOnDelete, ...(r.importId ? { import: r.importId } : {}),
    };
}

function resourceArgs(r: RecordedResource, urn: string, config: Record<string, unknown>): ResourceValidationArgs {
    return {
        type: r.type, props: r.inputs, urn, name: r.name, opts: optionsOf(r), stackTags: new Map(),
        isType: (cls) => isTypeOf(r.type, cls),
        asType: ((cls: unknown) => (isTypeOf(r.type, cls) ? r.inputs : undefined)) as ResourceValidationArgs["asType"],
        getConfig: <T extends object>() => config as T,
        notApplicable,
    };
}

function stackResource(r: RecordedResource, urn: string): PolicyResource {
    return {
        type: r.type, props: r.inputs, urn, name: r.name, opts: optionsOf(r), dependencies: [], propertyDependencies: {},
        isType: (cls) => isTypeOf(r.type, cls),
        asType: ((cls: unknown) => (isTypeOf(r.type, cls) ? r.inputs : undefined)) as PolicyResource["asType"],
    };
}

const isStackPolicy = (p: ResourceValidationPolicy | StackValidationPolicy): p is StackValidationPolicy => "validateStack" in p;

/** Runs every policy over one phase's resources; the violations in policy order. */
export async function runPolicies(policies: Policies, resources: RecordedResource[], options: { stack: string; project: string; config?: PolicyConfig }): Promise<Violation[]> {
    const violations: Violation[] = [];
    const urns = new Map(resources.map((r) => [r, urnOf(r, options.stack, options.project)]));
    const keyOfUrn = new Map(resources.map((r) => [urns.get(r), `${r.type}::${r.name}`]));
    for (const policy of policies) {
        const level = policy.enforcementLevel ?? "advisory";
        if (level === "disabled") continue;
        const config = options.config?.[policy.name] ?? {};
        const report = (message: string, urn?: string) => violations.push({
            policy: policy.name, enforcementLevel: level === "remediate" ? "mandatory" : level, message,
            ...(urn && keyOfUrn.get(urn) ? { resource: keyOfUrn.get(urn) } : {}),
        });
        const attempt = async (run: () => Promise<void> | void) => {
            try { await run(); } catch (e) { if (!(e instanceof NotApplicable)) throw e; }
        };
        if (isStackPolicy(policy)) {
            const args: StackValidationArgs = { resources: resources.map((r) => stackResource(r, urns.get(r) as string)), stackTags: new Map(), getConfig: <T extends object>() => config as T, notApplicable };
            await attempt(() => policy.validateStack(args, report));
            continue;
        }
        const validations = [policy.validateResource ?? []].flat();
        for (const r of resources) {
            const urn = urns.get(r) as string;
            for (const validate of validations) await attempt(() => validate(resourceArgs(r, urn, config), (message) => report(message, urn)));
        }
    }
    return violations;
}

export const isMandatory = (v: Violation) => v.enforcementLevel === "mandatory";
