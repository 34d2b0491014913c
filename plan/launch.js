#!/usr/bin/env node
// `npm run plan`: runs the planner from JavaScript compiled into .build/, recompiling (transpile only, a second or
// two) any source that changed since, so `npm ci && npm run plan` works on a fresh clone and stays fast after.
// `pulumi up` does not use this: Pulumi runs the TypeScript program itself.
"use strict";
const fs = require("fs");
const path = require("path");

const ROOT = path.join(__dirname, "..");
const OUT = path.join(ROOT, ".build");
/** The folders the planner runs from (everything but tests, benchmarks and the CI tools). */
const SOURCES = ["index.ts", "migration", "components", "gates", "stacks", "plan"];

function tsFiles(rel) {
    const abs = path.join(ROOT, rel);
    if (fs.statSync(abs).isFile()) return rel.endsWith(".ts") ? [rel] : [];
    return fs.readdirSync(abs).flatMap((name) => tsFiles(path.join(rel, name)));
}

function compileStale() {
    let ts;
    const stale = SOURCES.flatMap(tsFiles).filter((rel) => {
        const js = path.join(OUT, rel.replace(/\.ts$/, ".js"));
        return !fs.existsSync(js) || fs.statSync(js).mtimeMs < fs.statSync(path.join(ROOT, rel)).mtimeMs;
    });
    if (stale.length === 0) return;
    ts = require("typescript");
    const { config } = ts.readConfigFile(path.join(ROOT, "tsconfig.json"), ts.sys.readFile);
    const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, ROOT);
    for (const rel of stale) {
        const out = ts.transpileModule(fs.readFileSync(path.join(ROOT, rel), "utf8"), { compilerOptions: options, fileName: rel });
        const js = path.join(OUT, rel.replace(/\.ts$/, ".js"));
        fs.mkdirSync(path.dirname(js), { recursive: true });
        fs.writeFileSync(js, out.outputText);
    }
}

compileStale();
require(path.join(OUT, "plan", "fastStacks.js"));
const { main } = require(path.join(OUT, "plan", "cli.js"));
main(process.argv.slice(2), (s) => process.stdout.write(`${s}\n`), (s) => process.stderr.write(`${s}\n`))
    .then((code) => { process.exitCode = code; })
    .catch((e) => {
        const hint = process.env.PLAN_STACK_TRACES ? "" : "\n(run again with PLAN_STACK_TRACES=1 to see where it came from)";
        process.stderr.write(`plan: unexpected error: ${e instanceof Error ? e.stack : e}${hint}\n`);
        process.exitCode = 3;
    });
