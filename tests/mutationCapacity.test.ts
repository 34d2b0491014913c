// preflight/capacityChecks.ts pinned where a mutation run (npm run mutate, issue 16) found it loose: the Cluster
// Autoscaler known by its image as well as its name (registry.k8s.io/autoscaling/cluster-autoscaler, as the example's
// Helm release runs it), and subnet-capacity when subnets.json describes none of the pool's subnets or a NodePool's
// EC2NodeClass has not resolved its own.
import * as assert from "assert";
import * as path from "path";
import { defaultNodePools } from "../preflight/karpenterChecks";
import { readPreflightSnapshot, readPreflightSnapshotForChecks } from "../preflight/read";
import { runPreflight } from "../preflight/run";
import { DEFAULT_OPTIONS, Finding, Obj, PreflightInput, PreflightOptions } from "../preflight/types";
import { EXAMPLE_SNAPSHOT } from "./support/existingCluster";
import { PROJECT_ROOT } from "./support/paths";

const BASE = readPreflightSnapshot(EXAMPLE_SNAPSHOT);
const CA_NAME = "cluster-autoscaler-aws-cluster-autoscaler";
const CA_IMAGE = "registry.k8s.io/autoscaling/cluster-autoscaler:v1.31.1";

const deployments = (i: PreflightInput): Obj[] => (i.deployments as { items: Obj[] }).items;
const findingsOf = (input: PreflightInput, id: string, options: PreflightOptions = DEFAULT_OPTIONS): Finding[] =>
    runPreflight(input, options).findings.filter((f) => f.id === id);

/** The example cluster with its autoscaler Deployment renamed and its containers replaced. */
function autoscalerAs(name: string, containers: Obj[]): Finding[] {
    const input = structuredClone(BASE);
    const ca = deployments(input).find((d) => d.metadata.name === CA_NAME) as Obj;
    ca.metadata.name = name;
    ca.spec.template.spec.containers = containers;
    return findingsOf(input, "cluster-autoscaler");
}

describe("cluster-autoscaler: known by its name or its image", () => {
    it("the example's Helm release, by name: a phase-4 warning naming the Deployment", () => {
        const [f, ...more] = findingsOf(BASE, "cluster-autoscaler");
        assert.deepStrictEqual(more, []);
        assert.strictEqual(f.severity, "warning");
        assert.strictEqual(f.phase, 4);
        assert.deepStrictEqual(f.objects, [`kube-system/${CA_NAME}`]);
        assert.strictEqual(f.message, `the Cluster Autoscaler runs (kube-system/${CA_NAME}): it can scale the legacy groups back up with uncordoned nodes while they are being emptied.`);
    });

    it("under another name, by its image: tagged, by digest, untagged, or beside a sidecar", () => {
        const sidecar = { name: "metrics", image: "quay.io/prometheus/node-exporter:v1.8.2" };
        for (const image of [CA_IMAGE, "registry.k8s.io/autoscaling/cluster-autoscaler@sha256:" + "a".repeat(64), "registry.k8s.io/autoscaling/cluster-autoscaler"]) {
            assert.deepStrictEqual(autoscalerAs("scaler", [{ name: "ca", image }]).map((f) => f.objects), [["kube-system/scaler"]], image);
        }
        assert.deepStrictEqual(autoscalerAs("scaler", [sidecar, { name: "ca", image: CA_IMAGE }]).map((f) => f.objects), [["kube-system/scaler"]]);
    });

    it("another image whose name only begins so, or no autoscaler at all: nothing", () => {
        assert.deepStrictEqual(autoscalerAs("scaler", [{ name: "op", image: "example.com/cluster-autoscaler-operator:v1.0.0" }]), []);
        assert.deepStrictEqual(autoscalerAs("scaler", [{ name: "web", image: "111122223333.dkr.ecr.us-east-2.amazonaws.com/shop/web:2025.11.3" }]), []);
    });
});

describe("subnet-capacity: what it counts when subnets.json falls short", () => {
    const example = (name: string): PreflightInput => readPreflightSnapshotForChecks(path.join(PROJECT_ROOT, "examples", name));

    it("no subnet of the pool described: the gap alone, every twin's subnets named, no shortage judged from nothing", () => {
        const input = structuredClone(BASE);
        input.subnets = [];
        const [gap, ...more] = findingsOf(input, "subnet-capacity");
        assert.deepStrictEqual(more, []);
        assert.deepStrictEqual(gap.objects, [
            "node group ng-general: subnet-0a1f2e3d4c5b6a701, subnet-0b2e3d4c5b6a70812, subnet-0c3d4c5b6a7081923 (named in nodegroups.json)",
            "node group ng-batch: subnet-0a1f2e3d4c5b6a701, subnet-0b2e3d4c5b6a70812 (named in nodegroups.json)",
        ]);
        assert.strictEqual(gap.remedy, "Take a new snapshot with npm run snapshot (it describes every legacy pool's subnets: node groups, Auto Scaling groups, " +
            "EC2NodeClasses); a NodePool's EC2NodeClass needs `status.subnets`, which Karpenter writes once it has resolved `subnetSelectorTerms`.");
    });

    it("a NodePool whose EC2NodeClass has no status.subnets serves no subnet: the short subnets name the node group's twin only", () => {
        const input = example("karpenter-east");
        const options = { ...DEFAULT_OPTIONS, nodePools: defaultNodePools(input) };
        delete (input.ec2nodeclasses?.items[0] as Obj).status;
        for (const s of input.subnets ?? []) s.AvailableIpAddressCount = 0;
        const [gap, short, ...more] = findingsOf(input, "subnet-capacity", options);
        assert.deepStrictEqual(more, []);
        assert.match(gap.message, /^subnets\.json does not describe/);
        assert.match(short.message, /^the Cilium pool's subnets have 0 free address\(es\); moving \d+ pod\(s\) onto \d+ new node\(s\) needs about \d+ /);
        assert.ok(short.objects.length > 0);
        for (const line of short.objects) assert.match(line, /^subnet-\w+ \(us-east-2[abc]\): 0 free, for the twin\(s\) of node group ng-system$/);
    });
});
