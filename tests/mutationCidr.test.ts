// What a mutation run (npm run mutate, issue 16) left alive in preflight/cidrChecks.ts, each pinned by a test that fails
// on the mutant: the host agents (EKS Pod Identity's URI in any container, NodeLocal DNS's -localip as Kubernetes'
// own manifest passes it, tests/fixtures/real/kubernetes/nodelocaldns.yaml), the judge Calico's converter asks
// (inClusterCoverage), and the finding's exact words, objects and remedy.
import * as assert from "assert";
import { hostAgents, inClusterCoverage } from "../preflight/cidrChecks";
import { DEFAULT_OPTIONS, Finding, Obj, PreflightContext, PreflightInput } from "../preflight/types";
import { editedExample, exampleFindings, listOf as items } from "./support/exampleRun";
import { ipBlockPolicy, podIdentityEnv, podIdentityUri } from "./support/meaningObjects";
import { nodeLocalDns } from "./support/nodeLocalDns";

const ip = (text: string) => text.split(".").reduce((n, o) => n * 256 + Number(o), 0);

/** Only the parts hostAgents and the index read: pods, nodes, DaemonSets. */
const context = (edit: (i: PreflightInput) => void): PreflightContext => ({ input: editedExample(edit), options: DEFAULT_OPTIONS }) as unknown as PreflightContext;

const findings = (edit: (i: PreflightInput) => void, options = DEFAULT_OPTIONS): Finding[] => exampleFindings("cidr-peer-in-cluster", edit, options);

const shopPod = (i: PreflightInput) => items(i, "pods").find((p) => p.metadata.namespace === "shop") as Obj;

