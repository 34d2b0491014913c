// Calico's agents pinned where aws-node runs from phase 1 (components/calico/, stacks/calicoParts.ts): the Installation's
// overrides for an operator install (validated against tigera-operator's CRD schema), a DaemonSet patch for manifests;
// what the program declares passes the phase-1 gate's own judgement of calico-node.
import Ajv from "ajv";
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Evaluation } from "../plan/evaluate";
import { RecordedResource } from "../plan/mockRuntime";
import { DaemonSet } from "../clusterReader/k8sTypes";
import { DEFAULT_CONTEXT as ctx } from "../clusterReader/selectors";
import { CHECKS } from "../gates/registry";
import { PHASE_SHAPES, buildCluster, copy } from "./fixtures/clusterBuilder";
import { OPERATOR_CLUSTER, calicoSnapshot, manifestCalicoNode, operatorAgent, operatorDeployment, operatorEksTerm, EKS_INSTALLATION } from "./support/calicoInstall";
import { failureOf, removeSnapshotCopies, runExisting } from "./support/existingCluster";
import { FIXTURES } from "./support/paths";

const OPERATOR_DIR = path.join(FIXTURES, "real", "tigera-operator");
const PIN = { key: "cni", operator: "NotIn", values: ["cilium"] };
const INSTALLATION_PATCH = "kubernetes:operator.tigera.io/v1:InstallationPatch";
const DAEMONSET_PATCH = "kubernetes:apps/v1:DaemonSetPatch";

const calicoPatches = (e: Evaluation): RecordedResource[] => e.resources.filter((r) => r.type === INSTALLATION_PATCH || (r.type === DAEMONSET_PATCH && r.name.startsWith("calico-")));
const termsOf = (affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: { matchExpressions: unknown[] }[] } } }) =>
    affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms.map((t) => t.matchExpressions);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const overrideOf = (r: RecordedResource, field: string): any => (r.inputs.spec as any)[field].spec.template.spec.affinity;

function overrideValidators() {
    const schema = JSON.parse(fs.readFileSync(path.join(OPERATOR_DIR, "installation-overrides-schema.json"), "utf8"));
    const ajv = new Ajv({ strict: false, allErrors: true }).addFormat("int32", true).addFormat("int64", true);
    return { calicoNodeDaemonSet: ajv.compile(schema.calicoNodeDaemonSet), csiNodeDriverDaemonSet: ajv.compile(schema.csiNodeDriverDaemonSet) };
}

