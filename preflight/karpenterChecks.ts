/**
 * Karpenter's NodePools (design.md, "Karpenter NodePools" and the "Preflight" table; facts in docs/field-notes.md,
 * "Karpenter"): whether every NodePool is migrated (`karpenter`), legacy nodes that expire during the migration
 * (`karpenter-expiry`: expiry is forceful and ignores budgets), static pools that cannot be stopped
 * (`karpenter-static-capacity`), and the twins' pod density (`karpenter-pod-density`, aws/karpenter-provider-aws#5780).
 */
import { DEFAULT_EXPIRE_AFTER, TWIN_OF_LABEL, expireAfterMs } from "../migration/karpenter";
import { KARPENTER_NODEPOOL_LABEL } from "../migration/nodeRule";
import { PreflightCheck, some } from "./check";
import { itemsOf, labelsOf, nameOf, qualified } from "./objects";
import { Obj, PreflightContext, PreflightInput } from "./types";

/** A legacy NodeClaim expiring within this window of now is reported. */
export const EXPIRY_WINDOW_MS = 7 * 24 * 3_600_000;

const isTwinPool = (np: Obj): boolean => labelsOf(np)[TWIN_OF_LABEL] !== undefined;

/** Unset `existingCluster.nodePools`: every NodePool the cluster has but the twins (none known without nodepools.json). */
export const defaultNodePools = (input: PreflightInput): string[] => itemsOf(input.nodepools).filter((np) => !isTwinPool(np)).map(nameOf);

/** The NodePools the stack migrates (the context resolves an unset `nodePools`); none for the demo's stack. */
export function legacyNodePools(ctx: PreflightContext): Obj[] {
    if (ctx.options.legacy.kind === "node-group") return [];
    const listed = ctx.options.nodePools ?? [];
    return itemsOf(ctx.input.nodepools).filter((np) => !isTwinPool(np) && listed.includes(nameOf(np)));
}

const karpenterDeployments = (ctx: PreflightContext): string[] => itemsOf(ctx.input.deployments)
    .filter((d) => labelsOf(d)["app.kubernetes.io/name"] === "karpenter" || d.metadata?.name === "karpenter").map(qualified);

/** When a NodeClaim expires: its own `spec.expireAfter` (copied from its pool at launch), else its pool's, else 720h. */
export function expiresAt(claim: Obj, pool: Obj | undefined): number {
    const after = claim.spec?.expireAfter ?? pool?.spec?.template?.spec?.expireAfter ?? DEFAULT_EXPIRE_AFTER;
    return Date.parse(claim.metadata?.creationTimestamp ?? "") + (expireAfterMs(String(after)) ?? Infinity);
}

