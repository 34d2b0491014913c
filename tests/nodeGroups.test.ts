// Node pools per phase: labels, the Cilium startup taint, scaling, and the legacy pool's retirement.
import * as assert from "assert";
import { find, runPhase } from "./mocks";

const MNG = "eks:index:ManagedNodeGroup";

describe("node pools", () => {
    it("ng-1 is labelled cni=aws-cni at its configured size through phase 6; from the cordon (4) new nodes come up tainted", async () => {
        for (const phase of [0, 3, 4, 6]) {
            const ng = find(await runPhase(phase), MNG, "legacy-pool-node-group").inputs;
            assert.strictEqual(ng.nodeGroupName, "ng-1");
            assert.deepStrictEqual(ng.labels, { cni: "aws-cni" });
            assert.deepStrictEqual(ng.taints, phase >= 4 ? [{ key: "eks-cilium-migration/retiring", value: "true", effect: "NO_SCHEDULE" }] : undefined, `phase ${phase}`);
            assert.deepStrictEqual(ng.scalingConfig, { minSize: 3, desiredSize: 3, maxSize: 6 }, `phase ${phase}`);
        }
    });

    it("ng-1 is at zero (min 0, desired 0) from phase 7 and gone from phase 8", async () => {
        const seven = await runPhase(7);
        const ng = find(seven, MNG, "legacy-pool-node-group").inputs;
        assert.deepStrictEqual(ng.scalingConfig, { minSize: 0, desiredSize: 0, maxSize: 6 });
        // EKS terminates the nodes without eviction: a re-check that they hold nothing runs right before.
        const check = find(seven, "command:local:Command", "legacy-pool-scale-down-check");
        assert.match(check.inputs.create as string, /gates\/cli.ts legacy-drained --kubeconfig "\$kubeconfig_file" --legacy-label 'cni=aws-cni'/);
        assert.ok(find(seven, MNG, "legacy-pool-node-group").dependencies.includes("command:local:Command::legacy-pool-scale-down-check"));
        assert.ok(check.dependencies.includes("command:local:Command::aws-node-remove"), "after aws-node's removal");
        assert.ok(check.dependencies.includes("command:local:Command::gate-phase-6-check"), "after the entry gate");
        for (const phase of [8, 9]) {
            const e = await runPhase(phase);
            assert.ok(!e.resources.some((r) => r.name.startsWith("legacy-pool")), `phase ${phase} still declares the legacy pool`);
        }
    });

    it("ng-cilium is born labelled cni=cilium with the agent-not-ready NoExecute taint, empty until phase 3", async () => {
        for (const phase of [0, 1, 2]) {
            const ng = find(await runPhase(phase), MNG, "cilium-pool-node-group").inputs;
            assert.strictEqual(ng.nodeGroupName, "ng-cilium");
            assert.deepStrictEqual(ng.labels, { cni: "cilium" });
            assert.deepStrictEqual(ng.taints, [{ key: "node.cilium.io/agent-not-ready", value: "true", effect: "NO_EXECUTE" }]);
            assert.deepStrictEqual(ng.scalingConfig, { minSize: 0, desiredSize: 0, maxSize: 6 }, `phase ${phase}`);
        }
        for (const phase of [3, 5, 9]) {
            const ng = find(await runPhase(phase), MNG, "cilium-pool-node-group").inputs;
            assert.deepStrictEqual(ng.scalingConfig, { minSize: 3, desiredSize: 3, maxSize: 6 }, `phase ${phase}`);
            assert.strictEqual(ng.taints && (ng.taints as unknown[]).length, 1, "the startup taint stays on the pool for every new node");
        }
    });

    it("the startup taint effect and the labels follow config", async () => {
        const e = await runPhase(0, {
            ciliumNodeGroup: { startupTaintEffect: "NoSchedule" },
            nodeLabels: { key: "network", legacyValue: "vpc-cni", ciliumValue: "ebpf" },
        });
        const cilium = find(e, MNG, "cilium-pool-node-group").inputs;
        assert.deepStrictEqual(cilium.taints, [{ key: "node.cilium.io/agent-not-ready", value: "true", effect: "NO_SCHEDULE" }]);
        assert.deepStrictEqual(cilium.labels, { network: "ebpf" });
        assert.deepStrictEqual(find(e, MNG, "legacy-pool-node-group").inputs.labels, { network: "vpc-cni" });
    });

    it("a pool that may hold nodes is protected; ng-1 loses the protection once at zero, so phase 8 can delete it", async () => {
        for (const phase of [0, 6]) {
            const e = await runPhase(phase);
            assert.strictEqual(find(e, MNG, "legacy-pool-node-group").protect, true, `phase ${phase}`);
            assert.strictEqual(find(e, MNG, "cilium-pool-node-group").protect, true, `phase ${phase}`);
        }
        const seven = await runPhase(7);
        assert.strictEqual(find(seven, MNG, "legacy-pool-node-group").protect, false);
        assert.strictEqual(find(seven, MNG, "cilium-pool-node-group").protect, true);
    });

    it("both pools use the cluster's node role and private subnets", async () => {
        const e = await runPhase(3);
        for (const name of ["legacy-pool-node-group", "cilium-pool-node-group"]) {
            const ng = find(e, MNG, name).inputs;
            assert.strictEqual(ng.nodeRoleArn, "arn:aws:iam::123456789012:role/cluster-node-role");
            assert.deepStrictEqual(ng.subnetIds, ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2", "subnet-0aaaaaaaaaaaaaaa3"]);
            assert.strictEqual(ng.cluster, "[resource eks:index:Cluster::cluster-eks]");
        }
    });
});
