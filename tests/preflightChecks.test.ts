// Every preflight finding id, on a snapshot that has the hazard and one that does not. The base is the example
// cluster (examples/prod-east: AWS CLI output and kubectl lists of a realistic cluster) as Pulumi.existing.yaml
// migrates it; each positive case adds the hazard the way kubectl or the AWS CLI would show it.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { readPreflightSnapshot } from "../preflight/read";
import { FINDING_IDS } from "../preflight/catalog";
import { runPreflight } from "../preflight/run";
import { Finding, Obj, PreflightInput, PreflightOptions } from "../preflight/types";
import { preflightOptionsOf } from "../stacks/preflightConfig";
import { migrationConfigOf, readStackFile } from "../stacks/stackFile";
import { EXAMPLE_SNAPSHOT, EXISTING_STACK } from "./support/existingCluster";
import { eniConfig, securityGroupPolicySamples } from "./support/preflightObjects";
import { ISTIO_SIDECAR, ipBlockPolicy, meshedPod, multusDaemonSet } from "./support/meaningObjects";
import { FIXTURES } from "./support/paths";
import { Golden } from "./support/golden";
import { forecastLines } from "../preflight/forecast";
import { exampleOf, nodeClaim } from "./support/karpenterObjects";

const BASE = readPreflightSnapshot(EXAMPLE_SNAPSHOT);
const REAL_NODES: Obj[] = JSON.parse(fs.readFileSync(path.join(FIXTURES, "real", "node-labels", "nodes.json"), "utf8")).items;
const OPTIONS = preflightOptionsOf(migrationConfigOf(readStackFile(EXISTING_STACK)));
type Edit = (input: PreflightInput, options: PreflightOptions) => void;

function findingsOf(edit: Edit = () => undefined): Finding[] {
    const input = structuredClone(BASE);
    const options = structuredClone({ ...OPTIONS });
    edit(input, options);
    return runPreflight(input, options).findings;
}
const ids = (findings: Finding[]) => findings.map((f) => f.id);

const items = (input: PreflightInput, part: keyof PreflightInput): Obj[] => (input[part] as { items: Obj[] }).items;
const named = (input: PreflightInput, part: keyof PreflightInput, name: string): Obj => items(input, part).find((o) => o.metadata.name === name) as Obj;
const awsNodeEnv = (input: PreflightInput): Obj[] => named(input, "daemonsets", "aws-node").spec.template.spec.containers[0].env;
const setEnv = (input: PreflightInput, name: string, value: string) => { (awsNodeEnv(input).find((e) => e.name === name) as Obj).value = value; };
const legacyNode = (input: PreflightInput, group = "ng-general"): Obj => items(input, "nodes").find((n) => n.metadata.labels["eks.amazonaws.com/nodegroup"] === group) as Obj;
const podsOf = (input: PreflightInput, prefix: string): Obj[] => items(input, "pods").filter((p) => p.metadata.name.startsWith(prefix));

function addNode(input: PreflightInput, name: string, labels: Record<string, string>): void {
    const node = structuredClone(legacyNode(input));
    node.metadata = { ...node.metadata, name, labels: { ...labels, "kubernetes.io/hostname": name } };
    items(input, "nodes").push(node);
}
function addObject(input: PreflightInput, part: keyof PreflightInput, object: Obj): void {
    items(input, part).push(object);
}

/** A Calico GlobalNetworkPolicy as `kubectl get globalnetworkpolicies.projectcalico.org -o json` prints it. */
const CALICO_DNS_POLICY: Obj = { apiVersion: "projectcalico.org/v3", kind: "GlobalNetworkPolicy", metadata: { name: "allow-dns" },
    spec: { selector: "all()", types: ["Egress"], egress: [{ action: "Allow", protocol: "UDP", destination: { selector: "k8s-app == 'kube-dns'", ports: [53] } }] } };
/** tigera-operator's Installation for an EKS cluster with Calico on the VPC CNI (field notes, "Calico as a policy engine"). */
const EKS_INSTALLATION: Obj = { apiVersion: "operator.tigera.io/v1", kind: "Installation", metadata: { name: "default" },
    spec: { kubernetesProvider: "EKS", cni: { type: "AmazonVPC" } } };

