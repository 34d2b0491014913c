/**
 * One Calico rule as Cilium rules, or Unconvertible with the reason. A rule's peer (the `source` of an ingress rule,
 * the `destination` of an egress one) becomes one Cilium rule per kind of peer — endpoints, CIDRs, CIDR groups,
 * `all` — each with the rule's ports or ICMP types: a Cilium rule list is an OR, which is what the peers are.
 * Field names are Calico's v3 `Rule`/`EntityRule` (api/pkg/apis/projectcalico/v3/policy_common.go @ 87c1590).
 */
import { Dnf, andDnf, CILIUM_NAMESPACE, CILIUM_NAMESPACE_LABELS, CILIUM_SERVICE_ACCOUNT, labelSelector, toDnf, Unconvertible } from "./labelSelector";
import { CalicoHostEndpoint, CalicoNetworkSet, CalicoPolicy, Obj } from "./model";
import { SelectorNode, evaluate, parseSelector, SelectorError } from "./selector";

export interface RuleContext {
    policy: CalicoPolicy;
    networkSets: CalicoNetworkSet[];
    hostEndpoints: CalicoHostEndpoint[];
    /** What in-cluster addresses (pods, nodes, host agents) a CIDR minus `except` covers, said in words; undefined when none. */
    inCluster: (cidr: string, except: string[]) => string | undefined;
    /** The network sets the converted rules refer to, by CiliumCIDRGroup name. */
    groupName: (set: CalicoNetworkSet) => string;
}

export type Direction = "ingress" | "egress";
export interface ConvertedRule { list: "ingress" | "egress" | "ingressDeny" | "egressDeny"; rules: Obj[]; groups: CalicoNetworkSet[] }

const PROTOCOL_NUMBERS: Record<number, string> = { 1: "ICMP", 6: "TCP", 17: "UDP", 58: "ICMPv6", 132: "SCTP" };
const L4 = ["TCP", "UDP", "SCTP"];

export function parse(text: string, what: string): SelectorNode {
    try { return parseSelector(text); } catch (e) {
        if (e instanceof SelectorError) throw new Unconvertible(`${what} ${JSON.stringify(text)} does not parse: ${e.message}`);
        throw e;
    }
}

export function convertRule(rule: Obj, dir: Direction, ctx: RuleContext): ConvertedRule {
    const action = rule.action;
    if (action !== "Allow" && action !== "Deny") {
        throw new Unconvertible(action === "Pass" ? "action Pass (skip to the next tier): Cilium has no tiers"
            : action === "Log" ? "action Log: Cilium policies do not log (Hubble observes flows instead)" : `action ${JSON.stringify(action)}`);
    }
    for (const key of ["notProtocol", "notICMP"]) if (rule[key] !== undefined) throw new Unconvertible(`\`${key}\`: Cilium rules cannot negate a protocol`);
    const [peer, local] = dir === "ingress" ? [rule.source ?? {}, rule.destination ?? {}] : [rule.destination ?? {}, rule.source ?? {}];
    const localKeys = Object.keys(local).filter((k) => !(dir === "ingress" && k === "ports"));
    if (localKeys.length > 0) {
        throw new Unconvertible(`${dir === "ingress" ? "destination" : "source"}.${localKeys[0]} narrows the policy's own endpoints within one rule: Cilium applies a rule to every endpoint of its policy`);
    }
    if (dir === "ingress" && peer.ports !== undefined) throw new Unconvertible("source ports: Cilium matches destination ports only");
    if (peer.notPorts !== undefined || (rule.destination ?? {}).notPorts !== undefined) throw new Unconvertible("`notPorts`: Cilium rules cannot negate ports");
    // Felix renders a rule's L3/L4 part only (felix/rules has no HTTP match); the HTTP part is enforced only by
    // application layer policy's per-pod proxy (felix/calc/active_rules_calculator.go `isALPPolicy`), which a snapshot
    // does not show. Cilium would enforce it always: stronger without ALP, so never converted.
    if (rule.http) {
        throw new Unconvertible("an HTTP match: Calico enforces it only with application layer policy (a per-pod proxy), otherwise only the rule's " +
            "ports; Cilium would always enforce it at L7");
    }
    const l4 = layer4(rule, (rule.destination ?? {}).ports);
    const { rules, groups } = peers(peer, dir, ctx, rule.ipVersion);
    const list = (action === "Deny" ? `${dir}Deny` : dir) as ConvertedRule["list"];
    return { list, rules: rules.map((r) => ({ ...r, ...l4 })), groups };
}

