/**
 * The twin launch template as decided from what the provider's data sources say (components/autoScalingGroups/twinAsg.ts),
 * for a legacy template whose security groups sit on its network interface (terraform-aws-eks writes that form when a
 * group sets `associate_public_ip_address`): EC2 takes security groups on the template or on its interfaces, never both.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { twinLaunchTemplateArgs } from "../components/autoScalingGroups/twinAsg";
import { groupResult, launchTemplateResult } from "../plan/asgSnapshot";
import { PROJECT_ROOT } from "./support/paths";

const EXAMPLE = path.join(PROJECT_ROOT, "examples", "prod-mixed");
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const read = (f: string): Json => JSON.parse(fs.readFileSync(path.join(EXAMPLE, f), "utf8"));

describe("self-managed node groups: the twin launch template's network settings", () => {
    it("security groups on the legacy's network interface stay there (device index 0 kept, booleans as the provider's strings)", () => {
        const versions = read("launch-template-versions.json").LaunchTemplateVersions.filter((v: Json) => v.LaunchTemplateName === "prod-mixed-batch-al2023");
        const latest = versions.find((v: Json) => v.VersionNumber === 3).LaunchTemplateData;
        latest.NetworkInterfaces = [{ DeviceIndex: 0, AssociatePublicIpAddress: true, DeleteOnTermination: true, Groups: latest.SecurityGroupIds }];
        delete latest.SecurityGroupIds;
        const group = read("autoscaling-groups.json").AutoScalingGroups.find((g: Json) => g.AutoScalingGroupName === "prod-mixed-batch-al2023");
        const src = { name: "prod-mixed-batch-al2023", group: groupResult(group), template: launchTemplateResult(versions, { id: "lt-0e93b8c2d1f4a6b70" }) };
        const args = twinLaunchTemplateArgs(src, { twinName: "prod-mixed-batch-al2023-cilium", clusterName: "prod-mixed", userData: "dXNlcg==", tags: {} });
        assert.deepStrictEqual(args.networkInterfaces, [{
            deviceIndex: 0, securityGroups: ["sg-0d1e2f3a4b5c6d7e8", "sg-0b8d4f0e3c2a5b7c9"], associatePublicIpAddress: "true", deleteOnTermination: "true",
        }]);
        assert.strictEqual(args.vpcSecurityGroupIds, undefined);
    });
});
