/**
 * cilium-operator-ready: the operator Deployment is rolled out and available, and no Cilium agent runs on a legacy
 * node (an ENI agent there would take aws-node's IPs and delete its SNAT chains).
 * cilium-ready: every Cilium node is Ready, has lost the agent-not-ready taint, and runs a ready agent.
 * cilium-managed: every running pod with its own network off the legacy nodes has a CiliumEndpoint.
 */
import { ClusterSnapshot, List, Node, Pod } from "../../clusterReader/k8sTypes";
import {
    deploymentAvailable, findNamed, isNodeReady, isPodReady, isPodRunning, legacyNodes, nameOf, nodesMatching, plural, podsWithLabel, qualifiedName,
} from "../../clusterReader/objects";
import { GateContext, isLegacy, legacyNoun } from "../../clusterReader/selectors";
import { unmigratedKind } from "../../migration/nodeRule";
import { Findings, Verdict } from "../verdict";
import { CILIUM_AGENT, CILIUM_OPERATOR, CILIUM_STARTUP_TAINT, KUBE_SYSTEM } from "../../migration/names";

function noAgentOnLegacyNodes(f: Findings, nodes: List<Node>, pods: List<Pod>, ctx: GateContext): void {
    const legacy = new Set(legacyNodes(nodes, ctx).map(nameOf));
    const agents = podsWithLabel(pods, ...CILIUM_AGENT.podLabel, KUBE_SYSTEM);
    const misplaced = agents.filter((p) => legacy.has(p.spec?.nodeName ?? ""));
    for (const pod of misplaced) f.problem(`Cilium agent ${nameOf(pod)} runs on ${legacyNoun(ctx)} ${pod.spec?.nodeName}`);
    if (misplaced.length === 0) f.ok(`no Cilium agent on the ${plural(legacy.size, legacyNoun(ctx))}`);
}

export function ciliumOperatorReady(snapshot: Required<Pick<ClusterSnapshot, "nodes" | "pods" | "deployments">>, ctx: GateContext): Verdict {
    const f = new Findings("cilium-operator-ready");
    const operator = findNamed(snapshot.deployments, KUBE_SYSTEM, CILIUM_OPERATOR.deployment);
    if (!operator) f.problem(`Deployment ${KUBE_SYSTEM}/${CILIUM_OPERATOR.deployment} not found`);
    else {
        const { ok, detail } = deploymentAvailable(operator);
        f.progress = `operator ${detail}`;
        if (ok) f.ok(`Deployment ${KUBE_SYSTEM}/${CILIUM_OPERATOR.deployment}: ${detail}`);
        else f.problem(`Deployment ${KUBE_SYSTEM}/${CILIUM_OPERATOR.deployment} not available: ${detail}`);
    }
    noAgentOnLegacyNodes(f, snapshot.nodes, snapshot.pods, ctx);
    return f.verdict("cilium-operator available, no agent on legacy nodes");
}

export function ciliumReady(snapshot: Required<Pick<ClusterSnapshot, "nodes" | "pods">>, ctx: GateContext): Verdict {
    const f = new Findings("cilium-ready");
    const nodes = nodesMatching(snapshot.nodes, ctx.cilium);
    if (nodes.length === 0) f.problem(`no node matches ${ctx.cilium.text}`);
    const agentsByNode = new Map<string, Pod[]>();
    for (const pod of podsWithLabel(snapshot.pods, ...CILIUM_AGENT.podLabel, KUBE_SYSTEM)) {
        const node = pod.spec?.nodeName ?? "";
        agentsByNode.set(node, [...(agentsByNode.get(node) ?? []), pod]);
    }
    let ready = 0;
    for (const node of nodes) {
        const name = nameOf(node);
        const problems: string[] = [];
        if (!isNodeReady(node)) problems.push("is not Ready");
        if (node.spec?.taints?.some((t) => t.key === CILIUM_STARTUP_TAINT)) problems.push(`still has the ${CILIUM_STARTUP_TAINT} taint`);
        const agents = agentsByNode.get(name) ?? [];
        if (!agents.some((a) => isPodRunning(a) && isPodReady(a))) problems.push(agents.length === 0 ? "has no Cilium agent" : "has no ready Cilium agent");
        if (problems.length === 0) ready++;
        else f.problem(`node ${name} ${problems.join(", ")}`);
    }
    f.progress = `${ready}/${nodes.length} new nodes ready`;
    f.ok(`${ready}/${plural(nodes.length, ctx.cilium.text + " node")} Ready, untainted, with a ready Cilium agent`);
    noAgentOnLegacyNodes(f, snapshot.nodes, snapshot.pods, ctx);
    return f.verdict(`${ready}/${nodes.length} new nodes ready`);
}

export function ciliumManaged(snapshot: Required<Pick<ClusterSnapshot, "nodes" | "pods" | "ciliumendpoints">>, ctx: GateContext): Verdict {
    const f = new Findings("cilium-managed");
    const nodeLabels = new Map(snapshot.nodes.items.map((n) => [nameOf(n), n.metadata?.labels]));
    // Pods on legacy nodes belong to aws-node; Fargate, hybrid, Auto Mode and Windows nodes run neither CNI.
    const notCilium = (labels: Record<string, string> | undefined) => isLegacy(ctx, labels) || unmigratedKind(labels) !== undefined;
    const endpoints = new Set(snapshot.ciliumendpoints.items.map(qualifiedName));
    let considered = 0;
    let managed = 0;
    for (const pod of snapshot.pods.items) {
        const node = pod.spec?.nodeName;
        // Host-network pods share the node's network: no endpoint.
        if (!node || pod.spec?.hostNetwork || !isPodRunning(pod) || notCilium(nodeLabels.get(node))) continue;
        considered++;
        if (endpoints.has(qualifiedName(pod))) managed++;
        else f.problem(`pod ${qualifiedName(pod)} on node ${node} has no CiliumEndpoint: its network is not managed by Cilium`);
    }
    f.progress = `${managed}/${considered} pods managed by Cilium`;
    f.ok(`${managed}/${plural(considered, "running pod")} off the legacy nodes (host network excluded) have a CiliumEndpoint`);
    return f.verdict(`${managed}/${considered} pods managed by Cilium`);
}
