/**
 * CIDR peers inside the cluster (design.md, "What changes meaning under Cilium"): under Cilium a CIDR rule never
 * matches a peer with an identity of its own — a Cilium-managed pod, a node, a host-network agent (cilium/cilium
 * `Documentation/security/policy/layer3.rst`); the VPC CNI's policy agent matches any IP. So an `ipBlock` or
 * `toCIDR`/`fromCIDR`/`toCIDRSet` that contains pod, node or host-agent addresses stops allowing that traffic once
 * the pods sit on Cilium nodes.
 */
import { POD_ENV_READ } from "../clusterReader/slim";
import { PreflightCheck, some } from "./check";
import { AddressIndex, Range, parseCidr, parseIp } from "./cidr";
import { itemsOf, nameOf, qualified, selects } from "./objects";
import { Obj, PreflightContext } from "./types";

export const POD_IDENTITY_ENV = POD_ENV_READ;
const NODE_LOCAL_DNS_DEFAULT = "169.254.20.10";

/** A CIDR peer of one rule: where it is (`egress[0]`), its text, and its `except` list. */
interface CidrPeer { rule: string; cidr: unknown; except: unknown[] }

/** The host agents pods reach at link-local addresses: EKS Pod Identity from pods' env, NodeLocal DNS from its DaemonSet. */
export function hostAgents(ctx: PreflightContext): { ip: number; name: string }[] {
    const out = new Map<number, string>();
    for (const pod of itemsOf(ctx.input.pods)) {
        for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
            const uri = (c.env ?? []).find((e: Obj) => e.name === POD_IDENTITY_ENV)?.value;
            const ip = typeof uri === "string" ? parseIp(/^[a-z]+:\/\/([0-9.]+)(?::\d+)?(?:\/|$)/i.exec(uri)?.[1]) : undefined;
            if (ip !== undefined && !out.has(ip)) out.set(ip, `EKS Pod Identity agent (${/\/\/([0-9.]+)/.exec(uri)![1]})`);
        }
    }
    for (const ds of itemsOf(ctx.input.daemonsets).filter((d) => nameOf(d) === "node-local-dns")) {
        const args: string[] = (ds.spec?.template?.spec?.containers ?? []).flatMap((c: Obj) => [...(c.args ?? []), ...(c.command ?? [])]);
        const at = args.findIndex((a) => /^-?-localip(=|$)/.test(a));
        const value = at < 0 ? NODE_LOCAL_DNS_DEFAULT : (args[at].includes("=") ? args[at].split("=")[1] : args[at + 1]) ?? NODE_LOCAL_DNS_DEFAULT;
        for (const text of value.split(",")) {
            const ip = parseIp(text.trim());
            if (ip !== undefined && !out.has(ip)) out.set(ip, `NodeLocal DNS (${text.trim()}, ${qualified(ds)})`);
        }
    }
    return [...out].map(([ip, name]) => ({ ip, name }));
}

function indexes(ctx: PreflightContext) {
    const pods = itemsOf(ctx.input.pods).filter((p) => p.spec?.hostNetwork !== true && parseIp(p.status?.podIP) !== undefined)
        .map((p) => ({ ip: parseIp(p.status.podIP)!, name: qualified(p) }));
    const nodes = itemsOf(ctx.input.nodes).flatMap((n) => (n.status?.addresses ?? []).filter((a: Obj) => a.type === "InternalIP" && parseIp(a.address) !== undefined)
        .map((a: Obj) => ({ ip: parseIp(a.address)!, name: nameOf(n) })));
    return { pod: new AddressIndex(pods), node: new AddressIndex(nodes), agent: new AddressIndex(hostAgents(ctx)) };
}

