// The node group policies (policy/nodeGroups.ts): adopted groups never replaced, kept when let go; twins protected.
// Inputs: the prod-east example's real describe-nodegroup output, read the way the program adopts it.
import * as assert from "assert";
import { nodeGroupInputs } from "../components/nodePools/nodeGroupDescription";
import { AwsSnapshot } from "../plan/awsSnapshot";
import { describeNodeGroup } from "../stacks/existingFacts";
import { noNodeGroupReplacement, protectedProduction } from "../policy/nodeGroups";
import { Declared, validateStack } from "./support/policyArgs";
import { PROJECT_ROOT } from "./support/paths";
import * as path from "path";
import * as aws from "@pulumi/aws";

const snapshot = new AwsSnapshot(path.join(PROJECT_ROOT, "examples", "prod-east"));
const described = (name: string) => nodeGroupInputs(describeNodeGroup(snapshot.answer("aws:eks/getNodeGroup:getNodeGroup", { clusterName: "prod-east", nodeGroupName: name }) as aws.eks.GetNodeGroupResult)) as Record<string, unknown>;
const descriptions = { "ng-general": described("ng-general"), "ng-batch": described("ng-batch") };

const adopted = (name: string, props: Record<string, unknown>, options: { protect?: boolean; retainOnDelete?: boolean } = {}): Declared => ({
    type: "aws:eks/nodeGroup:NodeGroup", name: `legacy-groups-${name}`, parents: ["eks-cilium-migration:index:LegacyNodeGroups"],
    props, protect: options.protect, ...(options.retainOnDelete !== undefined ? { extraOptions: { retainOnDelete: options.retainOnDelete } } : {}),
});
const twin = (name: string, protect: boolean): Declared => ({
    type: "aws:eks/nodeGroup:NodeGroup", name: `cilium-twins-${name}`, parents: ["eks-cilium-migration:index:CiliumTwins"],
    props: { ...described("ng-general"), nodeGroupName: name, labels: { cni: "cilium" } }, protect,
});
const atZero = (props: Record<string, unknown>) => ({ ...props, scalingConfig: { minSize: 0, desiredSize: 0, maxSize: 12 } });

describe("policy: no-node-group-replacement", () => {
    it("fails an adopted group declared with other instance types, subnets in another set, or a new launch template", async () => {
        const general = described("ng-general");
        const batch = described("ng-batch") as { launchTemplate: { id: string; version: string } };
        const outcome = await validateStack(noNodeGroupReplacement, [
            adopted("ng-general", { ...general, instanceTypes: ["m7i.xlarge"], subnetIds: ["subnet-0a1f2e3d4c5b6a701"] }),
            adopted("ng-batch", { ...batch, launchTemplate: { id: "lt-0123456789abcdef0", version: "1" } }),
        ], { descriptions });
        assert.deepStrictEqual(outcome.messages, [
            "adopted node group ng-general: `instanceTypes` is [\"m7i.xlarge\"] but the group has [\"m6i.xlarge\",\"m6a.xlarge\"]; changing it replaces the group and every node in it.",
            "adopted node group ng-general: `subnetIds` is [\"subnet-0a1f2e3d4c5b6a701\"] but the group has [\"subnet-0a1f2e3d4c5b6a701\",\"subnet-0b2e3d4c5b6a70812\",\"subnet-0c3d4c5b6a7081923\"]; changing it replaces the group and every node in it.",
            "adopted node group ng-batch: `launchTemplate.id` is \"lt-0123456789abcdef0\" but the group has \"lt-0f3c9a2b7d1e5c846\"; changing it replaces the group and every node in it.",
        ]);
    });

    it("passes label, taint, scaling and launch template version changes, and subnets in another order", async () => {
        const general = described("ng-general") as { subnetIds: string[] };
        const batch = described("ng-batch") as { launchTemplate: { id: string; version: string } };
        const outcome = await validateStack(noNodeGroupReplacement, [
            adopted("ng-general", { ...atZero(general), subnetIds: [...general.subnetIds].reverse(), labels: { cni: "aws-cni" }, taints: [{ key: "eks-cilium-migration/retiring", value: "true", effect: "NO_SCHEDULE" }] }),
            adopted("ng-batch", { ...batch, launchTemplate: { ...batch.launchTemplate, version: "5" } }),
        ], { descriptions });
        assert.deepStrictEqual(outcome, { messages: [] });
    });

    it("judges nothing of an adopted group it has no description of (the plan's diff shows its changes)", async () => {
        const outcome = await validateStack(noNodeGroupReplacement, [adopted("ng-general", { ...described("ng-general"), instanceTypes: ["m7i.xlarge"] })]);
        assert.deepStrictEqual(outcome, { messages: [] });
    });

    it("fails a NodePool patch that touches spec.template; passes one that changes only limits", async () => {
        const patch = (spec: unknown): Declared => ({ type: "kubernetes:karpenter.sh/v1:NodePoolPatch", name: "general-pin", props: { metadata: { name: "general" }, spec } });
        const outcome = await validateStack(noNodeGroupReplacement, [patch({ template: { metadata: { labels: { cni: "aws-cni" } } } }), patch({ limits: { cpu: "100" } })]);
        assert.deepStrictEqual(outcome.messages, ["NodePool patch general-pin sets spec.template: Karpenter replaces every node whose NodePool template changes (drift)."]);
    });
});

describe("policy: protected-production", () => {
    const general = described("ng-general");

    it("fails an adopted group that may hold nodes and is neither protected nor retained, and an unprotected twin", async () => {
        const outcome = await validateStack(protectedProduction, [adopted("ng-general", general, { protect: false, retainOnDelete: false }), twin("ng-general-cilium", false)]);
        assert.deepStrictEqual(outcome.messages, [
            "adopted node group ng-general is neither protected nor retainOnDelete: removing it from the program, or a destroy, would delete a group another tool made.",
            "Cilium node group ng-general-cilium is not protected: it carries every workload once the migration is done.",
        ]);
    });

    it("fails an adopted group at zero that the planner knows is not retained, unless deleteLegacyNodeGroups", async () => {
        const declared = [adopted("ng-general", atZero(general), { protect: false, retainOnDelete: false })];
        assert.deepStrictEqual((await validateStack(protectedProduction, declared)).messages,
            ["adopted node group ng-general is neither protected nor retainOnDelete: removing it from the program, or a destroy, would delete a group another tool made."]);
        assert.deepStrictEqual(await validateStack(protectedProduction, declared, { deleteLegacyNodeGroups: true }), { messages: [] });
    });

    it("passes protected groups, a retained group at zero, and twins protected", async () => {
        const outcome = await validateStack(protectedProduction, [
            adopted("ng-general", general, { protect: true, retainOnDelete: true }),
            adopted("ng-batch", atZero(described("ng-batch")), { protect: false, retainOnDelete: true }),
            twin("ng-general-cilium", true),
        ]);
        assert.deepStrictEqual(outcome, { messages: [] });
    });

    it("under pulumi preview (no retainOnDelete in the options) accepts an unprotected group only at zero", async () => {
        assert.deepStrictEqual(await validateStack(protectedProduction, [adopted("ng-general", atZero(general))]), { messages: [] });
        assert.deepStrictEqual((await validateStack(protectedProduction, [adopted("ng-general", general)])).messages,
            ["adopted node group ng-general is neither protected nor retainOnDelete: removing it from the program, or a destroy, would delete a group another tool made."]);
    });
});
