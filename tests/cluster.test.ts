// The cluster: EKS settings the migration relies on, the addons, the Kubernetes provider, goldpinger.
import * as assert from "assert";
import { principalSlug } from "../components/cluster/clusterAdmins";
import { find, runPhase } from "./mocks";

describe("MigrationCluster and ConnectivityCheck", () => {
    it("declares EKS with API auth, an OIDC provider, no default node group and no pulumi-eks-managed addons", async () => {
        const eks = find(await runPhase(0), "eks:index:Cluster", "cluster-eks").inputs;
        assert.strictEqual(eks.authenticationMode, "API");
        assert.strictEqual(eks.createOidcProvider, true);
        assert.strictEqual(eks.skipDefaultNodeGroup, true);
        assert.strictEqual(eks.useDefaultVpcCni, true, "pulumi-eks must not create its own vpc-cni addon");
        assert.strictEqual(eks.bootstrapSelfManagedAddons, false);
        assert.strictEqual(eks.version, "1.33");
        assert.strictEqual(eks.name, "prod-eu-1");
    });

    it("declares the vpc-cni, kube-proxy and coredns addons with preserve and OVERWRITE", async () => {
        const e = await runPhase(0);
        const addons = e.resources.filter((r) => r.type === "aws:eks/addon:Addon");
        assert.deepStrictEqual(addons.map((a) => a.inputs.addonName).sort(), ["coredns", "kube-proxy", "vpc-cni"]);
        for (const a of addons) {
            assert.strictEqual(a.inputs.preserve, true, `${a.name}: deleting the addon must leave its DaemonSet to the pre-checked step`);
            assert.strictEqual(a.inputs.resolveConflictsOnUpdate, "OVERWRITE");
            assert.strictEqual(a.inputs.clusterName, "prod-eu-1");
        }
        assert.match(find(e, "aws:eks/addon:Addon", "aws-node-vpc-cni").inputs.configurationValues as string, /^{"affinity":/, "phase 0 states the default affinity explicitly");
    });

    it("protects the VPC, the cluster and the node role, and nothing the migration later removes", async () => {
        const e = await runPhase(0);
        for (const [type, name] of [["awsx:ec2:Vpc", "cluster-vpc"], ["eks:index:Cluster", "cluster-eks"], ["aws:iam/role:Role", "cluster-node-role"]]) {
            assert.strictEqual(find(e, type, name).protect, true, `${name} is protected`);
        }
        for (const name of ["cluster-kube-proxy", "aws-node-vpc-cni"]) assert.strictEqual(find(e, "aws:eks/addon:Addon", name).protect, false, `${name} is removed in a later phase`);
    });

    it("uses an existing VPC when given, and creates none", async () => {
        const e = await runPhase(0, { vpc: { vpcId: "vpc-0abc0abc0abc0abc0", privateSubnetIds: ["subnet-0123456789abcdef1"], publicSubnetIds: ["subnet-0123456789abcdef2"] } });
        assert.ok(!e.resources.some((r) => r.type === "awsx:ec2:Vpc"));
        const eks = find(e, "eks:index:Cluster", "cluster-eks").inputs;
        assert.strictEqual(eks.vpcId, "vpc-0abc0abc0abc0abc0");
        assert.deepStrictEqual(eks.privateSubnetIds, ["subnet-0123456789abcdef1"]);
    });

    it("creates a VPC through awsx with the configured CIDR and AZ count", async () => {
        const vpc = find(await runPhase(0, { vpc: { cidrBlock: "10.42.0.0/16", availabilityZoneCount: 2 } }), "awsx:ec2:Vpc", "cluster-vpc").inputs;
        assert.strictEqual(vpc.cidrBlock, "10.42.0.0/16");
        assert.strictEqual(vpc.numberOfAvailabilityZones, 2);
    });

    it("builds the Kubernetes provider from the kubeconfig, as a secret, with server-side apply", async () => {
        const provider = find(await runPhase(0), "pulumi:providers:kubernetes", "cluster-k8s").inputs;
        assert.strictEqual(provider.kubeconfig, "[secret]");
        assert.strictEqual(provider.enableServerSideApply, "true");
    });

    it("runs goldpinger pinned, unprivileged, in its own namespace, with RBAC to list pods there", async () => {
        const e = await runPhase(0);
        const ds = find(e, "kubernetes:apps/v1:DaemonSet", "goldpinger-daemonset").inputs as any; // eslint-disable-line @typescript-eslint/no-explicit-any
        const container = ds.spec.template.spec.containers[0];
        assert.strictEqual(container.image, "bloomberg/goldpinger:3.10.2");
        assert.strictEqual(container.securityContext.allowPrivilegeEscalation, false);
        assert.strictEqual(ds.spec.template.spec.tolerations, undefined, "goldpinger must not start before Cilium on a tainted node");
        const role = find(e, "kubernetes:rbac.authorization.k8s.io/v1:Role", "goldpinger-role").inputs as any; // eslint-disable-line @typescript-eslint/no-explicit-any
        assert.deepStrictEqual(role.rules, [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] }]);
        assert.strictEqual(find(e, "kubernetes:core/v1:Service", "goldpinger-service").inputs.spec && (find(e, "kubernetes:core/v1:Service", "goldpinger-service").inputs as any).spec.type, "ClusterIP"); // eslint-disable-line @typescript-eslint/no-explicit-any
        const deployment = find(e, "kubernetes:apps/v1:Deployment", "goldpinger-deployment").inputs as any; // eslint-disable-line @typescript-eslint/no-explicit-any
        assert.strictEqual(deployment.spec.template.spec.containers[0].image, "bloomberg/goldpinger:3.10.2");
    });

    it("without goldpinger, no connectivity workload is declared and gates leave connectivity out", async () => {
        const e = await runPhase(3, { goldpinger: { enabled: false } });
        assert.ok(!e.resources.some((r) => r.name.startsWith("goldpinger")));
        assert.deepStrictEqual(e.outputs.gate, ["cilium-ready"]);
    });
});

