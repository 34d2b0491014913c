/**
 * `asg-instance-tag`: cilium-operator's IAM statements attach ENIs only to instances whose `eks:cluster-name` (or
 * `eks:eks-cluster-name`) tag *equals* the cluster's name (StringEquals, components/cilium/iamPolicy.ts): a tag with
 * another value is no better than none.
 */
import * as assert from "assert";
import { ciliumOperatorPolicy } from "../components/cilium/iamPolicy";
import { ASG_CHECKS } from "../preflight/asgChecks";
import { DEFAULT_OPTIONS, PreflightInput } from "../preflight/types";

const check = ASG_CHECKS.find((c) => c.id === "asg-instance-tag");
const inputWith = (value: string): PreflightInput => ({
    cluster: { name: "prod-east" },
    autoscalinggroups: [{ AutoScalingGroupName: "ng-self", MinSize: 1, MaxSize: 3, DesiredCapacity: 2, Instances: [],
        LaunchTemplate: { LaunchTemplateId: "lt-0abc", Version: "$Latest" }, Tags: [{ Key: "eks:cluster-name", Value: value, PropagateAtLaunch: true }] }],
    launchtemplateversions: [{ LaunchTemplateId: "lt-0abc", VersionNumber: 1, DefaultVersion: true, LaunchTemplateData: {} }],
});
const run = (input: PreflightInput) => check?.run({ input, options: { ...DEFAULT_OPTIONS, asgs: ["ng-self"] } } as Parameters<NonNullable<typeof check>["run"]>[0]);

describe("preflight asg-instance-tag: the tag's value must be the cluster's name", () => {
    it("the operator's IAM condition is StringEquals on the cluster's name", () => {
        const policy = ciliumOperatorPolicy({ vpcId: "vpc-1", clusterName: "prod-east" });
        const attach = policy.Statement.find((s) => s.Sid === "AttachToManagedNodeGroupNodes");
        assert.deepStrictEqual(attach?.Condition, { StringEquals: { "aws:ResourceTag/eks:cluster-name": "prod-east" } });
    });
    it("eks:cluster-name=prod-east: nothing found; eks:cluster-name=staging: found, the value named", () => {
        assert.deepStrictEqual(run(inputWith("prod-east")), []);
        assert.deepStrictEqual(run(inputWith("staging"))?.map((h) => h.message), ["the instances of Auto Scaling group ng-self carry eks:cluster-name=staging, " +
            "not the cluster's name (prod-east): cilium-operator's IAM policy (StringEquals) manages ENIs only on instances tagged with the cluster's name. " +
            "Its twin tags its own instances with eks:cluster-name."]);
    });
});
