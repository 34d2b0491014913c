/**
 * One step against the cluster, run by `@pulumi/command` on the machine running `pulumi up` (never during
 * preview). The kubeconfig travels only as a secret environment variable; the scripts (steps/scripts.ts) write it
 * to a private temp file removed on exit and never print it.
 */
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { KUBECONFIG_ENV } from "./scripts";

export interface ClusterStepArgs {
    /** The kubeconfig (JSON or YAML text). Passed on as a secret. */
    kubeconfig: pulumi.Input<string>;
    /** Script run when the step is created (and when its inputs change). */
    create: string;
    /** Script run when the step is removed from the program (rollback or destroy). Default: nothing. */
    delete?: string;
    /** Values whose change re-runs the step as a replacement. */
    triggers?: pulumi.Input<unknown>[];
}

export function clusterStep(name: string, args: ClusterStepArgs, opts: pulumi.CustomResourceOptions): command.local.Command {
    return new command.local.Command(name, {
        interpreter: ["/bin/bash", "-c"],
        create: args.create,
        // An input change re-runs `create`: every script is idempotent.
        update: args.create,
        delete: args.delete,
        environment: { [KUBECONFIG_ENV]: pulumi.secret(args.kubeconfig) },
        triggers: args.triggers,
    }, opts);
}
