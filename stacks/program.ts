/**
 * The program: config → transition guard → components → outputs. `index.ts` exports it; the planner and the tests
 * call it in-process under the SDK's mock runtime.
 */
import * as pulumi from "@pulumi/pulumi";
import { loadConfig } from "./config";
import { assertTransitionAllowed } from "./guard";
import { buildMigration, MigrationOptions } from "./migration";
import { phaseName } from "../migration/phases";

export const APPLIED_PHASE_OUTPUT = "appliedPhase";

export interface ProgramOptions extends MigrationOptions {
    /** Where progress messages go. Default: the Pulumi log (shown by `pulumi up`). */
    log?: (message: string) => void;
}

/**
 * The phase of this stack's last successful update, from its own outputs (a StackReference to itself), or
 * undefined on a first deployment.
 */
export async function readAppliedPhase(): Promise<unknown> {
    const self = new pulumi.StackReference("applied-phase", {
        name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`,
    });
    const details = await self.getOutputDetails(APPLIED_PHASE_OUTPUT);
    return details.value ?? details.secretValue;
}

export async function migrationProgram(options: ProgramOptions = {}): Promise<Record<string, unknown>> {
    const config = loadConfig();
    const applied = await readAppliedPhase();
    const decision = assertTransitionAllowed({
        requested: config.phase,
        applied,
        allowPhaseSkip: config.allowPhaseSkip,
        allowUnsafeRollback: config.allowUnsafeRollback,
    });
    const log = options.log ?? ((message: string) => pulumi.log.info(message));
    log(`eks-cilium-migration: ${decision.kind}, last applied phase ${applied ?? "none"} → phase ${config.phase} (${phaseName(config.phase)})`);

    const migration = buildMigration(config, options);
    return {
        // Only recorded once this phase's gate has passed: a failed update leaves the previous value, so the guard
        // never mistakes a half-applied phase for a proven one.
        [APPLIED_PHASE_OUTPUT]: migration.exitGate.check.id.apply(() => config.phase),
        phaseName: phaseName(config.phase),
        gate: migration.exitGate.checks,
        clusterName: migration.cluster.eksClusterName,
        clusterEndpoint: migration.cluster.endpoint,
        oidcProviderArn: migration.cluster.oidcProviderArn,
        kubeconfig: migration.cluster.kubeconfig,
        ciliumOperatorRoleArn: migration.cilium?.operatorRole.arn,
    };
}
