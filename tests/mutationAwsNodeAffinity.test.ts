// aws-node's affinity rules at their edges: which vpc-cni versions get which default terms, which requirements are
// "ours" (and so replaced) and which are the user's (and so kept), the add-on's other affinity settings, and pinTerms,
// the pure function every old-world agent's pin goes through (calico-node's too).
import * as fs from "fs";
import * as path from "path";
import { FIXTURES } from "./support/paths";
import * as assert from "assert";
import * as YAML from "yaml";
import { NodeSelectorRequirement, TERMS_BEFORE_1_19, TERMS_FROM_1_19, Term, defaultAwsNodeTerms, mergedVpcCniConfiguration, pinTerms } from "../components/awsNode/affinity";
import { calicoAgentAffinity } from "../components/calico/calicoAffinity";
import { DEFAULT_NODE_LABELS as labels } from "../migration/names";

const PIN: NodeSelectorRequirement = { key: "cni", operator: "NotIn", values: ["cilium"] };
const SEEDS_PIN: NodeSelectorRequirement = { key: "cni", operator: "In", values: ["aws-cni"] };
const LINUX: NodeSelectorRequirement = { key: "kubernetes.io/os", operator: "In", values: ["linux"] };
/** A vpc-cni add-on's configurationValues whose affinity has these required terms. */
const withTerms = (...terms: Term[]) => JSON.stringify({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } });
/** The required terms of a merged configurationValues text. */
const termsIn = (text: string | undefined) => JSON.parse(text as string).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;

describe("aws-node affinity: the default terms of a vpc-cni version", () => {
    it("a 1.x version before 1.19, with or without its leading v, gets the older terms", () => {
        for (const version of ["v1.18.6-eksbuild.2", "1.18.6", "v1.7.5"]) assert.strictEqual(defaultAwsNodeTerms(version), TERMS_BEFORE_1_19, version);
    });

    it("1.19 on, another major version, or an unreadable one gets the newer terms", () => {
        for (const version of ["v1.19.0-eksbuild.1", "1.23.0", "v11.2.0", "v2.1.0-eksbuild.1", "latest", undefined]) {
            assert.strictEqual(defaultAwsNodeTerms(version), TERMS_FROM_1_19, String(version));
        }
    });
});

describe("aws-node affinity: what of the add-on's affinity is ours", () => {
    for (const [what, own] of [
        ["a requirement on another key that keeps off the Cilium value", { key: "network", operator: "NotIn", values: ["cilium"] }],
        ["a requirement on another key that asks for the legacy value", { key: "network", operator: "In", values: ["aws-cni"] }],
        ["the label key In another single value", { key: "cni", operator: "In", values: ["aws-cni-gpu"] }],
        ["the label key NotIn another single value", { key: "cni", operator: "NotIn", values: ["aws-cni-gpu"] }],
        ["the label key In the Cilium value", { key: "cni", operator: "In", values: ["cilium"] }],
        ["the label key NotIn the legacy value", { key: "cni", operator: "NotIn", values: ["aws-cni"] }],
    ] as [string, NodeSelectorRequirement][]) {
        it(`${what} is the user's: pinning keeps it beside the pin, unpinning leaves the text alone`, () => {
            const existing = withTerms({ matchExpressions: [LINUX, own] });
            assert.deepStrictEqual(termsIn(mergedVpcCniConfiguration(existing, true, labels)), [{ matchExpressions: [LINUX, own, PIN] }]);
            assert.strictEqual(mergedVpcCniConfiguration(existing, false, labels), existing);
        });
    }

    it("unpinning takes our requirement out of every term, also when only one term carries it", () => {
        const existing = withTerms({ matchExpressions: [LINUX, PIN] }, { matchExpressions: [{ key: "kubernetes.io/arch", operator: "In", values: ["arm64"] }] });
        assert.deepStrictEqual(termsIn(mergedVpcCniConfiguration(existing, false, labels)), [
            { matchExpressions: [LINUX] }, { matchExpressions: [{ key: "kubernetes.io/arch", operator: "In", values: ["arm64"] }] },
        ]);
    });

    it("unpinning keeps the add-on's own terms (narrower than the chart's), not the chart's default", () => {
        const existing = withTerms({ matchExpressions: [LINUX, SEEDS_PIN] });
        assert.deepStrictEqual(termsIn(mergedVpcCniConfiguration(existing, false, labels, "v1.19.2-eksbuild.1")), [{ matchExpressions: [LINUX] }]);
    });

    it("a term that names nodes by field keeps its matchFields and gets the pin as its only expression", () => {
        const byName = { matchFields: [{ key: "metadata.name", operator: "In", values: ["ip-10-0-1-5.ec2.internal"] }] };
        const pinned = mergedVpcCniConfiguration(withTerms(byName), true, labels);
        assert.deepStrictEqual(termsIn(pinned), [{ ...byName, matchExpressions: [PIN] }]);
        assert.deepStrictEqual(termsIn(mergedVpcCniConfiguration(pinned, false, labels)), [{ ...byName, matchExpressions: [] }]);
    });
});

