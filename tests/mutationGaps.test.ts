// What a mutation run (npm run mutate) found untested, each pinned by a test that fails on the mutant: connectivity
// with no answering pod on the Cilium side, aws-node affinities that admit a Cilium node, the vpc-cni merge on an
// add-on without configurationValues and back, cilium-ready with two taints, SGP by aws-node's env alone, and a
// one-replica StatefulSet. Written against each function's contract, not its current wording where a rule may change.
import * as assert from "assert";
import { awsNodePinned } from "../gates/checks/awsNode";
import { ciliumReady } from "../gates/checks/cilium";
import { connectivity } from "../gates/checks/connectivity";
import { preflightVerdict } from "../gates/preflightGate";
import { foreignFields } from "../preflight/awsNodeChecks";
import { mergedVpcCniConfiguration, vpcCniAddonConfiguration } from "../components/awsNode/affinity";
import { ClusterSnapshot, DaemonSet, Node } from "../clusterReader/k8sTypes";
import { DEFAULT_CONTEXT as ctx } from "../clusterReader/selectors";
import { readPreflightSnapshot } from "../preflight/read";
import { runPreflight } from "../preflight/run";
import { Obj } from "../preflight/types";
import { preflightOptionsOf } from "../stacks/preflightConfig";
import { migrationConfigOf, readStackFile } from "../stacks/stackFile";
import { DEFAULT_NODE_LABELS } from "../stacks/config";
import { PHASE_SHAPES, buildCluster, copy } from "./fixtures/clusterBuilder";
import { EXAMPLE_SNAPSHOT, EXISTING_STACK } from "./support/existingCluster";

type Snapshot = Required<ClusterSnapshot>;
const at = (phase: number): Snapshot => copy(buildCluster(PHASE_SHAPES[phase]));
const name = (o: { metadata?: { name?: string } }) => o.metadata?.name as string;
const nodesOf = (s: Snapshot, pool: string): Node[] => s.nodes.items.filter((n) => n.metadata?.labels?.cni === pool);

describe("mutation gaps: gates", () => {
    it("connectivity fails when both pools have nodes but no goldpinger pod on a Cilium node answered", () => {
        const s = at(3);
        const ciliumNodes = new Set(nodesOf(s, "cilium").map(name));
        const gone = new Set(s.pods.items.filter((p) => p.metadata?.labels?.["app.kubernetes.io/name"] === "goldpinger" && ciliumNodes.has(p.spec?.nodeName ?? "")).map(name));
        assert.ok(gone.size > 0);
        s.pods.items = s.pods.items.filter((p) => !gone.has(name(p)));
        const responses = s.goldpinger.responses ?? {};
        for (const pod of gone) delete responses[pod];
        for (const r of Object.values(responses)) for (const pod of gone) delete r.response?.podResults?.[pod];
        const v = connectivity(s, ctx);
        assert.strictEqual(v.pass, false);
        assert.strictEqual(v.reason, "both pools have nodes but goldpinger answered from no cni=cilium node: traffic between the pools is untested");
        // And with no Cilium node at all there is nothing to cross: the same cluster passes at phase 1.
        assert.strictEqual(connectivity(at(1), ctx).pass, true);
    });

    for (const [what, expression] of [
        ["admits both values (cni In [aws-cni, cilium])", { key: "cni", operator: "In", values: ["aws-cni", "cilium"] }],
        ["only keeps off the legacy value (cni NotIn [aws-cni])", { key: "cni", operator: "NotIn", values: ["aws-cni"] }],
    ] as const) {
        it(`aws-node-pinned fails on an affinity that ${what}: it admits a Cilium node`, () => {
            const s = at(1);
            const ds = s.daemonsets.items.find((d) => name(d) === "aws-node") as DaemonSet;
            const terms = ds.spec?.template?.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
            assert.ok(terms.length > 0);
            for (const t of terms) t.matchExpressions = [...(t.matchExpressions ?? []).filter((e) => e.key !== "cni"), { ...expression, values: [...expression.values] }];
            assert.strictEqual(awsNodePinned(s, ctx).pass, false);
        });
    }

    it("cilium-ready fails on a node with the startup taint and another one, and passes one with another taint only", () => {
        const s = at(3);
        const [node] = nodesOf(s, "cilium");
        node.spec = { ...node.spec, taints: [{ key: "dedicated", value: "batch", effect: "NoSchedule" }] };
        assert.strictEqual(ciliumReady(s, ctx).pass, true, "another taint is not Cilium's business");
        node.spec.taints = [{ key: "dedicated", value: "batch", effect: "NoSchedule" }, { key: "node.cilium.io/agent-not-ready", value: "true", effect: "NoExecute" }];
        const v = ciliumReady(s, ctx);
        assert.strictEqual(v.pass, false);
        assert.strictEqual(v.reason, `node ${name(node)} still has the node.cilium.io/agent-not-ready taint`);
    });
});

