/**
 * An existing cluster's Karpenter NodePools in the migration (design.md, "Karpenter NodePools"):
 * - each legacy NodePool gets a server-side-apply patch (`kubernetes:karpenter.sh/v1:NodePoolPatch`, the program's own
 *   field manager) of its behavioural fields only — never its template (nodePoolSpecs.ts); the patch is never deleted
 *   by Pulumi (`retainOnDelete`): removing it would hand the fields back, not restore them;
 * - each gets a twin NodePool (`<pool><suffix>`), created once and never re-templated; never deleted by Pulumi either
 *   (deleting a NodePool drains all its nodes at once, budgets ignored: kubernetes-sigs/karpenter, "NodePool Deletion");
 * - with no managed legacy group to carry them, the shared legacy steps (cordon, drain) run here; they select legacy
 *   nodes by the rule of "Which CNI a node gets", which takes Karpenter's nodes with every other legacy node.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KARPENTER_API_VERSION, NODEPOOL_KIND, NodePoolObject } from "../../migration/karpenter";
import { LegacyStepsArgs, legacySteps } from "../nodePools/legacySteps";
import { NodePoolPatchSpec } from "./nodePoolSpecs";
import { NodeLabels } from "../../migration/names";
import { HandBack, HeadroomArgs, NodeClaimDeletion, declareHandBacks, declareHeadroom, declareRetirement } from "./retirement";

export interface KarpenterNodePoolsArgs {
    /** Kubernetes provider for the NodePools and patches. */
    provider: k8s.Provider;
    /** Each legacy NodePool's patch at this phase (none once the pool is deleted or handed back). */
    legacyPatches: NodePoolPatchSpec[];
    /** Each twin NodePool at this phase. */
    twins: { metadata: { name: string; labels: Record<string, string> }; spec: NodePoolObject["spec"] }[];
    /** The shared cordon and drain, when no managed legacy group carries them. Default: none. */
    legacySteps?: LegacyStepsArgs;
    /** The kubeconfig the steps use (secret), and the node labels. */
    kubeconfig: pulumi.Input<string>;
    labels: NodeLabels;
    /** A pause Deployment per twin (phases 3–5). Default: none. */
    headroom?: HeadroomArgs[];
    /** NodeClaims deleted one at a time (legacy pools from 7; a twin's going back from 3 to 2). Default: none. */
    deleteNodeClaims?: NodeClaimDeletion[];
    /** Legacy NodePools deleted, each only once it owns no NodeClaim (8, with deleteLegacyNodeGroups). Default: none. */
    deleteNodePools?: string[];
    /** Each patched legacy NodePool's originals, written back when it leaves the program (retirement.ts). Default: none. */
    handBacks?: HandBack[];
    /** Resources the steps wait for besides the NodePools (e.g. aws-node's removal). Default: none. */
    stepsAfter?: pulumi.Input<pulumi.Resource>[];
    /** Resources the patches and twins wait for (the previous phase's gate). Default: none. */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export class KarpenterNodePools extends pulumi.ComponentResource {
    public readonly legacyPatches: k8s.apiextensions.CustomResourcePatch[] = [];
    public readonly twins: k8s.apiextensions.CustomResource[] = [];
    public readonly cordonStep?: pulumi.Resource;
    public readonly drainStep?: pulumi.Resource;
    public readonly headroom: pulumi.Resource[];
    public readonly retirementSteps: pulumi.Resource[];
    public readonly handBackSteps: pulumi.Resource[];

    constructor(name: string, args: KarpenterNodePoolsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-cilium-migration:index:KarpenterNodePools", name, {}, opts);
        const childOpts = { parent: this, provider: args.provider, retainOnDelete: true, dependsOn: args.dependsOn ?? [] };
        for (const patch of args.legacyPatches) {
            this.legacyPatches.push(new k8s.apiextensions.CustomResourcePatch(`${name}-legacy-${patch.metadata.name}`, {
                apiVersion: KARPENTER_API_VERSION, kind: NODEPOOL_KIND, metadata: patch.metadata, spec: patch.spec,
            }, childOpts));
        }
        for (const twin of args.twins) {
            this.twins.push(new k8s.apiextensions.CustomResource(`${name}-${twin.metadata.name}`, {
                apiVersion: KARPENTER_API_VERSION, kind: NODEPOOL_KIND, metadata: twin.metadata, spec: twin.spec,
            }, childOpts));
        }
        if (args.legacySteps) {
            // The cordon only once the legacy pools launch nothing more (their limits are 0 from the same phase).
            const steps = legacySteps(this, name, args.legacySteps, [...this.legacyPatches, ...this.twins]);
            this.cordonStep = steps.cordonStep;
            this.drainStep = steps.drainStep;
        }
        const nodePools = [...this.legacyPatches, ...this.twins];
        this.headroom = declareHeadroom(this, name, args.provider, args.labels, args.headroom ?? [], [...(args.dependsOn ?? []), ...nodePools]);
        this.retirementSteps = declareRetirement(this, name, args.kubeconfig, {
            deleteNodeClaims: args.deleteNodeClaims ?? [], deleteNodePools: args.deleteNodePools ?? [],
            dependsOn: [...(args.dependsOn ?? []), ...nodePools, ...(args.stepsAfter ?? [])],
        });
        this.handBackSteps = declareHandBacks(this, name, args.kubeconfig, args.handBacks ?? [], [...(args.dependsOn ?? []), ...this.legacyPatches]);
        this.registerOutputs({});
    }
}
