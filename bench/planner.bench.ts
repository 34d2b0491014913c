/**
 * `npm run bench` (second part): how long the offline planner and the test suite take, against what they cannot go
 * below. Not a test: nothing here is asserted.
 * - SDK load: a bare `node` requiring @pulumi/pulumi, aws, awsx, eks, kubernetes and command — the floor of any run
 *   of the program;
 * - planner: `npm run plan -- --format json` for Pulumi.dev.yaml, all ten phases, compiled output already fresh; and
 *   for Pulumi.existing.yaml from the example cluster snapshot (examples/prod-east);
 * - npm test: one whole run (type-check, lint and the suite), against the 40 s budget.
 * Medians of 5 runs (1 for npm test; `--no-test` skips it).
 */
import { execFileSync } from "child_process";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..");
const SDK = ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/awsx", "@pulumi/eks", "@pulumi/kubernetes", "@pulumi/command"];
const TEST_BUDGET_S = 40;
const RATIO_GOAL = 2.5;

function seconds(command: string, args: string[], runs: number): number {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
        const t0 = process.hrtime.bigint();
        execFileSync(command, args, { cwd: ROOT, stdio: "ignore", maxBuffer: 64 * 2 ** 20 });
        times.push(Number(process.hrtime.bigint() - t0) / 1e9);
    }
    return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

function main(): void {
    console.log(`\nplanner and test suite — ${os.cpus()[0]?.model ?? "?"} × ${os.cpus().length}, Node ${process.version}`);
    const load = seconds(process.execPath, ["-e", SDK.map((m) => `require(${JSON.stringify(m)})`).join(";")], 5);
    seconds(process.execPath, ["plan/launch.js", "--format", "json"], 1); // compiles whatever changed
    const plan = seconds(process.execPath, ["plan/launch.js", "--format", "json"], 5);
    const existing = seconds(process.execPath, ["plan/launch.js", "--stack", "existing", "--cluster-snapshot", "examples/prod-east", "--format", "json"], 5);
    console.log("| measure | seconds | ratio | goal |");
    console.log("|---|---:|---:|---|");
    console.log(`| SDK load (require of ${SDK.length} packages) | ${load.toFixed(2)} | 1.00 | — |`);
    console.log(`| npm run plan, all ten phases | ${plan.toFixed(2)} | ${(plan / load).toFixed(2)} × SDK load | ≤ ${RATIO_GOAL} × |`);
    console.log(`| npm run plan, an existing cluster from its snapshot | ${existing.toFixed(2)} | ${(existing / load).toFixed(2)} × SDK load | ≤ ${RATIO_GOAL} × |`);
    if (!process.argv.includes("--no-test")) {
        const test = seconds("npm", ["test"], 1);
        console.log(`| npm test | ${test.toFixed(1)} | ${(test / TEST_BUDGET_S).toFixed(2)} × budget | < ${TEST_BUDGET_S} s |`);
    }
}

main();