describe("aws-node affinity: the add-on's other affinity settings", () => {
    const preferred = [{ weight: 1, preference: { matchExpressions: [{ key: "node.kubernetes.io/instance-type", operator: "In", values: ["m5.large"] }] } }];

    it("a node affinity with preferred terms only is pinned on the chart's default terms, its preference kept", () => {
        const existing = JSON.stringify({ affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: preferred } }, env: { WARM_IP_TARGET: "5" } });
        const merged = JSON.parse(mergedVpcCniConfiguration(existing, true, labels, "v1.19.2-eksbuild.1") as string);
        assert.deepStrictEqual(merged.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution, preferred);
        assert.deepStrictEqual(merged.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms, [{ matchExpressions: [...TERMS_FROM_1_19, PIN] }]);
        assert.deepStrictEqual(merged.env, { WARM_IP_TARGET: "5" });
        assert.strictEqual(mergedVpcCniConfiguration(existing, false, labels), existing, "nothing of ours in it: unpinning leaves it");
    });

    it("an affinity without a node affinity (pod anti-affinity only) is pinned, its anti-affinity kept", () => {
        const antiAffinity = { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { "k8s-app": "other" } } }] };
        const existing = YAML.stringify({ affinity: { podAntiAffinity: antiAffinity } });
        const merged = JSON.parse(mergedVpcCniConfiguration(existing, true, labels, "v1.18.6-eksbuild.2") as string);
        assert.deepStrictEqual(merged.affinity.podAntiAffinity, antiAffinity);
        assert.deepStrictEqual(merged.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms, [{ matchExpressions: [...TERMS_BEFORE_1_19, PIN] }]);
    });

    it("configurationValues that are not an object (null, a list) are refused, naming them", () => {
        for (const text of ["null", "~", "- a\n- b\n"]) {
            assert.throws(() => mergedVpcCniConfiguration(text, true, labels), /^Error: the vpc-cni add-on's configurationValues are not an object: /, text);
        }
    });
});

