/**
 * `npm run bench` (last part): the 5,000-node / 150,000-pod cluster (bench/scaleCluster.ts, about 2 GB of JSON as
 * kubectl prints it with managedFields), written to a temporary directory and removed after (SCALE_SNAPSHOT=DIR
 * keeps and reuses one). Each case runs in a Node process of its own, so its peak RSS is its own:
 * - floor: the byte scan that cuts each file the case reads into items and `JSON.parse`s each (nothing kept) —
 *   the least any reader of these files can do;
 * - preflight: `npm run preflight` without its CLI around it: read (streaming, slim), every check, the forecast, the text;
 * - gate legacy-drained: the gate's read of nodes and pods and its check;
 * - forecast: the drain forecast as the planner makes it (plan/plan.ts `forecastFrom`: read, checks, forecast);
 * - npm run plan: `npm run plan -- --stack existing --cluster-snapshot DIR --from 5 --to 5` whole (SDK load and two
 *   evaluations of the program under mocks added to the forecast), shown for what a user waits, not held to the goal.
 * Each case and its floor run one after the other, three times; medians of wall and CPU time (on a busy machine the
 * CPU time is the steadier). The goal (design.md, "Scale"): each ≤ 2× its floor and ≤ 1 GiB RSS.
 * Not a test: nothing here is asserted.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readJsonObject } from "../clusterReader/jsonStream";
import { DEFAULT_CONTEXT } from "../clusterReader/selectors";
import { readSnapshot } from "../clusterReader/snapshot";
import { runChecks } from "../gates/registry";
import { preflightText } from "../preflight/format";
import { readPreflightSnapshot } from "../preflight/read";
import { INPUT_FILES, runPreflight } from "../preflight/run";
import { preflightOptionsOf } from "../stacks/preflightConfig";
import { migrationConfigOf, readStackFile } from "../stacks/stackFile";
import { forecastFrom } from "../plan/plan";
import { writeScaleSnapshot } from "./scaleCluster";

const ROOT = path.join(__dirname, "..");
const STACK = path.join(ROOT, "Pulumi.existing.yaml");
const GOAL = { ratio: 2, rssMiB: 1024 };

interface Measure { ms: number; cpuMs: number; rssMiB: number; verdict: string }

const RUNS = 3;
/** The median of each figure on its own (runs of one case differ only in timing). */
function median(runs: Measure[]): Measure {
    const mid = (f: (m: Measure) => number) => runs.map(f).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
    return { ms: mid((m) => m.ms), cpuMs: mid((m) => m.cpuMs), rssMiB: mid((m) => m.rssMiB), verdict: runs[0].verdict };
}

/** One case, in this process (the worker side). */
function runCase(name: string, dir: string): Measure {
    const t0 = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    let verdict: string;
    if (name === "floor-preflight" || name === "floor-gate") {
        const files = name === "floor-gate" ? ["nodes.json", "pods.json"] : Object.values(INPUT_FILES).map((f) => f.file);
        let items = 0;
        for (const f of files.filter((x) => fs.existsSync(path.join(dir, x)))) readJsonObject(path.join(dir, f), () => { items++; return undefined; });
        verdict = `${items.toLocaleString("en")} items parsed`;
    } else if (name === "preflight") {
        const report = runPreflight(readPreflightSnapshot(dir), preflightOptionsOf(migrationConfigOf(readStackFile(STACK))));
        verdict = preflightText(report).split("\n").at(-1) ?? "";
    } else if (name === "forecast") {
        const f = forecastFrom(dir, migrationConfigOf(readStackFile(STACK)));
        verdict = "nodes" in f ? `${f.nodes.length.toLocaleString("en")} legacy nodes, ${f.evictions.toLocaleString("en")} evictions` : f.unavailable;
    } else if (name === "gate") {
        const v = runChecks("legacy-drained", ["legacy-drained"], readSnapshot(dir, ["nodes", "pods"]), DEFAULT_CONTEXT);
        verdict = v.pass ? "PASS legacy-drained" : `FAIL legacy-drained: ${v.reason.slice(0, 80)}`;
    } else throw new Error(`unknown case ${name}`);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpu = process.cpuUsage(cpu0);
    return { ms, cpuMs: (cpu.user + cpu.system) / 1000, rssMiB: process.resourceUsage().maxRSS / 1024, verdict };
}

