// Adopting what the old tool made without breaking it (issue 16): each rule is checked against that system's own
// text, vendored in tests/fixtures/real (eksctl's node label and drain selector, botocore's CreateNodegroup rules, the
// AWS provider's default-tags read, terraform-aws-eks' role and template per group), on the example snapshot edited
// as that tool would leave the cluster.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { AwsSnapshot } from "../plan/awsSnapshot";
import { evaluate, Evaluation } from "../plan/evaluate";
import { withoutDefaultTags } from "../stacks/existingFacts";
import { PROJECT_ROOT } from "./support/paths";
import { Json, existingStackConfig, failureOf, removeSnapshotCopies, runExisting, snapshotVariant } from "./support/existingCluster";
import { find } from "./mocks";

const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const ADDON = "aws:eks/addon:Addon";
const REAL = path.join(PROJECT_ROOT, "tests", "fixtures", "real");
const real = (file: string) => fs.readFileSync(path.join(REAL, file), "utf8");
const botocore = JSON.parse(real("botocore/eks-create-nodegroup.json")).shapes;
const groups = (f: Record<string, Json>): Json[] => f["nodegroups.json"].nodegroups;
const group = (f: Record<string, Json>, name: string): Json => groups(f).find((g) => g.nodegroupName === name);
const twinInputs = (e: Evaluation, legacy: string): Json => find(e, NODE_GROUP, `cilium-twins-${legacy}-cilium`).inputs;

/** The example cluster once phase 0 made the twins (described as EKS would), with `edit` applied to the groups. */
async function withTwins(edit: (twin: Json, legacy: Json) => void = () => undefined): Promise<string> {
    const made = (await runExisting({ phase: 0 })).resources.filter((r) => r.type === NODE_GROUP && r.name.startsWith("cilium-twins-"));
    return snapshotVariant((f) => {
        for (const r of made) {
            // A copy: the evaluation is shared with other tests.
            const i: Json = JSON.parse(JSON.stringify(r.inputs));
            const twin: Json = {
                nodegroupName: i.nodeGroupName, clusterName: i.clusterName, status: "ACTIVE", subnets: i.subnetIds, scalingConfig: i.scalingConfig,
                instanceTypes: i.instanceTypes, capacityType: i.capacityType, amiType: i.amiType, releaseVersion: i.releaseVersion, version: i.version,
                diskSize: i.diskSize, nodeRole: i.nodeRoleArn, labels: i.labels, taints: i.taints, launchTemplate: i.launchTemplate,
                updateConfig: i.updateConfig, tags: i.tags,
            };
            edit(twin, group(f, i.nodeGroupName.replace(/-cilium$/, "")));
            groups(f).push(twin);
        }
    });
}

