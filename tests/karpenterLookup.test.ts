// Karpenter NodePools, item 1 (issue 18): the config keys, the snapshot files and the program's look-up, the preflight
// ids, and Karpenter's nodes counted in their configured pool. Objects are Karpenter's own published ones
// (tests/fixtures/real/karpenter); the example cluster is examples/karpenter-east (tests/fixtures/writeKarpenterExample.ts).
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { main as plan } from "../plan/cli";
import { main as preflight } from "../preflight/cli";
import { readPreflightSnapshot } from "../preflight/read";
import { runPreflight } from "../preflight/run";
import { Obj } from "../preflight/types";
import { expireAfterMs } from "../migration/karpenter";
import { parseConfig } from "../stacks/config";
import { karpenterFacts, cpuMillis, memoryBytes } from "../stacks/karpenterFacts";
import { preflightOptionsOf } from "../stacks/preflightConfig";
import { migrationConfigOf, readStackFile } from "../stacks/stackFile";
import { readKarpenterSnapshot } from "../clusterReader/karpenter";
import { kubeconfigFor, liveKarpenter } from "../stacks/karpenterLookups";
import { Kubeconfigs, apiServer } from "./support/apiServer";
import { PROJECT_ROOT } from "./support/paths";
import { exampleOf, validateEc2NodeClass, validateNodeClaim, validateNodePool } from "./support/karpenterObjects";
import { karpenterExampleFiles, KARPENTER_EXAMPLE } from "./fixtures/writeKarpenterExample";

export const KARPENTER_STACK = path.join(PROJECT_ROOT, "Pulumi.karpenter.yaml");

async function run(main: typeof plan, argv: string[]) {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, (s) => { stdout += `${s}\n`; }, (s) => { stderr += `${s}\n`; });
    return { code, stdout, stderr };
}

const made: string[] = [];
after(() => { for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });

/** A copy of the Karpenter example (snapshot and stack file) with edits; returns [stack file, snapshot dir]. */
export function karpenterVariant(editFiles: (files: Record<string, Obj>) => void = () => undefined, editStack: (config: Obj) => void = () => undefined): [string, string] {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecm-karpenter-"));
    made.push(dir);
    const snap = path.join(dir, "snapshot");
    fs.mkdirSync(snap);
    const files: Record<string, Obj> = {};
    for (const f of fs.readdirSync(KARPENTER_EXAMPLE)) files[f] = JSON.parse(fs.readFileSync(path.join(KARPENTER_EXAMPLE, f), "utf8"));
    editFiles(files);
    for (const [f, v] of Object.entries(files)) if (v !== null) fs.writeFileSync(path.join(snap, f), JSON.stringify(v));
    const stack = YAML.parse(fs.readFileSync(KARPENTER_STACK, "utf8"));
    editStack(stack.config);
    const stackFile = path.join(dir, "Pulumi.karpenter.yaml");
    fs.writeFileSync(stackFile, YAML.stringify(stack));
    return [stackFile, snap];
}

describe("karpenter: the example cluster and Karpenter's own objects", () => {
    it("examples/karpenter-east is what its generator writes", () => {
        for (const [file, value] of Object.entries(karpenterExampleFiles())) {
            const text = typeof value === "string" ? value : `${JSON.stringify(value, null, 4)}\n`;
            assert.strictEqual(fs.readFileSync(path.join(KARPENTER_EXAMPLE, file), "utf8"), text, `${file}: run tests/fixtures/writeKarpenterExample.ts`);
        }
    });

    it("its NodePools, NodeClaims and EC2NodeClass are valid for Karpenter's CRDs", () => {
        const objects = readKarpenterSnapshot(KARPENTER_EXAMPLE);
        for (const np of objects.nodePools ?? []) assert.deepStrictEqual(validateNodePool(np), [], np.metadata.name);
        for (const c of objects.nodeClaims ?? []) assert.deepStrictEqual(validateNodeClaim(c), [], c.metadata.name);
        for (const c of objects.ec2NodeClasses ?? []) assert.deepStrictEqual(validateEc2NodeClass(c), [], c.metadata.name);
        assert.deepStrictEqual(validateNodePool({ ...exampleOf("general-purpose.yaml", "NodePool"), spec: { ...exampleOf("general-purpose.yaml", "NodePool").spec, weight: 101 } }),
            ["/spec/weight must be <= 100"], "the schema judges (a weight above 100 is refused)");
    });

    it("reads expireAfter as the schema writes it; quantities as Kubernetes does", () => {
        assert.strictEqual(expireAfterMs("720h"), 720 * 3_600_000);
        assert.strictEqual(expireAfterMs("1h30m"), 90 * 60_000);
        assert.strictEqual(expireAfterMs("Never"), Infinity);
        assert.strictEqual(expireAfterMs("7d"), undefined);
        assert.deepStrictEqual([cpuMillis("7910m"), cpuMillis("2"), cpuMillis(undefined)], [7910, 2000, 0]);
        assert.deepStrictEqual([memoryBytes("14162Mi"), memoryBytes("14880256Ki"), memoryBytes("1G")], [14162 * 2 ** 20, 14880256 * 1024, 1e9]);
    });
});

