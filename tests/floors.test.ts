// The house has floors, and imports only go down (design.md, "Layout"):
//   migration/ (the ground) ← clusterReader/ ← components/, preflight/, gates/ ← stacks/
//     ← plan/, ci/, deployments/, snapshot/, fleet/, preflight/cli.ts ← index.ts
// A component can be read, reused and tested without the stack's config model; the gates without the program.
// Folders on one floor do not import each other, and the concerns under components/ form no cycle.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { importsOf } from "./support/imports";
import { PROJECT_ROOT } from "./support/paths";

const ROOT = PROJECT_ROOT;
const FLOORS: Record<string, number> = {
    migration: 1, clusterReader: 1.5, calico: 1.5, components: 2, gates: 2, preflight: 2, stacks: 3, plan: 4, ci: 4, deployments: 4, snapshot: 4, fleet: 4, policy: 4, "index.ts": 5,
};
/** Floors are per file where a folder holds two: preflight's CLI is a tool above the checks beside it. */
const FILE_FLOORS: Record<string, number> = { [path.join("preflight", "cli.ts")]: 4, [path.join("calico", "cli.ts")]: 4 };
/** The one sideways edge the design allows: the `preflight` gate check runs preflight's checks. */
const SIDEWAYS = new Set(["gates>preflight"]);
/** Folders outside the house: they may import anything (and nothing of the house imports them). */
const OUTSIDE = new Set(["tests", "bench"]);

function sources(dir: string): string[] {
    return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
        const rel = path.join(dir, e.name);
        if (e.isDirectory()) return e.name === "node_modules" || e.name === "fixtures" ? [] : sources(rel);
        return e.name.endsWith(".ts") ? [rel] : [];
    });
}


const topOf = (file: string) => file.split(path.sep)[0].replace(/\.ts$/, ".ts");
const concernOf = (file: string) => file.split(path.sep).slice(0, 2).join("/");

/** Import edges that break the floors: upwards, or sideways between two folders of one floor. */
export function floorViolations(files: { file: string; imports: string[] }[]): string[] {
    const out: string[] = [];
    for (const { file, imports } of files) {
        const from = topOf(file);
        if (OUTSIDE.has(from)) continue;
        for (const target of imports) {
            const to = topOf(target);
            const [fromFloor, toFloor] = [FILE_FLOORS[file] ?? FLOORS[from], FILE_FLOORS[`${target}.ts`] ?? FLOORS[to]];
            if (to === from && fromFloor === toFloor) continue;
            if (to === from) {
                if (toFloor > fromFloor) out.push(`${file} (floor ${fromFloor}) imports ${target} (floor ${toFloor})`);
                continue;
            }
            if (OUTSIDE.has(to)) { out.push(`${file} imports ${target}: tests and benchmarks are outside the house`); continue; }
            if (FLOORS[from] === undefined || FLOORS[to] === undefined) { out.push(`${file} imports ${target}: ${FLOORS[from] === undefined ? from : to} is on no floor`); continue; }
            if (toFloor > fromFloor || (toFloor === fromFloor && !SIDEWAYS.has(`${from}>${to}`))) out.push(`${file} (floor ${fromFloor}) imports ${target} (floor ${toFloor})`);
        }
    }
    return out;
}

/** Cycles between the concern folders of components/ (each reported once, as the folders on it). */
export function concernCycles(files: { file: string; imports: string[] }[]): string[][] {
    const edges = new Map<string, Set<string>>();
    for (const { file, imports } of files.filter((f) => f.file.startsWith(`components${path.sep}`))) {
        for (const t of imports.filter((i) => i.startsWith(`components${path.sep}`))) {
            const [a, b] = [concernOf(file), concernOf(t)];
            if (a !== b) edges.set(a, new Set([...(edges.get(a) ?? []), b]));
        }
    }
    const cycles: string[][] = [];
    const visit = (node: string, trail: string[]) => {
        for (const next of edges.get(node) ?? []) {
            if (next === trail[0]) { if (trail[0] === [...trail].sort()[0]) cycles.push(trail); continue; }
            if (!trail.includes(next)) visit(next, [...trail, next]);
        }
    };
    for (const start of edges.keys()) visit(start, [start]);
    return cycles;
}

describe("the house: imports go down the floors", () => {
    const files = [...Object.keys(FLOORS).filter((d) => d !== "index.ts").flatMap(sources), "index.ts", ...sources("tests"), ...sources("bench")]
        .map((file) => ({ file, imports: importsOf(file) }));

    it("no import goes up a floor or sideways across folders of one floor", () => {
        assert.deepStrictEqual(floorViolations(files), []);
    });

    it("nothing under components/ imports stacks/ (components stand on their own)", () => {
        const offenders = files.filter((f) => f.file.startsWith("components")).filter((f) => f.imports.some((i) => i.startsWith("stacks")));
        assert.deepStrictEqual(offenders.map((f) => f.file), []);
    });

    it("the ground imports nothing of ours", () => {
        for (const f of files.filter((x) => x.file.startsWith("migration"))) {
            assert.deepStrictEqual(f.imports.filter((i) => !i.startsWith("migration")), [], f.file);
        }
    });

    it("the concerns under components/ form no cycle", () => {
        assert.deepStrictEqual(concernCycles(files), []);
    });

    it("the rule itself catches an upward import, a sideways one, and a cycle", () => {
        assert.deepStrictEqual(floorViolations([
            { file: "components/cilium/values.ts", imports: ["stacks/phases"] },
            { file: "gates/registry.ts", imports: ["components/cilium/values"] },
            { file: "stacks/migration.ts", imports: ["components/cilium/values", "migration/phases"] },
            { file: "gates/preflightGate.ts", imports: ["preflight/run"] },
            { file: "preflight/run.ts", imports: ["gates/verdict", "preflight/cli", "clusterReader/snapshot"] },
        ]), [
            "components/cilium/values.ts (floor 2) imports stacks/phases (floor 3)",
            "gates/registry.ts (floor 2) imports components/cilium/values (floor 2)",
            "preflight/run.ts (floor 2) imports gates/verdict (floor 2)",
            "preflight/run.ts (floor 2) imports preflight/cli (floor 4)",
        ]);
        assert.deepStrictEqual(concernCycles([
            { file: "components/a/x.ts", imports: ["components/b/y"] },
            { file: "components/b/y.ts", imports: ["components/a/z"] },
        ]), [["components/a", "components/b"]]);
    });

    it("every file stays under about 250 lines", () => {
        const long = files.filter((f) => !f.file.startsWith("tests")).map((f) => ({ file: f.file, lines: fs.readFileSync(path.join(ROOT, f.file), "utf8").split("\n").length }))
            .filter((f) => f.lines > 260);
        assert.deepStrictEqual(long, []);
    });
});
