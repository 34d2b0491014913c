// The cluster steps: their command lines and pre-checks, the order between them (dependsOn edges), and that
// nothing secret reaches a script or its output.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AWS_NODE_REMOVAL_PRECHECKS } from "../components/awsNode/awsNodeAffinity";
import { Evaluation } from "../plan/evaluate";
import { DEFAULT_DRAIN, DEFAULT_NODE_LABELS } from "../stacks/config";
import { cordonScript, drainScript, gateScript, labelNodeGroupsScript, removeDaemonSetScript, shellQuote, uncordonScript, withKubeconfig } from "../components/clusterSteps/scripts";
import { find, runPhase } from "./mocks";

const CMD = "command:local:Command";
const GATE_CLI = "node_modules/.bin/ts-node --transpile-only gates/cli.ts";
const LABEL_FLAGS = "--legacy-label 'cni=aws-cni' --cilium-label 'cni=cilium'";
const bodyOf = (script: string) => script.split("\n").slice(6).join("\n");
const deps = (e: Evaluation, name: string) => find(e, CMD, name).dependencies.length ? find(e, CMD, name).dependencies : [];
const dependsOn = (e: Evaluation, type: string, name: string, on: string) =>
    assert.ok(find(e, type, name).dependencies.includes(on), `${name} does not wait for ${on}; it waits for ${find(e, type, name).dependencies.join(", ")}`);