/** [id, how the cluster gets the hazard, how the base loses it (if the base has it)]. */
const asgCase = (group: Record<string, unknown>, versions: Record<string, unknown>[] = []): Edit => (i, o) => {
    i.autoscalinggroups = [{ AutoScalingGroupName: "ng-self", MinSize: 1, MaxSize: 3, DesiredCapacity: 2, Instances: [], ...group }];
    i.launchtemplateversions = versions;
    o.asgs = ["ng-self"];
};
const TEMPLATE_REF = { LaunchTemplate: { LaunchTemplateId: "lt-0abc", Version: "$Latest" } };
const CASES: [string, Edit, Edit?][] = [
    ["ipv6-cluster", (i) => { (i.cluster as Obj).kubernetesNetworkConfig.ipFamily = "ipv6"; }],
    ["security-groups-for-pods", (i) => addObject(i, "securitygrouppolicies", securityGroupPolicySamples()[0])],
    ["cilium-already-installed", (i) => addObject(i, "configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cilium-config", namespace: "kube-system" }, data: {} })],
    // A Karpenter node as kubelet registers it (tests/fixtures/real/node-labels): legacy, and in no configured pool.
    ["pool-less-legacy-node", (i) => items(i, "nodes").push(structuredClone(REAL_NODES.find((n) => n.metadata.labels["karpenter.sh/nodepool"] === "default") as Obj))],
    ["cilium-label-not-twin", (i) => addNode(i, "ip-10-20-9-9.us-east-2.compute.internal", { "kubernetes.io/os": "linux", "eks.amazonaws.com/nodegroup": "ng-trial", cni: "cilium" }),
        (i) => addNode(i, "ip-10-20-9-9.us-east-2.compute.internal", { "kubernetes.io/os": "linux", "eks.amazonaws.com/nodegroup": "ng-general-cilium", cni: "cilium" })],
    ["pool-without-nodes", (_i, o) => { o.legacy = { kind: "node-groups", groups: ["ng-general", "ng-batch", "ng-retired"] }; }],
    ["aws-node-set-outside-addon", (i) => {
        // `kubectl set env daemonset aws-node -n kube-system WARM_IP_TARGET=5`: the value changes, and kubectl-set takes the field.
        const ds = named(i, "daemonsets", "aws-node");
        (awsNodeEnv(i).find((e) => e.name === "WARM_IP_TARGET") ?? (awsNodeEnv(i).push({ name: "WARM_IP_TARGET", value: "" }), awsNodeEnv(i)[awsNodeEnv(i).length - 1])).value = "5";
        ds.metadata.managedFields.push({ apiVersion: "apps/v1", fieldsType: "FieldsV1", manager: "kubectl-set", operation: "Update", time: "2025-03-02T10:00:00Z",
            fieldsV1: { "f:spec": { "f:template": { "f:spec": { "f:containers": { "k:{\"name\":\"aws-node\"}": { "f:env": { "k:{\"name\":\"WARM_IP_TARGET\"}": { ".": {}, "f:name": {}, "f:value": {} } } } } } } } } });
    }],
    ["fargate", (i) => addNode(i, "fargate-ip-10-20-1-9.us-east-2.compute.internal", { "eks.amazonaws.com/compute-type": "fargate", "kubernetes.io/os": "linux" })],
    ["hybrid-or-auto-nodes", (i) => addNode(i, "mi-0a1b2c3d4e5f60718", { "eks.amazonaws.com/compute-type": "hybrid", "kubernetes.io/os": "linux" })],
    ["windows-nodes", (i) => addNode(i, "ip-10-20-2-9.us-east-2.compute.internal", { "kubernetes.io/os": "windows", "eks.amazonaws.com/nodegroup": "ng-windows" })],
    ["custom-networking", (i) => {
        setEnv(i, "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG", "true");
        for (const [az, subnet] of [["us-east-2a", "subnet-0d4c5b6a708192a34"], ["us-east-2b", "subnet-0e5b6a708192a3b45"]]) {
            addObject(i, "eniconfigs", eniConfig(az, subnet, ["sg-0b8d4f0e3c2a5b7c9"]));
        }
    }],
    ["prefix-delegation", () => undefined, (i) => setEnv(i, "ENABLE_PREFIX_DELEGATION", "false")],
    ["snat-mode-change", () => undefined, (i) => setEnv(i, "AWS_VPC_K8S_CNI_EXTERNALSNAT", "true")],
    ["host-port", (i) => { podsOf(i, "web-")[0].spec.containers[0].ports = [{ containerPort: 8080, hostPort: 8080, protocol: "TCP" }]; }],
    ["network-policy", () => undefined, (i) => { items(i, "networkpolicies").length = 0; }],
    ["calico-policy-engine", (i) => addObject(i, "daemonsets", { ...structuredClone(named(i, "daemonsets", "kube-proxy")), metadata: { name: "calico-node", namespace: "calico-system" } })],
    ["calico-policies", (i) => addObject(i, "calicoglobalnetworkpolicies", CALICO_DNS_POLICY)],
    ["calico-unconvertible", (i) => addObject(i, "caliconetworkpolicies", { ...CALICO_DNS_POLICY, kind: "NetworkPolicy", metadata: { name: "log-web", namespace: "shop" },
        spec: { selector: "app == 'web'", ingress: [{ action: "Log" }, { action: "Allow", source: { selector: "app == 'api'" } }] } })],
    ["node-local-dns", (i) => addObject(i, "daemonsets", { ...structuredClone(named(i, "daemonsets", "kube-proxy")), metadata: { name: "node-local-dns", namespace: "kube-system" } })],
    ["cluster-autoscaler", () => undefined, (i) => { items(i, "deployments").splice(items(i, "deployments").findIndex((d) => /autoscaler/.test(d.metadata.name)), 1); }],
    // Karpenter runs and its published general-purpose NodePool is left out of `existingCluster.nodePools`.
    ["karpenter", (i, o) => {
        addObject(i, "deployments", { ...structuredClone(named(i, "deployments", "web")),
            metadata: { name: "karpenter", namespace: "kube-system", labels: { "app.kubernetes.io/name": "karpenter", "app.kubernetes.io/instance": "karpenter" } } });
        addObject(i, "nodepools", exampleOf("general-purpose.yaml", "NodePool"));
        o.nodePools = [];
    }],
    // A NodeClaim of the published max-node-lifetime pool (expireAfter 168h), six and a half days old.
    ["karpenter-expiry", (i) => {
        addObject(i, "nodepools", exampleOf("max-node-lifetime.yaml", "NodePool"));
        addObject(i, "nodeclaims", { ...nodeClaim("default-sfpsl", "default", 156 * 3_600_000), spec: { ...nodeClaim("x", "default", 0).spec, expireAfter: "168h" } });
    }],
    ["karpenter-static-capacity", (i) => addObject(i, "nodepools", { ...exampleOf("general-purpose.yaml", "NodePool"),
        spec: { ...exampleOf("general-purpose.yaml", "NodePool").spec, replicas: 5 } })],
    ["karpenter-pod-density", (i) => {
        addObject(i, "nodepools", exampleOf("general-purpose.yaml", "NodePool"));
        addObject(i, "ec2nodeclasses", exampleOf("general-purpose.yaml", "EC2NodeClass"));
    }],
    ["asg-launch-configuration", asgCase({ LaunchConfigurationName: "ng-self-lc" }), asgCase(TEMPLATE_REF)],
    ["asg-instance-tag", asgCase(TEMPLATE_REF, [{ LaunchTemplateId: "lt-0abc", VersionNumber: 1, DefaultVersion: true, LaunchTemplateData: {} }]),
        asgCase({ ...TEMPLATE_REF, Tags: [{ Key: "eks:cluster-name", Value: "prod-east", PropagateAtLaunch: true }] },
            [{ LaunchTemplateId: "lt-0abc", VersionNumber: 1, DefaultVersion: true, LaunchTemplateData: {} }])],
    ["node-auto-repair", (i) => { (i.nodegroups as Obj[])[0].nodeRepairConfig = { enabled: true }; }],
    ["pdb-blocks-drain", (i) => { named(i, "poddisruptionbudgets", "api").status.disruptionsAllowed = 0; }],
    ["unmanaged-pod", (i) => { const p = structuredClone(podsOf(i, "web-")[0]); p.metadata = { name: "debug-shell", namespace: "shop" }; addObject(i, "pods", p); }],
    ["emptydir-data", (i) => { const spec = podsOf(i, "api-")[0].spec; spec.volumes = [...spec.volumes ?? [], { name: "cache", emptyDir: {} }]; }],
    ["single-replica", () => undefined, (i) => { named(i, "deployments", "cluster-autoscaler-aws-cluster-autoscaler").spec.replicas = 2; }],
    ["zonal-volume", (_i, o) => { o.cilium = { kind: "group", name: "ng-batch" }; }],
    ["legacy-only-scheduling", (i) => { for (const p of podsOf(i, "report-builder-")) p.spec.nodeSelector = { "eks.amazonaws.com/nodegroup": "ng-batch" }; }],
    ["subnet-capacity", (i) => { for (const s of i.subnets as Obj[]) s.AvailableIpAddressCount = 12; }],
    ["cidr-peer-in-cluster", (i) => addObject(i, "networkpolicies", ipBlockPolicy("egress-vpc", "shop", "egress", [{ cidr: "10.20.0.0/16" }]))],
    ["cni-plugin-chain", (i) => addObject(i, "daemonsets", multusDaemonSet())],
    ["service-mesh-socket-lb", (i) => addObject(i, "pods", meshedPod(ISTIO_SIDECAR, "reviews", "shop", legacyNode(i).metadata.name, "10.20.0.99"))],
];

