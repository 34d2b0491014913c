// An existing cluster as it looks *during* the migration: the twins exist, the legacy groups read zero, then are gone;
// an add-on the migration removed is wanted back; aws-node is self-managed; the operator uses Pod Identity. Each is
// the example snapshot edited as AWS would describe that cluster.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Evaluation } from "../plan/evaluate";
import { EXAMPLE_SNAPSHOT, Json, failureOf, removeSnapshotCopies, runExisting, snapshotVariant } from "./support/existingCluster";
import { find } from "./mocks";

const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const ADDON = "aws:eks/addon:Addon";
const GROUPS = ["ng-batch", "ng-general"];

/** A declared node group as `aws eks describe-nodegroup` would describe it once EKS has made it. */
function describedLikeEks(inputs: Json): Json {
    return {
        nodegroupName: inputs.nodeGroupName, clusterName: inputs.clusterName, status: "ACTIVE", subnets: inputs.subnetIds, scalingConfig: inputs.scalingConfig,
        instanceTypes: inputs.instanceTypes, capacityType: inputs.capacityType, amiType: inputs.amiType, releaseVersion: inputs.releaseVersion,
        version: inputs.version, diskSize: inputs.diskSize, nodeRole: inputs.nodeRoleArn, labels: inputs.labels, taints: inputs.taints,
        launchTemplate: inputs.launchTemplate, updateConfig: inputs.updateConfig, tags: inputs.tags,
    };
}

const twinsOf = (e: Evaluation) => e.resources.filter((r) => r.type === NODE_GROUP && r.name.startsWith("cilium-twins-"));

/** The example cluster after phase `phase` (its twins made as declared there; legacy groups zeroed or deleted if asked). */
async function clusterAfter(phase: number, legacy: "as-is" | "zero" | "gone"): Promise<string> {
    const twins = twinsOf(await runExisting({ phase })).map((r) => describedLikeEks(r.inputs));
    return snapshotVariant((files) => {
        const groups: Json[] = files["nodegroups.json"].nodegroups;
        const kept = legacy === "gone" ? [] : groups.map((g) => legacy === "zero"
            ? { ...g, labels: { ...g.labels, cni: "aws-cni" }, scalingConfig: { ...g.scalingConfig, minSize: 0, desiredSize: 0 } } : g);
        files["nodegroups.json"] = { nodegroups: [...kept, ...twins] };
    });
}

