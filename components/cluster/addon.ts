/**
 * An EKS managed add-on the migration owns or adopts.
 * - Created (the demo cluster): `preserve: true` — removing the add-on must not take its DaemonSet with it before
 *   the pre-checked removal step has run; OVERWRITE — the add-on's configuration (aws-node's affinity) wins.
 * - Adopted (an existing cluster's): imported with the `import` option, its inputs taken from the live description
 *   (version, configuration, service-account role, Pod Identity associations, tags) so the import is
 *   followed by no update. The update that adopts it declares nothing the EKS API does not return but `preserve` (no
 *   API field: the provider reads it only when deleting); from the next update on, OVERWRITE applies as above. Import ID: `<cluster>:<add-on>` (the AWS provider's).
 * - Re-created (`recreate`: an adopted add-on the migration removed, on the way back): created from the description the
 *   stack recorded when it adopted it, so its settings come back with it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** What `aws eks describe-addon` (or the provider's getAddon) says of an add-on. */
export interface AddonDescription {
    name: string;
    version?: string;
    /** JSON or YAML text, exactly as EKS returns it. */
    configurationValues?: string;
    serviceAccountRoleArn?: string;
    podIdentityAssociations: { roleArn: string; serviceAccount: string }[];
    tags: Record<string, string>;
    /** Not in the cluster now: created again from this (recorded) description, not imported. */
    recreate?: boolean;
}

export interface EksAddonArgs {
    clusterName: pulumi.Input<string>;
    addonName: string;
    /** Default: none (created) or the live value (adopted). */
    configurationValues?: string;
    tags?: Record<string, string>;
    /** Adopt this existing add-on instead of creating one. */
    adopt?: {
        clusterName: string;
        description: AddonDescription;
        /** This update adopts it: declare only what the API returns. */
        adoptingNow: boolean;
        /**
         * Refuse to delete it (a `pulumi destroy`, a mistaken program): while adopted without `preserve`, deleting it
         * would take aws-node or kube-proxy off every node. Lifted the phase before the migration removes it.
         */
        protect: boolean;
    };
}

export function eksAddon(name: string, args: EksAddonArgs, opts: pulumi.CustomResourceOptions): aws.eks.Addon {
    const owned = { resolveConflictsOnUpdate: "OVERWRITE", preserve: true };
    if (args.adopt) {
        const d = args.adopt.description;
        const importing = !d.recreate;
        return new aws.eks.Addon(name, {
            clusterName: args.clusterName,
            addonName: args.addonName,
            addonVersion: d.version,
            configurationValues: args.configurationValues ?? d.configurationValues,
            serviceAccountRoleArn: d.serviceAccountRoleArn,
            podIdentityAssociations: d.podIdentityAssociations.length > 0 ? d.podIdentityAssociations : undefined,
            tags: d.tags,
            // `preserve` is no API field (only DeleteAddon reads it), so declaring it at adoption costs no call; without
            // it a phase skip from the adopting state (allowPhaseSkip 0 → 6) would delete the add-on with that state,
            // and EKS would delete its objects: ServiceAccount, RBAC, CRDs and with them every ENIConfig.
            ...(!importing ? { resolveConflictsOnCreate: "OVERWRITE", ...owned } : args.adopt.adoptingNow ? { preserve: true } : owned),
        }, { ...opts, protect: args.adopt.protect, ...(importing ? { import: `${args.adopt.clusterName}:${args.addonName}` } : {}) });
    }
    return new aws.eks.Addon(name, {
        clusterName: args.clusterName,
        addonName: args.addonName,
        configurationValues: args.configurationValues,
        resolveConflictsOnCreate: "OVERWRITE",
        ...owned,
        tags: args.tags,
    }, opts);
}
