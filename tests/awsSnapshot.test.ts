// The planner answers AWS look-ups from a cluster snapshot. Checked against AWS's own data: the AWS CLI's published
// example outputs (aws/aws-cli), the EKS API's shapes (botocore's service model) and the vpc-cni add-on's published
// configuration schema — not against files we wrote. The example snapshot must be what the AWS CLI would write.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import * as YAML from "yaml";
import { AwsSnapshot, clusterResult, nodeGroupResult } from "../plan/awsSnapshot";
import { mergedVpcCniConfiguration } from "../components/awsNode/affinity";
import { DEFAULT_NODE_LABELS } from "../migration/names";
import { describeAddon, describeNodeGroup } from "../stacks/existingFacts";
import { exampleOutputs } from "./support/awsCliExamples";
import { EXAMPLE_SNAPSHOT, Json, removeSnapshotCopies, snapshotVariant } from "./support/existingCluster";
import { FIXTURES } from "./support/paths";

const SHAPES = JSON.parse(fs.readFileSync(path.join(FIXTURES, "real", "botocore", "eks-shapes.json"), "utf8")).shapes as Record<string, Json>;
const example = (file: string, index = 0): Json => exampleOutputs(file)[index];
const snapshotFile = (name: string): Json => JSON.parse(fs.readFileSync(path.join(EXAMPLE_SNAPSHOT, name), "utf8"));

/** Where `value` departs from the botocore shape `name` (unknown members, wrong types, values outside an enum). */
function shapeErrors(value: unknown, name: string, at = "$"): string[] {
    const shape = SHAPES[name];
    if (!shape) return [`${at}: no shape ${name} in the vendored model`];
    switch (shape.type) {
        case "structure": {
            if (typeof value !== "object" || value === null || Array.isArray(value)) return [`${at}: not an object (${name})`];
            return Object.entries(value).flatMap(([k, v]) => shape.members[k] ? shapeErrors(v, shape.members[k].shape, `${at}.${k}`) : [`${at}.${k}: not a member of ${name}`]);
        }
        case "list":
            return Array.isArray(value) ? value.flatMap((v, i) => shapeErrors(v, shape.member.shape, `${at}[${i}]`)) : [`${at}: not a list (${name})`];
        case "map":
            return typeof value === "object" && value !== null ? Object.entries(value).flatMap(([k, v]) => shapeErrors(v, shape.value.shape, `${at}.${k}`)) : [`${at}: not a map`];
        case "string":
            if (typeof value !== "string") return [`${at}: not a string (${name})`];
            return shape.enum && !shape.enum.includes(value) ? [`${at}: ${value} is not one of ${name}'s values`] : [];
        case "integer": case "long":
            return Number.isInteger(value) ? [] : [`${at}: not an integer`];
        case "boolean":
            return typeof value === "boolean" ? [] : [`${at}: not a boolean`];
        case "timestamp":
            return typeof value === "string" && !Number.isNaN(Date.parse(value)) ? [] : [`${at}: not an ISO timestamp`];
        default:
            return [`${at}: shape type ${shape.type} not handled`];
    }
}

/** The vpc-cni add-on's configuration schema, as `aws eks describe-addon-configuration` published it (v1.15.1-eksbuild.1). */
function vpcCniSchemaValidator() {
    const published = example("eks-describe-addon-configuration.rst", 0);
    assert.strictEqual(published.addonName, "vpc-cni");
    const schema = JSON.parse(published.configurationSchema);
    delete schema.$schema; // draft-06, which Ajv 8 reads as draft-07
    const ajv = new Ajv({ strict: false, allErrors: true });
    // The schema's own string formats for env values.
    ajv.addFormat("boolean", /^(true|false)$/i).addFormat("integer", /^-?[0-9]+$/);
    return { version: published.addonVersion as string, validate: ajv.compile(schema) };
}