describe("karpenter: config", () => {
    it("existingCluster.nodePools and karpenter.headroom: defaults, and bad values named", () => {
        const base = { phase: "0", existingCluster: JSON.stringify({ name: "c" }) };
        assert.deepStrictEqual(parseConfig(base).karpenter, { headroom: 1.0 });
        assert.strictEqual(parseConfig(base).existingCluster?.nodePools, undefined);
        assert.deepStrictEqual(parseConfig({ ...base, existingCluster: JSON.stringify({ name: "c", nodePools: ["default", "batch"] }) }).existingCluster?.nodePools, ["default", "batch"]);
        assert.strictEqual(parseConfig({ ...base, karpenter: JSON.stringify({ headroom: 0 }) }).karpenter.headroom, 0);
        assert.throws(() => parseConfig({ ...base, karpenter: JSON.stringify({ headroom: 2.5 }) }),
            { message: "`karpenter.headroom` is 2.5; it must be a number from 0 to 2 (the share of the legacy NodePools' capacity brought up on Cilium before the drain; 1.0: all of it)." });
        assert.throws(() => parseConfig({ ...base, karpenter: JSON.stringify({ headrom: 1 }) }), { message: "`karpenter.headrom` is not a known key; known keys of `karpenter`: headroom." });
        assert.throws(() => parseConfig({ ...base, existingCluster: JSON.stringify({ name: "c", nodePools: ["Default"] }) }),
            { message: "`existingCluster.nodePools` is [\"Default\"]; it must be a list of NodePool names (lower case letters, digits, '-' or '.', starting and ending with a letter or digit, as `kubectl get nodepools` lists them)." });
        assert.throws(() => parseConfig({ ...base, existingCluster: JSON.stringify({ name: "c", nodePools: ["a", "a"] }) }),
            { message: "`existingCluster.nodePools` lists a NodePool twice: [\"a\",\"a\"]." });
    });
});

describe("karpenter: what the program finds (stacks/karpenterFacts.ts)", () => {
    const config = migrationConfigOf(readStackFile(KARPENTER_STACK));
    const objects = readKarpenterSnapshot(KARPENTER_EXAMPLE);

    it("the named pools, their NodeClaims and allocatable, and their originals as found", () => {
        const { facts, problems } = karpenterFacts(objects, config, "karpenter-east");
        assert.deepStrictEqual(problems, []);
        assert.deepStrictEqual(facts.legacy.map((p) => [p.name, p.nodeClaims.length, p.allocatable.nodes, p.allocatable.cpuMillis]), [["default", 4, 4, 4 * 3920], ["batch", 4, 4, 4 * 7910]]);
        assert.deepStrictEqual(facts.legacy.map((p) => p.original), [
            { limits: { cpu: "1000", memory: "1000Gi" }, budgets: [{ nodes: "10%" }] },
            { budgets: [{ nodes: "10%" }], weight: 100 },
        ]);
        // Unset `nodePools`: every NodePool but the twins.
        const unset = karpenterFacts(objects, { ...config, existingCluster: { ...config.existingCluster!, nodePools: undefined } }, "karpenter-east");
        assert.deepStrictEqual(unset.facts.legacy.map((p) => p.name), ["batch", "default"]);
    });

    it("a NodePool name too long for the twin's label is refused, named", () => {
        const long = "a".repeat(64);
        const withLong = { ...objects, nodePools: [...(objects.nodePools ?? []), { ...structuredClone((objects.nodePools ?? [])[0]), metadata: { name: long } }] };
        const { problems } = karpenterFacts(withLong, { ...config, existingCluster: { ...config.existingCluster!, nodePools: [long] } }, "karpenter-east");
        assert.deepStrictEqual(problems, [`NodePool ${long}'s name has 64 characters: its twin is marked with the label eks-cilium-migration/twin-of=<name>, ` +
            "and a label value holds at most 63; rename the NodePool, or leave it out of `existingCluster.nodePools`."]);
    });

    it("recorded originals win over what the cluster shows (the program's own patches)", () => {
        const recorded = { default: { limits: { cpu: "50" } }, batch: { weight: 7 } };
        const { facts } = karpenterFacts(objects, config, "karpenter-east", recorded);
        assert.deepStrictEqual(facts.legacy.map((p) => p.original), [recorded.default, recorded.batch]);
    });
});

