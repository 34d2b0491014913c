// Preflight's report: what a setting changes in a finding, accepted blockers, files that are missing (not-checked,
// never a pass), the drain forecast, the JSON against the project's schema, and reading a snapshot.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import { preflightJson } from "../preflight/format";
import { configuredPoolOf, itemsOf, legacyNodesOf } from "../preflight/objects";
import { readPreflightSnapshot } from "../preflight/read";
import { runPreflight } from "../preflight/run";
import { DEFAULT_OPTIONS, Obj, PreflightInput, PreflightOptions } from "../preflight/types";
import { InputError } from "../clusterReader/inputError";
import { preflightOptionsOf } from "../stacks/preflightConfig";
import { migrationConfigOf, readStackFile } from "../stacks/stackFile";
import { EXAMPLE_SNAPSHOT, EXISTING_STACK, removeSnapshotCopies, snapshotVariant } from "./support/existingCluster";
import { PROJECT_ROOT } from "./support/paths";

const BASE = readPreflightSnapshot(EXAMPLE_SNAPSHOT);
const OPTIONS = preflightOptionsOf(migrationConfigOf(readStackFile(EXISTING_STACK)));
const SCHEMA = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "preflight", "preflight-output.schema.json"), "utf8"));
const validate = new Ajv({ allErrors: true, strict: true }).compile(SCHEMA);

function report(edit: (i: PreflightInput, o: PreflightOptions) => void = () => undefined) {
    const input = structuredClone(BASE);
    const options = structuredClone(OPTIONS);
    edit(input, options);
    return runPreflight(input, options);
}
const items = (input: PreflightInput, part: keyof PreflightInput): Obj[] => (input[part] as { items: Obj[] }).items;
const env = (i: PreflightInput): Obj[] => items(i, "daemonsets").find((d) => d.metadata.name === "aws-node")?.spec.template.spec.containers[0].env;

