// The operator's EC2 actions against every version of Cilium's "Required Privileges" list that could be read here
// (tests/fixtures/real/cilium-docs/, Apache-2.0; which version is which, and why none is tied to a release tag, in its
// README). The program grants one policy for every supported chart line, so it must cover each of them.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ALWAYS_REQUIRED, CONDITIONALLY_REQUIRED, ciliumOperatorPolicy, operatorActions, policyActions } from "../components/cilium/iamPolicy";
import { FIXTURES } from "./support/paths";

const DOCS = path.join(FIXTURES, "real", "cilium-docs");
const VARIANTS = fs.readdirSync(DOCS).filter((f) => /^eni-required-privileges.*\.rst$/.test(f)).sort();

interface Block { heading: string; actions: string[] }

/** The section as blocks: the paragraph just before a list of actions, and the actions listed. */
function privilegeBlocks(text: string): Block[] {
    const blocks: Block[] = [];
    let paragraph: string[] = [];
    let blankSeen = false;
    for (const line of text.split("\n")) {
        const item = /^ \* ``([A-Za-z0-9]+)``$/.exec(line);
        if (item) {
            if (paragraph.length > 0) blocks.push({ heading: paragraph.join(" "), actions: [] });
            paragraph = [];
            assert.ok(blocks.length > 0, `an action before any paragraph: ${line}`);
            blocks[blocks.length - 1].actions.push(`ec2:${item[1]}`);
        } else if (line.trim() === "") {
            blankSeen = true;
        } else {
            if (blankSeen) paragraph = [];
            blankSeen = false;
            paragraph.push(line.trim());
        }
    }
    return blocks;
}

/** The blocks sorted by what they say: always, under a condition ("If …"), or optional. */
function classify(text: string) {
    const blocks = privilegeBlocks(text);
    const always = blocks.filter((b) => b.heading.includes("are required by the Cilium operator"));
    const conditional = blocks.filter((b) => b.heading.startsWith("If "));
    const optional = blocks.filter((b) => b.heading.includes("optional"));
    assert.strictEqual(always.length + conditional.length + optional.length, blocks.length, `every block is understood: ${JSON.stringify(blocks.map((b) => b.heading))}`);
    assert.strictEqual(always.length, 1);
    return { always: always[0].actions, conditional, optional: optional.flatMap((b) => b.actions) };
}

const READ_ONLY = /^ec2:(Describe|Get)/;

describe("the operator's EC2 actions against every version of Cilium's list", () => {
    it("three versions are vendored (cilium/cilium's newest, and two forks' copies)", () => {
        assert.deepStrictEqual(VARIANTS, ["eni-required-privileges.fork-datadog-2ec917a.rst", "eni-required-privileges.fork-nobidev-cdd16b9.rst", "eni-required-privileges.rst"]);
        const of = (file: string) => classify(fs.readFileSync(path.join(DOCS, file), "utf8"));
        // The forks' lists lack the prefix-list reads the newest has; only one of them names an optional action.
        assert.deepStrictEqual(VARIANTS.map((f) => [of(f).always.length, of(f).optional]), [[12, ["ec2:GetSecurityGroupsForVpc"]], [12, []], [14, []]]);
    });

    for (const file of VARIANTS) {
        describe(file, () => {
            const text = fs.readFileSync(path.join(DOCS, file), "utf8");
            const { always, conditional, optional } = classify(text);

            it("every unconditional action is granted; what the program grants beyond this list is read-only", () => {
                for (const action of always) assert.ok((ALWAYS_REQUIRED as readonly string[]).includes(action), action);
                const extra = ALWAYS_REQUIRED.filter((a) => !always.includes(a));
                assert.ok(extra.every((a) => READ_ONLY.test(a)), JSON.stringify(extra));
                const granted = policyActions(ciliumOperatorPolicy({ vpcId: "vpc-0123456789abcdef0", clusterName: "prod-eu-1" }));
                for (const action of always) assert.ok(granted.includes(action), `${action} is in the policy`);
            });

            it("every conditional action is granted under its setting, but DescribeTags (the program always sets cluster.name)", () => {
                for (const block of conditional) {
                    for (const action of block.actions) {
                        if (action === "ec2:DescribeTags") {
                            assert.ok(block.heading.includes("``--cluster-name``"), block.heading);
                            assert.ok(!operatorActions({}).includes(action));
                            continue;
                        }
                        assert.ok(CONDITIONALLY_REQUIRED.some((c) => c.action === action), `${action} (${block.heading})`);
                    }
                }
            });

            it("an optional action is not granted, and the list says the operator works without it", () => {
                for (const action of optional) {
                    assert.ok(!operatorActions({ eni: { awsReleaseExcessIPs: true, instanceTagsFilter: ["a=b"] }, ipv6: { enabled: true } }).includes(action), action);
                    assert.match(text.replace(/\s+/g, " "), /falls back to ``DescribeSecurityGroups``, so deployments that cannot be updated keep working unchanged/);
                }
            });
        });
    }

    it("the parser sees a conditional action as conditional, and fails on a block it does not understand", () => {
        const { always, conditional } = classify(fs.readFileSync(path.join(DOCS, "eni-required-privileges.rst"), "utf8"));
        assert.ok(!always.includes("ec2:UnassignPrivateIpAddresses"));
        assert.deepStrictEqual(conditional.map((b) => b.actions), [["ec2:DescribeTags"], ["ec2:UnassignPrivateIpAddresses"], ["ec2:AssignIpv6Addresses"], ["ec2:DescribeInstances"]]);
        assert.throws(() => classify("Something else entirely:\n\n * ``DeleteVpc``\n"), /every block is understood/);
    });
});
