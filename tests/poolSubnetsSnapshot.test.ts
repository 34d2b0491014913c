// `npm run snapshot` (stand-in aws and kubectl, tests/fixtures/standins) describes every legacy pool's subnets in one
// describe-subnets call, made after the files that name them: the Auto Scaling groups' VPCZoneIdentifier and the
// EC2NodeClasses' status.subnets, not only the cluster's and the node groups'.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readPreflightInput } from "../preflight/input";
import { Runner, writeClusterSnapshot } from "../snapshot/writer";
import { Kubeconfigs, apiServer } from "./support/apiServer";
import { FIXTURES, PROJECT_ROOT } from "./support/paths";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const STANDINS = path.join(FIXTURES, "standins");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const answers = require(path.join(STANDINS, "answers.js"));
const ASG_ONLY_SUBNET = "subnet-0aaaaaaaaaaaaaaa1";
const NODECLASS_ONLY_SUBNET = "subnet-0bbbbbbbbbbbbbbb2";

/**
 * AWS: prod-mixed, one of its ASGs also launching into a subnet nothing else names. Kubernetes: the phase-3 cluster plus
 * karpenter-east's NodePools, their EC2NodeClass resolved to one more subnet, and a class no NodePool uses.
 */
function fixture(): { work: string; aws: string; k8s: string; calls: string; run: Runner; classes: Obj } {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "ecm-pool-subnets-"));
    const aws = path.join(work, "aws");
    fs.cpSync(path.join(PROJECT_ROOT, "examples", "prod-mixed"), aws, { recursive: true });
    const asgFile = path.join(aws, "autoscaling-groups.json");
    const asgs = JSON.parse(fs.readFileSync(asgFile, "utf8"));
    asgs.AutoScalingGroups[1].VPCZoneIdentifier = `${asgs.AutoScalingGroups[1].VPCZoneIdentifier},${ASG_ONLY_SUBNET}`;
    fs.writeFileSync(asgFile, JSON.stringify(asgs, null, 4));
    const k8s = path.join(work, "k8s");
    fs.cpSync(path.join(FIXTURES, "snapshots", "phase-3"), k8s, { recursive: true });
    const karpenter = path.join(PROJECT_ROOT, "examples", "karpenter-east");
    fs.copyFileSync(path.join(karpenter, "nodepools.json"), path.join(k8s, "nodepools.json"));
    const classes = JSON.parse(fs.readFileSync(path.join(karpenter, "ec2nodeclasses.json"), "utf8"));
    classes.items[0].status.subnets.push({ id: NODECLASS_ONLY_SUBNET, zone: "us-east-2c", zoneID: "use2-az3" });
    classes.items.push({ ...structuredClone(classes.items[0]), metadata: { name: "unused" } });
    classes.items[1].status.subnets = [{ id: "subnet-0ccccccccccccccc3", zone: "us-east-2a" }];
    fs.writeFileSync(path.join(k8s, "ec2nodeclasses.json"), JSON.stringify(classes, null, 4));
    const calls = path.join(work, "calls.log");
    fs.writeFileSync(calls, "");
    Object.assign(process.env, { STANDIN_LOG: calls, STANDIN_AWS_DIR: aws, STANDIN_K8S_DIR: k8s });
    const run: Runner = async (command, args, options) => {
        const r = answers[command](args, process.env);
        if (options?.stdoutFile === undefined) return r;
        fs.writeFileSync(options.stdoutFile, r.stdout);
        return { ...r, stdout: "" };
    };
    return { work, aws, k8s, calls, run, classes };
}

