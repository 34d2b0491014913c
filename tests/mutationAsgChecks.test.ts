// The self-managed group checks on groups shaped as `aws autoscaling describe-auto-scaling-groups` and
// `aws ec2 describe-launch-template-versions` return them: a group on a launch configuration, groups the stack does
// not name, tags set both ways, and a snapshot without cluster.json (the tag's value cannot then be judged).
import * as assert from "assert";
import { ASG_CHECKS, asgInputProblem } from "../preflight/asgChecks";
import { DEFAULT_OPTIONS, PreflightInput } from "../preflight/types";

type Tag = { Key: string; Value: string; PropagateAtLaunch: boolean };
const onTemplate = (name: string, tags: Tag[]) => ({ AutoScalingGroupName: name, MinSize: 1, MaxSize: 3, DesiredCapacity: 2, Instances: [],
    LaunchTemplate: { LaunchTemplateId: "lt-0abc", LaunchTemplateName: `${name}-lt`, Version: "$Latest" }, Tags: tags });
const onConfiguration = (name: string) => ({ AutoScalingGroupName: name, MinSize: 1, MaxSize: 3, DesiredCapacity: 2, Instances: [],
    LaunchConfigurationName: `${name}-lc-20240101`, Tags: [] });
const VERSIONS = [{ LaunchTemplateId: "lt-0abc", VersionNumber: 1, DefaultVersion: true, LaunchTemplateData: {} }];
const tag = (Key: string, Value: string): Tag => ({ Key, Value, PropagateAtLaunch: true });

function run(id: string, input: PreflightInput, asgs: string[]) {
    const check = ASG_CHECKS.find((c) => c.id === id);
    return check?.run({ input, options: { ...DEFAULT_OPTIONS, asgs } } as Parameters<NonNullable<typeof check>["run"]>[0]) ?? [];
}

describe("asg-launch-configuration", () => {
    it("names the launch configuration of a named group; a group the stack does not name is not judged", () => {
        const input = { cluster: { name: "prod-east" }, autoscalinggroups: [onConfiguration("ng-old"), onConfiguration("ng-not-ours")], launchtemplateversions: [] };
        assert.deepStrictEqual(run("asg-launch-configuration", input, ["ng-old"]).map((f) => [f.objects, f.message]), [[["ng-old"],
            "Auto Scaling group ng-old launches from a launch configuration (ng-old-lc-20240101), not a launch template: its Cilium twin is built from a launch template version."]]);
    });
});

describe("asg-instance-tag", () => {
    it("leaves a group on a launch configuration to asg-launch-configuration, and groups the stack does not name alone", () => {
        const input = { cluster: { name: "prod-east" }, autoscalinggroups: [onConfiguration("ng-old"), onTemplate("ng-other", [])], launchtemplateversions: VERSIONS };
        assert.deepStrictEqual(run("asg-instance-tag", input, ["ng-old"]), []);
    });

    it("names both tags when both carry another cluster's name", () => {
        const input = { cluster: { name: "prod-east" }, autoscalinggroups: [onTemplate("ng-self", [tag("eks:cluster-name", "staging"), tag("eks:eks-cluster-name", "staging")])], launchtemplateversions: VERSIONS };
        assert.match(run("asg-instance-tag", input, ["ng-self"])[0]?.message ?? "",
            /^the instances of Auto Scaling group ng-self carry eks:cluster-name=staging and eks:eks-cluster-name=staging, not the cluster's name \(prod-east\)/);
    });

    it("without cluster.json: a tag with any value passes (its value cannot be judged), no tag at all is still found", () => {
        const input = (tags: Tag[]) => ({ autoscalinggroups: [onTemplate("ng-self", tags)], launchtemplateversions: VERSIONS });
        assert.deepStrictEqual(run("asg-instance-tag", input([tag("eks:eks-cluster-name", "whatever")]), ["ng-self"]), []);
        assert.match(run("asg-instance-tag", input([tag("team", "payments")]), ["ng-self"])[0]?.message ?? "",
            /^the instances of Auto Scaling group ng-self carry neither eks:cluster-name nor eks:eks-cluster-name \(no group tag with PropagateAtLaunch/);
    });
});

describe("asgInputProblem: every named group must be in the snapshot", () => {
    const o = { ...DEFAULT_OPTIONS, asgs: ["ng-a", "ng-b", "ng-gone", "ng-lost"] };
    it("names every missing group and every group the file has, each list comma-separated", () => {
        const input = { autoscalinggroups: [onTemplate("ng-a", []), onTemplate("ng-b", [])], launchtemplateversions: VERSIONS };
        assert.match(asgInputProblem(o, input, "snap") ?? "",
            /^snap: `existingCluster\.autoScalingGroups` names ng-gone, ng-lost, which autoscaling-groups\.json does not have \(its Auto Scaling groups: ng-a, ng-b\)\. /);
    });
    it("says none when the file has no group, and nothing when every named group is there", () => {
        assert.match(asgInputProblem(o, { autoscalinggroups: [], launchtemplateversions: [] }, "snap") ?? "", /\(its Auto Scaling groups: none\)\. /);
        const all = { autoscalinggroups: o.asgs.map((n) => onTemplate(n, [])), launchtemplateversions: VERSIONS };
        assert.strictEqual(asgInputProblem(o, all, "snap"), undefined);
    });
});
