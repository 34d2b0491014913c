/**
 * When the program may trust a re-derived set of Calico's converted policies over what this stack recorded (output
 * `calicoConvertedPolicies`), and when it must refuse (design.md, "Calico as the policy engine"; issue 20's review).
 * Whatever the program declares is what Pulumi keeps: a converted policy missing from the set is deleted, and deleting
 * a converted Deny opens traffic. So a set is re-derived only from a complete read (every Calico policy API served),
 * never smaller than the record without a reason the user gave (the Calico original deleted), never empty over a
 * non-empty record. Pure.
 */
import { SOURCE_ANNOTATION } from "../calico/convert";
import { CALICO_POLICY_PARTS, Obj } from "./calicoFacts";
import { KUBECTL_FILES } from "../migration/snapshotFiles";
import { ConfigError } from "./validate";

/** This stack's output recording the converted objects it declared (read back once Calico's CRDs are gone). */
export const CONVERTED_POLICIES_OUTPUT = "calicoConvertedPolicies";

/** An object's identity in the record and in Pulumi's state: kind, namespace, name. */
const identity = (o: Obj) => `${o.kind}/${o.metadata?.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata?.name}`;
const originOf = (o: Obj): string | undefined => o.metadata?.annotations?.[SOURCE_ANNOTATION];

/** The Calico policy APIs the cluster does not serve (by resource), of those the conversion reads. */
export function unservedPolicyApis(served: Obj[]): string[] {
    const names = new Set(served.map((o) => o.metadata?.name));
    return CALICO_POLICY_PARTS.filter((p) => !names.has(p)).map((p) => KUBECTL_FILES[p].resource);
}

/** Refusal: a partial read with no record to fall back on. */
export function partialReadRefusal(clusterName: string, phase: number, unserved: string[]): ConfigError {
    return new ConfigError([`\`calico.applyConvertedPolicies\` is true at phase ${phase}, but cluster ${clusterName} does not serve Calico's ` +
        `${unserved.join(", ")} (its CRDs are gone or going) and this stack recorded no converted policies (output \`${CONVERTED_POLICIES_OUTPUT}\`): a conversion of what is ` +
        "left would miss policies and Pulumi would delete their Cilium conversions. Restore the output from the stack's history (pulumi stack history / " +
        "pulumi stack export) if an earlier update recorded it, or restore Calico's CRDs and policies, then apply again."]);
}

export interface Rederived { objects: Obj[]; withheld: { calico: string; reasons: string[] }[] }

/**
 * The re-derived set checked against the record: a recorded object it lacks is dropped (with a note) only when its
 * Calico original is gone; with the original still there (now withheld, or no longer converted) the update is refused.
 * `originals`: the refs of every Calico policy read now (`GlobalNetworkPolicy/default-deny`). A CIDR group goes with
 * the policies that name it (the converter emits a group only for a policy it emits).
 */
export function checkAgainstRecord(record: Obj[], found: Rederived, originals: Set<string>): string[] {
    if (record.length > 0 && found.objects.length === 0) {
        throw new ConfigError([`\`calico.applyConvertedPolicies\`: this stack recorded ${record.length} converted object(s) (output \`${CONVERTED_POLICIES_OUTPUT}\`), but converting ` +
            "Calico's policies now yields none: the program does not replace a record with an empty set (Pulumi would delete every converted policy). " +
            "If Calico's policies were deleted on purpose and their conversions should go too, delete the Cilium objects by hand after removing each from " +
            "the stack's state (pulumi state delete URN), then set `calico.applyConvertedPolicies` to false."]);
    }
    const now = new Set(found.objects.map(identity));
    const lost = record.filter((o) => !now.has(identity(o)));
    const kept = lost.filter((o) => o.kind !== "CiliumCIDRGroup" && originals.has(originOf(o) ?? ""));
    if (kept.length > 0) {
        throw new ConfigError(kept.map((o) => {
            const origin = originOf(o)!;
            const withheld = found.withheld.find((w) => w.calico === origin);
            const why = withheld ? `it is now withheld (${withheld.reasons.join("; ")})` : "today's conversion no longer emits it";
            return `${identity(o)} (converted from ${origin}, recorded in output \`${CONVERTED_POLICIES_OUTPUT}\`) would be deleted: ${why}, while ${origin} still exists. ` +
                `Deleting a converted policy can open traffic Calico still closes. Fix ${origin} so it converts exactly (npm run convert-policies says why it does not), ` +
                "or delete it: a Calico policy deleted on purpose removes its conversion with it.";
        }));
    }
    return lost.filter((o) => o.kind !== "CiliumCIDRGroup").map((o) =>
        `Calico's converted policies: ${identity(o)} is deleted: its Calico original ${originOf(o) ?? "(unknown)"} no longer exists.`);
}