describe("clusterAdmins", () => {
    const ADMINS = ["arn:aws:iam::123456789012:role/github-actions-eks-migration", "arn:aws-cn:iam::123456789012:user/platform/alice"];

    it("gives each principal an access entry with the cluster-admin policy at cluster scope, in its partition", async () => {
        const e = await runPhase(0, { clusterAdmins: ADMINS });
        const entries = e.resources.filter((r) => r.type === "aws:eks/accessEntry:AccessEntry");
        assert.deepStrictEqual(entries.map((r) => [r.name, r.inputs.principalArn, r.inputs.type, r.inputs.clusterName]), [
            [`cluster-admins-${principalSlug(ADMINS[0])}`, ADMINS[0], "STANDARD", "prod-eu-1"],
            [`cluster-admins-${principalSlug(ADMINS[1])}`, ADMINS[1], "STANDARD", "prod-eu-1"],
        ]);
        const policies = e.resources.filter((r) => r.type === "aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
        assert.deepStrictEqual(policies.map((r) => [r.inputs.principalArn, r.inputs.policyArn, r.inputs.accessScope]), [
            [ADMINS[0], "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", { type: "cluster" }],
            [ADMINS[1], "arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", { type: "cluster" }],
        ]);
        for (const p of policies) assert.ok(p.dependencies.some((d) => d.startsWith("aws:eks/accessEntry:AccessEntry::")), "the policy waits for its entry");
        // The principal running the update may be one of them: Kubernetes resources wait for the entries.
        const provider = find(e, "pulumi:providers:kubernetes", "cluster-k8s");
        for (const entry of entries) assert.ok(provider.dependencies.includes(`aws:eks/accessEntry:AccessEntry::${entry.name}`));
    });

    it("names entries after the principal, so reordering the list replaces nothing; none by default", async () => {
        assert.strictEqual(principalSlug(ADMINS[0]), `github-actions-eks-migration-${principalSlug(ADMINS[0]).slice(-8)}`);
        const reordered = await runPhase(0, { clusterAdmins: [...ADMINS].reverse() });
        const names = (e: { resources: { type: string; name: string }[] }) => e.resources.filter((r) => r.type.startsWith("aws:eks/access")).map((r) => r.name).sort();
        assert.deepStrictEqual(names(reordered), names(await runPhase(0, { clusterAdmins: ADMINS })));
        assert.deepStrictEqual(names(await runPhase(0)), []);
    });
});
