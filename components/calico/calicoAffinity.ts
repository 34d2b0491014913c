/**
 * calico-node's (and csi-node-driver's) pin ("Which CNI a node gets"): each agent keeps its current affinity — what
 * its DaemonSet runs with: for tigera-operator, the operator's render (on EKS the single term
 * `eks.amazonaws.com/compute-type NotIn [fargate]`, pkg/render/node.go and csi.go) or an override already set; for
 * manifests, the DaemonSet's own — with `<key> NotIn [<ciliumValue>]` added to each required term by the same pure
 * function as aws-node's (awsNode/affinity.ts `pinTerms`), any requirement of ours from earlier taken out first.
 *
 * The Installation's `calicoNodeDaemonSet.spec.template.spec.affinity` *replaces* the operator's default affinity
 * (tigera-operator applies a component override's affinity wholesale), hence the current terms written with it.
 */
import { NodeLabels } from "../../migration/names";
import { pinTerms, requiredTerms } from "../awsNode/affinity";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

/** One agent as the cluster runs it (stacks/calicoFacts.ts `CalicoAgent`). */
export interface PinnedAgent { name: "calico-node" | "csi-node-driver"; namespace: string; affinity?: Obj }

/** The Installation's override field of each agent (tigera-operator api/v1: CalicoNodeDaemonSet, CSINodeDriverDaemonSet). */
export const OVERRIDE_FIELD = { "calico-node": "calicoNodeDaemonSet", "csi-node-driver": "csiNodeDriverDaemonSet" } as const;

/**
 * The agent's whole affinity with its required terms pinned (or unpinned); its other affinity settings kept. Unpinned
 * with no term of its own left (a manifest calico-node without affinity, pinned at phase 1), the required part is
 * left out: the API refuses an empty term list, and an empty term would match no node.
 */
export function calicoAgentAffinity(current: Obj | undefined, pinned: boolean, labels: NodeLabels): Obj {
    const { requiredDuringSchedulingIgnoredDuringExecution: required, ...otherNodeAffinity } = current?.nodeAffinity ?? {};
    const terms = pinTerms(requiredTerms(current), pinned, labels);
    return {
        ...(current ?? {}),
        nodeAffinity: terms.length === 0 ? otherNodeAffinity : { ...otherNodeAffinity, requiredDuringSchedulingIgnoredDuringExecution: { ...(required ?? {}), nodeSelectorTerms: terms } },
    };
}

/** The Installation's spec as the server-side-apply patch writes it: one override per agent that runs. */
export function installationPatchSpec(agents: readonly PinnedAgent[], pinned: boolean, labels: NodeLabels): Obj {
    return Object.fromEntries(agents.map((a) => [OVERRIDE_FIELD[a.name], { spec: { template: { spec: { affinity: calicoAgentAffinity(a.affinity, pinned, labels) } } } }]));
}

/** A manifest install's calico-node DaemonSet spec as the server-side-apply patch writes it. */
export function daemonSetPatchSpec(agent: PinnedAgent, pinned: boolean, labels: NodeLabels): Obj {
    return { template: { spec: { affinity: calicoAgentAffinity(agent.affinity, pinned, labels) } } };
}
