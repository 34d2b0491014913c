// Calico removed at phase 6 (components/calico/calicoRemoval.ts): after the drained re-check, the Installation while
// tigera-operator runs, then the operator (or the policy-only manifest's objects), then the CRDs and the APIService;
// idempotent. The scripts run under bash with a stand-in kubectl and gate.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CALICO_CRD_GROUPS, MANIFEST_OBJECTS, removeCalicoScript } from "../components/calico/calicoRemoval";
import { DEFAULT_NODE_LABELS } from "../migration/names";
import { OPERATOR_CLUSTER, calicoSnapshot, manifestCalicoNode } from "./support/calicoInstall";
import { removeSnapshotCopies, runExisting } from "./support/existingCluster";
import { FIXTURES } from "./support/paths";

const REAL = path.join(FIXTURES, "real");
const CRD = (name: string) => `customresourcedefinition.apiextensions.k8s.io/${name}`;

/** A stand-in kubectl answering from files in `state` (crds: one `kubectl get crd -o name` line each; operator, installation, apiservice: present if the file is). */
const KUBECTL = `#!/bin/bash
S="$STATE"
case "$*" in
  "get crd -o name") cat "$S/crds" ;;
  "get crd "*" --ignore-not-found -o name") grep -x "customresourcedefinition.apiextensions.k8s.io/$3" "$S/crds" || true ;;
  *"get deployment tigera-operator"*) [ -f "$S/operator" ] && echo deployment.apps/tigera-operator || true ;;
  *"get daemonset calico-node"*) [ -f "$S/calico-node" ] && echo daemonset.apps/calico-node || true ;;
  "get installations.operator.tigera.io default"*) [ -f "$S/installation" ] && echo installation.operator.tigera.io/default || true ;;
  "get apiservice"*) [ -f "$S/apiservice" ] && echo apiservice.apiregistration.k8s.io/v3.projectcalico.org || true ;;
  *) echo "kubectl $*" >> "$S/log" ;;
esac
`;

