// Phase 9: Cilium replaces kube-proxy. The order of the steps, the removal's pre-check, the iptables cleanup
// workload, and the way back to 8.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ciliumKubeProxyReplacement } from "../gates/checks/kubeProxy";
import { KUBE_PROXY_REMOVAL_PRECHECKS } from "../components/kubeProxy/kubeProxyLifecycle";
import { IMAGE_PLACEHOLDER, NODE_CLEANUP_SCRIPT, cleanupDaemonSet, iptablesCleanupScript } from "../components/clusterSteps/iptablesCleanup";
import { shellQuote } from "../components/clusterSteps/scripts";
import { Evaluation } from "../plan/evaluate";
import { PHASE_SHAPES, buildCluster, copy } from "./fixtures/clusterBuilder";
import { find, runPhase } from "./mocks";
import { FIXTURES } from "./support/paths";

const CMD = "command:local:Command";
const waitsFor = (e: Evaluation, type: string, name: string, on: string) =>
    assert.ok(find(e, type, name).dependencies.includes(on), `${name} does not wait for ${on}`);

/** Kubernetes' TestCleanupLeftovers fixture, written as iptables-save prints rules (see tests/fixtures/real/kubernetes/README.md). */
function kubeRules(which: "initial" | "expected"): string {
    return fs.readFileSync(path.join(FIXTURES, "real", "kubernetes", `cleanup-leftovers.${which}.rules`), "utf8")
        .replace(/--comment (kubernetes (health check service ports|externally-visible service portals|forwarding rules|service portals|postrouting rules)) -/g, '--comment "$1" -')
        .replace(/-m tcp -p tcp/g, "-p tcp -m tcp");
}

/** The rules and chains of a dump, order-free, without comments, counters or policies. */
function ruleSet(dump: string): string[] {
    let table = "";
    const out: string[] = [];
    for (const line of dump.split("\n").map((l) => l.trim())) {
        if (line.startsWith("*")) table = line;
        else if (line.startsWith(":")) out.push(`${table} ${line.split(" ")[0]}`);
        else if (line.startsWith("-A")) out.push(`${table} ${line}`);
    }
    return out.sort();
}

/** A PATH directory where only one iptables backend exists, as in an image that ships one. */
function onlyBackend(dir: string, mode: string): string {
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    for (const family of ["iptables", "ip6tables"]) for (const verb of ["save", "restore"]) {
        fs.symlinkSync(`/usr/sbin/${family}-${mode}-${verb}`, path.join(bin, `${family}-${mode}-${verb}`));
    }
    return bin;
}

/** Why real iptables cannot run here, or undefined when it can (.ci/run installs Debian's iptables). */
function realIptablesUnavailable(): string | undefined {
    for (const tool of ["iptables-legacy-restore", "iptables-nft-restore"]) {
        if (!fs.existsSync(`/usr/sbin/${tool}`)) return `/usr/sbin/${tool} is not installed (Debian package iptables)`;
    }
    try {
        execFileSync("unshare", ["-n", "iptables-legacy-save"], { stdio: "ignore" });
        return undefined;
    } catch (err) {
        return `cannot create a network namespace to run iptables in (unshare -n: ${(err as Error).message.split("\n")[0]})`;
    }
}

/** Temp directories written by these tests, removed after them whether they passed or not. */
const cleanups: string[] = [];