/** Ports, protocol, ICMP and HTTP as Cilium's `toPorts` or `icmps` (none: every port and protocol). */
function layer4(rule: Obj, ports: unknown[] | undefined): Obj {
    const protocol = typeof rule.protocol === "number" ? PROTOCOL_NUMBERS[rule.protocol] ?? `protocol number ${rule.protocol}` : rule.protocol;
    if (protocol === undefined) {
        if (ports !== undefined) throw new Unconvertible("ports without a protocol");
        return {};
    }
    if (protocol === "ICMP" || protocol === "ICMPv6") {
        if (rule.icmp?.code !== undefined) throw new Unconvertible("an ICMP code: Cilium's `icmps` match the type only");
        if (rule.icmp?.type === undefined) throw new Unconvertible(`${protocol} without a type: Cilium's \`icmps\` match by type`);
        return { icmps: [{ fields: [{ type: rule.icmp.type, family: protocol === "ICMP" ? "IPv4" : "IPv6" }] }] };
    }
    if (!L4.includes(protocol)) throw new Unconvertible(`protocol ${protocol}: Cilium's ports match TCP, UDP and SCTP only`);
    if (ports === undefined || ports.length === 0) throw new Unconvertible(`protocol ${protocol} without ports`);
    const portList = ports.map((p) => {
        const text = String(p);
        const range = /^(\d+):(\d+)$/.exec(text);
        return range ? { port: range[1], endPort: Number(range[2]), protocol } : { port: text, protocol };
    });
    return { toPorts: [{ ports: portList }] };
}

function peers(peer: Obj, dir: Direction, ctx: RuleContext, ipVersion: unknown): { rules: Obj[]; groups: CalicoNetworkSet[] } {
    const pre = dir === "ingress" ? "from" : "to";
    if (peer.services !== undefined) throw new Unconvertible("a `services` match: Cilium's `toServices` selects differently (no ingress, no ports)");
    const selects = ["selector", "notSelector", "namespaceSelector", "serviceAccounts"].some((k) => peer[k] !== undefined && peer[k] !== "");
    const nets: string[] = peer.nets ?? [];
    const notNets: string[] = peer.notNets ?? [];
    if (ipVersion !== undefined && ![...nets].every((n) => n.includes(":") === (ipVersion === 6))) {
        throw new Unconvertible(`ipVersion ${ipVersion} without nets of that family: Cilium rules match both families`);
    }
    if (selects && (nets.length || notNets.length)) throw new Unconvertible("a selector and nets in one peer (Calico requires both to match; Cilium ORs its peers)");
    if (notNets.length && !nets.length) throw new Unconvertible("`notNets` without `nets`: it matches every other address, in-cluster ones included, which Cilium's CIDR rules never match");
    if (nets.length) return { rules: [{ [`${pre}CIDRSet`]: cidrRules(nets, notNets, ctx) }], groups: [] };
    if (!selects) return { rules: [{ [`${pre}Entities`]: ["all"] }], groups: [] };
    return selectorPeers(peer, pre, ctx);
}

function cidrRules(nets: string[], notNets: string[], ctx: RuleContext): Obj[] {
    return nets.map((cidr) => {
        const except = notNets.filter((n) => n !== cidr && within(n, cidr));
        if (notNets.some((n) => within(cidr, n))) throw new Unconvertible(`nets ${cidr} lies inside notNets: the rule never matches it`);
        const covered = ctx.inCluster(cidr, except);
        if (covered) throw new Unconvertible(`nets ${cidr} covers in-cluster addresses (${covered}): under Cilium a CIDR rule never matches a Cilium-managed pod, a node or a host-network agent`);
        return { cidr, ...(except.length ? { except } : {}) };
    });
}

/** Whether CIDR `inner` lies within CIDR `outer` (same family, longer or equal prefix, same leading bits). */
function within(inner: string, outer: string): boolean {
    const bits = (c: string) => {
        const [ip, len] = c.split("/");
        if (ip.includes(":")) return undefined;
        return { n: ip.split(".").reduce((a, o) => a * 256 + Number(o), 0), len: Number(len ?? 32) };
    };
    const [a, b] = [bits(inner), bits(outer)];
    if (!a || !b) return inner === outer;
    const size = 2 ** (32 - b.len);
    return a.len >= b.len && Math.floor(a.n / size) === Math.floor(b.n / size);
}