function run(install: Parameters<typeof removeCalicoScript>[0], state: { crds?: string[]; files?: string[] }, gateFails = false) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-step-"));
    fs.writeFileSync(path.join(dir, "kubectl"), KUBECTL, { mode: 0o755 });
    fs.writeFileSync(path.join(dir, "gate"), `#!/bin/bash\necho "gate $1" >> "$STATE/log"\n${gateFails ? "exit 1" : "exit 0"}\n`, { mode: 0o755 });
    fs.writeFileSync(path.join(dir, "crds"), (state.crds ?? []).map((c) => `${CRD(c)}\n`).join(""));
    fs.writeFileSync(path.join(dir, "log"), "");
    for (const f of state.files ?? []) fs.writeFileSync(path.join(dir, f), "");
    const script = removeCalicoScript(install, { checks: ["legacy-drained"], gateCli: path.join(dir, "gate"), labels: DEFAULT_NODE_LABELS, pools: { nodeGroups: ["ng-1"] } });
    let status = 0;
    let out = "";
    try {
        out = execFileSync("/bin/bash", ["-c", script], { env: { PATH: `${dir}:${process.env.PATH}`, KUBECONFIG_DATA: "x", TMPDIR: dir, STATE: dir }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (err) {
        const e = err as { status: number; stdout: string; stderr: string };
        status = e.status;
        out = e.stdout + e.stderr;
    }
    const log = fs.readFileSync(path.join(dir, "log"), "utf8").trim().split("\n").filter(Boolean);
    fs.rmSync(dir, { recursive: true });
    return { status, out, log };
}

const OPERATOR = { kind: "operator" as const, operatorNamespace: "tigera-operator" };
const OPERATOR_CRDS = ["installations.operator.tigera.io", "apiservers.operator.tigera.io", "networkpolicies.crd.projectcalico.org", "ciliumendpoints.cilium.io"];

describe("Calico removed at phase 6", () => {
    after(removeSnapshotCopies);

    it("tigera-operator holds the Installation with its cleanup finalizer (its own code): delete it while the operator runs", () => {
        assert.match(fs.readFileSync(path.join(REAL, "tigera-operator", "finalizers.go"), "utf8"), /OperatorCompleteFinalizer = "tigera\.io\/operator-cleanup"/);
    });

    it("operator: re-check, APIServer and Installation while the operator runs, wait for calico-node, the operator, Calico's CRDs only, the APIService", () => {
        const r = run(OPERATOR, { crds: OPERATOR_CRDS, files: ["operator", "installation", "apiservice"] });
        assert.strictEqual(r.status, 0, r.out);
        assert.deepStrictEqual(r.log, [
            "gate legacy-drained",
            "kubectl delete apiservers.operator.tigera.io default --ignore-not-found --wait=true --timeout=10m",
            "kubectl delete installations.operator.tigera.io default --ignore-not-found --wait=true --timeout=10m",
            "kubectl -n calico-system wait --for=delete daemonset/calico-node --timeout=10m",
            "kubectl -n tigera-operator delete deployment tigera-operator --ignore-not-found --wait=true",
            "kubectl delete namespace tigera-operator --ignore-not-found --wait=true",
            "kubectl delete clusterrolebinding tigera-operator --ignore-not-found",
            "kubectl delete clusterrole tigera-operator tigera-operator-secrets --ignore-not-found",
            `kubectl delete ${CRD("installations.operator.tigera.io")} --ignore-not-found --wait=true`,
            `kubectl delete ${CRD("apiservers.operator.tigera.io")} --ignore-not-found --wait=true`,
            `kubectl delete ${CRD("networkpolicies.crd.projectcalico.org")} --ignore-not-found --wait=true`,
            "kubectl delete apiservice v3.projectcalico.org --ignore-not-found",
        ]);
        assert.match(r.out, /remove: Calico removed \(Installation, tigera-operator, its CRDs, the v3\.projectcalico\.org APIService; pre-checks passed: legacy-drained\)/);
    });

    it("a failing drained re-check stops it before anything is deleted", () => {
        const r = run(OPERATOR, { crds: OPERATOR_CRDS, files: ["operator", "installation"] }, true);
        assert.strictEqual(r.status, 1);
        assert.deepStrictEqual(r.log, ["gate legacy-drained"]);
    });

    it("an Installation left without its operator is refused, nothing deleted (nothing would release it)", () => {
        const r = run(OPERATOR, { crds: OPERATOR_CRDS, files: ["installation"] });
        assert.strictEqual(r.status, 1);
        assert.deepStrictEqual(r.log, ["gate legacy-drained"]);
        assert.match(r.out, /remove: Installation default exists but tigera-operator does not run in tigera-operator: nothing would release it \(finalizer tigera\.io\/operator-cleanup\)/);
    });

    it("already gone passes without re-check or delete", () => {
        const r = run(OPERATOR, { crds: ["ciliumendpoints.cilium.io"] });
        assert.strictEqual(r.status, 0);
        assert.strictEqual(r.out, "remove: Calico is already gone; nothing to do\n");
        assert.deepStrictEqual(r.log, []);
    });

    it("a cluster it cannot read fails the step instead of reading as already gone", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-step-"));
        fs.writeFileSync(path.join(dir, "kubectl"), "#!/bin/bash\necho 'error: You must be logged in to the server (Unauthorized)' >&2\nexit 1\n", { mode: 0o755 });
        const script = removeCalicoScript(OPERATOR, { checks: ["legacy-drained"], gateCli: "true", labels: DEFAULT_NODE_LABELS });
        assert.throws(() => execFileSync("/bin/bash", ["-c", script], { env: { PATH: `${dir}:${process.env.PATH}`, KUBECONFIG_DATA: "x", TMPDIR: dir }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }),
            (err: { status: number; stdout: string }) => err.status === 1 && !err.stdout.includes("already gone"));
        fs.rmSync(dir, { recursive: true });
    });

    it("manifests: the policy-only manifest's own objects (its list, vendored), then the CRDs of Calico's groups", () => {
        const vendored = JSON.parse(fs.readFileSync(path.join(REAL, "calico", "policy-only-manifest-objects.json"), "utf8"));
        const key = (o: { kind: string; namespace?: string; name: string }) => `${o.kind} ${o.namespace ?? "-"} ${o.name}`;
        assert.deepStrictEqual(MANIFEST_OBJECTS.map(key).sort(), vendored.objects.map(key).sort());
        // Each CRD the manifest installs is Calico's (deleted) but the Kubernetes SIG's ClusterNetworkPolicy, which is not Calico's to remove.
        const notCalico = (vendored.customResourceDefinitions as string[]).filter((c) => !CALICO_CRD_GROUPS.some((g) => c.endsWith(`.${g}`) && !c.slice(0, -g.length - 1).includes(".")));
        assert.deepStrictEqual(notCalico, ["clusternetworkpolicies.policy.networking.k8s.io"]);
        const r = run({ kind: "manifest" }, { crds: ["tiers.crd.projectcalico.org", "clusternetworkpolicies.policy.networking.k8s.io"], files: ["calico-node"] });
        assert.strictEqual(r.status, 0, r.out);
        assert.strictEqual(r.log[0], "gate legacy-drained");
        assert.strictEqual(r.log[1], "kubectl -n kube-system delete deployment/calico-kube-controllers --ignore-not-found --wait=true");
        assert.strictEqual(r.log.length, 1 + MANIFEST_OBJECTS.length + 2);
        assert.deepStrictEqual(r.log.slice(-2), [`kubectl delete ${CRD("tiers.crd.projectcalico.org")} --ignore-not-found --wait=true`, "kubectl delete apiservice v3.projectcalico.org --ignore-not-found"]);
    });

    it("the program declares it at phase 6 after the entry gate, with the configured pools, and the exit gate waits for it", async () => {
        const e = await runExisting({ phase: 6, snapshotDir: calicoSnapshot(OPERATOR_CLUSTER) });
        const step = e.resources.find((r) => r.name === "calico-remove");
        assert.ok(step, "the removal step");
        assert.deepStrictEqual(step.parentTypes.slice(-1), ["eks-cilium-migration:index:CalicoRemoval"]);
        assert.ok(step.dependencies.includes("command:local:Command::gate-phase-5-check"), step.dependencies.join(", "));
        assert.match(String(step.inputs.create), /legacy-drained --kubeconfig "\$kubeconfig_file" .* --legacy-nodegroups 'ng-general,ng-batch'/);
        assert.ok(e.resources.find((r) => r.name === "gate-phase-6-check")?.dependencies.includes("command:local:Command::calico-remove"));
        const manifest = await runExisting({ phase: 6, snapshotDir: calicoSnapshot({ daemonSets: [manifestCalicoNode()] }) });
        assert.match(String(manifest.resources.find((r) => r.name === "calico-remove")?.inputs.create), /kubectl -n 'kube-system' delete 'daemonset\/calico-node'/);
        assert.strictEqual((await runExisting({ phase: 6 })).resources.find((r) => r.name === "calico-remove"), undefined, "no Calico, no step");
    });
});