describe("mutation gaps: the vpc-cni merge", () => {
    const labels = DEFAULT_NODE_LABELS;
    it("an add-on without configurationValues (EKS's default) is pinned with the chart's default terms, and unpinned back to them", () => {
        for (const none of [undefined, "", "  \n"]) {
            const pinned = mergedVpcCniConfiguration(none, true, labels, "v1.19.2-eksbuild.1") as string;
            assert.deepStrictEqual(JSON.parse(pinned), JSON.parse(vpcCniAddonConfiguration(true, labels, "v1.19.2-eksbuild.1")));
            assert.strictEqual(mergedVpcCniConfiguration(none, false, labels), none, "nothing of ours to undo: the text as it is");
            const unpinned = mergedVpcCniConfiguration(pinned, false, labels, "v1.19.2-eksbuild.1") as string;
            assert.deepStrictEqual(JSON.parse(unpinned), JSON.parse(vpcCniAddonConfiguration(false, labels, "v1.19.2-eksbuild.1")),
                "the default written back explicitly: a value left out would keep ours");
        }
    });

    it("a requirement of the user's own on the label key stays; only ours (In [aws-cni], NotIn [cilium]) is replaced", () => {
        const term = (...e: object[]) => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: e }] } } } });
        const own = { key: "cni", operator: "In", values: ["aws-cni", "aws-cni-gpu"] };
        const seeds = { key: "cni", operator: "In", values: ["aws-cni"] };
        const pin = { key: "cni", operator: "NotIn", values: ["cilium"] };
        const expressions = (text: string) => JSON.parse(text).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions;
        assert.deepStrictEqual(expressions(mergedVpcCniConfiguration(JSON.stringify(term(own)), true, labels) as string), [own, pin]);
        const linux = { key: "kubernetes.io/os", operator: "In", values: ["linux"] };
        assert.deepStrictEqual(expressions(mergedVpcCniConfiguration(JSON.stringify(term(linux, seeds)), true, labels) as string), [linux, pin], "the earlier version's pin is replaced");
    });

    it("re-pinning changes nothing, and unpin then pin gives the same value; other settings survive both ways", () => {
        const own = "env:\n  WARM_IP_TARGET: \"5\"\n";
        const pinned = mergedVpcCniConfiguration(own, true, labels) as string;
        assert.strictEqual(mergedVpcCniConfiguration(pinned, true, labels), pinned);
        const unpinned = mergedVpcCniConfiguration(pinned, false, labels) as string;
        assert.strictEqual(mergedVpcCniConfiguration(unpinned, true, labels), pinned);
        for (const text of [pinned, unpinned]) assert.deepStrictEqual(JSON.parse(text).env, { WARM_IP_TARGET: "5" });
        assert.throws(() => mergedVpcCniConfiguration("[1, 2]", true, labels), /configurationValues are not an object/);
    });
});

