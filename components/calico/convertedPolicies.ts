/**
 * Calico's policies, converted (calico/convert.ts), declared as Cilium's own objects (design.md, "Calico as the policy
 * engine"): each `CiliumNetworkPolicy`, `CiliumClusterwideNetworkPolicy` and `CiliumCIDRGroup` a custom resource of
 * its own, on the cluster's provider. The CRDs are Cilium's (cilium-operator registers them when it starts), so the
 * caller makes these wait for the Cilium release; the CIDR groups come before the policies whose `cidrGroupRef`
 * names them. Everything comes through args.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

export const CONVERTED_KINDS = ["CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy", "CiliumCIDRGroup"] as const;

export interface ConvertedPoliciesArgs {
    /** The converted objects, exactly as they are to be applied (apiVersion, kind, metadata, spec or specs). */
    objects: Obj[];
    provider: k8s.Provider;
    dependsOn: pulumi.Resource[];
}

/** A resource name per object, unique within the stack: kind, namespace and name. Pure. */
export function convertedResourceName(prefix: string, o: Obj): string {
    return [prefix, String(o.kind).replace(/^Cilium/, "").toLowerCase(), o.metadata?.namespace, o.metadata?.name].filter(Boolean).join("-");
}

export class ConvertedCiliumPolicies extends pulumi.ComponentResource {
    public readonly resources: k8s.apiextensions.CustomResource[];

    constructor(name: string, args: ConvertedPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-cilium-migration:index:ConvertedCiliumPolicies", name, {}, opts);
        const declare = (o: Obj, dependsOn: pulumi.Resource[]) => {
            const { apiVersion, kind, metadata, ...rest } = o;
            return new k8s.apiextensions.CustomResource(convertedResourceName(name, o), { apiVersion, kind, metadata, ...rest },
                { parent: this, provider: args.provider, dependsOn });
        };
        const groups = args.objects.filter((o) => o.kind === "CiliumCIDRGroup").map((o) => declare(o, args.dependsOn));
        const policies = args.objects.filter((o) => o.kind !== "CiliumCIDRGroup").map((o) => declare(o, [...args.dependsOn, ...groups]));
        this.resources = [...groups, ...policies];
        this.registerOutputs({});
    }
}