describe("subnets.json, and preflight's live read, hold every legacy pool's subnets", function () {
    this.timeout(60000);
    let work: string;
    const saved = { ...process.env };
    afterEach(() => {
        process.env = { ...saved };
        fs.rmSync(work, { recursive: true, force: true });
    });

    it("one describe-subnets of the cluster's, the node groups', the ASGs' and the used EC2NodeClasses' subnets, after the files naming them", async () => {
        const f = fixture();
        work = f.work;
        const { aws, calls, run } = f;
        const out = path.join(work, "out");
        await writeClusterSnapshot({ cluster: "prod-mixed", outDir: out, region: "us-east-2", tempDir: work, log: () => undefined }, run);

        const described = JSON.parse(fs.readFileSync(path.join(out, "subnets.json"), "utf8")).Subnets.map((s: Obj) => s.SubnetId);
        const cluster = JSON.parse(fs.readFileSync(path.join(aws, "cluster.json"), "utf8")).cluster.resourcesVpcConfig.subnetIds as string[];
        assert.deepStrictEqual(described, [...cluster, ASG_ONLY_SUBNET, NODECLASS_ONLY_SUBNET].sort(), "not the unused class's subnet");
        const log = fs.readFileSync(calls, "utf8").trim().split("\n");
        const describes = log.filter((l) => l.startsWith("aws ec2 describe-subnets"));
        assert.strictEqual(describes.length, 1);
        assert.strictEqual(log.indexOf(describes[0]), log.length - 1, "after the ASG file and every kubectl list");
        const nodeClasses = log.findIndex((l) => / get ec2nodeclasses/.test(l));
        assert.ok(nodeClasses >= 0 && nodeClasses < log.indexOf(describes[0]), log.join("\n"));
    });

    it("live preflight (--kubeconfig with --cluster) describes the same union, after the ASGs and the Karpenter objects are read", async () => {
        const f = fixture();
        work = f.work;
        const items = (file: string) => JSON.parse(fs.readFileSync(path.join(f.aws, file), "utf8")).items;
        const kubeconfigs = new Kubeconfigs();
        const { server, url } = await apiServer({
            "/api/v1/nodes": items("nodes.json"), "/api/v1/pods": items("pods.json"), "/apis/apps/v1/daemonsets": items("daemonsets.json"),
            "/apis/apps/v1/deployments": items("deployments.json"), "/apis/apps/v1/statefulsets": items("statefulsets.json"),
            "/api/v1/namespaces/kube-system/configmaps": items("configmaps.json"), "/apis/policy/v1/poddisruptionbudgets": items("poddisruptionbudgets.json"),
            "/apis/networking.k8s.io/v1/networkpolicies": items("networkpolicies.json"), "/api/v1/persistentvolumes": items("persistentvolumes.json"),
            "/api/v1/persistentvolumeclaims": items("persistentvolumeclaims.json"), "/apis/cilium.io/v2/ciliumnetworkpolicies": [],
            "/apis/karpenter.sh/v1/nodepools": JSON.parse(fs.readFileSync(path.join(f.k8s, "nodepools.json"), "utf8")).items,
            "/apis/karpenter.k8s.aws/v1/ec2nodeclasses": f.classes.items,
        }, {}, []);
        try {
            const input = await readPreflightInput({ kind: "live", kubeconfig: kubeconfigs.for(url), cluster: "prod-mixed", region: "us-east-2" }, f.run, () => undefined);
            const cluster = (input.cluster?.resourcesVpcConfig?.subnetIds ?? []) as string[];
            assert.deepStrictEqual((input.subnets ?? []).map((s) => s.SubnetId), [...cluster, ASG_ONLY_SUBNET, NODECLASS_ONLY_SUBNET].sort());
            const log = fs.readFileSync(f.calls, "utf8").trim().split("\n");
            assert.strictEqual(log.filter((l) => l.startsWith("aws ec2 describe-subnets")).length, 1);
            assert.ok(log.findIndex((l) => l.startsWith("aws autoscaling describe-auto-scaling-groups")) < log.findIndex((l) => l.startsWith("aws ec2 describe-subnets")));
            // Pods are slimmed by one slimmer per part: two pods of one ReplicaSet share one label set (clusterReader/slim.ts).
            const pods = (input.pods as { items: { metadata: { labels?: Record<string, string> } }[] }).items;
            const first = pods.find((q) => q.metadata.labels?.["pod-template-hash"] !== undefined)?.metadata.labels;
            const twins = pods.filter((p) => JSON.stringify(p.metadata.labels) === JSON.stringify(first));
            assert.ok(twins.length >= 2 && twins.every((p) => p.metadata.labels === twins[0].metadata.labels), `${twins.length} pods with one label set`);
        } finally {
            server.close();
            assert.deepStrictEqual(kubeconfigs.removeAll(), []);
        }
    });
});
