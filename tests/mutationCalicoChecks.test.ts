// preflight/calicoChecks.ts, calico-policy-engine: which install runs Calico, and whether its tigera-operator is old
// enough to lack the Installation's `calicoNodeDaemonSet` override (v1.28). The install is the Calico example cluster
// (examples/calico-east) and tigera-operator's own Deployment (tests/fixtures/real/calico, via tests/support/calicoInstall.ts).
import * as assert from "assert";
import { OPERATOR_OVERRIDES_SINCE, operatorVersion, tooOld } from "../preflight/calicoChecks";
import { readPreflightSnapshot } from "../preflight/read";
import { runPreflight } from "../preflight/run";
import { DEFAULT_OPTIONS, Finding, Obj, PreflightInput } from "../preflight/types";
import { calicoInstallOf, operatorTooOld } from "../stacks/calicoFacts";
import { CALICO_EXAMPLE } from "./fixtures/writeCalicoExample";
import { EKS_INSTALLATION, operatorDeployment } from "./support/calicoInstall";

const EXAMPLE = readPreflightSnapshot(CALICO_EXAMPLE);
const ENGINE_ID = "calico-policy-engine";

/** The example cluster with its install replaced (tigera-operator's Deployment, Installations), or a file left out. */
function exampleWith(edit: (input: PreflightInput) => void): PreflightInput {
    const input = structuredClone(EXAMPLE);
    edit(input);
    return input;
}
const engineOf = (input: PreflightInput): Finding[] => runPreflight(input, DEFAULT_OPTIONS).findings.filter((f) => f.id === ENGINE_ID);
const withoutOperator = (input: PreflightInput) => { input.deployments!.items = input.deployments!.items.filter((d) => d.metadata.name !== "tigera-operator"); };
const withOperator = (tag: string) => (input: PreflightInput) => { withoutOperator(input); input.deployments!.items.push(operatorDeployment(tag)); };
const versionOf = (image: string) => operatorVersion(deploymentWith([{ name: "tigera-operator", image }]))?.text;

/** tigera-operator's Deployment with the containers given (a sidecar beside the operator, say). */
function deploymentWith(containers: Obj[]): Obj {
    const d = operatorDeployment("v1.36.2");
    d.spec.template.spec.containers = containers.map((c) => ({ ...d.spec.template.spec.containers[0], ...c }));
    return d;
}

describe("calico-policy-engine: tigera-operator's version from its image tag", () => {
    it("reads major.minor(.patch) from a released tag, with or without the leading v, and with a build suffix", () => {
        assert.deepStrictEqual(operatorVersion(operatorDeployment("v1.36.2")), { text: "v1.36.2", major: 1, minor: 36 });
        assert.strictEqual(versionOf("quay.io/tigera/operator:1.27.3"), "v1.27.3");
        assert.strictEqual(versionOf("quay.io/tigera/operator:v1.28"), "v1.28");
        assert.strictEqual(versionOf("quay.io/tigera/operator:v1.30.0-amd64"), "v1.30.0");
        assert.deepStrictEqual(operatorVersion(deploymentWith([{ name: "tigera-operator", image: "quay.io/tigera/operator:v10.2.0" }])), { text: "v10.2.0", major: 10, minor: 2 });
    });

    it("a tag pinned by digest as well (`:v1.27.3@sha256:…`, as admission policies rewrite images) is still read; a digest alone gives none", () => {
        const digest = `@sha256:${"5f0c1e8a".repeat(8)}`;
        assert.deepStrictEqual(operatorVersion(operatorDeployment(`v1.27.3${digest}`)), { text: "v1.27.3", major: 1, minor: 27 });
        assert.strictEqual(versionOf(`quay.io/tigera/operator${digest}`), undefined);
        // The program refuses that operator as it refuses v1.27.3 by tag (stacks/calicoFacts.ts), and preflight warns.
        assert.strictEqual(operatorTooOld(calicoInstallOf({ installations: [EKS_INSTALLATION], operators: [operatorDeployment(`v1.27.3${digest}`)], daemonSets: [] })), "v1.27.3");
        assert.strictEqual(engineOf(exampleWith(withOperator(`v1.27.3${digest}`)))[0].severity, "warning");
    });

    it("a tag that is no version (latest, master) gives none", () => {
        assert.strictEqual(versionOf("quay.io/tigera/operator:latest"), undefined);
        assert.strictEqual(versionOf("quay.io/tigera/operator:master"), undefined);
    });

    it("reads the container named tigera-operator, not a sidecar listed before it; without that name, the first container", () => {
        const sidecar = { name: "log-shipper", image: "cr.fluentbit.io/fluent/fluent-bit:3.1.4" };
        assert.strictEqual(operatorVersion(deploymentWith([sidecar, { name: "tigera-operator", image: "quay.io/tigera/operator:v1.27.3" }]))?.text, "v1.27.3");
        assert.strictEqual(operatorVersion(deploymentWith([{ name: "operator", image: "quay.io/tigera/operator:v1.27.3" }, sidecar]))?.text, "v1.27.3");
    });

    it("older than v1.28 is too old (v1.27, v0.x); v1.28 itself and later are not", () => {
        assert.deepStrictEqual(OPERATOR_OVERRIDES_SINCE, { major: 1, minor: 28 });
        assert.strictEqual(tooOld({ major: 1, minor: 27 }), true);
        assert.strictEqual(tooOld({ major: 0, minor: 99 }), true);
        assert.strictEqual(tooOld({ major: 1, minor: 28 }), false);
        assert.strictEqual(tooOld({ major: 2, minor: 0 }), false);
    });
});

