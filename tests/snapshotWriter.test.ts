// `npm run snapshot` against stand-in `aws` and `kubectl` executables (tests/fixtures/standins) that answer as the
// real ones print and fail: the directory it writes is what the planner and the gates read, a CRD that is not
// installed is an empty list, and a wrong cluster, kubeconfig or output directory stops it, named.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AwsSnapshot } from "../plan/awsSnapshot";
import { readSnapshot } from "../clusterReader/snapshot";
import { main, spawnRunner } from "../snapshot/cli";
import { Runner } from "../snapshot/writer";
import { EXAMPLE_SNAPSHOT } from "./support/existingCluster";
import { FIXTURES } from "./support/paths";

const STANDINS = path.join(FIXTURES, "standins");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const answers = require(path.join(STANDINS, "answers.js"));
/** The stand-ins' answers without a process per call (the executables run them too; one test spawns those). */
const inProcess: Runner = async (command, args, options) => {
    const r = answers[command](args, process.env);
    if (options?.stdoutFile === undefined) return r;
    fs.writeFileSync(options.stdoutFile, r.stdout);
    return { ...r, stdout: "" };
};
const K8S = path.join(FIXTURES, "snapshots", "phase-3");

describe("npm run snapshot (stand-in aws and kubectl)", function () {
    this.timeout(60000);
    let work: string;
    let log: string;
    const saved = { ...process.env };

    beforeEach(() => {
        work = fs.mkdtempSync(path.join(os.tmpdir(), "ecm-snapshot-writer-"));
        log = path.join(work, "calls.log");
        fs.writeFileSync(log, "");
        Object.assign(process.env, { PATH: `${STANDINS}:${saved.PATH}`, STANDIN_LOG: log, STANDIN_AWS_DIR: EXAMPLE_SNAPSHOT, STANDIN_K8S_DIR: K8S });
    });
    afterEach(() => {
        process.env = { ...saved };
        fs.rmSync(work, { recursive: true, force: true });
    });

    async function snapshot(argv: string[], run: Runner = inProcess) {
        let stdout = "";
        let stderr = "";
        const code = await main(argv, (s) => { stdout += `${s}\n`; }, (s) => { stderr += `${s}\n`; }, run);
        return { code, stdout, stderr, calls: fs.readFileSync(log, "utf8").trim().split("\n") };
    }

    it("writes every file of the format: the AWS CLI's output unchanged, node groups and add-ons collected, kubectl's lists", async () => {
        const out = path.join(work, "prod-east");
        const r = await snapshot(["--cluster", "prod-east", "--out", out, "--region", "us-east-2"]);
        assert.strictEqual(r.code, 0, r.stderr);
        assert.strictEqual(fs.readFileSync(path.join(out, "cluster.json"), "utf8"), fs.readFileSync(path.join(EXAMPLE_SNAPSHOT, "cluster.json"), "utf8"));
        for (const f of ["nodegroups.json", "addons.json", "oidc-providers.json", "access-entries.json"]) {
            assert.deepStrictEqual(JSON.parse(fs.readFileSync(path.join(out, f), "utf8")), JSON.parse(fs.readFileSync(path.join(EXAMPLE_SNAPSHOT, f), "utf8")), f);
        }
        const subnets = JSON.parse(fs.readFileSync(path.join(out, "subnets.json"), "utf8")).Subnets.map((s: { SubnetId: string }) => s.SubnetId);
        assert.strictEqual(subnets.length, 6, "the cluster's and the node groups' subnets, each once");
        assert.deepStrictEqual(fs.readdirSync(out).sort(), [
            "access-entries.json", "addons.json", "autoscaling-groups.json", "calico-globalnetworkpolicies.json", "calico-globalnetworksets.json",
            "calico-hostendpoints.json", "calico-installations.json", "calico-networkpolicies.json", "calico-networksets.json", "calico-tiers.json",
            "ciliumendpoints.json", "ciliumnetworkpolicies.json", "cluster.json", "configmaps.json", "daemonsets.json", "deployments.json",
            "ec2nodeclasses.json", "eniconfigs.json", "goldpinger.json", "launch-template-versions.json", "networkpolicies.json", "nodeclaims.json",
            "nodegroups.json", "nodepools.json", "nodes.json", "oidc-providers.json", "persistentvolumeclaims.json", "persistentvolumes.json",
            "poddisruptionbudgets.json", "pods.json", "securitygrouppolicies.json", "statefulsets.json", "subnets.json",
        ]);
        // A cluster without self-managed node groups: both ASG files written, empty.
        assert.deepStrictEqual(JSON.parse(fs.readFileSync(path.join(out, "autoscaling-groups.json"), "utf8")), { AutoScalingGroups: [] });
        assert.deepStrictEqual(JSON.parse(fs.readFileSync(path.join(out, "launch-template-versions.json"), "utf8")), { LaunchTemplateVersions: [] });
        assert.ok(r.calls.includes("aws autoscaling describe-auto-scaling-groups --filters Name=tag-key,Values=kubernetes.io/cluster/prod-east --region us-east-2 --output json"), r.calls.join("\n"));
        // A CRD that is not installed: an empty list, not a missing file (Calico's: after asking both of its API groups).
        for (const f of ["eniconfigs.json", "calico-globalnetworkpolicies.json", "calico-installations.json"]) {
            assert.deepStrictEqual(JSON.parse(fs.readFileSync(path.join(out, f), "utf8")), { apiVersion: "v1", kind: "List", items: [] }, f);
        }
        assert.ok(r.calls.some((c) => / get globalnetworkpolicies\.projectcalico\.org -o json$/.test(c)) && r.calls.some((c) => / get globalnetworkpolicies\.crd\.projectcalico\.org -o json$/.test(c)));
        // Karpenter's three kinds alike when its CRDs are not installed (design.md, "Karpenter NodePools").
        for (const f of ["nodepools.json", "nodeclaims.json", "ec2nodeclasses.json"]) {
            assert.deepStrictEqual(JSON.parse(fs.readFileSync(path.join(out, f), "utf8")), { apiVersion: "v1", kind: "List", items: [] }, f);
        }
        assert.ok(r.calls.every((c) => !/ (create|update|delete|put|tag|associate)-/.test(c) || c.startsWith("aws eks update-kubeconfig")), "reads only");
        assert.ok(r.calls.filter((c) => c.startsWith("aws ") && !c.includes("update-kubeconfig")).every((c) => c.includes("--region us-east-2")));
        assert.match(r.stdout, /review them before you share the directory/);
        // What it wrote is what the readers read.
        const answer = new AwsSnapshot(out).answer("aws:eks/getNodeGroup:getNodeGroup", { clusterName: "prod-east", nodeGroupName: "ng-batch" }) as { launchTemplates: unknown[] };
        assert.deepStrictEqual(answer.launchTemplates, [{ id: "lt-0f3c9a2b7d1e5c846", name: "prod-east-batch", version: "4" }]);
        const k8s = readSnapshot(out, ["nodes", "pods", "daemonsets", "deployments", "ciliumendpoints", "configmaps", "goldpinger"]);
        assert.deepStrictEqual(k8s.nodes, JSON.parse(fs.readFileSync(path.join(K8S, "nodes.json"), "utf8")));
    });

    it("asks kubectl for aws-node's managedFields (and no one else's): they show settings made outside the vpc-cni add-on", async () => {
        const k8s = path.join(work, "k8s");
        fs.mkdirSync(k8s);
        for (const f of fs.readdirSync(K8S)) fs.copyFileSync(path.join(K8S, f), path.join(k8s, f));
        const withFields = JSON.parse(fs.readFileSync(path.join(EXAMPLE_SNAPSHOT, "daemonsets.json"), "utf8"));
        for (const d of withFields.items) d.metadata.managedFields ??= [{ manager: "kube-controller-manager", operation: "Update", fieldsType: "FieldsV1", fieldsV1: {} }];
        fs.writeFileSync(path.join(k8s, "daemonsets.json"), JSON.stringify(withFields));
        process.env.STANDIN_K8S_DIR = k8s;
        const out = path.join(work, "out");
        const r = await snapshot(["--cluster", "prod-east", "--out", out]);
        assert.strictEqual(r.code, 0, r.stderr);
        assert.ok(r.calls.some((c) => / get daemonset aws-node -n kube-system -o json --show-managed-fields$/.test(c)), r.calls.join("\n"));
        const written = JSON.parse(fs.readFileSync(path.join(out, "daemonsets.json"), "utf8")).items;
        const awsNode = written.find((d: { metadata: { name: string } }) => d.metadata.name === "aws-node");
        assert.ok(awsNode.metadata.managedFields.some((m: { manager: string }) => m.manager === "eks"), "aws-node's, with EKS's own entry");
        assert.ok(written.filter((d: { metadata: { name: string } }) => d.metadata.name !== "aws-node").every((d: { metadata: object }) => !("managedFields" in d.metadata)));
    });

    it("reads Calico's v3 API where the cluster serves it, else its storage-form CRDs (crd.projectcalico.org)", async () => {
        const k8s = path.join(work, "k8s");
        fs.mkdirSync(k8s);
        for (const f of fs.readdirSync(K8S)) fs.copyFileSync(path.join(K8S, f), path.join(k8s, f));
        const stored = { apiVersion: "crd.projectcalico.org/v1", kind: "GlobalNetworkPolicyList", items: [{ apiVersion: "crd.projectcalico.org/v1", kind: "GlobalNetworkPolicy",
            metadata: { name: "default.allow-dns" }, spec: { tier: "default", selector: "all()", egress: [{ action: "Allow", protocol: "UDP", destination: { ports: [53] } }] } }] };
        fs.writeFileSync(path.join(k8s, "calico-globalnetworkpolicies.json"), JSON.stringify(stored));
        process.env.STANDIN_K8S_DIR = k8s;
        for (const group of ["crd.projectcalico.org", "projectcalico.org"]) {
            process.env.STANDIN_CALICO_GROUP = group;
            fs.writeFileSync(process.env.STANDIN_LOG!, "");
            const out = path.join(work, group);
            const r = await snapshot(["--cluster", "prod-east", "--out", out]);
            delete process.env.STANDIN_CALICO_GROUP;
            assert.strictEqual(r.code, 0, r.stderr);
            assert.deepStrictEqual(JSON.parse(fs.readFileSync(path.join(out, "calico-globalnetworkpolicies.json"), "utf8")), stored, group);
            const asked = r.calls.filter((c) => / get globalnetworkpolicies\./.test(c)).map((c) => c.split(" get ")[1]);
            assert.deepStrictEqual(asked, group === "projectcalico.org" ? ["globalnetworkpolicies.projectcalico.org -o json"]
                : ["globalnetworkpolicies.projectcalico.org -o json", "globalnetworkpolicies.crd.projectcalico.org -o json"]);
        }
    });

    it("runs each command as a process without a shell: output, stderr and exit code as the CLI prints them", async () => {
        const described = await spawnRunner("aws", ["eks", "describe-cluster", "--name", "prod-east", "--output", "json"]);
        assert.deepStrictEqual([described.code, described.stdout], [0, fs.readFileSync(path.join(EXAMPLE_SNAPSHOT, "cluster.json"), "utf8")]);
        const missing = await spawnRunner("aws", ["eks", "describe-cluster", "--name", "prod-west; touch /tmp/x"]);
        assert.strictEqual(missing.code, 254);
        assert.match(missing.stderr, /No cluster found for name: prod-west; touch \/tmp\/x\./, "arguments reach the command as they are");
        const absent = await spawnRunner("no-such-command-here", []);
        assert.strictEqual(absent.code, 127);
        assert.match(absent.stderr, /no-such-command-here: spawn no-such-command-here ENOENT/);
    });

    it("makes its own kubeconfig for the cluster when none is given, and removes it", async () => {
        const r = await snapshot(["--cluster", "prod-east", "--out", path.join(work, "out")]);
        assert.strictEqual(r.code, 0, r.stderr);
        const made = r.calls.find((c) => c.startsWith("aws eks update-kubeconfig")) as string;
        const file = made.split(" --kubeconfig ")[1].split(" ")[0];
        assert.ok(r.calls.some((c) => c.startsWith(`kubectl --kubeconfig ${file} get nodes`)));
        assert.ok(!fs.existsSync(path.dirname(file)), "the temporary kubeconfig is gone");
    });

    it("refuses a kubeconfig that points at another cluster, a cluster the account does not have, and a non-empty directory", async () => {
        const other = path.join(work, "other.kubeconfig");
        fs.writeFileSync(other, JSON.stringify({ clusters: [{ name: "staging", cluster: { server: "https://ABC.gr7.us-east-2.eks.amazonaws.com" } }] }));
        const wrong = await snapshot(["--cluster", "prod-east", "--out", path.join(work, "a"), "--kubeconfig", other]);
        assert.strictEqual(wrong.code, 2);
        assert.match(wrong.stderr, /points at https:\/\/ABC\.gr7\.us-east-2\.eks\.amazonaws\.com, not at cluster prod-east/);
        assert.ok(!wrong.calls.some((c) => / get (pods|nodes)/.test(c)), "no Kubernetes file read from the wrong cluster");
        const missing = await snapshot(["--cluster", "prod-west", "--out", path.join(work, "b")]);
        assert.strictEqual(missing.code, 2);
        assert.match(missing.stderr, /describing cluster prod-west failed .*ResourceNotFoundException.*No cluster found for name: prod-west/);
        const full = path.join(work, "full");
        fs.mkdirSync(full);
        fs.writeFileSync(path.join(full, "cluster.json"), "{}");
        const notEmpty = await snapshot(["--cluster", "prod-east", "--out", full]);
        assert.strictEqual(notEmpty.code, 2);
        assert.match(notEmpty.stderr, /is not empty/);
        assert.strictEqual((await snapshot(["--cluster", "prod-east"])).code, 2);
    });

    it("leaves goldpinger.json out, saying why, when goldpinger does not answer (before phase 0)", async () => {
        const k8s = path.join(work, "k8s");
        fs.mkdirSync(k8s);
        for (const f of ["nodes.json", "pods.json"]) fs.copyFileSync(path.join(K8S, f), path.join(k8s, f));
        process.env.STANDIN_K8S_DIR = k8s;
        const out = path.join(work, "out");
        const r = await snapshot(["--cluster", "prod-east", "--out", out]);
        assert.strictEqual(r.code, 0, r.stderr);
        assert.ok(!fs.existsSync(path.join(out, "goldpinger.json")));
        assert.match(r.stdout, /goldpinger\.json not written: goldpinger did not answer \(Error from server \(NotFound\)/);
        assert.deepStrictEqual(JSON.parse(fs.readFileSync(path.join(out, "ciliumendpoints.json"), "utf8")).items, []);
    });
});
