#!/usr/bin/env node
// `npm test`: lint, and — side by side on the second core — type-check and compile once (tsc → .build/), then run
// the suite on the compiled JavaScript. Each one's output is printed whole when it ends; fails if any fails.
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");
const path = require("path");

const ROOT = path.join(__dirname, "..");
const bin = (name) => path.join(ROOT, "node_modules", ".bin", name);

function run(label, command, args) {
    return new Promise((resolve) => {
        const started = Date.now();
        const child = spawn(command, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        child.stdout.on("data", (d) => { output += d; });
        child.stderr.on("data", (d) => { output += d; });
        child.on("close", (code) => {
            process.stdout.write(`\n> ${label} (${((Date.now() - started) / 1000).toFixed(1)} s, exit ${code})\n${output}`);
            resolve(code ?? 1);
        });
    });
}

(async () => {
    // A fresh .build/: a test file renamed or removed must not run on from an old compiled copy.
    fs.rmSync(path.join(ROOT, ".build"), { recursive: true, force: true });
    const lint = run("eslint", bin("eslint"), ["."]);
    const built = await run("tsc: type-check and compile to .build/", bin("tsc"), ["-p", "tsconfig.json"]);
    const tested = built === 0 ? await run("mocha (.build/tests)", bin("mocha"), []) : built;
    const codes = [built, tested, await lint];
    process.exitCode = codes.find((c) => c !== 0) ?? 0;
})();
