/** The plan as text (what a person reviews before `pulumi up`), markdown (for a pull request) or JSON (contract). */
import { Change, componentOf } from "./diff";
import { forecastLines } from "../preflight/forecast";
import { PhasePlan } from "./plan";

const SYMBOL = { create: "+", import: "=", update: "~", delete: "-", retain: "=" } as const;
const PROGRAM = { type: "program", name: "(top level)" };

export function planJson(phases: PhasePlan[]): string {
    return JSON.stringify({
        phases: phases.map((p) => ({
            number: p.number,
            name: p.name,
            gate: p.gate,
            resources: p.resources.map((r) => ({ type: r.type, name: r.name, inputs: r.inputs })),
            changes: p.changes.map((c) => ({ op: c.op, type: c.type, name: c.name })),
            ...(p.forecast ? { forecast: p.forecast } : {}),
            ...(p.violations ? { violations: p.violations } : {}),
        })),
    }, null, 2);
}

const shortType = (type: string) => type.replace(/^eks-cilium-migration:index:/, "");

/** Changes grouped by the top-level component they belong to, in the order components were declared. */
export function groupChanges(phase: PhasePlan): { component: string; changes: Change[] }[] {
    const components = phase.components;
    const groups = new Map<string, Change[]>();
    for (const c of phase.changes) {
        const owner = componentOf(c, components) ?? PROGRAM;
        const label = `${shortType(owner.type)} ${owner.name}`;
        groups.set(label, [...(groups.get(label) ?? []), c]);
    }
    return [...groups.entries()].map(([component, changes]) => ({ component, changes }));
}

function describe(c: Change): string {
    const detail = (c.op === "update" || c.op === "create") && c.changedInputs ? ` (${changedLabel(c.changedInputs)})`
        : c.runsDeleteScript ? " (runs its delete script)" : c.importId ? ` (adopts ${c.importId} as it is)` : "";
    return `${SYMBOL[c.op]} ${c.op} ${c.type} ${c.name}${detail}`;
}

/** A command whose triggers changed is replaced: its `create` runs again (a gate re-proves itself). */
function changedLabel(inputs: string[]): string {
    return inputs.map((i) => (i === "triggers" ? "triggers: runs again" : i)).join(", ");
}

function counts(p: PhasePlan): string {
    const n = (op: Change["op"]) => p.changes.filter((c) => c.op === op).length;
    const imported = n("import");
    const retained = n("retain");
    return `${n("create")} to create, ${imported > 0 ? `${imported} to import (adopted, not created), ` : ""}${n("update")} to update, ` +
        `${n("delete")} to delete${retained > 0 ? `, ${retained} to retain (no longer managed, left in the account)` : ""}`;
}

/** A phase's notes that the phase before it in the plan did not have (each is said once, where it starts). */
function newNotes(phases: PhasePlan[], index: number): string[] {
    const before = new Set(index > 0 ? phases[index - 1].notes : []);
    return phases[index].notes.filter((note) => !before.has(note));
}

/** With `--policy`: the phase's violations, one line each, or that there are none. */
function violationLines(p: PhasePlan): string[] {
    if (!p.violations) return [];
    if (p.violations.length === 0) return ["policy: no violations"];
    return [`policy: ${p.violations.length} violation${p.violations.length === 1 ? "" : "s"}`,
        ...p.violations.map((v) => `  [${v.enforcementLevel}] ${v.policy}: ${v.message}${v.resource ? ` (${v.resource})` : ""}`)];
}

function forecastText(p: PhasePlan): string[] {
    if (!p.forecast) return [];
    return "unavailable" in p.forecast ? [`drain forecast: not available: ${p.forecast.unavailable}`] : forecastLines(p.forecast);
}

export function planText(phases: PhasePlan[]): string {
    const lines: string[] = [];
    for (const [index, p] of phases.entries()) {
        lines.push(`Phase ${p.number} — ${p.name}: ${p.summary}${p.rollbackFrom !== undefined ? ` (rolling back from ${p.rollbackFrom})` : ""}`);
        lines.push(`  ${counts(p)}`);
        for (const group of groupChanges(p)) {
            lines.push(`  ${group.component}`);
            for (const c of group.changes) lines.push(`    ${describe(c)}`);
        }
        for (const note of newNotes(phases, index)) lines.push(`  note: ${note}`);
        for (const line of forecastText(p)) lines.push(`  ${line}`);
        for (const line of violationLines(p)) lines.push(`  ${line}`);
        lines.push(`  gate: ${p.gate.length > 0 ? p.gate.join(", ") : "none (goldpinger disabled: connectivity not proven)"}`, "");
    }
    return lines.join("\n");
}

export function planMarkdown(phases: PhasePlan[]): string {
    const lines: string[] = ["# eks-cilium-migration plan", ""];
    for (const [index, p] of phases.entries()) {
        lines.push(`## Phase ${p.number} — \`${p.name}\`${p.rollbackFrom !== undefined ? ` (rolling back from ${p.rollbackFrom})` : ""}`, "", p.summary, "", `${counts(p)}. Gate: ${p.gate.map((g) => `\`${g}\``).join(", ")}.`, "");
        for (const note of newNotes(phases, index)) lines.push(`> ${note}`, "");
        if (p.forecast) lines.push("```", ...forecastText(p), "```", "");
        if (p.violations) lines.push(...violationLines(p).map((l) => (l.startsWith("  ") ? `  - ${l.trim()}` : `**${l}**`)), "");
        if (p.changes.length === 0) continue;
        lines.push("| component | change | type | name |", "|---|---|---|---|");
        for (const group of groupChanges(p)) {
            for (const c of group.changes) {
                const detail = c.changedInputs ? ` (${changedLabel(c.changedInputs)})` : "";
                lines.push(`| ${group.component} | ${c.op}${detail} | \`${c.type}\` | \`${c.name}\` |`);
            }
        }
        lines.push("");
    }
    return lines.join("\n");
}