describe("existing cluster: adopting what the old tool made", function () {
    this.timeout(120000);
    after(removeSnapshotCopies);

    it("eksctl: the twin carries its own name in alpha.eksctl.io/nodegroup-name, so eksctl's drain selector for the legacy group misses it", async () => {
        const text = real("eksctl/nodegroup-label.go.txt");
        const key = (/NodeGroupNameLabel = "([^"]+)"/.exec(text) as RegExpExecArray)[1];
        assert.match(text, /LabelSelector: fmt\.Sprintf\("%s=%s", NodeGroupNameLabel, n\.Name\)/, "eksctl selects a group's nodes by that label");
        const dir = snapshotVariant((f) => {
            for (const g of groups(f)) g.labels = { ...g.labels, [key]: g.nodegroupName, "alpha.eksctl.io/cluster-name": "prod-east" };
        });
        for (const phase of [0, 3]) {
            const e = await runExisting({ phase, snapshotDir: dir });
            for (const name of ["ng-general", "ng-batch"]) {
                const twin = twinInputs(e, name);
                assert.strictEqual(twin.labels[key], `${name}-cilium`, `phase ${phase}: ${name}'s twin`);
                assert.strictEqual(twin.labels["alpha.eksctl.io/cluster-name"], "prod-east");
                assert.strictEqual((find(e, NODE_GROUP, `legacy-groups-${name}`).inputs as Json).labels[key], name, "the legacy group keeps its own");
                // `eksctl drain nodegroup --name <legacy>`: key=<legacy> selects no twin node.
                assert.notStrictEqual(twin.labels[key], name);
            }
        }
    });

    it("version skew: CreateNodegroup takes only the cluster's version, so a legacy group behind the control plane is refused naming both", async () => {
        assert.match(botocore.CreateNodegroupRequest.members.version.documentation, /the Kubernetes version of the cluster is used, and this is the only accepted specified value/);
        const dir = snapshotVariant((f) => { f["cluster.json"].cluster.version = "1.32"; });
        const message = await failureOf(runExisting({ phase: 0, snapshotDir: dir }));
        assert.match(message, /node group ng-general runs Kubernetes 1\.31 but cluster prod-east runs 1\.32: CreateNodegroup accepts only the cluster's version.*Upgrade the legacy groups first \(aws eks update-nodegroup-version --cluster-name prod-east --nodegroup-name ng-general\)/);
        assert.match(message, /node group ng-batch runs Kubernetes 1\.31/);
    });

    it("once a twin exists, its launch template version, AMI release and version are its own: the legacy group's drift is not followed", async () => {
        const dir = await withTwins((twin) => { twin.releaseVersion = "1.31.2-20241201"; if (twin.launchTemplate) twin.launchTemplate.version = "5"; });
        const upgraded = snapshotVariant((f) => {
            for (const name of fs.readdirSync(dir)) f[name] = JSON.parse(fs.readFileSync(path.join(dir, name), "utf8"));
            f["cluster.json"].cluster.version = "1.32";
            for (const g of groups(f).filter((x) => !x.nodegroupName.endsWith("-cilium"))) {
                g.version = "1.32";
                g.releaseVersion = "1.32.0-20250301";
                if (g.launchTemplate) g.launchTemplate.version = "7";
            }
        });
        const e = await runExisting({ phase: 3, snapshotDir: upgraded });
        const batch = twinInputs(e, "ng-batch");
        assert.deepStrictEqual([batch.version, batch.releaseVersion, batch.launchTemplate.version], ["1.31", "1.31.2-20241201", "5"]);
        assert.deepStrictEqual([twinInputs(e, "ng-general").version, twinInputs(e, "ng-general").releaseVersion], ["1.31", "1.31.2-20241201"]);
        assert.ok(e.notes.some((n) => /twin ng-batch-cilium keeps its launch template version 5 \(node group ng-batch is at 7\)/.test(n)), e.notes.join("\n"));
    });

    it("an override moves a live twin's template version or release, and the plan says it recycles every node", async () => {
        const dir = await withTwins();
        const e = await runExisting({ phase: 3, snapshotDir: dir, extra: { ciliumNodeGroup: { overrides: { "ng-batch": { launchTemplateVersion: "6", releaseVersion: "1.31.9-20250401" } } } } });
        assert.strictEqual(twinInputs(e, "ng-batch").launchTemplate.version, "6");
        assert.strictEqual(twinInputs(e, "ng-batch").releaseVersion, "1.31.9-20250401");
        assert.ok(e.notes.some((n) => /twin ng-batch-cilium: launch template version 4 → 6 .* recycles every node/.test(n)), e.notes.join("\n"));
        assert.ok(e.notes.some((n) => /twin ng-batch-cilium: AMI release .* → 1\.31\.9-20250401 .* recycles every node/.test(n)));
        const bad = await failureOf(runExisting({ phase: 3, snapshotDir: dir, extra: { ciliumNodeGroup: { overrides: { "ng-batch": { launchTemplateVersion: "$Latest" } } } } }));
        assert.match(bad, /`ciliumNodeGroup\.overrides\.ng-batch\.launchTemplateVersion` is "\$Latest"/);
    });

    it("updateConfig.updateStrategy, node auto repair and the warm pool reach the legacy declaration and the twin", async () => {
        const members = botocore.CreateNodegroupRequest.members;
        assert.ok(members.updateConfig && members.nodeRepairConfig && members.warmPoolConfig, "CreateNodegroup takes all three");
        assert.deepStrictEqual(botocore.NodegroupUpdateStrategies.enum, ["DEFAULT", "MINIMAL"]);
        const repair = { enabled: true, maxUnhealthyNodeThresholdPercentage: 20, maxParallelNodesRepairedCount: 1 };
        const warm = { enabled: true, minSize: 1, maxGroupPreparedCapacity: 4, poolState: "STOPPED", reuseOnScaleIn: false };
        const dir = snapshotVariant((f) => {
            const g = group(f, "ng-general");
            g.updateConfig = { maxUnavailable: 1, updateStrategy: "MINIMAL" };
            g.nodeRepairConfig = repair;
            g.warmPoolConfig = warm;
        });
        for (const phase of [0, 1]) {
            const e = await runExisting({ phase, snapshotDir: dir });
            for (const inputs of [find(e, NODE_GROUP, "legacy-groups-ng-general").inputs as Json, twinInputs(e, "ng-general")]) {
                assert.deepStrictEqual(inputs.updateConfig, { maxUnavailable: 1, updateStrategy: "MINIMAL" });
                assert.deepStrictEqual(inputs.nodeRepairConfig, repair);
                assert.deepStrictEqual(inputs.warmPoolConfig, { minSize: 1, maxGroupPreparedCapacity: 4, poolState: "STOPPED", reuseOnScaleIn: false });
            }
        }
    });

    it("the offline planner refuses an add-on with Pod Identity associations rather than answer none", async () => {
        assert.deepStrictEqual(botocore.Addon.members.podIdentityAssociations, { shape: "StringList", documentation: botocore.Addon.members.podIdentityAssociations.documentation });
        const arn = "arn:aws:eks:us-east-2:111122223333:podidentityassociation/prod-east/a-1v95i5dqqiylbo3ud";
        const dir = snapshotVariant((f) => { f["addons.json"].addons.find((a: Json) => a.addonName === "vpc-cni").podIdentityAssociations = [arn]; });
        const message = await failureOf(runExisting({ phase: 0, snapshotDir: dir }));
        assert.match(message, new RegExp(`the vpc-cni add-on of prod-east has Pod Identity associations \\(${arn.replace(/\//g, "\\/")}\\) that the snapshot cannot resolve`));
    });

    it("CreateNodegroup's limits are checked first: instanceTypes with a template that sets one, 50 taints, 50 tags; a capacity block is named", async () => {
        assert.match(botocore.CreateNodegroupRequest.members.instanceTypes.documentation, /you specify an instance type in your launch template <i>and<\/i> specify any <code>instanceTypes<\/code>, the node group deployment will fail/);
        assert.match(botocore.TagMap.documentation, /Maximum number of tags per resource – 50/);
        assert.ok(botocore.CapacityTypes.enum.includes("CAPACITY_BLOCK"));
        // describe-nodegroup leaves instanceTypes out when the launch template sets the instance type.
        const typed = snapshotVariant((f) => { delete group(f, "ng-batch").instanceTypes; });
        const lt = await failureOf(runExisting({ phase: 0, snapshotDir: typed, extra: { ciliumNodeGroup: { overrides: { "ng-batch": { instanceTypes: ["m6i.large"] } } } } }));
        assert.match(lt, /`ciliumNodeGroup\.overrides\.ng-batch\.instanceTypes` is set, but node group ng-batch's launch template lt-0f3c9a2b7d1e5c846 sets the instance type/);
        const many = snapshotVariant((f) => {
            const g = group(f, "ng-general");
            g.taints = Array.from({ length: 50 }, (_, i) => ({ key: `t${i}`, value: "x", effect: "NO_SCHEDULE" }));
            g.tags = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, "v"]));
        });
        const limits = await failureOf(runExisting({ phase: 0, snapshotDir: many }));
        assert.match(limits, /node group ng-general's twin would have 51 taints .* EKS allows 50 per node group/);
        assert.match(limits, /node group ng-general's twin would have 51 tags .* EKS allows 50 per resource/);
        // 45 of its own and 5 default tags the provider adds to the twin: 51 with the migration's.
        const near = snapshotVariant((f) => { group(f, "ng-general").tags = Object.fromEntries(Array.from({ length: 45 }, (_, i) => [`k${i}`, "v"])); });
        const defaults = { ...existingStackConfig(), "aws:defaultTags": JSON.stringify({ tags: Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`d${i}`, "v"])) }) };
        const withDefaults = await failureOf(evaluate({ config: defaults, phase: 0, snapshot: new AwsSnapshot(near) }));
        assert.match(withDefaults, /node group ng-general's twin would have 51 tags \(its 50, the provider's default tags included, and the migration's\); EKS allows 50 per resource/);
        const block = snapshotVariant((f) => { group(f, "ng-general").capacityType = "CAPACITY_BLOCK"; });
        const e = await runExisting({ phase: 0, snapshotDir: block });
        assert.ok(e.notes.some((n) => /node group ng-general runs on a capacity block .* twin ng-general-cilium launches into the same reservation/.test(n)));
    });

    it("aws:defaultTags: tags equal to a default tag are left out of what is adopted, as the provider reads them", async () => {
        assert.match(real("terraform-provider-aws/remove-default-config.go.txt"), /if defaultVal, ok := dc\.Tags\[k\]; !ok \|\| !v\.Equal\(defaultVal\)/);
        assert.deepStrictEqual(withoutDefaultTags({ a: "1", b: "2", c: "3" }, { a: "1", b: "other" }), { b: "2", c: "3" });
        const dir = snapshotVariant((f) => {
            for (const g of groups(f)) g.tags = { ...g.tags, "cost-center": "platform" };
            for (const a of f["addons.json"].addons) a.tags = { ...(a.tags ?? {}), "cost-center": "platform" };
        });
        const config = { ...existingStackConfig(), "aws:defaultTags": JSON.stringify({ tags: { "cost-center": "platform" } }) };
        const e = await evaluate({ config, phase: 0, snapshot: new AwsSnapshot(dir) });
        for (const r of e.resources.filter((x) => (x.type === NODE_GROUP && x.name.startsWith("legacy-groups-")) || x.type === ADDON)) {
            assert.ok(!("cost-center" in ((r.inputs as Json).tags ?? {})), `${r.name} declares a default tag`);
        }
    });

    it("eksctl keeps a managed group's template and role in the group's own stack: the note warns off `eksctl delete nodegroup`, naming the stack", async () => {
        const stack = JSON.parse(real("eksctl/managed-nodegroup-stack.standard.json")) as Record<string, { Type: string }>;
        assert.deepStrictEqual(Object.values(stack).map((r) => r.Type).sort(), ["AWS::EC2::LaunchTemplate", "AWS::EKS::Nodegroup", "AWS::IAM::Role"]);
        const dir = snapshotVariant((f) => {
            const g = f["nodegroups.json"].nodegroups.find((x: Json) => x.nodegroupName === "ng-batch");
            g.tags = { ...g.tags, "alpha.eksctl.io/cluster-name": "prod-east", "alpha.eksctl.io/nodegroup-name": "ng-batch" };
        });
        const e = await evaluate({ config: existingStackConfig(), phase: 0, snapshot: new AwsSnapshot(dir) });
        assert.ok(e.notes.some((n) => /twin ng-batch-cilium uses node IAM role .* of node group ng-batch, which eksctl made in its CloudFormation stack \(eksctl-<cluster>-nodegroup-ng-batch\): never run `eksctl delete nodegroup` for ng-batch while the twin runs/.test(n)), e.notes.join("\n"));
    });

    it("a twin that exists keeps its role (node_role_arn forces a new group): another nodeRoleArn is refused, and the notes no longer offer one", async () => {
        const dir = await withTwins();
        const role = "arn:aws:iam::111122223333:role/prod-east-cilium-nodes";
        const refused = await failureOf(runExisting({ phase: 3, snapshotDir: dir, extra: { ciliumNodeGroup: { nodeRoleArn: role } } }));
        assert.match(refused, /`ciliumNodeGroup\.nodeRoleArn` is arn:aws:iam::111122223333:role\/prod-east-cilium-nodes, but twin ng-batch-cilium already runs with arn:aws:iam::111122223333:role\/prod-east-node-batch: a node group's role is fixed when it is created/);
        const e = await runExisting({ phase: 3, snapshotDir: dir });
        assert.strictEqual(twinInputs(e, "ng-batch").nodeRoleArn, "arn:aws:iam::111122223333:role/prod-east-node-batch");
        assert.ok(e.notes.some((n) => /^twin ng-batch-cilium uses node IAM role .*never remove the group's module block\.$/.test(n)), e.notes.join("\n"));
    });

    it("terraform-aws-eks makes a role and a template per group: phase 0's notes name what each twin shares, and nodeRoleArn gives the twins their own", async () => {
        const tf = real("terraform-aws-eks/eks-managed-node-group.tf.txt");
        assert.match(tf, /resource "aws_iam_role" "this"/);
        assert.match(tf, /resource "aws_launch_template" "this"/);
        const e = await runExisting({ phase: 0 });
        assert.ok(e.notes.some((n) => /twin ng-batch-cilium uses node IAM role arn:aws:iam::111122223333:role\/prod-east-node-batch and launch template lt-0f3c9a2b7d1e5c846 of node group ng-batch.*never remove the group's module block.*`ciliumNodeGroup\.nodeRoleArn`/.test(n)), e.notes.join("\n"));
        const role = "arn:aws:iam::111122223333:role/prod-east-cilium-nodes";
        const own = await runExisting({ phase: 0, extra: { ciliumNodeGroup: { nodeRoleArn: role } } });
        assert.strictEqual(twinInputs(own, "ng-batch").nodeRoleArn, role);
        assert.ok(own.notes.some((n) => /twin ng-batch-cilium uses launch template lt-0f3c9a2b7d1e5c846 of node group ng-batch/.test(n)));
    });
});