describe("cluster steps", () => {
    it("every step writes the kubeconfig to a private temp file removed on exit, and fails on the first error", () => {
        assert.deepStrictEqual(withKubeconfig("true").split("\n"), [
            "set -euo pipefail",
            "umask 077",
            'kubeconfig_file="$(mktemp)"',
            "trap 'rm -f \"$kubeconfig_file\"' EXIT",
            "printf '%s' \"$KUBECONFIG_DATA\" > \"$kubeconfig_file\"",
            'export KUBECONFIG="$kubeconfig_file"',
            "true",
        ]);
    });

    it("cordon and uncordon select the legacy nodes (\"Which CNI a node gets\": both halves spelled) and say what they did", () => {
        const legacy = "cni!=cilium,eks.amazonaws.com/compute-type notin (fargate,hybrid,auto),kubernetes.io/os=linux";
        assert.strictEqual(bodyOf(cordonScript(DEFAULT_NODE_LABELS)), [
            `node_list="$(kubectl get nodes -l '${legacy}' -o name)"`,
            "nodes=()",
            'if [ -n "$node_list" ]; then mapfile -t nodes <<<"$node_list"; fi',
            `if [ "\${#nodes[@]}" -eq 0 ]; then echo "cordon: no node matches ${legacy}; nothing to cordon"; exit 0; fi`,
            'kubectl cordon "${nodes[@]}"',
            `echo "cordon: \${#nodes[@]} node(s) with ${legacy} cordoned"`,
        ].join("\n"));
        // From phase 8, the marker only: the text earlier versions ran.
        assert.match(bodyOf(cordonScript(DEFAULT_NODE_LABELS, "marker")), /^node_list="\$\(kubectl get nodes -l 'cni=aws-cni' -o name\)"/);
        assert.match(bodyOf(uncordonScript(DEFAULT_NODE_LABELS)), /\nkubectl uncordon "\$\{nodes\[@\]\}"\n/);
    });

    it("drain re-checks its preconditions, then evicts batch by batch respecting PDBs", () => {
        const script = drainScript(DEFAULT_NODE_LABELS, { timeout: "20m", deleteEmptyDirData: true, batchSize: 2 },
            { checks: ["legacy-cordoned", "cilium-ready"], gateCli: GATE_CLI, labels: DEFAULT_NODE_LABELS });
        const lines = bodyOf(script).split("\n");
        assert.deepStrictEqual(lines.slice(0, 4), [
            'echo "pre-check: legacy-cordoned"',
            `${GATE_CLI} legacy-cordoned --kubeconfig "$kubeconfig_file" ${LABEL_FLAGS}`,
            'echo "pre-check: cilium-ready"',
            `${GATE_CLI} cilium-ready --kubeconfig "$kubeconfig_file" ${LABEL_FLAGS}`,
        ]);
        assert.ok(lines.includes("batch=2"));
        assert.ok(lines.includes('  kubectl drain "${group[@]}" --ignore-daemonsets --delete-emptydir-data --timeout=20m'));
        assert.ok(!script.includes("--disable-eviction") && !script.includes("--force"), "eviction API only: PDBs are respected");
        const defaults = drainScript(DEFAULT_NODE_LABELS, DEFAULT_DRAIN, { checks: [], gateCli: GATE_CLI, labels: DEFAULT_NODE_LABELS });
        assert.ok(defaults.includes("kubectl drain \"${group[@]}\" --ignore-daemonsets --timeout=10m"), "emptyDir data is kept unless configured");
    });

    it("the aws-node removal re-checks drained state and aws-node placement right before deleting", () => {
        const script = removeDaemonSetScript({ daemonSet: "aws-node", namespace: "kube-system",
            pre: { checks: AWS_NODE_REMOVAL_PRECHECKS, gateCli: GATE_CLI, labels: DEFAULT_NODE_LABELS } });
        assert.strictEqual(bodyOf(script), [
            "present=\"$(kubectl -n 'kube-system' get daemonset 'aws-node' --ignore-not-found -o name)\"",
            'if [ -z "$present" ]; then echo "remove: daemonset kube-system/aws-node is already gone; nothing to do"; exit 0; fi',
            'echo "pre-check: legacy-drained"',
            `${GATE_CLI} legacy-drained --kubeconfig "$kubeconfig_file" ${LABEL_FLAGS}`,
            'echo "pre-check: aws-node-pinned"',
            `${GATE_CLI} aws-node-pinned --kubeconfig "$kubeconfig_file" ${LABEL_FLAGS}`,
            "kubectl -n 'kube-system' delete daemonset 'aws-node' --ignore-not-found --wait=true",
            'echo "remove: daemonset kube-system/aws-node deleted (pre-checks passed: legacy-drained, aws-node-pinned)"',
        ].join("\n"));
    });

    it("a failing pre-check stops the step before the delete (run with bash and stand-in commands)", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "step-"));
        const log = path.join(dir, "log");
        // Stand-ins: the gate fails for legacy-drained; kubectl records that it ran.
        fs.writeFileSync(path.join(dir, "gate"), `#!/bin/bash\necho "gate $1" >> ${log}\n[ "$1" != legacy-drained ]\n`, { mode: 0o755 });
        // kubectl records that it ran, and answers the presence query as a cluster that still has aws-node would.
        fs.writeFileSync(path.join(dir, "kubectl"), `#!/bin/bash\n[ "$3" = get ] && { echo daemonset.apps/aws-node; exit 0; }\necho "kubectl $*" >> ${log}\n`, { mode: 0o755 });
        const script = removeDaemonSetScript({ daemonSet: "aws-node", namespace: "kube-system", pre: { checks: AWS_NODE_REMOVAL_PRECHECKS, gateCli: path.join(dir, "gate"), labels: DEFAULT_NODE_LABELS } });
        const secret = "apiVersion: v1\nusers: [{name: x, user: {token: s3cr3t-token}}]";
        let stdout = "";
        assert.throws(() => {
            stdout = execFileSync("/bin/bash", ["-c", script], { env: { PATH: `${dir}:${process.env.PATH}`, KUBECONFIG_DATA: secret, TMPDIR: dir }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        });
        assert.deepStrictEqual(fs.readFileSync(log, "utf8").trim().split("\n"), ["gate legacy-drained"], "nothing ran after the failed pre-check");
        assert.ok(!stdout.includes("s3cr3t"));
        assert.deepStrictEqual(fs.readdirSync(dir).sort(), ["gate", "kubectl", "log"], "the temp kubeconfig was removed");
        // And when every pre-check passes, the delete runs, and the kubeconfig is still cleaned up.
        fs.writeFileSync(path.join(dir, "gate"), `#!/bin/bash\necho "gate $1" >> ${log}\n`, { mode: 0o755 });
        fs.writeFileSync(log, "");
        stdout = execFileSync("/bin/bash", ["-c", script], { env: { PATH: `${dir}:${process.env.PATH}`, KUBECONFIG_DATA: secret, TMPDIR: dir }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        assert.deepStrictEqual(fs.readFileSync(log, "utf8").trim().split("\n"), [
            "gate legacy-drained", "gate aws-node-pinned", "kubectl -n kube-system delete daemonset aws-node --ignore-not-found --wait=true",
        ]);
        assert.ok(!stdout.includes("s3cr3t") && stdout.includes("remove: daemonset kube-system/aws-node deleted"));
        assert.deepStrictEqual(fs.readdirSync(dir).sort(), ["gate", "kubectl", "log"]);
        fs.rmSync(dir, { recursive: true });
    });

    it("a removal whose DaemonSet is already gone passes without pre-checks or delete (bash, stand-in commands)", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "step-"));
        const log = path.join(dir, "log");
        // The pre-checks would fail now (aws-node-pinned finds no aws-node): they must not even run.
        fs.writeFileSync(path.join(dir, "gate"), `#!/bin/bash\necho "gate $1" >> ${log}\nexit 1\n`, { mode: 0o755 });
        fs.writeFileSync(path.join(dir, "kubectl"), `#!/bin/bash\necho "kubectl $*" >> ${log}\n`, { mode: 0o755 });
        const script = removeDaemonSetScript({ daemonSet: "aws-node", namespace: "kube-system", pre: { checks: AWS_NODE_REMOVAL_PRECHECKS, gateCli: path.join(dir, "gate"), labels: DEFAULT_NODE_LABELS } });
        const stdout = execFileSync("/bin/bash", ["-c", script], { env: { PATH: `${dir}:${process.env.PATH}`, KUBECONFIG_DATA: "x", TMPDIR: dir }, encoding: "utf8" });
        assert.strictEqual(stdout, "remove: daemonset kube-system/aws-node is already gone; nothing to do\n");
        assert.deepStrictEqual(fs.readFileSync(log, "utf8").trim().split("\n"), ["kubectl -n kube-system get daemonset aws-node --ignore-not-found -o name"]);
        fs.rmSync(dir, { recursive: true });
    });

    it("a step that cannot read the cluster fails instead of finding nothing to do (bash, kubectl exiting 1)", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "step-"));
        fs.writeFileSync(path.join(dir, "kubectl"), "#!/bin/bash\necho 'error: You must be logged in to the server (Unauthorized)' >&2\nexit 1\n", { mode: 0o755 });
        fs.writeFileSync(path.join(dir, "gate"), "#!/bin/bash\nexit 0\n", { mode: 0o755 });
        const run = (script: string) => execFileSync("/bin/bash", ["-c", script], { env: { PATH: `${dir}:${process.env.PATH}`, KUBECONFIG_DATA: "x", TMPDIR: dir }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        const pre = { checks: [], gateCli: path.join(dir, "gate"), labels: DEFAULT_NODE_LABELS };
        for (const script of [cordonScript(DEFAULT_NODE_LABELS), uncordonScript(DEFAULT_NODE_LABELS), drainScript(DEFAULT_NODE_LABELS, DEFAULT_DRAIN, pre),
            removeDaemonSetScript({ daemonSet: "aws-node", namespace: "kube-system", pre })]) {
            assert.throws(() => run(script), (err: { status: number; stdout: string }) => err.status === 1 && !/nothing to|already gone/.test(err.stdout));
        }
        assert.deepStrictEqual(fs.readdirSync(dir).sort(), ["gate", "kubectl"], "the temp kubeconfig was removed");
        fs.rmSync(dir, { recursive: true });
    });

    it("labelling an existing cluster's legacy groups selects their nodes by EKS's node group label (bash, stand-in kubectl)", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "step-"));
        const log = path.join(dir, "log");
        // kubectl records each call, one argument per line, and lists two nodes for the selector.
        fs.writeFileSync(path.join(dir, "kubectl"), `#!/bin/bash\nprintf '%s\\n' "$@" '@@end' >> ${log}\n[ "$1" = get ] && printf 'node/a\\nnode/b\\n'\nexit 0\n`, { mode: 0o755 });
        const script = labelNodeGroupsScript(["ng-general", "ng-batch"], DEFAULT_NODE_LABELS);
        const stdout = execFileSync("/bin/bash", ["-c", script], { env: { PATH: `${dir}:${process.env.PATH}`, KUBECONFIG_DATA: "x", TMPDIR: dir }, encoding: "utf8" });
        const calls = fs.readFileSync(log, "utf8").trim().split("\n@@end").map((c) => c.trim().split("\n")).filter((c) => c[0] !== "");
        assert.deepStrictEqual(calls, [
            ["get", "nodes", "-l", "eks.amazonaws.com/nodegroup in (ng-general,ng-batch)", "-o", "name"],
            ["label", "--overwrite", "node/a", "node/b", "cni=aws-cni"],
        ]);
        assert.match(stdout, /label: 2 node\(s\) of node groups ng-general, ng-batch labelled cni=aws-cni/);
        fs.rmSync(dir, { recursive: true });
    });

    it("quotes values for the shell", () => {
        assert.strictEqual(shellQuote("it's"), "'it'\\''s'");
    });

    it("the gate step polls each check with the configured timeout and labels", () => {
        assert.strictEqual(bodyOf(gateScript({ gateCli: GATE_CLI, checks: ["cilium-ready", "connectivity"], timeout: "15m", labels: DEFAULT_NODE_LABELS })), [
            `${GATE_CLI} cilium-ready --kubeconfig "$kubeconfig_file" --wait 15m ${LABEL_FLAGS}`,
            `${GATE_CLI} connectivity --kubeconfig "$kubeconfig_file" --wait 15m ${LABEL_FLAGS}`,
        ].join("\n"));
    });

    describe("as the program declares them", () => {
        it("phase 4 cordons (uncordon on removal) and restarts goldpinger after the cordon", async () => {
            const e = await runPhase(4);
            const cordon = find(e, CMD, "legacy-pool-cordon").inputs;
            assert.strictEqual(cordon.create, cordonScript(DEFAULT_NODE_LABELS));
            assert.strictEqual(cordon.delete, uncordonScript(DEFAULT_NODE_LABELS), "rolling back to 3 removes the step, which uncordons");
            assert.deepStrictEqual(cordon.interpreter, ["/bin/bash", "-c"]);
            dependsOn(e, CMD, "legacy-pool-restart-goldpinger", `${CMD}::legacy-pool-cordon`);
            assert.match(find(e, CMD, "legacy-pool-restart-goldpinger").inputs.create as string, /kubectl -n 'goldpinger' rollout restart 'deployment\/goldpinger'/);
            dependsOn(e, CMD, "legacy-pool-cordon", `${CMD}::gate-phase-3-check`);
        });

        it("phase 5 drains after the cordon and the restart, with the configured options", async () => {
            const e = await runPhase(5, { drain: { timeout: "30m", batchSize: 3 } });
            const drain = find(e, CMD, "legacy-pool-drain").inputs.create as string;
            assert.ok(drain.includes("batch=3") && drain.includes("--timeout=30m"));
            dependsOn(e, CMD, "legacy-pool-drain", `${CMD}::legacy-pool-cordon`);
            dependsOn(e, CMD, "legacy-pool-drain", `${CMD}::legacy-pool-restart-goldpinger`);
            dependsOn(e, CMD, "legacy-pool-drain", `${CMD}::gate-phase-4-check`);
        });

        it("phase 6 removes aws-node through the pre-checked step, after the previous gate", async () => {
            const e = await runPhase(6);
            const remove = find(e, CMD, "aws-node-remove").inputs.create as string;
            assert.ok(remove.includes("legacy-drained --kubeconfig") && remove.includes("delete daemonset 'aws-node'"));
            // The re-check is told the configured pools: a legacy node in none of them refuses the removal.
            assert.ok(remove.includes(`legacy-drained --kubeconfig "$kubeconfig_file" ${LABEL_FLAGS} --legacy-nodegroups 'ng-1'`), remove);
            dependsOn(e, CMD, "aws-node-remove", `${CMD}::gate-phase-5-check`);
        });

        it("ng-cilium scales up only after Cilium is installed; ng-1 scales to zero only after aws-node is gone", async () => {
            const three = await runPhase(3);
            dependsOn(three, "eks:index:ManagedNodeGroup", "cilium-pool-node-group", "kubernetes:helm.sh/v3:Release::cilium-release");
            dependsOn(three, "eks:index:ManagedNodeGroup", "cilium-pool-node-group", `${CMD}::gate-phase-2-check`);
            const seven = await runPhase(7);
            dependsOn(seven, "eks:index:ManagedNodeGroup", "legacy-pool-node-group", `${CMD}::aws-node-remove`);
            dependsOn(seven, "eks:index:ManagedNodeGroup", "legacy-pool-node-group", `${CMD}::gate-phase-6-check`);
        });

        it("each phase's changes wait for the previous gate, and the phase's gate waits for them", async () => {
            const two = await runPhase(2);
            dependsOn(two, "kubernetes:helm.sh/v3:Release", "cilium-release", `${CMD}::gate-phase-1-check`);
            dependsOn(two, CMD, "gate-phase-2-check", "kubernetes:helm.sh/v3:Release::cilium-release");
            const one = await runPhase(1);
            dependsOn(one, "aws:eks/addon:Addon", "aws-node-vpc-cni", `${CMD}::gate-phase-0-check`);
            dependsOn(one, CMD, "gate-phase-1-check", "aws:eks/addon:Addon::aws-node-vpc-cni");
            assert.ok(!deps(one, "gate-phase-0-check").some((d) => d.includes("aws-node-vpc-cni")), "the entry gate must not wait for the phase's own changes");
        });

        it("gates re-run on every phase change: their triggers are the target phase and the config", async () => {
            const three = find(await runPhase(3), CMD, "gate-phase-2-check").inputs.triggers as unknown[];
            const asExit = find(await runPhase(2), CMD, "gate-phase-2-check").inputs.triggers as unknown[];
            assert.strictEqual(three[0], 3);
            assert.strictEqual(asExit[0], 2);
            assert.notDeepStrictEqual(three, asExit);
        });

        it("no step input carries the kubeconfig in the clear", async () => {
            for (const phase of [4, 5, 6, 9]) {
                const e = await runPhase(phase);
                for (const step of e.resources.filter((r) => r.type === CMD)) {
                    assert.strictEqual(step.inputs.environment, "[secret]", `${step.name}: the environment must be secret`);
                    const text = JSON.stringify(step.inputs);
                    assert.ok(!text.includes("certificate-authority-data") && !text.includes("get-token"), `${step.name} leaks the kubeconfig`);
                    for (const script of [step.inputs.create, step.inputs.update, step.inputs.delete].filter((s): s is string => typeof s === "string")) {
                        for (const line of script.split("\n")) {
                            // The only line that touches the kubeconfig writes it to the private temp file.
                            if (line.includes("KUBECONFIG_DATA")) assert.strictEqual(line, "printf '%s' \"$KUBECONFIG_DATA\" > \"$kubeconfig_file\"", `${step.name}: ${line}`);
                            assert.ok(!/\b(cat|echo|printf)\b[^>]*\$kubeconfig_file"?\s*$/.test(line) || line.startsWith("printf"), `${step.name} prints the kubeconfig: ${line}`);
                        }
                    }
                }
            }
        });
    });
});
