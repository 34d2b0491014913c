// "Which CNI a node gets" (design.md): a node runs Cilium if and only if kubelet registered it with the Cilium label;
// aws-node runs everywhere else; legacy nodes are every Linux EC2 node without the Cilium label. Proven on nodes as
// kubelet registers them (tests/fixtures/real/node-labels: managed, Karpenter, self-managed, none with a `cni` label,
// and the kinds never migrated) — the affinities as the scheduler evaluates them, for both example stacks in every
// phase; the gates on snapshots holding an unlabelled legacy node; the cordon and drain selectors as kubectl would.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { awsNodeAffinity, mergedVpcCniConfiguration } from "../components/awsNode/affinity";
import { CHART_DAEMONSETS, CHART_DEFAULT_NODE_EXPRESSIONS, NOT_CILIUM_COMPUTE, inChart, keepOffAffinity } from "../components/cilium/daemonSets";
import { DEFAULT_DRAIN } from "../stacks/config";
import { cordonScript, drainScript, uncordonScript } from "../components/clusterSteps/scripts";
import { ClusterSnapshot, Node, Pod } from "../clusterReader/k8sTypes";
import { DEFAULT_CONTEXT, GateContext } from "../clusterReader/selectors";
import { awsNodePinned } from "../gates/checks/awsNode";
import { ciliumOperatorReady, ciliumReady } from "../gates/checks/cilium";
import { legacyCordoned, legacyDrained, legacyRetired } from "../gates/checks/legacy";
import { parseArgs } from "../gates/cli";
import { DEFAULT_NODE_LABELS, NodeLabels } from "../migration/names";
import { Placement, isCiliumNode, isLegacyNode, legacyNodeSelector, placementAdmits, unmigratedKind } from "../migration/nodeRule";
import { Evaluation, evaluate } from "../plan/evaluate";
import { AwsSnapshot } from "../plan/awsSnapshot";
import { readStackFile } from "../stacks/stackFile";
import { PHASE_SHAPES, buildCluster, copy } from "./fixtures/clusterBuilder";
import { EXAMPLE_SNAPSHOT, EXISTING_STACK, Json } from "./support/existingCluster";
import { FIXTURES, PROJECT_ROOT } from "./support/paths";

const NODE_DIR = path.join(FIXTURES, "real", "node-labels");
const REAL_NODES: Node[] = JSON.parse(fs.readFileSync(path.join(NODE_DIR, "nodes.json"), "utf8")).items;
const EXAMPLE_NODES: Node[] = JSON.parse(fs.readFileSync(path.join(EXAMPLE_SNAPSHOT, "nodes.json"), "utf8")).items;
const CHARTS = path.join(FIXTURES, "real", "cilium-chart");
const STANDINS = path.join(FIXTURES, "standins");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const answers = require(path.join(STANDINS, "answers.js"));
const labelsOf = (n: Node): Record<string, string> => n.metadata?.labels ?? {};
const nameOf = (n: Node): string => n.metadata?.name as string;
const byName = (name: string): Node => REAL_NODES.find((n) => nameOf(n) === name) as Node;

const MANAGED = "ip-10-20-0-21.us-east-2.compute.internal";
const KARPENTER = "ip-10-20-33-14.us-east-2.compute.internal";
const PLAIN_ASG = "ip-10-20-64-40.us-east-2.compute.internal";
const EKSCTL_ASG = "ip-10-20-0-55.us-east-2.compute.internal";
const MARKED = "ip-10-20-32-24.us-east-2.compute.internal";
const TWIN = "ip-10-20-64-61.us-east-2.compute.internal";
const LEGACY = [MANAGED, KARPENTER, PLAIN_ASG, EKSCTL_ASG, MARKED];
const NEVER_MIGRATED = ["fargate-ip-10-20-1-9.us-east-2.compute.internal", "ip-10-20-2-9.us-east-2.compute.internal", "mi-0a1b2c3d4e5f60718", "i-0b1c2d3e4f5061728"];

