/**
 * Calico's per-node agents in `aws-node-pinned` (design.md, "Calico as the policy engine"): where Calico enforces policy
 * beside aws-cni, calico-node (and the operator's csi-node-driver) stays where aws-node runs. Its DaemonSets are judged
 * by effect as aws-node's is (awsNode.ts `pinProblems`: every legacy node admitted, no Cilium node), and none of their
 * pods may run on a Cilium node. A cluster without those DaemonSets has nothing here to judge.
 */
import { CALICO_AGENT_DAEMONSETS } from "../../migration/names";
import { ClusterSnapshot } from "../../clusterReader/k8sTypes";
import { nameOf } from "../../clusterReader/objects";
import { GateContext, matches } from "../../clusterReader/selectors";
import { Verdict } from "../verdict";
import { pinProblems } from "./awsNode";

/** calico-node in both installs, and the operator's CSI driver (migration/names.ts). */
export const CALICO_NODE_DAEMONSETS = CALICO_AGENT_DAEMONSETS;

const REMEDY = "keep it where aws-node runs: with tigera-operator, the Installation's `spec.calicoNodeDaemonSet.spec.template.spec.affinity` " +
    "(and `csiNodeDriverDaemonSet`'s) — the operator's default terms with cni NotIn [cilium] added, since the override replaces them; " +
    "for a manifest install, the DaemonSet's own affinity (README, \"Calico\")";

/** aws-node-pinned's verdict with Calico's agents judged too. */
export function withCalicoNode(verdict: Verdict, snapshot: Required<Pick<ClusterSnapshot, "nodes" | "pods" | "daemonsets">>, ctx: GateContext): Verdict {
    const problems: string[] = [];
    const lines: string[] = [];
    const nodes = snapshot.nodes.items.map((n) => ({ name: `node ${nameOf(n)}`, labels: n.metadata?.labels ?? {} }));
    const nodeLabels = new Map(snapshot.nodes.items.map((n) => [nameOf(n), n.metadata?.labels]));
    for (const ds of snapshot.daemonsets.items.filter((d) => (CALICO_NODE_DAEMONSETS as readonly string[]).includes(nameOf(d)))) {
        const where = `DaemonSet ${ds.metadata?.namespace}/${nameOf(ds)}`;
        const wrong = pinProblems(ds, ctx, nodes).map((p) => `${where} ${p}; ${REMEDY}`);
        const owned = snapshot.pods.items.filter((p) => p.metadata?.namespace === ds.metadata?.namespace &&
            (p.metadata?.ownerReferences ?? []).some((o) => o.kind === "DaemonSet" && o.name === nameOf(ds)));
        for (const pod of owned.filter((p) => matches(ctx.cilium, nodeLabels.get(p.spec?.nodeName ?? "")))) {
            wrong.push(`${nameOf(ds)} pod ${nameOf(pod)} runs on node ${pod.spec?.nodeName}, which carries ${ctx.cilium.text}: two policy engines there`);
        }
        problems.push(...wrong);
        if (wrong.length === 0) lines.push(`${where} admits every legacy node and no ${ctx.cilium.text} node; none of its ${owned.length} pod(s) on a ${ctx.cilium.text} node`);
    }
    if (problems.length === 0 && lines.length === 0) return verdict;
    const reason = !verdict.pass || problems.length === 0 ? verdict.reason
        : problems.length === 1 ? problems[0] : `${problems[0]} (and ${problems.length - 1} more)`;
    return {
        ...verdict,
        pass: verdict.pass && problems.length === 0,
        findings: [...verdict.findings, ...[...lines, ...problems].map((l) => `${verdict.check}: ${l}`)],
        reason,
    };
}