describe("preflight: each finding, with and without its hazard", () => {
    it("covers every id of the design's table, each once", () => {
        assert.deepStrictEqual(CASES.map(([id]) => id), [...FINDING_IDS]);
    });

    it("the example cluster (a clean, realistic snapshot) has no blocker, and every file is read", () => {
        const findings = findingsOf();
        assert.deepStrictEqual(findings.filter((f) => f.severity === "blocker"), []);
        assert.deepStrictEqual(ids(findings).sort(), ["cluster-autoscaler", "network-policy", "prefix-delegation", "single-replica", "snat-mode-change"]);
    });

    it("pool-less-legacy-node and cilium-label-not-twin name the nodes and their pool, and preflight.accept cannot accept them", () => {
        const add: Edit = (i, o) => {
            for (const n of REAL_NODES.filter((x) => !x.metadata.labels.cni)) items(i, "nodes").push(structuredClone(n));
            addNode(i, "ip-10-20-9-9.us-east-2.compute.internal", { "kubernetes.io/os": "linux", "eks.amazonaws.com/nodegroup": "ng-trial", cni: "cilium" });
            o.accept = [{ id: "pool-less-legacy-node", reason: "we know, really" }, { id: "cilium-label-not-twin", reason: "we know, really" }];
        };
        const input = structuredClone(BASE);
        const options = structuredClone({ ...OPTIONS });
        add(input, options);
        const report = runPreflight(input, options);
        const poolLess = report.findings.filter((f) => f.id === "pool-less-legacy-node");
        // The managed node of ng-general is in a configured pool; Karpenter's, the plain ASG's, eksctl's are not.
        assert.deepStrictEqual(poolLess.map((f) => f.objects), [["ip-10-20-33-14.us-east-2.compute.internal"], ["ip-10-20-64-40.us-east-2.compute.internal", "ip-10-20-0-55.us-east-2.compute.internal"]]);
        assert.match(poolLess[0].message, /^1 legacy node\(s\) of NodePool default are in no configured legacy pool \(ip-10-20-33-14/);
        assert.match(poolLess[1].message, /of no managed node group or NodePool \(a self-managed or unknown node\)/);
        const stray = report.findings.find((f) => f.id === "cilium-label-not-twin") as Finding;
        assert.match(stray.message, /node group ng-trial carry the Cilium label cni=cilium but belong to no twin \(ip-10-20-9-9/);
        assert.ok(report.findings.every((f) => !f.accepted), "unwaivable");
        assert.deepStrictEqual([...new Set(report.unacceptedBlockers.map((f) => f.id))], ["pool-less-legacy-node", "cilium-label-not-twin"]);
        // A managed group left out of existingCluster.nodeGroups: its nodes are pool-less.
        const narrowed = findingsOf((_i, o) => { o.legacy = { kind: "node-groups", groups: ["ng-general"] }; }).filter((f) => f.id === "pool-less-legacy-node");
        assert.deepStrictEqual(narrowed.map((f) => f.objects.length), [4]);
        assert.match(narrowed[0].message, /of node group ng-batch are in no configured legacy pool/);
    });
    /** Each finding's severity and phase as the design's table has them (karpenter: ours). */
    const EXPECTED: Record<string, [Finding["severity"], number | null]> = {
        "ipv6-cluster": ["blocker", 2], "security-groups-for-pods": ["blocker", 5], "cilium-already-installed": ["blocker", 2],
        "pool-less-legacy-node": ["blocker", 6], "cilium-label-not-twin": ["blocker", 1],
        "pool-without-nodes": ["warning", 1], "aws-node-set-outside-addon": ["blocker", 1], "fargate": ["warning", null],
        "hybrid-or-auto-nodes": ["warning", null], "windows-nodes": ["warning", null], "custom-networking": ["warning", 3],
        "prefix-delegation": ["warning", 3], "snat-mode-change": ["warning", 3], "host-port": ["warning", 3], "network-policy": ["warning", 3],
        "calico-policy-engine": ["info", 1], "calico-policies": ["blocker", 3],
        "calico-unconvertible": ["warning", 3], "node-local-dns": ["warning", 9], "cluster-autoscaler": ["warning", 4], "karpenter": ["warning", 1],
        "karpenter-expiry": ["warning", null], "karpenter-static-capacity": ["blocker", 0], "karpenter-pod-density": ["warning", 3],
        "asg-launch-configuration": ["blocker", 0], "asg-instance-tag": ["warning", 2],
        "node-auto-repair": ["info", 4], "pdb-blocks-drain": ["warning", 5], "unmanaged-pod": ["warning", 5], "emptydir-data": ["warning", 5],
        "single-replica": ["info", 5], "zonal-volume": ["warning", 5], "legacy-only-scheduling": ["warning", 5], "subnet-capacity": ["warning", 3],
        "cidr-peer-in-cluster": ["blocker", 3], "cni-plugin-chain": ["blocker", 3], "service-mesh-socket-lb": ["blocker", 9],
    };

    const golden = new Golden("preflight-findings");
    after(() => golden.save());

    const caseOf = (id: string): Edit => (CASES.find(([c]) => c === id) as [string, Edit])[1];
    /** The same ids under the stack's other choices: each wording held exactly too. */
    const VARIANTS: [string, string, Edit][] = [
        ["custom-networking", "eni.nodeSpec set", (i, o) => { caseOf("custom-networking")(i, o); o.ciliumValues = { eni: { nodeSpec: { subnetIDs: ["subnet-0d4c5b6a708192a34"] } } }; }],
        ["custom-networking", "chart 1.18 (no eni.nodeSpec)", (i, o) => { caseOf("custom-networking")(i, o); o.chartVersion = "1.18.12"; }],
        ["prefix-delegation", "Cilium's prefix delegation on", (_i, o) => { o.ciliumValues = { eni: { awsEnablePrefixDelegation: true } }; }],
        ["snat-mode-change", "external SNAT kept, but Cilium masquerades", (i, o) => { setEnv(i, "AWS_VPC_K8S_CNI_EXTERNALSNAT", "true"); o.ciliumValues = { enableIPv4Masquerade: true }; }],
        ["snat-mode-change", "Cilium masquerades like aws-node", (_i, o) => { o.ciliumValues = { enableIPv4Masquerade: true }; }],
        ["snat-mode-change", "external SNAT unset", (i) => { awsNodeEnv(i).splice(awsNodeEnv(i).findIndex((e) => e.name === "AWS_VPC_K8S_CNI_EXTERNALSNAT"), 1); }],
        ["network-policy", "policyDuringMigration never", (_i, o) => { o.policyDuringMigration = "never"; }],
        ["host-port", "portmap chained", (i, o) => { podsOf(i, "web-")[0].spec.containers[0].ports = [{ containerPort: 8080, hostPort: 8080, protocol: "TCP" }]; o.portmapChaining = true; }],
        ["calico-policy-engine", "tigera-operator", (i) => {
            addObject(i, "deployments", { ...structuredClone(named(i, "deployments", "web")), metadata: { name: "tigera-operator", namespace: "tigera-operator" } });
            addObject(i, "calicoinstallations", EKS_INSTALLATION);
        }],
        ["calico-policy-engine", "tigera-operator v1.27 (no calicoNodeDaemonSet override)", (i) => {
            const operator: Obj = { ...structuredClone(named(i, "deployments", "web")), metadata: { name: "tigera-operator", namespace: "tigera-operator" } };
            operator.spec.template.spec.containers = [{ name: "tigera-operator", image: "quay.io/tigera/operator:v1.27.12" }];
            addObject(i, "deployments", operator);
            addObject(i, "calicoinstallations", EKS_INSTALLATION);
        }],
        ["pool-without-nodes", "a demo stack's legacyNodeGroup", (_i, o) => { o.legacy = { kind: "node-group", name: "ng-1" }; }],
    ];
    for (const [what, edit] of [
        ["the example", () => undefined],
        ["a PodDisruptionBudget that allows none, three nodes a batch", (i: PreflightInput, o: PreflightOptions) => {
            named(i, "poddisruptionbudgets", "api").status.disruptionsAllowed = 0; o.drain = { ...o.drain, batchSize: 3 };
        }],
        ["an unmanaged pod with emptyDir data, and no PodDisruptionBudgets file", (i: PreflightInput) => {
            const p = structuredClone(podsOf(i, "web-")[0]); p.metadata = { name: "debug-shell", namespace: "shop" }; p.spec.volumes = [{ name: "scratch", emptyDir: {} }];
            addObject(i, "pods", p); delete i.poddisruptionbudgets;
        }],
    ] as [string, Edit][]) {
        it(`the drain forecast, ${what} (golden)`, () => {
            const input = structuredClone(BASE);
            const options = structuredClone({ ...OPTIONS });
            edit(input, options);
            const forecast = runPreflight(input, options).forecast;
            golden.check(`forecast / ${what}`, forecast);
            golden.check(`forecast text / ${what}`, forecastLines(forecast));
        });
    }

    for (const [id, what, edit] of VARIANTS) {
        it(`${id}, ${what}: the whole finding (golden)`, () => golden.check(`${id} / ${what}`, findingsOf(edit).filter((f) => f.id === id)));
    }

    for (const [id, add, remove] of CASES) {
        it(`${id}: found with the hazard, not without it`, () => {
            // The whole finding (message, objects, remedy) held exactly: tests/fixtures/golden/preflight-findings.json.
            golden.check(id, findingsOf(add).filter((f) => f.id === id));
            const found = findingsOf(add).filter((f) => f.id === id);
            assert.strictEqual(found.length, 1, `${id}: ${JSON.stringify(ids(findingsOf(add)))}`);
            assert.ok(found[0].objects.length > 0 && found[0].remedy.length > 0 && found[0].message.length > 0);
            assert.deepStrictEqual([found[0].severity, found[0].phase], EXPECTED[id], `${id}: severity and phase`);
            assert.ok(!ids(findingsOf(remove)).includes(id), `${id} is found without its hazard`);
        });
    }
});


describe("preflight: custom-networking says only what it read", () => {
    it("with daemonsets.json missing it says aws-node was not read; with eniconfigs.json missing it names no subnets it never saw", () => {
        const configs = (i: PreflightInput) => {
            for (const [az, subnet] of [["us-east-2a", "subnet-0d4c5b6a708192a34"], ["us-east-2b", "subnet-0e5b6a708192a3b45"]]) addObject(i, "eniconfigs", eniConfig(az, subnet, ["sg-0b8d4f0e3c2a5b7c9"]));
        };
        const noDaemonSets = findingsOf((i) => { configs(i); delete i.daemonsets; }).find((f) => f.id === "custom-networking") as Finding;
        assert.match(noDaemonSets.message, /^custom networking is on \(aws-node not read: daemonsets\.json missing, 2 ENIConfig\(s\): subnets subnet-0d4c5b6a708192a34, subnet-0e5b6a708192a3b45\)/);
        const noEniConfigs = findingsOf((i) => { setEnv(i, "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG", "true"); delete i.eniconfigs; }).find((f) => f.id === "custom-networking") as Finding;
        assert.match(noEniConfigs.message, /^custom networking is on \(AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true, ENIConfigs not read: eniconfigs\.json missing\)/);
        assert.ok(!noEniConfigs.remedy.includes("subnetIDs"), noEniConfigs.remedy);
    });
});

describe("preflight: aws-node settings made outside the vpc-cni add-on (managedFields)", () => {
    const setByKubectl = (i: PreflightInput, env: string, value: string) => {
        const list = awsNodeEnv(i);
        const e = list.find((x) => x.name === env) ?? (list.push({ name: env }), list[list.length - 1]);
        e.value = value;
        // A changed value moves the field's ownership to the manager that changed it (Kubernetes, "Server-Side Apply":
        // "Whenever a field's value does change, ownership moves from its current manager to the manager making the change").
        const fields = named(i, "daemonsets", "aws-node").metadata.managedFields as Obj[];
        for (const m of fields) delete m.fieldsV1?.["f:spec"]?.["f:template"]?.["f:spec"]?.["f:containers"]?.["k:{\"name\":\"aws-node\"}"]?.["f:env"]?.[`k:{"name":"${env}"}`];
        named(i, "daemonsets", "aws-node").metadata.managedFields.push({ apiVersion: "apps/v1", fieldsType: "FieldsV1", manager: "kubectl-set", operation: "Update",
            fieldsV1: { "f:spec": { "f:template": { "f:spec": { "f:containers": { "k:{\"name\":\"aws-node\"}": { "f:env": { [`k:{"name":"${env}"}`]: { ".": {}, "f:name": {}, "f:value": {} } } } } } } } } });
    };
    const finding = (edit: Edit) => findingsOf(edit).find((f) => f.id === "aws-node-set-outside-addon");

    it("names each field, its value and manager, and prints the configurationValues that would keep it", () => {
        const f = finding((i) => { setByKubectl(i, "WARM_IP_TARGET", "5"); setByKubectl(i, "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG", "true"); }) as Finding;
        assert.strictEqual(f.severity, "blocker");
        assert.strictEqual(f.phase, 1);
        assert.match(f.message, /aws-node has 2 setting\(s\) made outside the vpc-cni add-on: env WARM_IP_TARGET=5 \(manager kubectl-set\), env AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true \(manager kubectl-set\)\. Phase 1 updates the add-on with resolveConflicts OVERWRITE/);
        assert.deepStrictEqual(f.objects, ["kube-system/aws-node", "env WARM_IP_TARGET (kubectl-set)", "env AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG (kubectl-set)"]);
        assert.match(f.remedy, /merge \{"env":\{"WARM_IP_TARGET":"5","AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG":"true"\}\} into vpc-cni's configurationValues/);
    });

    it("a field another manager shares with eks holds EKS's value (two appliers of one value share it): no hazard", () => {
        const shared = (i: PreflightInput) => {
            const fields = named(i, "daemonsets", "aws-node").metadata.managedFields as Obj[];
            const eks = fields.find((m) => m.manager === "eks") as Obj;
            fields.push({ ...structuredClone(eks), manager: "kubectl-client-side-apply", operation: "Update" });
        };
        assert.strictEqual(finding(shared), undefined);
    });

    it("a value the add-on's configurationValues already sets the same is no hazard; EKS's own fields are none", () => {
        // The example's add-on sets ENABLE_PREFIX_DELEGATION "true" in configurationValues; kubectl set env to the same value.
        assert.strictEqual(finding((i) => setByKubectl(i, "ENABLE_PREFIX_DELEGATION", "true")), undefined);
        assert.ok(finding((i) => setByKubectl(i, "ENABLE_PREFIX_DELEGATION", "false")));
        assert.strictEqual(finding(() => undefined), undefined);
    });

    it("a self-managed aws-node (no vpc-cni add-on) has no OVERWRITE to fear; a DaemonSet read without managedFields is said", () => {
        assert.strictEqual(finding((i) => { setByKubectl(i, "WARM_IP_TARGET", "5"); i.addons = (i.addons as Obj[]).filter((a) => a.addonName !== "vpc-cni"); }), undefined);
        const blind = finding((i) => { delete named(i, "daemonsets", "aws-node").metadata.managedFields; }) as Finding;
        assert.strictEqual(blind.severity, "warning");
        assert.match(blind.message, /read without its managedFields \(kubectl 1\.21 and later leave them out of -o json\)/);
    });
});

describe("preflight: snat-mode-change says what holds today", () => {
    it("masquerading only where needed, the open egress bug named, and the gate's egress check as the proof", () => {
        const f = findingsOf().find((x) => x.id === "snat-mode-change") as Finding;
        assert.strictEqual(f.severity, "warning");
        assert.match(f.remedy, /^Behind a NAT gateway \(nodes in private subnets\) keep Cilium's default/);
        assert.match(f.remedy, /pods on a secondary ENI or a secondary VPC CIDR may lose egress .*cilium\/cilium#45137, open; #18179/);
        assert.match(f.remedy, /set `goldpinger\.egressTargets` .* so the connectivity gate from phase 3 on proves egress from pods on both pools/);
    });
});
