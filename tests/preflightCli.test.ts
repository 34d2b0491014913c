// `npm run preflight` and the `preflight` gate check: on a snapshot, on a live cluster (the real Kubernetes client
// against a stand-in API server, AWS through stand-in `aws`), with a stack's choices, and their exit codes.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { main as gate } from "../gates/cli";
import { main as preflight } from "../preflight/cli";
import { EXAMPLE_SNAPSHOT, EXISTING_STACK, removeSnapshotCopies, snapshotVariant } from "./support/existingCluster";
import { Kubeconfigs, apiServer } from "./support/apiServer";
import { FIXTURES } from "./support/paths";

async function run(main: typeof preflight, argv: string[]) {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, (s) => { stdout += `${s}\n`; }, (s) => { stderr += `${s}\n`; });
    return { code, stdout, stderr };
}
const runGate = async (argv: string[]) => {
    let stdout = "";
    const code = await gate(argv, (s) => { stdout += `${s}\n`; }, {});
    return { code, stdout };
};
const list = (file: string) => JSON.parse(fs.readFileSync(path.join(EXAMPLE_SNAPSHOT, file), "utf8")).items;
const ipv6 = () => snapshotVariant((f) => { f["cluster.json"].cluster.kubernetesNetworkConfig.ipFamily = "ipv6"; });

