/**
 * aws-node settings made outside the vpc-cni add-on (`kubectl set env daemonset aws-node`, long AWS's documented way
 * to turn on prefix delegation, custom networking, pod ENIs and warm targets; a `kubectl edit`; Helm; Terraform's
 * kubernetes provider). Phase 1 updates the add-on with `resolveConflicts: OVERWRITE`, which writes EKS's value back
 * over every field EKS declares — so each such value would silently revert.
 *
 * Found from aws-node's `managedFields` (server-side apply's record of which manager owns which field; EKS applies
 * add-ons as manager `eks`: EKS User Guide, "Determine fields you can customize for Amazon EKS add-ons"). A blocker
 * naming each field and its manager, rather than folding the values into the add-on's `configurationValues`: the
 * program reads only AWS when it plans (the values live in the DaemonSet), and the add-on's configuration schema takes
 * only the keys it knows — a folded value it refuses would fail phase 1 half-way. A value the add-on's
 * `configurationValues` already sets to the same thing is no hazard (OVERWRITE writes that very value).
 */
import * as YAML from "yaml";
import { PreflightCheck, some } from "./check";
import { itemsOf, nameOf } from "./objects";
import { Obj } from "./types";

/** The field manager EKS applies add-ons with. */
export const EKS_MANAGER = "eks";

/** One aws-node field owned by a manager other than EKS. */
export interface ForeignField {
    /** e.g. `env ENABLE_PREFIX_DELEGATION`, `init env DISABLE_TCP_EARLY_DEMUX`, `resources`, `tolerations`. */
    field: string;
    manager: string;
    /** The value the DaemonSet runs with (JSON text for objects). */
    value: string;
    /** Where it goes in the add-on's configurationValues. */
    configPath: string[];
    /** Set from the downward API or a reference (`valueFrom`): named, but never offered as a literal to merge. */
    valueFrom?: boolean;
}

const nameKey = (k: string): string | undefined => {
    const m = /^k:(\{.*\})$/.exec(k);
    if (!m) return undefined;
    try {
        return (JSON.parse(m[1]) as { name?: string }).name;
    } catch {
        return undefined;
    }
};

/** The env / resources / tolerations fields of aws-node's pod template one managedFields entry owns. */
function fieldsOwnedBy(entry: Obj, podSpec: Obj): Omit<ForeignField, "manager">[] {
    const owned: Omit<ForeignField, "manager">[] = [];
    const spec = entry.fieldsV1?.["f:spec"]?.["f:template"]?.["f:spec"];
    if (!spec) return owned;
    for (const [kind, prefix, configPrefix] of [["f:containers", "", []], ["f:initContainers", "init ", ["init"]]] as const) {
        for (const [key, fields] of Object.entries((spec[kind] ?? {}) as Obj)) {
            const container = nameKey(key);
            const running = (podSpec[kind.slice(2)] ?? []).find((c: Obj) => c.name === container);
            if (!container || !running) continue;
            for (const [envKey, envFields] of Object.entries((fields["f:env"] ?? {}) as Obj)) {
                const env = nameKey(envKey);
                if (!env || !(envFields["f:value"] || envFields["f:valueFrom"])) continue;
                const e = (running.env ?? []).find((x: Obj) => x.name === env);
                if (!e) continue;
                owned.push({ field: `${prefix}env ${env}`, value: e.value ?? JSON.stringify(e.valueFrom), configPath: [...configPrefix, "env", env], ...(e.valueFrom ? { valueFrom: true } : {}) });
            }
            if (fields["f:resources"] && running.resources && kind === "f:containers") {
                owned.push({ field: "resources", value: JSON.stringify(running.resources), configPath: ["resources"] });
            }
        }
    }
    if (spec["f:tolerations"] && podSpec.tolerations) owned.push({ field: "tolerations", value: JSON.stringify(podSpec.tolerations), configPath: ["tolerations"] });
    return owned;
}

