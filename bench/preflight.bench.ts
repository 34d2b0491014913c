/**
 * `npm run bench` (third part): preflight over a 1,000-node / 30,000-pod cluster against the time to parse its JSON
 * files (the goal: within 2×). The cluster is the example cluster (examples/prod-east) grown: its nodes repeated
 * across its two node groups, its workloads repeated per namespace with their PodDisruptionBudgets, StatefulSets,
 * claims and volumes, and pods spread over the nodes, before the migration (every node is legacy). Medians of 3.
 * Not a test: nothing here is asserted.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkShape } from "../preflight/read";
import { INPUT_FILES, runPreflight } from "../preflight/run";
import { InputPart, Obj, PreflightInput } from "../preflight/types";
import { preflightOptionsOf } from "../stacks/preflightConfig";
import { migrationConfigOf, readStackFile } from "../stacks/stackFile";

const ROOT = path.join(__dirname, "..");
const EXAMPLE = path.join(ROOT, "examples", "prod-east");
const NODES = 1000;
const PODS = 30000;
const GOAL = 2;

const read = (file: string): Obj => JSON.parse(fs.readFileSync(path.join(EXAMPLE, file), "utf8"));
const copy = <T>(o: T): T => structuredClone(o);

/** The example's files grown to NODES nodes and PODS pods, as the text kubectl and the AWS CLI would print. */
function grownSnapshot(): Record<string, string> {
    const files = Object.fromEntries(Object.values(INPUT_FILES).map((f) => [f.file, fs.existsSync(path.join(EXAMPLE, f.file)) ? read(f.file) : undefined])) as Record<string, Obj>;
    const nodes = files["nodes.json"].items as Obj[];
    const grownNodes = Array.from({ length: NODES }, (_, i) => {
        const n = copy(nodes[i % nodes.length]);
        n.metadata.name = `ip-10-${20 + Math.floor(i / 250)}-${i % 250}-${i % 7}.us-east-2.compute.internal`;
        n.metadata.labels["kubernetes.io/hostname"] = n.metadata.name;
        return n;
    });
    const workloadPods = (files["pods.json"].items as Obj[]).filter((p) => p.metadata.ownerReferences?.[0]?.kind !== "DaemonSet");
    const daemonPods = (files["pods.json"].items as Obj[]).filter((p) => p.metadata.ownerReferences?.[0]?.kind === "DaemonSet");
    const copies = Math.ceil((PODS - 2 * NODES) / workloadPods.length);
    const pods: Obj[] = [];
    for (let c = 0; c < copies && pods.length < PODS - 2 * NODES; c++) {
        for (const p of workloadPods) {
            const pod = copy(p);
            pod.metadata.namespace = `${p.metadata.namespace}-${c}`;
            pod.spec.nodeName = grownNodes[pods.length % NODES].metadata.name;
            pods.push(pod);
        }
    }
    grownNodes.forEach((n, i) => daemonPods.slice(0, 2).forEach((d) => pods.push({ ...copy(d), metadata: { ...copy(d.metadata), name: `${d.metadata.name}-${i}` }, spec: { ...copy(d.spec), nodeName: n.metadata.name } })));
    const perNamespace = (file: string) => Array.from({ length: copies }, (_, c) => (files[file].items as Obj[]).map((o) => {
        const x = copy(o);
        if (x.metadata.namespace) x.metadata.namespace = `${o.metadata.namespace}-${c}`;
        else x.metadata.name = `${o.metadata.name}-${c}`;
        return x;
    })).flat();
    const list = (items: Obj[]) => ({ apiVersion: "v1", items, kind: "List", metadata: { resourceVersion: "" } });
    const grown: Record<string, Obj | undefined> = {
        ...files, "nodes.json": list(grownNodes), "pods.json": list(pods),
        ...Object.fromEntries(["deployments.json", "statefulsets.json", "poddisruptionbudgets.json", "networkpolicies.json", "persistentvolumeclaims.json", "persistentvolumes.json"]
            .map((f) => [f, list(perNamespace(f))])),
    };
    return Object.fromEntries(Object.entries(grown).filter(([, v]) => v !== undefined).map(([f, v]) => [f, JSON.stringify(v)]));
}

function median(times: number[]): number {
    return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

function main(): void {
    const texts = grownSnapshot();
    const options = preflightOptionsOf(migrationConfigOf(readStackFile(path.join(ROOT, "Pulumi.existing.yaml"))));
    const parseTimes: number[] = [];
    const checkTimes: number[] = [];
    let input: PreflightInput = {};
    let findings = 0;
    for (let run = 0; run < 3; run++) {
        const t0 = process.hrtime.bigint();
        input = {};
        for (const [part, file] of Object.entries(INPUT_FILES) as [InputPart, { file: string }][]) {
            if (texts[file.file] !== undefined) (input as Obj)[part] = checkShape(part, JSON.parse(texts[file.file]), file.file);
        }
        parseTimes.push(Number(process.hrtime.bigint() - t0) / 1e6);
        const t1 = process.hrtime.bigint();
        findings = runPreflight(input, options).findings.length;
        checkTimes.push(Number(process.hrtime.bigint() - t1) / 1e6);
    }
    const parse = median(parseTimes);
    const check = median(checkTimes);
    const mb = Object.values(texts).reduce((n, t) => n + t.length, 0) / 2 ** 20;
    console.log(`\npreflight — ${os.cpus()[0]?.model ?? "?"} × ${os.cpus().length}, Node ${process.version}`);
    console.log("| snapshot | JSON | parse | preflight (checks + forecast) | ratio | goal |");
    console.log("|---|---:|---:|---:|---:|---|");
    console.log(`| ${(input.nodes?.items.length ?? 0).toLocaleString("en")} nodes / ${(input.pods?.items.length ?? 0).toLocaleString("en")} pods, ${findings} findings | ` +
        `${mb.toFixed(0)} MB | ${parse.toFixed(0)} ms | ${check.toFixed(0)} ms | ${(check / parse).toFixed(2)} × parse | ≤ ${GOAL} × |`);
}

main();