describe("mutation gaps: preflight", () => {
    const base = readPreflightSnapshot(EXAMPLE_SNAPSHOT);
    const options = preflightOptionsOf(migrationConfigOf(readStackFile(EXISTING_STACK)));
    const items = (i: typeof base, part: "daemonsets" | "statefulsets"): Obj[] => (i[part] as { items: Obj[] }).items;
    const find = (i: typeof base, id: string) => runPreflight(i, options).findings.filter((f) => f.id === id);

    it("security groups for pods by aws-node's ENABLE_POD_ENI=true alone (no SecurityGroupPolicy): a blocker saying so", () => {
        const input = structuredClone(base);
        const awsNode = items(input, "daemonsets").find((d) => d.metadata.name === "aws-node") as Obj;
        ((awsNode.spec.template.spec.containers[0].env as Obj[]).find((e) => e.name === "ENABLE_POD_ENI") as Obj).value = "true";
        const [f, ...more] = find(input, "security-groups-for-pods");
        assert.strictEqual(more.length, 0);
        assert.strictEqual(f.severity, "blocker");
        assert.strictEqual(f.phase, 5);
        assert.match(f.message, /^security groups for pods are in use \(aws-node ENABLE_POD_ENI=true\)/);
        assert.deepStrictEqual(find(base, "security-groups-for-pods"), []);
    });

    it("subnet-capacity counts only the Cilium pool's subnets and only pods with their own address", () => {
        const starved = structuredClone(base);
        for (const sn of starved.subnets as Obj[]) sn.AvailableIpAddressCount = 0;
        const [f] = find(starved, "subnet-capacity");
        const pods = Number((/moving (\d+) pod\(s\)/.exec(f.message) as RegExpExecArray)[1]);
        const need = Number((/needs about (\d+)/.exec(f.message) as RegExpExecArray)[1]);
        // A subnet of another group with room to spare does not help the pool.
        (starved.subnets as Obj[]).push({ SubnetId: "subnet-0ffffffffffffffff", AvailabilityZone: "us-east-2a", AvailableIpAddressCount: 100000, VpcId: "vpc-x" });
        assert.strictEqual(find(starved, "subnet-capacity").length, 1);
        // Exactly enough is enough; one short is a finding.
        const pool = (starved.subnets as Obj[]).filter((sn) => sn.SubnetId !== "subnet-0ffffffffffffffff");
        pool[0].AvailableIpAddressCount = need;
        assert.deepStrictEqual(find(starved, "subnet-capacity"), []);
        pool[0].AvailableIpAddressCount = need - 1;
        assert.strictEqual(find(starved, "subnet-capacity").length, 1);
        // A host-network pod on a legacy node takes no pod address.
        const pod = structuredClone((starved.pods as { items: Obj[] }).items.find((p) => !p.spec.hostNetwork && p.metadata.ownerReferences?.[0]?.kind === "ReplicaSet") as Obj);
        pod.metadata = { ...pod.metadata, name: "host-agent-1", uid: "00000000-0000-4000-8000-0000000000aa" };
        pod.spec.hostNetwork = true;
        (starved.pods as { items: Obj[] }).items.push(pod);
        pool[0].AvailableIpAddressCount = 0;
        assert.match(find(starved, "subnet-capacity")[0].message, new RegExp(`moving ${pods} pod\\(s\\)`));
    });

    it("zonal-volume reads only a zone key's In terms of a volume's node affinity", () => {
        const ciliumOnBatch = { ...options, cilium: { kind: "group" as const, name: "ng-batch" } };
        const zonal = (i: typeof base) => runPreflight(i, ciliumOnBatch).findings.filter((f) => f.id === "zonal-volume");
        assert.strictEqual(zonal(base).length, 1, "the example's volumes are bound to zones ng-batch has no subnet in");
        for (const change of [
            (e: Obj) => { e.operator = "NotIn"; },
            (e: Obj) => { e.key = "kubernetes.io/hostname"; },
        ]) {
            const input = structuredClone(base);
            for (const pv of (input.persistentvolumes as { items: Obj[] }).items) for (const t of pv.spec.nodeAffinity.required.nodeSelectorTerms) t.matchExpressions.forEach(change);
            assert.deepStrictEqual(zonal(input), []);
        }
    });

    it("the drain forecast takes legacy nodes only: a Cilium node's pods are not in it", () => {
        const before = runPreflight(base, options).forecast;
        const input = structuredClone(base);
        const nodes = (input.nodes as { items: Obj[] }).items;
        const legacy = nodes.find((n) => n.metadata.labels["eks.amazonaws.com/nodegroup"] === "ng-general") as Obj;
        const twin = structuredClone(legacy);
        twin.metadata = { ...twin.metadata, name: "ip-10-20-9-9.us-east-2.compute.internal", labels: { ...twin.metadata.labels, cni: "cilium", "eks.amazonaws.com/nodegroup": "ng-general-cilium" } };
        nodes.push(twin);
        const pods = (input.pods as { items: Obj[] }).items;
        const moved = structuredClone(pods.find((p) => p.spec.nodeName === legacy.metadata.name && p.metadata.ownerReferences?.[0]?.kind === "ReplicaSet") as Obj);
        moved.metadata = { ...moved.metadata, name: `${moved.metadata.name}-on-cilium`, uid: "00000000-0000-4000-8000-0000000000bb" };
        moved.spec.nodeName = twin.metadata.name;
        pods.push(moved);
        const after = runPreflight(input, options).forecast;
        assert.deepStrictEqual(after.nodes.map((n) => n.node), before.nodes.map((n) => n.node));
        assert.strictEqual(after.evictions, before.evictions);
    });

    it("a one-replica StatefulSet with its pod on a legacy node is named; two replicas are not", () => {
        assert.deepStrictEqual(find(base, "single-replica").flatMap((f) => f.objects).filter((o) => o.startsWith("StatefulSet")), []);
        const input = structuredClone(base);
        (items(input, "statefulsets").find((s) => s.metadata.name === "postgres") as Obj).spec.replicas = 1;
        const [f] = find(input, "single-replica");
        assert.strictEqual(f.severity, "info");
        assert.ok(f.objects.includes("StatefulSet shop/postgres"), f.objects.join(", "));
    });
});