/** Helm's coalescing of user values over the chart's: maps merge, anything else replaces, null removes. */
function helmMerge(defaults: unknown, values: unknown): unknown {
    const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
    if (!isMap(defaults) || !isMap(values)) return values === undefined ? defaults : values;
    const out: Record<string, unknown> = { ...defaults };
    for (const [k, v] of Object.entries(values)) {
        if (v === null) delete out[k];
        else out[k] = helmMerge(defaults[k], v);
    }
    return out;
}
const at = (values: unknown, key: string): unknown => key.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], values);

/** Each per-node workload of the release as the chart renders its placement: the effective nodeSelector and affinity. */
function ciliumPlacements(values: Json, chartVersion: string): { workload: string; placement: Placement }[] {
    const defaults = YAML.parse(fs.readFileSync(path.join(CHARTS, chartVersion, "values.yaml"), "utf8"));
    const effective = helmMerge(defaults, values);
    return CHART_DAEMONSETS.filter((d) => inChart(d, chartVersion) && d.affinity).map((d) => {
        const key = d.affinity as string;
        const selectorKey = key === "affinity" ? "nodeSelector" : key.replace(/affinity$/, "nodeSelector");
        return { workload: d.template, placement: { nodeSelector: at(effective, selectorKey) as Record<string, string>, affinity: at(effective, key) as Placement["affinity"] } };
    });
}

const DEV_STACK = path.join(PROJECT_ROOT, "Pulumi.dev.yaml");
const runs = new Map<string, Promise<Evaluation>>();
function run(stack: "dev" | "existing", phase: number): Promise<Evaluation> {
    const id = `${stack}/${phase}`;
    if (!runs.has(id)) {
        const appliedPhase = phase === 0 ? undefined : phase - 1;
        runs.set(id, stack === "dev"
            ? evaluate({ config: readStackFile(DEV_STACK), phase, appliedPhase })
            : evaluate({ config: readStackFile(EXISTING_STACK), phase, appliedPhase, snapshot: new AwsSnapshot(EXAMPLE_SNAPSHOT) }));
    }
    return runs.get(id) as Promise<Evaluation>;
}

/** aws-node's placement as the program leaves it at a phase: the vpc-cni add-on's affinity (none once it is removed). */
function awsNodePlacement(e: Evaluation): Placement | undefined {
    const addon = e.resources.find((r) => r.type === "aws:eks/addon:Addon" && r.name === "aws-node-vpc-cni");
    if (!addon) return undefined;
    // Adopted unchanged at phase 0 (the add-on's own YAML, no affinity: the chart's default of its version).
    const values = YAML.parse(addon.inputs.configurationValues as string);
    return { affinity: values.affinity ?? awsNodeAffinity(false, DEFAULT_NODE_LABELS, String(addon.inputs.addonVersion ?? "")) };
}

/** Who would run on a node: aws-node, and each per-node workload of Cilium that admits it. */
function agentsOn(node: Node, awsNode: Placement | undefined, cilium: { workload: string; placement: Placement }[]) {
    return {
        awsNode: awsNode !== undefined && placementAdmits(awsNode, labelsOf(node)),
        cilium: cilium.filter((c) => placementAdmits(c.placement, labelsOf(node))).map((c) => c.workload),
    };
}