describe("existing cluster: later in the migration", function () {
    this.timeout(120000);
    after(removeSnapshotCopies);

    it("twins that exist are neither taken for legacy groups nor for a name clash (node groups listed or not)", async () => {
        const dir = await clusterAfter(3, "as-is");
        const expected = twinsOf(await runExisting({ phase: 4 }));
        for (const extra of [{}, { existingCluster: { name: "prod-east" } }]) {
            const e = await runExisting({ phase: 4, snapshotDir: dir, extra });
            assert.deepStrictEqual(twinsOf(e).map((r) => [r.name, r.inputs]), expected.map((r) => [r.name, r.inputs]));
            assert.deepStrictEqual(e.resources.filter((r) => r.type === NODE_GROUP && r.name.startsWith("legacy-groups-")).map((r) => r.name).sort(),
                GROUPS.map((g) => `legacy-groups-${g}`));
        }
    });

    it("once the legacy groups read zero, the twins keep the recorded sizes; with no record, the live twins' sizes", async () => {
        const dir = await clusterAfter(6, "zero");
        const sixth = await runExisting({ phase: 6 });
        const expected = twinsOf(await runExisting({ phase: 7 })).map((r) => r.inputs.scalingConfig);
        const recorded = await runExisting({ phase: 8, snapshotDir: dir, ownOutputs: { legacyNodeGroupSizes: sixth.outputs.legacyNodeGroupSizes } });
        assert.deepStrictEqual(twinsOf(recorded).map((r) => r.inputs.scalingConfig), expected);
        const unrecorded = await runExisting({ phase: 8, snapshotDir: dir });
        assert.deepStrictEqual(twinsOf(unrecorded).map((r) => r.inputs.scalingConfig), expected);
    });

    it("a zeroed legacy group with no record and no twin is refused: a twin sized from it would take every Cilium node away", async () => {
        const dir = snapshotVariant((files) => {
            for (const g of files["nodegroups.json"].nodegroups) g.scalingConfig = { ...g.scalingConfig, minSize: 0, desiredSize: 0 };
        });
        const message = await failureOf(runExisting({ phase: 7, snapshotDir: dir }));
        assert.match(message, /no record of node group ng-general's sizes before it was scaled to zero.*ciliumNodeGroup\.overrides\.ng-general/);
    });

    it("after the legacy groups are deleted, each twin is declared from its own description, unchanged", async () => {
        const dir = await clusterAfter(8, "gone");
        const eight = await runExisting({ phase: 8 });
        const nine = await runExisting({ phase: 9, snapshotDir: dir, ownOutputs: { legacyNodeGroupSizes: eight.outputs.legacyNodeGroupSizes } });
        assert.deepStrictEqual(twinsOf(nine).map((r) => [r.name, r.inputs]), twinsOf(await runExisting({ phase: 9 })).map((r) => [r.name, r.inputs]));
        assert.ok(nine.notes.some((n) => /node group ng-general is no longer in prod-east; its twin ng-general-cilium is declared as it is/.test(n)));
        // Before phase 8 a group being migrated must be there.
        const early = await failureOf(runExisting({ phase: 5, snapshotDir: dir, ownOutputs: { legacyNodeGroupSizes: eight.outputs.legacyNodeGroupSizes } }));
        assert.match(early, /node group ng-batch is being migrated but is no longer in prod-east.*pulumi state delete/);
    });

    it("going back below phase 6 creates the vpc-cni add-on again as it was adopted, with aws-node pinned", async () => {
        const adopted = (await runExisting({ phase: 5 })).outputs.adoptedAddons as Json;
        const described = JSON.parse(fs.readFileSync(path.join(EXAMPLE_SNAPSHOT, "addons.json"), "utf8")).addons.find((a: Json) => a.addonName === "vpc-cni");
        assert.strictEqual(adopted.vpcCni.configurationValues, described.configurationValues, "recorded as adopted, before any change of ours");
        const dir = snapshotVariant((files) => {
            files["addons.json"] = { addons: files["addons.json"].addons.filter((a: Json) => a.addonName !== "vpc-cni") };
        });
        const back = await runExisting({ phase: 5, appliedPhase: 6, snapshotDir: dir, extra: { allowUnsafeRollback: true }, ownOutputs: { adoptedAddons: adopted } });
        const addon = find(back, ADDON, "aws-node-vpc-cni");
        assert.strictEqual(addon.importId, undefined, "created, not imported");
        const config = JSON.parse(String(addon.inputs.configurationValues));
        assert.strictEqual(config.env.ENABLE_PREFIX_DELEGATION, "true");
        assert.ok(config.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions.some((m: Json) => m.key === "cni"));
        assert.strictEqual(addon.inputs.serviceAccountRoleArn, adopted.vpcCni.serviceAccountRoleArn);
        // At phase 7, with nothing recorded to go back to, the record is carried forward unchanged.
        const seven = await runExisting({ phase: 7, snapshotDir: dir, ownOutputs: { adoptedAddons: adopted } });
        assert.deepStrictEqual(seven.outputs.adoptedAddons, adopted);
    });

    it("a self-managed aws-node (no vpc-cni add-on) is pinned by a server-side-apply patch of its DaemonSet", async () => {
        const dir = snapshotVariant((files) => {
            files["addons.json"] = { addons: files["addons.json"].addons.filter((a: Json) => a.addonName !== "vpc-cni") };
        });
        const e = await runExisting({ phase: 1, snapshotDir: dir });
        assert.ok(!e.resources.some((r) => r.type === ADDON && r.inputs.addonName === "vpc-cni"));
        const patch = find(e, "kubernetes:apps/v1:DaemonSetPatch", "aws-node-affinity");
        assert.ok(patch.dependencies.includes("command:local:Command::legacy-groups-label-nodes"));
        assert.ok(e.notes.some((n) => /aws-node is self-managed/.test(n)));
    });

    it("Pod Identity: the operator's role is handed over by an association, and needs the eks-pod-identity-agent add-on", async () => {
        const cilium = { chartVersion: "1.19.6", operatorIdentity: "pod-identity", values: {} };
        const withAgent = snapshotVariant((files) => {
            files["addons.json"].addons.push({ addonName: "eks-pod-identity-agent", clusterName: "prod-east", status: "ACTIVE", addonVersion: "v1.3.4-eksbuild.1", tags: {} });
            return { "oidc-providers.json": null };
        });
        const e = await runExisting({ phase: 2, snapshotDir: withAgent, extra: { cilium } });
        const association = find(e, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "cilium-operator-identity");
        assert.deepStrictEqual([association.inputs.namespace, association.inputs.serviceAccount], ["kube-system", "cilium-operator"]);
        const trust = JSON.parse(String(find(e, "aws:iam/role:Role", "cilium-operator-role").inputs.assumeRolePolicy));
        assert.strictEqual(trust.Statement[0].Principal.Service, "pods.eks.amazonaws.com");
        const message = await failureOf(runExisting({ phase: 2, extra: { cilium } }));
        assert.match(message, /`cilium\.operatorIdentity` is "pod-identity", but cluster prod-east has no eks-pod-identity-agent add-on/);
    });

    it("from the cordon (4) the legacy groups carry the retiring taint; a twin never copies it, nor its group's cni label", async () => {
        const four = await runExisting({ phase: 4 });
        for (const g of GROUPS) {
            assert.deepStrictEqual((find(four, NODE_GROUP, `legacy-groups-${g}`).inputs.taints as Json[]).at(-1), { key: "eks-cilium-migration/retiring", value: "true", effect: "NO_SCHEDULE" });
        }
        assert.strictEqual((await runExisting({ phase: 3 })).resources.filter((r) => r.type === NODE_GROUP && r.name.startsWith("legacy-groups-"))
            .some((r) => (r.inputs.taints as Json[] | undefined)?.some((t) => t.key === "eks-cilium-migration/retiring")), false);
        const dir = snapshotVariant((files) => {
            for (const g of files["nodegroups.json"].nodegroups) {
                g.taints = [...(g.taints ?? []), { key: "eks-cilium-migration/retiring", value: "true", effect: "NO_SCHEDULE" }];
                g.labels = { ...g.labels, cni: "aws-cni" };
            }
        });
        assert.deepStrictEqual(twinsOf(await runExisting({ phase: 5, snapshotDir: dir })).map((r) => r.inputs), twinsOf(await runExisting({ phase: 5 })).map((r) => r.inputs));
    });

    it("a group on a custom AMI: adopted as described, its twin without amiType, releaseVersion and version (EKS refuses them)", async () => {
        const dir = snapshotVariant((files) => {
            const g = files["nodegroups.json"].nodegroups[1];
            Object.assign(g, { amiType: "CUSTOM", releaseVersion: "ami-0c9e2f6b1a7d34e58" });
        });
        const e = await runExisting({ phase: 0, snapshotDir: dir });
        const legacy = find(e, NODE_GROUP, "legacy-groups-ng-batch").inputs;
        assert.deepStrictEqual([legacy.amiType, legacy.releaseVersion, legacy.version], ["CUSTOM", "ami-0c9e2f6b1a7d34e58", "1.31"]);
        const twin = find(e, NODE_GROUP, "cilium-twins-ng-batch-cilium").inputs;
        assert.deepStrictEqual([twin.amiType, twin.releaseVersion, twin.version], [undefined, undefined, undefined]);
        assert.deepStrictEqual(twin.launchTemplate, { id: "lt-0f3c9a2b7d1e5c846", version: "4" });
    });

    it("tags that name another tool are not copied to a twin; aws: tags are never declared", async () => {
        const dir = snapshotVariant((files) => {
            const g = files["nodegroups.json"].nodegroups[0];
            g.tags = { ...g.tags, "aws:cloudformation:stack-name": "eksctl-prod-east-nodegroup-ng-general", "alpha.eksctl.io/nodegroup-name": "ng-general" };
        });
        const e = await runExisting({ phase: 0, snapshotDir: dir });
        const legacy = find(e, NODE_GROUP, "legacy-groups-ng-general").inputs.tags as Json;
        assert.deepStrictEqual(Object.keys(legacy).sort(), ["alpha.eksctl.io/nodegroup-name", "managed-by", "team"]);
        const twin = find(e, NODE_GROUP, "cilium-twins-ng-general-cilium").inputs.tags as Json;
        assert.deepStrictEqual(Object.keys(twin).sort(), ["eks-cilium-migration/cluster", "managed-by", "team"]);
    });
});