/** A case in a process of its own; the planner is run whole, its peak RSS read by GNU time (KiB, on stderr). */
function measure(name: string, dir: string): Measure {
    if (name === "plan") {
        const t0 = Date.now();
        const r = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, path.join(ROOT, "plan", "launch.js"), "--stack", "existing",
            "--cluster-snapshot", dir, "--from", "5", "--to", "5", "--format", "json"], { cwd: ROOT, encoding: "utf8", maxBuffer: 512 * 2 ** 20 });
        const ms = Date.now() - t0;
        if (r.status !== 0) return { ms, cpuMs: NaN, rssMiB: NaN, verdict: `exit ${r.status}: ${r.stderr.trim().split("\n")[0]}` };
        const forecast = JSON.parse(r.stdout).phases[0].forecast;
        const verdict = forecast?.nodes ? `${forecast.nodes.length} legacy nodes, ${forecast.evictions} evictions` : JSON.stringify(forecast).slice(0, 80);
        return { ms, cpuMs: NaN, rssMiB: Number(r.stderr.trim().split("\n").at(-1)) / 1024, verdict };
    }
    const out = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", __filename, "--worker", name, dir], { cwd: ROOT, encoding: "utf8", maxBuffer: 2 ** 20 });
    return JSON.parse(out.trim().split("\n").at(-1) as string) as Measure;
}

function main(): void {
    const keep = process.env.SCALE_SNAPSHOT;
    const dir = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), "ecm-scale-"));
    try {
        const t0 = Date.now();
        const exists = fs.existsSync(path.join(dir, "pods.json"));
        const snap = exists ? undefined : writeScaleSnapshot(dir);
        const gb = fs.readdirSync(dir).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0) / 1e9;
        const podsGb = fs.statSync(path.join(dir, "pods.json")).size / 1e9;
        console.log(`\nscale — ${os.cpus()[0]?.model ?? "?"} × ${os.cpus().length}, Node ${process.version}; snapshot ${dir}: ${gb.toFixed(2)} GB ` +
            `(pods.json ${podsGb.toFixed(2)} GB)${snap ? `, written in ${((Date.now() - t0) / 1000).toFixed(0)} s` : ", reused"}`);
        const cases: [string, string, string][] = [
            ["preflight", "preflight", "floor-preflight"], ["gate legacy-drained", "gate", "floor-gate"],
            ["phase-5 forecast", "forecast", "floor-preflight"], ["npm run plan --from 5 --to 5 (whole)", "plan", "floor-preflight"],
        ];
        console.log("| case | verdict | wall | CPU | floor wall / CPU (scan + JSON.parse) | ratio wall / CPU | peak RSS | goal |");
        console.log("|---|---|---:|---:|---:|---:|---:|---|");
        for (const [label, name, floorName] of cases) {
            const runs: Measure[] = [];
            const floors: Measure[] = [];
            for (let i = 0; i < RUNS; i++) {
                floors.push(measure(floorName, dir));
                runs.push(measure(name, dir));
            }
            const [m, floor] = [median(runs), median(floors)];
            const goal = name === "plan" ? "shown only" : `≤ ${GOAL.ratio} ×, ≤ ${GOAL.rssMiB} MiB`;
            console.log(`| ${label} | ${m.verdict} | ${(m.ms / 1000).toFixed(1)} s | ${Number.isNaN(m.cpuMs) ? "—" : `${(m.cpuMs / 1000).toFixed(1)} s`} | ` +
                `${(floor.ms / 1000).toFixed(1)} s / ${(floor.cpuMs / 1000).toFixed(1)} s | ${(m.ms / floor.ms).toFixed(2)} × / ` +
                `${Number.isNaN(m.cpuMs) ? "—" : `${(m.cpuMs / floor.cpuMs).toFixed(2)} ×`} | ${m.rssMiB.toFixed(0)} MiB (floor ${floor.rssMiB.toFixed(0)}) | ${goal} |`);
        }
    } finally {
        if (!keep) fs.rmSync(dir, { recursive: true, force: true });
    }
}

if (process.argv[2] === "--worker") process.stdout.write(`${JSON.stringify(runCase(process.argv[3], process.argv[4]))}\n`);
else main();