/**
 * Each env / resources / tolerations field of aws-node's pod template that a manager other than EKS owns and EKS
 * does not. Under server-side apply a field EKS applied with the value another manager had already set is owned by
 * both (an aws-node first created with `kubectl apply`, then taken over by the add-on): it holds EKS's value, and
 * OVERWRITE changes nothing there.
 */
export function foreignFields(ds: Obj): ForeignField[] {
    const podSpec = ds.spec?.template?.spec ?? {};
    const entries = (ds.metadata?.managedFields ?? []) as Obj[];
    const ownedByEks = new Set(entries.filter((e) => e.manager === EKS_MANAGER).flatMap((e) => fieldsOwnedBy(e, podSpec).map((f) => f.field)));
    return entries.filter((e) => e.manager !== EKS_MANAGER).flatMap((e) => fieldsOwnedBy(e, podSpec)
        .filter((f) => !ownedByEks.has(f.field))
        .map((f) => ({ ...f, manager: String(e.manager ?? "(unnamed)") })));
}

/** What the add-on's configurationValues sets at a path, as text comparable with ForeignField.value. */
function configured(values: Obj, p: string[]): string | undefined {
    let v: unknown = values;
    for (const k of p) v = v && typeof v === "object" ? (v as Obj)[k] : undefined;
    return v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);
}

export const AWS_NODE_CHECKS: PreflightCheck[] = [
    {
        id: "aws-node-set-outside-addon", severity: "blocker", phase: 1, needs: ["daemonsets", "addons"],
        run: ({ input }) => {
            const addon = (input.addons ?? []).find((a) => a.addonName === "vpc-cni");
            const ds = itemsOf(input.daemonsets).find((d) => d.metadata?.namespace === "kube-system" && nameOf(d) === "aws-node");
            if (!addon || !ds) return [];
            if (!Array.isArray(ds.metadata?.managedFields)) {
                return [{
                    severity: "warning",
                    message: "aws-node's DaemonSet was read without its managedFields (kubectl 1.21 and later leave them out of -o json), so settings " +
                        "made outside the vpc-cni add-on — which phase 1's OVERWRITE would revert — cannot be seen.",
                    objects: ["kube-system/aws-node"],
                    remedy: "Take the snapshot with npm run snapshot (it asks for them), or `kubectl get ds aws-node -n kube-system -o json --show-managed-fields`.",
                }];
            }
            let values: Obj = {};
            try {
                values = (YAML.parse(addon.configurationValues || "{}") as Obj | null) ?? {};
            } catch {
                values = {};
            }
            const hazards = foreignFields(ds).filter((f) => configured(values, f.configPath) !== f.value);
            if (hazards.length === 0) return [];
            const fold: Obj = {};
            for (const f of hazards.filter((h) => !h.valueFrom)) {
                let at = fold;
                for (const k of f.configPath.slice(0, -1)) at = (at[k] ??= {});
                at[f.configPath[f.configPath.length - 1]] = f.configPath[0] === "env" || f.configPath[0] === "init" ? f.value : JSON.parse(f.value);
            }
            return [{
                message: `aws-node has ${hazards.length} setting(s) made outside the vpc-cni add-on: ` +
                    `${some(hazards.map((f) => `${f.field}=${f.value} (manager ${f.manager})`), 10)}. Phase 1 updates the add-on with ` +
                    "resolveConflicts OVERWRITE, which puts EKS's value back in each.",
                objects: ["kube-system/aws-node", ...hazards.map((f) => `${f.field} (${f.manager})`)],
                remedy: "Move them into the add-on before phase 0 (the migration keeps every configurationValues setting it finds): merge " +
                    `${JSON.stringify(fold)} into vpc-cni's configurationValues (aws eks update-addon --cluster-name <cluster> --addon-name vpc-cni ` +
                    "--configuration-values …), then take the snapshot again; or accept this blocker with the reason if EKS's values are wanted back.",
            }];
        },
    },
];
