/**
 * The Karpenter steps' shell scripts (pure; shared rules in components/clusterSteps/scripts.ts): each re-checks its
 * precondition right before it acts.
 * - NodeClaims are deleted one at a time, each waited for: `kubectl delete nodeclaim` makes Karpenter drain the node
 *   gracefully (eviction API, PodDisruptionBudgets) and terminate the instance (docs/field-notes.md, "Karpenter");
 *   deleting the NodePool instead would drain all of them at once, budgets ignored.
 * - A NodePool is deleted only when it owns no NodeClaim, counted right before the delete.
 */
import { KARPENTER_NODEPOOL_LABEL } from "../../migration/nodeRule";
import { PreChecks, preCheckLines, shellQuote, withKubeconfig } from "../clusterSteps/scripts";

/** How long one NodeClaim's graceful termination may take before the step fails (and can be re-run). */
export const NODECLAIM_TIMEOUT = "30m";

/** Lists a NodePool's NodeClaims into the bash array `claims`; a failing kubectl stops the step (never "none"). */
function listClaims(pool: string): string {
    return [
        `claim_list="$(kubectl get nodeclaims.karpenter.sh -l ${shellQuote(`${KARPENTER_NODEPOOL_LABEL}=${pool}`)} -o name)"`,
        "claims=()",
        'if [ -n "$claim_list" ]; then mapfile -t claims <<<"$claim_list"; fi',
    ].join("\n");
}

/** Deletes a NodePool's NodeClaims one at a time, after the pre-checks (e.g. `legacy-drained`). */
export function deleteNodeClaimsScript(pool: string, pre: PreChecks): string {
    return withKubeconfig(`
${preCheckLines(pre)}
${listClaims(pool)}
echo "NodePool ${pool}: \${#claims[@]} NodeClaim(s) to delete, one at a time"
for claim in "\${claims[@]}"; do
  echo "deleting $claim (Karpenter drains its node and terminates the instance)"
  # Karpenter may have removed it meanwhile (spot interruption, expiry): gone is done.
  kubectl delete "$claim" --ignore-not-found --wait=true --timeout=${NODECLAIM_TIMEOUT}
done
echo "NodePool ${pool}: no NodeClaim left"`);
}

/** Deletes a NodePool, refusing while it owns a NodeClaim (counted right before). */
export function deleteNodePoolScript(pool: string): string {
    return withKubeconfig(`
${listClaims(pool)}
if [ "\${#claims[@]}" -gt 0 ]; then
  echo "NodePool ${pool} still owns \${#claims[@]} NodeClaim(s) (\${claims[*]}): deleting it would drain them all at once, budgets ignored; not deleted" >&2
  exit 1
fi
# Only "not found" means gone: any other error (403, a timeout) fails the step, which the next update runs again.
found="$(kubectl get nodepools.karpenter.sh ${shellQuote(pool)} -o name --ignore-not-found)"
if [ -n "$found" ]; then
  kubectl delete nodepools.karpenter.sh ${shellQuote(pool)} --wait=true
  echo "NodePool ${pool} deleted (it owned no NodeClaim)"
else
  echo "NodePool ${pool} is already gone"
fi`);
}

/**
 * Writes a legacy NodePool's originals back (the delete of its hand-back step): server-side apply with the patch's
 * field manager, \`--force-conflicts\` as the patch itself (\`pulumi.com/patchForce\`). A NodePool already gone is left
 * gone: an apply would try to create it.
 */
export function handBackScript(pool: string, doc: object, fieldManager: string): string {
    return withKubeconfig(`
found="$(kubectl get nodepools.karpenter.sh ${shellQuote(pool)} -o name --ignore-not-found)"
if [ -z "$found" ]; then echo "NodePool ${pool} is gone: nothing to write back"; exit 0; fi
kubectl apply --server-side --field-manager=${shellQuote(fieldManager)} --force-conflicts -f - <<'ORIGINALS'
${JSON.stringify(doc)}
ORIGINALS
echo "NodePool ${pool}: its originals written back (the migration's patch handed back)"`);
}