describe("calico-policy-engine: which install runs Calico", () => {
    it("a released operator of v1.28 or later, or one whose tag is no version: information, no upgrade asked", () => {
        for (const tag of ["v1.36.2", "v1.28.0", "latest"]) {
            const [engine] = engineOf(exampleWith(withOperator(tag)));
            assert.strictEqual(engine.severity, "info", tag);
            assert.ok(!engine.message.includes("is older than"), engine.message);
            assert.ok(engine.remedy.startsWith("The program keeps calico-node (and csi-node-driver) where aws-node runs from phase 1"), engine.remedy);
        }
    });

    it("an operator older than v1.28: a warning naming its version, and the remedy asks for the upgrade first", () => {
        const [engine] = engineOf(exampleWith(withOperator("v1.27.12")));
        assert.strictEqual(engine.severity, "warning");
        assert.ok(engine.message.endsWith(" tigera-operator v1.27.12 is older than v1.28: its Installation has no `calicoNodeDaemonSet` override, " +
            "so calico-node cannot be kept off Cilium nodes through it."), engine.message);
        assert.ok(engine.remedy.startsWith("Upgrade tigera-operator to v1.28 or later first: the program refuses an older one. The program keeps calico-node"), engine.remedy);
    });

    it("an Installation and calico-node read without deployments.json: still the operator's install, named by its Installation", () => {
        const [engine] = engineOf(exampleWith((i) => { delete i.deployments; }));
        assert.deepStrictEqual(engine.objects, ["Installation/default", "calico-system/calico-node"]);
        assert.ok(engine.message.startsWith("Calico runs as a policy engine beside aws-cni, installed by tigera-operator (Installation default, cni AmazonVPC); " +
            "DaemonSet calico-system/calico-node. calico-node must stay off Cilium nodes"), engine.message);
    });

    it("an Installation that leaves the CNI type to the operator (or has no spec at all) is named without one", () => {
        for (const installation of [{ ...EKS_INSTALLATION, spec: { kubernetesProvider: "EKS" } }, { apiVersion: EKS_INSTALLATION.apiVersion, kind: "Installation", metadata: { name: "default" } }]) {
            const [engine] = engineOf(exampleWith((i) => { i.calicoinstallations!.items = [installation]; }));
            assert.ok(engine.message.startsWith("Calico runs as a policy engine beside aws-cni, installed by tigera-operator (Installation default; " +
                "Deployment tigera-operator/tigera-operator); DaemonSet calico-system/calico-node."), engine.message);
        }
    });
});
