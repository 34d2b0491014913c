// Compiles TypeScript sources into .build/ one file at a time, without type-checking (TypeScript's transpileModule):
// a second or two for the planner's sources. `npm run plan` (plan/launch.js) recompiles only what changed since.
"use strict";
const fs = require("fs");
const path = require("path");

const ROOT = path.join(__dirname, "..");
const OUT = path.join(ROOT, ".build");

function tsFiles(rel) {
    const abs = path.join(ROOT, rel);
    if (!fs.existsSync(abs)) return [];
    if (fs.statSync(abs).isFile()) return rel.endsWith(".ts") ? [rel] : [];
    return fs.readdirSync(abs).filter((name) => name !== "node_modules").flatMap((name) => tsFiles(path.join(rel, name)));
}

/** Transpiles the .ts files under `sources` (project-relative) whose .build/ copy is missing or older (all with `all`). */
function transpile(sources, { all = false } = {}) {
    const stale = sources.flatMap(tsFiles).filter((rel) => {
        if (all) return true;
        const js = path.join(OUT, rel.replace(/\.ts$/, ".js"));
        return !fs.existsSync(js) || fs.statSync(js).mtimeMs < fs.statSync(path.join(ROOT, rel)).mtimeMs;
    });
    if (stale.length === 0) return 0;
    const ts = require("typescript");
    const { config } = ts.readConfigFile(path.join(ROOT, "tsconfig.json"), ts.sys.readFile);
    const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, ROOT);
    for (const rel of stale) {
        const out = ts.transpileModule(fs.readFileSync(path.join(ROOT, rel), "utf8"), { compilerOptions: options, fileName: rel });
        const js = path.join(OUT, rel.replace(/\.ts$/, ".js"));
        fs.mkdirSync(path.dirname(js), { recursive: true });
        fs.writeFileSync(js, out.outputText);
    }
    return stale.length;
}

module.exports = { transpile, ROOT, OUT };
