/**
 * Calico in the composition (design.md, "Calico as the policy engine"): what the program learns of the install, and
 * (components/calico/) what it declares for it. program.ts and migration.ts call in here with one line each.
 */
import { existingClusterKubeconfig } from "../components/cluster/existingCluster";
import { CalicoInstall, CalicoLookups, calicoNote, lookUpCalico } from "./calicoFacts";
import { liveCalicoLookups } from "./calicoLive";
import { ExistingClusterFacts } from "./existingFacts";

/** Calico's install in the existing cluster: live from its API, or from the look-ups given (the planner's snapshot). */
export async function learnCalico(facts: ExistingClusterFacts, lookups: CalicoLookups | undefined, note: (message: string) => void): Promise<CalicoInstall> {
    const install = await lookUpCalico(lookups ?? liveCalicoLookups(existingClusterKubeconfig(facts), facts.name));
    const text = calicoNote(install);
    if (text) note(text);
    return install;
}
