/**
 * Calico in the composition (design.md, "Calico as the policy engine"): what the program learns of the install, and
 * what it declares for it (components/calico/). program.ts and migration.ts call in here with one line each.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CalicoPin } from "../components/calico/calicoPin";
import { CalicoRemoval } from "../components/calico/calicoRemoval";
import { LegacyPools } from "../migration/nodeRule";
import * as phases from "../migration/phases";
import { OPERATOR_OVERRIDES_SINCE } from "../preflight/calicoChecks";
import { CalicoInstall, CalicoLookups, INSTALLATION_NAME, calicoNote, lookUpCalico, operatorTooOld } from "./calicoFacts";
import { MigrationConfig } from "./configTypes";
import { ConfigError } from "./validate";

/** The re-check Calico's removal runs right before it acts: the legacy nodes (where calico-node runs) are drained. */
export const CALICO_REMOVAL_PRECHECKS = ["legacy-drained"];

/** Calico's install in the existing cluster, by the look-ups given (live: stacks/calicoLive.ts; the planner: its snapshot). */
export async function learnCalico(phase: phases.Phase, lookups: CalicoLookups,
    note: (message: string) => void): Promise<CalicoInstall> {
    const install = await lookUpCalico(lookups);
    // Refused before anything is declared, when this phase would pin.
    const problem = phases.awsNodePinned(phase) ? calicoPinProblem(install) : undefined;
    if (problem) throw new ConfigError([problem]);
    const text = calicoNote(install);
    if (text) note(text);
    return install;
}

/**
 * Whether calico-node is pinned at this phase: from 1 to 5 as aws-node; on the way back to 0 (the stack applied 1 or
 * more) its affinity is written once more without the pin (the patch is kept on delete, so leaving it out would keep
 * the pin); otherwise nothing is declared. Pure.
 */
export function calicoPinState(phase: phases.Phase, appliedPhase: number | undefined): "pinned" | "unpinned" | undefined {
    if (phases.awsNodePinned(phase)) return "pinned";
    return phase === phases.FIRST_PHASE && appliedPhase !== undefined && appliedPhase >= 1 ? "unpinned" : undefined;
}

/** Why the install cannot be pinned, if it cannot (checked before anything is declared). Pure. */
export function calicoPinProblem(install: CalicoInstall): string | undefined {
    if (install.kind !== "operator") return undefined;
    const old = operatorTooOld(install);
    if (old) {
        return `Calico's tigera-operator (Deployment ${install.operator}) is ${old}, older than v${OPERATOR_OVERRIDES_SINCE.major}.${OPERATOR_OVERRIDES_SINCE.minor}: ` +
            "its Installation has no `calicoNodeDaemonSet` override, so calico-node cannot be kept off Cilium nodes. " +
            `Upgrade tigera-operator to v${OPERATOR_OVERRIDES_SINCE.major}.${OPERATOR_OVERRIDES_SINCE.minor} or later, then apply this phase again.`;
    }
    if (!install.installation && install.agents.length > 0) {
        return `tigera-operator runs but there is no Installation ${INSTALLATION_NAME}, while ${install.agents.map((a) => `DaemonSet ${a.namespace}/${a.name}`).join(", ")} ` +
            "runs: the program pins calico-node through that Installation and cannot here. Restore the Installation (or remove the leftover DaemonSets), then apply again.";
    }
    return undefined;
}

export interface CalicoDeclarationArgs {
    provider: k8s.Provider;
    kubeconfig: pulumi.Input<string>;
    gateCli: string;
    /** The configured legacy pools: the removal's drained re-check refuses while a legacy node is in none of them. */
    legacyPools: LegacyPools;
    dependsOn: pulumi.Resource[];
    appliedPhase?: number;
}

/** What this phase declares for Calico: its agents' pin (1–5, and the way back to 0), or its removal (6 on). */
export function declareCalico(config: MigrationConfig, install: CalicoInstall | undefined, args: CalicoDeclarationArgs): pulumi.Resource[] {
    if (!install || install.kind === "none") return [];
    if (phases.awsNodeRemoved(config.phase)) {
        return [new CalicoRemoval("calico", {
            install: install.kind === "operator" ? { kind: "operator", operatorNamespace: install.operator?.split("/")[0] ?? "tigera-operator" } : { kind: "manifest" },
            pre: { checks: CALICO_REMOVAL_PRECHECKS, gateCli: args.gateCli, labels: config.nodeLabels, pools: args.legacyPools },
            kubeconfig: args.kubeconfig, dependsOn: args.dependsOn,
        })];
    }
    const state = calicoPinState(config.phase, args.appliedPhase);
    if (!state) return [];
    const problem = calicoPinProblem(install);
    if (problem) throw new ConfigError([problem]);
    if (install.kind === "operator" && (!install.installation || install.agents.length === 0)) return [];
    return [new CalicoPin("calico", {
        install: install.kind === "operator" ? { kind: "operator", installation: INSTALLATION_NAME, agents: install.agents } : install,
        pinned: state === "pinned", labels: config.nodeLabels, provider: args.provider, dependsOn: args.dependsOn,
    })];
}
