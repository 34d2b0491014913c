// Every legacy pool's subnets (clusterReader/poolSubnets.ts, preflight/pool.ts): read from the AWS CLI's own
// describe-auto-scaling-groups example (VPCZoneIdentifier) and an EC2NodeClass valid for Karpenter's CRD
// (status.subnets); described in one describe-subnets call after the files naming them; judged by subnet-capacity
// and the zones zonal-volume uses, twin by twin; a subnet subnets.json lacks is reported, named.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { asgSubnetIds, describePoolSubnets, ec2NodeClassOf, nodeClassSubnets, poolSubnetIds } from "../clusterReader/poolSubnets";
import { defaultNodePools } from "../preflight/karpenterChecks";
import { ciliumPoolSubnets } from "../preflight/pool";
import { readPreflightSnapshotForChecks } from "../preflight/read";
import { preflightContext, runPreflight } from "../preflight/run";
import { DEFAULT_OPTIONS, Finding, PreflightInput, PreflightOptions } from "../preflight/types";
import { exampleOutputs } from "./support/awsCliExamples";
import { KARPENTER_FIXTURES, validateEc2NodeClass } from "./support/karpenterObjects";
import { PROJECT_ROOT } from "./support/paths";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const example = (name: string): PreflightInput => readPreflightSnapshotForChecks(path.join(PROJECT_ROOT, "examples", name));
const MIXED_ASGS = ["prod-mixed-batch-al2", "prod-mixed-batch-al2023"];
const mixedOptions: PreflightOptions = { ...DEFAULT_OPTIONS, asgs: MIXED_ASGS };
const karpenterOptions = (input: PreflightInput): PreflightOptions => ({ ...DEFAULT_OPTIONS, nodePools: defaultNodePools(input) });
const capacity = (input: PreflightInput, options: PreflightOptions): Finding[] => runPreflight(input, options).findings.filter((f) => f.id === "subnet-capacity");
const PRIVATE = ["subnet-0a1f2e3d4c5b6a701", "subnet-0b2e3d4c5b6a70812", "subnet-0c3d4c5b6a7081923"];

