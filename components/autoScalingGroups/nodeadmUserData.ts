/**
 * Amazon Linux 2023 user data: MIME parts of type `application/node.eks.aws`, each a `NodeConfig`
 * (`node.eks.aws/v1alpha1`). nodeadm merges them in order, and appends the `spec.kubelet.flags` of every part rather
 * than replacing them (awslabs/amazon-eks-ami `nodeadm/internal/api/merge.go` `mergeKubeletFlags`, vendored in
 * tests/fixtures/real/amazon-eks-ami). Flags override the kubelet config file, so a `--register-with-taints` flag
 * replaces `spec.kubelet.config.registerWithTaints` too. The twin's user data is the legacy one with one NodeConfig part
 * added after the last: its flags come last, and its taint flag repeats the legacy taints.
 */
import * as YAML from "yaml";
import { CiliumBirth, KubeletView, ciliumFlags, kubeletView } from "./kubeletFlags";
import { MimeMessage, parseMime, partText } from "./mime";

export const NODECONFIG_CONTENT_TYPE = "application/node.eks.aws";

/** User data nodeadm would read otherwise than this program: why. */
export class UnreadableNodeConfig extends Error {}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every NodeConfig document of the message's nodeadm parts, in order. */
export function nodeConfigs(message: MimeMessage): Json[] {
    const out: Json[] = [];
    for (const part of message.parts.filter((p) => p.contentType === NODECONFIG_CONTENT_TYPE)) {
        const encoding = (part.headers["content-transfer-encoding"] ?? "7bit").toLowerCase();
        if (!["7bit", "8bit", "binary"].includes(encoding)) throw new UnreadableNodeConfig(`a NodeConfig part in ${encoding} transfer encoding`);
        for (const doc of YAML.parseAllDocuments(part.body)) {
            if (doc.errors.length > 0) throw new UnreadableNodeConfig(`a NodeConfig part that is not YAML (${doc.errors[0].message.split("\n")[0]})`);
            const value = doc.toJS() as Json | null;
            if (value === null) continue;
            if (value.kind !== "NodeConfig") throw new UnreadableNodeConfig(`a ${NODECONFIG_CONTENT_TYPE} document of kind ${JSON.stringify(value.kind)}, not NodeConfig`);
            out.push(value);
        }
    }
    return out;
}

/** `{key, value, effect}` → `key=value:Effect`, as the flag writes a taint. */
const taintText = (t: Json): string => `${t.key}${t.value !== undefined && t.value !== "" ? `=${t.value}` : ""}:${t.effect}`;

/** The labels and taints the legacy node registers with: the flags of every part in order, else the config's taints. */
export function readNodeadm(message: MimeMessage): KubeletView {
    const configs = nodeConfigs(message);
    if (configs.length === 0) throw new UnreadableNodeConfig(`a MIME message without a ${NODECONFIG_CONTENT_TYPE} part`);
    const flags = configs.flatMap((c) => (c.spec?.kubelet?.flags ?? []) as string[]);
    const view = kubeletView(flags);
    if (view.taints !== undefined) return view;
    // The config file's registerWithTaints: a later part's list replaces an earlier one (mergo WithOverride).
    const configured = configs.map((c) => c.spec?.kubelet?.config?.registerWithTaints as Json[] | undefined).filter((t) => t !== undefined);
    const last = configured[configured.length - 1];
    return { ...view, ...(last ? { taints: last.map(taintText) } : {}) };
}

/** The twin's NodeConfig part body. */
export function ciliumNodeConfig(legacy: KubeletView, birth: CiliumBirth): string {
    return `---\n${YAML.stringify({ apiVersion: "node.eks.aws/v1alpha1", kind: "NodeConfig", spec: { kubelet: { flags: ciliumFlags(legacy.taints ?? [], birth) } } })}`;
}

/** The twin's message: the legacy one with the Cilium NodeConfig part inserted right after its last NodeConfig part. */
export function editNodeadm(text: string, birth: CiliumBirth): string {
    const message = parseMime(text);
    if (!message) throw new UnreadableNodeConfig("not a MIME multi-part message");
    const legacy = readNodeadm(message);
    const last = [...message.parts].reverse().find((p) => p.contentType === NODECONFIG_CONTENT_TYPE);
    const at = last ? last.end : message.closeAt;
    const body = ciliumNodeConfig(legacy, birth).replace(/\n/g, message.eol);
    return text.slice(0, at) + partText(message, NODECONFIG_CONTENT_TYPE, body) + text.slice(at);
}