/** Every CIDR peer of a NetworkPolicy (`ipBlock`) or a CiliumNetworkPolicy (`fromCIDR`, `fromCIDRSet`, `toCIDR`, `toCIDRSet`). */
export function cidrPeers(policy: Obj, cilium: boolean): CidrPeer[] {
    const out: CidrPeer[] = [];
    if (!cilium) {
        for (const [dir, peers] of [["ingress", "from"], ["egress", "to"]] as const) {
            (policy.spec?.[dir] ?? []).forEach((rule: Obj, i: number) => {
                for (const peer of rule?.[peers] ?? []) if (peer?.ipBlock) out.push({ rule: `${dir}[${i}]`, cidr: peer.ipBlock.cidr, except: peer.ipBlock.except ?? [] });
            });
        }
        return out;
    }
    const specs: [string, Obj][] = [...(policy.spec ? [["", policy.spec] as [string, Obj]] : []),
        ...(policy.specs ?? []).map((spec: Obj, s: number) => [`specs[${s}].`, spec] as [string, Obj])];
    specs.forEach(([at, spec]) => {
        for (const [dir, pre] of [["ingress", "from"], ["egress", "to"]] as const) {
            (spec?.[dir] ?? []).forEach((rule: Obj, i: number) => {
                const name = `${at}${dir}[${i}]`;
                for (const cidr of rule?.[`${pre}CIDR`] ?? []) out.push({ rule: name, cidr, except: [] });
                for (const set of rule?.[`${pre}CIDRSet`] ?? []) if (set?.cidr !== undefined) out.push({ rule: name, cidr: set.cidr, except: set.except ?? [] });
            });
        }
    });
    return out;
}

type Idx = ReturnType<typeof indexes>;
const KIND_WORDS = { pod: "pod(s)", node: "node(s)", agent: "host agent(s)" } as const;

function judgePeer(idx: Idx, peer: CidrPeer): { error?: string; covered?: Record<keyof Idx, { count: number; names: string[] }> } {
    const range = parseCidr(peer.cidr);
    if (range === undefined) return {};
    if (range instanceof Error) return { error: range.message };
    const except: Range[] = [];
    for (const e of peer.except) {
        const r = parseCidr(e);
        if (r instanceof Error) return { error: `except ${r.message}` };
        if (r) except.push(r);
    }
    return { covered: { pod: idx.pod.covered(range, except), node: idx.node.covered(range, except), agent: idx.agent.covered(range, except) } };
}

function remedyFor(kinds: (keyof Idx)[], cidr: string): string {
    const ways = [
        kinds.includes("pod") ? "for pods a `podSelector`/`namespaceSelector` peer (or a CiliumNetworkPolicy `toEntities: [cluster]`)" : "",
        kinds.includes("node") ? (cidr !== "0.0.0.0/0" && kinds.length === 1
            ? "for nodes `cilium.values.policyCIDRMatchMode: [nodes]` (not for 0.0.0.0/0: cilium/cilium#47827) or a CiliumNetworkPolicy `toEntities: [host, remote-node]`"
            : "for nodes a CiliumNetworkPolicy `toEntities: [host, remote-node]`") : "",
        kinds.includes("agent") ? "for host agents (EKS Pod Identity, NodeLocal DNS) a CiliumNetworkPolicy `toEntities: [host]`" : "",
    ].filter(Boolean);
    return `Keep the traffic with a selector- or entity-based rule beside the CIDR one, applied before the pods move: ${ways.join("; ")}.`;
}