describe("pool subnets: what names them", () => {
    it("an Auto Scaling group's subnets are its VPCZoneIdentifier, comma-separated (the AWS CLI's published example)", () => {
        const published = exampleOutputs("autoscaling-describe-auto-scaling-groups.rst").find((o) => (o as Obj)?.AutoScalingGroups) as Obj;
        assert.deepStrictEqual(asgSubnetIds(published.AutoScalingGroups[0]), ["subnet-5ea0c127", "subnet-6194ea3b", "subnet-c934b782"]);
        assert.deepStrictEqual(asgSubnetIds({ VPCZoneIdentifier: "" }), []);
        assert.deepStrictEqual(asgSubnetIds({}), []);
    });

    it("a NodePool's subnets are its EC2NodeClass's status.subnets (valid for Karpenter's CRD); none before Karpenter resolves them", () => {
        const input = example("karpenter-east");
        const [nodeClass] = input.ec2nodeclasses?.items ?? [];
        assert.deepStrictEqual(validateEc2NodeClass(nodeClass), []);
        assert.deepStrictEqual(nodeClassSubnets(nodeClass), [
            { id: PRIVATE[0], zone: "us-east-2a" }, { id: PRIVATE[1], zone: "us-east-2b" }, { id: PRIVATE[2], zone: "us-east-2c" }]);
        assert.strictEqual(nodeClassSubnets({ ...nodeClass, status: undefined }), undefined);
        assert.deepStrictEqual((input.nodepools?.items ?? []).map(ec2NodeClassOf), ["default", "default"]);
        assert.strictEqual(ec2NodeClassOf({ spec: { template: { spec: { nodeClassRef: { kind: "OtherNodeClass", name: "x" } } } } }), undefined);
    });

    it("Karpenter launches into its EC2NodeClass's status.subnets only, and not at all without them (its subnet provider's source)", () => {
        const go = fs.readFileSync(path.join(KARPENTER_FIXTURES, "core", "subnet-provider.go"), "utf8");
        const launch = go.slice(go.indexOf("func (p *DefaultProvider) ZonalSubnetsForLaunch"));
        assert.match(launch, /^func[^\n]*\{\n\tif len\(nodeClass\.Status\.Subnets\) == 0 \{\n\t\treturn nil, fmt\.Errorf\("no subnets matched selector/);
        const loops = launch.slice(0, launch.indexOf("\n}\n")).match(/for _, subnet := range ([\w.]+) \{/g) ?? [];
        // zonalSubnets, the result, is filled in the loop over status.subnets: no other source of subnets.
        assert.deepStrictEqual([...new Set(loops)], ["for _, subnet := range nodeClass.Status.Subnets {", "for _, subnet := range zonalSubnets {"]);
        assert.match(launch, /zonalSubnets := map\[string\]\*Subnet\{\}/);
    });

    it("the union: the cluster's, every node group's, every ASG's, and the EC2NodeClasses NodePools use (not an unused one)", () => {
        const ids = poolSubnetIds({
            cluster: { resourcesVpcConfig: { subnetIds: ["subnet-c", "subnet-a"] } },
            nodegroups: [{ subnets: ["subnet-a", "subnet-b"] }],
            autoScalingGroups: [{ VPCZoneIdentifier: "subnet-d,subnet-a" }],
            nodePools: [{ spec: { template: { spec: { nodeClassRef: { kind: "EC2NodeClass", name: "used" } } } } }],
            ec2NodeClasses: [{ metadata: { name: "used" }, status: { subnets: [{ id: "subnet-e", zone: "z" }] } },
                { metadata: { name: "unused" }, status: { subnets: [{ id: "subnet-f", zone: "z" }] } }],
        });
        assert.deepStrictEqual(ids, ["subnet-a", "subnet-b", "subnet-c", "subnet-d", "subnet-e"]);
    });

    it("describes them by the subnet-id filter (a deleted subnet drops out instead of failing the call), and makes no call for none", async () => {
        const calls: string[][] = [];
        const aws = async (args: string[]) => { calls.push(args); return "{\"Subnets\": []}"; };
        await describePoolSubnets(aws, ["subnet-a", "subnet-b"]);
        assert.deepStrictEqual(calls, [["ec2", "describe-subnets", "--filters", "Name=subnet-id,Values=subnet-a,subnet-b"]]);
        assert.deepStrictEqual(JSON.parse(await describePoolSubnets(aws, [])), { Subnets: [] });
        assert.strictEqual(calls.length, 1, "no ids: no call, which would describe every subnet of the account");
    });

    it("every example's subnets.json describes every subnet its pools name", () => {
        for (const name of ["prod-east", "prod-mixed", "karpenter-east", "calico-east"]) {
            const input = example(name);
            const named = poolSubnetIds({ cluster: input.cluster, nodegroups: input.nodegroups, autoScalingGroups: input.autoscalinggroups,
                nodePools: input.nodepools?.items, ec2NodeClasses: input.ec2nodeclasses?.items });
            const described = new Set((input.subnets ?? []).map((s) => s.SubnetId));
            assert.deepStrictEqual(named.filter((id) => !described.has(id)), [], name);
        }
    });
});

describe("pool subnets: preflight judges every twin", () => {
    it("prod-mixed: the twins of the node group and of both Auto Scaling groups, each with its subnets", () => {
        const input = example("prod-mixed");
        assert.deepStrictEqual(ciliumPoolSubnets(preflightContext(input, mixedOptions)), [
            { pool: "node group ng-general", file: "nodegroups.json", subnets: PRIVATE },
            { pool: "Auto Scaling group prod-mixed-batch-al2", file: "autoscaling-groups.json", subnets: PRIVATE.slice(0, 2) },
            { pool: "Auto Scaling group prod-mixed-batch-al2023", file: "autoscaling-groups.json", subnets: PRIVATE.slice(0, 2) },
        ]);
        // Not named by the stack: an ASG has no twin, so its subnets are nobody's.
        assert.deepStrictEqual(ciliumPoolSubnets(preflightContext(input, DEFAULT_OPTIONS)).map((p) => p.pool), ["node group ng-general"]);
    });

    it("subnet-capacity names the twins each subnet serves, and counts an ASG's desired capacity as new nodes", () => {
        const input = example("prod-mixed");
        for (const s of input.subnets ?? []) s.AvailableIpAddressCount = 12;
        (input.autoscalinggroups as Obj[])[0].DesiredCapacity = 10;
        const [f, ...more] = capacity(input, mixedOptions);
        assert.strictEqual(more.length, 0);
        // 6 node group + 10 + 2 ASG desired: 18 nodes (10 legacy nodes run now).
        assert.match(f.message, /^the Cilium pool's subnets have 36 free address\(es\); moving \d+ pod\(s\) onto 18 new node\(s\)/);
        assert.deepStrictEqual(f.objects, [
            "subnet-0a1f2e3d4c5b6a701 (us-east-2a): 12 free, for the twin(s) of node group ng-general, Auto Scaling group prod-mixed-batch-al2, Auto Scaling group prod-mixed-batch-al2023",
            "subnet-0b2e3d4c5b6a70812 (us-east-2b): 12 free, for the twin(s) of node group ng-general, Auto Scaling group prod-mixed-batch-al2, Auto Scaling group prod-mixed-batch-al2023",
            "subnet-0c3d4c5b6a7081923 (us-east-2c): 12 free, for the twin(s) of node group ng-general",
        ]);
    });

    it("an ASG subnet subnets.json lacks is reported, named with its group and file; judging the rest goes on", () => {
        const input = example("prod-mixed");
        (input.autoscalinggroups as Obj[])[1].VPCZoneIdentifier = `${PRIVATE[0]},subnet-0123456789abcdef0`;
        const [gap, ...more] = capacity(input, mixedOptions);
        assert.strictEqual(more.length, 0, "the described subnets have room");
        assert.strictEqual(gap.severity, "warning");
        assert.strictEqual(gap.message, "subnets.json does not describe every subnet the Cilium pool launches into: Auto Scaling group prod-mixed-batch-al2023: " +
            "subnet-0123456789abcdef0 (named in autoscaling-groups.json). Their free addresses are not counted here, and a zone only they reach is not known to zonal-volume.");
        assert.deepStrictEqual(gap.objects, ["Auto Scaling group prod-mixed-batch-al2023: subnet-0123456789abcdef0 (named in autoscaling-groups.json)"]);
        assert.match(gap.remedy, /^Take a new snapshot with npm run snapshot/);
        assert.deepStrictEqual(capacity(example("prod-mixed"), mixedOptions), []);
    });

    it("a managed node group named like a NodePool with legacy nodes ('default') is not taken for it: pools are told apart by kind", () => {
        const input = example("karpenter-east");
        const idle = { ...structuredClone((input.nodegroups as Obj[])[0]), nodegroupName: "default", subnets: ["subnet-0fedcba9876543210"] };
        (input.nodegroups as Obj[]).push(idle);
        assert.deepStrictEqual(ciliumPoolSubnets(preflightContext(input, karpenterOptions(input))).map((p) => p.pool),
            ["node group ng-system", "NodePool default (EC2NodeClass default)", "NodePool batch (EC2NodeClass default)"]);
    });

    it("karpenter-east: the NodePools' twins use their EC2NodeClass's subnets; a class without status.subnets is reported", () => {
        const input = example("karpenter-east");
        const options = karpenterOptions(input);
        assert.deepStrictEqual(ciliumPoolSubnets(preflightContext(input, options)).map((p) => [p.pool, p.subnets]), [
            ["node group ng-system", PRIVATE], ["NodePool default (EC2NodeClass default)", PRIVATE], ["NodePool batch (EC2NodeClass default)", PRIVATE]]);
        for (const s of input.subnets ?? []) s.AvailableIpAddressCount = 0;
        const [short] = capacity(input, options);
        assert.strictEqual(short.objects[2], "subnet-0c3d4c5b6a7081923 (us-east-2c): 0 free, for the twin(s) of node group ng-system, NodePool default (EC2NodeClass default), " +
            "NodePool batch (EC2NodeClass default)");

        const unresolved = example("karpenter-east");
        delete (unresolved.ec2nodeclasses?.items[0] as Obj).status;
        const [gap] = capacity(unresolved, options);
        assert.deepStrictEqual(gap.objects, ["NodePool default (EC2NodeClass default): its subnets are unknown (no EC2NodeClass `status.subnets` in ec2nodeclasses.json)",
            "NodePool batch (EC2NodeClass default): its subnets are unknown (no EC2NodeClass `status.subnets` in ec2nodeclasses.json)"]);
        // A class the file does not have: said so, not taken for one without status.
        (unresolved.ec2nodeclasses?.items[0] as Obj).metadata.name = "other";
        assert.strictEqual(capacity(unresolved, options)[0].objects[0],
            "NodePool default (EC2NodeClass default, not in ec2nodeclasses.json): its subnets are unknown (no EC2NodeClass `status.subnets` in ec2nodeclasses.json)");
    });

    it("a NodePool twin's zone comes from its EC2NodeClass when subnets.json lacks the subnet (zonal-volume's zones)", () => {
        const input = example("karpenter-east");
        const options = { ...karpenterOptions(input), legacy: { kind: "node-groups" as const, groups: [] } };
        const zones = (i: PreflightInput) => [...preflightContext(i, options).ciliumZones].sort();
        assert.deepStrictEqual(zones(input), ["us-east-2a", "us-east-2b", "us-east-2c"]);
        input.subnets = (input.subnets ?? []).filter((s) => s.SubnetId !== PRIVATE[2]);
        assert.deepStrictEqual(zones(input), ["us-east-2a", "us-east-2b", "us-east-2c"], "us-east-2c from the class's status.subnets");
        delete (input.ec2nodeclasses?.items[0] as Obj).status;
        assert.deepStrictEqual(zones(input), [], "no class subnets: the NodePool twins reach no known zone");
    });

});
