/**
 * Node auto repair on the live path: the AWS provider's getNodeGroup (7.48) does not return `nodeRepairConfig`, so the
 * program reads it with the AWS CLI (clusterReader/nodeRepair.ts) — here a fake runner answering with outputs shaped as
 * the real ones: the AWS CLI's own request skeleton (aws-cli 1.45.11, vendored) and describe-nodegroup objects checked
 * against botocore's EKS model. Every member the provider's NodeGroup declares reaches the twin; a failed read stops
 * the program before anything is declared.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { CommandResult, Runner } from "../clusterReader/awsCli";
import { NODE_REPAIR_MEMBERS, NODE_REPAIR_OVERRIDE_MEMBERS, liveNodeRepairReader, nodeRepairOf } from "../clusterReader/nodeRepair";
import { AwsSnapshot } from "../plan/awsSnapshot";
import { Evaluation, evaluate } from "../plan/evaluate";
import { RecordingMocks } from "../plan/mockRuntime";
import { INVOKED_LOOKUPS } from "../stacks/existingLookups";
import { undeclarableRepairNote } from "../stacks/nodeRepairFacts";
import { botocoreShapes, shapeErrors } from "./support/botocoreShapes";
import { EXAMPLE_SNAPSHOT, Json, existingStackConfig } from "./support/existingCluster";
import { AWS_CLI_EXAMPLES } from "./support/awsCliExamples";
import { find } from "./mocks";
import { PROJECT_ROOT } from "./support/paths";

const SHAPES = botocoreShapes("eks-shapes.json");
const SKELETON = fs.readFileSync(path.join(AWS_CLI_EXAMPLES, "eks-create-nodegroup-skeleton.json"), "utf8");
const GROUPS: Json[] = JSON.parse(fs.readFileSync(path.join(EXAMPLE_SNAPSHOT, "nodegroups.json"), "utf8")).nodegroups;
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";

/** Every member, as UpdateNodegroupConfig / CreateNodegroup accept them (botocore: NonZeroInteger, PercentCapacity, RepairAction). */
const FULL_REPAIR = {
    enabled: true, maxUnhealthyNodeThresholdPercentage: 20, maxParallelNodesRepairedCount: 1,
    nodeRepairConfigOverrides: [{ nodeMonitoringCondition: "AcceleratedHardwareReady", nodeUnhealthyReason: "NvidiaXID13Error", minRepairWaitTimeMins: 10, repairAction: "Reboot" }],
};

/** describe-nodegroup's output for a group of the example cluster, with `nodeRepairConfig`, printed as the CLI prints it. */
function described(name: string, repair: unknown): string {
    const group = { ...structuredClone(GROUPS.find((g) => g.nodegroupName === name)), ...(repair === undefined ? {} : { nodeRepairConfig: repair }) };
    return JSON.stringify({ nodegroup: group }, null, 4);
}

/** A fake AWS CLI: answers by subcommand, records every call. */
function fakeAws(answers: { skeleton?: CommandResult; describe?: (group: string) => CommandResult }) {
    const calls: string[][] = [];
    const run: Runner = async (command, args) => {
        calls.push([command, ...args]);
        if (args[1] === "create-nodegroup") return answers.skeleton ?? { code: 0, stdout: SKELETON, stderr: "" };
        if (args[1] === "describe-nodegroup") return (answers.describe ?? ((g) => ({ code: 0, stdout: described(g, FULL_REPAIR), stderr: "" })))(args[args.indexOf("--nodegroup-name") + 1]);
        return { code: 1, stdout: "", stderr: `unexpected ${args.join(" ")}` };
    };
    return { run, calls };
}

/** The program at phase 0 of the example cluster, its node repair read by `run`; the refusal, if any, and what was declared. */
async function programWith(run: Runner): Promise<{ e?: Evaluation; error?: string; declared: string[] }> {
    const snapshot = new AwsSnapshot(EXAMPLE_SNAPSHOT);
    const mocks = new RecordingMocks(undefined, (token, inputs) => snapshot.answer(token, inputs));
    try {
        const e = await evaluate({ config: existingStackConfig(), phase: 0, mocks, options: {
            lookups: { ...INVOKED_LOOKUPS, describeNodeRepair: liveNodeRepairReader(run) }, karpenter: async (_cluster, named) => snapshot.karpenter(named),
        } });
        return { e, declared: [] };
    } catch (err) {
        return { error: (err as Error).message, declared: mocks.resources.map((r) => r.type).filter((t) => t !== "pulumi:pulumi:StackReference") };
    }
}

