// `npm run fleet`: several cluster snapshots (the example and variants of it: a blocker, a stall, an IPv6 cluster, a
// Fargate-only one, a directory that is no snapshot), their verdicts and waves; each row as preflight reports that
// cluster alone; the JSON against the project's schema; exit codes.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import Ajv from "ajv";
import { main as fleet } from "../fleet/cli";
import { byRisk, wavesOf, FleetRow } from "../fleet/report";
import { main as preflight } from "../preflight/cli";
import { EXAMPLE_SNAPSHOT, EXISTING_STACK, Json, removeSnapshotCopies, snapshotVariant } from "./support/existingCluster";
import { PROJECT_ROOT } from "./support/paths";

const SCHEMA = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "fleet", "fleet-output.schema.json"), "utf8"));
const validate = new Ajv({ allErrors: true, strict: true }).compile(SCHEMA);

async function run(main: typeof fleet, argv: string[]) {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, (s) => { stdout += `${s}\n`; }, (s) => { stderr += `${s}\n`; });
    return { code, stdout, stderr };
}

/** A copy of the example, renamed to `name`, with `edit` applied. */
const cluster = (name: string, edit: (f: Record<string, Json>) => void | Record<string, Json | null> = () => undefined) => snapshotVariant((f) => {
    f["cluster.json"].cluster.name = name;
    for (const g of f["nodegroups.json"].nodegroups) g.clusterName = name;
    return edit(f);
});
const pods = (f: Record<string, Json>) => f["pods.json"].items as Json[];

