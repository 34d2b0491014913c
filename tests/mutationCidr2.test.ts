// preflight/cidrChecks.ts, the rest of what a mutation run (npm run mutate, issue 16) left alive after
// mutationCidr.test.ts: which parts of a NetworkPolicy and a CiliumNetworkPolicy are CIDR peers (cidrGroupRef is not
// one), which addresses count as in-cluster (not a Pending pod's, not an IPv6 one), NodeLocal DNS's list of addresses,
// and the finding's words for an except list, two peers in one rule, an empty namespace and 0.0.0.0/0 over nodes only.
import * as assert from "assert";
import { cidrPeers, hostAgents, inClusterCoverage } from "../preflight/cidrChecks";
import { preflightContext } from "../preflight/run";
import { DEFAULT_OPTIONS, Finding, Obj, PreflightInput } from "../preflight/types";
import { editedExample as edited, exampleFindings, listOf as items } from "./support/exampleRun";
import { ipBlockPolicy } from "./support/meaningObjects";
import { nodeLocalDns } from "./support/nodeLocalDns";

const coverage = (edit: (i: PreflightInput) => void) => inClusterCoverage(preflightContext(edited(edit), DEFAULT_OPTIONS));
const cidrFindings = (edit: (i: PreflightInput) => void): Finding[] => exampleFindings("cidr-peer-in-cluster", edit, DEFAULT_OPTIONS);

describe("cidrPeers: what a policy's CIDR peers are", () => {
    it("a NetworkPolicy's ipBlocks, ingress and egress, each with its rule and except; selector peers are none", () => {
        const policy = ipBlockPolicy("p", "shop", "egress", [{ cidr: "10.20.0.0/16", except: ["10.20.0.0/24"] }, { cidr: "192.0.2.0/24" }]);
        policy.spec.egress.push({ to: [{ podSelector: {} }] });
        policy.spec.ingress = [{ from: [{ namespaceSelector: {} }] }, { from: [{ ipBlock: { cidr: "198.51.100.0/24" } }] }];
        assert.deepStrictEqual(cidrPeers(policy, false), [
            { rule: "ingress[1]", cidr: "198.51.100.0/24", except: [] },
            { rule: "egress[0]", cidr: "10.20.0.0/16", except: ["10.20.0.0/24"] },
            { rule: "egress[0]", cidr: "192.0.2.0/24", except: [] },
        ]);
    });

    it("a CiliumNetworkPolicy's toCIDR and toCIDRSet, in spec and specs; a cidrGroupRef names no CIDR here", () => {
        const policy = {
            apiVersion: "cilium.io/v2", kind: "CiliumNetworkPolicy", metadata: { name: "p", namespace: "shop" },
            spec: { endpointSelector: {}, egress: [{ toCIDRSet: [{ cidr: "10.20.0.0/16", except: ["10.20.0.0/24"] }, { cidrGroupRef: "vpc" }] }] },
            specs: [{ endpointSelector: {}, ingress: [{ fromCIDR: ["192.0.2.0/24"] }, { fromEndpoints: [{}] }] }],
        };
        assert.deepStrictEqual(cidrPeers(policy, true), [
            { rule: "egress[0]", cidr: "10.20.0.0/16", except: ["10.20.0.0/24"] },
            { rule: "specs[0].ingress[0]", cidr: "192.0.2.0/24", except: [] },
        ]);
    });
});