describe("mutation gaps: the preflight gate", () => {
    const base = readPreflightSnapshot(EXAMPLE_SNAPSHOT);
    const options = preflightOptionsOf(migrationConfigOf(readStackFile(EXISTING_STACK)));

    it("passes without a blocker, its findings every report line but the verdict; fails naming the blocker", () => {
        const pass = preflightVerdict(base, options);
        assert.strictEqual(pass.check, "preflight");
        assert.strictEqual(pass.pass, true);
        assert.match(pass.reason, /^no blocker left \(0 blocker\(s\), \d+ warning\(s\), \d+ info\)$/);
        assert.ok(pass.findings.length > 0 && pass.findings.every((l) => l.startsWith("preflight: ") && !/PASS|FAIL|INCOMPLETE/.test(l.slice(0, 25))));
        const ipv6 = structuredClone(base);
        (ipv6.cluster as Obj).kubernetesNetworkConfig.ipFamily = "ipv6";
        const fail = preflightVerdict(ipv6, options);
        assert.strictEqual(fail.pass, false);
        assert.strictEqual(fail.reason, "1 blocker(s) not accepted in preflight.accept: ipv6-cluster");
        assert.ok(fail.findings.some((l) => l.startsWith("preflight: BLOCKER ipv6-cluster (phase 2): cluster prod-east is an IPv6 cluster")));
    });

    it("an incomplete read says so in the reason (never PASS), and keeps the INCOMPLETE line out of the findings", () => {
        const partial = structuredClone(base);
        delete partial.configmaps;
        const v = preflightVerdict(partial, options);
        assert.strictEqual(v.pass, true);
        assert.strictEqual(v.reason, "INCOMPLETE: 1 check not run (files configmaps.json missing); no blocker among those that ran");
        assert.ok(!v.findings.some((l) => /INCOMPLETE|PASS preflight/.test(l)));
        assert.ok(v.findings.some((l) => l === "preflight: INFO not-checked (phase 2): cilium-already-installed was not checked: configmaps.json missing."));
    });
});

