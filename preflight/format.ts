/** Preflight's report as text (a terminal, the gate's output), markdown (a pull request) or JSON (design.md's shape). */
import { forecastLines } from "./forecast";
import { PreflightReport } from "./run";
import { NOT_CHECKED } from "./catalog";
import { Finding } from "./types";

const label = (f: Finding) => `${f.severity.toUpperCase()}${f.accepted ? ` (accepted: ${f.accepted.reason})` : ""}`;
const where = (f: Finding) => (f.phase === null ? "" : ` (phase ${f.phase})`);

export function preflightJson(report: PreflightReport): string {
    return JSON.stringify({ findings: report.findings, forecast: report.forecast }, null, 2);
}

/**
 * The verdict line: what fails the run, or that nothing does — and a report with any `not-checked` finding is never a
 * PASS: it is INCOMPLETE, naming how many checks did not run and the files they lacked.
 */
export function preflightSummary(report: PreflightReport): string {
    const count = (s: Finding["severity"]) => report.findings.filter((f) => f.severity === s).length;
    const tally = `${count("blocker")} blocker(s), ${count("warning")} warning(s), ${count("info")} info`;
    const failing = report.unacceptedBlockers;
    if (failing.length > 0) return `FAIL preflight: ${failing.length} blocker(s) not accepted in preflight.accept: ${[...new Set(failing.map((f) => f.id))].join(", ")}`;
    return incompleteLine(report) ?? `PASS preflight: no blocker left (${tally})`;
}

/** `INCOMPLETE: N checks not run (files …)`, or undefined when every check ran. */
export function incompleteLine(report: PreflightReport): string | undefined {
    const skipped = report.findings.filter((f) => f.id === NOT_CHECKED);
    if (skipped.length === 0) return undefined;
    const files = [...new Set(skipped.flatMap((f) => f.objects))].sort();
    return `INCOMPLETE: ${skipped.length} check${skipped.length === 1 ? "" : "s"} not run (files ${files.join(", ")} missing); no blocker among those that ran`;
}

/** The report's last lines: the verdict, and INCOMPLETE after a FAIL when checks did not run too. */
function verdictLines(report: PreflightReport): string[] {
    const summary = preflightSummary(report);
    const incomplete = incompleteLine(report);
    return summary.startsWith("FAIL") && incomplete ? [summary, incomplete.replace(/; no blocker among those that ran$/, "")] : [summary];
}

export function preflightText(report: PreflightReport): string {
    const lines: string[] = [];
    for (const f of report.findings) {
        lines.push(`${label(f)} ${f.id}${where(f)}: ${f.message}`);
        if (f.objects.length > 0) lines.push(`    objects: ${f.objects.slice(0, 20).join(", ")}${f.objects.length > 20 ? ` and ${f.objects.length - 20} more` : ""}`);
        lines.push(`    remedy: ${f.remedy}`);
    }
    lines.push(...forecastLines(report.forecast), ...verdictLines(report));
    return lines.join("\n");
}

export function preflightMarkdown(report: PreflightReport): string {
    const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
    const lines = ["# eks-cilium-migration preflight", "", `**${verdictLines(report).join(" — ")}**`, "",
        "| severity | id | phase | what goes wrong | objects | remedy |", "|---|---|---|---|---|---|"];
    for (const f of report.findings) {
        lines.push(`| ${label(f)} | \`${f.id}\` | ${f.phase ?? "—"} | ${cell(f.message)} | ${cell(f.objects.slice(0, 10).join(", "))}${f.objects.length > 10 ? " …" : ""} | ${cell(f.remedy)} |`);
    }
    lines.push("", "## Drain forecast (phase 5)", "", "```", ...forecastLines(report.forecast), "```");
    return lines.join("\n");
}
