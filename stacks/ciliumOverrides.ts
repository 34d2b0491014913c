/**
 * `cilium.values` checked against the keys the migration depends on, worded in phases: the stack is the one place
 * that knows them. Runs before anything is declared, so a refused override stops the update with nothing changed.
 */
import { assertOverridesAllowed } from "../components/cilium/overrides";
import { FIRST_STEADY_PHASE, Phase, cnisCoexist, kubeProxyReplaced, phaseName } from "../migration/phases";

/** What a phase means for the Cilium release. */
export const ciliumDecisions = (phase: Phase) => ({ bothCnisRun: cnisCoexist(phase), kubeProxyReplacement: kubeProxyReplaced(phase) });

export function assertCiliumOverridesAllowed(phase: Phase, overrides: Record<string, unknown>): void {
    assertOverridesAllowed(overrides, {
        bothCnisRun: cnisCoexist(phase),
        wording: {
            before: `phase ${FIRST_STEADY_PHASE} (${phaseName(FIRST_STEADY_PHASE)})`,
            now: `phase is ${phase} (${phaseName(phase)})`,
            until: `phase ${FIRST_STEADY_PHASE}`,
        },
    });
}
