/**
 * Stack config: one `loadConfig()` for the program, one pure `parseConfig()` for everything else (planner, tests).
 * Every invalid value stops the program before any resource is declared, with a message naming the key, the value
 * and what is allowed. Defaults use `??`, never `||`, so a configured 0 or false is kept.
 */
import * as pulumi from "@pulumi/pulumi";
import { MigrationConfig } from "./configTypes";
import { Phase } from "../migration/phases";
import {
    CILIUM_CLUSTER_NAME, DEFAULT_CILIUM_NODE_GROUP, DEFAULT_LEGACY_NODE_GROUP, DEFAULT_TWINS, parseCilium,
    parseCiliumNodeGroup, parseClusterAdmins, parseDrain, parseExistingCluster, parseGate, parseGoldpinger, parseNodeGroup,
    parseNodeLabels, parseTwins, parseVpc,
} from "./configParsers";
import * as pins from "./pins";
import { parsePreflight } from "./preflightConfig";
import { parseKarpenter } from "./karpenterConfig";
import { calicoConfigProblems, parseCalico } from "./calicoConfig";
import { INVALID, Problems, bool, matching, wholeNumber } from "./validate";

export * from "./configTypes";
export { ConfigError } from "./validate";

/** Raw config as Pulumi stores it: bare key (no namespace) → string; objects are JSON text. */
export type RawConfig = Record<string, string | undefined>;

export const CONFIG_KEYS = [
    "phase", "existingCluster", "clusterName", "kubernetesVersion", "vpc", "legacyNodeGroup", "ciliumNodeGroup", "nodeLabels",
    "cilium", "goldpinger", "drain", "gate", "preflight", "clusterAdmins", "allowPhaseSkip", "allowUnsafeRollback",
    "karpenter", "calico",
] as const;

/** Keys that describe a cluster this program creates: refused for an existing cluster. */
export const DEMO_ONLY_KEYS = ["vpc", "kubernetesVersion", "legacyNodeGroup"] as const;

export {
    CILIUM_CLUSTER_NAME, DEFAULT_CILIUM_NODE_GROUP, DEFAULT_DRAIN, DEFAULT_GATE, DEFAULT_LEGACY_NODE_GROUP, DEFAULT_TWINS,
} from "./configParsers";
export { DEFAULT_NODE_LABELS } from "../migration/names";

/** Reads the stack config through the Pulumi SDK. Throws ConfigError before anything is declared. */
export function loadConfig(): MigrationConfig {
    const config = new pulumi.Config(pins.CONFIG_NAMESPACE);
    const raw: RawConfig = {};
    for (const key of CONFIG_KEYS) raw[key] = config.get(key);
    return parseConfig(raw);
}

function decode(p: Problems, key: string, text: string | undefined, kind: "number" | "boolean" | "string" | "object"): unknown {
    if (text === undefined) return undefined;
    if (kind === "string") return text;
    try {
        return JSON.parse(text);
    } catch {
        p.add(`\`${key}\` is ${JSON.stringify(text)}; it must be ${kind === "object" ? "an object" : `a ${kind}`}.`);
        return INVALID;
    }
}

