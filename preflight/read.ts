/**
 * Reads preflight's input from a cluster snapshot directory (migration/snapshotFiles.ts), each file streamed and
 * slimmed as it is read (clusterReader/jsonStream.ts, slim.ts). A file that is not there is left out (its checks
 * become `not-checked`); a file that is there but not what its command prints is an input error naming it.
 */
import * as fs from "fs";
import * as path from "path";
import { asgItemsProblem } from "../clusterReader/autoScalingGroups";
import { InputError } from "../clusterReader/inputError";
import { readJsonObject } from "../clusterReader/jsonStream";
import { slimmerFor } from "../clusterReader/slim";
import { INPUT_FILES } from "./run";
import { InputPart, Obj, PreflightInput } from "./types";

/** Where each AWS file keeps what preflight reads (the command's top-level key). */
const AWS_KEYS: Partial<Record<InputPart, string>> = {
    cluster: "cluster", nodegroups: "nodegroups", addons: "addons", subnets: "Subnets",
    autoscalinggroups: "AutoScalingGroups", launchtemplateversions: "LaunchTemplateVersions",
};

/** The files without which preflight refuses to run (design.md, "Preflight"). */
export const REQUIRED: InputPart[] = ["nodes", "pods"];

const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

export function readPreflightSnapshot(dir: string): PreflightInput {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new InputError(`snapshot directory ${dir} does not exist`);
    const input: PreflightInput = {};
    for (const part of Object.keys(INPUT_FILES) as InputPart[]) {
        const file = path.join(dir, INPUT_FILES[part].file);
        if (!fs.existsSync(file)) continue;
        (input as Obj)[part] = checkShape(part, readJsonObject(file, slimmerFor(part)), file);
    }
    return input;
}

/**
 * Preflight's own read of a snapshot: without the nodes or the pods no node- or pod-related hazard can be judged, so
 * it refuses (exit 2 naming the file), never a silent pass. (The planner's forecast says why it has none instead.)
 */
export function readPreflightSnapshotForChecks(dir: string): PreflightInput {
    const input = readPreflightSnapshot(dir);
    for (const part of REQUIRED) {
        if (input[part] === undefined) {
            throw new InputError(`${path.join(dir, INPUT_FILES[part].file)} is missing: preflight judges nothing about nodes or pods without it ` +
                `(${INPUT_FILES[part].writtenBy}, or npm run snapshot)`);
        }
    }
    return input;
}

/** Enough to refuse the wrong file (an error page, one object instead of a list), not a schema. */
export function checkShape(part: InputPart, value: unknown, source: string): unknown {
    const how = INPUT_FILES[part].writtenBy;
    if (!isObject(value)) throw new InputError(`${source} must hold a JSON object (the output of ${how})`);
    const key = AWS_KEYS[part];
    if (key) {
        const inner = value[key];
        const ok = part === "cluster" ? isObject(inner) : Array.isArray(inner);
        if (!ok) throw new InputError(`${source} has no \`${key}\` ${part === "cluster" ? "object" : "list"}: expected the output of ${how}`);
        // Self-managed node groups: each item too (clusterReader/autoScalingGroups.ts).
        const itemProblem = key === "AutoScalingGroups" || key === "LaunchTemplateVersions" ? asgItemsProblem(key, inner as unknown[]) : undefined;
        if (itemProblem) throw new InputError(`${source}: ${itemProblem} (expected the output of ${how})`);
        return inner;
    }
    if (!Array.isArray(value.items)) throw new InputError(`${source} has no \`items\` list: expected the output of ${how}`);
    for (const [i, item] of (value.items as unknown[]).entries()) {
        if (!isObject(item) || !isObject(item.metadata)) throw new InputError(`${source}: items[${i}] has no \`metadata\` object`);
    }
    return value;
}
