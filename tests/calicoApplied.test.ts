// calico.applyConvertedPolicies (design.md, "Calico as the policy engine"): the program declares Calico's policies,
// converted, as Cilium's from phase 3 to 9 (validated against Cilium's CRD schemas), records them, and keeps them from
// the record once phase 6 removed Calico; rollback below 3 removes them. The cluster is a test-only variant of the
// example snapshot (tests/support/calicoPolicyCluster.ts).
import * as assert from "assert";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { main as plan } from "../plan/cli";
import { convertSnapshot } from "../calico/cli";
import { RecordedResource } from "../plan/mockRuntime";
import { diffPhases } from "../plan/diff";
import { CIDR_GROUP_API_VERSION, CONVERTED_POLICIES_OUTPUT, cidrGroupApiVersion } from "../stacks/calicoPolicies";
import { slimPod } from "../clusterReader/slim";
import { liveCalicoLookups } from "../stacks/calicoLive";
import { parseConfig } from "../stacks/config";
import { CILIUM_CHART_VERSIONS_VENDORED } from "../components/cilium/pins";
import { runPreflight } from "../preflight/run";
import { DEFAULT_OPTIONS } from "../preflight/types";
import { preflightOptionsOf } from "../stacks/preflightConfig";
import { CONVERTIBLE_GNP, WITHHELD_GNP } from "./support/calicoPolicyCluster";
import { apiServer, Kubeconfigs } from "./support/apiServer";
import { assertValid } from "./support/calicoSchemas";
import { calicoPolicySnapshot } from "./support/calicoPolicyCluster";
import { EXISTING_STACK, Json, existingStackConfig, failureOf, removeSnapshotCopies, runExisting } from "./support/existingCluster";
import { FIXTURES } from "./support/paths";
import { NODEPOOL, karpenterSnapshotVariant, ofType, removeKarpenterCopies, runKarpenter } from "./support/karpenterCluster";
import { OPERATOR_CLUSTER } from "./support/calicoInstall";
import { CONVERTIBLE_NP } from "./support/calicoPolicyCluster";

const APPLY = { calico: { applyConvertedPolicies: true } };
const CILIUM_KINDS = /^kubernetes:cilium\.io\//;
const declared = (e: { resources: RecordedResource[] }) => e.resources.filter((r) => CILIUM_KINDS.test(r.type));
const EXPECTED_TYPES = [
    "kubernetes:cilium.io/v2:CiliumCIDRGroup::calico-converted-cidrgroup-calico-gns-partners",
    "kubernetes:cilium.io/v2:CiliumClusterwideNetworkPolicy::calico-converted-clusterwidenetworkpolicy-calico-billing-egress",
    "kubernetes:cilium.io/v2:CiliumNetworkPolicy::calico-converted-networkpolicy-payments-calico-api",
];
const typesOf = (e: Parameters<typeof declared>[0]) => declared(e).map((r) => `${r.type}::${r.name}`).sort();
const WITHHELD_NOTE = "GlobalNetworkPolicy/vpc-egress is not converted: egress[0]: nets 10.20.0.0/16 covers in-cluster addresses";

