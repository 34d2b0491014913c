// Per phase, the full set of (type, name) pairs: a phase bump that renamed a resource would replace it.
import * as assert from "assert";
import { PHASES } from "../migration/phases";
import { key, runPhase } from "./mocks";

const T = {
    component: (c: string) => `eks-cilium-migration:index:${c}`,
    command: "command:local:Command",
    addon: "aws:eks/addon:Addon",
    role: "aws:iam/role:Role",
    mng: "eks:index:ManagedNodeGroup",
};

const gate = (n: number) => [`${T.component("Gate")}::gate-phase-${n}`, `${T.command}::gate-phase-${n}-check`];

const BASE = [
    "pulumi:pulumi:StackReference::applied-phase",
    `${T.component("MigrationCluster")}::cluster`,
    "awsx:ec2:Vpc::cluster-vpc",
    `${T.role}::cluster-node-role`,
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment::cluster-node-worker",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment::cluster-node-cni",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment::cluster-node-ecr",
    "eks:index:Cluster::cluster-eks",
    "pulumi:providers:kubernetes::cluster-k8s",
    `${T.component("ConnectivityCheck")}::goldpinger`,
    "kubernetes:core/v1:Namespace::goldpinger-namespace",
    "kubernetes:core/v1:ServiceAccount::goldpinger-service-account",
    "kubernetes:rbac.authorization.k8s.io/v1:Role::goldpinger-role",
    "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding::goldpinger-role-binding",
    "kubernetes:apps/v1:DaemonSet::goldpinger-daemonset",
    "kubernetes:apps/v1:Deployment::goldpinger-deployment",
    "kubernetes:core/v1:Service::goldpinger-service",
    `${T.component("AwsNodeAffinity")}::aws-node`,
    `${T.component("CiliumNodeGroup")}::cilium-pool`,
    `${T.mng}::cilium-pool-node-group`,
    `${T.component("ClusterDns")}::dns`,
    `${T.addon}::dns-coredns`,
];
const KUBE_PROXY = [`${T.addon}::cluster-kube-proxy`, `${T.component("KubeProxyLifecycle")}::kube-proxy`, `${T.command}::kube-proxy-ready`];
const KUBE_PROXY_REPLACED = [`${T.component("KubeProxyLifecycle")}::kube-proxy`, `${T.command}::kube-proxy-remove`, `${T.command}::kube-proxy-iptables-cleanup`];
const VPC_CNI = [`${T.addon}::aws-node-vpc-cni`];
const LEGACY = [`${T.component("LegacyNodeGroup")}::legacy-pool`, `${T.mng}::legacy-pool-node-group`];
const CORDON = [`${T.command}::legacy-pool-cordon`, `${T.command}::legacy-pool-restart-goldpinger`];
const DRAIN = [`${T.command}::legacy-pool-drain`];
const CILIUM = [
    `${T.component("CiliumRelease")}::cilium`, `${T.role}::cilium-operator-role`,
    "aws:iam/rolePolicy:RolePolicy::cilium-operator-policy", "kubernetes:helm.sh/v3:Release::cilium-release",
];
const REMOVE_AWS_NODE = [`${T.command}::aws-node-remove`];

export const EXPECTED: Record<number, string[]> = {
    0: [...BASE, ...KUBE_PROXY, ...VPC_CNI, ...LEGACY, ...gate(0)],
    1: [...BASE, ...KUBE_PROXY, ...VPC_CNI, ...LEGACY, ...gate(0), ...gate(1)],
    2: [...BASE, ...KUBE_PROXY, ...VPC_CNI, ...LEGACY, ...CILIUM, ...gate(1), ...gate(2)],
    3: [...BASE, ...KUBE_PROXY, ...VPC_CNI, ...LEGACY, ...CILIUM, ...gate(2), ...gate(3)],
    4: [...BASE, ...KUBE_PROXY, ...VPC_CNI, ...LEGACY, ...CILIUM, ...CORDON, ...gate(3), ...gate(4)],
    5: [...BASE, ...KUBE_PROXY, ...VPC_CNI, ...LEGACY, ...CILIUM, ...CORDON, ...DRAIN, ...gate(4), ...gate(5)],
    6: [...BASE, ...KUBE_PROXY, ...LEGACY, ...CILIUM, ...CORDON, ...DRAIN, ...REMOVE_AWS_NODE, ...gate(5), ...gate(6)],
    7: [...BASE, ...KUBE_PROXY, ...LEGACY, ...CILIUM, ...CORDON, ...DRAIN, ...REMOVE_AWS_NODE, `${T.command}::legacy-pool-scale-down-check`, ...gate(6), ...gate(7)],
    8: [...BASE, ...KUBE_PROXY, ...CILIUM, ...REMOVE_AWS_NODE, ...gate(7), ...gate(8)],
    9: [...BASE, ...KUBE_PROXY_REPLACED, ...CILIUM, ...REMOVE_AWS_NODE, ...gate(8), ...gate(9)],
};

describe("phases: gates", () => {
    it("every gate from phase 6 on proves aws-node is gone (another owner re-applying vpc-cni brings it back: cilium/cilium#25131)", () => {
        for (const phase of PHASES) assert.strictEqual((phase.gate as readonly string[]).includes("aws-node-removed"), phase.number >= 6, `phase ${phase.number}`);
    });
});

describe("phases: the resources each phase declares", () => {
    for (const phase of PHASES) {
        it(`phase ${phase.number} (${phase.name}) declares exactly its (type, name) set`, async () => {
            const e = await runPhase(phase.number);
            const actual = e.resources.map(key).sort();
            assert.deepStrictEqual(actual, [...EXPECTED[phase.number]].sort());
            assert.strictEqual(new Set(actual).size, actual.length, "no (type, name) is registered twice");
        });
    }

    it("a resource that survives a phase bump keeps its name (and type)", () => {
        for (let n = 1; n <= 9; n++) {
            const before = new Set(EXPECTED[n - 1]);
            const after = new Set(EXPECTED[n]);
            // Whatever vanished must be a deliberate removal of that phase, never a rename: same name, other type.
            for (const gone of [...before].filter((k) => !after.has(k))) {
                const name = gone.split("::")[1];
                assert.ok(![...after].some((k) => k.split("::")[1] === name), `phase ${n}: ${name} changed type`);
            }
        }
    });

    it("exports appliedPhase only once the phase's gate has run, and the phase name", async () => {
        const e = await runPhase(4);
        assert.strictEqual(e.outputs.appliedPhase, 4);
        assert.strictEqual(e.outputs.phaseName, "cordon-legacy");
        assert.deepStrictEqual(e.outputs.gate, ["legacy-cordoned", "connectivity"]);
        assert.strictEqual(e.outputs.kubeconfig, "[secret]");
    });
});
