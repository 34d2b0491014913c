/**
 * A phase's gate: a `@pulumi/command` step that runs the phase's checks (gates/) against the cluster, polling up
 * to `timeout`, and fails the update with the failing check's reason. It runs on create and whenever `triggers`
 * change (the program passes the target phase and the config), so a gate is re-proven on every phase change; it
 * never runs during `pulumi preview`. The kubeconfig is passed as a secret and removed when the step ends.
 */
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { NodeLabels } from "../../migration/names";
import { LegacyPools } from "../../migration/nodeRule";
import { PreflightGateArgs, gateScript } from "../clusterSteps/scripts";
import { clusterStep } from "../clusterSteps/clusterStep";

export interface GateArgs {
    /** Check names, run in order (e.g. ["cilium-ready", "connectivity"]). None: the step only says so. */
    checks: string[];
    kubeconfig: pulumi.Input<string>;
    /** The gate CLI command line. */
    gateCli: string;
    /** How long each check polls before it fails, e.g. "15m". */
    timeout: string;
    labels: NodeLabels;
    /** For a `preflight` check: the stack's choices and the EKS cluster (scripts.ts `PreflightGateArgs`). */
    preflight?: PreflightGateArgs;
    /** Phase 8 on: Cilium runs on every node, only the legacy marker tells a legacy node (`--cilium-everywhere`). */
    ciliumEverywhere?: boolean;
    /** The stack's legacy pools, told to every check (`--legacy-nodegroups`, `--legacy-nodepools`, `--legacy-asgs`). Default: not told. */
    pools?: LegacyPools;
    /** A change re-runs the gate. */
    triggers: pulumi.Input<unknown>[];
    /** Everything the gate proves (the phase's resources). */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export class Gate extends pulumi.ComponentResource {
    public readonly check: command.local.Command;
    public readonly checks: string[];

    constructor(name: string, args: GateArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-cilium-migration:index:Gate", name, {}, opts);
        this.checks = args.checks;
        this.check = clusterStep(`${name}-check`, {
            kubeconfig: args.kubeconfig,
            create: gateScript(args),
            triggers: args.triggers,
        }, { parent: this, dependsOn: args.dependsOn });
        this.registerOutputs({ checks: this.checks });
    }
}
