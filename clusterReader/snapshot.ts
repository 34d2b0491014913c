/**
 * Reads a snapshot directory: files shaped like kubectl's JSON output (and goldpinger's /check_all body), streamed and
 * slimmed as they are read (jsonStream.ts, slim.ts). A file a check needs but does not find, or cannot parse, is an
 * input error naming the file (and, for broken JSON, the byte offset and line).
 */
import * as fs from "fs";
import * as path from "path";
import { GOLDPINGER_FILE, KUBECTL_FILES, SnapshotFile } from "../migration/snapshotFiles";
import { InputError } from "./inputError";
import { readJsonObject } from "./jsonStream";
import { ClusterSnapshot, SnapshotPart } from "./k8sTypes";
import { slimmerFor } from "./slim";


/** The files the checks read, from the snapshot directory's table (migration/snapshotFiles.ts). */
const FILES: Record<SnapshotPart, SnapshotFile> = {
    nodes: KUBECTL_FILES.nodes, pods: KUBECTL_FILES.pods, daemonsets: KUBECTL_FILES.daemonsets, deployments: KUBECTL_FILES.deployments,
    ciliumendpoints: KUBECTL_FILES.ciliumendpoints, configmaps: KUBECTL_FILES.configmaps, goldpinger: GOLDPINGER_FILE,
};
export const SNAPSHOT_FILES = Object.fromEntries(Object.entries(FILES).map(([part, f]) => [part, f.file])) as Record<SnapshotPart, string>;
const HOW = Object.fromEntries(Object.entries(FILES).map(([part, f]) => [part, f.writtenBy])) as Record<SnapshotPart, string>;

export function readSnapshot(dir: string, parts: SnapshotPart[]): ClusterSnapshot {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new InputError(`snapshot directory ${dir} does not exist`);
    const snapshot: ClusterSnapshot = {};
    for (const part of parts) {
        const file = path.join(dir, SNAPSHOT_FILES[part]);
        if (!fs.existsSync(file)) throw new InputError(`${file} is missing; this check needs it (${HOW[part]})`);
        (snapshot as Record<string, unknown>)[part] = validatePart(part, readJsonObject(file, slimmerFor(part)), file);
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
