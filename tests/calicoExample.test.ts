// Calico as the policy engine, "Done when" (issue 20): the example cluster with an operator-installed Calico and a
// handful of policies (examples/calico-east, written by tests/fixtures/writeCalicoExample.ts; Pulumi.calico.yaml) plans
// through all ten phases and back, and preflight and convert-policies say what becomes of each policy.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { readPolicy } from "../calico/model";
import { evaluate, parseSelector } from "../calico/selector";
import { ClusterSnapshot } from "../clusterReader/k8sTypes";
import { DEFAULT_CONTEXT } from "../clusterReader/selectors";
import { readSnapshot } from "../clusterReader/snapshot";
import { calicoAgentAffinity } from "../components/calico/calicoAffinity";
import { CHECKS } from "../gates/registry";
import { DEFAULT_NODE_LABELS } from "../migration/names";
import { main as plan } from "../plan/cli";
import { policies } from "../policy/policies";
import { CALICO_EXAMPLE, calicoExampleFiles } from "./fixtures/writeCalicoExample";
import { operatorEksTerm } from "./support/calicoInstall";
import { assertValid } from "./support/calicoSchemas";
import { PROJECT_ROOT } from "./support/paths";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const STACK = path.join(PROJECT_ROOT, "Pulumi.calico.yaml");
const example = (f: string): Obj => JSON.parse(fs.readFileSync(path.join(CALICO_EXAMPLE, f), "utf8"));
const PIN = { key: "cni", operator: "NotIn", values: ["cilium"] };
const EKS_TERM = operatorEksTerm("node.go");
const affinityOf = (expressions: unknown[]) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: expressions }] } } });

async function run(main: typeof plan, argv: string[], withPolicies = false) {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, (s) => { stdout += `${s}\n`; }, (s) => { stderr += `${s}\n`; }, ...(withPolicies ? [policies] : []));
    return { code, stdout, stderr };
}
type Phase = { number: number; changes: { op: string; type: string; name: string }[]; resources: { type: string; name: string; inputs: Obj }[]; violations?: unknown[] };
/** What calico.applyConvertedPolicies declares for the example, in the planner's order. */
const CONVERTED = ["eks-cilium-migration:index:ConvertedCiliumPolicies calico-converted",
    "kubernetes:cilium.io/v2:CiliumCIDRGroup calico-converted-cidrgroup-calico-gns-partners",
    "kubernetes:cilium.io/v2:CiliumClusterwideNetworkPolicy calico-converted-clusterwidenetworkpolicy-calico-default-deny",
    "kubernetes:cilium.io/v2:CiliumNetworkPolicy calico-converted-networkpolicy-shop-calico-api-allow-web",
    "kubernetes:cilium.io/v2:CiliumClusterwideNetworkPolicy calico-converted-clusterwidenetworkpolicy-calico-report-builder-to-partners",
    "kubernetes:cilium.io/v2:CiliumClusterwideNetworkPolicy calico-converted-clusterwidenetworkpolicy-calico-allow-dns"];
const calicoChanges = (p: Phase) => p.changes.filter((c) => c.name.startsWith("calico")).map((c) => `${c.op} ${c.type} ${c.name}`);
const patchOf = (p: Phase) => p.resources.find((r) => r.name === "calico-installation")?.inputs;
const overrideAffinity = (patch: Obj | undefined, field: string) => patch?.spec?.[field]?.spec?.template?.spec?.affinity;