function selectorPeers(peer: Obj, pre: string, ctx: RuleContext): { rules: Obj[]; groups: CalicoNetworkSet[] } {
    const namespaced = ctx.policy.kind === "NetworkPolicy";
    const parts: SelectorNode[] = [];
    if (peer.selector) parts.push(parse(peer.selector, "selector"));
    if (peer.notSelector) parts.push({ op: "not", node: parse(peer.notSelector, "notSelector") });
    const endpoint: SelectorNode = parts.length === 0 ? { op: "all" } : parts.length === 1 ? parts[0] : { op: "and", nodes: parts };
    let dnf: Dnf = toDnf(endpoint, "endpoint");
    const sa = peer.serviceAccounts;
    if (sa?.names?.length) dnf = andDnf(dnf, [[{ key: CILIUM_SERVICE_ACCOUNT, operator: "In", values: [...sa.names].sort() }]]);
    if (sa?.selector) dnf = andDnf(dnf, toDnf(parse(sa.selector, "serviceAccounts.selector"), "serviceaccount"));
    const nsSelector = peer.namespaceSelector;
    if (nsSelector) {
        dnf = andDnf(dnf, toDnf(parse(nsSelector, "namespaceSelector"), "namespace"));
        // Without a namespace key Cilium confines a namespaced policy's peer to the policy's namespace (utils.go getEndpointSelector).
        if (namespaced) dnf = dnf.map((c) => c.some((r) => r.key === CILIUM_NAMESPACE) ? c : [...c, { key: CILIUM_NAMESPACE, operator: "Exists" as const }]);
    } else if (namespaced) {
        // Calico confines it to the policy's namespace; Cilium does so only while no namespace key is in the selector
        // (`projectcalico.org/namespace`, `pcns.*` would lift it), so the namespace is then written out.
        const own = { key: CILIUM_NAMESPACE, operator: "In" as const, values: [ctx.policy.namespace!] };
        dnf = dnf.map((c) => c.some((r) => r.key === CILIUM_NAMESPACE || r.key.startsWith(CILIUM_NAMESPACE_LABELS)) ? [...c, own] : c);
    }
    const groups = sa ? [] : matchedSets(endpoint, !!nsSelector, ctx);
    const rules: Obj[] = [];
    if (dnf.length) rules.push({ [`${pre}Endpoints`]: dnf.map(labelSelector) });
    if (groups.length) rules.push({ [`${pre}CIDRSet`]: groups.map((g) => ({ cidrGroupRef: ctx.groupName(g) })) });
    return { rules, groups };
}

/** The network sets a peer selector also selects in Calico (by their labels), as CIDR groups; host endpoints refuse. */
function matchedSets(endpoint: SelectorNode, withNamespaces: boolean, ctx: RuleContext): CalicoNetworkSet[] {
    const { policy } = ctx;
    const hep = policy.kind === "GlobalNetworkPolicy" && !withNamespaces ? ctx.hostEndpoints.find((h) => evaluate(endpoint, h.labels)) : undefined;
    if (hep) throw new Unconvertible(`the peer selector also selects ${hep.ref} (a node's interface): Cilium selects nodes only with \`fromNodes\`/\`toNodes\` and node labels`);
    const matched = ctx.networkSets.filter((s) => evaluate(endpoint, s.labels));
    const inScope = matched.filter((s) => policy.kind === "NetworkPolicy"
        ? !withNamespaces && s.kind === "NetworkSet" && s.namespace === policy.namespace
        : !withNamespaces && s.kind === "GlobalNetworkSet");
    const unsure = matched.find((s) => !inScope.includes(s) && (withNamespaces || (policy.kind === "GlobalNetworkPolicy" && s.kind === "NetworkSet")));
    if (unsure) throw new Unconvertible(`the peer selector may also select ${unsure.ref}, whose namespace's labels the snapshot does not hold`);
    for (const s of inScope) {
        for (const cidr of s.nets) {
            const covered = ctx.inCluster(cidr, []);
            if (covered) throw new Unconvertible(`the peer selector selects ${s.ref}, whose net ${cidr} covers in-cluster addresses (${covered}): under Cilium a CIDR rule never matches them`);
        }
    }
    return inScope;
}
