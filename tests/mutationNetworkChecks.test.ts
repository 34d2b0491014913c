// custom-networking, snat-mode-change and host-port on the example cluster (examples/prod-east), each with the one
// shape tests/preflightChecks.test.ts does not try: custom networking on with no ENIConfig yet, `eni.nodeSpec` set
// without subnets, a cluster described without its VPC, a pod with a hostPort in its second container, and a
// DaemonSet's hostPort pod beside another's.
import * as assert from "assert";
import { Finding, Obj, PreflightInput, PreflightOptions } from "../preflight/types";
import { exampleFindings, listOf as items } from "./support/exampleRun";
import { eniConfig } from "./support/preflightObjects";

const finding = (id: string, edit: (i: PreflightInput, o: PreflightOptions) => void): Finding | undefined => exampleFindings(id, edit)[0];
const customNetworkingOn = (i: PreflightInput) => {
    const awsNode = items(i, "daemonsets").find((d) => d.metadata.name === "aws-node") as Obj;
    (awsNode.spec.template.spec.containers[0].env as Obj[]).find((e) => e.name === "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG")!.value = "true";
};

describe("custom-networking: what it says with no ENIConfig, and when nodeSpec counts as set", () => {
    it("on in aws-node with eniconfigs.json read but empty: no subnets named, the remedy points at the ENIConfigs to come", () => {
        const f = finding("custom-networking", customNetworkingOn) as Finding;
        assert.strictEqual(f.severity, "warning");
        assert.strictEqual(f.message, "custom networking is on (AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true, 0 ENIConfig(s): subnets none): without the same settings " +
            "Cilium gives pods addresses from the nodes' own subnets.");
        assert.strictEqual(f.remedy, "Set `cilium.values.eni.nodeSpec` to the pod subnets and security groups your ENIConfigs name (firstInterfaceIndex 1 skips the primary ENI, as custom networking does).");
    });

    it("info only once eni.nodeSpec names subnets: an empty list, a nodeSpec without subnetIDs or an eni without nodeSpec is not set", () => {
        const withConfigs = (i: PreflightInput) => { customNetworkingOn(i); items(i, "eniconfigs").push(eniConfig("us-east-2a", "subnet-0d4c5b6a708192a34", ["sg-0b8d4f0e3c2a5b7c9"])); };
        for (const eni of [{ nodeSpec: { subnetIDs: [] } }, { nodeSpec: { firstInterfaceIndex: 1 } }, { awsEnablePrefixDelegation: true }]) {
            assert.strictEqual(finding("custom-networking", (i, o) => { withConfigs(i); o.ciliumValues = { ...o.ciliumValues, eni }; })?.severity, "warning", JSON.stringify(eni));
        }
        const set = finding("custom-networking", (i, o) => { withConfigs(i); o.ciliumValues = { ...o.ciliumValues, eni: { nodeSpec: { subnetIDs: ["subnet-0d4c5b6a708192a34"] } } }; });
        assert.strictEqual(set?.severity, "info");
        assert.match(set?.message ?? "", /; `cilium\.values\.eni\.nodeSpec` is set, so Cilium takes the ENIConfigs' subnets\.$/);
    });
});

describe("snat-mode-change and host-port, shapes the suite does not try", () => {
    it("the SNAT remedy names the VPC to look up when cluster.json has it, and reads on without it", () => {
        assert.match(finding("snat-mode-change", () => undefined)?.remedy ?? "", /to the VPC's CIDR \(aws ec2 describe-vpcs --vpc-ids vpc-0a1b2c3d4e5f60718\) — but then/);
        assert.match(finding("snat-mode-change", (i) => { delete (i.cluster as Obj).resourcesVpcConfig; })?.remedy ?? "", /to the VPC's CIDR — but then/);
    });

    it("a hostPort in any container counts; DaemonSet pods among the pods are said", () => {
        const web = (i: PreflightInput) => items(i, "pods").find((p) => p.metadata.name.startsWith("web-")) as Obj;
        const f = finding("host-port", (i) => {
            web(i).spec.containers.push({ name: "metrics", image: "public.ecr.aws/example/exporter:1.0", ports: [{ containerPort: 9100, hostPort: 9100, protocol: "TCP" }] });
            // A node agent that publishes its intake on a hostPort from the pod network (Datadog's APM port, say).
            const agent = structuredClone(web(i));
            agent.metadata = { name: "datadog-agent-x7k2p", namespace: "monitoring",
                ownerReferences: [{ apiVersion: "apps/v1", kind: "DaemonSet", name: "datadog-agent", uid: "5e0c2a9b-1d4f-4c7e-9a3b-6f8d2e1c0b7a", controller: true, blockOwnerDeletion: true }] };
            agent.spec.containers = [{ name: "agent", image: "public.ecr.aws/datadog/agent:7", ports: [{ containerPort: 8126, hostPort: 8126, protocol: "TCP" }] }];
            items(i, "pods").push(agent);
        }) as Finding;
        assert.strictEqual(f.objects.length, 2);
        assert.match(f.message, /^2 pod\(s\) publish a hostPort \(shop\/web-[a-z0-9-]+, monitoring\/datadog-agent-x7k2p; DaemonSet pods among them\): /);
    });
});
