/**
 * When the program may trust a re-derived set of Calico's converted policies over what this stack recorded (output
 * `calicoConvertedPolicies`), and when it must refuse (design.md, "Calico as the policy engine"; issue 20's review).
 * Whatever the program declares is what Pulumi keeps: a converted policy missing from the set is deleted, and deleting
 * a converted Deny opens traffic. So a set is re-derived only from a complete read (every Calico policy API served),
 * never smaller than the record without a reason the user gave (the Calico original deleted), never empty over a
 * non-empty record. Pure.
 */
import { CALICO_POLICY_PARTS, Obj } from "./calicoFacts";
import { KUBECTL_FILES } from "../migration/snapshotFiles";
import { ConfigError } from "./validate";

const OUTPUT = "calicoConvertedPolicies";


/** The Calico policy APIs the cluster does not serve (by resource), of those the conversion reads. */
export function unservedPolicyApis(served: Obj[]): string[] {
    const names = new Set(served.map((o) => o.metadata?.name));
    return CALICO_POLICY_PARTS.filter((p) => !names.has(p)).map((p) => KUBECTL_FILES[p].resource);
}

/** Refusal: a partial read with no record to fall back on. */
export function partialReadRefusal(clusterName: string, phase: number, unserved: string[]): ConfigError {
    return new ConfigError([`\`calico.applyConvertedPolicies\` is true at phase ${phase}, but cluster ${clusterName} does not serve Calico's ` +
        `${unserved.join(", ")} (its CRDs are gone or going) and this stack recorded no converted policies (output \`${OUTPUT}\`): a conversion of what is ` +
        "left would miss policies and Pulumi would delete their Cilium conversions. Restore the output from the stack's history (pulumi stack history / " +
        "pulumi stack export) if an earlier update recorded it, or restore Calico's CRDs and policies, then apply again."]);
}

export interface Rederived { objects: Obj[]; withheld: { calico: string; reasons: string[] }[] }

/**
 * The re-derived set checked against the record: a recorded object it lacks is dropped (with a note) only when its
 * Calico original is gone; with the original still there (now withheld, or no longer converted) the update is refused.
 * `originals`: the refs of every Calico policy and network set read now (`GlobalNetworkPolicy/default-deny`).
 */
export function checkAgainstRecord(record: Obj[], found: Rederived, _originals: Set<string>): string[] {
    if (record.length > 0 && found.objects.length === 0) {
        throw new ConfigError([`\`calico.applyConvertedPolicies\`: this stack recorded ${record.length} converted object(s) (output \`${OUTPUT}\`), but converting ` +
            "Calico's policies now yields none: the program does not replace a record with an empty set (Pulumi would delete every converted policy). " +
            "If Calico's policies were deleted on purpose and their conversions should go too, delete the Cilium objects by hand after removing each from " +
            "the stack's state (pulumi state delete URN), then set `calico.applyConvertedPolicies` to false."]);
    }
    return [];
}
