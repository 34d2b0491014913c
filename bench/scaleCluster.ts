/**
 * Writes the largest cluster this program serves — 5,000 nodes, 150,000 pods by default — as `npm run snapshot`
 * would at phase 1: the example cluster's AWS files (examples/prod-east) and its Kubernetes objects grown, each List written as
 * kubectl prints it (4-space indent, items at 8) with managedFields (tests/fixtures/kubectlNoise.ts), item by item
 * to disk: the pods file is about 1.7 GB and is never one string. Every node is legacy (labelled `cni=aws-cni`), none drained.
 */
import * as fs from "fs";
import * as path from "path";
import { noisyObject, noisyPod } from "../tests/fixtures/kubectlNoise";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const EXAMPLE = path.join(__dirname, "..", "examples", "prod-east");
const AWS_FILES = ["cluster.json", "nodegroups.json", "addons.json", "subnets.json", "oidc-providers.json", "access-entries.json"];
const AS_IS = ["daemonsets.json", "configmaps.json", "eniconfigs.json", "securitygrouppolicies.json", "ciliumnetworkpolicies.json", "ciliumendpoints.json"];
const PER_NAMESPACE = ["deployments.json", "statefulsets.json", "poddisruptionbudgets.json", "networkpolicies.json", "persistentvolumeclaims.json", "persistentvolumes.json"];

const read = (file: string): Obj => JSON.parse(fs.readFileSync(path.join(EXAMPLE, file), "utf8"));

/** A List written as kubectl writes it, one item at a time; returns the bytes written. */
function writeList(file: string, items: Iterable<Obj>): number {
    const fd = fs.openSync(file, "w");
    let pending: string[] = [];
    let size = 0;
    const flush = () => { const text = pending.join(""); fs.writeSync(fd, text); size += Buffer.byteLength(text); pending = []; };
    pending.push("{\n    \"apiVersion\": \"v1\",\n    \"items\": [");
    let first = true;
    for (const item of items) {
        pending.push(`${first ? "\n" : ",\n"}        ${JSON.stringify(item, null, 4).replace(/\n/g, "\n        ")}`);
        first = false;
        if (pending.length >= 500) flush();
    }
    pending.push(`${first ? "" : "\n    "}],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n`);
    flush();
    fs.closeSync(fd);
    return size;
}

const nodeName = (i: number) => `ip-10-${20 + Math.floor(i / 250)}-${i % 250}-${i % 7}.us-east-2.compute.internal`;

export interface ScaleSnapshot { dir: string; nodes: number; pods: number; bytes: Record<string, number> }

export function writeScaleSnapshot(dir: string, nodes = 5000, pods = 150000): ScaleSnapshot {
    fs.mkdirSync(dir, { recursive: true });
    const bytes: Record<string, number> = {};
    for (const f of [...AWS_FILES, ...AS_IS]) {
        fs.copyFileSync(path.join(EXAMPLE, f), path.join(dir, f));
        bytes[f] = fs.statSync(path.join(dir, f)).size;
    }
    const templateNodes = read("nodes.json").items as Obj[];
    const examplePods = read("pods.json").items as Obj[];
    const isDaemon = (p: Obj) => p.metadata.ownerReferences?.[0]?.kind === "DaemonSet";
    const workloadPods = examplePods.filter((p) => !isDaemon(p));
    const daemonPods = examplePods.filter(isDaemon).filter((p, i, all) => all.findIndex((q) => q.metadata.ownerReferences[0].name === p.metadata.ownerReferences[0].name) === i);
    const copies = Math.ceil((pods - daemonPods.length * nodes) / workloadPods.length);

    bytes["nodes.json"] = writeList(path.join(dir, "nodes.json"), (function* () {
        for (let i = 0; i < nodes; i++) {
            const n = structuredClone(templateNodes[i % templateNodes.length]);
            n.metadata.name = nodeName(i);
            n.metadata.labels["kubernetes.io/hostname"] = n.metadata.name;
            n.metadata.labels.cni = "aws-cni"; // as phase 0 labels every legacy node: the gates then have every pod to judge
            yield noisyObject(n);
        }
    })());
    bytes["pods.json"] = writeList(path.join(dir, "pods.json"), (function* () {
        let written = 0;
        for (let c = 0; c < copies; c++) {
            for (const p of workloadPods) {
                if (written >= pods - daemonPods.length * nodes) return yield* daemons();
                const pod = structuredClone(p);
                pod.metadata.namespace = `${p.metadata.namespace}-${c}`;
                pod.spec.nodeName = nodeName(written % nodes);
                written++;
                yield noisyPod(pod);
            }
        }
        yield* daemons();
    })());
    function* daemons() {
        for (let i = 0; i < nodes; i++) {
            for (const d of daemonPods) yield noisyPod({ ...d, metadata: { ...d.metadata, name: `${d.metadata.name}-${i}` }, spec: { ...d.spec, nodeName: nodeName(i) } });
        }
    }
    for (const f of PER_NAMESPACE) {
        const items = read(f).items as Obj[];
        bytes[f] = writeList(path.join(dir, f), (function* () {
            for (let c = 0; c < copies; c++) {
                for (const o of items) {
                    const x = structuredClone(o);
                    if (x.metadata.namespace) x.metadata.namespace = `${o.metadata.namespace}-${c}`;
                    else x.metadata.name = `${o.metadata.name}-${c}`;
                    if (x.spec?.claimRef?.namespace) x.spec.claimRef.namespace = `${o.spec.claimRef.namespace}-${c}`;
                    if (f === "persistentvolumeclaims.json" && x.spec?.volumeName) x.spec.volumeName = `${o.spec.volumeName}-${c}`;
                    yield noisyObject(x);
                }
            }
        })());
    }
    return { dir, nodes, pods, bytes };
}
