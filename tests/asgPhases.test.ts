/**
 * Self-managed node groups through all ten phases (examples/prod-mixed + Pulumi.mixed.yaml: one managed group, an AL2
 * ASG on a mixed-instances policy, an AL2023 ASG): the twin launch template and twin ASG, the legacy groups driven only
 * by steps, rollbacks 4→3 and 3→2, and nothing declared that could touch a legacy launch template.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { commandWords } from "../components/autoScalingGroups/shellWords";
import { readUserData } from "../components/autoScalingGroups/userData";
import { parseArgs } from "../gates/cli";
import { AwsSnapshot } from "../plan/awsSnapshot";
import { Evaluation, evaluate } from "../plan/evaluate";
import { RecordedResource } from "../plan/mockRuntime";
import { CONFIG_NAMESPACE } from "../stacks/pins";
import { readStackFile } from "../stacks/stackFile";
import { find } from "./mocks";
import { PROJECT_ROOT } from "./support/paths";

const EXAMPLE = path.join(PROJECT_ROOT, "examples", "prod-mixed");
const LT = "aws:ec2/launchTemplate:LaunchTemplate";
const ASG = "aws:autoscaling/group:Group";
const COMMAND = "command:local:Command";
const GROUPS = ["prod-mixed-batch-al2", "prod-mixed-batch-al2023"];
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const snapshot = (file: string): Json => JSON.parse(fs.readFileSync(path.join(EXAMPLE, file), "utf8"));
const legacyGroup = (name: string): Json => snapshot("autoscaling-groups.json").AutoScalingGroups.find((g: Json) => g.AutoScalingGroupName === name);
const LEGACY_VERSIONS: Json[] = snapshot("launch-template-versions.json").LaunchTemplateVersions;

const runs = new Map<string, Promise<Evaluation>>();
function runMixed(phase: number, opts: { applied?: number; extra?: Record<string, unknown>; ownOutputs?: Record<string, unknown>; snapshotDir?: string } = {}): Promise<Evaluation> {
    const id = JSON.stringify({ phase, ...opts });
    if (!runs.has(id)) {
        const config = readStackFile(path.join(PROJECT_ROOT, "Pulumi.mixed.yaml"));
        for (const [k, v] of Object.entries(opts.extra ?? {})) config[`${CONFIG_NAMESPACE}:${k}`] = JSON.stringify(v);
        runs.set(id, evaluate({
            config, phase, appliedPhase: opts.applied ?? (phase === 0 ? undefined : phase - 1), ownOutputs: opts.ownOutputs, snapshot: new AwsSnapshot(opts.snapshotDir ?? EXAMPLE),
        }));
    }
    return runs.get(id) as Promise<Evaluation>;
}
const commands = (e: Evaluation, part: string) => e.resources.filter((r) => r.type === COMMAND && r.name.includes(part));
const scriptOf = (r: RecordedResource, which: "create" | "delete" = "create") => String(r.inputs[which] ?? "");
const sizesOf = (r: RecordedResource) => ({ minSize: r.inputs.minSize, maxSize: r.inputs.maxSize, desiredCapacity: r.inputs.desiredCapacity });

describe("self-managed node groups: every phase of examples/prod-mixed", function () {
    this.timeout(240000);

    it("each phase declares a twin launch template and ASG per group: the twin's own template, sizes 0 until 3, then the legacy's", async () => {
        for (let phase = 0; phase <= 9; phase++) {
            const e = await runMixed(phase);
            for (const name of GROUPS) {
                const twin = `${name}-cilium`;
                const template = find(e, LT, `cilium-twin-asgs-${twin}`);
                const group = find(e, ASG, `cilium-twin-asgs-${twin}`);
                assert.strictEqual(template.inputs.name, twin);
                assert.strictEqual(group.inputs.name, twin);
                assert.ok(template.protect && group.protect, `${twin}: protected at ${phase}`);
                const ref = (group.inputs.launchTemplate ?? (group.inputs.mixedInstancesPolicy as Json).launchTemplate.launchTemplateSpecification) as Json;
                assert.strictEqual(ref.id ?? ref.launchTemplateId, `cilium-twin-asgs-${twin}-id`, "the twin launches its own template");
                const legacy = legacyGroup(name);
                assert.deepStrictEqual(sizesOf(group), phase >= 3
                    ? { minSize: legacy.MinSize, maxSize: legacy.MaxSize, desiredCapacity: legacy.DesiredCapacity }
                    : { minSize: 0, maxSize: 0, desiredCapacity: 0 }, `${twin} at ${phase}`);
                assert.deepStrictEqual(group.ignoreChanges, phase >= 4 ? ["desiredCapacity"] : [], `${twin} at ${phase}: the autoscaler's desiredCapacity`);
                if (phase === 3) assert.ok(group.dependencies.includes("kubernetes:helm.sh/v3:Release::cilium-release"), "grows only once Cilium is there");
            }
            assert.deepStrictEqual(e.outputs.legacyAsgSizes, Object.fromEntries(GROUPS.map((n) => [n, { minSize: 0, maxSize: 10, desiredCapacity: 2 }])));
        }
    });

    it("the twin template is the legacy version's AMI, profile, security groups, disks, metadata, type; instances tagged eks:cluster-name; user data with the Cilium label and taint", async () => {
        const e = await runMixed(0);
        const versions = snapshot("launch-template-versions.json").LaunchTemplateVersions;
        for (const [name, version] of [["prod-mixed-batch-al2", 2], ["prod-mixed-batch-al2023", 3]] as const) {
            const d = versions.find((v: Json) => v.LaunchTemplateName === name && v.VersionNumber === version).LaunchTemplateData;
            const t = find(e, LT, `cilium-twin-asgs-${name}-cilium`).inputs as Json;
            assert.strictEqual(t.imageId, d.ImageId);
            assert.strictEqual(t.instanceType, d.InstanceType);
            assert.deepStrictEqual(t.iamInstanceProfile, { arn: d.IamInstanceProfile.Arn });
            assert.deepStrictEqual(t.vpcSecurityGroupIds, d.SecurityGroupIds);
            assert.deepStrictEqual(t.blockDeviceMappings, [{ deviceName: "/dev/xvda", ebs: { deleteOnTermination: "true", encrypted: "true", volumeSize: 100, volumeType: "gp3" } }]);
            assert.deepStrictEqual(t.metadataOptions, { httpEndpoint: "enabled", httpPutResponseHopLimit: 2, httpTokens: "required" });
            assert.deepStrictEqual(t.tagSpecifications, [
                { resourceType: "instance", tags: { Name: `${name}-cilium`, "eks:cluster-name": "prod-mixed" } },
                { resourceType: "volume", tags: { Name: `${name}-cilium` } },
            ]);
            const legacy = readUserData(name, d.UserData);
            const twin = readUserData(name, t.userData);
            assert.strictEqual(twin.form, legacy.form);
            assert.deepStrictEqual(twin.labels, { ...legacy.labels, cni: "cilium" });
            assert.deepStrictEqual(twin.taints, [...(legacy.taints ?? []), "node.cilium.io/agent-not-ready=true:NoExecute"]);
        }
    });

    it("the twin ASG: the legacy's subnets, mixed-instances policy on the twin template, Cluster Autoscaler tags as the legacy has them, cluster ownership", async () => {
        const e = await runMixed(3);
        const al2 = find(e, ASG, "cilium-twin-asgs-prod-mixed-batch-al2-cilium").inputs as Json;
        const legacy = legacyGroup("prod-mixed-batch-al2");
        assert.deepStrictEqual(al2.vpcZoneIdentifiers, legacy.VPCZoneIdentifier.split(","));
        assert.deepStrictEqual(al2.mixedInstancesPolicy, {
            instancesDistribution: { onDemandAllocationStrategy: "prioritized", onDemandBaseCapacity: 0, onDemandPercentageAboveBaseCapacity: 0, spotAllocationStrategy: "price-capacity-optimized" },
            launchTemplate: {
                launchTemplateSpecification: { launchTemplateId: "cilium-twin-asgs-prod-mixed-batch-al2-cilium-id", version: "$Latest" },
                overrides: [{ instanceType: "c6i.2xlarge" }, { instanceType: "c6a.2xlarge" }],
            },
        });
        assert.deepStrictEqual(al2.tags, [
            ...legacy.Tags.filter((t: Json) => t.Key.startsWith("k8s.io/cluster-autoscaler/")).map((t: Json) => ({ key: t.Key, value: t.Value, propagateAtLaunch: t.PropagateAtLaunch })),
            { key: "kubernetes.io/cluster/prod-mixed", value: "owned", propagateAtLaunch: true },
            { key: "Name", value: "prod-mixed-batch-al2-cilium", propagateAtLaunch: true },
            { key: "eks-cilium-migration/cluster", value: "prod-mixed", propagateAtLaunch: false },
        ]);
        const al2023 = find(e, ASG, "cilium-twin-asgs-prod-mixed-batch-al2023-cilium").inputs as Json;
        assert.deepStrictEqual(al2023.launchTemplate, { id: "cilium-twin-asgs-prod-mixed-batch-al2023-cilium-id", version: "$Latest" });
        assert.strictEqual(al2023.mixedInstancesPolicy, undefined);
    });

    it("legacy ASGs: Launch suspended from 4 (its removal resumes it), min/desired 0 at 7 after the drained re-check, never deleted unless asked", async () => {
        for (let phase = 0; phase <= 9; phase++) {
            const e = await runMixed(phase);
            for (const name of GROUPS) {
                const suspend = commands(e, `legacy-asgs-${name}-suspend-launch`);
                assert.strictEqual(suspend.length, phase >= 4 ? 1 : 0, `${name} suspend at ${phase}`);
                if (suspend[0]) {
                    assert.ok(scriptOf(suspend[0]).includes(`aws --region 'us-east-2' autoscaling suspend-processes --auto-scaling-group-name '${name}' --scaling-processes Launch`));
                    assert.ok(scriptOf(suspend[0], "delete").includes(`aws --region 'us-east-2' autoscaling resume-processes --auto-scaling-group-name '${name}' --scaling-processes Launch`));
                }
                const down = commands(e, `legacy-asgs-${name}-scale-to-zero`);
                assert.strictEqual(down.length, phase >= 7 ? 1 : 0, `${name} scale-down at ${phase}`);
                if (down[0]) {
                    const script = scriptOf(down[0]);
                    const check = script.indexOf("legacy-drained --kubeconfig");
                    const act = script.indexOf(`autoscaling update-auto-scaling-group --auto-scaling-group-name '${name}' --min-size 0 --desired-capacity 0`);
                    assert.ok(check > 0 && act > check, "the drained re-check runs right before the scale-down");
                    assert.ok(script.includes("--legacy-nodegroups 'ng-general' --legacy-asgs 'prod-mixed-batch-al2,prod-mixed-batch-al2023' --cluster 'prod-mixed' --region 'us-east-2'"), "told every pool");
                    assert.ok(down[0].dependencies.includes(`${COMMAND}::legacy-asgs-${name}-suspend-launch`));
                }
                assert.strictEqual(commands(e, `legacy-asgs-${name}-delete`).length, 0, `${name} never deleted without deleteLegacyNodeGroups`);
            }
        }
        const deleting = await runMixed(8, { extra: { existingCluster: { name: "prod-mixed", nodeGroups: ["ng-general"], autoScalingGroups: GROUPS, deleteLegacyNodeGroups: true } } });
        for (const name of GROUPS) {
            const script = scriptOf(find(deleting, COMMAND, `legacy-asgs-${name}-delete`));
            assert.ok(script.indexOf("legacy-drained --kubeconfig") < script.indexOf(`autoscaling delete-auto-scaling-group --auto-scaling-group-name '${name}'`));
            assert.ok(!script.includes("--force-delete"), "AWS refuses to delete a group that still has instances");
        }
    });

    it("the cordon waits for Launch suspended; the re-checks (phase 6's aws-node removal, 7's scale-down) are told the ASGs and the cluster to read them live", async () => {
        const four = await runMixed(4);
        const cordon = find(four, COMMAND, "legacy-groups-cordon");
        for (const name of GROUPS) assert.ok(cordon.dependencies.includes(`${COMMAND}::legacy-asgs-${name}-suspend-launch`), name);
        const seven = scriptOf(find(await runMixed(7), COMMAND, "legacy-asgs-prod-mixed-batch-al2-scale-to-zero"));
        const gateLine = commandWords(seven, seven.indexOf(" legacy-drained --kubeconfig") - "ts-node --transpile-only gates/cli.ts".length);
        const argv = gateLine.map((w) => w.value).slice(gateLine.findIndex((w) => w.value === "gates/cli.ts") + 1);
        const parsed = parseArgs(argv.map((a) => a === "$kubeconfig_file" ? "/tmp/kubeconfig" : a));
        assert.deepStrictEqual([parsed.check, parsed.ctx.pools, parsed.preflight.cluster, parsed.preflight.region],
            ["legacy-drained", { nodeGroups: ["ng-general"], asgs: GROUPS }, "prod-mixed", "us-east-2"], "the gate reads the groups' instances live for this cluster");
        const six = await runMixed(6);
        assert.ok(scriptOf(find(six, COMMAND, "aws-node-remove")).includes("--legacy-nodegroups 'ng-general' --legacy-asgs 'prod-mixed-batch-al2,prod-mixed-batch-al2023' --cluster 'prod-mixed' --region 'us-east-2'"));
    });

    it("rollback 4→3: the suspend steps are no longer declared (Pulumi runs their delete: Launch resumed), the cordon neither", async () => {
        const back = await runMixed(3, { applied: 4 });
        assert.deepStrictEqual(commands(back, "suspend-launch").map((r) => r.name), []);
        assert.deepStrictEqual(commands(back, "legacy-groups-cordon").map((r) => r.name), []);
        assert.deepStrictEqual(commands(back, "-drain").map((r) => r.name), [], "no twin drain going back to 3");
    });

    it("rollback 3→2: each twin's nodes drained (a step) before its sizes go to 0; not on the way forward", async () => {
        const back = await runMixed(2, { applied: 3 });
        for (const name of GROUPS) {
            const twin = `${name}-cilium`;
            const drain = find(back, COMMAND, `cilium-twin-asgs-${twin}-drain`);
            assert.ok(scriptOf(drain).includes(`describe-auto-scaling-groups --auto-scaling-group-names '${twin}'`));
            assert.ok(scriptOf(drain).includes("kubectl drain \"${nodes[@]}\" --ignore-daemonsets --timeout=10m"));
            const group = find(back, ASG, `cilium-twin-asgs-${twin}`);
            assert.deepStrictEqual(sizesOf(group), { minSize: 0, maxSize: 0, desiredCapacity: 0 });
            assert.ok(group.dependencies.includes(`${COMMAND}::cilium-twin-asgs-${twin}-drain`), "sizes 0 only after the drain");
        }
        assert.deepStrictEqual(commands(await runMixed(2), "cilium-twin-asgs").map((r) => r.name), [], "forward to 2: nothing to drain");
    });

    it("sizes recorded at an earlier update are kept (live groups read 0 from phase 7)", async () => {
        const recorded = { "prod-mixed-batch-al2": { minSize: 1, maxSize: 6, desiredCapacity: 3 }, "prod-mixed-batch-al2023": { minSize: 2, maxSize: 8, desiredCapacity: 4 } };
        const e = await runMixed(7, { ownOutputs: { legacyAsgSizes: recorded } });
        assert.deepStrictEqual(e.outputs.legacyAsgSizes, recorded);
        for (const [name, sizes] of Object.entries(recorded)) assert.deepStrictEqual(sizesOf(find(e, ASG, `cilium-twin-asgs-${name}-cilium`)), sizes);
    });

    it("from phase 7, a group at zero with no recorded sizes is refused (naming it), not given a twin of size 0", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "asg-zeroed-"));
        try {
            for (const f of fs.readdirSync(EXAMPLE)) fs.copyFileSync(path.join(EXAMPLE, f), path.join(dir, f));
            const groups = snapshot("autoscaling-groups.json");
            for (const g of groups.AutoScalingGroups) g.DesiredCapacity = 0;
            fs.writeFileSync(path.join(dir, "autoscaling-groups.json"), JSON.stringify(groups));
            await assert.rejects(runMixed(7, { snapshotDir: dir }), (err: Error) => err.message.includes(
                "the stack has no record of Auto Scaling group prod-mixed-batch-al2's sizes before phase 7 scaled it to zero (stack output `legacyAsgSizes`), " +
                "and it reads min 0, desired 0 now: its twin would be sized 0 and lose every node."));
            const recorded = { "prod-mixed-batch-al2": { minSize: 0, maxSize: 10, desiredCapacity: 2 }, "prod-mixed-batch-al2023": { minSize: 0, maxSize: 10, desiredCapacity: 2 } };
            const e = await runMixed(7, { snapshotDir: dir, ownOutputs: { legacyAsgSizes: recorded } });
            assert.deepStrictEqual(e.outputs.legacyAsgSizes, recorded);
            const six = await runMixed(6, { snapshotDir: dir });
            assert.deepStrictEqual(six.outputs.legacyAsgSizes, { "prod-mixed-batch-al2": { minSize: 0, maxSize: 10, desiredCapacity: 0 }, "prod-mixed-batch-al2023": { minSize: 0, maxSize: 10, desiredCapacity: 0 } }, "before 7 the live sizes are the originals");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("nothing declared in any phase targets a legacy launch template or changes a legacy ASG's template reference", async () => {
        for (let phase = 0; phase <= 9; phase++) {
            for (const e of [await runMixed(phase), ...(phase === 2 ? [await runMixed(2, { applied: 3 })] : [])]) {
                for (const r of e.resources) {
                    const text = JSON.stringify(r.inputs);
                    for (const v of LEGACY_VERSIONS) {
                        assert.ok(!text.includes(v.LaunchTemplateId), `${r.type} ${r.name} names legacy template ${v.LaunchTemplateId}`);
                        // Its name equals its group's (terraform-aws-eks): named as a template, never.
                        assert.ok(!text.includes(`"launchTemplateName":"${v.LaunchTemplateName}"`) && !text.includes(`--launch-template-name '${v.LaunchTemplateName}'`), `${r.name}`);
                    }
                    if (r.type === ASG || r.type === LT) assert.ok(!GROUPS.includes(String(r.inputs.name)), `${r.name} declares a legacy ${r.type}`);
                    if (r.type === COMMAND) {
                        const scripts = `${scriptOf(r)}\n${scriptOf(r, "delete")}`;
                        for (const verb of ["launch-template", "instance-refresh", "attach-instances", "detach-instances", "put-warm-pool"]) {
                            assert.ok(!new RegExp(`autoscaling [a-z-]*${verb}|ec2 [a-z-]*${verb}`).test(scripts), `${r.name} runs ${verb}`);
                        }
                        const updates = scripts.match(/update-auto-scaling-group [^\n]*/g) ?? [];
                        for (const u of updates) assert.match(u, /^update-auto-scaling-group --auto-scaling-group-name '[^']+' --min-size 0 --desired-capacity 0$/);
                    }
                }
            }
        }
    });
});