export const KARPENTER_CHECKS: PreflightCheck[] = [
    {
        id: "karpenter", severity: "warning", phase: 1, needs: ["deployments", "nodepools"],
        run: (ctx) => {
            const found = karpenterDeployments(ctx);
            if (found.length === 0) return [];
            const migrated = legacyNodePools(ctx).map(nameOf);
            const leftOut = itemsOf(ctx.input.nodepools).filter((np) => !isTwinPool(np) && !migrated.includes(nameOf(np))).map(nameOf);
            if (leftOut.length === 0) {
                return [{
                    severity: "info",
                    message: `Karpenter runs (${some(found)}); every NodePool but the twins is migrated (${some(migrated) || "none"}): each gets a twin ` +
                        "NodePool, its nodes are legacy nodes of their pool, and its template is never changed.",
                    objects: [...found, ...migrated],
                    remedy: "Nothing to do; see README, \"Migrating your cluster\" (Karpenter) for what each phase does to the NodePools.",
                }];
            }
            return [{
                message: `Karpenter runs (${some(found)}) and NodePools are left out of the migration: ${some(leftOut)}. Their nodes are legacy nodes ` +
                    "in no configured pool (pool-less-legacy-node): nothing gives them a twin or retires them.",
                objects: leftOut,
                remedy: "Add them to `existingCluster.nodePools` (or leave the key unset: every NodePool but the twins), or move their workloads off " +
                    "and delete them before phase 1.",
            }];
        },
    },
    {
        id: "karpenter-expiry", severity: "warning", phase: null, needs: ["nodepools", "nodeclaims"],
        run: (ctx) => {
            const pools = new Map(legacyNodePools(ctx).map((np) => [nameOf(np), np]));
            const now = Date.now();
            const soon = itemsOf(ctx.input.nodeclaims).filter((c) => {
                const pool = labelsOf(c)[KARPENTER_NODEPOOL_LABEL];
                return pools.has(pool) && expiresAt(c, pools.get(pool)) - now < EXPIRY_WINDOW_MS;
            });
            return soon.length === 0 ? [] : [{
                message: `${soon.length} legacy NodeClaim(s) reach their pool's expireAfter within 7 days (${some(soon.map(nameOf))}): expiry is forceful, ` +
                    "ignores the disruption budgets the migration sets, and drains the node at once (PodDisruptionBudgets still hold).",
                objects: soon.map((c) => `${nameOf(c)} (NodePool ${labelsOf(c)[KARPENTER_NODEPOOL_LABEL]})`),
                remedy: "Run the phases up to 5 before those times, or let the nodes expire first and start afterwards; a replacement the legacy pool launches " +
                    "before phase 4 is a legacy node like the rest (cordoned, drained and retired with them).",
            }];
        },
    },
    {
        id: "karpenter-static-capacity", severity: "blocker", phase: 0, needs: ["nodepools"],
        run: (ctx) => {
            const fixed = legacyNodePools(ctx).filter((np) => np.spec?.replicas !== undefined);
            return fixed.length === 0 ? [] : [{
                message: `legacy NodePool(s) with static capacity (\`spec.replicas\`): ${some(fixed.map((np) => `${nameOf(np)} (replicas ${np.spec.replicas})`))}. ` +
                    "Karpenter forbids removing `replicas` and static pools take no `weight`: the migration can neither stop them nor out-weigh them with a twin.",
                objects: fixed.map(nameOf),
                remedy: "Move their workloads to a dynamic NodePool and delete them (or scale them to 0 and leave them out of `existingCluster.nodePools`) before phase 0.",
            }];
        },
    },
    {
        id: "karpenter-pod-density", severity: "warning", phase: 3, needs: ["nodepools", "ec2nodeclasses"],
        run: (ctx) => {
            const classes = new Map(itemsOf(ctx.input.ec2nodeclasses).map((c) => [nameOf(c), c]));
            const defaulted = legacyNodePools(ctx).filter((np) => {
                const ref = np.spec?.template?.spec?.nodeClassRef;
                const kubelet = ref?.kind === "EC2NodeClass" ? classes.get(ref.name)?.spec?.kubelet : undefined;
                return ref?.kind === "EC2NodeClass" && kubelet?.maxPods === undefined && kubelet?.podsPerCore === undefined;
            });
            return defaulted.length === 0 ? [] : [{
                message: `the twins of ${some(defaulted.map(nameOf))} launch from EC2NodeClasses that set no kubelet maxPods: Karpenter gives each node ` +
                    "ENIs × (IPs per ENI − 1) + 2 pods, the 2 being aws-node and kube-proxy (aws/karpenter-provider-aws#5780). On the twins Cilium's agent " +
                    "takes its router and health addresses from the same ENIs, and from phase 9 kube-proxy is gone: a full twin node can be offered pods it has no address for.",
                objects: defaulted.map((np) => `${nameOf(np)} (EC2NodeClass ${np.spec.template.spec.nodeClassRef.name})`),
                remedy: "Watch for pods stuck in ContainerCreating with an IPAM error on full twin nodes. The twin shares its legacy pool's EC2NodeClass, whose " +
                    "kubelet settings are hashed for drift: setting maxPods there replaces every legacy node, so change it only after phase 8.",
            }];
        },
    },
];