describe("Calico's agents pinned where aws-node runs", () => {
    after(removeSnapshotCopies);
    const operatorDir = () => calicoSnapshot(OPERATOR_CLUSTER);

    it("tigera-operator applies an override's affinity in place of its own (its render code)", () => {
        const source = fs.readFileSync(path.join(OPERATOR_DIR, "components.go"), "utf8");
        assert.match(source, /if affinity := GetAffinity\(overrides\); affinity != nil \{\s*r\.podTemplateSpec\.Spec\.Affinity = affinity\s*\}/);
    });

    it("operator, phase 1: one server-side-apply patch of Installation default, both overrides with the EKS term kept and the pin added", async () => {
        const e = await runExisting({ phase: 1, snapshotDir: operatorDir() });
        const [patch, ...others] = calicoPatches(e);
        assert.deepStrictEqual(others, []);
        assert.strictEqual(patch.type, INSTALLATION_PATCH);
        assert.strictEqual(patch.name, "calico-installation");
        assert.deepStrictEqual(patch.inputs.metadata, { name: "default", annotations: { "pulumi.com/patchForce": "true", "pulumi.com/patchFieldManager": "eks-cilium-migration" } });
        assert.deepStrictEqual(termsOf(overrideOf(patch, "calicoNodeDaemonSet")), [[operatorEksTerm("node.go"), PIN]]);
        assert.deepStrictEqual(termsOf(overrideOf(patch, "csiNodeDriverDaemonSet")), [[operatorEksTerm("csi.go"), PIN]]);
        assert.strictEqual(patch.retainOnDelete, true);
        assert.ok(patch.dependencies.includes("command:local:Command::gate-phase-0-check"), patch.dependencies.join(", "));
        const exitGate = e.resources.find((r) => r.name === "gate-phase-1-check");
        assert.ok(exitGate?.dependencies.includes(`${INSTALLATION_PATCH}::calico-installation`), exitGate?.dependencies.join(", "));
    });

    it("operator: every patch declared is valid against the Installation CRD's own schema", async () => {
        const validate = overrideValidators();
        const e = await runExisting({ phase: 1, snapshotDir: operatorDir() });
        for (const field of ["calicoNodeDaemonSet", "csiNodeDriverDaemonSet"] as const) {
            const spec = calicoPatches(e)[0].inputs.spec as Record<string, unknown>;
            assert.ok(validate[field](spec[field]), `${field}: ${JSON.stringify(validate[field].errors)}`);
            assert.ok(!validate[field]({ spec: { template: { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ operator: "NotIn" }] }] } } } } } } }), "the schema can refuse");
        }
    });

    it("what the operator then renders passes the phase-1 gate's judgement of calico-node", async () => {
        const e = await runExisting({ phase: 1, snapshotDir: operatorDir() });
        const s = copy(buildCluster(PHASE_SHAPES[1]));
        const rendered = operatorAgent("calico-node", overrideOf(calicoPatches(e)[0], "calicoNodeDaemonSet")) as DaemonSet;
        s.daemonsets.items.push(rendered);
        const v = CHECKS["aws-node-pinned"].run(s, ctx);
        assert.strictEqual(v.pass, true, v.reason);
        assert.ok(v.findings.some((l) => l.includes("DaemonSet calico-system/calico-node admits every legacy node and no cni=cilium node")), v.findings.join("\n"));
    });

    it("already pinned (the cluster after phase 1): phase 2 writes the same terms, the pin not doubled", async () => {
        const pinned = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [operatorEksTerm("node.go"), PIN] }] } } };
        const dir = calicoSnapshot({ ...OPERATOR_CLUSTER, daemonSets: [operatorAgent("calico-node", pinned)] });
        const patch = calicoPatches(await runExisting({ phase: 2, snapshotDir: dir }))[0];
        assert.deepStrictEqual(termsOf(overrideOf(patch, "calicoNodeDaemonSet")), [[operatorEksTerm("node.go"), PIN]]);
        assert.deepStrictEqual(Object.keys(patch.inputs.spec as object), ["calicoNodeDaemonSet"]);
    });

    it("pinned in phases 1–5; nothing declared at 0 (first deployment) nor from 6 on", async () => {
        const dir = operatorDir();
        for (const phase of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) {
            const patches = calicoPatches(await runExisting({ phase, snapshotDir: dir }));
            assert.strictEqual(patches.length, phase >= 1 && phase <= 5 ? 1 : 0, `phase ${phase}`);
        }
    });

    it("the way back to 0 writes calico-node's current terms without the pin", async () => {
        const pinned = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [operatorEksTerm("node.go"), PIN] }] } } };
        const dir = calicoSnapshot({ ...OPERATOR_CLUSTER, daemonSets: [operatorAgent("calico-node", pinned)] });
        const patch = calicoPatches(await runExisting({ phase: 0, appliedPhase: 1, snapshotDir: dir }))[0];
        assert.deepStrictEqual(termsOf(overrideOf(patch, "calicoNodeDaemonSet")), [[operatorEksTerm("node.go")]]);
    });

    it("an operator older than v1.28 is refused at phase 1, naming its version; phase 0 is not refused", async () => {
        const dir = calicoSnapshot({ installations: [EKS_INSTALLATION], operators: [operatorDeployment("v1.27.9")], daemonSets: [operatorAgent("calico-node")] });
        assert.strictEqual(await failureOf(runExisting({ phase: 1, snapshotDir: dir })),
            "Calico's tigera-operator (Deployment tigera-operator/tigera-operator) is v1.27.9, older than v1.28: its Installation has no `calicoNodeDaemonSet` " +
            "override, so calico-node cannot be kept off Cilium nodes. Upgrade tigera-operator to v1.28 or later, then apply this phase again.");
        assert.deepStrictEqual(calicoPatches(await runExisting({ phase: 0, snapshotDir: dir })), []);
    });

    it("manifests: a server-side-apply patch of kube-system/calico-node, its only term the pin (it has no affinity of its own)", async () => {
        const e = await runExisting({ phase: 1, snapshotDir: calicoSnapshot({ daemonSets: [manifestCalicoNode()] }) });
        const [patch, ...others] = calicoPatches(e);
        assert.deepStrictEqual(others, []);
        assert.strictEqual(patch.type, DAEMONSET_PATCH);
        assert.deepStrictEqual(patch.inputs.metadata, { name: "calico-node", namespace: "kube-system", annotations: { "pulumi.com/patchForce": "true", "pulumi.com/patchFieldManager": "eks-cilium-migration" } });
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        assert.deepStrictEqual(termsOf((patch.inputs.spec as any).template.spec.affinity), [[PIN]]);
        assert.strictEqual(patch.retainOnDelete, true);
    });
});
