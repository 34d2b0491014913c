/**
 * Reads a snapshot directory: files shaped like kubectl's JSON output (and goldpinger's /check_all body). A file a
 * check needs but does not find, or cannot parse, is an input error naming the file.
 */
import * as fs from "fs";
import * as path from "path";
import { ClusterSnapshot, SnapshotPart } from "./k8sTypes";

export class InputError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "InputError";
    }
}

export const SNAPSHOT_FILES: Record<SnapshotPart, string> = {
    nodes: "nodes.json",
    pods: "pods.json",
    daemonsets: "daemonsets.json",
    deployments: "deployments.json",
    ciliumendpoints: "ciliumendpoints.json",
    goldpinger: "goldpinger.json",
    configmaps: "configmaps.json",
};

const HOW: Record<SnapshotPart, string> = {
    nodes: "kubectl get nodes -o json",
    pods: "kubectl get pods -A -o json",
    daemonsets: "kubectl get ds -A -o json",
    deployments: "kubectl get deployments -A -o json",
    ciliumendpoints: "kubectl get ciliumendpoints -A -o json",
    goldpinger: "goldpinger's /check_all body",
    configmaps: "kubectl get configmaps -n kube-system -o json",
};

export function readSnapshot(dir: string, parts: SnapshotPart[]): ClusterSnapshot {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new InputError(`snapshot directory ${dir} does not exist`);
    const snapshot: ClusterSnapshot = {};
    for (const part of parts) {
        const file = path.join(dir, SNAPSHOT_FILES[part]);
        if (!fs.existsSync(file)) throw new InputError(`${file} is missing; this check needs it (${HOW[part]})`);
        let parsed: unknown;
        try {
            parsed = JSON.parse(fs.readFileSync(file, "utf8"));
        } catch (err) {
            throw new InputError(`${file} is not valid JSON: ${(err as Error).message}`);
        }
        (snapshot as Record<string, unknown>)[part] = validatePart(part, parsed, file);
    }
    return snapshot;
}

/** Shape checks: enough to refuse the wrong file (a single object instead of a list, an error page), not a schema. */
export function validatePart(part: SnapshotPart, value: unknown, source: string): unknown {
    const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
    if (!isObject(value)) throw new InputError(`${source} must hold a JSON object (${HOW[part]})`);
    if (part === "goldpinger") {
        if (value.responses !== undefined && !isObject(value.responses)) throw new InputError(`${source}: \`responses\` must be an object keyed by pod name`);
        if (value.responses === undefined) throw new InputError(`${source} has no \`responses\`: it is not a /check_all body`);
        return value;
    }
    if (!Array.isArray(value.items)) throw new InputError(`${source} has no \`items\` list: expected the output of ${HOW[part]}`);
    for (const [i, item] of (value.items as unknown[]).entries()) {
        if (!isObject(item) || !isObject(item.metadata)) throw new InputError(`${source}: items[${i}] has no \`metadata\` object`);
    }
    return value;
}
