/** What one phase changes compared with the phase before: pure, on the recorded resources. */
import { RecordedResource } from "./mockRuntime";

/**
 * `retain`: the stack stops managing a resource declared with `retainOnDelete`; it stays in the account.
 * `import`: the stack adopts a resource that exists (the `import` option); nothing is created.
 */
export type ChangeOp = "create" | "import" | "update" | "delete" | "retain";

export interface Change {
    op: ChangeOp;
    type: string;
    name: string;
    /** For updates: the top-level inputs that differ. */
    changedInputs?: string[];
    /** For imports: the ID of the resource adopted. */
    importId?: string;
    /** For deletes of a command step: it runs its `delete` script (e.g. uncordon). */
    runsDeleteScript?: boolean;
}

/** Reads are not changes: the StackReference only looks at this stack's last outputs. */
const READS = new Set(["pulumi:pulumi:StackReference"]);

const keyOf = (r: { type: string; name: string }) => `${r.type}::${r.name}`;

/** JSON with sorted keys, so equal inputs compare equal whatever their key order. */
export function stableJson(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
    if (value !== null && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        return `{${Object.keys(obj).sort().filter((k) => obj[k] !== undefined).map((k) => `${JSON.stringify(k)}:${stableJson(obj[k])}`).join(",")}}`;
    }
    return JSON.stringify(value) ?? "null";
}

const KARPENTER_TYPES = "kubernetes:karpenter.sh/";
const KARPENTER_PATCH = "kubernetes:karpenter.sh/v1:NodePoolPatch";

/**
 * A Karpenter NodePool's or patch's changed fields with their values (`spec.limits: {"cpu":"1000"} → {"cpu":"0"}`), so
 * the plan shows what each phase does to a legacy pool — and that its `spec.template` is never among them.
 */
export function karpenterFields(before: Record<string, unknown> | undefined, after: Record<string, unknown>): string[] {
    const fields = (o: Record<string, unknown> | undefined): Record<string, unknown> => {
        const spec = (o?.spec ?? {}) as Record<string, unknown>;
        const disruption = (spec.disruption ?? {}) as Record<string, unknown>;
        return Object.fromEntries([
            ...Object.entries(spec).filter(([k]) => k !== "disruption").map(([k, v]) => [`spec.${k}`, v]),
            ...Object.entries(disruption).map(([k, v]) => [`spec.disruption.${k}`, v]),
        ]);
    };
    const [a, b] = [fields(before), fields(after)];
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort().filter((k) => stableJson(a[k]) !== stableJson(b[k]))
        .map((k) => (k === "spec.template" ? k : before ? `${k}: ${shown(a[k])} → ${shown(b[k])}` : `${k}: ${shown(b[k])}`));
}

const shown = (v: unknown): string => (v === undefined ? "unset" : stableJson(v));

export function diffPhases(before: RecordedResource[], after: RecordedResource[]): Change[] {
    const previous = new Map(before.filter((r) => !READS.has(r.type)).map((r) => [keyOf(r), r]));
    const changes: Change[] = [];
    for (const r of after) {
        if (READS.has(r.type)) continue;
        const old = previous.get(keyOf(r));
        previous.delete(keyOf(r));
        if (!old) {
            const sets = r.type === KARPENTER_PATCH ? karpenterFields(undefined, r.inputs) : [];
            changes.push(r.importId ? { op: "import", type: r.type, name: r.name, importId: r.importId }
                : { op: "create", type: r.type, name: r.name, ...(sets.length > 0 ? { changedInputs: sets } : {}) });
            continue;
        }
        const keys = [...new Set([...Object.keys(old.inputs), ...Object.keys(r.inputs)])].sort();
        const changedInputs = r.type.startsWith(KARPENTER_TYPES) ? karpenterFields(old.inputs, r.inputs)
            : keys.filter((k) => stableJson(old.inputs[k]) !== stableJson(r.inputs[k]));
        if (changedInputs.length > 0) changes.push({ op: "update", type: r.type, name: r.name, changedInputs });
    }
    for (const r of previous.values()) {
        if (r.retainOnDelete) changes.push({ op: "retain", type: r.type, name: r.name });
        else changes.push({ op: "delete", type: r.type, name: r.name, ...(typeof r.inputs.delete === "string" ? { runsDeleteScript: true } : {}) });
    }
    return changes;
}

/**
 * The top-level component a resource belongs to: children are named `<component>-<role>`, so the longest
 * component name that prefixes the resource's name wins (`cilium-pool-node-group` → `cilium-pool`, not `cilium`).
 */
export function componentOf(resource: { name: string }, components: { type: string; name: string }[]): { type: string; name: string } | undefined {
    return components
        .filter((c) => resource.name === c.name || resource.name.startsWith(`${c.name}-`))
        .sort((a, b) => b.name.length - a.name.length)[0];
}
