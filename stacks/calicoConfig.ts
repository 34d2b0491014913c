/**
 * `calico` in the stack config (design.md, "Calico as the policy engine"): `applyConvertedPolicies` (default false)
 * has the program declare Calico's policies, converted (calico/convert.ts), as Cilium's from phase 3. Pure.
 */
import { INVALID, Problems, bool, isPlainObject, noUnknownKeys } from "./validate";

export interface CalicoConfig {
    /** Declare the converted CiliumNetworkPolicies / CiliumClusterwideNetworkPolicies / CiliumCIDRGroups from phase 3. */
    applyConvertedPolicies: boolean;
}

export const DEFAULT_CALICO: CalicoConfig = { applyConvertedPolicies: false };

export function parseCalico(p: Problems, value: unknown): CalicoConfig {
    if (value === undefined) return DEFAULT_CALICO;
    if (value === INVALID) return undefined as unknown as CalicoConfig;
    if (!isPlainObject(value)) {
        p.add(`\`calico\` is ${JSON.stringify(value)}; it must be an object: {applyConvertedPolicies}.`);
        return undefined as unknown as CalicoConfig;
    }
    noUnknownKeys(p, "calico", value, ["applyConvertedPolicies"]);
    const apply = bool(p, "calico.applyConvertedPolicies", value.applyConvertedPolicies ?? false);
    return { applyConvertedPolicies: apply ?? false };
}

/**
 * The keys `calico.applyConvertedPolicies: true` cannot go with: Cilium's policy enforcement switched off while both
 * pools run (`never` switches the converted policies off on Cilium nodes in phases 2–7, when they are the only ones
 * protecting a drained workload), and a cluster this program creates (it has no Calico). Pure.
 */
export function calicoConfigProblems(calico: CalicoConfig | undefined, policyDuringMigration: string | undefined, existing: boolean): string[] {
    if (!calico?.applyConvertedPolicies) return [];
    const problems: string[] = [];
    if (policyDuringMigration === "never") {
        problems.push("`calico.applyConvertedPolicies` is true and `cilium.policyDuringMigration` is \"never\": Cilium would not enforce the " +
            "converted Calico policies on Cilium nodes in phases 2–7, while they are the only ones protecting a drained workload. " +
            "Set `cilium.policyDuringMigration` to \"default\" (allowed with it), or `calico.applyConvertedPolicies` to false.");
    }
    if (!existing) {
        problems.push("`calico.applyConvertedPolicies` is true, but this stack creates its own (demo) cluster, which runs no Calico: " +
            "the key is for an `existingCluster` with a Calico install. Remove it, or set it to false.");
    }
    return problems;
}
