#!/usr/bin/env node
// `npm run plan`: runs the planner from JavaScript compiled into .build/, recompiling (transpile only, a second or
// two) any source that changed since, so `npm ci && npm run plan` works on a fresh clone and stays fast after.
// `pulumi up` does not use this: Pulumi runs the TypeScript program itself.
"use strict";
const path = require("path");

const { transpile, OUT } = require("./transpile");

/** The folders the planner runs from (everything it imports, and the policy pack for --policy; tests/planner.test.ts follows the imports to check). */
const SOURCES = ["index.ts", "migration", "clusterReader", "calico", "components", "preflight", "gates", "stacks", "plan", "policy"];

if (require.main === module) run();

function run() {
    transpile(SOURCES);
    // Bad usage is answered before the SDK loads.
    const args = require(path.join(OUT, "plan", "args.js"));
    const argv = process.argv.slice(2);
    if (!argv.includes("--help") && !argv.includes("-h")) {
        try {
            args.parseArgs(argv, process.cwd());
        } catch (e) {
            if (!(e instanceof args.UsageError)) throw e;
            process.stderr.write(`plan: ${e.message}\n${args.USAGE}\n`);
            process.exit(2);
        }
    }
    require(path.join(OUT, "plan", "fastStacks.js"));
    const { main } = require(path.join(OUT, "plan", "cli.js"));
    // plan/ and policy/ share a floor and do not import each other: the entry hands the pack's policies to the planner.
    const policies = argv.includes("--policy") ? require(path.join(OUT, "policy", "policies.js")).policies : undefined;
    main(argv, (s) => process.stdout.write(`${s}\n`), (s) => process.stderr.write(`${s}\n`), policies)
        .then((code) => { process.exitCode = code; })
        .catch((e) => {
            const hint = process.env.PLAN_STACK_TRACES ? "" : "\n(run again with PLAN_STACK_TRACES=1 to see where it came from)";
            process.stderr.write(`plan: unexpected error: ${e instanceof Error ? e.stack : e}${hint}\n`);
            process.exitCode = 3;
        });
}

module.exports = { SOURCES };