describe("preflight: the report", () => {
    after(removeSnapshotCopies);

    it("carries a setting over where one exists: custom networking → eni.nodeSpec from the ENIConfigs, and says so once set", () => {
        const withEniConfigs = (i: PreflightInput) => {
            (env(i).find((e) => e.name === "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG") as Obj).value = "true";
            items(i, "eniconfigs").push({ metadata: { name: "us-east-2a" }, spec: { subnet: "subnet-0d4c5b6a708192a34", securityGroups: ["sg-0b8d4f0e3c2a5b7c9"] } });
        };
        const found = report(withEniConfigs).findings.find((f) => f.id === "custom-networking") as Obj;
        assert.strictEqual(found.severity, "warning");
        assert.match(found.remedy, /`cilium\.values\.eni\.nodeSpec` to \{"firstInterfaceIndex":1,"subnetIDs":\["subnet-0d4c5b6a708192a34"\],"securityGroups":\["sg-0b8d4f0e3c2a5b7c9"\]\}/);
        const set = report((i, o) => { withEniConfigs(i); o.ciliumValues = { eni: { nodeSpec: { subnetIDs: ["subnet-0d4c5b6a708192a34"] } } }; });
        assert.strictEqual(set.findings.find((f) => f.id === "custom-networking")?.severity, "info");
        const old = report((i, o) => { withEniConfigs(i); o.chartVersion = "1.18.12"; });
        assert.match(old.findings.find((f) => f.id === "custom-networking")?.remedy ?? "", /chart 1\.18\.12 has no `eni\.nodeSpec`: use chart 1\.19 or later/);
    });

    it("network policies: what each policyDuringMigration does to them; hostPort: handled once portmapChaining is set", () => {
        assert.match(report().findings.find((f) => f.id === "network-policy")?.message ?? "", /drop it between the pools \(cilium\.policyDuringMigration: default\)/);
        assert.match(report((_i, o) => { o.policyDuringMigration = "never"; }).findings.find((f) => f.id === "network-policy")?.message ?? "", /enforces none of them on its nodes from phase 2 to 7/);
        const hostPort = (i: PreflightInput) => { (items(i, "pods").find((p) => p.metadata.name.startsWith("web-")) as Obj).spec.containers[0].ports = [{ containerPort: 8080, hostPort: 8080, protocol: "TCP" }]; };
        assert.strictEqual(report(hostPort).findings.find((f) => f.id === "host-port")?.severity, "warning");
        assert.strictEqual(report((i, o) => { hostPort(i); o.portmapChaining = true; }).findings.find((f) => f.id === "host-port")?.severity, "info");
    });

    it("a blocker named in preflight.accept is shown with its reason and no longer fails the run; any other still does", () => {
        const ipv6 = (i: PreflightInput) => { (i.cluster as Obj).kubernetesNetworkConfig.ipFamily = "ipv6"; };
        assert.deepStrictEqual(report(ipv6).unacceptedBlockers.map((f) => f.id), ["ipv6-cluster"]);
        const accepted = report((i, o) => { ipv6(i); o.accept = [{ id: "ipv6-cluster", reason: "a test cluster, never migrated for real" }]; });
        assert.deepStrictEqual(accepted.unacceptedBlockers, []);
        assert.deepStrictEqual(accepted.findings.find((f) => f.id === "ipv6-cluster")?.accepted, { reason: "a test cluster, never migrated for real" });
        const other = report((i, o) => { ipv6(i); o.accept = [{ id: "security-groups-for-pods", reason: "not the blocker this cluster has" }]; });
        assert.deepStrictEqual(other.unacceptedBlockers.map((f) => f.id), ["ipv6-cluster"]);
    });

    it("a missing file makes its checks not-checked, naming it — never a pass — and the forecast says what it could not look for", () => {
        const r = report((i) => { delete i.poddisruptionbudgets; delete i.cluster; });
        const notChecked = r.findings.filter((f) => f.id === "not-checked");
        assert.deepStrictEqual(notChecked.map((f) => f.message), [
            "ipv6-cluster was not checked: cluster.json missing.",
            "pdb-blocks-drain was not checked: poddisruptionbudgets.json missing.",
        ]);
        assert.ok(notChecked.every((f) => f.severity === "info"));
        assert.deepStrictEqual(r.forecast.notChecked, ["pdb-blocks-drain (needs poddisruptionbudgets)"]);
    });

    it("forecasts the drain node by node, in name order, batch by batch, with every reason a pod blocks", () => {
        const r = report((i, o) => {
            o.drain.batchSize = 2;
            (items(i, "poddisruptionbudgets").find((b) => b.metadata.name === "api") as Obj).status.disruptionsAllowed = 0;
        });
        const f = r.forecast;
        assert.deepStrictEqual(f.nodes.map((n) => n.node), [...f.nodes.map((n) => n.node)].sort());
        assert.deepStrictEqual(f.nodes.map((n) => n.batch), [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
        assert.strictEqual(f.evictions, 16, "coredns 3, the autoscaler 1, web 3, api 3, report-builder 4, postgres 2");
        assert.strictEqual(f.blockedPods, 3);
        const api = f.nodes.flatMap((n) => n.blocked).filter((b) => b.pod.startsWith("shop/api-"));
        assert.deepStrictEqual(api.map((b) => b.reasons), [0, 1, 2].map(() => ["PodDisruptionBudget shop/api allows no disruption now"]));
        assert.ok(f.nodes.some((n) => n.singleReplica.includes("Deployment kube-system/cluster-autoscaler-aws-cluster-autoscaler")));
    });

    it("legacy nodes: every Linux EC2 node without the Cilium label, whatever the pools; the pools only assign each one to a pool", () => {
        const legacy = (o: PreflightOptions) => legacyNodesOf(BASE, o).size;
        const inPool = (o: PreflightOptions) => itemsOf(BASE.nodes).filter((n) => configuredPoolOf(n, o) !== undefined).length;
        for (const o of [OPTIONS, DEFAULT_OPTIONS, { ...OPTIONS, legacy: { kind: "node-groups" as const, groups: ["ng-general"] } }, { ...OPTIONS, legacy: { kind: "node-group" as const, name: "ng-batch" } }]) {
            assert.strictEqual(legacy(o), 10, JSON.stringify(o.legacy));
        }
        assert.strictEqual(inPool(OPTIONS), 10);
        assert.strictEqual(inPool({ ...OPTIONS, legacy: { kind: "node-groups", groups: ["ng-general"] } }), 6);
        assert.strictEqual(inPool({ ...OPTIONS, legacy: { kind: "node-group", name: "ng-batch" } }), 4);
        assert.strictEqual(inPool(DEFAULT_OPTIONS), 10);
    });

    it("the JSON is the design's shape, validated against the project's schema — which refuses a wrong document", () => {
        for (const r of [report(), report((i) => { (i.cluster as Obj).kubernetesNetworkConfig.ipFamily = "ipv6"; delete i.subnets; })]) {
            const doc = JSON.parse(preflightJson(r));
            assert.ok(validate(doc), JSON.stringify(validate.errors));
        }
        const bad = JSON.parse(preflightJson(report()));
        bad.findings[0].severity = "fatal";
        assert.ok(!validate(bad));
    });

    it("reads a snapshot: files it does not find are left out; a file that is not its command's output is an input error naming it", () => {
        const partial = readPreflightSnapshot(snapshotVariant(() => ({ "pods.json": null, "cluster.json": null })));
        assert.strictEqual(partial.pods, undefined);
        assert.strictEqual(partial.cluster, undefined);
        assert.ok(Array.isArray(partial.nodegroups));
        for (const [file, text, expected] of [
            ["subnets.json", "{\"Subnet\": []}", /subnets\.json has no `Subnets` list: expected the output of aws ec2 describe-subnets/],
            ["nodes.json", "{\"kind\": \"Node\", \"metadata\": {}}", /nodes\.json has no `items` list/],
            ["pods.json", "<html>503</html>", /pods\.json is not valid JSON/],
        ] as const) {
            const dir = snapshotVariant(() => ({ [file]: text }));
            assert.throws(() => readPreflightSnapshot(dir), (e: Error) => e instanceof InputError && expected.test(e.message));
        }
        assert.throws(() => readPreflightSnapshot(path.join(EXAMPLE_SNAPSHOT, "nope")), /snapshot directory .*nope does not exist/);
    });
});