export function parseConfig(raw: RawConfig, unknownKeys: string[] = []): MigrationConfig {
    const p = new Problems();
    for (const key of unknownKeys) p.add(`\`${key}\` is not a known config key of ${pins.CONFIG_NAMESPACE}; known keys: ${CONFIG_KEYS.join(", ")}.`);
    const phaseRaw = decode(p, "phase", raw.phase, "number");
    if (raw.phase === undefined) p.add("`phase` is not set; it is required: a whole number from 0 to 9 (`pulumi config set phase 0`).");
    const phase = raw.phase === undefined ? undefined : wholeNumber(p, "phase", phaseRaw, 0, 9);
    const existingCluster = parseExistingCluster(p, decode(p, "existingCluster", raw.existingCluster, "object"));
    const existing = existingCluster !== undefined || (raw.existingCluster !== undefined);
    for (const key of existing ? DEMO_ONLY_KEYS : []) {
        if (raw[key] !== undefined) {
            p.add(`\`${key}\` is set, but \`existingCluster\` is too: \`${key}\` describes a cluster this program creates; ` +
                "an existing cluster's comes from AWS. Remove it.");
        }
    }
    const ciliumNodeGroupRaw = decode(p, "ciliumNodeGroup", raw.ciliumNodeGroup, "object");
    const config: MigrationConfig = {
        phase: phase as Phase,
        ...(existingCluster ? { existingCluster } : {}),
        twins: existing ? parseTwins(p, ciliumNodeGroupRaw) : DEFAULT_TWINS,
        clusterName: existing ? existingClusterName(p, raw.clusterName, existingCluster)
            // A created cluster's name is both the EKS cluster's and Cilium's `cluster.name`; Cilium's rule is narrower.
            : matching(p, "clusterName", raw.clusterName ?? pins.DEFAULT_CLUSTER_NAME, CILIUM_CLUSTER_NAME,
                "1–32 lowercase letters, digits or '-', starting and ending with a letter or digit: it is also Cilium's " +
                "`cluster.name`, which allows no more (EKS alone would allow 100 characters, upper case and '_')") as string,
        kubernetesVersion: existing ? pins.DEFAULT_KUBERNETES_VERSION : matching(p, "kubernetesVersion", raw.kubernetesVersion ?? pins.DEFAULT_KUBERNETES_VERSION,
            /^1\.[0-9]{2}$/, 'an EKS minor version such as "1.33"') as string,
        vpc: parseVpc(p, existing ? undefined : decode(p, "vpc", raw.vpc, "object")),
        legacyNodeGroup: parseNodeGroup(p, "legacyNodeGroup", existing ? undefined : decode(p, "legacyNodeGroup", raw.legacyNodeGroup, "object"), DEFAULT_LEGACY_NODE_GROUP, []),
        ciliumNodeGroup: existing ? DEFAULT_CILIUM_NODE_GROUP : parseCiliumNodeGroup(p, ciliumNodeGroupRaw),
        nodeLabels: parseNodeLabels(p, decode(p, "nodeLabels", raw.nodeLabels, "object")),
        cilium: parseCilium(p, decode(p, "cilium", raw.cilium, "object")),
        goldpinger: parseGoldpinger(p, decode(p, "goldpinger", raw.goldpinger, "object")),
        drain: parseDrain(p, decode(p, "drain", raw.drain, "object")),
        gate: parseGate(p, decode(p, "gate", raw.gate, "object")),
        preflight: parsePreflight(p, decode(p, "preflight", raw.preflight, "object")),
        karpenter: parseKarpenter(p, decode(p, "karpenter", raw.karpenter, "object")),
        calico: parseCalico(p, decode(p, "calico", raw.calico, "object")),
        clusterAdmins: parseClusterAdmins(p, decode(p, "clusterAdmins", raw.clusterAdmins, "object")),
        allowPhaseSkip: bool(p, "allowPhaseSkip", decode(p, "allowPhaseSkip", raw.allowPhaseSkip, "boolean") ?? false) as boolean,
        allowUnsafeRollback: bool(p, "allowUnsafeRollback", decode(p, "allowUnsafeRollback", raw.allowUnsafeRollback, "boolean") ?? false) as boolean,
    };
    if (!existing && config.legacyNodeGroup && config.ciliumNodeGroup && config.legacyNodeGroup.name === config.ciliumNodeGroup.name) {
        p.add(`\`ciliumNodeGroup.name\` is ${JSON.stringify(config.ciliumNodeGroup.name)}, the same as \`legacyNodeGroup.name\`; the two pools need different names.`);
    }
    calicoConfigProblems(config.calico, config.cilium?.policyDuringMigration, existing).forEach((m) => p.add(m));
    p.throwIfAny();
    return config;
}


/** An existing cluster is named by `existingCluster.name`; `clusterName`, if given too, must agree. */
function existingClusterName(p: Problems, clusterName: string | undefined, existing: MigrationConfig["existingCluster"]): string {
    if (!existing) return undefined as unknown as string;
    if (clusterName !== undefined && clusterName !== existing.name) {
        p.add(`\`clusterName\` is ${JSON.stringify(clusterName)} but \`existingCluster.name\` is ${JSON.stringify(existing.name)}; ` +
            "with an existing cluster, leave `clusterName` out or set it to the same name.");
    }
    return existing.name;
}