describe("mutation gaps: cidr-peer-in-cluster's host agents", () => {
    it("the example cluster has none", () => {
        assert.deepStrictEqual(hostAgents(context(() => undefined)), []);
    });

    it("EKS Pod Identity from a container's env or an init container's, once per address", () => {
        assert.strictEqual(podIdentityUri(), "http://169.254.170.23/v1/credentials");
        const agents = hostAgents(context((i) => {
            const pods = items(i, "pods").filter((p) => p.metadata.namespace === "shop");
            pods[0].spec.containers[0].env = [{ name: "AWS_REGION", value: "us-east-2" }, ...podIdentityEnv()];
            pods[1].spec.initContainers = [{ name: "init", env: podIdentityEnv() }];
        }));
        assert.deepStrictEqual(agents, [{ ip: ip("169.254.170.23"), name: "EKS Pod Identity agent (169.254.170.23)" }]);
        const init = hostAgents(context((i) => { shopPod(i).spec.initContainers = [{ name: "init", env: podIdentityEnv() }]; }));
        assert.deepStrictEqual(init.map((a) => a.name), ["EKS Pod Identity agent (169.254.170.23)"]);
    });

    it("the URI's address with a port and path, or none; another variable, a name, a non-string value: no agent", () => {
        const agentsOf = (env: Obj[]) => hostAgents(context((i) => { shopPod(i).spec.containers[0].env = env; })).map((a) => a.name);
        const uri = (value: unknown) => [{ name: "AWS_CONTAINER_CREDENTIALS_FULL_URI", value }];
        assert.deepStrictEqual(agentsOf(uri("http://169.254.170.23:80/v1/credentials")), ["EKS Pod Identity agent (169.254.170.23)"]);
        assert.deepStrictEqual(agentsOf(uri("HTTP://169.254.170.24")), ["EKS Pod Identity agent (169.254.170.24)"]);
        assert.deepStrictEqual(agentsOf(uri("http://localhost:2773/creds")), []);
        assert.deepStrictEqual(agentsOf(uri("http://169.254.170.23x/creds")), []);
        assert.deepStrictEqual(agentsOf(uri("x http://169.254.170.23/creds")), []);
        assert.deepStrictEqual(agentsOf(uri(42)), []);
        assert.deepStrictEqual(agentsOf([{ name: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", value: "http://169.254.170.23/v1" }]), []);
    });

    it("NodeLocal DNS as Kubernetes' manifest passes it (-localip a,b): both addresses, named with the DaemonSet", () => {
        const agents = hostAgents(context((i) => items(i, "daemonsets").push(nodeLocalDns("169.254.20.10", "172.20.0.10"))));
        assert.deepStrictEqual(agents, [
            { ip: ip("169.254.20.10"), name: "NodeLocal DNS (169.254.20.10, kube-system/node-local-dns)" },
            { ip: ip("172.20.0.10"), name: "NodeLocal DNS (172.20.0.10, kube-system/node-local-dns)" },
        ]);
    });

    it("NodeLocal DNS's -localip=…, --localip, in command, missing (the default 169.254.20.10) or last with no value", () => {
        const agentsOf = (container: Obj, name = "node-local-dns") => hostAgents(context((i) => {
            const ds = nodeLocalDns("169.254.20.10", "172.20.0.10");
            ds.metadata.name = name;
            ds.spec.template.spec.containers = [container];
            items(i, "daemonsets").push(ds);
        })).map((a) => a.name);
        const dflt = "NodeLocal DNS (169.254.20.10, kube-system/node-local-dns)";
        assert.deepStrictEqual(agentsOf({ args: ["-localip=169.254.20.11", "-conf", "/etc/Corefile"] }), ["NodeLocal DNS (169.254.20.11, kube-system/node-local-dns)"]);
        assert.deepStrictEqual(agentsOf({ args: ["-conf", "/etc/Corefile", "--localip", "169.254.20.12"] }), ["NodeLocal DNS (169.254.20.12, kube-system/node-local-dns)"]);
        assert.deepStrictEqual(agentsOf({ command: ["/node-cache", "-localip", "169.254.20.13"] }), ["NodeLocal DNS (169.254.20.13, kube-system/node-local-dns)"]);
        assert.deepStrictEqual(agentsOf({ args: ["-conf", "/etc/Corefile"] }), [dflt]);
        assert.deepStrictEqual(agentsOf({}), [dflt]);
        assert.deepStrictEqual(agentsOf({ args: ["-conf", "/etc/Corefile", "-localip"] }), [dflt]);
        assert.deepStrictEqual(agentsOf({ args: ["-localipx", "169.254.20.14"] }), [dflt]);
        assert.deepStrictEqual(agentsOf({ args: ["-localip", "169.254.20.15, bogus"] }), ["NodeLocal DNS (169.254.20.15, kube-system/node-local-dns)"]);
        assert.deepStrictEqual(agentsOf({ args: ["-localip", "169.254.20.10"] }, "coredns"), []);
    });

    it("an address both agents claim is named once, by the first", () => {
        const agents = hostAgents(context((i) => {
            shopPod(i).spec.containers[0].env = [{ name: "AWS_CONTAINER_CREDENTIALS_FULL_URI", value: "http://169.254.20.10/v1/credentials" }];
            items(i, "daemonsets").push(nodeLocalDns("169.254.20.10", "172.20.0.10"));
        }));
        assert.deepStrictEqual(agents.map((a) => a.name), ["EKS Pod Identity agent (169.254.20.10)", "NodeLocal DNS (172.20.0.10, kube-system/node-local-dns)"]);
    });
});

describe("mutation gaps: cidr-peer-in-cluster's findings", () => {
    it("NodeLocal DNS's address as an egress ipBlock: a blocker naming it, the host-agent remedy alone", () => {
        const [f, ...rest] = findings((i) => {
            items(i, "daemonsets").push(nodeLocalDns("169.254.20.10", "172.20.0.10"));
            items(i, "networkpolicies").push(ipBlockPolicy("to-dns", "shop", "egress", [{ cidr: "169.254.20.10/32" }]));
        });
        assert.deepStrictEqual(rest, []);
        assert.strictEqual(f.severity, "blocker");
        assert.strictEqual(f.phase, 3);
        assert.deepStrictEqual(f.objects, ["shop/to-dns", "NodeLocal DNS (169.254.20.10, kube-system/node-local-dns)"]);
        assert.match(f.message, /^NetworkPolicy shop\/to-dns egress\[0\] \(selecting \d+ pod\(s\)\): 169\.254\.20\.10\/32 contains 1 host agent\(s\) \(NodeLocal DNS \(169\.254\.20\.10, kube-system\/node-local-dns\)\)\. Under Cilium a CIDR rule never matches a Cilium-managed pod, a node or a host-network agent, so this traffic is dropped once the pods sit on Cilium nodes\.$/);
        assert.strictEqual(f.remedy, "Keep the traffic with a selector- or entity-based rule beside the CIDR one, applied before the pods move: " +
            "for host agents (EKS Pod Identity, NodeLocal DNS) a CiliumNetworkPolicy `toEntities: [host]`.");
    });

    it("the pods a policy selects are counted by its podSelector in its namespace", () => {
        const shop = (i: PreflightInput) => items(i, "pods").filter((p) => p.metadata.namespace === "shop");
        let total = 0;
        const [all] = findings((i) => {
            total = shop(i).length;
            items(i, "networkpolicies").push(ipBlockPolicy("vpc", "shop", "egress", [{ cidr: "10.20.0.0/16" }]));
        });
        assert.ok(total > 1);
        assert.ok(all.message.startsWith(`NetworkPolicy shop/vpc egress[0] (selecting ${total} pod(s)): 10.20.0.0/16 contains `), all.message);
        const [one] = findings((i) => {
            const pod = shop(i)[0];
            pod.metadata.labels = { ...pod.metadata.labels, picked: "yes" };
            const p = ipBlockPolicy("vpc", "shop", "egress", [{ cidr: "10.20.0.0/16" }]);
            p.spec.podSelector = { matchLabels: { picked: "yes" } };
            items(i, "networkpolicies").push(p);
        });
        assert.ok(one.message.startsWith("NetworkPolicy shop/vpc egress[0] (selecting 1 pod(s)): "), one.message);
        const [cnp] = findings((i) => {
            const pod = shop(i)[0];
            pod.metadata.labels = { ...pod.metadata.labels, picked: "yes" };
            items(i, "ciliumnetworkpolicies").push({ apiVersion: "cilium.io/v2", kind: "CiliumNetworkPolicy", metadata: { name: "vpc", namespace: "shop" },
                specs: [{ endpointSelector: { matchLabels: { picked: "yes" } }, egress: [{ toCIDR: ["10.20.0.0/16"] }] }] });
        });
        assert.ok(cnp.message.startsWith("CiliumNetworkPolicy shop/vpc specs[0].egress[0] (selecting 1 pod(s)): "), cnp.message);
    });

    it("more covered addresses than names shown: the count, five names and an ellipsis", () => {
        const [f] = findings((i) => items(i, "networkpolicies").push(ipBlockPolicy("vpc", "shop", "egress", [{ cidr: "10.20.0.0/16" }])));
        const nodes = /contains (?:\d+ pod\(s\) \([^)]*\), )?(\d+) node\(s\) \(([^)]*)\)/.exec(f.message);
        assert.ok(nodes, f.message);
        assert.strictEqual(nodes[1], "10");
        assert.ok(nodes[2].endsWith(", …"), nodes[2]);
        assert.strictEqual(nodes[2].split(", ").length, 6, nodes[2]);
    });

    it("a malformed except is named and the rule left unjudged with a correction remedy; an except of non-IPv4 is skipped", () => {
        const [f] = findings((i) => items(i, "networkpolicies").push(ipBlockPolicy("bad-except", "shop", "egress", [{ cidr: "10.20.0.0/16", except: ["10.20.0.0/99"] }])));
        assert.strictEqual(f.severity, "warning");
        assert.strictEqual(f.message, "NetworkPolicy shop/bad-except egress[0] (selecting 8 pod(s)): CIDR \"10.20.0.0/16\" is malformed (except \"10.20.0.0/99\" is not an IPv4 CIDR (a.b.c.d/n)) and was not judged.");
        assert.strictEqual(f.remedy, "Correct the CIDR in NetworkPolicy shop/bad-except egress[0].");
        assert.deepStrictEqual(f.objects, ["shop/bad-except"]);
    });

    it("nodes only: the remedy names policyCIDRMatchMode; nodes by 0.0.0.0/0 or with pods: toEntities only", () => {
        const remedyOf = (cidr: string) => findings((i) => items(i, "networkpolicies").push(ipBlockPolicy("p", "shop", "egress", [{ cidr }])))[0].remedy;
        const lead = "Keep the traffic with a selector- or entity-based rule beside the CIDR one, applied before the pods move: ";
        assert.strictEqual(remedyOf("10.20.0.17/32"), lead + "for nodes `cilium.values.policyCIDRMatchMode: [nodes]` (not for 0.0.0.0/0: cilium/cilium#47827) or a CiliumNetworkPolicy `toEntities: [host, remote-node]`.");
        assert.strictEqual(remedyOf("0.0.0.0/0"), lead + "for pods a `podSelector`/`namespaceSelector` peer (or a CiliumNetworkPolicy `toEntities: [cluster]`); for nodes a CiliumNetworkPolicy `toEntities: [host, remote-node]`.");
    });
});

describe("mutation gaps: inClusterCoverage (Calico's converter asks it)", () => {
    const judge = inClusterCoverage(context((i) => items(i, "daemonsets").push(nodeLocalDns("169.254.20.10", "172.20.0.10"))));

    it("says which addresses a CIDR covers, in words, or undefined", () => {
        assert.strictEqual(judge("192.0.2.0/24", []), undefined);
        assert.strictEqual(judge("169.254.20.10/32", []), "1 host agent(s): NodeLocal DNS (169.254.20.10, kube-system/node-local-dns)");
        assert.match(judge("10.20.0.17/32", [])!, /^1 node\(s\): ip-10-20-0-17\./);
        assert.strictEqual(judge("10.20.0.17/32", ["10.20.0.0/24"]), undefined);
        // Five names at most per kind, after the count (AddressIndex.covered keeps five).
        const [pods, nodes] = judge("10.20.0.0/16", [])!.split("; ");
        assert.match(pods, /^\d+ pod\(s\): /);
        assert.strictEqual(pods.split(": ")[1].split(", ").length, 5, pods);
        assert.match(nodes, /^10 node\(s\): ip-10-20-0-17\.us-east-2\.compute\.internal, /);
        assert.strictEqual(nodes.split(": ")[1].split(", ").length, 5, nodes);
    });

    it("a malformed CIDR or except is not judged, and says why; IPv6 is none of its business", () => {
        assert.strictEqual(judge("10.20.0.0/33", []), "not judged: \"10.20.0.0/33\" is not an IPv4 CIDR (a.b.c.d/n)");
        assert.strictEqual(judge("10.20.0.0/16", ["nope"]), "not judged: except \"nope\" is not an IPv4 CIDR (a.b.c.d/n)");
        assert.strictEqual(judge("::/0", []), undefined);
    });
});
