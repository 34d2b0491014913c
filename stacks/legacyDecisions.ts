/** What a phase means for the steps that move workloads off the legacy nodes (cordon, drain, scale-down). */
import { LegacyStepsArgs } from "../components/nodePools/legacySteps";
import { ConnectivityCheck } from "../components/connectivity/connectivityCheck";
import * as phases from "../migration/phases";
import * as pulumi from "@pulumi/pulumi";
import { MigrationConfig } from "./configTypes";

export type LegacyStepDecisions = Omit<LegacyStepsArgs, "scaleToZeroAfter" | "stepsDependOn">;

export function legacyStepDecisions(config: MigrationConfig, kubeconfig: pulumi.Input<string>, gateCli: string,
    connectivity?: ConnectivityCheck): LegacyStepDecisions {
    const { phase } = config;
    return {
        labels: config.nodeLabels,
        // Phases 1–7 by the rule; from 8, where an unlabelled node runs Cilium, by the legacy marker.
        legacyBy: phases.cnisCoexist(phase) ? "rule" : "marker",
        kubeconfig,
        cordon: phases.legacyCordoned(phase),
        restartAfterCordon: connectivity ? [{ namespace: connectivity.namespace, name: connectivity.name }] : [],
        drain: phases.legacyDrained(phase),
        drainOptions: config.drain,
        // Right before evicting: the pool is cordoned and the new pool is ready to take the pods.
        drainPreChecks: ["legacy-cordoned", "cilium-ready"],
        gateCli,
        scaleToZero: phases.legacyScaledToZero(phase),
        scaleDownPreChecks: ["legacy-drained"],
    };
}