describe("Calico's converted policies, applied by the program (calico.applyConvertedPolicies)", () => {
    after(removeSnapshotCopies);
    after(removeKarpenterCopies);

    describe("config", () => {
        const raw = (extra: Record<string, string>) => ({ phase: "0", existingCluster: JSON.stringify({ name: "prod-east" }), ...extra });
        it("defaults to false; unknown keys and non-booleans are refused, naming the key", () => {
            assert.deepStrictEqual(parseConfig(raw({})).calico, { applyConvertedPolicies: false });
            assert.throws(() => parseConfig(raw({ calico: JSON.stringify({ apply: true }) })),
                { message: "`calico.apply` is not a known key; known keys of `calico`: applyConvertedPolicies." });
            assert.throws(() => parseConfig(raw({ calico: JSON.stringify({ applyConvertedPolicies: "yes" }) })),
                { message: "`calico.applyConvertedPolicies` is \"yes\"; it must be true or false." });
        });
        it("refuses cilium.policyDuringMigration: never with it, naming both keys and what is allowed", () => {
            assert.throws(() => parseConfig(raw({ calico: JSON.stringify({ applyConvertedPolicies: true }), cilium: JSON.stringify({ policyDuringMigration: "never" }) })), {
                message: "`calico.applyConvertedPolicies` is true and `cilium.policyDuringMigration` is \"never\": Cilium would not enforce the converted Calico " +
                    "policies on Cilium nodes in phases 2–7, while they are the only ones protecting a drained workload. Set `cilium.policyDuringMigration` " +
                    "to \"default\" (allowed with it), or `calico.applyConvertedPolicies` to false.",
            });
            assert.strictEqual(parseConfig(raw({ calico: JSON.stringify({ applyConvertedPolicies: false }), cilium: JSON.stringify({ policyDuringMigration: "never" }) })).calico.applyConvertedPolicies, false);
        });
        it("refuses it on the demo cluster", () => {
            assert.throws(() => parseConfig({ phase: "0", calico: JSON.stringify({ applyConvertedPolicies: true }) }), {
                message: "`calico.applyConvertedPolicies` is true, but this stack creates its own (demo) cluster, which runs no Calico: the key is for an " +
                    "`existingCluster` with a Calico install. Remove it, or set it to false.",
            });
        });
    });

    it("a cluster without Calico is refused, before anything is declared", async () => {
        assert.strictEqual(await failureOf(runExisting({ phase: 3, extra: APPLY })),
            "`calico.applyConvertedPolicies` is true, but cluster prod-east has no Calico install (no tigera-operator Installation or Deployment, " +
            "no calico-node DaemonSet): there are no Calico policies to convert. Set `calico.applyConvertedPolicies` to false.");
    });

    it("phase 2: nothing declared yet; what will be withheld is said", async () => {
        const e = await runExisting({ phase: 2, extra: APPLY, snapshotDir: calicoPolicySnapshot() });
        assert.deepStrictEqual(declared(e), []);
        assert.ok(e.notes.some((n) => n.startsWith("Calico's converted policies: 3 Cilium object(s) declared from phase 3, 1 Calico polic(ies) withheld.")), e.notes.join("\n"));
        assert.ok(e.notes.some((n) => n.startsWith(WITHHELD_NOTE) && n.endsWith("On Cilium nodes nothing enforces it.")), e.notes.join("\n"));
    });

    it("phase 3: each converted object declared after Cilium's release, before the twins scale up and the gate", async () => {
        const e = await runExisting({ phase: 3, extra: APPLY, snapshotDir: calicoPolicySnapshot() });
        assert.deepStrictEqual(typesOf(e), EXPECTED_TYPES);
        for (const r of declared(e)) {
            assertValid(r.inputs, "cilium");
            assert.ok(r.dependencies.includes("kubernetes:helm.sh/v3:Release::cilium-release"), r.dependencies.join(", "));
            assert.ok(r.dependencies.includes("command:local:Command::gate-phase-2-check"));
        }
        const policy = declared(e).find((r) => r.inputs.kind === "CiliumClusterwideNetworkPolicy")!;
        assert.ok(policy.dependencies.includes("kubernetes:cilium.io/v2:CiliumCIDRGroup::calico-converted-cidrgroup-calico-gns-partners"), "the group it refers to comes first");
        const cnpId = "kubernetes:cilium.io/v2:CiliumNetworkPolicy::calico-converted-networkpolicy-payments-calico-api";
        const twinScaleUp = e.resources.filter((r) => r.dependencies.includes(cnpId) && !CILIUM_KINDS.test(r.type)).map((r) => r.name);
        assert.ok(twinScaleUp.includes("gate-phase-3-check"), twinScaleUp.join(", "));
        assert.ok(twinScaleUp.some((n) => /cilium/.test(n) && n !== "gate-phase-3-check"), `a twin waits for them: ${twinScaleUp.join(", ")}`);
        const recorded = e.outputs[CONVERTED_POLICIES_OUTPUT] as Json[];
        assert.deepStrictEqual(recorded.map((o) => `${o.kind}/${o.metadata.name}`).sort(),
            ["CiliumCIDRGroup/calico-gns-partners", "CiliumClusterwideNetworkPolicy/calico-billing-egress", "CiliumNetworkPolicy/calico-api"]);
        assert.deepStrictEqual(declared(e).map((r) => r.inputs as Json).sort((a, b) => a.metadata.name < b.metadata.name ? -1 : 1),
            [...recorded].sort((a, b) => a.metadata.name < b.metadata.name ? -1 : 1), "the record is what is declared");
    });

    it("what it declares is exactly npm run convert-policies' (preflight's conversion) of the same cluster: nothing preflight withholds", async () => {
        const dir = calicoPolicySnapshot();
        const e = await runExisting({ phase: 3, extra: APPLY, snapshotDir: dir });
        const byName = (a: Json, b: Json) => a.metadata.name < b.metadata.name ? -1 : 1;
        const conversion = convertSnapshot(dir);
        assert.deepStrictEqual(declared(e).map((r) => r.inputs as Json).sort(byName), [...conversion.objects].sort(byName));
        assert.deepStrictEqual(conversion.report.withheld.map((w) => w.calico), ["GlobalNetworkPolicy/vpc-egress"]);
    });

    it("Karpenter's twin NodePools open at 3 only after them", async () => {
        const dir = karpenterSnapshotVariant((files) => {
            files["calico-installations.json"].items.push(...OPERATOR_CLUSTER.installations!);
            files["deployments.json"].items.push(...OPERATOR_CLUSTER.operators!);
            files["daemonsets.json"].items.push(...OPERATOR_CLUSTER.daemonSets!);
            files["calico-networkpolicies.json"].items.push(CONVERTIBLE_NP);
        });
        const e = await runKarpenter({ phase: 3, extra: APPLY, snapshotDir: dir });
        const cnp = "kubernetes:cilium.io/v2:CiliumNetworkPolicy::calico-converted-networkpolicy-payments-calico-api";
        assert.ok(declared(e).some((r) => `${r.type}::${r.name}` === cnp));
        const twins = ofType(e, NODEPOOL);
        assert.ok(twins.length > 0);
        for (const t of twins) assert.ok(t.dependencies.includes(cnp), `${t.name}: ${t.dependencies.join(", ")}`);
    });

    it("below phase 3 nothing is declared, and so nothing recorded", async () => {
        const e = await runExisting({ phase: 2, extra: APPLY, snapshotDir: calicoPolicySnapshot() });
        assert.deepStrictEqual(declared(e), []);
        assert.ok(!(CONVERTED_POLICIES_OUTPUT in e.outputs));
    });

    it("without the key nothing is declared or recorded", async () => {
        const e = await runExisting({ phase: 3, snapshotDir: calicoPolicySnapshot() });
        assert.deepStrictEqual(declared(e), []);
        assert.ok(!(CONVERTED_POLICIES_OUTPUT in e.outputs));
    });

    it("phase 5: still declared, re-derived from Calico", async () => {
        const e = await runExisting({ phase: 5, extra: APPLY, snapshotDir: calicoPolicySnapshot() });
        assert.deepStrictEqual(typesOf(e), EXPECTED_TYPES);
    });

    describe("phase 6 removes Calico: the record keeps them declared", () => {
        let recorded: Json[];
        before(async () => {
            recorded = (await runExisting({ phase: 5, extra: APPLY, snapshotDir: calicoPolicySnapshot() })).outputs[CONVERTED_POLICIES_OUTPUT] as Json[];
        });

        it("its first run (Calico still there) declares the recorded set beside the removal step, and records it again", async () => {
            const e = await runExisting({ phase: 6, extra: APPLY, snapshotDir: calicoPolicySnapshot(), ownOutputs: { [CONVERTED_POLICIES_OUTPUT]: recorded } });
            assert.deepStrictEqual(typesOf(e), EXPECTED_TYPES);
            assert.ok(e.resources.some((r) => r.name === "calico-remove"));
            assert.deepStrictEqual(e.outputs[CONVERTED_POLICIES_OUTPUT], recorded);
        });

        it("a re-run after Calico's CRDs are gone declares the recorded set", async () => {
            const e = await runExisting({ phase: 6, appliedPhase: 6, extra: APPLY, ownOutputs: { [CONVERTED_POLICIES_OUTPUT]: recorded } });
            assert.deepStrictEqual(typesOf(e), EXPECTED_TYPES);
            assert.strictEqual(e.resources.find((r) => r.name === "calico-remove"), undefined, "no Calico left to remove");
            assert.deepStrictEqual(e.outputs[CONVERTED_POLICIES_OUTPUT], recorded);
            assert.ok(e.notes.includes(`Calico's converted policies: Calico is gone, so the 3 object(s) this stack recorded (output ${CONVERTED_POLICIES_OUTPUT}) stay declared in this phase.`));
        });

        it("phase 9 keeps them (they are the cluster's policies now)", async () => {
            const e = await runExisting({ phase: 9, extra: APPLY, ownOutputs: { [CONVERTED_POLICIES_OUTPUT]: recorded } });
            assert.deepStrictEqual(typesOf(e), EXPECTED_TYPES);
            for (const r of declared(e)) assertValid(r.inputs, "cilium");
        });

        it("neither Calico nor a record past phase 5 is refused, saying what happened and what to do", async () => {
            assert.strictEqual(await failureOf(runExisting({ phase: 7, extra: APPLY })),
                "`calico.applyConvertedPolicies` is true at phase 7, but cluster prod-east has no Calico any more (phase 6 removed it) and this stack " +
                `recorded no converted policies (output \`${CONVERTED_POLICIES_OUTPUT}\`): the program cannot tell which Cilium policies to keep. ` +
                "Restore the output from the stack's history (pulumi stack history / pulumi stack export) if an earlier update recorded it. Otherwise " +
                "set `calico.applyConvertedPolicies` to false only after removing each converted object this stack still holds from its state " +
                "(`pulumi stack --show-urns` lists them: types kubernetes:cilium.io/…, names calico-converted-…; `pulumi state delete <URN>` each, " +
                "which leaves the object in the cluster) — with the key false the stack deletes every object it still holds, and the names are the same. " +
                "Objects the stack never held: apply them yourself (npm run convert-policies on a snapshot taken before phase 6).");
        });

        it("a record that is not the program's is refused", async () => {
            assert.match(await failureOf(runExisting({ phase: 7, extra: APPLY, ownOutputs: { [CONVERTED_POLICIES_OUTPUT]: [{ kind: "Pod" }] } })),
                /^this stack's output `calicoConvertedPolicies` is not a list of CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy or CiliumCIDRGroup objects/);
        });
    });

    it("rollback 3 → 2 removes them (no workload is on a Cilium node at 2)", async () => {
        const dir = calicoPolicySnapshot();
        const three = await runExisting({ phase: 3, extra: APPLY, snapshotDir: dir });
        const back = await runExisting({ phase: 2, appliedPhase: 3, extra: APPLY, snapshotDir: dir });
        assert.deepStrictEqual(declared(back), []);
        assert.deepStrictEqual(diffPhases(three.resources, back.resources).filter((c) => CILIUM_KINDS.test(c.type)).map((c) => `${c.op} ${c.type}::${c.name}`).sort(),
            EXPECTED_TYPES.map((t) => `delete ${t}`));
    });

    it("CiliumCIDRGroup's apiVersion is the version its CRD serves and stores, not deprecated (cilium/cilium ciliumcidrgroups.yaml), for every supported line", () => {
        const crd = YAML.parse(fs.readFileSync(path.join(FIXTURES, "real", "cilium-crds", "ciliumcidrgroups.yaml"), "utf8"));
        const versions = crd.spec.versions as { name: string; served: boolean; storage: boolean; deprecated?: boolean }[];
        const stored = versions.find((v) => v.storage && v.served && !v.deprecated)!;
        assert.deepStrictEqual(versions.map((v) => `${v.name} served=${v.served} storage=${v.storage} deprecated=${v.deprecated ?? false}`),
            ["v2 served=true storage=true deprecated=false", "v2alpha1 served=true storage=false deprecated=true"]);
        for (const version of CILIUM_CHART_VERSIONS_VENDORED) {
            assert.strictEqual(cidrGroupApiVersion(version), `${crd.spec.group}/${stored.name}`, version);
            // The chart's own CRD list (artifacthub.io/crds) still names v2alpha1: stale metadata, not what the operator registers.
            const chart = YAML.parse(fs.readFileSync(path.join(FIXTURES, "real", "cilium-chart", version, "Chart.yaml"), "utf8"));
            const crds = YAML.parse(chart.annotations["artifacthub.io/crds"]) as { kind: string; version: string }[];
            for (const kind of ["CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy"]) assert.strictEqual(crds.find((c) => c.kind === kind)?.version, "v2", `${version} ${kind}`);
        }
        assert.deepStrictEqual(Object.keys(CIDR_GROUP_API_VERSION).map(Number), CILIUM_CHART_VERSIONS_VENDORED.map((v) => Number(v.split(".")[1])));
    });

    it("npm run plan shows them from phase 3", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-plan-"));
        const stack = YAML.parse(fs.readFileSync(EXISTING_STACK, "utf8"));
        stack.config["eks-cilium-migration:calico"] = { applyConvertedPolicies: true };
        fs.writeFileSync(path.join(dir, "Pulumi.calico-test.yaml"), YAML.stringify(stack));
        let out = "";
        let err = "";
        const code = await plan(["--config-file", path.join(dir, "Pulumi.calico-test.yaml"), "--cluster-snapshot", calicoPolicySnapshot(), "--from", "2", "--to", "3", "--format", "json"],
            (s) => { out += s; }, (s) => { err += s; });
        fs.rmSync(dir, { recursive: true });
        assert.strictEqual(code, 0, err);
        const [two, three] = JSON.parse(out).phases;
        assert.deepStrictEqual(two.resources.filter((r: Json) => CILIUM_KINDS.test(r.type)), []);
        assert.deepStrictEqual(three.changes.filter((c: Json) => CILIUM_KINDS.test(c.type)).map((c: Json) => `${c.op} ${c.type}::${c.name}`).sort(), EXPECTED_TYPES.map((t) => `create ${t}`));
        assert.ok(existingStackConfig(APPLY)["eks-cilium-migration:calico"]);
    });

    it("preflight: calico-policies is no blocker with the key (the program applies them) but warns of the cross-pool window; withheld policies stay warnings", () => {
        const input = { calicoglobalnetworkpolicies: { items: [CONVERTIBLE_GNP, WITHHELD_GNP] }, caliconetworkpolicies: { items: [] }, caliconetworksets: { items: [] },
            calicoglobalnetworksets: { items: [] }, calicohostendpoints: { items: [] },
            nodes: { items: [{ metadata: { name: "ip-10-20-0-17", labels: {} }, status: { addresses: [{ type: "InternalIP", address: "10.20.0.17" }] } }] } };
        const options = preflightOptionsOf(parseConfig({ phase: "0", existingCluster: JSON.stringify({ name: "prod-east" }), calico: JSON.stringify({ applyConvertedPolicies: true }) }));
        assert.strictEqual(options.calicoApplyConvertedPolicies, true);
        const found = (o: typeof DEFAULT_OPTIONS) => runPreflight(input, o).findings.filter((f) => f.id.startsWith("calico-")).map((f) => [f.id, f.severity]);
        assert.deepStrictEqual(found(DEFAULT_OPTIONS), [["calico-policies", "blocker"], ["calico-unconvertible", "warning"]]);
        // billing-egress converts to an egress rule list with a selector peer: both halves of the window apply.
        assert.deepStrictEqual(found({ ...DEFAULT_OPTIONS, calicoApplyConvertedPolicies: true }), [["calico-policies", "warning"], ["calico-unconvertible", "warning"]]);
        const info = runPreflight(input, { ...DEFAULT_OPTIONS, calicoApplyConvertedPolicies: true }).findings.find((f) => f.id === "calico-policies")!;
        assert.strictEqual(info.message, "2 Calico polic(ies) (GlobalNetworkPolicy/billing-egress, GlobalNetworkPolicy/vpc-egress) are enforced by calico-node only; " +
            "this stack sets `calico.applyConvertedPolicies: true`, so the program declares their conversion as Cilium policies at phase 3, before any workload reaches a Cilium node. " +
            "While both pools run (phases 3–7) pods on legacy nodes have no Cilium identity, so on Cilium nodes GlobalNetworkPolicy/billing-egress drop traffic their pod or " +
            "namespace selectors allow to or from pods still on legacy nodes, and GlobalNetworkPolicy/billing-egress put the pods they select in egress default deny: DNS to " +
            "CoreDNS is dropped while CoreDNS runs on legacy nodes (until phase 5 drains them) — the same window as Kubernetes NetworkPolicies under `cilium.policyDuringMigration: default`.");
        assert.ok(info.remedy.startsWith("Plan the window: keep the workloads these policies select off the Cilium pool until phase 5"), info.remedy);
    });

    describe("live, from the cluster's API", () => {
        let server: http.Server | undefined;
        const kubeconfigs = new Kubeconfigs();
        afterEach(() => server?.close());
        after(() => assert.deepStrictEqual(kubeconfigs.removeAll(), []));
        const lookups = async (routes: Record<string, unknown[]>) => {
            const s = await apiServer(routes, {}, []);
            server = s.server;
            return liveCalicoLookups(fs.readFileSync(kubeconfigs.for(s.url), "utf8"), "prod-east");
        };

        it("Calico's objects from the v3 API where served, else the crd.projectcalico.org storage form; neither: none", async () => {
            const l = await lookups({
                "/apis/projectcalico.org/v3/globalnetworkpolicies": [{ metadata: { name: "v3" } }],
                "/apis/crd.projectcalico.org/v1/networkpolicies": [{ metadata: { name: "default.stored", namespace: "shop" } }],
                "/api/v1/nodes": [{ metadata: { name: "n1" } }],
                "/apis/networking.k8s.io/v1/networkpolicies": [{ metadata: { name: "k", namespace: "shop" } }],
            });
            const names = async (of: Parameters<typeof l.list>[0]) => (await l.list(of)).map((o) => o.metadata.name);
            assert.deepStrictEqual(await names({ kind: "Objects", of: "calicoglobalnetworkpolicies" }), ["v3"]);
            assert.deepStrictEqual(await names({ kind: "Objects", of: "caliconetworkpolicies" }), ["default.stored"]);
            assert.deepStrictEqual(await names({ kind: "Objects", of: "calicohostendpoints" }), []);
            assert.deepStrictEqual(await names({ kind: "Objects", of: "nodes" }), ["n1"]);
            assert.deepStrictEqual(await names({ kind: "Objects", of: "networkpolicies" }), ["k"]);
        });

        it("pods and nodes come slimmed as preflight's live read slims them (at 150,000 pods whole objects would not fit)", async () => {
            const pod = { metadata: { name: "web-1", namespace: "shop", labels: { app: "web" }, managedFields: [{ manager: "kubelet", operation: "Update", fieldsV1: { "f:status": {} } }],
                annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{}" } },
                spec: { nodeName: "n1", containers: [{ name: "web", image: "nginx:1.27", env: [{ name: "A", value: "b" }] }] }, status: { phase: "Running", podIP: "10.20.0.9" } };
            const node = { metadata: { name: "n1", managedFields: [{ manager: "kubelet" }] }, status: { images: [{ names: ["nginx:1.27"], sizeBytes: 1 }], addresses: [] } };
            const l = await lookups({ "/api/v1/pods": [pod], "/api/v1/nodes": [node] });
            assert.deepStrictEqual(await l.list({ kind: "Objects", of: "pods" }), [slimPod(structuredClone(pod))]);
            const [n] = await l.list({ kind: "Objects", of: "nodes" });
            assert.deepStrictEqual([n.metadata.managedFields, n.status.images], [undefined, undefined]);
        });

        it("a failure stops the program, saying what was asked", async () => {
            const l = await lookups({});
            await assert.rejects(l.list({ kind: "Objects", of: "pods" }), (err: Error) => {
                assert.strictEqual(err.message, "cannot read what Calico's policy conversion needs from cluster prod-east (list pods): list pods: HTTP-Code: 404. " +
                    "The program reads it to convert Calico's policies (`calico.applyConvertedPolicies`); check that this machine reaches the cluster's API " +
                    "(aws eks get-token --cluster-name prod-east works and the identity may list nodes, pods, NetworkPolicies and Calico's policies, network sets and host endpoints).");
                return true;
            });
        });
    });
});