describe("cluster snapshots, against AWS's own data", () => {
    after(removeSnapshotCopies);

    it("the AWS CLI's describe-cluster example becomes the cluster the program reads: name, endpoint, VPC, issuer, IP family, access mode", () => {
        const c = example("eks-describe-cluster.rst").cluster;
        const r = clusterResult(c);
        assert.deepStrictEqual([r.name, r.endpoint, r.vpcConfig.vpcId, r.identities[0].oidcs[0].issuer, r.kubernetesNetworkConfigs[0].ipFamily, r.accessConfigs[0].authenticationMode, r.status],
            [c.name, c.endpoint, c.resourcesVpcConfig.vpcId, c.identity.oidc.issuer, "ipv4", c.accessConfig.authenticationMode, "ACTIVE"]);
        assert.deepStrictEqual(r.vpcConfig.subnetIds, c.resourcesVpcConfig.subnetIds);
        assert.strictEqual(r.certificateAuthorities[0].data, c.certificateAuthority.data);
    });

    it("describe-nodegroup and create-nodegroup examples become node group descriptions: sizes, types, subnets, labels, taints as EKS spells them", () => {
        const plain = example("eks-describe-nodegroup.rst").nodegroup;
        const d = describeNodeGroup(nodeGroupResult(plain));
        assert.deepStrictEqual([d.name, d.clusterName, d.nodeRoleArn, d.subnetIds, d.scaling, d.instanceTypes, d.amiType, d.capacityType, d.diskSize, d.releaseVersion, d.version],
            [plain.nodegroupName, plain.clusterName, plain.nodeRole, plain.subnets, plain.scalingConfig, plain.instanceTypes, plain.amiType, plain.capacityType, plain.diskSize, plain.releaseVersion, plain.version]);
        const tainted = example("eks-create-nodegroup.rst", 2).nodegroup;
        const t = describeNodeGroup(nodeGroupResult(tainted));
        assert.deepStrictEqual(t.taints, tainted.taints, "key, value and the API's effect spelling (NO_EXECUTE) kept");
        assert.deepStrictEqual(t.labels, tainted.labels);
        assert.strictEqual(t.capacityType, "SPOT");
        assert.deepStrictEqual(t.updateConfig, tainted.updateConfig);
        for (const g of [plain, tainted]) assert.deepStrictEqual(shapeErrors(g, "Nodegroup"), [], "the examples are what botocore's model says");
    });

    it("describe-addon's example (YAML configurationValues, IRSA role) keeps its settings when aws-node is pinned, and the result is valid for vpc-cni", () => {
        const a = example("eks-describe-addon.rst").addon;
        const d = describeAddon(new AwsSnapshot(snapshotVariant((f) => { f["addons.json"] = { addons: [a] }; f["cluster.json"].cluster.name = a.clusterName; }))
            .answer("aws:eks/getAddon:getAddon", { clusterName: a.clusterName, addonName: "vpc-cni" }) as Json);
        assert.deepStrictEqual([d.version, d.configurationValues, d.serviceAccountRoleArn, d.tags], [a.addonVersion, a.configurationValues, a.serviceAccountRoleArn, a.tags]);
        const merged = JSON.parse(mergedVpcCniConfiguration(d.configurationValues, true, DEFAULT_NODE_LABELS, d.version) as string);
        assert.deepStrictEqual(merged.resources, { limits: { cpu: "100m" } });
        assert.deepStrictEqual(merged.env, { AWS_VPC_K8S_CNI_LOGLEVEL: "DEBUG" });
        const { validate } = vpcCniSchemaValidator();
        assert.ok(validate(merged), JSON.stringify(validate.errors));
    });

    it("the vpc-cni schema check can fail: an env value that is not a string, an unknown key", () => {
        const { validate } = vpcCniSchemaValidator();
        assert.ok(!validate({ env: { ENABLE_PREFIX_DELEGATION: true } }));
        assert.ok(!validate({ nodeSelector: { cni: "aws-cni" } }));
    });

    it("the example cluster's vpc-cni settings, pinned and unpinned, are valid for the add-on's published schema", () => {
        const a = snapshotFile("addons.json").addons.find((x: Json) => x.addonName === "vpc-cni");
        const { validate } = vpcCniSchemaValidator();
        for (const pinned of [true, false]) {
            const merged = mergedVpcCniConfiguration(a.configurationValues, pinned, DEFAULT_NODE_LABELS, a.addonVersion);
            const value = YAML.parse(merged as string); // unpinned and never pinned: the add-on's own YAML, unchanged
            assert.ok(validate(value), `${pinned}: ${JSON.stringify(validate.errors)}`);
        }
    });

    it("list-open-id-connect-providers' example answers the OIDC look-up by issuer URL", () => {
        const listed = example("iam-list-open-id-connect-providers.rst");
        const dir = snapshotVariant(() => ({ "oidc-providers.json": listed }));
        const found = new AwsSnapshot(dir).answer("aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider", { url: "https://example.oidcprovider.com" }) as Json;
        assert.strictEqual(found.arn, listed.OpenIDConnectProviderList[0].Arn);
        assert.throws(() => new AwsSnapshot(dir).answer("aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider", { url: "https://other.example.com" }), /NoSuchEntity/);
    });

    it("the example snapshot's files are what the AWS CLI writes: each object conforms to botocore's EKS shapes", () => {
        assert.deepStrictEqual(shapeErrors(snapshotFile("cluster.json"), "DescribeClusterResponse"), []);
        for (const g of snapshotFile("nodegroups.json").nodegroups) assert.deepStrictEqual(shapeErrors({ nodegroup: g }, "DescribeNodegroupResponse"), [], g.nodegroupName);
        for (const a of snapshotFile("addons.json").addons) assert.deepStrictEqual(shapeErrors({ addon: a }, "DescribeAddonResponse"), [], a.addonName);
        assert.deepStrictEqual(shapeErrors(snapshotFile("access-entries.json"), "ListAccessEntriesResponse"), []);
        const oidc = snapshotFile("oidc-providers.json");
        assert.deepStrictEqual(Object.keys(oidc), Object.keys(example("iam-list-open-id-connect-providers.rst")), "the same shape as the IAM example");
        assert.ok(oidc.OpenIDConnectProviderList.every((p: Json) => Object.keys(p).join() === "Arn"));
    });

    it("the shape check can fail: an unknown member, an effect spelled the Kubernetes way, a size as a string", () => {
        const g = snapshotFile("nodegroups.json").nodegroups[1];
        assert.deepStrictEqual(shapeErrors({ ...g, nodeGroupName: "x" }, "Nodegroup"), ["$.nodeGroupName: not a member of Nodegroup"]);
        assert.deepStrictEqual(shapeErrors({ ...g, taints: [{ ...g.taints[0], effect: "NoSchedule" }] }, "Nodegroup"), ["$.taints[0].effect: NoSchedule is not one of TaintEffect's values"]);
        assert.deepStrictEqual(shapeErrors({ ...g, scalingConfig: { ...g.scalingConfig, maxSize: "20" } }, "Nodegroup"), ["$.scalingConfig.maxSize: not an integer"]);
    });
});
