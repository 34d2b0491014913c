// The readers slim each object as it is read (clusterReader/slim.ts). Slimming may drop only what no check reads:
// preflight (findings and forecast) and every gate check give the same verdict on the full objects kubectl prints
// and on the slim ones the readers keep. A check that starts reading a dropped field fails here.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readJsonObject } from "../clusterReader/jsonStream";
import { ClusterSnapshot, SnapshotPart } from "../clusterReader/k8sTypes";
import { slimPod, slimmerFor } from "../clusterReader/slim";
import { SNAPSHOT_FILES, readSnapshot, validatePart } from "../clusterReader/snapshot";
import { DEFAULT_CONTEXT } from "../clusterReader/selectors";
import { CHECKS, SnapshotCheckName } from "../gates/registry";
import { checkShape, readPreflightSnapshot } from "../preflight/read";
import { INPUT_FILES, runPreflight } from "../preflight/run";
import { InputPart, Obj, PreflightInput } from "../preflight/types";
import { preflightOptionsOf } from "../stacks/preflightConfig";
import { migrationConfigOf, readStackFile } from "../stacks/stackFile";
import { noisyObject, noisyPod } from "./fixtures/kubectlNoise";
import { EXAMPLE_SNAPSHOT, EXISTING_STACK } from "./support/existingCluster";
import { FIXTURES } from "./support/paths";

const REAL = path.join(FIXTURES, "real", "kubectl-output");

/** A copy of a snapshot directory with every kubectl List as kubectl prints it with managed fields. */
function noisyCopy(dir: string, into: string): string {
    fs.mkdirSync(into, { recursive: true });
    for (const name of fs.readdirSync(dir).filter((f) => f.endsWith(".json"))) {
        const parsed = JSON.parse(fs.readFileSync(path.join(dir, name), "utf8"));
        if (Array.isArray(parsed.items)) parsed.items = parsed.items.map((o: Obj) => (name === "pods.json" ? noisyPod(o) : noisyObject(o)));
        fs.writeFileSync(path.join(into, name), JSON.stringify(parsed, null, 4));
    }
    return into;
}

