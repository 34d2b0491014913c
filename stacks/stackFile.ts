/** Reads a Pulumi stack file (`Pulumi.<stack>.yaml`) into config as Pulumi hands it to a program. */
import * as fs from "fs";
import * as YAML from "yaml";
import { ConfigError, CONFIG_KEYS, RawConfig, parseConfig } from "./config";
import { MigrationConfig } from "./configTypes";
import { CONFIG_NAMESPACE } from "./pins";

/** Stack config as Pulumi keeps it: full key (`namespace:key`) → string (objects as JSON text). */
export type StackConfig = Record<string, string>;

export class StackFileError extends Error {
    constructor(message: string, public readonly kind: "missing" | "invalid") {
        super(message);
        this.name = "StackFileError";
    }
}

export function readStackFile(path: string): StackConfig {
    if (!fs.existsSync(path)) throw new StackFileError(`stack file ${path} does not exist.`, "missing");
    return stackConfigFromText(fs.readFileSync(path, "utf8"), path);
}

/** A stack file's text (from disk or a git ref, named by `path`) as the config Pulumi hands a program. */
export function stackConfigFromText(text: string, path: string): StackConfig {
    let doc: unknown;
    try {
        doc = YAML.parse(text);
    } catch (err) {
        throw new StackFileError(`stack file ${path} is not valid YAML: ${(err as Error).message.split("\n")[0]}`, "invalid");
    }
    const config = (doc as { config?: unknown } | null)?.config ?? {};
    if (typeof config !== "object" || config === null || Array.isArray(config)) {
        throw new StackFileError(`stack file ${path}: \`config\` must be a map of keys to values.`, "invalid");
    }
    const out: StackConfig = {};
    for (const [rawKey, value] of Object.entries(config)) {
        // `pulumi config set phase 3` writes the project's namespace; a bare key means the same.
        const key = rawKey.includes(":") ? rawKey : `${CONFIG_NAMESPACE}:${rawKey}`;
        if (value !== null && typeof value === "object" && "secure" in (value as object)) {
            throw new StackFileError(`stack file ${path}: \`${rawKey}\` is encrypted; the planner cannot decrypt secrets and this program needs none.`, "invalid");
        }
        out[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return out;
}

/** Validates the migration's own keys of a stack config (the same check `pulumi up` makes). */
export function migrationConfigOf(config: StackConfig): MigrationConfig {
    const raw: RawConfig = {};
    const unknown: string[] = [];
    for (const [key, value] of Object.entries(config)) {
        const [namespace, bare] = key.split(":", 2);
        if (namespace !== CONFIG_NAMESPACE) continue;
        if ((CONFIG_KEYS as readonly string[]).includes(bare)) raw[bare] = value;
        else unknown.push(bare);
    }
    return parseConfig(raw, unknown);
}

export { ConfigError };
