/**
 * `npm run plan -- [--stack NAME | --config-file PATH] [--cluster-snapshot DIR] [--from N] [--to M] [--format text|markdown|json] [--policy]`
 * Exit 0 on success, 1 on invalid config, a cluster that cannot be migrated as configured or (with `--policy`) a
 * mandatory policy violated, 2 on bad usage or a snapshot that cannot answer a look-up.
 */
import * as path from "path";
import { CiliumValuesError } from "../components/cilium/values";
import { ConfigError } from "../stacks/config";
import { PhaseTransitionError } from "../stacks/guard";
import { planJson, planMarkdown, planText } from "./format";
import { AwsSnapshot, SnapshotInputError } from "./awsSnapshot";
import { PhasePlan, buildPlan } from "./plan";
import { PROJECT } from "./evaluate";
import { policyConfigOf } from "./policyConfig";
import { Policies, isMandatory, runPolicies } from "./policyRun";
import { StackFileError, migrationConfigOf, readStackFile } from "../stacks/stackFile";
import { PlanCliArgs, USAGE, UsageError, parseArgs } from "./args";

/** @param policies the policy pack's policies, for `--policy` (plan/launch.js passes them: policy/ is on plan's floor). */
export async function main(argv: string[], out: (s: string) => void, err: (s: string) => void, policies?: Policies): Promise<number> {
    if (argv.includes("--help") || argv.includes("-h")) {
        out(USAGE);
        return 0;
    }
    let args: PlanCliArgs;
    try {
        args = parseArgs(argv, process.cwd());
    } catch (e) {
        if (e instanceof UsageError) { err(`plan: ${e.message}\n${USAGE}`); return 2; }
        throw e;
    }
    if (args.policy && !policies) { err("plan: --policy needs the policy pack; run it as `npm run plan -- --policy`."); return 2; }
    try {
        const config = readStackFile(args.configFile);
        const migration = migrationConfigOf(config);
        if (migration.existingCluster && !args.clusterSnapshot) {
            err(`plan: ${path.relative(process.cwd(), args.configFile) || args.configFile} migrates the existing cluster ${migration.existingCluster.name}: ` +
                "give --cluster-snapshot DIR (written by `npm run snapshot -- --cluster NAME --out DIR`) so its AWS look-ups can be answered offline.");
            return 2;
        }
        const snapshot = args.clusterSnapshot ? new AwsSnapshot(args.clusterSnapshot) : undefined;
        const phases = await buildPlan({ config, migration, from: args.from, to: args.to, stack: args.stack, snapshot });
        if (args.policy && policies) {
            const policyConfig = policyConfigOf(migration, snapshot);
            for (const phase of phases) phase.violations = await runPolicies(policies, phase.resources, { stack: args.stack, project: PROJECT, config: policyConfig });
        }
        const render = { text: planText, markdown: planMarkdown, json: planJson }[args.format];
        out(render(phases));
        return mandatoryViolations(phases, err);
    } catch (e) {
        if (e instanceof StackFileError) { err(`plan: ${e.message}`); return e.kind === "missing" ? 2 : 1; }
        // A snapshot that cannot answer a look-up is bad input, named by file.
        if (e instanceof SnapshotInputError || (e instanceof Error && e.message.startsWith("cluster snapshot"))) { err(`plan: ${e.message}`); return 2; }
        if (e instanceof ConfigError || e instanceof CiliumValuesError || e instanceof PhaseTransitionError) {
            err(`plan: invalid config in ${path.relative(process.cwd(), args.configFile) || args.configFile}:\n${e.message}`);
            return 1;
        }
        throw e;
    }
}

/** 1 when a phase violates a mandatory policy, named on stderr with its phases; 0 otherwise. */
function mandatoryViolations(phases: PhasePlan[], err: (s: string) => void): number {
    const failing = phases.filter((p) => (p.violations ?? []).some(isMandatory));
    if (failing.length === 0) return 0;
    const count = failing.reduce((n, p) => n + (p.violations ?? []).filter(isMandatory).length, 0);
    err(`plan: ${count} mandatory policy violation${count === 1 ? "" : "s"} in phase${failing.length === 1 ? "" : "s"} ${failing.map((p) => p.number).join(", ")}.`);
    return 1;
}

if (require.main === module) {
    main(process.argv.slice(2), (s) => process.stdout.write(`${s}\n`), (s) => process.stderr.write(`${s}\n`))
        .then((code) => { process.exitCode = code; })
        .catch((e) => { process.stderr.write(`plan: unexpected error: ${e instanceof Error ? e.stack : e}\n`); process.exitCode = 3; });
}
