// The program learns Calico's install (stacks/calicoFacts.ts): offline from the snapshot's files, live from the
// cluster's API (a stand-in server), and never reads a failed look-up as "no Calico".
import * as assert from "assert";
import * as http from "http";
import * as fs from "fs";
import { calicoInstallOf, operatorTooOld } from "../stacks/calicoFacts";
import { liveCalicoLookups } from "../stacks/calicoLive";
import { apiServer, Kubeconfigs } from "./support/apiServer";
import { EKS_INSTALLATION, OPERATOR_CLUSTER, calicoSnapshot, manifestCalicoNode, operatorAgent, operatorDeployment, operatorEksTerm } from "./support/calicoInstall";
import { failureOf, removeSnapshotCopies, runExisting } from "./support/existingCluster";

describe("the program learns Calico's install", () => {
    after(removeSnapshotCopies);

    it("none: the example cluster (Calico's files empty Lists) gets no Calico note", async () => {
        const e = await runExisting({ phase: 1 });
        assert.ok(!e.notes.some((n) => n.includes("Calico")), e.notes.join("\n"));
    });

    it("tigera-operator: the Installation, the operator's version and both agents, said once in the plan", async () => {
        const e = await runExisting({ phase: 1, snapshotDir: calicoSnapshot(OPERATOR_CLUSTER) });
        assert.ok(e.notes.includes("Calico runs under tigera-operator (Deployment tigera-operator/tigera-operator v1.36.2; Installation default; " +
            "DaemonSet calico-system/calico-node, DaemonSet calico-system/csi-node-driver): calico-node is pinned where aws-node runs " +
            "through the Installation's DaemonSet overrides from phase 1."), e.notes.join("\n"));
    });

    it("manifests: calico-node in kube-system with its own affinity (none)", () => {
        const install = calicoInstallOf({ installations: [], operators: [], daemonSets: [manifestCalicoNode()] });
        assert.deepStrictEqual(install, { kind: "manifest", agents: [{ name: "calico-node", namespace: "kube-system" }] });
    });

    it("operator: each agent's current affinity is the one its DaemonSet runs with (the render code's EKS term)", () => {
        const install = calicoInstallOf({ installations: [EKS_INSTALLATION], operators: [operatorDeployment("v1.28.0")], daemonSets: [operatorAgent("calico-node"), operatorAgent("csi-node-driver")] });
        assert.strictEqual(install.kind, "operator");
        if (install.kind !== "operator") return;
        assert.deepStrictEqual(install.operatorVersion, { text: "v1.28.0", major: 1, minor: 28 });
        assert.deepStrictEqual(install.agents.map((a) => a.affinity?.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions),
            [[operatorEksTerm("node.go")], [operatorEksTerm("csi.go")]]);
        assert.strictEqual(operatorTooOld(install), undefined);
        assert.strictEqual(operatorTooOld(calicoInstallOf({ installations: [EKS_INSTALLATION], operators: [operatorDeployment("v1.27.9")], daemonSets: [] })), "v1.27.9");
    });

    it("an Installation not named default is not the operator's; without the operator nor calico-node: none", () => {
        const other = { ...EKS_INSTALLATION, metadata: { name: "other" } };
        assert.deepStrictEqual(calicoInstallOf({ installations: [other], operators: [], daemonSets: [] }), { kind: "none" });
    });

    it("a snapshot without calico-installations.json is refused, naming the file", async () => {
        const message = await failureOf(runExisting({ phase: 1, snapshotDir: calicoSnapshot({ extra: { "calico-installations.json": null } }) }));
        assert.match(message, /cluster snapshot: .*calico-installations\.json is missing; this look-up needs it \(kubectl get installations\.operator\.tigera\.io -o json, or npm run snapshot\)/);
    });

    describe("live, from the cluster's API", () => {
        const kubeconfigs = new Kubeconfigs();
        let server: http.Server | undefined;
        afterEach(() => server?.close());
        after(() => assert.deepStrictEqual(kubeconfigs.removeAll(), []));

        const routes = {
            "/apis/operator.tigera.io/v1/installations": [EKS_INSTALLATION],
            "/apis/apps/v1/deployments": [operatorDeployment("v1.36.2")],
            "/apis/apps/v1/daemonsets": [operatorAgent("calico-node"), operatorAgent("csi-node-driver"), manifestCalicoNode()].map((d, i) => i === 2 ? { ...d, metadata: { ...d.metadata, name: "aws-node" } } : d),
        };
        const lookups = async (r: Record<string, unknown[]>, forbid?: string) => {
            const seen: string[] = [];
            const s = await apiServer(r, forbid ? { forbid } : {}, seen);
            server = s.server;
            return { seen, lookups: liveCalicoLookups(fs.readFileSync(kubeconfigs.for(s.url), "utf8"), "prod-east") };
        };

        it("asks by name and keeps only what is asked for", async () => {
            const { seen, lookups: l } = await lookups(routes);
            assert.deepStrictEqual((await l.list({ kind: "DaemonSet", name: "calico-node" })).map((d) => `${d.metadata.namespace}/${d.metadata.name}`), ["calico-system/calico-node"]);
            assert.deepStrictEqual((await l.list({ kind: "Installation" })).map((i) => i.metadata.name), ["default"]);
            assert.ok(seen.some((s) => s.startsWith("GET /apis/apps/v1/daemonsets?") && s.includes("fieldSelector=metadata.name%3Dcalico-node")), seen.join("\n"));
        });

        it("an Installation CRD that is not installed: no Installation", async () => {
            const { lookups: l } = await lookups({ "/apis/apps/v1/daemonsets": [] });
            assert.deepStrictEqual(await l.list({ kind: "Installation" }), []);
        });

        it("any other failure stops the program, saying what was asked", async () => {
            const { lookups: l } = await lookups(routes, "/apis/apps/v1/daemonsets");
            await assert.rejects(l.list({ kind: "DaemonSet", name: "calico-node" }), (err: Error) => {
                assert.match(err.message, /^cannot read Calico's install from cluster prod-east \(list daemonsets named calico-node\): list daemonsets named calico-node: not allowed \(403 Forbidden\)/);
                assert.match(err.message, /The program reads it to keep calico-node where aws-node runs; check that this machine reaches the cluster's API/);
                return true;
            });
        });
    });
});