describe("pinTerms: an agent's own terms with the pin", () => {
    const ARM = { key: "kubernetes.io/arch", operator: "In", values: ["arm64"] } as NodeSelectorRequirement;

    it("with no terms of its own: the pin alone when pinned, nothing when not", () => {
        assert.deepStrictEqual(pinTerms(undefined, true, labels), [{ matchExpressions: [PIN] }]);
        assert.deepStrictEqual(pinTerms([], true, labels), [{ matchExpressions: [PIN] }]);
        assert.deepStrictEqual(pinTerms(undefined, false, labels), []);
    });

    it("adds the pin to each of its terms (terms are ORed), after its own requirements, keeping their other fields", () => {
        const byName = { matchFields: [{ key: "metadata.name", operator: "In", values: ["n1"] }] };
        assert.deepStrictEqual(pinTerms([{ matchExpressions: [LINUX] }, { matchExpressions: [ARM] }, byName], true, labels), [
            { matchExpressions: [LINUX, PIN] }, { matchExpressions: [ARM, PIN] }, { ...byName, matchExpressions: [PIN] },
        ]);
    });

    it("takes any requirement of ours out first (today's and the seeds'), so a term never carries two, and keeps the user's", () => {
        const own = { key: "cni", operator: "In", values: ["aws-cni", "gpu"] } as NodeSelectorRequirement;
        const terms = [{ matchExpressions: [LINUX, SEEDS_PIN, own] }, { matchExpressions: [PIN, ARM] }];
        assert.deepStrictEqual(pinTerms(terms, true, labels), [{ matchExpressions: [LINUX, own, PIN] }, { matchExpressions: [ARM, PIN] }]);
        assert.deepStrictEqual(pinTerms(terms, false, labels), [{ matchExpressions: [LINUX, own] }, { matchExpressions: [ARM] }]);
        assert.deepStrictEqual(terms[1].matchExpressions, [PIN, ARM], "the input is not changed");
    });
});

describe("the way back to phase 0: a term that held only our pin", () => {
    // An empty node selector term matches no node (k8s.io/api core/v1 NodeSelectorTerm): writing one back would take
    // the agent off every node. A manifest calico-node has no affinity of its own, so phase 1 writes the pin alone.
    it("the API says so: the Installation CRD's own schema (tigera-operator, vendored) describes each term as matching nothing when empty", () => {
        const schema = fs.readFileSync(path.join(FIXTURES, "real", "tigera-operator", "installation-overrides-schema.json"), "utf8");
        assert.ok(schema.includes("A null or empty node selector term matches no objects."));
    });

    it("pinTerms drops it instead of leaving it empty; pinning again gives the pin alone", () => {
        assert.deepStrictEqual(pinTerms([{ matchExpressions: [PIN] }], false, labels), []);
        assert.deepStrictEqual(pinTerms([{ matchExpressions: [SEEDS_PIN] }, { matchExpressions: [LINUX, PIN] }], false, labels), [{ matchExpressions: [LINUX] }]);
        assert.deepStrictEqual(pinTerms([{ matchExpressions: [SEEDS_PIN] }], true, labels), [{ matchExpressions: [PIN] }]);
        assert.deepStrictEqual(pinTerms([{ matchExpressions: [] }, { matchExpressions: [LINUX] }], false, labels), [{ matchExpressions: [] }, { matchExpressions: [LINUX] }],
            "a term that held nothing of ours is the agent's own and stays as it is");
    });

    it("a manifest calico-node pinned at phase 1 gets no required node affinity back, its other settings kept", () => {
        const tolerated = { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [LINUX] } }] };
        const pinned = calicoAgentAffinity({ nodeAffinity: tolerated }, true, labels);
        assert.deepStrictEqual(pinned.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms, [{ matchExpressions: [PIN] }]);
        assert.deepStrictEqual(calicoAgentAffinity(pinned, false, labels), { nodeAffinity: tolerated });
    });

    it("a vpc-cni add-on whose only term was the seeds' pin gets the chart's default terms back (and, pinned, those with the pin)", () => {
        const seeds = withTerms({ matchExpressions: [SEEDS_PIN] });
        assert.deepStrictEqual(termsIn(mergedVpcCniConfiguration(seeds, false, labels, "v1.19.2-eksbuild.1")), [{ matchExpressions: [...TERMS_FROM_1_19] }]);
        assert.deepStrictEqual(termsIn(mergedVpcCniConfiguration(seeds, true, labels, "v1.18.6-eksbuild.2")), [{ matchExpressions: [...TERMS_BEFORE_1_19, PIN] }]);
    });
});