describe("Which CNI a node gets", () => {
    describe("the real nodes", () => {
        it("every legacy node (managed, Karpenter, plain ASG, eksctl ASG) registers without a cni label but the marked one", () => {
            for (const n of [MANAGED, KARPENTER, PLAIN_ASG, EKSCTL_ASG]) assert.strictEqual(labelsOf(byName(n)).cni, undefined, n);
            assert.strictEqual(labelsOf(byName(KARPENTER))["karpenter.sh/nodepool"], "default");
            assert.strictEqual(labelsOf(byName(MANAGED))["eks.amazonaws.com/nodegroup"], "ng-general");
        });

        it("legacy: every Linux EC2 node without the Cilium label, less Fargate, hybrid, Auto Mode and Windows", () => {
            assert.deepStrictEqual(REAL_NODES.filter((n) => isLegacyNode(labelsOf(n), DEFAULT_NODE_LABELS)).map(nameOf).sort(), [...LEGACY].sort());
            assert.deepStrictEqual(REAL_NODES.filter((n) => isCiliumNode(labelsOf(n), DEFAULT_NODE_LABELS)).map(nameOf), [TWIN]);
            assert.deepStrictEqual(NEVER_MIGRATED.map((n) => unmigratedKind(labelsOf(byName(n)))), ["fargate", "windows", "hybrid", "auto"]);
            assert.ok(EXAMPLE_NODES.every((n) => isLegacyNode(labelsOf(n), DEFAULT_NODE_LABELS)), "the example cluster's nodes are all legacy, unlabelled");
        });
    });

    for (const stack of ["dev", "existing"] as const) {
        describe(`${stack === "dev" ? "Pulumi.dev.yaml" : "Pulumi.existing.yaml with examples/prod-east"}: the affinities as the scheduler evaluates them`, () => {
            const nodes = stack === "dev" ? REAL_NODES : [...REAL_NODES, ...EXAMPLE_NODES];
            for (let phase = 0; phase <= 9; phase++) {
                it(`phase ${phase}`, async () => {
                    const e = await run(stack, phase);
                    const awsNode = awsNodePlacement(e);
                    const release = e.resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.name === "cilium-release");
                    const cilium = release ? ciliumPlacements(release.inputs.values, String(release.inputs.version)) : [];
                    assert.strictEqual(awsNode !== undefined, phase < 6, "aws-node runs until phase 6");
                    assert.strictEqual(release !== undefined, phase >= 2, "Cilium from phase 2");
                    if (release) assert.ok(cilium.some((c) => c.workload === "cilium-agent/daemonset.yaml") && cilium.some((c) => c.workload === "cilium-envoy/daemonset.yaml"));
                    for (const node of nodes) {
                        const got = agentsOn(node, awsNode, cilium);
                        const what = `${nameOf(node)} at phase ${phase}: ${JSON.stringify(got)}`;
                        if (unmigratedKind(labelsOf(node))) {
                            // aws-node's own default keeps it off Fargate, hybrid, Auto Mode and Windows; Cilium never goes there.
                            assert.deepStrictEqual(got, { awsNode: false, cilium: [] }, what);
                        } else if (isCiliumNode(labelsOf(node), DEFAULT_NODE_LABELS)) {
                            assert.strictEqual(got.awsNode, phase === 0, `${what}: aws-node leaves a Cilium node from phase 1`);
                            assert.strictEqual(got.cilium.length, cilium.length, `${what}: every Cilium workload takes it`);
                        } else if (phase >= 1 && phase <= 7) {
                            // A legacy node, labelled or not: exactly aws-node while it exists (never both, never none before 6).
                            assert.deepStrictEqual(got, { awsNode: phase < 6, cilium: [] }, what);
                        } else if (phase >= 8) {
                            // Phase 8 drops only the cni expression: an unlabelled Linux EC2 node joining now runs Cilium.
                            assert.deepStrictEqual(got, { awsNode: false, cilium: cilium.map((c) => c.workload) }, what);
                        } else {
                            assert.deepStrictEqual(got, { awsNode: true, cilium: [] }, what);
                        }
                    }
                });
            }
        });
    }

    describe("moving a running migration to the rule without a gap", () => {
        // Before the change every node carries one of the two labels (the earlier gates refused a node with neither).
        const labelled = REAL_NODES.map((n) => {
            const c = copy(n);
            if (isLegacyNode(labelsOf(c), DEFAULT_NODE_LABELS)) c.metadata = { ...c.metadata, labels: { ...labelsOf(c), cni: "aws-cni" } };
            return c;
        });
        const seedsAwsNode = (): Placement => {
            const a = awsNodeAffinity(false, DEFAULT_NODE_LABELS, "v1.19.2-eksbuild.1");
            a.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions.push({ key: "cni", operator: "In", values: ["aws-cni"] });
            return { affinity: a };
        };
        const seedsCilium = (): Placement => ({ nodeSelector: { "kubernetes.io/os": "linux" }, affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{
            matchExpressions: [{ ...NOT_CILIUM_COMPUTE, values: [...(NOT_CILIUM_COMPUTE.values ?? [])] }, { key: "cni", operator: "NotIn", values: ["aws-cni"] }],
        }] } } } });
        const newAwsNode = (): Placement => ({ affinity: awsNodeAffinity(true, DEFAULT_NODE_LABELS, "v1.19.2-eksbuild.1") });
        const newCilium = (): Placement => ({ nodeSelector: { "kubernetes.io/os": "linux" }, affinity: keepOffAffinity("affinity", DEFAULT_NODE_LABELS, true) as Placement["affinity"] });

        it("with every node labelled, neither agent's node set moves: in any order of the two changes each Linux EC2 node has exactly one agent", () => {
            const set = (p: Placement) => labelled.filter((n) => placementAdmits(p, labelsOf(n))).map(nameOf).sort();
            assert.deepStrictEqual(set(newAwsNode()), set(seedsAwsNode()), "aws-node's nodes");
            assert.deepStrictEqual(set(newCilium()), set(seedsCilium()), "Cilium's nodes");
            for (const aws of [seedsAwsNode(), newAwsNode()]) {
                for (const cil of [seedsCilium(), newCilium()]) {
                    for (const n of labelled.filter((x) => !unmigratedKind(labelsOf(x)))) {
                        assert.strictEqual(Number(placementAdmits(aws, labelsOf(n))) + Number(placementAdmits(cil, labelsOf(n))), 1, nameOf(n));
                    }
                }
            }
        });

        it("why: under the seeds' rule an unlabelled legacy node gets Cilium (without the startup taint) and no aws-node; under the new one, aws-node only", () => {
            for (const n of [MANAGED, KARPENTER, PLAIN_ASG, EKSCTL_ASG].map(byName)) {
                assert.deepStrictEqual([placementAdmits(seedsAwsNode(), labelsOf(n)), placementAdmits(seedsCilium(), labelsOf(n))], [false, true], nameOf(n));
                assert.deepStrictEqual([placementAdmits(newAwsNode(), labelsOf(n)), placementAdmits(newCilium(), labelsOf(n))], [true, false], nameOf(n));
            }
        });

        it("the add-on's configurationValues pinned by an earlier version get the new pin in place of the old one, settings kept", () => {
            const before = { env: { ENABLE_PREFIX_DELEGATION: "true" }, affinity: seedsAwsNode().affinity };
            const after = JSON.parse(mergedVpcCniConfiguration(JSON.stringify(before), true, DEFAULT_NODE_LABELS, "v1.19.2-eksbuild.1") as string);
            assert.deepStrictEqual(after.env, before.env);
            assert.deepStrictEqual(after.affinity, newAwsNode().affinity);
            // Unpinned (back to 0), ours is taken out, whichever rule wrote it.
            const back = JSON.parse(mergedVpcCniConfiguration(JSON.stringify(after), false, DEFAULT_NODE_LABELS, "v1.19.2-eksbuild.1") as string);
            assert.deepStrictEqual(back.affinity, awsNodeAffinity(false, DEFAULT_NODE_LABELS, "v1.19.2-eksbuild.1"));
            // An add-on's own extra term keeps its expressions and gets the pin too (terms are ORed: each needs it).
            const twoTerms = { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [
                { matchExpressions: [{ key: "kubernetes.io/os", operator: "In", values: ["linux"] }, { key: "cni", operator: "In", values: ["aws-cni"] }] },
                { matchExpressions: [{ key: "node-role", operator: "In", values: ["edge"] }] },
            ] } } } };
            const pinned = JSON.parse(mergedVpcCniConfiguration(YAML.stringify(twoTerms), true, DEFAULT_NODE_LABELS) as string);
            assert.deepStrictEqual(pinned.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms, [
                { matchExpressions: [{ key: "kubernetes.io/os", operator: "In", values: ["linux"] }, { key: "cni", operator: "NotIn", values: ["cilium"] }] },
                { matchExpressions: [{ key: "node-role", operator: "In", values: ["edge"] }, { key: "cni", operator: "NotIn", values: ["cilium"] }] },
            ]);
        });

        it("the planner says what changes, where the rule starts to apply", async () => {
            const notes = (await run("existing", 3)).notes.join("\n");
            assert.match(notes, /Which CNI a node gets/);
            assert.ok(!(await run("existing", 0)).notes.join("\n").includes("Which CNI a node gets"), "not before phase 1");
        });

        it("Cilium's workloads keep the chart's own expressions and the compute-type exclusion; phase 8 drops only the cni expression", () => {
            for (const key of ["affinity", "envoy.affinity", "nodeinit.affinity"]) {
                const terms = (both: boolean) => (keepOffAffinity(key, DEFAULT_NODE_LABELS, both) as Json).nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions;
                assert.deepStrictEqual(terms(true), [...(CHART_DEFAULT_NODE_EXPRESSIONS[key] ?? []), NOT_CILIUM_COMPUTE, { key: "cni", operator: "In", values: ["cilium"] }], key);
                assert.deepStrictEqual(terms(false), terms(true).slice(0, -1), key);
            }
        });
    });

    describe("the gates on a snapshot holding an unlabelled legacy node (Karpenter's, as kubelet registers it)", () => {
        const ctx: GateContext = DEFAULT_CONTEXT;
        type Snap = Required<ClusterSnapshot>;
        /** The phase's passing snapshot plus the Karpenter node, served as the phase would leave it (aws-node until 6, cordoned from 4). */
        function withKarpenterNode(phase: number, serve = true): Snap {
            const s = copy(buildCluster(PHASE_SHAPES[phase]));
            if (phase >= 7) return s;
            const node = copy(byName(KARPENTER));
            if (PHASE_SHAPES[phase].cordoned) node.spec = { ...node.spec, unschedulable: true };
            node.status = { ...node.status, conditions: [{ type: "Ready", status: "True" }] };
            s.nodes.items.push(node);
            const template = s.pods.items.find((p) => p.metadata?.name?.startsWith("aws-node-"));
            if (template && serve) {
                const pod = copy(template);
                pod.metadata = { ...pod.metadata, name: "aws-node-k4rp3" };
                pod.spec = { ...pod.spec, nodeName: KARPENTER };
                s.pods.items.push(pod);
            }
            return s;
        }
        const addWorkload = (s: Snap) => {
            const pod = copy(s.pods.items.find((p) => p.metadata?.name?.startsWith("web-")) as Pod);
            pod.metadata = { ...pod.metadata, name: "web-7d9c6b5f4-k4rp3" };
            pod.spec = { ...pod.spec, nodeName: KARPENTER };
            s.pods.items.push(pod);
        };

        it("phase 1: aws-node-pinned counts it as legacy — it passes with its aws-node, and fails naming it without", () => {
            assert.strictEqual(awsNodePinned(withKarpenterNode(1), ctx).pass, true, awsNodePinned(withKarpenterNode(1), ctx).reason);
            assert.match(awsNodePinned(withKarpenterNode(1), ctx).findings.at(-1) as string, /4\/4 legacy nodes with a ready aws-node pod/);
            assert.strictEqual(awsNodePinned(withKarpenterNode(1, false), ctx).reason, `legacy node ${KARPENTER} (NodePool default) has no ready aws-node pod`);
        });

        it("phases 2–3: a Cilium agent on it fails the gates", () => {
            for (const phase of [2, 3]) {
                const s = withKarpenterNode(phase);
                assert.strictEqual(ciliumOperatorReady(s, ctx).pass, true, `phase ${phase}: ${ciliumOperatorReady(s, ctx).reason}`);
                const agent = copy(s.pods.items.find((p) => p.metadata?.labels?.["k8s-app"] === "cilium") ?? s.pods.items[0]);
                agent.metadata = { ...agent.metadata, name: "cilium-k4rp3", labels: { "k8s-app": "cilium" }, namespace: "kube-system" };
                agent.spec = { ...agent.spec, nodeName: KARPENTER };
                s.pods.items.push(agent);
                assert.strictEqual(ciliumOperatorReady(s, ctx).reason, `Cilium agent cilium-k4rp3 runs on legacy node ${KARPENTER}`);
                if (phase === 3) assert.strictEqual(ciliumReady(s, ctx).reason, `Cilium agent cilium-k4rp3 runs on legacy node ${KARPENTER}`);
            }
        });

        it("phase 4: legacy-cordoned counts it, and fails naming it while it is schedulable", () => {
            const s = withKarpenterNode(4);
            assert.strictEqual(legacyCordoned(s, ctx).pass, true);
            assert.match(legacyCordoned(s, ctx).findings.at(-1) as string, /4\/4 legacy nodes cordoned/);
            (s.nodes.items.find((n) => nameOf(n) === KARPENTER) as Node).spec = {};
            assert.strictEqual(legacyCordoned(s, ctx).reason, `legacy node ${KARPENTER} (NodePool default) is not cordoned`);
        });

        it("phase 5: legacy-drained fails naming a workload still on it", () => {
            const s = withKarpenterNode(5);
            assert.strictEqual(legacyDrained(s, ctx).pass, true);
            addWorkload(s);
            assert.strictEqual(legacyDrained(s, ctx).reason, `pod shop/web-7d9c6b5f4-k4rp3 is still on legacy node ${KARPENTER} (NodePool default)`);
        });

        it("phase 6's re-check, told the configured pools, refuses a legacy node in none of them, naming it; a node of a configured pool passes", () => {
            const s = withKarpenterNode(5);
            const told: GateContext = { ...ctx, pools: { nodeGroups: ["ng-1"] } };
            assert.strictEqual(legacyDrained(s, told).reason,
                `legacy node ${KARPENTER} (NodePool default) is in no configured legacy pool: nothing retires it, and without aws-node it has no CNI ` +
                "while its DaemonSet pods stay; add its pool to the migration, or move its workloads off and remove it");
            assert.strictEqual(legacyDrained(s, { ...ctx, pools: { nodeGroups: ["ng-1"], nodePools: ["default"] } }).pass, true);
            assert.strictEqual(legacyDrained(buildCluster(PHASE_SHAPES[5]), told).pass, true, "every legacy node of ng-1");
        });

        it("phase 7: legacy-retired fails while it exists; from phase 8 (--cilium-everywhere) only the marker counts", () => {
            const s = withKarpenterNode(6);
            s.nodes.items = s.nodes.items.filter((n) => nameOf(n) === KARPENTER);
            assert.match(legacyRetired(s, ctx).reason, new RegExp(`${KARPENTER.replace(/\./g, "\\.")} \\(NodePool default\\) still exists`));
            const nine = copy(buildCluster(PHASE_SHAPES[9]));
            nine.nodes.items.push(copy(byName(KARPENTER)));
            const agent = copy(nine.pods.items.find((p) => p.metadata?.labels?.["k8s-app"] === "cilium") as Pod);
            agent.metadata = { ...agent.metadata, name: "cilium-k4rp3" };
            agent.spec = { ...agent.spec, nodeName: KARPENTER };
            nine.pods.items.push(agent);
            const everywhere = parseArgs(["cilium-ready", "--snapshot", "x", "--cilium-everywhere"]).ctx;
            assert.strictEqual(everywhere.legacyBy, "marker");
            assert.strictEqual(ciliumReady(nine, everywhere).pass, true, ciliumReady(nine, everywhere).reason);
            assert.strictEqual(ciliumReady(nine, ctx).pass, false, "under the rule it would be a legacy node");
        });

        it("the gate CLI takes the pools of each kind, for messages and phase 6's re-check", () => {
            const args = parseArgs(["legacy-drained", "--snapshot", "x", "--legacy-nodegroups", "ng-1,ng-2", "--legacy-nodepools", "default,batch", "--legacy-asgs", "legacy-asg"]);
            assert.deepStrictEqual(args.ctx.pools, { nodeGroups: ["ng-1", "ng-2"], nodePools: ["default", "batch"], asgs: ["legacy-asg"] });
            assert.strictEqual(parseArgs(["legacy-drained", "--snapshot", "x"]).ctx.pools, undefined);
            assert.throws(() => parseArgs(["legacy-drained", "--snapshot", "x", "--legacy-nodepools", "a b"]), /not a comma-separated list of names/);
        });
    });

    describe("the cordon and drain, as kubectl selects nodes", () => {
        function runStep(script: string): { stdout: string; calls: string[] } {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rule-"));
            try {
                fs.writeFileSync(path.join(dir, "gate"), "#!/bin/bash\nexit 0\n", { mode: 0o755 });
                fs.symlinkSync(path.join(STANDINS, "kubectl"), path.join(dir, "kubectl"));
                const log = path.join(dir, "log");
                fs.writeFileSync(log, "");
                const stdout = execFileSync("/bin/bash", ["-c", script], {
                    env: { PATH: `${dir}:${process.env.PATH}`, KUBECONFIG_DATA: "x", TMPDIR: dir, STANDIN_K8S_DIR: NODE_DIR, STANDIN_LOG: log }, encoding: "utf8",
                });
                return { stdout, calls: fs.readFileSync(log, "utf8").trim().split("\n") };
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        }
        const acted = (calls: string[], verb: string) => (calls.find((c) => c.startsWith(`kubectl ${verb} `)) ?? "").split(" ").filter((a) => a.startsWith("node/")).map((a) => a.slice(5)).sort();

        it("the selector spells both halves: every legacy node, none of the Cilium, Fargate, hybrid, Auto Mode or Windows nodes", () => {
            assert.strictEqual(legacyNodeSelector(DEFAULT_NODE_LABELS), "cni!=cilium,eks.amazonaws.com/compute-type notin (fargate,hybrid,auto),kubernetes.io/os=linux");
            const cordon = runStep(cordonScript(DEFAULT_NODE_LABELS));
            assert.deepStrictEqual(acted(cordon.calls, "cordon"), [...LEGACY].sort());
            assert.match(cordon.stdout, /cordon: 5 node\(s\) with cni!=cilium,.* cordoned/);
            assert.deepStrictEqual(acted(runStep(uncordonScript(DEFAULT_NODE_LABELS)).calls, "uncordon"), [...LEGACY].sort());
            const pre = { checks: ["legacy-cordoned", "cilium-ready"], gateCli: "gate", labels: DEFAULT_NODE_LABELS };
            const drain = runStep(drainScript(DEFAULT_NODE_LABELS, { ...DEFAULT_DRAIN, batchSize: 10 }, pre));
            assert.deepStrictEqual(acted(drain.calls, "drain"), [...LEGACY].sort());
            assert.match(drain.stdout, /drain: 5 node\(s\) with .* drained/);
        });

        it("kubectl and the gates agree on which nodes are legacy; `cni!=cilium` alone would take the Fargate, hybrid, Auto Mode and Windows nodes too", () => {
            const select = (selector: string) => REAL_NODES.filter((n) => answers.selectorMatches(selector, labelsOf(n))).map(nameOf).sort();
            assert.deepStrictEqual(select(legacyNodeSelector(DEFAULT_NODE_LABELS)), REAL_NODES.filter((n) => isLegacyNode(labelsOf(n), DEFAULT_NODE_LABELS)).map(nameOf).sort());
            assert.deepStrictEqual(select("cni!=cilium"), [...LEGACY, ...NEVER_MIGRATED].sort());
            const other: NodeLabels = { key: "net", legacyValue: "old", ciliumValue: "new" };
            assert.deepStrictEqual(select(legacyNodeSelector(other)), [...LEGACY, TWIN].sort(), "with another key, cni=cilium means nothing");
        });

        it("from phase 8 the steps take the legacy marker only (an unlabelled node runs Cilium then), as earlier versions did", () => {
            const cordon = runStep(cordonScript(DEFAULT_NODE_LABELS, "marker"));
            assert.deepStrictEqual(acted(cordon.calls, "cordon"), [MARKED]);
        });
    });
});