describe("karpenter: bad input stops before anything is declared", () => {
    it("a NodePool the cluster does not have, a twin name taken, a static pool: exit 1 naming each", async () => {
        const [stack, snap] = karpenterVariant((f) => {
            const pools = f["nodepools.json"].items as Obj[];
            pools.push({ ...structuredClone(pools[0]), metadata: { ...pools[0].metadata, name: "default-cilium" } });
            pools[1].spec.replicas = 3;
            delete pools[1].spec.weight;
        }, (c) => { c["eks-cilium-migration:existingCluster"].nodePools = ["default", "batch", "gpu"]; });
        const r = await run(plan, ["--config-file", stack, "--cluster-snapshot", snap, "--to", "0"]);
        assert.strictEqual(r.code, 1, r.stderr);
        assert.ok(r.stderr.includes("the twin of NodePool default would be named default-cilium, but cluster karpenter-east has a NodePool of that name that is not its twin " +
            "(no label eks-cilium-migration/twin-of=default); rename it, or choose another `ciliumNodeGroup.nameSuffix`."), r.stderr);
        assert.ok(r.stderr.includes("NodePool batch has `spec.replicas: 3` (static capacity): Karpenter forbids removing `replicas`"), r.stderr);
        assert.ok(r.stderr.includes("`existingCluster.nodePools` names NodePool gpu, which cluster karpenter-east does not have (it has: default, batch, default-cilium); " +
            "check the name (kubectl get nodepools)."), r.stderr);
        assert.strictEqual(r.stdout, "");
    });

    it("a snapshot without nodepools.json for a stack that names NodePools: exit 2 naming the file (planner and preflight)", async () => {
        const [stack, snap] = karpenterVariant((f) => { delete f["nodepools.json"]; });
        const p = await run(plan, ["--config-file", stack, "--cluster-snapshot", snap, "--to", "0"]);
        assert.strictEqual(p.code, 2, p.stderr);
        assert.strictEqual(p.stderr, `plan: cluster snapshot: ${path.join(snap, "nodepools.json")} is missing; \`existingCluster.nodePools\` names NodePools and the planner ` +
            "needs it to migrate them (kubectl get nodepools.karpenter.sh -o json, or npm run snapshot)\n");
        const f = await run(preflight, ["--snapshot", snap, "--config-file", stack]);
        assert.strictEqual(f.code, 2, f.stderr);
        assert.strictEqual(f.stderr, `preflight: ${path.join(snap, "nodepools.json")} is missing: the stack names NodePools (\`existingCluster.nodePools\`) and ` +
            "preflight needs them to judge their nodes (kubectl get nodepools.karpenter.sh -o json, or npm run snapshot).\n");
        // Without `nodePools` the default applies: the Karpenter ids are not checked, and the program plans no NodePool.
        const [unnamed, snap2] = karpenterVariant((files) => { delete files["nodepools.json"]; }, (c) => { delete c["eks-cilium-migration:existingCluster"].nodePools; });
        const u = await run(plan, ["--config-file", unnamed, "--cluster-snapshot", snap2, "--to", "0"]);
        assert.strictEqual(u.code, 0, u.stderr);
    });
});

