// An existing cluster through all ten phases, from the example snapshot (examples/prod-east, shaped exactly like the
// AWS CLI's output) and Pulumi.existing.yaml: nothing that exists is declared again, what is adopted is adopted as EKS
// describes it, the add-on's own settings survive, and legacy node groups are never deleted unless asked.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { Evaluation } from "../plan/evaluate";
import { EXAMPLE_SNAPSHOT, Json, removeSnapshotCopies, runExisting } from "./support/existingCluster";
import { find } from "./mocks";

const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const ADDON = "aws:eks/addon:Addon";
const snapshotFile = (name: string): Json => JSON.parse(fs.readFileSync(path.join(EXAMPLE_SNAPSHOT, name), "utf8"));
const described = (name: string): Json => snapshotFile("nodegroups.json").nodegroups.find((g: Json) => g.nodegroupName === name);
const vpcCniDescribed = (): Json => snapshotFile("addons.json").addons.find((a: Json) => a.addonName === "vpc-cni");
const ofType = (e: Evaluation, type: string) => e.resources.filter((r) => r.type === type);

describe("existing cluster: every phase from the snapshot", function () {
    this.timeout(120000);
    after(removeSnapshotCopies);

    it("declares nothing that exists: no VPC, no cluster, no OIDC provider, no coredns; reads the cluster's own endpoint and issuer", async () => {
        for (let phase = 0; phase <= 9; phase++) {
            const e = await runExisting({ phase });
            const types = new Set(e.resources.map((r) => r.type));
            for (const made of ["awsx:ec2:Vpc", "aws:ec2/vpc:Vpc", "eks:index:Cluster", "aws:eks/cluster:Cluster", "aws:iam/openIdConnectProvider:OpenIdConnectProvider"]) {
                assert.ok(!types.has(made), `phase ${phase} declares a ${made}`);
            }
            assert.ok(!ofType(e, ADDON).some((r) => r.inputs.addonName === "coredns"), `phase ${phase} declares coredns`);
            assert.strictEqual(e.outputs.clusterName, "prod-east");
            assert.strictEqual(e.outputs.clusterEndpoint, snapshotFile("cluster.json").cluster.endpoint);
            assert.strictEqual(e.outputs.oidcProviderArn, snapshotFile("oidc-providers.json").OpenIDConnectProviderList[1].Arn);
        }
    });

    it("phase 0 adopts each legacy group with exactly the inputs EKS describes (imported, then nothing to update)", async () => {
        const e = await runExisting({ phase: 0 });
        for (const name of ["ng-general", "ng-batch"]) {
            const g = described(name);
            const r = find(e, NODE_GROUP, `legacy-groups-${name}`);
            assert.strictEqual(r.importId, `prod-east:${name}`);
            assert.deepStrictEqual(r.inputs, JSON.parse(JSON.stringify({
                clusterName: "prod-east", nodeGroupName: name, nodeRoleArn: g.nodeRole, subnetIds: g.subnets, scalingConfig: g.scalingConfig,
                instanceTypes: g.instanceTypes, capacityType: g.capacityType, amiType: g.amiType, releaseVersion: g.releaseVersion, version: g.version,
                diskSize: g.diskSize, labels: g.labels, taints: g.taints, launchTemplate: g.launchTemplate ? { id: g.launchTemplate.id, version: g.launchTemplate.version } : undefined,
                updateConfig: g.updateConfig, tags: g.tags,
            })), name);
            assert.ok(r.retainOnDelete, `${name}: kept in the account if the stack stops managing it`);
            assert.ok(r.protect, `${name}: protected while it holds nodes`);
            assert.deepStrictEqual(r.ignoreChanges, ["scalingConfig.desiredSize"], `${name}: the cluster autoscaler's desiredSize is not reset`);
        }
        const vpcCni = find(e, ADDON, "aws-node-vpc-cni");
        assert.strictEqual(vpcCni.importId, "prod-east:vpc-cni");
        assert.deepStrictEqual(vpcCni.inputs, {
            clusterName: "prod-east", addonName: "vpc-cni", addonVersion: vpcCniDescribed().addonVersion,
            configurationValues: vpcCniDescribed().configurationValues, serviceAccountRoleArn: vpcCniDescribed().serviceAccountRoleArn, tags: vpcCniDescribed().tags,
            // No API field: only DeleteAddon reads it, so a phase skip from this state keeps the add-on's objects.
            preserve: true,
        });
        assert.strictEqual(find(e, ADDON, "cluster-kube-proxy").importId, "prod-east:kube-proxy");
        assert.strictEqual(find(e, ADDON, "cluster-kube-proxy").inputs.preserve, true);
    });

    it("phase 1 labels the legacy groups and their nodes, then pins aws-node with vpc-cni's own settings kept", async () => {
        const e = await runExisting({ phase: 1 });
        for (const name of ["ng-general", "ng-batch"]) {
            assert.deepStrictEqual(find(e, NODE_GROUP, `legacy-groups-${name}`).inputs.labels, { ...described(name).labels, cni: "aws-cni" });
        }
        const label = find(e, "command:local:Command", "legacy-groups-label-nodes");
        assert.match(String(label.inputs.create), /ng-general/);
        assert.match(String(label.inputs.create), /ng-batch/);
        const vpcCni = find(e, ADDON, "aws-node-vpc-cni");
        assert.ok(vpcCni.dependencies.includes("command:local:Command::legacy-groups-label-nodes"), "aws-node is pinned only after every legacy node is labelled");
        assert.strictEqual(vpcCni.inputs.preserve, true);
        assert.strictEqual(vpcCni.inputs.resolveConflictsOnUpdate, "OVERWRITE");
        const before = YAML.parse(vpcCniDescribed().configurationValues);
        const after = JSON.parse(String(vpcCni.inputs.configurationValues));
        assert.deepStrictEqual(after.env, before.env, "prefix delegation and the rest of env survive");
        assert.deepStrictEqual(after.resources, before.resources);
        assert.strictEqual(vpcCni.inputs.serviceAccountRoleArn, vpcCniDescribed().serviceAccountRoleArn, "its IRSA role stays");
        const terms = after.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
        assert.ok(terms.length > 0 && terms.every((t: Json) => t.matchExpressions.some((m: Json) => m.key === "cni" && m.operator === "NotIn" && m.values[0] === "cilium")));
        assert.ok(terms.every((t: Json) => !t.matchExpressions.some((m: Json) => m.key === "cni" && m.operator === "In")), "no seeds' pin next to it");
    });

    it("each twin copies its group (subnets, types, capacity, AMI, disk, labels, taints, launch template) and adds the cni label and startup taint", async () => {
        const e = await runExisting({ phase: 0 });
        for (const name of ["ng-general", "ng-batch"]) {
            const g = described(name);
            const twin = find(e, NODE_GROUP, `cilium-twins-${name}-cilium`);
            assert.strictEqual(twin.importId, undefined, "a twin is new");
            const i = twin.inputs as Json;
            assert.strictEqual(i.nodeGroupName, `${name}-cilium`);
            for (const [input, value] of Object.entries({ subnetIds: g.subnets, instanceTypes: g.instanceTypes, capacityType: g.capacityType, amiType: g.amiType,
                releaseVersion: g.releaseVersion, version: g.version, diskSize: g.diskSize, nodeRoleArn: g.nodeRole })) {
                assert.deepStrictEqual(i[input], value, `${name}: ${input}`);
            }
            assert.deepStrictEqual(i.labels, { ...g.labels, cni: "cilium" });
            assert.deepStrictEqual(i.taints, [...(g.taints ?? []), { key: "node.cilium.io/agent-not-ready", value: "true", effect: "NO_EXECUTE" }]);
            assert.deepStrictEqual(i.launchTemplate, g.launchTemplate ? { id: g.launchTemplate.id, version: g.launchTemplate.version } : undefined);
            assert.deepStrictEqual(i.scalingConfig, { minSize: 0, desiredSize: 0, maxSize: name === "ng-batch" ? 24 : g.scalingConfig.maxSize }, "empty until phase 3");
            assert.strictEqual(i.tags["eks-cilium-migration/cluster"], "prod-east");
            assert.ok(twin.protect);
        }
    });

    it("phase 3 sizes each twin like its group (ciliumNodeGroup.overrides on top); from phase 4 the autoscaler owns desiredSize", async () => {
        const three = await runExisting({ phase: 3 });
        assert.deepStrictEqual(find(three, NODE_GROUP, "cilium-twins-ng-general-cilium").inputs.scalingConfig, described("ng-general").scalingConfig);
        assert.deepStrictEqual(find(three, NODE_GROUP, "cilium-twins-ng-batch-cilium").inputs.scalingConfig, { ...described("ng-batch").scalingConfig, maxSize: 24 });
        assert.deepStrictEqual(find(three, NODE_GROUP, "cilium-twins-ng-general-cilium").ignoreChanges, [], "the scale-up itself is applied");
        const four = await runExisting({ phase: 4 });
        assert.deepStrictEqual(find(four, NODE_GROUP, "cilium-twins-ng-general-cilium").ignoreChanges, ["scalingConfig.desiredSize"]);
    });

    it("phase 7 scales every legacy group to zero through the EKS API, after the drained re-check, and unprotects them", async () => {
        const e = await runExisting({ phase: 7 });
        const check = find(e, "command:local:Command", "legacy-groups-scale-down-check");
        assert.match(String(check.inputs.create), /legacy-drained/);
        for (const name of ["ng-general", "ng-batch"]) {
            const r = find(e, NODE_GROUP, `legacy-groups-${name}`);
            assert.deepStrictEqual(r.inputs.scalingConfig, { minSize: 0, desiredSize: 0, maxSize: described(name).scalingConfig.maxSize });
            assert.ok(r.dependencies.includes("command:local:Command::legacy-groups-scale-down-check"), `${name} waits for the re-check`);
            assert.strictEqual(r.protect, false);
            assert.deepStrictEqual(r.ignoreChanges, [], "the scale-down is applied");
        }
        assert.deepStrictEqual(e.outputs.legacyNodeGroupSizes, {
            "ng-batch": described("ng-batch").scalingConfig, "ng-general": described("ng-general").scalingConfig,
        });
    });

    it("phase 8 stops managing the legacy groups and leaves them (retain), and deletes them only with deleteLegacyNodeGroups", async () => {
        const kept = await runExisting({ phase: 8 });
        assert.deepStrictEqual(ofType(kept, NODE_GROUP).map((r) => r.name).sort(), ["cilium-twins-ng-batch-cilium", "cilium-twins-ng-general-cilium"]);
        const seven = await runExisting({ phase: 7 });
        assert.ok(ofType(seven, NODE_GROUP).filter((r) => r.name.startsWith("legacy-groups-")).every((r) => r.retainOnDelete));
        const deleting = await runExisting({ phase: 7, extra: { existingCluster: { name: "prod-east", nodeGroups: ["ng-general", "ng-batch"], deleteLegacyNodeGroups: true } } });
        assert.ok(ofType(deleting, NODE_GROUP).filter((r) => r.name.startsWith("legacy-groups-")).every((r) => !r.retainOnDelete));
    });

    it("adopted add-ons cannot be deleted by mistake: protected until the phase before the migration removes them", async () => {
        for (let phase = 0; phase <= 8; phase++) {
            const e = await runExisting({ phase });
            const vpcCni = e.resources.find((r) => r.type === ADDON && r.inputs.addonName === "vpc-cni");
            if (phase <= 5) assert.strictEqual(vpcCni?.protect, phase <= 4, `phase ${phase}: vpc-cni`);
            else assert.strictEqual(vpcCni, undefined, `phase ${phase}: vpc-cni removed`);
            assert.strictEqual(find(e, ADDON, "cluster-kube-proxy").protect, phase <= 7, `phase ${phase}: kube-proxy`);
        }
    });

    it("phase 9 removes kube-proxy's add-on after its DaemonSet and Cilium's replacement", async () => {
        const nine = await runExisting({ phase: 9 });
        assert.ok(!ofType(nine, ADDON).some((r) => r.inputs.addonName === "kube-proxy"));
        find(nine, "command:local:Command", "kube-proxy-remove");
        assert.ok(ofType(await runExisting({ phase: 8 }), ADDON).some((r) => r.inputs.addonName === "kube-proxy"));
    });

    it("clusterAdmins: an access entry only for a principal that has none (platform-admin has one already)", async () => {
        const e = await runExisting({ phase: 0 });
        const entries = ofType(e, "aws:eks/accessEntry:AccessEntry");
        assert.deepStrictEqual(entries.map((r) => r.inputs.principalArn), ["arn:aws:iam::111122223333:role/github-actions-eks-migration"]);
    });

    it("Cilium's cluster.name, the operator's IRSA trust on the cluster's own issuer, and the Helm timeout from the twins' sizes", async () => {
        const e = await runExisting({ phase: 2 });
        const release = find(e, "kubernetes:helm.sh/v3:Release", "cilium-release");
        const values = release.inputs.values as Json;
        assert.strictEqual(values.cluster.name, "prod-east");
        const trust = JSON.parse(String(find(e, "aws:iam/role:Role", "cilium-operator-role").inputs.assumeRolePolicy));
        assert.strictEqual(trust.Statement[0].Principal.Federated, snapshotFile("oidc-providers.json").OpenIDConnectProviderList[1].Arn);
        // 12 + 24 nodes at most, 2 agents at a time: 18 batches → 5m + 3m × 18.
        assert.strictEqual(release.inputs.timeout, (5 + 3 * 18) * 60);
    });
});