describe("phase 9: kube-proxy-free", () => {
    after(() => cleanups.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

    it("runs in order: Cilium upgraded → kube-proxy removed (pre-checked) → iptables cleaned → gate", async () => {
        const e = await runPhase(9);
        waitsFor(e, "kubernetes:helm.sh/v3:Release", "cilium-release", `${CMD}::gate-phase-8-check`);
        waitsFor(e, CMD, "kube-proxy-remove", "kubernetes:helm.sh/v3:Release::cilium-release");
        waitsFor(e, CMD, "kube-proxy-remove", `${CMD}::gate-phase-8-check`);
        waitsFor(e, CMD, "kube-proxy-iptables-cleanup", `${CMD}::kube-proxy-remove`);
        waitsFor(e, CMD, "gate-phase-9-check", `${CMD}::kube-proxy-iptables-cleanup`);
        assert.ok(!e.resources.some((r) => r.name === "cluster-kube-proxy"), "the kube-proxy addon is removed");
        // aws-node-removed too: another owner may bring aws-node back after phase 6 (cilium/cilium#25131).
        assert.deepStrictEqual(e.outputs.gate, ["aws-node-removed", "kube-proxy-removed", "cilium-ready", "connectivity"]);
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
            // Phase 9: Cilium runs on every node; only the legacy marker tells a legacy node.
            assert.match(lines[at], / --cilium-everywhere$/, `${check} counts legacy nodes by the marker`);
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
        const ds = cleanupDaemonSet(IMAGE_PLACEHOLDER);
        const pod = ds.spec.template.spec;

        it("runs once per node on the host network with NET_ADMIN/NET_RAW only, not privileged", () => {
            assert.strictEqual(ds.kind, "DaemonSet");
            assert.strictEqual(pod.hostNetwork, true);
            assert.deepStrictEqual(pod.tolerations, [{ operator: "Exists" }]);
            const [init] = pod.initContainers;
            assert.strictEqual(init.securityContext.privileged, false);
            assert.deepStrictEqual(init.securityContext.capabilities, { drop: ["ALL"], add: ["NET_ADMIN", "NET_RAW"] });
            assert.deepStrictEqual(pod.containers[0].securityContext.capabilities, { drop: ["ALL"] }, "the idle container needs nothing");
            assert.deepStrictEqual(pod.volumes, [
                { name: "xtables-lock", hostPath: { path: "/run/xtables.lock", type: "FileOrCreate" } },
                { name: "work", emptyDir: { sizeLimit: "256Mi" } },
            ]);
            assert.deepStrictEqual(init.resources.limits, { memory: "128Mi" }, "memory is bounded");
        });

        it("is bounded and removed afterwards, whether it succeeded or not, and reports per node", () => {
            const script = iptablesCleanupScript({ timeout: "15m" });
            assert.ok(script.includes("rollout status daemonset/kube-proxy-iptables-cleanup --timeout=15m"));
            assert.ok(script.includes("  kubectl -n 'kube-system' delete daemonset kube-proxy-iptables-cleanup --ignore-not-found --wait=false || true\n  rm -f \"$kubeconfig_file\"\n}\ntrap on_exit EXIT"));
            assert.ok(script.includes("logs -l 'app.kubernetes.io/name=kube-proxy-iptables-cleanup' -c cleanup --tail=-1 --prefix"));
        });

        it("removes what kube-proxy's own cleanup removes and nothing else (real iptables, legacy and nft, in a network namespace)", function () {
            const why = realIptablesUnavailable();
            if (why) {
                console.log(`      skipped: ${why}`);
                this.skip();
            }
            for (const mode of ["legacy", "nft"]) {
                const dir = fs.mkdtempSync(path.join(os.tmpdir(), "iptables-"));
                cleanups.push(dir);
                fs.writeFileSync(path.join(dir, "initial.rules"), kubeRules("initial"));
                fs.writeFileSync(path.join(dir, "expected.rules"), kubeRules("expected"));
                fs.writeFileSync(path.join(dir, "cleanup.sh"), NODE_CLEANUP_SCRIPT);
                const inNamespace = (script: string) => execFileSync("unshare", ["-n", "bash", "-c", script], {
                    cwd: dir, env: { PATH: `${path.join(dir, "bin")}:/usr/bin:/bin`, NODE_NAME: "ip-10-0-64-4", TMPDIR: dir }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"],
                });
                onlyBackend(dir, mode);
                // Load kubernetes' own leftover fixture, run the node script as the DaemonSet would, read back; and
                // kubernetes' expected result as the same iptables prints it.
                const [report, saved] = inNamespace(`iptables-${mode}-restore < initial.rules && bash cleanup.sh && echo ---- && iptables-${mode}-save`).split("----\n");
                const expected = inNamespace(`iptables-${mode}-restore < expected.rules && iptables-${mode}-save`);
                assert.deepStrictEqual(ruleSet(saved), ruleSet(expected), `${mode}: the node keeps exactly what kube-proxy's cleanup keeps`);
                assert.ok(ruleSet(expected).some((r) => r.includes("someone else")) && ruleSet(expected).some((r) => r.includes(":KUBE-FIREWALL")));
                // A second run (the step re-run, a node retried) finds nothing left and changes nothing.
                const again = inNamespace(`iptables-${mode}-restore < initial.rules && bash cleanup.sh >/dev/null && bash cleanup.sh && echo ---- && iptables-${mode}-save`).split("----\n");
                assert.match(again[0], new RegExp(`iptables-${mode}: removed 0 kube-proxy chain\\(s\\) and 0 rule\\(s\\)`));
                assert.deepStrictEqual(ruleSet(again[1]), ruleSet(expected));
                assert.strictEqual(report, [
                    `node ip-10-0-64-4: iptables-${mode}: removed 28 kube-proxy chain(s) and 9 rule(s) jumping into them`,
                    `node ip-10-0-64-4: ip6tables-${mode}: removed 0 kube-proxy chain(s) and 0 rule(s) jumping into them`,
                    "node ip-10-0-64-4: done, 28 kube-proxy chain(s) removed", ""].join("\n"));
            }
        });

        it("fails, rather than reporting nothing removed, on an image without iptables", () => {
            const empty = fs.mkdtempSync(path.join(os.tmpdir(), "no-iptables-"));
            for (const tool of ["bash", "grep", "cat", "awk", "rm"]) fs.symlinkSync(execFileSync("/bin/bash", ["-c", `command -v ${tool}`], { encoding: "utf8" }).trim(), path.join(empty, tool));
            assert.throws(() => execFileSync("/bin/bash", ["-c", NODE_CLEANUP_SCRIPT], {
                env: { PATH: empty, NODE_NAME: "n1", TMPDIR: empty }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"],
            }), (err: { stdout: string }) => err.stdout.includes("node n1: no iptables-legacy-save or iptables-nft-save in the image; nothing was cleaned"));
            fs.rmSync(empty, { recursive: true });
        });

        describe("runs the image the Cilium agents run, by digest (bash, stand-in kubectl)", () => {
            const DIGEST = "quay.io/cilium/cilium@sha256:0df5b2750b64c49843aba1d649e9eaf61467cb0645ad3171db6f6962c095ac92";
            const run = (imageIds: string) => {
                const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cleanup-step-"));
                // kubectl answers the agents' imageIDs, saves what it is asked to apply, and succeeds otherwise.
                fs.writeFileSync(path.join(dir, "kubectl"), `#!/bin/bash
case "$*" in
  *"get pods -l k8s-app=cilium"*) printf '%s' ${shellQuote(imageIds)} ;;
  *"apply -f -"*) cat > ${dir}/applied ;;
esac
exit 0
`, { mode: 0o755 });
                try {
                    const stdout = execFileSync("/bin/bash", ["-c", iptablesCleanupScript({ timeout: "15m" })],
                        { env: { PATH: `${dir}:/usr/bin:/bin`, KUBECONFIG_DATA: "x", TMPDIR: dir }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
                    return { ok: true, stdout, applied: fs.existsSync(path.join(dir, "applied")) ? JSON.parse(fs.readFileSync(path.join(dir, "applied"), "utf8")) : undefined };
                } catch (err) {
                    return { ok: false, stdout: (err as { stdout: string }).stdout, applied: fs.existsSync(path.join(dir, "applied")) };
                } finally {
                    fs.rmSync(dir, { recursive: true });
                }
            };

            it("applies the DaemonSet with the agents' digest (containerd and docker spellings)", () => {
                for (const ids of [`${DIGEST}\n${DIGEST}\n`, `docker-pullable://${DIGEST}\n${DIGEST}\n`]) {
                    const r = run(ids);
                    assert.strictEqual(r.ok, true, r.stdout);
                    const pod = r.applied.spec.template.spec;
                    assert.deepStrictEqual([pod.initContainers[0].image, pod.containers[0].image], [DIGEST, DIGEST]);
                    assert.match(r.stdout, new RegExp(`cleanup: image ${DIGEST.replace(/[.@]/g, "\\$&")} \\(the Cilium agents'\\)`));
                }
            });

            it("refuses, applying nothing, when agents disagree, none reports, or the image has no digest", () => {
                const refusals: [string, RegExp][] = [
                    [`${DIGEST}\nquay.io/cilium/cilium@sha256:${"1".repeat(64)}\n`, /Cilium agents run more than one image/],
                    ["", /no running Cilium agent reports an image/],
                    ["quay.io/cilium/cilium:v1.19.6\n", /carries no digest; refusing to run an unpinned image/],
                ];
                for (const [ids, message] of refusals) {
                    const r = run(ids);
                    assert.strictEqual(r.ok, false);
                    assert.match(r.stdout, message);
                    assert.strictEqual(r.applied, false);
                }
            });
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
