// Karpenter NodePools, item 3 (issue 18): the headroom (3–5), the NodeClaim deletions (7; a twin's going back 3 → 2) and
// the legacy NodePools' deletion (8, with deleteLegacyNodeGroups) — each step re-checking right before it acts (run
// with bash and stand-in commands).
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { HEADROOM_PRIORITY, PAUSE_IMAGE, headroomSize } from "../components/karpenter/headroom";
import { deleteNodeClaimsScript, deleteNodePoolScript } from "../components/karpenter/scripts";
import { DEFAULT_NODE_LABELS } from "../migration/names";
import { KARPENTER_SNAPSHOT, runKarpenter } from "./support/karpenterCluster";
import { Evaluation } from "../plan/evaluate";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const COMMAND = "command:local:Command";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const PRE = { checks: ["legacy-drained"], gateCli: "gate", labels: DEFAULT_NODE_LABELS, pools: { nodeGroups: ["ng-system"], nodePools: ["default", "batch"] } };

/** Runs a script with stand-in `kubectl` and `gate` (each a bash body), returning its log, output and exit code. */
function runScript(script: string, kubectl: string, gate = "exit 0"): { log: string[]; code: number; stderr: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecm-karpenter-step-"));
    const log = path.join(dir, "log");
    fs.writeFileSync(path.join(dir, "kubectl"), `#!/bin/bash\necho "kubectl $*" >> ${log}\n${kubectl}\n`, { mode: 0o755 });
    fs.writeFileSync(path.join(dir, "gate"), `#!/bin/bash\necho "gate $1" >> ${log}\n${gate}\n`, { mode: 0o755 });
    let code = 0;
    let stderr = "";
    try {
        execFileSync("/bin/bash", ["-c", script], { env: { PATH: `${dir}:${process.env.PATH}`, KUBECONFIG_DATA: "x", TMPDIR: dir }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (err) {
        code = (err as { status: number }).status;
        stderr = String((err as { stderr: string }).stderr);
    }
    const lines = fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [];
    fs.rmSync(dir, { recursive: true, force: true });
    return { log: lines, code, stderr };
}

describe("karpenter: headroom sizing", () => {
    it("requests sum (rounded up) to the legacy capacity × the share, in pieces of a quarter node", () => {
        assert.deepStrictEqual(headroomSize({ cpuMillis: 4 * 3920, memoryBytes: 4 * 14880256 * 1024, nodes: 4 }, 1.0), { replicas: 16, cpu: "980m", memory: "3633Mi" });
        assert.deepStrictEqual(headroomSize({ cpuMillis: 4 * 3920, memoryBytes: 4 * 14880256 * 1024, nodes: 4 }, 0.5), { replicas: 16, cpu: "490m", memory: "1817Mi" });
        assert.strictEqual(headroomSize({ cpuMillis: 4000, memoryBytes: 2 ** 30, nodes: 1 }, 0), undefined);
        assert.strictEqual(headroomSize({ cpuMillis: 0, memoryBytes: 0, nodes: 0 }, 1), undefined);
    });
});

describe("karpenter: the steps' scripts (bash, stand-in commands)", () => {
    it("NodeClaims: the drained re-check first, then one delete at a time, each waited for", () => {
        const r = runScript(deleteNodeClaimsScript("batch", PRE), '[ "$2" = nodeclaims.karpenter.sh ] && printf "nodeclaim.karpenter.sh/batch-7e648\\nnodeclaim.karpenter.sh/batch-8568d\\n"; exit 0');
        assert.strictEqual(r.code, 0, r.stderr);
        assert.deepStrictEqual(r.log, [
            "gate legacy-drained",
            "kubectl get nodeclaims.karpenter.sh -l karpenter.sh/nodepool=batch -o name",
            "kubectl delete nodeclaim.karpenter.sh/batch-7e648 --ignore-not-found --wait=true --timeout=30m",
            "kubectl delete nodeclaim.karpenter.sh/batch-8568d --ignore-not-found --wait=true --timeout=30m",
        ]);
        assert.ok(deleteNodeClaimsScript("batch", PRE).split("\n").includes("gate legacy-drained --kubeconfig \"$kubeconfig_file\" --legacy-label 'cni=aws-cni' " +
            "--cilium-label 'cni=cilium' --legacy-nodegroups 'ng-system' --legacy-nodepools 'default,batch'"));
    });

    it("NodeClaims: a failing re-check deletes nothing; a cluster that cannot be read fails, never 'none'", () => {
        const refused = runScript(deleteNodeClaimsScript("batch", PRE), "exit 0", "exit 1");
        assert.deepStrictEqual([refused.code, refused.log], [1, ["gate legacy-drained"]]);
        const unreadable = runScript(deleteNodeClaimsScript("batch", PRE), "echo 'error: Unauthorized' >&2; exit 1");
        assert.deepStrictEqual([unreadable.code, unreadable.log], [1, ["gate legacy-drained", "kubectl get nodeclaims.karpenter.sh -l karpenter.sh/nodepool=batch -o name"]]);
    });

    it("NodeClaims: one Karpenter removed meanwhile (spot interruption, expiry) is done, not a failure (--ignore-not-found)", () => {
        // The stand-in answers as kubectl does: NotFound exits 1, unless --ignore-not-found.
        const gone = runScript(deleteNodeClaimsScript("batch", PRE), '[ "$1" = get ] && { echo nodeclaim.karpenter.sh/batch-7e648; exit 0; }; ' +
            '[[ " $* " == *" --ignore-not-found "* ]] && exit 0; echo \'Error from server (NotFound): nodeclaims.karpenter.sh "batch-7e648" not found\' >&2; exit 1');
        assert.deepStrictEqual([gone.code, gone.log.at(-1)], [0, "kubectl delete nodeclaim.karpenter.sh/batch-7e648 --ignore-not-found --wait=true --timeout=30m"], gone.stderr);
    });

    it("a NodePool is 'already gone' only when not found: any other error fails the step and deletes nothing", () => {
        const forbidden = runScript(deleteNodePoolScript("batch"), '[ "$2" = nodepools.karpenter.sh ] && { echo \'Error from server (Forbidden): nodepools.karpenter.sh "batch" is forbidden\' >&2; exit 1; }; exit 0');
        assert.deepStrictEqual([forbidden.code, forbidden.log.at(-1)], [1, "kubectl get nodepools.karpenter.sh batch -o name --ignore-not-found"]);
        assert.match(forbidden.stderr, /Forbidden/);
        const gone = runScript(deleteNodePoolScript("batch"), "exit 0");
        assert.deepStrictEqual([gone.code, gone.log.at(-1)], [0, "kubectl get nodepools.karpenter.sh batch -o name --ignore-not-found"]);
    });

    it("a NodePool is never deleted while it owns a NodeClaim (counted right before); deleted when it owns none", () => {
        const owns = runScript(deleteNodePoolScript("batch"), 'printf "nodeclaim.karpenter.sh/batch-7e648\\n"');
        assert.strictEqual(owns.code, 1);
        assert.deepStrictEqual(owns.log, ["kubectl get nodeclaims.karpenter.sh -l karpenter.sh/nodepool=batch -o name"]);
        assert.match(owns.stderr, /NodePool batch still owns 1 NodeClaim\(s\) \(nodeclaim.karpenter.sh\/batch-7e648\): deleting it would drain them all at once, budgets ignored; not deleted/);
        const empty = runScript(deleteNodePoolScript("batch"), '[ "$2" = nodepools.karpenter.sh ] && [ "$1" = get ] && echo nodepool.karpenter.sh/batch; exit 0');
        assert.deepStrictEqual([empty.code, empty.log], [0, [
            "kubectl get nodeclaims.karpenter.sh -l karpenter.sh/nodepool=batch -o name",
            "kubectl get nodepools.karpenter.sh batch -o name --ignore-not-found",
            "kubectl delete nodepools.karpenter.sh batch --wait=true",
        ]]);
    });
});

describe("karpenter: headroom and retirement through the phases (examples/karpenter-east)", () => {
    const runs = new Map<string, Promise<Evaluation>>();
    const at = (phase: number, extra: Record<string, unknown> = {}, appliedPhase?: number) => {
        const key = JSON.stringify([phase, extra, appliedPhase]);
        if (!runs.has(key)) runs.set(key, runKarpenter({ phase, extra, ...(appliedPhase !== undefined ? { appliedPhase } : {}) }));
        return runs.get(key) as Promise<Evaluation>;
    };
    const names = (e: Evaluation, type: string, pattern: RegExp) => e.resources.filter((r) => r.type === type && pattern.test(r.name)).map((r) => r.name);

    it("a headroom Deployment per twin in phases 3–5 only, pinned to its twin, tolerating its taints only, below every workload", async () => {
        for (const phase of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) {
            assert.deepStrictEqual(names(await at(phase), DEPLOYMENT, /headroom/).sort(), phase >= 3 && phase <= 5 ? ["karpenter-headroom-batch-cilium", "karpenter-headroom-default-cilium"] : [], `phase ${phase}`);
        }
        const e = await at(3);
        const batch = e.resources.find((r) => r.name === "karpenter-headroom-batch-cilium")?.inputs as Obj;
        const spec = batch.spec.template.spec;
        assert.strictEqual(batch.spec.replicas, 16);
        assert.deepStrictEqual(spec.nodeSelector, { "karpenter.sh/nodepool": "batch-cilium", cni: "cilium" });
        assert.deepStrictEqual(spec.tolerations, [{ key: "workload", operator: "Equal", value: "batch", effect: "NoSchedule" }]);
        assert.deepStrictEqual(spec.containers, [{ name: "pause", image: PAUSE_IMAGE, resources: { requests: { cpu: "1978m", memory: "3633Mi" } } }]);
        const priority = e.resources.find((r) => r.type === "kubernetes:scheduling.k8s.io/v1:PriorityClass")?.inputs as Obj;
        assert.deepStrictEqual([priority.value, priority.preemptionPolicy, priority.globalDefault], [HEADROOM_PRIORITY, "Never", false]);
        // karpenter.headroom 0: none.
        assert.deepStrictEqual(names(await at(3, { karpenter: { headroom: 0 } }), DEPLOYMENT, /headroom/), []);
    });

    it("phase 7 deletes the legacy NodeClaims, pool after pool; phase 8 deletes the legacy NodePools only with deleteLegacyNodeGroups, after them", async () => {
        assert.deepStrictEqual(names(await at(6), COMMAND, /^karpenter-delete/), []);
        assert.deepStrictEqual(names(await at(7), COMMAND, /^karpenter-delete/), ["karpenter-delete-nodeclaims-default", "karpenter-delete-nodeclaims-batch"]);
        const seven = await at(7);
        const batchStep = seven.resources.find((r) => r.name === "karpenter-delete-nodeclaims-batch");
        assert.ok(batchStep?.dependencies.includes(`${COMMAND}::karpenter-delete-nodeclaims-default`), "one pool after the other");
        assert.ok(String(batchStep?.inputs.create).includes("--legacy-nodepools 'default,batch'"));
        assert.deepStrictEqual(names(await at(8), COMMAND, /^karpenter-delete-nodepool/), []);
        const deleting = await at(8, { existingCluster: { name: "karpenter-east", nodeGroups: ["ng-system"], nodePools: ["default", "batch"], deleteLegacyNodeGroups: true } });
        assert.deepStrictEqual(names(deleting, COMMAND, /^karpenter-delete-nodepool/), ["karpenter-delete-nodepool-default", "karpenter-delete-nodepool-batch"]);
        const poolStep = deleting.resources.find((r) => r.name === "karpenter-delete-nodepool-default");
        assert.ok(poolStep?.dependencies.includes(`${COMMAND}::karpenter-delete-nodeclaims-batch`), poolStep?.dependencies.join(", "));
    });

    it("going back 3 → 2: twins' limits 0 and their NodeClaims deleted one at a time; 4 → 3: legacy limits back, uncordoned", async () => {
        const back = await at(2, {}, 3);
        assert.deepStrictEqual(names(back, COMMAND, /^karpenter-delete/), ["karpenter-delete-nodeclaims-default-cilium", "karpenter-delete-nodeclaims-batch-cilium"]);
        const step = back.resources.find((r) => r.name === "karpenter-delete-nodeclaims-default-cilium");
        assert.ok(String(step?.inputs.create).includes("karpenter.sh/nodepool=default-cilium"));
        assert.ok(step?.dependencies.includes("kubernetes:karpenter.sh/v1:NodePool::karpenter-default-cilium"), "after the twin's limits are 0");
        assert.deepStrictEqual(names(await at(2, {}, 1), COMMAND, /^karpenter-delete/), [], "going forward, nothing to delete");
        const three = await at(3, {}, 4);
        assert.deepStrictEqual(three.resources.filter((r) => /-cordon$/.test(r.name)).map((r) => r.name), [], "the cordon step is gone: its delete uncordons");
        assert.ok(fs.existsSync(KARPENTER_SNAPSHOT));
    });
});
