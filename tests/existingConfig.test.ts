// Stack config for an existing cluster: what it takes, what it refuses (with the key named), and its defaults.
import * as assert from "assert";
import { ConfigError, DEFAULT_TWINS, parseConfig } from "../stacks/config";
import { ciliumClusterName } from "../stacks/existingFacts";

const raw = (extra: Record<string, unknown>) => Object.fromEntries(Object.entries({ phase: 0, ...extra })
    .map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
const problems = (extra: Record<string, unknown>): string[] => {
    try {
        parseConfig(raw(extra));
    } catch (err) {
        if (err instanceof ConfigError) return err.problems;
        throw err;
    }
    return [];
};

describe("config: existing clusters", () => {
    it("takes the cluster's name, its node groups, and whether legacy groups may be deleted (default: no)", () => {
        const c = parseConfig(raw({ existingCluster: { name: "Prod_East" } }));
        assert.deepStrictEqual(c.existingCluster, { name: "Prod_East", deleteLegacyNodeGroups: false });
        assert.strictEqual(c.clusterName, "Prod_East", "EKS names Cilium would refuse are fine: Cilium's name is derived");
        assert.deepStrictEqual(c.twins, DEFAULT_TWINS);
        const listed = parseConfig(raw({ existingCluster: { name: "prod", nodeGroups: ["ng-1", "ng-batch"], deleteLegacyNodeGroups: true } }));
        assert.deepStrictEqual(listed.existingCluster, { name: "prod", nodeGroups: ["ng-1", "ng-batch"], deleteLegacyNodeGroups: true });
    });

    it("refuses the keys that describe a created cluster, naming each", () => {
        assert.deepStrictEqual(problems({ existingCluster: { name: "prod" }, vpc: { cidrBlock: "10.0.0.0/16" }, kubernetesVersion: "1.33", legacyNodeGroup: { name: "ng-1" } }), [
            "`vpc` is set, but `existingCluster` is too: `vpc` describes a cluster this program creates; an existing cluster's comes from AWS. Remove it.",
            "`kubernetesVersion` is set, but `existingCluster` is too: `kubernetesVersion` describes a cluster this program creates; an existing cluster's comes from AWS. Remove it.",
            "`legacyNodeGroup` is set, but `existingCluster` is too: `legacyNodeGroup` describes a cluster this program creates; an existing cluster's comes from AWS. Remove it.",
        ]);
    });

    it("twins are set per legacy group: suffix, startup taint, and overrides by group name", () => {
        const c = parseConfig(raw({ existingCluster: { name: "prod" }, ciliumNodeGroup: { nameSuffix: "-ebpf", startupTaintEffect: "NoSchedule", overrides: { "ng-batch": { instanceTypes: ["c6i.2xlarge"], maxSize: 20 } } } }));
        assert.deepStrictEqual(c.twins, { nameSuffix: "-ebpf", startupTaintEffect: "NoSchedule", overrides: { "ng-batch": { instanceTypes: ["c6i.2xlarge"], maxSize: 20 } } });
        assert.deepStrictEqual(problems({ existingCluster: { name: "prod" }, ciliumNodeGroup: { name: "ng-cilium", desiredSize: 3 } }), [
            "`ciliumNodeGroup.name` is set, but with `existingCluster` each legacy node group gets its own twin: set it per group as `ciliumNodeGroup.overrides.<group>.…` (twins are named <group> + `nameSuffix`).",
            "`ciliumNodeGroup.desiredSize` is set, but with `existingCluster` each legacy node group gets its own twin: set it per group as `ciliumNodeGroup.overrides.<group>.desiredSize`.",
        ]);
        assert.deepStrictEqual(problems({ existingCluster: { name: "prod" }, ciliumNodeGroup: { overrides: { "ng-1": { disk: 50 } } } }),
            ["`ciliumNodeGroup.overrides.ng-1.disk` is not a known key; known keys of `ciliumNodeGroup.overrides.ng-1`: instanceTypes, desiredSize, minSize, maxSize, launchTemplateVersion, releaseVersion."]);
    });

    it("refuses a bad name, a clusterName that disagrees, a repeated or malformed group, an unknown key", () => {
        assert.deepStrictEqual(problems({ existingCluster: { name: "-x" } }), ["`existingCluster.name` is \"-x\"; it must be an EKS cluster name (1–100 letters, digits, '-' or '_')."]);
        assert.deepStrictEqual(problems({ existingCluster: {} }), ["`existingCluster.name` is not set; it is required: the name of the EKS cluster to migrate."]);
        assert.deepStrictEqual(problems({ existingCluster: { name: "prod" }, clusterName: "staging" }),
            ["`clusterName` is \"staging\" but `existingCluster.name` is \"prod\"; with an existing cluster, leave `clusterName` out or set it to the same name."]);
        assert.deepStrictEqual(problems({ existingCluster: { name: "prod", nodeGroups: ["ng-1", "ng-1"] } }), ["`existingCluster.nodeGroups` lists a node group twice: [\"ng-1\",\"ng-1\"]."]);
        assert.deepStrictEqual(problems({ existingCluster: { name: "prod", nodeGroup: ["ng-1"] } }),
            ["`existingCluster.nodeGroup` is not a known key; known keys of `existingCluster`: name, nodeGroups, nodePools, deleteLegacyNodeGroups, autoScalingGroups."]);
        assert.deepStrictEqual(problems({ existingCluster: { name: "prod", deleteLegacyNodeGroups: "yes" } }), ["`existingCluster.deleteLegacyNodeGroups` is \"yes\"; it must be true or false."]);
    });

    it("Cilium's cluster name: cilium.clusterName if set (Cilium's rule), else the EKS name made valid for Cilium", () => {
        assert.strictEqual(ciliumClusterName("Prod_East-1"), "prod-east-1");
        assert.strictEqual(ciliumClusterName(`a${"b".repeat(40)}`), `a${"b".repeat(31)}`);
        assert.strictEqual(ciliumClusterName("_-_"), "cluster");
        assert.deepStrictEqual(problems({ existingCluster: { name: "prod" }, cilium: { clusterName: "Prod" } }),
            ["`cilium.clusterName` is \"Prod\"; it must be 1–32 lowercase letters, digits or '-', starting and ending with a letter or digit (Cilium's `cluster.name`)."]);
        assert.deepStrictEqual(problems({ cilium: { operatorIdentity: "kiam" } }), ["`cilium.operatorIdentity` is \"kiam\"; allowed: \"irsa\", \"pod-identity\"."]);
    });
});
