// Every config error, with its exact message; and that a bad config stops the program before any resource.
import * as assert from "assert";
import { ConfigError, RawConfig, parseConfig } from "../stacks/config";
import { evaluate } from "../plan/evaluate";
import { RecordingMocks } from "../plan/mockRuntime";
import { stackConfig } from "./mocks";

const raw = (extra: Record<string, unknown>): RawConfig => {
    const out: RawConfig = { phase: "0" };
    for (const [k, v] of Object.entries(extra)) out[k] = v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);
    return out;
};

function errorOf(extra: Record<string, unknown>, unknownKeys: string[] = []): string {
    try {
        parseConfig(raw(extra), unknownKeys);
    } catch (err) {
        assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${err}`);
        return (err as Error).message;
    }
    assert.fail("the config was accepted");
}

describe("config", () => {
    it("defaults every key but phase", () => {
        const c = parseConfig({ phase: "3" });
        assert.strictEqual(c.phase, 3);
        assert.strictEqual(c.clusterName, "cilium-migration");
        assert.strictEqual(c.kubernetesVersion, "1.33");
        assert.deepStrictEqual(c.vpc, { kind: "new", cidrBlock: "10.0.0.0/16", availabilityZoneCount: 3 });
        assert.deepStrictEqual(c.legacyNodeGroup, { name: "ng-1", instanceTypes: ["m6i.large"], desiredSize: 3, minSize: 3, maxSize: 6 });
        assert.deepStrictEqual(c.ciliumNodeGroup, { name: "ng-cilium", instanceTypes: ["m6i.large"], desiredSize: 3, minSize: 3, maxSize: 6, startupTaintEffect: "NoExecute" });
        assert.deepStrictEqual(c.nodeLabels, { key: "cni", legacyValue: "aws-cni", ciliumValue: "cilium" });
        assert.deepStrictEqual(c.cilium, { chartVersion: "1.19.6", values: {}, operatorIdentity: "irsa", policyDuringMigration: "default", portmapChaining: false });
        assert.deepStrictEqual(c.preflight, { accept: [] });
        assert.strictEqual(c.existingCluster, undefined, "no existing cluster: the demo cluster is created");
        assert.deepStrictEqual(c.goldpinger, { enabled: true, image: "bloomberg/goldpinger:3.10.2", egressTargets: [] });
        assert.deepStrictEqual(parseConfig({ phase: "3", goldpinger: JSON.stringify({ egressTargets: [] }) }).goldpinger.egressTargets, [], "the default written out is accepted");
        assert.deepStrictEqual(c.drain, { timeout: "10m", deleteEmptyDirData: false, batchSize: 1 });
        assert.deepStrictEqual(c.gate, { timeout: "15m" });
        assert.strictEqual(c.allowPhaseSkip, false);
        assert.strictEqual(c.allowUnsafeRollback, false);
    });

    it("keeps a configured 0 and false (?? not ||)", () => {
        const c = parseConfig(raw({ phase: "0", legacyNodeGroup: { minSize: 0 }, goldpinger: { enabled: false } }));
        assert.strictEqual(c.legacyNodeGroup.minSize, 0);
        assert.strictEqual(c.goldpinger.enabled, false);
    });

    const cases: [string, Record<string, unknown>, string][] = [
        ["missing phase", { phase: undefined }, "`phase` is not set; it is required: a whole number from 0 to 9 (`pulumi config set phase 0`)."],
        ["phase out of range", { phase: "10" }, "`phase` is 10; it must be a whole number from 0 to 9."],
        ["a policy mode Cilium has but the migration does not offer", { cilium: { policyDuringMigration: "always" } }, "`cilium.policyDuringMigration` is \"always\"; allowed: \"default\", \"never\"."],
        ["portmap chaining not a boolean", { cilium: { portmapChaining: "yes" } }, "`cilium.portmapChaining` is \"yes\"; it must be true or false."],
        ["an accepted blocker that is no finding id", { preflight: { accept: [{ id: "ipv6", reason: "a rehearsal cluster" }] } }, "`preflight.accept[0].id` is \"ipv6\"; it must be a preflight finding id: ipv6-cluster, security-groups-for-pods, cilium-already-installed, pool-less-legacy-node, cilium-label-not-twin, pool-without-nodes, aws-node-set-outside-addon, fargate, hybrid-or-auto-nodes, windows-nodes, custom-networking, prefix-delegation, snat-mode-change, host-port, network-policy, calico-policy-engine, calico-policies, calico-unconvertible, node-local-dns, cluster-autoscaler, karpenter, karpenter-expiry, karpenter-static-capacity, karpenter-pod-density, asg-launch-configuration, asg-instance-tag, node-auto-repair, pdb-blocks-drain, unmanaged-pod, emptydir-data, single-replica, zonal-volume, legacy-only-scheduling, subnet-capacity, cidr-peer-in-cluster, cni-plugin-chain, service-mesh-socket-lb."],
        ["an unwaivable blocker accepted", { preflight: { accept: [{ id: "pool-less-legacy-node", reason: "those nodes go away soon" }] } }, "`preflight.accept[0].id` is \"pool-less-legacy-node\", an unwaivable blocker: it cannot be accepted; remove its cause (npm run preflight names the nodes)."],
        ["an accepted blocker without a reason", { preflight: { accept: [{ id: "ipv6-cluster" }] } }, "`preflight.accept[0].reason` is undefined; say why the blocker is accepted (at least 10 characters): it is shown with the finding."],
        ["preflight.accept not a list", { preflight: { accept: "ipv6-cluster" } }, "`preflight.accept` is \"ipv6-cluster\"; it must be a list of {id, reason}."],
        ["phase not a number", { phase: "three" }, "`phase` is \"three\"; it must be a number."],
        ["phase fractional", { phase: "2.5" }, "`phase` is 2.5; it must be a whole number from 0 to 9."],
        ["cluster name", { clusterName: "-bad" }, "`clusterName` is \"-bad\"; it must be 1–32 lowercase letters, digits or '-', starting and ending with a letter or digit: it is also Cilium's `cluster.name`, which allows no more (EKS alone would allow 100 characters, upper case and '_')."],
        ["cluster name EKS allows but Cilium refuses (upper case, '_')", { clusterName: "Prod_EU" }, "`clusterName` is \"Prod_EU\"; it must be 1–32 lowercase letters, digits or '-', starting and ending with a letter or digit: it is also Cilium's `cluster.name`, which allows no more (EKS alone would allow 100 characters, upper case and '_')."],
        ["cluster name over 32 characters", { clusterName: "a".repeat(33) }, `\`clusterName\` is "${"a".repeat(33)}"; it must be 1–32 lowercase letters, digits or '-', starting and ending with a letter or digit: it is also Cilium's \`cluster.name\`, which allows no more (EKS alone would allow 100 characters, upper case and '_').`],
        ["kubernetes version", { kubernetesVersion: "1.33.2" }, "`kubernetesVersion` is \"1.33.2\"; it must be an EKS minor version such as \"1.33\"."],
        ["vpc not an object", { vpc: "[1]" }, "`vpc` is [1]; it must be an object."],
        ["vpc JSON", { vpc: "{oops" }, "`vpc` is \"{oops\"; it must be an object."],
        ["vpc cidr", { vpc: { cidrBlock: "10.0.0.0/8" } }, "`vpc.cidrBlock` is \"10.0.0.0/8\"; it must be an IPv4 CIDR from /16 to /24, such as \"10.0.0.0/16\"."],
        ["vpc az count", { vpc: { availabilityZoneCount: 1 } }, "`vpc.availabilityZoneCount` is 1; it must be a whole number from 2 to 6."],
        ["vpc id", { vpc: { vpcId: "vpc-xyz", privateSubnetIds: ["subnet-0123456789abcdef0"], publicSubnetIds: ["subnet-0123456789abcdef1"] } },
            "`vpc.vpcId` is \"vpc-xyz\"; it must be a VPC id such as \"vpc-0123456789abcdef0\"."],
        ["vpc subnets", { vpc: { vpcId: "vpc-0123456789abcdef0", privateSubnetIds: [], publicSubnetIds: ["subnet-0123456789abcdef1"] } },
            "`vpc.privateSubnetIds` is []; it must be a non-empty list of subnet ids."],
        ["vpc unknown key", { vpc: { cidr: "10.0.0.0/16" } }, "`vpc.cidr` is not a known key; known keys of `vpc`: cidrBlock, availabilityZoneCount, vpcId."],
        ["node group sizes", { legacyNodeGroup: { desiredSize: 2, minSize: 3 } }, "`legacyNodeGroup` sizes are min 3, desired 2, max 6; they must satisfy min ≤ desired ≤ max."],
        ["node group desired 0", { ciliumNodeGroup: { desiredSize: 0 } }, "`ciliumNodeGroup.desiredSize` is 0; it must be a whole number from 1 to 1000."],
        ["instance types", { ciliumNodeGroup: { instanceTypes: "m6i.large" } }, "`ciliumNodeGroup.instanceTypes` is \"m6i.large\"; it must be a non-empty list of EC2 instance types such as \"m6i.large\"."],
        ["node group typo", { legacyNodeGroup: { desiredSzie: 3 } }, "`legacyNodeGroup.desiredSzie` is not a known key; known keys of `legacyNodeGroup`: name, instanceTypes, desiredSize, minSize, maxSize."],
        ["same pool names", { ciliumNodeGroup: { name: "ng-1" } }, "`ciliumNodeGroup.name` is \"ng-1\", the same as `legacyNodeGroup.name`; the two pools need different names."],
        ["taint effect", { ciliumNodeGroup: { startupTaintEffect: "PreferNoSchedule" } }, "`ciliumNodeGroup.startupTaintEffect` is \"PreferNoSchedule\"; allowed: \"NoExecute\", \"NoSchedule\"."],
        ["label value", { nodeLabels: { legacyValue: "aws cni" } }, "`nodeLabels.legacyValue` is \"aws cni\"; it must be a Kubernetes label name or value (1–63 letters, digits, '-', '_' or '.')."],
        ["same labels", { nodeLabels: { ciliumValue: "aws-cni" } }, "`nodeLabels.ciliumValue` is \"aws-cni\", the same as `nodeLabels.legacyValue`; the pools must be told apart."],
        ["chart version", { cilium: { chartVersion: "1.14.0" } }, "`cilium.chartVersion` is \"1.14.0\"; it must be an exact version of a supported Cilium chart line, 1.18.x, 1.19.x or 1.20.x, such as \"1.19.6\" (each line's chart is checked: values, per-node workloads)."],
        ["chart version not checked", { cilium: { chartVersion: "1.21.0" } }, "`cilium.chartVersion` is \"1.21.0\"; it must be an exact version of a supported Cilium chart line, 1.18.x, 1.19.x or 1.20.x, such as \"1.19.6\" (each line's chart is checked: values, per-node workloads)."],
        ["chart values", { cilium: { values: [] } }, "`cilium.values` is []; it must be an object of Helm values."],
        ["goldpinger latest", { goldpinger: { image: "bloomberg/goldpinger:latest" } }, "`goldpinger.image` is \"bloomberg/goldpinger:latest\"; it must be a pinned image reference with a tag or digest, such as \"bloomberg/goldpinger:3.10.2\" (never :latest)."],
        ["goldpinger enabled", { goldpinger: { enabled: "yes" } }, "`goldpinger.enabled` is \"yes\"; it must be true or false."],
        ["goldpinger egress target", { goldpinger: { egressTargets: ["ftp://example.com"] } }, "`goldpinger.egressTargets` is [\"ftp://example.com\"]; it must be a non-empty list of https://… URLs (an HTTP 200 is success) or host:port TCP targets outside the cluster, such as \"https://aws.amazon.com\" or \"sts.amazonaws.com:443\"."],
        ["drain timeout", { drain: { timeout: "10 minutes" } }, "`drain.timeout` is \"10 minutes\"; it must be a duration such as \"10m\" or \"1h30m\"."],
        ["drain batch", { drain: { batchSize: 0 } }, "`drain.batchSize` is 0; it must be a whole number from 1 to 50."],
        ["gate timeout", { gate: { timeout: "soon" } }, "`gate.timeout` is \"soon\"; it must be a duration such as \"15m\"."],
        ["allowPhaseSkip", { allowPhaseSkip: "\"yes\"" }, "`allowPhaseSkip` is \"yes\"; it must be true or false."],
        ["cilium timeout", { cilium: { timeout: "an hour" } }, "`cilium.timeout` is \"an hour\"; it must be a duration such as \"45m\" or \"1h30m\" (leave it unset to size it from the Cilium pool)."],
        ["cluster admins not a list", { clusterAdmins: { role: "ci" } }, "`clusterAdmins` is {\"role\":\"ci\"}; it must be a list of IAM role or user ARNs."],
        ["cluster admin not an IAM ARN", { clusterAdmins: ["ci-deployer"] }, "`clusterAdmins[0]` is \"ci-deployer\"; it must be an IAM role or user ARN such as \"arn:aws:iam::123456789012:role/ci-deployer\"."],
        ["cluster admin given as an STS session", { clusterAdmins: ["arn:aws:sts::123456789012:assumed-role/ci-deployer/gha-1234"] },
            "`clusterAdmins[0]` is \"arn:aws:sts::123456789012:assumed-role/ci-deployer/gha-1234\", an STS session; EKS access entries take the role itself, e.g. \"arn:aws:iam::123456789012:role/ci-deployer\"."],
        ["cluster admin listed twice", { clusterAdmins: ["arn:aws:iam::123456789012:role/ci", "arn:aws:iam::123456789012:role/ci"] },
            "`clusterAdmins` lists \"arn:aws:iam::123456789012:role/ci\" more than once; EKS has one access entry per principal."],
    ];
    for (const [what, extra, message] of cases) {
        it(`refuses ${what}`, () => assert.strictEqual(errorOf(extra), message));
    }

    it("refuses unknown keys of the namespace", () => {
        assert.strictEqual(errorOf({}, ["phsae"]),
            "`phsae` is not a known config key of eks-cilium-migration; known keys: phase, existingCluster, clusterName, kubernetesVersion, vpc, legacyNodeGroup, ciliumNodeGroup, nodeLabels, cilium, goldpinger, drain, gate, preflight, clusterAdmins, allowPhaseSkip, allowUnsafeRollback, karpenter, calico.");
    });

    it("reports every problem at once", () => {
        const message = errorOf({ phase: "12", drain: { batchSize: 0 } });
        assert.strictEqual(message, "invalid stack config:\n- `phase` is 12; it must be a whole number from 0 to 9.\n- `drain.batchSize` is 0; it must be a whole number from 1 to 50.");
    });

    it("stops the program before any resource is registered", async () => {
        const mocks = new RecordingMocks();
        await assert.rejects(evaluate({ config: stackConfig(0, { drain: { batchSize: 99 } }), mocks }), /`drain.batchSize` is 99/);
        assert.deepStrictEqual(mocks.resources, []);
    });
});