describe("calico: the example cluster (examples/calico-east)", () => {
    it("is what its generator writes, and has every snapshot file prod-east has", () => {
        const files = calicoExampleFiles();
        assert.deepStrictEqual(fs.readdirSync(CALICO_EXAMPLE).sort(), fs.readdirSync(path.join(PROJECT_ROOT, "examples", "prod-east")).sort());
        for (const [file, value] of Object.entries(files)) {
            const text = typeof value === "string" ? value : `${JSON.stringify(value, null, 4)}\n`;
            assert.strictEqual(fs.readFileSync(path.join(CALICO_EXAMPLE, file), "utf8"), text, `${file}: run tests/fixtures/writeCalicoExample.ts`);
        }
        assert.ok(!Object.values(files).some((v) => (typeof v === "string" ? v : JSON.stringify(v)).includes("prod-east")));
    });

    it("its Calico policies and network set, read back to the v3 API, are objects Calico's own CRDs accept", () => {
        for (const [file, kind] of [["calico-globalnetworkpolicies.json", "GlobalNetworkPolicy"], ["calico-networkpolicies.json", "NetworkPolicy"]] as const) {
            for (const o of example(file).items) {
                assert.strictEqual(o.apiVersion, "crd.projectcalico.org/v1");
                assert.match(o.metadata.name, /^default\./, "the storage form keeps a default-tier policy as default.<name>");
                const p = readPolicy(o, kind);
                assertValid({ apiVersion: "projectcalico.org/v3", kind, metadata: { name: p.name, ...(p.namespace ? { namespace: p.namespace } : {}) }, spec: o.spec }, "calico");
            }
        }
        for (const o of example("calico-globalnetworksets.json").items) assertValid({ ...o, apiVersion: "projectcalico.org/v3" }, "calico");
    });

    it("every policy selects pods the example runs (Calico's own selector semantics, its namespace labels included)", () => {
        // Calico has a workload endpoint for each pod on the pod network only (host-network pods are the node's).
        const pods = (example("pods.json").items as Obj[]).filter((pod) => !pod.spec.hostNetwork);
        const selected = (o: Obj, kind: "NetworkPolicy" | "GlobalNetworkPolicy") => {
            const p = readPolicy(o, kind);
            const [selector, namespaces] = [parseSelector(p.spec.selector ?? "all()"), p.spec.namespaceSelector ? parseSelector(p.spec.namespaceSelector) : undefined];
            return pods.filter((pod) => (!p.namespace || pod.metadata.namespace === p.namespace) &&
                evaluate(selector, { ...pod.metadata.labels, "projectcalico.org/namespace": pod.metadata.namespace }) &&
                (!namespaces || evaluate(namespaces, { "projectcalico.org/name": pod.metadata.namespace }))).map((pod) => pod.metadata.name as string);
        };
        const counts: Record<string, number> = {};
        for (const o of example("calico-globalnetworkpolicies.json").items) counts[readPolicy(o, "GlobalNetworkPolicy").ref] = selected(o, "GlobalNetworkPolicy").length;
        for (const o of example("calico-networkpolicies.json").items) counts[readPolicy(o, "NetworkPolicy").ref] = selected(o, "NetworkPolicy").length;
        // default-deny: shop (3 web, 3 api, 2 postgres) and batch (4 report-builder); allow-dns: every pod-network pod.
        assert.deepStrictEqual(counts, {
            "GlobalNetworkPolicy/default-deny": 12, "GlobalNetworkPolicy/allow-dns": pods.length, "GlobalNetworkPolicy/report-builder-to-partners": 4,
            "NetworkPolicy/shop/api-allow-web": 3, "NetworkPolicy/shop/postgres-allow-api": 2, "NetworkPolicy/shop/web-http-get": 3,
        });
    });

    it("runs Calico as tigera-operator renders it on EKS: one calico-node and csi-node-driver pod per Linux node, typha and kube-controllers", () => {
        const nodes = (example("nodes.json").items as Obj[]).filter((n) => n.metadata.labels["kubernetes.io/os"] === "linux").map((n) => n.metadata.name).sort();
        const pods = example("pods.json").items as Obj[];
        const ownedBy = (name: string) => pods.filter((p) => p.metadata.namespace === "calico-system" && p.metadata.ownerReferences[0].name.startsWith(name));
        for (const ds of (example("daemonsets.json").items as Obj[]).filter((d) => d.metadata.namespace === "calico-system")) {
            assert.deepStrictEqual(ds.spec.template.spec.affinity, affinityOf([ds.metadata.name === "calico-node" ? EKS_TERM : operatorEksTerm("csi.go")]), ds.metadata.name);
            assert.deepStrictEqual(ownedBy(ds.metadata.name).map((p) => p.spec.nodeName).sort(), nodes, ds.metadata.name);
        }
        assert.deepStrictEqual([ownedBy("calico-typha-").length, ownedBy("calico-kube-controllers-").length], [3, 1]);
        const [installation] = example("calico-installations.json").items;
        assert.deepStrictEqual([installation.metadata.name, installation.spec.kubernetesProvider, installation.spec.cni.type], ["default", "EKS", "AmazonVPC"]);
    });
});

