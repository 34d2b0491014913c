// Phase 9: Cilium replaces kube-proxy. The order of the steps, the removal's pre-check, the iptables cleanup
// workload, and the way back to 8.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ciliumKubeProxyReplacement } from "../gates/checks/kubeProxy";
import { KUBE_PROXY_REMOVAL_PRECHECKS } from "../components/kubeProxyLifecycle";
import { NODE_CLEANUP_SCRIPT, cleanupDaemonSet, iptablesCleanupScript } from "../steps/iptablesCleanup";
import { Evaluation } from "../plan/evaluate";
import { PHASE_SHAPES, buildCluster, copy } from "./fixtures/clusterBuilder";
import { find, runPhase } from "./mocks";

const CMD = "command:local:Command";
const waitsFor = (e: Evaluation, type: string, name: string, on: string) =>
    assert.ok(find(e, type, name).dependencies.includes(on), `${name} does not wait for ${on}`);

describe("phase 9: kube-proxy-free", () => {
    it("runs in order: Cilium upgraded → kube-proxy removed (pre-checked) → iptables cleaned → gate", async () => {
        const e = await runPhase(9);
        waitsFor(e, "kubernetes:helm.sh/v3:Release", "cilium-release", `${CMD}::gate-phase-8-check`);
        waitsFor(e, CMD, "kube-proxy-remove", "kubernetes:helm.sh/v3:Release::cilium-release");
        waitsFor(e, CMD, "kube-proxy-remove", `${CMD}::gate-phase-8-check`);
        waitsFor(e, CMD, "kube-proxy-iptables-cleanup", `${CMD}::kube-proxy-remove`);
        waitsFor(e, CMD, "gate-phase-9-check", `${CMD}::kube-proxy-iptables-cleanup`);
        assert.ok(!e.resources.some((r) => r.name === "cluster-kube-proxy"), "the kube-proxy addon is removed");
        assert.deepStrictEqual(e.outputs.gate, ["kube-proxy-removed", "cilium-ready", "connectivity"]);
    });

    it("the removal re-checks replacement and readiness right before it deletes the DaemonSet", async () => {
        const script = find(await runPhase(9), CMD, "kube-proxy-remove").inputs.create as string;
        const lines = script.split("\n");
        const deleteAt = lines.indexOf("kubectl -n 'kube-system' delete daemonset 'kube-proxy' --ignore-not-found --wait=true");
        assert.ok(deleteAt > 0);
        for (const check of KUBE_PROXY_REMOVAL_PRECHECKS) {
            const at = lines.findIndex((l) => l.includes(` ${check} --kubeconfig`));
            assert.ok(at > 0 && at < deleteAt, `${check} runs before the delete`);
            // The agents may still be rolling out after the Helm upgrade: the pre-check polls, it does not check once.
            assert.match(lines[at], / --kubeconfig "\$kubeconfig_file" --wait 15m /, `${check} waits up to gate.timeout`);
        }
        assert.strictEqual(lines[0], "set -euo pipefail", "a failed pre-check stops the step");
    });

    it("going back from 9 to 8 restores kube-proxy (addon, DaemonSet ready) before replacement goes off", async () => {
        const e = await runPhase(8, {}, 9);
        waitsFor(e, CMD, "kube-proxy-ready", "aws:eks/addon:Addon::cluster-kube-proxy");
        waitsFor(e, "kubernetes:helm.sh/v3:Release", "cilium-release", `${CMD}::kube-proxy-ready`);
        assert.match(find(e, CMD, "kube-proxy-ready").inputs.create as string, /kubectl -n 'kube-system' rollout status daemonset\/kube-proxy --timeout=15m/);
        assert.ok(!e.resources.some((r) => r.name === "kube-proxy-remove" || r.name === "kube-proxy-iptables-cleanup"));
        const values = find(e, "kubernetes:helm.sh/v3:Release", "cilium-release").inputs.values as Record<string, unknown>;
        assert.strictEqual(values.kubeProxyReplacement, false);
    });

    describe("the iptables cleanup workload", () => {
        const ds = cleanupDaemonSet("quay.io/cilium/cilium:v1.19.6");
        const pod = ds.spec.template.spec;

        it("runs once per node on the host network with NET_ADMIN/NET_RAW only, not privileged", () => {
            assert.strictEqual(ds.kind, "DaemonSet");
            assert.strictEqual(pod.hostNetwork, true);
            assert.deepStrictEqual(pod.tolerations, [{ operator: "Exists" }]);
            const [init] = pod.initContainers;
            assert.strictEqual(init.securityContext.privileged, false);
            assert.deepStrictEqual(init.securityContext.capabilities, { drop: ["ALL"], add: ["NET_ADMIN", "NET_RAW"] });
            assert.deepStrictEqual(pod.containers[0].securityContext.capabilities, { drop: ["ALL"] }, "the idle container needs nothing");
            assert.deepStrictEqual(pod.volumes, [{ name: "xtables-lock", hostPath: { path: "/run/xtables.lock", type: "FileOrCreate" } }]);
        });

        it("is bounded and removed afterwards, whether it succeeded or not, and reports per node", () => {
            const script = iptablesCleanupScript({ image: "img:1", timeout: "15m" });
            assert.ok(script.includes("rollout status daemonset/kube-proxy-iptables-cleanup --timeout=15m"));
            assert.ok(script.includes("  kubectl -n 'kube-system' delete daemonset kube-proxy-iptables-cleanup --ignore-not-found --wait=false || true\n  rm -f \"$kubeconfig_file\"\n}\ntrap on_exit EXIT"));
            assert.ok(script.includes("logs -l 'app.kubernetes.io/name=kube-proxy-iptables-cleanup' -c cleanup --tail=-1 --prefix"));
        });

        it("removes exactly the KUBE-* lines, on every backend present, and reports the counts (bash, stand-in iptables)", () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "iptables-"));
            const rules = ["*nat", ":PREROUTING ACCEPT [0:0]", ":KUBE-SERVICES - [0:0]", ":CILIUM_PRE_nat - [0:0]",
                "-A PREROUTING -j KUBE-SERVICES", "-A PREROUTING -j CILIUM_PRE_nat", "-A KUBE-SERVICES -d 172.20.0.1/32 -j KUBE-SVC-NPX46M4PTMTKRN6Y", "COMMIT"];
            fs.writeFileSync(path.join(dir, "rules"), rules.join("\n") + "\n");
            fs.writeFileSync(path.join(dir, "iptables-nft-save"), `#!/bin/bash\ncat ${dir}/rules\n`, { mode: 0o755 });
            fs.writeFileSync(path.join(dir, "iptables-nft-restore"), `#!/bin/bash\n[ "$1" = --wait ] && cat > ${dir}/restored\n`, { mode: 0o755 });
            const out = execFileSync("/bin/bash", ["-c", NODE_CLEANUP_SCRIPT], {
                env: { PATH: `${dir}:/usr/bin:/bin`, NODE_NAME: "ip-10-0-64-4" }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"],
            });
            assert.deepStrictEqual(fs.readFileSync(path.join(dir, "restored"), "utf8").trim().split("\n"),
                ["*nat", ":PREROUTING ACCEPT [0:0]", ":CILIUM_PRE_nat - [0:0]", "-A PREROUTING -j CILIUM_PRE_nat", "COMMIT"]);
            assert.strictEqual(out, "node ip-10-0-64-4: iptables-nft: removed 3 KUBE-* line(s)\nnode ip-10-0-64-4: done, 3 KUBE-* line(s) removed\n");
            fs.rmSync(dir, { recursive: true });
        });

        it("fails, rather than reporting nothing removed, on an image without iptables", () => {
            const empty = fs.mkdtempSync(path.join(os.tmpdir(), "no-iptables-"));
            for (const tool of ["bash", "grep", "cat"]) fs.symlinkSync(execFileSync("/bin/bash", ["-c", `command -v ${tool}`], { encoding: "utf8" }).trim(), path.join(empty, tool));
            assert.throws(() => execFileSync("/bin/bash", ["-c", NODE_CLEANUP_SCRIPT], {
                env: { PATH: empty, NODE_NAME: "n1" }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"],
            }), (err: { stdout: string }) => err.stdout.includes("node n1: no iptables-legacy-save or iptables-nft-save in the image; nothing was cleaned"));
            fs.rmSync(empty, { recursive: true });
        });
    });

    describe("cilium-kube-proxy-replacement (the removal's pre-check)", () => {
        // Mid-phase 9: Cilium upgraded with replacement on, kube-proxy still there.
        const midPhase9 = () => copy(buildCluster({ ...PHASE_SHAPES[8], kubeProxy: true }));
        const withReplacement = () => {
            const s = midPhase9();
            const cm = s.configmaps.items.find((c) => c.metadata?.name === "cilium-config");
            if (cm?.data) cm.data["kube-proxy-replacement"] = "true";
            return s;
        };

        it("passes with replacement on and every agent rolled out since", () => {
            const v = ciliumKubeProxyReplacement(withReplacement());
            assert.strictEqual(v.pass, true, v.reason);
        });

        it("fails while the config still says false", () => {
            assert.strictEqual(ciliumKubeProxyReplacement(midPhase9()).reason, "ConfigMap kube-system/cilium-config has kube-proxy-replacement=\"false\", not \"true\"");
        });

        it("fails while agents are still rolling", () => {
            const s = withReplacement();
            const ds = s.daemonsets.items.find((d) => d.metadata?.name === "cilium");
            if (ds?.status) ds.status.updatedNumberScheduled = 1;
            assert.strictEqual(ciliumKubeProxyReplacement(s).reason, "DaemonSet kube-system/cilium not rolled out: 3/3 ready, 1/3 updated");
        });

        it("fails when agents do not roll on config changes", () => {
            const s = withReplacement();
            const ds = s.daemonsets.items.find((d) => d.metadata?.name === "cilium");
            if (ds?.spec?.template) ds.spec.template.metadata = {};
            assert.match(ciliumKubeProxyReplacement(s).reason, /has no cilium.io\/cilium-configmap-checksum annotation/);
        });
    });
});