describe("mutation gaps: aws-node fields another manager owns", () => {
    const k = (name: string) => `k:{"name":"${name}"}`;
    const ds = {
        metadata: {
            name: "aws-node", namespace: "kube-system",
            managedFields: [
                { manager: "eks", operation: "Apply", fieldsV1: { "f:spec": { "f:template": { "f:spec": { "f:containers": { [k("aws-node")]: { "f:env": { [k("WARM_ENI_TARGET")]: { "f:value": {} } } } } } } } } },
                { manager: "helm", operation: "Update", fieldsV1: { "f:spec": { "f:template": { "f:spec": {
                    "f:containers": { [k("aws-node")]: { "f:env": { [k("WARM_IP_TARGET")]: { "f:value": {} }, [k("NODE_NAME")]: { "f:valueFrom": {} }, [k("GONE")]: { "f:value": {} }, [k("NAMED")]: { "f:name": {} } }, "f:resources": {} },
                        [k("sidecar-not-running")]: { "f:env": { [k("X")]: { "f:value": {} } } }, "not-a-key": {} },
                    "f:initContainers": { [k("aws-vpc-cni-init")]: { "f:env": { [k("DISABLE_TCP_EARLY_DEMUX")]: { "f:value": {} } }, "f:resources": {} } },
                    "f:tolerations": {},
                } } } } },
                { manager: "kube-controller-manager", operation: "Update", subresource: "status", fieldsV1: { "f:status": {} } },
            ],
        },
        spec: { template: { spec: {
            containers: [{ name: "aws-node", env: [{ name: "WARM_ENI_TARGET", value: "1" }, { name: "WARM_IP_TARGET", value: "5" },
                { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }, { name: "NAMED", value: "n" }], resources: { requests: { cpu: "25m" } } }],
            initContainers: [{ name: "aws-vpc-cni-init", env: [{ name: "DISABLE_TCP_EARLY_DEMUX", value: "true" }], resources: { requests: { cpu: "5m" } } }],
            tolerations: [{ operator: "Exists" }],
        } } },
    };

    it("names each env (value or valueFrom), resources and tolerations field of the running pod another manager owns — and nothing of eks's", () => {
        assert.deepStrictEqual(foreignFields(ds), [
            { field: "env WARM_IP_TARGET", manager: "helm", value: "5", configPath: ["env", "WARM_IP_TARGET"] },
            { field: "env NODE_NAME", manager: "helm", value: JSON.stringify({ fieldRef: { fieldPath: "spec.nodeName" } }), configPath: ["env", "NODE_NAME"], valueFrom: true },
            { field: "resources", manager: "helm", value: JSON.stringify({ requests: { cpu: "25m" } }), configPath: ["resources"] },
            { field: "init env DISABLE_TCP_EARLY_DEMUX", manager: "helm", value: "true", configPath: ["init", "env", "DISABLE_TCP_EARLY_DEMUX"] },
            { field: "tolerations", manager: "helm", value: JSON.stringify([{ operator: "Exists" }]), configPath: ["tolerations"] },
        ]);
        assert.deepStrictEqual(foreignFields({ metadata: {}, spec: {} }), []);
    });

    it("the finding's remedy prints the configurationValues that keep them; what the add-on sets the same is left out", () => {
        const input = structuredClone(readPreflightSnapshot(EXAMPLE_SNAPSHOT));
        const daemonsets = (input.daemonsets as { items: Obj[] }).items;
        daemonsets.splice(daemonsets.findIndex((d) => d.metadata.name === "aws-node"), 1, structuredClone(ds));
        const vpcCni = (input.addons as Obj[]).find((a) => a.addonName === "vpc-cni") as Obj;
        vpcCni.configurationValues = JSON.stringify({ env: { WARM_IP_TARGET: "5" } });
        const options = preflightOptionsOf(migrationConfigOf(readStackFile(EXISTING_STACK)));
        const [f] = runPreflight(input, options).findings.filter((x) => x.id === "aws-node-set-outside-addon");
        assert.strictEqual(f.remedy, "Move them into the add-on before phase 0 (the migration keeps every configurationValues setting it finds): merge " +
            '{"resources":{"requests":{"cpu":"25m"}},"init":{"env":{"DISABLE_TCP_EARLY_DEMUX":"true"}},"tolerations":[{"operator":"Exists"}]} ' +
            "into vpc-cni's configurationValues (aws eks update-addon --cluster-name <cluster> --addon-name vpc-cni --configuration-values …), then take the snapshot " +
            "again; or accept this blocker with the reason if EKS's values are wanted back.");
        assert.match(f.message, /^aws-node has 4 setting\(s\) made outside the vpc-cni add-on: env NODE_NAME=.* \(manager helm\), resources=.*, init env DISABLE_TCP_EARLY_DEMUX=true \(manager helm\), tolerations=/);
        vpcCni.configurationValues = "{not yaml: [";
        assert.strictEqual(runPreflight(input, options).findings.filter((x) => x.id === "aws-node-set-outside-addon")[0].objects.length, 6, "unreadable configurationValues: every field");
    });
});