describe("slim objects: what the readers keep", () => {
    let work: string;
    before(() => { work = fs.mkdtempSync(path.join(os.tmpdir(), "ecm-slim-")); });
    after(() => fs.rmSync(work, { recursive: true, force: true }));

    it("preflight's report (findings and drain forecast) is the same on full and on slim objects", () => {
        const dir = noisyCopy(EXAMPLE_SNAPSHOT, path.join(work, "prod-east"));
        const options = preflightOptionsOf(migrationConfigOf(readStackFile(EXISTING_STACK)));
        const full: PreflightInput = {};
        for (const [part, f] of Object.entries(INPUT_FILES) as [InputPart, { file: string }][]) {
            const file = path.join(dir, f.file);
            if (fs.existsSync(file)) (full as Obj)[part] = checkShape(part, JSON.parse(fs.readFileSync(file, "utf8")), file);
        }
        const slim = readPreflightSnapshot(dir);
        assert.ok(JSON.stringify(slim.pods).length * 4 < JSON.stringify(full.pods).length, "slim pods are a fraction of kubectl's");
        const report = runPreflight(slim, options);
        assert.ok(report.findings.length > 0 && report.forecast !== undefined);
        assert.deepStrictEqual(report, runPreflight(full, options));
    });

    it("every gate check gives the same verdict on full and on slim objects, in every phase's fixture", () => {
        const parts = Object.keys(SNAPSHOT_FILES) as SnapshotPart[];
        let compared = 0;
        for (let phase = 0; phase <= 9; phase++) {
            const dir = noisyCopy(path.join(FIXTURES, "snapshots", `phase-${phase}`), path.join(work, `phase-${phase}`));
            const present = parts.filter((p) => fs.existsSync(path.join(dir, SNAPSHOT_FILES[p])));
            const full: ClusterSnapshot = {};
            for (const p of present) (full as Obj)[p] = validatePart(p, JSON.parse(fs.readFileSync(path.join(dir, SNAPSHOT_FILES[p]), "utf8")), p);
            const slim = readSnapshot(dir, present);
            for (const [name, check] of Object.entries(CHECKS) as [SnapshotCheckName, (typeof CHECKS)[SnapshotCheckName]][]) {
                if (!check.needs.every((p) => present.includes(p))) continue;
                const run = (s: ClusterSnapshot) => check.run(s as Required<ClusterSnapshot>, DEFAULT_CONTEXT);
                assert.deepStrictEqual(run(slim), run(full), `${name} in phase ${phase}`);
                compared++;
            }
        }
        assert.ok(compared >= 100, `${compared} verdicts compared`);
    });

    it("keeps of real pods what the checks read, and drops managedFields, env, probes and container statuses", () => {
        for (const name of ["eks-anywhere-kind-pods.json", "metrics-agent-eks-podlist.json"]) {
            const raw = JSON.parse(fs.readFileSync(path.join(REAL, name), "utf8")).items as Obj[];
            const slim = readJsonObject(path.join(REAL, name), slimmerFor("pods")).items as Obj[];
            assert.strictEqual(slim.length, raw.length);
            slim.forEach((pod, i) => {
                const r = raw[i];
                assert.ok(r.metadata.managedFields.length > 0 && pod.metadata.managedFields === undefined, name);
                assert.deepStrictEqual([pod.metadata.name, pod.metadata.namespace, pod.metadata.labels, pod.spec.nodeName, pod.status.phase, pod.status.podIP],
                    [r.metadata.name, r.metadata.namespace, r.metadata.labels, r.spec.nodeName, r.status.phase, r.status.podIP]);
                assert.deepStrictEqual(pod.metadata.ownerReferences?.map((o: Obj) => [o.kind, o.name, o.controller]), r.metadata.ownerReferences?.map((o: Obj) => [o.kind, o.name, o.controller]));
                const hostPorts = (c: Obj) => (c.ports ?? []).filter((p: Obj) => p.hostPort).map((p: Obj) => ({ containerPort: p.containerPort, hostPort: p.hostPort, protocol: p.protocol }));
                assert.deepStrictEqual(pod.spec.containers.map((c: Obj) => [c.name, c.ports ?? [], c.env, c.livenessProbe]), r.spec.containers.map((c: Obj) => [c.name, hostPorts(c), undefined, undefined]));
                assert.deepStrictEqual(pod.status.conditions, r.status.conditions.filter((c: Obj) => c.type === "Ready").map((c: Obj) => ({ type: c.type, status: c.status })));
                assert.strictEqual(pod.status.containerStatuses, undefined);
            });
        }
        const mirror = (readJsonObject(path.join(REAL, "eks-anywhere-kind-pods.json"), slimmerFor("pods")).items as Obj[]).filter((p) => p.metadata.annotations?.["kubernetes.io/config.mirror"]);
        assert.strictEqual(mirror.length, 4, "the kind cluster's four static pods stay mirror pods");
        assert.deepStrictEqual(Object.keys(mirror[0].metadata.annotations), ["kubernetes.io/config.mirror"]);
    });

    it("keeps managedFields on aws-node's DaemonSet only (values set outside the add-on), and a node's conditions but not its images", () => {
        const ds = (name: string) => noisyObject({ apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name, namespace: "kube-system" }, spec: {} });
        const reduce = slimmerFor("daemonsets");
        assert.ok((reduce("items", ds("aws-node")) as Obj).metadata.managedFields.length > 0);
        assert.strictEqual((reduce("items", ds("kube-proxy")) as Obj).metadata.managedFields, undefined);
        assert.strictEqual((reduce("items", ds("kube-proxy")) as Obj).metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"], undefined);
        const node = slimmerFor("nodes")("items", noisyObject({ kind: "Node", metadata: { name: "n" }, status: { conditions: [{ type: "Ready", status: "True" }] } })) as Obj;
        assert.deepStrictEqual(node.status, { conditions: [{ type: "Ready", status: "True" }] });
        assert.deepStrictEqual(slimPod({ metadata: { name: "bare" } }), { metadata: { name: "bare" } }, "a pod without spec or status stays without them");
    });
});