describe("npm run preflight", function () {
    this.timeout(60000);
    after(removeSnapshotCopies);

    it("on a snapshot with the stack's choices: the findings, the forecast, PASS and exit 0; JSON and markdown too", async () => {
        const text = await run(preflight, ["--snapshot", EXAMPLE_SNAPSHOT, "--config-file", EXISTING_STACK]);
        assert.strictEqual(text.code, 0, text.stderr);
        assert.match(text.stdout, /^WARNING prefix-delegation \(phase 3\): aws-node assigns \/28 prefixes/m);
        assert.match(text.stdout, /^drain forecast: 10 legacy node\(s\), 1 at a time; about 16 eviction\(s\)/m);
        assert.match(text.stdout, /PASS preflight: no blocker left \(0 blocker\(s\), 4 warning\(s\), 1 info\)\n$/);
        const json = JSON.parse((await run(preflight, ["--snapshot", EXAMPLE_SNAPSHOT, "--format", "json"])).stdout);
        assert.deepStrictEqual(Object.keys(json), ["findings", "forecast"]);
        assert.match((await run(preflight, ["--snapshot", EXAMPLE_SNAPSHOT, "--format", "markdown"])).stdout, /^# eks-cilium-migration preflight\n\n\*\*PASS preflight/);
    });

    it("reports what the files present show: a cilium DaemonSet without configmaps.json is a blocker, not not-checked", async () => {
        const dir = snapshotVariant((f) => {
            const aws = f["daemonsets.json"].items.find((d: { metadata: { name: string } }) => d.metadata.name === "aws-node");
            f["daemonsets.json"].items.push({ ...structuredClone(aws), metadata: { ...aws.metadata, name: "cilium", uid: "3f7c2b1e-0000-4000-8000-00000000c111" } });
            return { "configmaps.json": null };
        });
        const r = await run(preflight, ["--snapshot", dir]);
        assert.strictEqual(r.code, 1, r.stdout);
        assert.match(r.stdout, /^BLOCKER cilium-already-installed \(phase 2\): Cilium is installed already \(kube-system\/cilium\)/m);
        assert.doesNotMatch(r.stdout, /cilium-already-installed was not checked/);
        // Without the DaemonSet, the missing ConfigMaps could hide it: not-checked, and the report is INCOMPLETE, not PASS.
        const hidden = await run(preflight, ["--snapshot", snapshotVariant(() => ({ "configmaps.json": null }))]);
        assert.strictEqual(hidden.code, 0);
        assert.match(hidden.stdout, /^INFO not-checked \(phase 2\): cilium-already-installed was not checked: configmaps\.json missing\./m);
        assert.match(hidden.stdout, /\nINCOMPLETE: 1 check not run \(files configmaps\.json missing\); no blocker among those that ran\n$/);
        assert.doesNotMatch(hidden.stdout, /PASS preflight/);
    });

    it("no silent pass: without nodes.json or pods.json it exits 2 naming the file", async () => {
        for (const file of ["nodes.json", "pods.json"]) {
            const r = await run(preflight, ["--snapshot", snapshotVariant(() => ({ [file]: null }))]);
            assert.strictEqual(r.code, 2, r.stdout);
            assert.match(r.stderr, new RegExp(`preflight: .*${file.replace(".", "\\.")} is missing: preflight judges nothing about nodes or pods without it`));
            assert.strictEqual(r.stdout, "");
        }
    });

    it("the config must be this cluster's: another cluster's stack is exit 2 naming both; pools with no node are findings", async () => {
        const dir = snapshotVariant(() => undefined);
        const other = path.join(dir, "Pulumi.other.yaml");
        fs.writeFileSync(other, fs.readFileSync(EXISTING_STACK, "utf8").replace(/prod-east\b/g, "prod-west"));
        const r = await run(preflight, ["--snapshot", dir, "--config-file", other]);
        assert.strictEqual(r.code, 2, r.stdout);
        assert.match(r.stderr, /Pulumi\.other\.yaml is the stack of cluster prod-west \(`existingCluster\.name`\), but the cluster read is prod-east \(cluster\.json\)/);
        // A demo stack names ng-1, which this cluster does not have: a blocker, not "0 legacy node(s)" and PASS.
        const demo = await run(preflight, ["--snapshot", dir, "--config-file", path.join(path.dirname(EXISTING_STACK), "Pulumi.dev.yaml")]);
        assert.strictEqual(demo.code, 1, demo.stdout);
        assert.match(demo.stdout, /^BLOCKER pool-without-nodes \(phase 1\): none of the pools the stack names \(`legacyNodeGroup\.name`: ng-1\) has a node of cluster prod-east, which has \d+ node\(s\) in node groups ng-batch, ng-general/m);
        const listed = path.join(dir, "Pulumi.listed.yaml");
        fs.writeFileSync(listed, fs.readFileSync(EXISTING_STACK, "utf8").replace("nodeGroups: [ng-general, ng-batch]", "nodeGroups: [ng-general, ng-batch, ng-spare]"));
        const spare = await run(preflight, ["--snapshot", dir, "--config-file", listed]);
        assert.match(spare.stdout, /^WARNING pool-without-nodes \(phase 1\): 1 pool\(s\) the stack names have no node of cluster prod-east: ng-spare/m, spare.stdout + spare.stderr);
    });

    it("exits 1 on a blocker, 0 once the stack accepts it with a reason", async () => {
        const blocked = await run(preflight, ["--snapshot", ipv6()]);
        assert.strictEqual(blocked.code, 1);
        assert.match(blocked.stdout, /^BLOCKER ipv6-cluster \(phase 2\): cluster prod-east is an IPv6 cluster/m);
        assert.match(blocked.stdout, /FAIL preflight: 1 blocker\(s\) not accepted in preflight\.accept: ipv6-cluster\n$/);
        const dir = ipv6();
        const stack = path.join(dir, "Pulumi.accepting.yaml");
        fs.writeFileSync(stack, fs.readFileSync(EXISTING_STACK, "utf8").replace("    accept: []", "    accept:\n      - id: ipv6-cluster\n        reason: rehearsal cluster, rebuilt after the test"));
        const accepted = await run(preflight, ["--snapshot", dir, "--config-file", stack]);
        assert.strictEqual(accepted.code, 0, accepted.stdout);
        assert.match(accepted.stdout, /^BLOCKER \(accepted: rehearsal cluster, rebuilt after the test\) ipv6-cluster/m);
    });

    it("exits 2 on bad usage, an unreadable snapshot or an invalid stack file, saying which", async () => {
        const cases: [string[], RegExp][] = [
            [[], /give --snapshot DIR or --kubeconfig PATH/],
            [["--snapshot", EXAMPLE_SNAPSHOT, "--kubeconfig", "x"], /one of them/],
            [["--snapshot", EXAMPLE_SNAPSHOT, "--cluster", "prod-east"], /--cluster and --region go with --kubeconfig/],
            [["--snapshot", EXAMPLE_SNAPSHOT, "--format", "yaml"], /--format "yaml"; allowed: text, markdown, json/],
            [["--snapshot", snapshotVariant(() => ({ "nodes.json": "[]" }))], /nodes\.json must hold a JSON object/],
            [["--snapshot", EXAMPLE_SNAPSHOT, "--config-file", path.join(FIXTURES, "stacks", "Pulumi.bad-config.yaml")], /preflight: invalid config in .*Pulumi\.bad-config\.yaml:\n.*`drain\.batchSize` is 0/],
        ];
        for (const [argv, expected] of cases) {
            const r = await run(preflight, argv);
            assert.strictEqual(r.code, 2, `${argv.join(" ")}: ${r.stderr}`);
            assert.match(r.stderr, expected);
        }
    });

    describe("live", () => {
        const kubeconfigs = new Kubeconfigs();
        const saved = { ...process.env };
        const routes: Record<string, unknown[]> = {
            "/api/v1/nodes": list("nodes.json"), "/api/v1/pods": list("pods.json"), "/apis/apps/v1/daemonsets": list("daemonsets.json"),
            "/apis/apps/v1/deployments": list("deployments.json"), "/apis/apps/v1/statefulsets": list("statefulsets.json"),
            "/api/v1/namespaces/kube-system/configmaps": list("configmaps.json"), "/apis/policy/v1/poddisruptionbudgets": list("poddisruptionbudgets.json"),
            "/apis/networking.k8s.io/v1/networkpolicies": list("networkpolicies.json"), "/api/v1/persistentvolumes": list("persistentvolumes.json"),
            "/api/v1/persistentvolumeclaims": list("persistentvolumeclaims.json"), "/apis/cilium.io/v2/ciliumnetworkpolicies": [],
            // ENIConfig and SecurityGroupPolicy are not served: their CRDs are "not installed" (404), read as empty lists.
        };
        beforeEach(() => {
            const log = path.join(snapshotVariant(() => undefined), "calls.log");
            fs.writeFileSync(log, "");
            Object.assign(process.env, { PATH: `${path.join(FIXTURES, "standins")}:${saved.PATH}`, STANDIN_LOG: log, STANDIN_AWS_DIR: EXAMPLE_SNAPSHOT });
        });
        afterEach(() => { process.env = { ...saved }; });
        after(() => assert.deepStrictEqual(kubeconfigs.removeAll(), []));

        it("reads Kubernetes with the real client (paged; a missing CRD is an empty list) and AWS with the AWS CLI: the same report as the snapshot", async () => {
            const seen: string[] = [];
            const { server, url } = await apiServer(routes, {}, seen);
            try {
                const live = await run(preflight, ["--kubeconfig", kubeconfigs.for(url), "--config-file", EXISTING_STACK, "--format", "json"]);
                assert.strictEqual(live.code, 0, live.stderr);
                assert.ok(seen.includes("GET /apis/crd.k8s.amazonaws.com/v1alpha1/eniconfigs?limit=500"), seen.join("\n"));
                assert.ok(fs.readFileSync(process.env.STANDIN_LOG as string, "utf8").includes("aws eks describe-cluster --name prod-east --region us-east-2 --output json"));
                const offline = await run(preflight, ["--snapshot", EXAMPLE_SNAPSHOT, "--config-file", EXISTING_STACK, "--format", "json"]);
                assert.deepStrictEqual(JSON.parse(live.stdout), JSON.parse(offline.stdout));
            } finally {
                server.close();
            }
        });

        it("reads Calico's v3 API where served, else its storage-form CRDs, and tigera-operator's Installation", async () => {
            const seen: string[] = [];
            const stored = { apiVersion: "crd.projectcalico.org/v1", kind: "GlobalNetworkPolicy", metadata: { name: "default.log-all" },
                spec: { tier: "default", selector: "all()", ingress: [{ action: "Log" }] } };
            const installation = { apiVersion: "operator.tigera.io/v1", kind: "Installation", metadata: { name: "default" }, spec: { kubernetesProvider: "EKS", cni: { type: "AmazonVPC" } } };
            const withCalico = { ...routes, "/apis/crd.projectcalico.org/v1/globalnetworkpolicies": [stored], "/apis/crd.projectcalico.org/v1/networkpolicies": [],
                "/apis/crd.projectcalico.org/v1/networksets": [], "/apis/crd.projectcalico.org/v1/globalnetworksets": [], "/apis/crd.projectcalico.org/v1/hostendpoints": [],
                "/apis/operator.tigera.io/v1/installations": [installation] };
            const { server, url } = await apiServer(withCalico, {}, seen);
            try {
                const r = await run(preflight, ["--kubeconfig", kubeconfigs.for(url), "--format", "json"]);
                assert.strictEqual(r.code, 1, r.stderr);
                assert.ok(seen.includes("GET /apis/projectcalico.org/v3/globalnetworkpolicies?limit=500") && seen.includes("GET /apis/crd.projectcalico.org/v1/globalnetworkpolicies?limit=500"), seen.join("\n"));
                const findings = JSON.parse(r.stdout).findings.filter((f: { id: string }) => f.id.startsWith("calico-"));
                assert.deepStrictEqual(findings.map((f: { id: string; objects: string[] }) => [f.id, f.objects]), [
                    ["calico-policy-engine", ["Installation/default"]],
                    ["calico-policies", ["GlobalNetworkPolicy/log-all"]],
                    ["calico-unconvertible", ["GlobalNetworkPolicy/log-all"]],
                ]);
            } finally {
                server.close();
            }
        });

        it("without a cluster name the AWS checks say not-checked; a cluster that refuses the identity is exit 2", async () => {
            const seen: string[] = [];
            const { server, url } = await apiServer(routes, {}, seen);
            try {
                const r = await run(preflight, ["--kubeconfig", kubeconfigs.for(url), "--format", "json"]);
                assert.strictEqual(r.code, 0, r.stderr);
                assert.match(r.stderr, /no cluster named \(--cluster\): the AWS files are not read/);
                assert.ok(JSON.parse(r.stdout).findings.some((f: { id: string; message: string }) => f.id === "not-checked" && /ipv6-cluster was not checked: cluster\.json missing/.test(f.message)));
            } finally {
                server.close();
            }
            const { server: refusing, url: refusingUrl } = await apiServer(routes, { forbid: "/api/v1/nodes" }, []);
            try {
                const r = await run(preflight, ["--kubeconfig", kubeconfigs.for(refusingUrl)]);
                assert.strictEqual(r.code, 2);
                assert.match(r.stderr, /list nodes: not allowed \(403 Forbidden\)/);
            } finally {
                refusing.close();
            }
        });
    });
});

describe("the preflight gate check", function () {
    this.timeout(60000);
    after(removeSnapshotCopies);

    it("passes on the example cluster, fails at once on a blocker (no polling), passes on an accepted one", async () => {
        assert.match((await runGate(["preflight", "--snapshot", EXAMPLE_SNAPSHOT])).stdout, /\nPASS preflight\n$/);
        const failed = await runGate(["preflight", "--snapshot", ipv6(), "--wait", "10m"]);
        assert.strictEqual(failed.code, 1);
        assert.match(failed.stdout, /^preflight: BLOCKER ipv6-cluster/m);
        assert.match(failed.stdout, /\nFAIL preflight: 1 blocker\(s\) not accepted in preflight\.accept: ipv6-cluster\n$/);
        const options = JSON.stringify({ accept: [{ id: "ipv6-cluster", reason: "rehearsal cluster, rebuilt after the test" }] });
        assert.strictEqual((await runGate(["preflight", "--snapshot", ipv6(), "--preflight-options", options])).code, 0);
        assert.strictEqual((await runGate(["preflight", "--snapshot", EXAMPLE_SNAPSHOT, "--preflight-options", "{not json"])).code, 2);
    });

    it("phase-0 runs preflight and connectivity together", async () => {
        const r = await runGate(["phase-0", "--snapshot", path.join(FIXTURES, "snapshots", "phase-0")]);
        assert.strictEqual(r.code, 0, r.stdout);
        assert.match(r.stdout, /^preflight: INFO not-checked/m);
        assert.match(r.stdout, /^connectivity: /m);
        assert.match(r.stdout, /PASS phase-0\n$/);
    });
});