describe("cidr-peer-in-cluster: which addresses are in the cluster", () => {
    it("a Pending pod without an address yet, or a node's IPv6 InternalIP, adds nothing to what a CIDR covers", () => {
        const before = coverage(() => undefined)("0.0.0.0/0", []);
        const after = coverage((i) => {
            const pending = structuredClone(items(i, "pods").find((p) => p.metadata.namespace === "shop") as Obj);
            pending.metadata = { ...pending.metadata, name: "web-pending", uid: "00000000-0000-4000-8000-0000000000cc" };
            pending.spec = { ...pending.spec, nodeName: undefined };
            pending.status = { phase: "Pending" };
            items(i, "pods").unshift(pending);
            items(i, "nodes")[0].status.addresses.unshift({ type: "InternalIP", address: "2600:1f14:aaa:bb00::17" });
        })("0.0.0.0/0", []);
        assert.ok(before);
        assert.strictEqual(after, before);
    });

    it("an IPv6 except takes nothing out of an IPv4 CIDR", () => {
        const judge = coverage(() => undefined);
        assert.match(judge("10.20.0.17/32", ["fd00::/8"])!, /^1 node\(s\): ip-10-20-0-17\./);
        assert.strictEqual(judge("10.20.0.17/32", ["fd00::/8"]), judge("10.20.0.17/32", []));
    });

    it("NodeLocal DNS's -localip list with spaces after its commas: each address, trimmed", () => {
        const ds = nodeLocalDns("169.254.20.10", "172.20.0.10");
        ds.spec.template.spec.containers[0].args = ["-localip", "169.254.20.10, 172.20.0.10"];
        const names = hostAgents(preflightContext(edited((i) => items(i, "daemonsets").push(ds)), DEFAULT_OPTIONS)).map((a) => a.name);
        assert.deepStrictEqual(names, ["NodeLocal DNS (169.254.20.10, kube-system/node-local-dns)", "NodeLocal DNS (172.20.0.10, kube-system/node-local-dns)"]);
    });

    it("an argument that only ends in -localip is not the flag: the default address", () => {
        const ds = nodeLocalDns("169.254.20.10", "172.20.0.10");
        ds.spec.template.spec.containers[0].args = ["-conf", "/etc/coredns/Corefile-localip", "169.254.20.99"];
        const names = hostAgents(preflightContext(edited((i) => items(i, "daemonsets").push(ds)), DEFAULT_OPTIONS)).map((a) => a.name);
        assert.deepStrictEqual(names, ["NodeLocal DNS (169.254.20.10, kube-system/node-local-dns)"]);
    });
});

describe("cidr-peer-in-cluster: the finding's words", () => {
    it("an except list is named after its CIDR, comma-separated; two covering peers of one rule, one line each, joined by '; '", () => {
        const [f, ...more] = cidrFindings((i) => items(i, "networkpolicies").push(
            ipBlockPolicy("vpc", "shop", "egress", [{ cidr: "10.20.0.0/16", except: ["10.20.8.0/24", "10.20.9.0/24"] }, { cidr: "10.20.0.17/32" }])));
        assert.deepStrictEqual(more, []);
        assert.match(f.message, /^NetworkPolicy shop\/vpc egress\[0\] \(selecting \d+ pod\(s\)\): 10\.20\.0\.0\/16 except 10\.20\.8\.0\/24, 10\.20\.9\.0\/24 contains \d+ pod\(s\) \(/);
        assert.match(f.message, /\); 10\.20\.0\.17\/32 contains 1 node\(s\) \(ip-10-20-0-17\.us-east-2\.compute\.internal\)\. Under Cilium /);
    });

    it("a policy in a namespace without pods selects 0 pods", () => {
        const [f] = cidrFindings((i) => items(i, "networkpolicies").push(ipBlockPolicy("vpc", "empty", "egress", [{ cidr: "10.20.0.17/32" }])));
        assert.match(f.message, /^NetworkPolicy empty\/vpc egress\[0\] \(selecting 0 pod\(s\)\): 10\.20\.0\.17\/32 contains 1 node\(s\)/);
    });

    it("0.0.0.0/0 covering nodes only (no pod with an address of its own): toEntities, never policyCIDRMatchMode (cilium/cilium#47827)", () => {
        const [f] = cidrFindings((i) => {
            const pods = items(i, "pods");
            pods.splice(0, pods.length, ...pods.filter((p) => p.spec.hostNetwork === true));
            items(i, "networkpolicies").push(ipBlockPolicy("out", "shop", "egress", [{ cidr: "0.0.0.0/0" }]));
        });
        assert.match(f.message, /: 0\.0\.0\.0\/0 contains 10 node\(s\) \(/);
        assert.strictEqual(f.remedy, "Keep the traffic with a selector- or entity-based rule beside the CIDR one, applied before the pods move: " +
            "for nodes a CiliumNetworkPolicy `toEntities: [host, remote-node]`.");
    });
});