describe("karpenter: preflight", () => {
    const input = readPreflightSnapshot(KARPENTER_EXAMPLE);
    const options = preflightOptionsOf(migrationConfigOf(readStackFile(KARPENTER_STACK)));

    it("Karpenter's legacy nodes are in their configured pool: no pool-less-legacy-node; karpenter is information", () => {
        const report = runPreflight(input, options);
        assert.deepStrictEqual(report.unacceptedBlockers, []);
        assert.ok(!report.findings.some((f) => f.id === "pool-less-legacy-node"));
        const k = report.findings.find((f) => f.id === "karpenter");
        assert.deepStrictEqual([k?.severity, k?.objects], ["info", ["kube-system/karpenter", "default", "batch"]]);
        assert.strictEqual(report.forecast.nodes.length, 10, "ng-system's 2 and the NodePools' 8 are drained");
    });

    it("a NodePool left out: a warning naming it, and its nodes are pool-less (unwaivable)", () => {
        const report = runPreflight(input, { ...options, nodePools: ["default"], accept: [{ id: "pool-less-legacy-node", reason: "we know, really" }] });
        const k = report.findings.find((f) => f.id === "karpenter");
        assert.deepStrictEqual([k?.severity, k?.objects], ["warning", ["batch"]]);
        const poolLess = report.findings.filter((f) => f.id === "pool-less-legacy-node");
        assert.deepStrictEqual(poolLess.map((f) => f.objects.length), [4]);
        assert.match(poolLess[0].message, /^4 legacy node\(s\) of NodePool batch are in no configured legacy pool/);
        assert.match(poolLess[0].remedy, /^Add the NodePool to `existingCluster.nodePools`/);
        assert.ok(report.unacceptedBlockers.some((f) => f.id === "pool-less-legacy-node"));
    });

    it("karpenter-static-capacity cannot be accepted; karpenter-expiry counts from the NodeClaim's own expireAfter", () => {
        const fixed = structuredClone(input);
        (fixed.nodepools?.items[0] as Obj).spec.replicas = 2;
        const report = runPreflight(fixed, { ...options, accept: [{ id: "karpenter-static-capacity", reason: "we know, really" }] });
        assert.deepStrictEqual(report.unacceptedBlockers.map((f) => [f.id, f.objects]), [["karpenter-static-capacity", ["default"]]]);
        const expiring = structuredClone(input);
        const claim = expiring.nodeclaims?.items[4] as Obj;
        claim.spec.expireAfter = "24h";
        claim.metadata.creationTimestamp = new Date(Date.now() - 3_600_000).toISOString();
        assert.deepStrictEqual(runPreflight(expiring, options).findings.find((f) => f.id === "karpenter-expiry")?.objects, ["batch-7e648 (NodePool batch)"]);
        claim.spec.expireAfter = "720h";
        assert.ok(!runPreflight(expiring, options).findings.some((f) => f.id === "karpenter-expiry"));
    });

    it("karpenter-pod-density is quiet where the EC2NodeClass sets kubelet.maxPods", () => {
        const set = structuredClone(input);
        (set.ec2nodeclasses?.items[0] as Obj).spec.kubelet = { maxPods: 58 };
        assert.ok(!runPreflight(set, options).findings.some((f) => f.id === "karpenter-pod-density"));
        assert.ok(runPreflight(input, options).findings.some((f) => f.id === "karpenter-pod-density"));
    });
});

describe("karpenter: the live look-up (a stand-in API server, the real client)", () => {
    const kubeconfigs = new Kubeconfigs();
    after(() => kubeconfigs.removeAll());
    const cluster = { name: "karpenter-east", endpoint: "", certificateAuthority: "" };
    const objects = readKarpenterSnapshot(KARPENTER_EXAMPLE);
    const NO_WAIT = { attempts: 2, baseDelayMs: 1, maxDelayMs: 1, sleep: async () => undefined };

    it("lists the three kinds, page by page; a kind whose CRD is not installed (404) is none", async () => {
        const seen: string[] = [];
        const { server, url } = await apiServer({
            "/apis/karpenter.sh/v1/nodepools": objects.nodePools ?? [], "/apis/karpenter.sh/v1/nodeclaims": objects.nodeClaims ?? [],
        }, {}, seen);
        try {
            const file = kubeconfigs.for(url);
            const found = await liveKarpenter(() => fs.readFileSync(file, "utf8"), NO_WAIT)(cluster, true);
            assert.deepStrictEqual(found, { nodePools: objects.nodePools, nodeClaims: objects.nodeClaims, ec2NodeClasses: [] });
            assert.ok(seen.includes("GET /apis/karpenter.k8s.aws/v1/ec2nodeclasses?limit=500"), seen.join("\n"));
        } finally {
            server.close();
        }
    });

    it("a refused read stops the program naming the kinds and the access needed — never 'no NodePools'", async () => {
        const { server, url } = await apiServer({ "/apis/karpenter.sh/v1/nodepools": [] }, { forbid: "/apis/karpenter.sh/v1/nodepools" }, []);
        try {
            const file = kubeconfigs.for(url);
            await assert.rejects(liveKarpenter(() => fs.readFileSync(file, "utf8"), NO_WAIT)(cluster, false), (err: Error) => {
                assert.match(err.message, /^the Karpenter look-up of cluster karpenter-east failed: list nodepools\.karpenter\.sh: not allowed \(403 Forbidden\)/);
                assert.match(err.message, /get\/list on nodepools\.karpenter\.sh, nodeclaims\.karpenter\.sh, ec2nodeclasses\.karpenter\.k8s\.aws/);
                return true;
            });
        } finally {
            server.close();
        }
    });

    it("the program's own kubeconfig for the cluster authenticates as the gates do (aws eks get-token)", () => {
        const kc = JSON.parse(kubeconfigFor({ name: "karpenter-east", endpoint: "https://x.eks.amazonaws.com", certificateAuthority: "Q0E=", region: "us-east-2" }));
        assert.deepStrictEqual(kc.users[0].user.exec.args, ["eks", "get-token", "--cluster-name", "karpenter-east", "--region", "us-east-2"]);
        assert.deepStrictEqual(kc.clusters[0].cluster, { server: "https://x.eks.amazonaws.com", "certificate-authority-data": "Q0E=" });
    });
});