describe("calico: the example cluster planned end to end", () => {
    it("plans phases 0–9 with the policy pack: exit 0; the Installation pinned at 1, the converted policies applied at 3, Calico removed at 6", async () => {
        const r = await run(plan, ["--config-file", STACK, "--cluster-snapshot", CALICO_EXAMPLE, "--format", "json", "--policy"], true);
        assert.strictEqual(r.code, 0, r.stderr);
        const phases = JSON.parse(r.stdout).phases as Phase[];
        assert.deepStrictEqual(phases.map((p) => p.number), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        assert.deepStrictEqual(phases.map(calicoChanges), [
            [],
            ["create eks-cilium-migration:index:CalicoPin calico", "create kubernetes:operator.tigera.io/v1:InstallationPatch calico-installation"],
            [],
            // 3: calico.applyConvertedPolicies — the four converted policies and the network set's CIDR group, before any
            // workload reaches a Cilium node; kept from then on (recorded, so Calico's removal at 6 does not take them).
            CONVERTED.map((c) => `create ${c}`),
            [], [],
            ["create eks-cilium-migration:index:CalicoRemoval calico", "create command:local:Command calico-remove",
                "delete eks-cilium-migration:index:CalicoPin calico", "retain kubernetes:operator.tigera.io/v1:InstallationPatch calico-installation"],
            [], [], [],
        ]);
        for (const p of phases) assert.deepStrictEqual(p.violations, [], `phase ${p.number}`);
        // 1–5: both agents' override is the operator's EKS term with the pin (the override replaces the rendered affinity).
        for (const p of phases.slice(1, 6)) {
            assert.deepStrictEqual(overrideAffinity(patchOf(p), "calicoNodeDaemonSet"), affinityOf([EKS_TERM, PIN]), `phase ${p.number}`);
            assert.deepStrictEqual(overrideAffinity(patchOf(p), "csiNodeDriverDaemonSet"), affinityOf([operatorEksTerm("csi.go"), PIN]), `phase ${p.number}`);
        }
        const removal = phases[6].resources.find((x) => x.name === "calico-remove")?.inputs.create as string;
        assert.ok(removal.includes("gates/cli.ts legacy-drained") && removal.includes("--legacy-nodegroups 'ng-general,ng-batch'"), "the drained re-check right before it acts");
        assert.ok(removal.includes("kubectl delete installations.operator.tigera.io default") && removal.includes("kubectl -n 'tigera-operator' delete deployment tigera-operator"));
        assert.ok(phases.slice(7).every((p) => p.resources.some((x) => x.name === "calico-remove")), "declared from 6 on (idempotent)");
    });

    it("plans the way back from 5 to 0: the converted policies go at 2, at 0 the Installation's overrides are written without the pin", async () => {
        const r = await run(plan, ["--config-file", STACK, "--cluster-snapshot", CALICO_EXAMPLE, "--from", "5", "--to", "0", "--format", "json"]);
        assert.strictEqual(r.code, 0, r.stderr);
        const phases = JSON.parse(r.stdout).phases as Phase[];
        assert.deepStrictEqual(phases.map((p) => [p.number, calicoChanges(p)]), [[4, []], [3, []], [2, CONVERTED.map((c) => `delete ${c}`)], [1, []],
            [0, ["update kubernetes:operator.tigera.io/v1:InstallationPatch calico-installation"]]]);
        assert.deepStrictEqual(overrideAffinity(patchOf(phases[4]), "calicoNodeDaemonSet"), affinityOf([EKS_TERM]));
        assert.deepStrictEqual(overrideAffinity(patchOf(phases[4]), "csiNodeDriverDaemonSet"), affinityOf([operatorEksTerm("csi.go")]));
    });

    it("the phase-1 gate judges the example's calico-node and csi-node-driver: as installed they fail, as the pin renders them they pass", () => {
        const s = readSnapshot(CALICO_EXAMPLE, ["nodes", "pods", "daemonsets"]) as Required<ClusterSnapshot>;
        for (const n of s.nodes.items) n.metadata!.labels = { ...n.metadata!.labels, cni: "aws-cni" };
        const agents = s.daemonsets.items.filter((d) => d.metadata?.namespace === "calico-system");
        const gate = () => CHECKS["aws-node-pinned"].run(s, DEFAULT_CONTEXT).findings.filter((l) => l.includes("calico-system/"));
        assert.deepStrictEqual(gate().map((l) => l.split(": every term")[0]), ["aws-node-pinned: DaemonSet calico-system/calico-node admits a node labelled cni=cilium",
            "aws-node-pinned: DaemonSet calico-system/csi-node-driver admits a node labelled cni=cilium"]);
        for (const d of agents) d.spec!.template!.spec = { ...d.spec!.template!.spec, affinity: calicoAgentAffinity(d.spec?.template?.spec?.affinity, true, DEFAULT_NODE_LABELS) } as never;
        assert.deepStrictEqual(gate(), ["calico-node", "csi-node-driver"].map((n) =>
            `aws-node-pinned: DaemonSet calico-system/${n} admits every legacy node and no cni=cilium node; none of its 10 pod(s) on a cni=cilium node`));
    });
});
