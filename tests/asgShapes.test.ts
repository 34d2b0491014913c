/**
 * The ASG snapshot files are what the AWS CLI writes: the CLI's own published outputs and the example cluster's files
 * (examples/prod-mixed) conform to botocore's Auto Scaling and EC2 shapes, and the planner's answers built from them
 * carry what AWS returned (the data sources' shapes, @pulumi/aws 7.48).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { groupResult, launchTemplateResult } from "../plan/asgSnapshot";
import { AutoScalingGroup, LaunchTemplateVersion, asgByInstance, launchTemplateOf, resolveVersion } from "../clusterReader/autoScalingGroups";
import { AWS_CLI_EXAMPLES, exampleOutputs } from "./support/awsCliExamples";
import { botocoreShapes, shapeErrors } from "./support/botocoreShapes";
import { PROJECT_ROOT } from "./support/paths";

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const AS = botocoreShapes("autoscaling-shapes.json");
const EC2 = botocoreShapes("ec2-launch-template-versions-shapes.json");
const example = (f: string): Json => JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "examples", "prod-mixed", f), "utf8"));

describe("self-managed node groups: the files are the AWS CLI's", () => {
    it("the AWS CLI's published outputs conform to botocore's shapes (the extracts are the right ones)", () => {
        const groups = exampleOutputs("autoscaling-describe-auto-scaling-groups.rst")[0] as Json;
        assert.deepStrictEqual(shapeErrors(AS, groups, "AutoScalingGroupsType"), []);
        // This page indents its output by two spaces (the helper reads four): the JSON after "Output::" is the rest of the page.
        const page = fs.readFileSync(path.join(AWS_CLI_EXAMPLES, "ec2-describe-launch-template-versions.rst"), "utf8");
        const versions = JSON.parse(page.slice(page.indexOf("Output::") + "Output::".length)) as Json;
        assert.deepStrictEqual(shapeErrors(EC2, versions, "DescribeLaunchTemplateVersionsResult"), []);
        // And what we read of them.
        const g = groups.AutoScalingGroups[0] as AutoScalingGroup;
        assert.deepStrictEqual(launchTemplateOf(g), { LaunchTemplateName: "my-launch-template", Version: "1", LaunchTemplateId: "lt-1234567890abcde12" });
        assert.deepStrictEqual(asgByInstance([g]), { "i-06905f55584de02da": "my-asg" });
        const v = versions.LaunchTemplateVersions as LaunchTemplateVersion[];
        assert.strictEqual(resolveVersion({ LaunchTemplateId: "lt-068f72b72934aff71", Version: "$Default" }, v)?.VersionNumber, 1);
        assert.strictEqual(resolveVersion({ LaunchTemplateId: "lt-068f72b72934aff71", Version: "$Latest" }, v)?.LaunchTemplateData.InstanceType, "t2.small");
    });
    it("the example cluster's files conform too", () => {
        assert.deepStrictEqual(shapeErrors(AS, example("autoscaling-groups.json"), "AutoScalingGroupsType"), []);
        assert.deepStrictEqual(shapeErrors(EC2, example("launch-template-versions.json"), "DescribeLaunchTemplateVersionsResult"), []);
    });
    it("the planner's answers: the group's template reference (own or mixed-instances), the template's latest version", () => {
        const [al2, al2023] = example("autoscaling-groups.json").AutoScalingGroups as AutoScalingGroup[];
        const mixed = groupResult(al2);
        assert.deepStrictEqual(mixed.launchTemplates, []);
        assert.deepStrictEqual(mixed.mixedInstancesPolicies[0].launchTemplates[0].launchTemplateSpecifications,
            [{ launchTemplateId: "lt-0a7c41d9e2b3f5a61", launchTemplateName: "prod-mixed-batch-al2", version: "$Latest" }]);
        assert.deepStrictEqual(groupResult(al2023).launchTemplates, [{ id: "lt-0e93b8c2d1f4a6b70", name: "prod-mixed-batch-al2023", version: "3" }]);
        assert.deepStrictEqual(groupResult(al2023).tags.filter((t) => t.propagateAtLaunch).map((t) => t.key), ["Name", "k8s.io/cluster/prod-mixed", "kubernetes.io/cluster/prod-mixed"]);
        const t = launchTemplateResult(example("launch-template-versions.json").LaunchTemplateVersions, { id: "lt-0e93b8c2d1f4a6b70" });
        assert.deepStrictEqual([t.latestVersion, t.defaultVersion, t.imageId], [3, 1, "ami-0f9e8d7c6b5a49382"]);
        assert.throws(() => launchTemplateResult([], { id: "lt-0" }), /couldn't find resource: launch template lt-0 has no version in launch-template-versions\.json/);
    });
});