describe("npm run fleet", function () {
    this.timeout(60000);
    const made: string[] = [];
    after(() => { removeSnapshotCopies(); for (const d of made) fs.rmSync(d, { recursive: true, force: true }); });

    // staging: one pod fewer, and not the one-replica autoscaler: the least risk, so the canary.
    const staging = cluster("staging", (f) => { f["pods.json"].items = pods(f).filter((p) => !p.metadata.name.startsWith("cluster-autoscaler")); });
    // prod-eu: the api budget allows no disruption: ready (a warning), but three stalls put it last.
    const prodEu = cluster("prod-eu", (f) => { f["poddisruptionbudgets.json"].items.find((b: Json) => b.metadata.name === "api").status.disruptionsAllowed = 0; });
    const prodWest = cluster("prod-west", (f) => { f["configmaps.json"].items.push({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cilium-config", namespace: "kube-system" }, data: {} }); });
    const prodV6 = cluster("prod-v6", (f) => { f["cluster.json"].cluster.kubernetesNetworkConfig.ipFamily = "ipv6"; });
    const fargate = cluster("fargate-only", (f) => { f["nodegroups.json"].nodegroups = []; });
    const notSnapshot = fs.mkdtempSync(path.join(os.tmpdir(), "ecm-not-a-snapshot-"));
    made.push(notSnapshot);
    fs.writeFileSync(path.join(notSnapshot, "README.txt"), "not a snapshot");
    const readable = [EXAMPLE_SNAPSHOT, staging, prodEu, prodWest, prodV6, fargate];

    it("gives each cluster its verdict and reason, and orders the ready ones into waves: the canary, then by ascending risk", async () => {
        const r = await run(fleet, ["--snapshots", ...readable, notSnapshot, "--config-files", EXISTING_STACK, "--format", "json"]);
        assert.strictEqual(r.code, 2, "an unreadable snapshot: exit 2");
        assert.match(r.stderr, new RegExp(`unreadable snapshot ${notSnapshot}: .*is not a cluster snapshot`));
        const doc: { clusters: FleetRow[]; waves: string[][] } = JSON.parse(r.stdout);
        const valid = validate(doc);
        assert.ok(valid, JSON.stringify(validate.errors));
        const rows = doc.clusters as FleetRow[];
        assert.deepStrictEqual(rows.map((c) => [c.name, c.verdict, c.risk]), [
            ["staging", "ready", [0, 0, 35]],
            ["prod-east", "ready", [0, 1, 36]],
            ["prod-eu", "ready", [3, 1, 36]],
            ["prod-west", "blocked", [0, 1, 36]],
            ["fargate-only", "not-supported", [0, 1, 36]],
            ["prod-v6", "not-supported", [0, 1, 36]],
            [path.basename(notSnapshot), "unreadable", null],
        ]);
        assert.deepStrictEqual(doc.waves, [["staging"], ["prod-east", "prod-eu"]]);
        const row = (name: string) => rows.find((c) => c.name === name) as FleetRow;
        assert.strictEqual(row("prod-east").configFile, EXISTING_STACK);
        assert.strictEqual(row("staging").configFile, null, "no stack file names it: the defaults for an existing cluster");
        assert.deepStrictEqual(row("prod-east").pools, { managedNodeGroups: ["ng-batch", "ng-general"], nodePools: [], asgs: [] });
        assert.deepStrictEqual([row("prod-east").kubernetesVersion, row("prod-east").legacy], ["1.31", { nodes: 10, pods: 36 }]);
        assert.deepStrictEqual(row("prod-west").blockers, ["cilium-already-installed"]);
        assert.strictEqual(row("prod-west").reason, "blocker(s) not accepted in preflight.accept: cilium-already-installed");
        assert.match(row("prod-v6").reason, /prod-v6 is an IPv6 cluster/);
        assert.deepStrictEqual(row("prod-v6").blockers, ["ipv6-cluster"]);
        assert.match(row("fargate-only").reason, /has no Linux managed node group/);
        assert.deepStrictEqual([row("prod-eu").forecast, row("prod-eu").duration?.stopsAtBatch], [{ evictions: 16, stalls: 3, singleReplica: 1 }, 2]);
        assert.deepStrictEqual(row("prod-east").duration, { lowSeconds: 60, highSeconds: 1970, stopsAtBatch: null });
    });

    it("each row is what npm run preflight reports for that cluster alone", async () => {
        const r = await run(fleet, ["--snapshots", ...readable, "--config-files", EXISTING_STACK, "--format", "json"]);
        assert.strictEqual(r.code, 0, `every cluster read, whatever the verdicts: ${r.stderr}`);
        for (const row of JSON.parse(r.stdout).clusters as FleetRow[]) {
            const alone = await run(preflight, ["--snapshot", row.snapshot, ...(row.configFile ? ["--config-file", row.configFile] : []), "--format", "json"]);
            const report = JSON.parse(alone.stdout);
            const ids = (pick: (f: Json) => boolean) => [...new Set((report.findings as Json[]).filter(pick).map((f) => f.id))];
            assert.deepStrictEqual(row.blockers, ids((f) => f.severity === "blocker" && !f.accepted), row.name);
            assert.deepStrictEqual(row.warnings, ids((f) => f.severity === "warning"), row.name);
            assert.strictEqual(alone.code, row.blockers.length ? 1 : 0, row.name);
            assert.deepStrictEqual(row.forecast?.evictions, report.forecast.evictions, row.name);
            assert.deepStrictEqual([row.forecast?.stalls, row.duration?.lowSeconds, row.duration?.highSeconds],
                [report.forecast.duration.stalls, report.forecast.duration.lowSeconds, report.forecast.duration.highSeconds], row.name);
        }
    });

    it("text and markdown: the table, every reason, the waves; a folder of snapshots is read snapshot by snapshot", async () => {
        const folder = fs.mkdtempSync(path.join(os.tmpdir(), "ecm-fleet-"));
        made.push(folder);
        for (const [name, dir] of [["a-staging", staging], ["b-prod-west", prodWest], ["c-prod-v6", prodV6]]) fs.cpSync(dir, path.join(folder, name), { recursive: true });
        const text = await run(fleet, ["--snapshots", folder, EXAMPLE_SNAPSHOT, "--config-files", EXISTING_STACK, "--wave-size", "1"]);
        assert.strictEqual(text.code, 0, text.stderr);
        assert.match(text.stdout, /^cluster +k8s +pools mng\/np\/asg +legacy nodes\/pods +blockers +warnings +evictions +stalls +phase 5 +risk +verdict$/m);
        assert.match(text.stdout, /^staging +1\.31 +2\/0\/0 +10\/35 +- +prefix-delegation,snat-mode-change,network-policy,cluster-autoscaler +15 +0 +\d+ s–\d+ min +0\/0\/35 +ready$/m);
        assert.match(text.stdout, /^ {2}prod-west \(blocked\): blocker\(s\) not accepted in preflight\.accept: cilium-already-installed$/m);
        assert.match(text.stdout, /^ {2}wave 1 \(canary\): staging\n {2}wave 2: prod-east\n/m);
        assert.match(text.stdout, /fleet: 4 cluster\(s\): 2 ready, 1 blocked, 1 not supported, 0 unreadable; 2 wave\(s\)\n$/);
        const md = await run(fleet, ["--snapshots", folder, EXAMPLE_SNAPSHOT, "--config-files", EXISTING_STACK, "--format", "markdown"]);
        assert.match(md.stdout, /^# Fleet readiness: eks-cilium-migration\n\n\*\*fleet: 4 cluster\(s\)/);
        assert.match(md.stdout, /^1\. \*\*wave 1\*\* \(canary\): staging\n1\. \*\*wave 2\*\*: prod-east$/m);
        assert.match(md.stdout, /^\| cluster \| k8s \| pools mng\/np\/asg \|/m);
        assert.match(md.stdout, /^### prod-v6 — not-supported\n\n- why: .*IPv6 cluster/m);
        assert.match(md.stdout, /^- pools: managed node groups `ng-batch`, `ng-general`; NodePools —; ASGs —$/m);
    });

    it("exits 2 on bad usage, naming what is wrong", async () => {
        const cases: [string[], RegExp][] = [
            [[], /give --snapshots DIR/],
            [["--snapshots"], /--snapshots needs at least one value/],
            [["--snapshots", EXAMPLE_SNAPSHOT, "--wave-size", "0"], /--wave-size "0"; it must be a whole number, 1 or more/],
            [["--snapshots", EXAMPLE_SNAPSHOT, "--format", "yaml"], /--format "yaml"; allowed: text, markdown, json/],
            [["--snapshots", EXAMPLE_SNAPSHOT, "--kubeconfig", "x"], /unknown argument "--kubeconfig"/],
            [["--snapshots", EXAMPLE_SNAPSHOT, "--config-files", path.join(PROJECT_ROOT, "Pulumi.dev.yaml")], /sets no existingCluster/],
            [["--snapshots", EXAMPLE_SNAPSHOT, "--config-files", EXISTING_STACK, EXISTING_STACK], /both name cluster prod-east/],
        ];
        for (const [argv, expected] of cases) {
            const r = await run(fleet, argv);
            assert.strictEqual(r.code, 2, argv.join(" "));
            assert.match(r.stderr, expected);
        }
    });

    it("an unreadable file is a row with its reason; the other clusters are still reported", async () => {
        const broken = cluster("broken", () => ({ "pods.json": "<html>503</html>" }));
        const incomplete = cluster("incomplete", () => ({ "nodes.json": null }));
        const r = await run(fleet, ["--snapshots", EXAMPLE_SNAPSHOT, broken, incomplete, "--format", "json"]);
        assert.strictEqual(r.code, 2);
        const rows = JSON.parse(r.stdout).clusters as FleetRow[];
        assert.deepStrictEqual(rows.map((c) => c.verdict), ["ready", "unreadable", "unreadable"]);
        assert.match(rows[1].reason, /pods\.json is not valid JSON/);
        assert.match(rows[2].reason, /incomplete cluster snapshot: nodes\.json missing/);
        assert.strictEqual(rows[2].name, "incomplete");
    });

    it("risk: stalls first, then single replicas, then pods; the waves hold at most --wave-size after the canary; the schema refuses a wrong document", () => {
        const row = (name: string, risk: [number, number, number], verdict: FleetRow["verdict"] = "ready") => ({ name, risk, verdict }) as FleetRow;
        const rows = [row("a", [1, 0, 0]), row("b", [0, 5, 0]), row("c", [0, 5, 900]), row("d", [0, 0, 1000]), row("e", [0, 0, 1000]), row("x", [0, 0, 0], "blocked")];
        assert.deepStrictEqual([...rows].sort(byRisk).map((r) => r.name), ["x", "d", "e", "b", "c", "a"]);
        assert.deepStrictEqual(wavesOf(rows, 2), [["d"], ["e", "b"], ["c", "a"]]);
        assert.deepStrictEqual(wavesOf([rows[5]], 5), []);
        const unjudged = { ...row("z", [0, 0, 1]), notChecked: ["poddisruptionbudgets.json"] } as FleetRow;
        assert.deepStrictEqual(wavesOf([...rows, unjudged], 2), [["d"], ["e", "b"], ["c", "a"], ["z"]], "an incomplete snapshot is never the canary");
        const bad = { clusters: [{ ...rows[0], verdict: "maybe" }], waves: [] };
        assert.ok(!validate(bad));
    });
});