function policyFindings(ctx: PreflightContext, idx: Idx, policy: Obj, cilium: boolean, podsIn: (ns: string) => Obj[]) {
    const kind = cilium ? "CiliumNetworkPolicy" : "NetworkPolicy";
    const selector = cilium ? (policy.spec ?? policy.specs?.[0])?.endpointSelector : policy.spec?.podSelector;
    const phase = ctx.options.policyDuringMigration === "never" ? 8 : 3;
    const byRule = new Map<string, { lines: string[]; objects: string[]; kinds: Set<keyof Idx>; cidrs: string[] }>();
    for (const peer of cidrPeers(policy, cilium)) {
        const { error, covered } = judgePeer(idx, peer);
        const entry = byRule.get(peer.rule) ?? byRule.set(peer.rule, { lines: [], objects: [], kinds: new Set(), cidrs: [] }).get(peer.rule)!;
        if (error) { entry.lines.push(`CIDR ${JSON.stringify(peer.cidr)} is malformed (${error}) and was not judged`); continue; }
        const hit = covered ? (Object.keys(covered) as (keyof Idx)[]).filter((k) => covered[k].count > 0) : [];
        if (!covered || hit.length === 0) continue;
        hit.forEach((k) => entry.kinds.add(k));
        entry.cidrs.push(String(peer.cidr));
        entry.lines.push(`${peer.cidr}${peer.except.length ? ` except ${peer.except.join(", ")}` : ""} contains ` +
            hit.map((k) => `${covered[k].count} ${KIND_WORDS[k]} (${some(covered[k].names)}${covered[k].count > covered[k].names.length ? ", …" : ""})`).join(", "));
        entry.objects.push(...hit.flatMap((k) => covered[k].names));
    }
    const found = [...byRule].filter(([, e]) => e.lines.length > 0);
    // Counted only for a policy with a finding: most policies have no CIDR peer at all.
    const selected = found.length === 0 ? 0 : podsIn(policy.metadata?.namespace).filter((p) => selects(selector, p.metadata?.labels ?? {})).length;
    return found.map(([rule, e]) => ({
        severity: e.kinds.size === 0 ? "warning" as const : undefined,
        phase,
        message: `${kind} ${qualified(policy)} ${rule} (selecting ${selected} pod(s)): ${e.lines.join("; ")}.` + (e.kinds.size > 0
            ? " Under Cilium a CIDR rule never matches a Cilium-managed pod, a node or a host-network agent, so this traffic is dropped once the pods sit on Cilium nodes."
            : ""),
        objects: [qualified(policy), ...e.objects],
        remedy: e.kinds.size > 0 ? remedyFor([...e.kinds], e.cidrs[0]) : `Correct the CIDR in ${kind} ${qualified(policy)} ${rule}.`,
    }));
}

function cidrPeerInCluster(ctx: PreflightContext) {
    const idx = indexes(ctx);
    const byNs = new Map<string, Obj[]>();
    for (const p of itemsOf(ctx.input.pods)) (byNs.get(p.metadata?.namespace) ?? byNs.set(p.metadata?.namespace, []).get(p.metadata?.namespace)!).push(p);
    const podsIn = (ns: string) => byNs.get(ns) ?? [];
    return [
        ...itemsOf(ctx.input.networkpolicies).flatMap((p) => policyFindings(ctx, idx, p, false, podsIn)),
        ...itemsOf(ctx.input.ciliumnetworkpolicies).flatMap((p) => policyFindings(ctx, idx, p, true, podsIn)),
    ];
}

/**
 * The same judge for one CIDR, for Calico's converter (calico/convert.ts): which in-cluster addresses it covers, in
 * words, or undefined when none. A malformed CIDR is reported as covering (it cannot be shown not to).
 */
export function inClusterCoverage(ctx: PreflightContext): (cidr: string, except: string[]) => string | undefined {
    let idx: Idx | undefined;
    return (cidr, except) => {
        idx ??= indexes(ctx);
        const { error, covered } = judgePeer(idx, { rule: "", cidr, except });
        if (error) return `not judged: ${error}`;
        const hit = covered ? (Object.keys(covered) as (keyof Idx)[]).filter((k) => covered[k].count > 0) : [];
        return hit.length === 0 ? undefined : hit.map((k) => `${covered![k].count} ${KIND_WORDS[k]}: ${some(covered![k].names)}`).join("; ");
    };
}

export const CIDR_CHECKS: PreflightCheck[] = [
    { id: "cidr-peer-in-cluster", severity: "blocker", phase: 3, needs: ["networkpolicies", "ciliumnetworkpolicies"], anyOf: true, run: cidrPeerInCluster },
];
