/** The fleet report as text (a terminal), markdown (a pull request or a planning document) or JSON (design.md's shape). */
import { humanDuration } from "../preflight/duration";
import { FleetReport, FleetRow, Verdict } from "./report";

export function fleetJson(report: FleetReport): string {
    return JSON.stringify({ clusters: report.clusters, waves: report.waves }, null, 2);
}

const list = (xs: string[]) => (xs.length ? xs.join(",") : "-");
const duration = (r: FleetRow) => !r.duration ? "-"
    : `${humanDuration(r.duration.lowSeconds)}–${humanDuration(r.duration.highSeconds)}${r.duration.stopsAtBatch === null ? "" : `, stops at batch ${r.duration.stopsAtBatch}`}`;
const risk = (r: FleetRow) => (r.risk ? r.risk.join("/") : "-");
const pools = (r: FleetRow) => [r.pools.managedNodeGroups.length, r.pools.nodePools.length, r.pools.asgs.length].join("/");

/** The columns, in order: header and cell. */
const COLUMNS: [string, (r: FleetRow) => string][] = [
    ["cluster", (r) => r.name],
    ["k8s", (r) => r.kubernetesVersion ?? "-"],
    ["pools mng/np/asg", pools],
    ["legacy nodes/pods", (r) => (r.verdict === "unreadable" ? "-" : `${r.legacy.nodes}/${r.legacy.pods}`)],
    ["blockers", (r) => list([...r.blockers, ...r.acceptedBlockers.map((id) => `${id}(accepted)`)])],
    ["warnings", (r) => list(r.warnings)],
    ["evictions", (r) => (r.forecast ? String(r.forecast.evictions) : "-")],
    ["stalls", (r) => (r.forecast ? String(r.forecast.stalls) : "-")],
    ["phase 5", duration],
    ["risk", risk],
    ["verdict", (r) => r.verdict],
];

export function fleetSummary(report: FleetReport): string {
    const count = (v: Verdict) => report.clusters.filter((r) => r.verdict === v).length;
    return `fleet: ${report.clusters.length} cluster(s): ${count("ready")} ready, ${count("blocked")} blocked, ` +
        `${count("not-supported")} not supported, ${count("unreadable")} unreadable; ${report.waves.length} wave(s)`;
}

function waveLines(report: FleetReport): string[] {
    return report.waves.map((w, i) => `wave ${i + 1}${i === 0 ? " (canary)" : ""}: ${w.join(", ")}`);
}

export function fleetText(report: FleetReport): string {
    const rows = [COLUMNS.map(([h]) => h), ...report.clusters.map((r) => COLUMNS.map(([, cell]) => cell(r)))];
    const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    const lines = rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd());
    lines.push("", "why:");
    for (const r of report.clusters) lines.push(`  ${r.name} (${r.verdict}): ${r.reason}`);
    lines.push("", "waves (the canary alone, then ready clusters by ascending risk = stalls/single-replica workloads/pods on legacy nodes):");
    lines.push(...(report.waves.length ? waveLines(report).map((l) => `  ${l}`) : ["  none: no cluster is ready"]));
    lines.push(fleetSummary(report));
    return lines.join("\n");
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const code = (xs: string[]) => (xs.length ? xs.map((x) => `\`${x}\``).join(", ") : "—");

export function fleetMarkdown(report: FleetReport): string {
    const lines = ["# Fleet readiness: eks-cilium-migration", "", `**${fleetSummary(report)}**`, "", "## Waves", ""];
    lines.push(...(report.waves.length ? waveLines(report).map((l) => `1. ${l.replace(/^wave \d+/, (m) => `**${m}**`)}`) : ["No cluster is ready."]));
    lines.push("", "Ready clusters go by ascending risk: the forecast's stalls, then single-replica workloads on legacy nodes, then pods on legacy nodes.",
        "", "## Clusters", "", `| ${COLUMNS.map(([h]) => h).join(" | ")} |`, `|${COLUMNS.map(() => "---").join("|")}|`);
    for (const r of report.clusters) lines.push(`| ${COLUMNS.map(([, c]) => cell(c(r))).join(" | ")} |`);
    lines.push("", "## Work list", "");
    for (const r of report.clusters) {
        const stack = r.verdict === "unreadable" ? "" : r.configFile ? `, stack: \`${r.configFile}\`` : " (no stack file: the defaults for an existing cluster)";
        lines.push(`### ${r.name} — ${r.verdict}`, "", `- why: ${cell(r.reason)}`, `- snapshot: \`${r.snapshot}\`${stack}`);
        if (r.verdict !== "unreadable") {
            lines.push(`- pools: managed node groups ${code(r.pools.managedNodeGroups)}; NodePools ${code(r.pools.nodePools)}; ASGs ${code(r.pools.asgs)}`);
            lines.push(`- blockers: ${code(r.blockers)}${r.acceptedBlockers.length ? `; accepted: ${code(r.acceptedBlockers)}` : ""}`, `- warnings: ${code(r.warnings)}`);
            if (r.notChecked.length) lines.push(`- not checked for want of: ${code(r.notChecked)}`);
            lines.push(`- remedies: \`npm run preflight -- --snapshot ${r.snapshot}${r.configFile ? ` --config-file ${r.configFile}` : ""} --format markdown\``);
        }
        lines.push("");
    }
    return lines.join("\n").trimEnd();
}
