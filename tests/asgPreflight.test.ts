/** Self-managed node groups in preflight and the node rule: an ASG's node is found by its instance id, in its configured pool. */
import * as assert from "assert";
import * as path from "path";
import { main as gateMain } from "../gates/cli";
import { PROJECT_ROOT } from "./support/paths";
import { inConfiguredPool, instanceIdOf } from "../migration/nodeRule";
import { asgInputProblem } from "../preflight/asgChecks";
import { configuredPoolOf } from "../preflight/objects";
import { DEFAULT_OPTIONS, PreflightInput } from "../preflight/types";
import { parseAutoScalingGroups } from "../stacks/asgConfig";
import { resolveVersion } from "../clusterReader/autoScalingGroups";
import { Problems } from "../stacks/validate";

const NODE = { metadata: { name: "ip-10-0-1-5.ec2.internal", labels: { "kubernetes.io/os": "linux", "alpha.eksctl.io/nodegroup-name": "ng-1" } },
    spec: { providerID: "aws:///us-east-1a/i-0123456789abcdef0" } };
const INPUT: PreflightInput = {
    autoscalinggroups: [{ AutoScalingGroupName: "ng-self", MinSize: 1, MaxSize: 2, DesiredCapacity: 1, Instances: [{ InstanceId: "i-0123456789abcdef0" }] }],
    launchtemplateversions: [],
};

describe("self-managed node groups: which pool an ASG node is in", () => {
    it("reads the instance id from providerID (aws:///zone/id) and nothing else", () => {
        assert.strictEqual(instanceIdOf("aws:///us-east-1a/i-0123456789abcdef0"), "i-0123456789abcdef0");
        assert.strictEqual(instanceIdOf("aws:///us-east-1a/fargate-ip-10-0-1-5"), undefined);
        assert.strictEqual(instanceIdOf(undefined), undefined);
    });
    it("an ASG node is in its configured pool only when the stack names its group", () => {
        assert.strictEqual(configuredPoolOf(NODE, { ...DEFAULT_OPTIONS, asgs: ["ng-self"] }, INPUT), "ng-self");
        assert.strictEqual(configuredPoolOf(NODE, { ...DEFAULT_OPTIONS, asgs: ["other"] }, INPUT), undefined);
        assert.strictEqual(configuredPoolOf(NODE, DEFAULT_OPTIONS, INPUT), undefined);
        const pools = { asgs: ["ng-self"], asgInstances: { "i-0123456789abcdef0": "ng-self" } };
        assert.strictEqual(inConfiguredPool(NODE.metadata.labels, pools, NODE.spec.providerID), true);
        assert.strictEqual(inConfiguredPool(NODE.metadata.labels, { ...pools, asgs: [] }, NODE.spec.providerID), false);
        assert.strictEqual(inConfiguredPool(NODE.metadata.labels, pools, "aws:///us-east-1a/i-0fffffffffffffff0"), false);
    });
    it("a stack naming groups: both files needed (exit 2 naming the file), and every group named must be in them", () => {
        const o = { ...DEFAULT_OPTIONS, asgs: ["ng-self", "ng-gone"] };
        assert.strictEqual(asgInputProblem(DEFAULT_OPTIONS, {}, "snap"), undefined);
        assert.strictEqual(asgInputProblem(o, { autoscalinggroups: [] }, "snap"),
            "snap: launch-template-versions.json is missing, and the stack names Auto Scaling groups (ng-self, ng-gone) in `existingCluster.autoScalingGroups` " +
            "({\"LaunchTemplateVersions\": [the versions of each aws ec2 describe-launch-template-versions --launch-template-id ID, one call per template the ASGs use]}, or npm run snapshot)");
        assert.strictEqual(asgInputProblem(o, INPUT, "snap"),
            "snap: `existingCluster.autoScalingGroups` names ng-gone, which autoscaling-groups.json does not have (its Auto Scaling groups: ng-self). " +
            "It holds only the groups tagged kubernetes.io/cluster/<cluster>, and the twin and the gates need that tag too: check the name, and that the " +
            "group carries the tag; tag it, then take a new snapshot");
        assert.match(asgInputProblem(o, { ...INPUT, cluster: { name: "prod-east" } }, "snap") ?? "", / It holds only the groups tagged kubernetes\.io\/cluster\/prod-east, /);
    });
    it("$Latest, $Default and a number resolve to the version the group launches", () => {
        const v = (n: number, d = false) => ({ LaunchTemplateId: "lt-1", VersionNumber: n, DefaultVersion: d, LaunchTemplateData: {} });
        const versions = [v(1), v(2, true), v(3)];
        assert.strictEqual(resolveVersion({ LaunchTemplateId: "lt-1", Version: "$Latest" }, versions)?.VersionNumber, 3);
        assert.strictEqual(resolveVersion({ LaunchTemplateId: "lt-1", Version: "$Default" }, versions)?.VersionNumber, 2);
        assert.strictEqual(resolveVersion({ LaunchTemplateId: "lt-1" }, versions)?.VersionNumber, 2);
        assert.strictEqual(resolveVersion({ LaunchTemplateId: "lt-1", Version: "1" }, versions)?.VersionNumber, 1);
        assert.strictEqual(resolveVersion({ LaunchTemplateId: "lt-2", Version: "1" }, versions), undefined);
    });
    it("`existingCluster.autoScalingGroups`: a list of names, each once", () => {
        const p = new Problems();
        assert.deepStrictEqual(parseAutoScalingGroups(p, ["eks-ng-a", "ng-b"]), ["eks-ng-a", "ng-b"]);
        parseAutoScalingGroups(p, ["a", "a"]);
        parseAutoScalingGroups(p, "a");
        assert.deepStrictEqual(p.list, ["`existingCluster.autoScalingGroups` lists a group twice: [\"a\",\"a\"].",
            "`existingCluster.autoScalingGroups` is \"a\"; it must be a non-empty list of Auto Scaling group names (1–255 characters, no ':')."]);
    });
});

describe("self-managed node groups: the gates' --legacy-asgs", function () {
    this.timeout(60000);
    const EXAMPLE = path.join(PROJECT_ROOT, "examples", "prod-mixed");
    const gate = async (argv: string[]) => {
        const lines: string[] = [];
        const code = await gateMain(argv, (s) => lines.push(s), {});
        return { code, lines };
    };
    it("an ASG's nodes are in their pool by the snapshot's autoscaling-groups.json; a group not named leaves its nodes outside", async () => {
        const all = await gate(["legacy-drained", "--snapshot", EXAMPLE, "--legacy-nodegroups", "ng-general", "--legacy-asgs", "prod-mixed-batch-al2,prod-mixed-batch-al2023"]);
        assert.ok(all.lines.includes("legacy-drained: every legacy node is in a configured legacy pool"), all.lines.join("\n"));
        const one = await gate(["legacy-drained", "--snapshot", EXAMPLE, "--legacy-nodegroups", "ng-general", "--legacy-asgs", "prod-mixed-batch-al2"]);
        const outside = one.lines.filter((l) => /is in no configured legacy pool/.test(l));
        assert.deepStrictEqual(outside.map((l) => /node (\S+)/.exec(l)?.[1]), ["ip-10-20-0-73.us-east-2.compute.internal", "ip-10-20-32-80.us-east-2.compute.internal"]);
    });
});
