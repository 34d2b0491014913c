/**
 * Karpenter's objects as the program reads them (design.md, "Karpenter NodePools"): NodePools, NodeClaims and
 * EC2NodeClasses, from a cluster snapshot's `nodepools.json`, `nodeclaims.json`, `ec2nodeclasses.json` (the planner),
 * or from the live cluster through the API server's custom-objects API (`pulumi up`/`preview`). A kind whose CRD is
 * not installed (404) is an empty list, as `npm run snapshot` writes it; any other failure is an error naming what
 * was asked — never a silent "no NodePools", which would leave Karpenter's nodes out of the migration.
 */
import * as fs from "fs";
import * as path from "path";
import type * as k8s from "@kubernetes/client-node";
import { KUBECTL_FILES } from "../migration/snapshotFiles";
import { InputError } from "./inputError";
import { readJsonObject } from "./jsonStream";
import { Paged, allPages } from "./live";
import { ClusterAccessError, DEFAULT_RETRY, RetryOptions } from "./retry";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

/** Each kind's objects; a kind left undefined had no file in the snapshot (live reads always answer). */
export interface KarpenterObjects {
    nodePools?: Obj[];
    nodeClaims?: Obj[];
    ec2NodeClasses?: Obj[];
}

export const KARPENTER_KINDS = {
    nodePools: { file: KUBECTL_FILES.nodepools, group: "karpenter.sh", version: "v1", plural: "nodepools" },
    nodeClaims: { file: KUBECTL_FILES.nodeclaims, group: "karpenter.sh", version: "v1", plural: "nodeclaims" },
    ec2NodeClasses: { file: KUBECTL_FILES.ec2nodeclasses, group: "karpenter.k8s.aws", version: "v1", plural: "ec2nodeclasses" },
} as const;
type Kind = keyof typeof KARPENTER_KINDS;

/** The items of a kubectl list, or an input error naming the file and what it should hold. */
function itemsOf(value: unknown, source: string, writtenBy: string): Obj[] {
    const list = value as Obj;
    if (typeof list !== "object" || list === null || !Array.isArray(list.items)) throw new InputError(`${source} has no \`items\` list: expected the output of ${writtenBy}`);
    for (const [i, item] of (list.items as unknown[]).entries()) {
        if (typeof item !== "object" || item === null || typeof (item as Obj).metadata?.name !== "string") {
            throw new InputError(`${source}: items[${i}] has no \`metadata.name\` (expected the output of ${writtenBy})`);
        }
    }
    return list.items as Obj[];
}

/** The three files of a snapshot directory; a file that is not there leaves its kind undefined. */
export function readKarpenterSnapshot(dir: string): KarpenterObjects {
    const out: KarpenterObjects = {};
    for (const [kind, k] of Object.entries(KARPENTER_KINDS) as [Kind, (typeof KARPENTER_KINDS)[Kind]][]) {
        const file = path.join(dir, k.file.file);
        if (!fs.existsSync(file)) continue;
        out[kind] = itemsOf(readJsonObject(file), file, k.file.writtenBy);
    }
    return out;
}

/**
 * The three kinds from the live cluster, with the kubeconfig given as text (JSON or YAML). A 404 on a kind is "CRD not
 * installed": an empty list. Anything else throws a ClusterAccessError naming the kind.
 */
export async function readKarpenterLive(kubeconfig: string, retry: RetryOptions = DEFAULT_RETRY): Promise<Required<KarpenterObjects>> {
    const client: typeof k8s = await import("@kubernetes/client-node");
    const kc = new client.KubeConfig();
    kc.loadFromString(kubeconfig);
    const custom = kc.makeApiClient(client.CustomObjectsApi);
    const out = {} as Required<KarpenterObjects>;
    for (const [kind, k] of Object.entries(KARPENTER_KINDS) as [Kind, (typeof KARPENTER_KINDS)[Kind]][]) {
        try {
            const list = await allPages(`list ${k.plural}.${k.group}`, (c) =>
                custom.listClusterCustomObject({ group: k.group, version: k.version, plural: k.plural, limit: 500, _continue: c }) as Promise<Paged<unknown>>, retry);
            out[kind] = itemsOf(list, `live ${k.plural}.${k.group}`, k.file.writtenBy);
        } catch (err) {
            if (err instanceof ClusterAccessError && err.kind === "not-found") out[kind] = [];
            else throw err;
        }
    }
    return out;
}