describe("node auto repair, read live with the AWS CLI", function () {
    this.timeout(120000);

    it("carries every NodeRepairConfig member of botocore's EKS model, and the provider's NodeGroup declares each", () => {
        assert.deepStrictEqual(Object.keys(NODE_REPAIR_MEMBERS).sort(), Object.keys(SHAPES.NodeRepairConfig.members).sort());
        assert.deepStrictEqual(Object.keys(NODE_REPAIR_OVERRIDE_MEMBERS).sort(), Object.keys(SHAPES.NodeRepairConfigOverrides.members).sort());
        const input = fs.readFileSync(path.join(PROJECT_ROOT, "node_modules", "@pulumi", "aws", "types", "input.d.ts"), "utf8");
        const block = (name: string) => (new RegExp(`interface ${name} \\{([\\s\\S]*?)\\n    \\}`).exec(input) as RegExpExecArray)[1];
        for (const m of Object.keys(NODE_REPAIR_MEMBERS)) assert.match(block("NodeGroupNodeRepairConfig"), new RegExp(`\\n        ${m}\\??:`), m);
        for (const m of Object.keys(NODE_REPAIR_OVERRIDE_MEMBERS)) assert.match(block("NodeGroupNodeRepairConfigNodeRepairConfigOverride"), new RegExp(`\\n        ${m}:`), m);
        // The test data is the API's shape.
        assert.deepStrictEqual(shapeErrors(SHAPES, JSON.parse(described("ng-general", FULL_REPAIR)), "DescribeNodegroupResponse"), []);
        assert.deepStrictEqual(shapeErrors(SHAPES, JSON.parse(described("ng-general", { enabled: false })), "DescribeNodegroupResponse"), []);
    });

    it("reads each group with describe-nodegroup after checking the CLI's own model once, and the twin and legacy group get it whole", async () => {
        const { run, calls } = fakeAws({});
        const { e, error } = await programWith(run);
        assert.ok(e, error);
        for (const name of ["legacy-groups-ng-general", "cilium-twins-ng-general-cilium", "cilium-twins-ng-batch-cilium"]) {
            assert.deepStrictEqual(find(e, NODE_GROUP, name).inputs.nodeRepairConfig, FULL_REPAIR, name);
        }
        assert.deepStrictEqual(calls, [
            ["aws", "eks", "create-nodegroup", "--generate-cli-skeleton", "input", "--region", "us-east-2", "--output", "json"],
            ...["ng-batch", "ng-general"].map((g) => ["aws", "eks", "describe-nodegroup", "--cluster-name", "prod-east", "--nodegroup-name", g, "--region", "us-east-2", "--output", "json"]),
        ]);
    });

    it("a group the API describes without nodeRepairConfig gets none; `enabled: false` is kept as EKS returns it", async () => {
        const { run } = fakeAws({ describe: (g) => ({ code: 0, stdout: described(g, g === "ng-batch" ? undefined : { enabled: false }), stderr: "" }) });
        const { e, error } = await programWith(run);
        assert.ok(e, error);
        assert.strictEqual(find(e, NODE_GROUP, "cilium-twins-ng-batch-cilium").inputs.nodeRepairConfig, undefined);
        assert.deepStrictEqual(find(e, NODE_GROUP, "cilium-twins-ng-general-cilium").inputs.nodeRepairConfig, { enabled: false });
    });

    const refusals: [string, Parameters<typeof fakeAws>[0], string][] = [
        ["the AWS CLI missing", { skeleton: { code: 127, stdout: "", stderr: "aws: spawn aws ENOENT" } },
            "node group ng-batch's node auto repair (nodeRepairConfig) was not read: printing the AWS CLI's own CreateNodegroup request shape failed " +
            "(aws eks create-nodegroup --generate-cli-skeleton input): aws: spawn aws ENOENT."],
        ["access denied", { describe: () => ({ code: 254, stdout: "", stderr: "An error occurred (AccessDeniedException) when calling the DescribeNodegroup operation: not authorized" }) },
            "node group ng-batch's node auto repair (nodeRepairConfig) was not read: describing node group ng-batch failed (aws eks describe-nodegroup " +
            "--cluster-name prod-east --nodegroup-name ng-batch): An error occurred (AccessDeniedException) when calling the DescribeNodegroup operation: not authorized."],
        ["output that is not JSON", { describe: () => ({ code: 0, stdout: "nodegroup\tng-batch", stderr: "" }) },
            "node group ng-batch's node auto repair (nodeRepairConfig) was not read: aws eks describe-nodegroup --cluster-name prod-east --nodegroup-name ng-batch did not print JSON: nodegroup\tng-batch."],
        ["an AWS CLI older than the model's members", {
            skeleton: { code: 0, stdout: JSON.stringify({ ...JSON.parse(SKELETON), nodeRepairConfig: { enabled: true } }), stderr: "" },
        }, "node group ng-batch's node auto repair (nodeRepairConfig) was not read: the AWS CLI on the path does not know nodeRepairConfig's " +
            "maxUnhealthyNodeThresholdCount, maxUnhealthyNodeThresholdPercentage, maxParallelNodesRepairedCount, maxParallelNodesRepairedPercentage, " +
            "nodeRepairConfigOverrides (aws eks create-nodegroup --generate-cli-skeleton input leaves them out), so its describe-nodegroup would drop them."],
    ];
    for (const [what, answers, message] of refusals) {
        it(`${what}: the program stops before anything is declared, naming the command, the group and what to do`, async () => {
            const { error, declared } = await programWith(fakeAws(answers).run);
            assert.ok(error, "the program was expected to refuse");
            assert.strictEqual(error, `${message} The AWS provider's getNodeGroup does not return it, so the program reads it with the AWS CLI: ` +
                "put a current AWS CLI (v2 or v1: one that knows every nodeRepairConfig member) on the path of whoever runs pulumi, with the stack's " +
                "credentials and region (eks:DescribeNodegroup), then run again. Nothing was declared.");
            assert.deepStrictEqual(declared, []);
        });
    }

    it("a member the provider cannot declare is named in a note; a wrong type is refused", async () => {
        const newer = { ...FULL_REPAIR, repairScope: "NODE" };
        assert.deepStrictEqual(nodeRepairOf(newer), { config: FULL_REPAIR, undeclarable: ["repairScope"] });
        const { e, error } = await programWith(fakeAws({ describe: (g) => ({ code: 0, stdout: described(g, newer), stderr: "" }) }).run);
        assert.ok(e, error);
        assert.deepStrictEqual(find(e, NODE_GROUP, "cilium-twins-ng-general-cilium").inputs.nodeRepairConfig, FULL_REPAIR);
        assert.ok(e.notes.includes(undeclarableRepairNote("ng-general", ["repairScope"])), e.notes.join("\n"));
        assert.strictEqual(undeclarableRepairNote("ng-general", ["repairScope"]), "node group ng-general's nodeRepairConfig has repairScope, which the " +
            "AWS provider's NodeGroup (@pulumi/aws 7.48.0) cannot declare: its twin gets every other member of it; after phase 0, set it on the twin " +
            "yourself (aws eks update-nodegroup-config --node-repair-config).");
        assert.deepStrictEqual(nodeRepairOf({ enabled: "true" }), { problem: 'nodeRepairConfig.enabled is "true", not a boolean' });
        assert.deepStrictEqual(nodeRepairOf({ nodeRepairConfigOverrides: [{ nodeMonitoringCondition: "KernelReady", nodeUnhealthyReason: "x", repairAction: "Replace" }] }),
            { problem: "nodeRepairConfig.nodeRepairConfigOverrides[0].minRepairWaitTimeMins is undefined, not an integer" });
        const bad = await programWith(fakeAws({ describe: (g) => ({ code: 0, stdout: described(g, g === "ng-batch" ? { enabled: "yes" } : FULL_REPAIR), stderr: "" }) }).run);
        assert.strictEqual(bad.error, "node group ng-batch: aws eks describe-nodegroup says nodeRepairConfig.enabled is \"yes\", not a boolean, which is not " +
            "the EKS API's NodeRepairConfig; check the AWS CLI and the snapshot (npm run snapshot writes it unchanged).");
        assert.deepStrictEqual(bad.declared, []);
    });
});
