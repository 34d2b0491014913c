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

/**
 * The NodeConfig of each of the message's nodeadm parts, in order. nodeadm decodes a part whole
 * (`configprovider.ParseMultipart` → `bridge.DecodeNodeConfig`, apimachinery's YAML serializer → sigs.k8s.io/yaml
 * `YAMLToJSON` → yaml.v2 `Unmarshal`, which "decodes the first document"): a later document in a part is never
 * read. A part with more than one document is refused rather than read by a second YAML parser's idea of "first".
 */
export function nodeConfigs(message: MimeMessage): Json[] {
    const out: Json[] = [];
    for (const part of message.parts.filter((p) => p.contentType === NODECONFIG_CONTENT_TYPE)) {
        const encoding = (part.headers["content-transfer-encoding"] ?? "7bit").toLowerCase();
        if (!["7bit", "8bit", "binary"].includes(encoding)) throw new UnreadableNodeConfig(`a NodeConfig part in ${encoding} transfer encoding`);
        const docs = YAML.parseAllDocuments(part.body);
        const broken = docs.find((d) => d.errors.length > 0);
        if (broken) throw new UnreadableNodeConfig(`a NodeConfig part that is not YAML (${broken.errors[0].message.split("\n")[0]})`);
        if (docs.length > 1) {
            throw new UnreadableNodeConfig(`a NodeConfig part holding ${docs.length} YAML documents (nodeadm reads only the first of a part, ` +
                "yaml.v2 Unmarshal; put each NodeConfig in its own MIME part)");
        }
        const value = docs[0]?.toJS() as Json | null | undefined;
        if (value === null || value === undefined) continue;
        if (value.kind !== "NodeConfig") throw new UnreadableNodeConfig(`a ${NODECONFIG_CONTENT_TYPE} document of kind ${JSON.stringify(value.kind)}, not NodeConfig`);
        out.push(checkedKubelet(value));
    }
    return out;
}

/** The members this program reads, in the types nodeadm's NodeConfig gives them (a string list; a list of taints). */
function checkedKubelet(config: Json): Json {
    const flags = config.spec?.kubelet?.flags;
    if (flags !== undefined && flags !== null && (!Array.isArray(flags) || flags.some((f) => typeof f !== "string"))) {
        throw new UnreadableNodeConfig(`a NodeConfig whose spec.kubelet.flags is ${JSON.stringify(flags)}, not a list of strings`);
    }
    const taints = config.spec?.kubelet?.config?.registerWithTaints;
    if (taints !== undefined && taints !== null && (!Array.isArray(taints) || taints.some((t) => typeof t !== "object" || t === null || typeof t.key !== "string"))) {
        throw new UnreadableNodeConfig(`a NodeConfig whose spec.kubelet.config.registerWithTaints is ${JSON.stringify(taints)}, not a list of taints ({key, value, effect})`);
    }
    return config;
}

/** `{key, value, effect}` → `key=value:Effect`, as the flag writes a taint. */
const taintText = (t: Json): string => `${t.key}${t.value !== undefined && t.value !== "" ? `=${t.value}` : ""}:${t.effect}`;

/**
 * kubelet's arguments from the parts' flags: nodeadm joins them with " " into `NODEADM_KUBELET_ARGS`
 * (`internal/kubelet/environment.go`) and systemd splits `$NODEADM_KUBELET_ARGS` on whitespace (kubelet.service), so an
 * item `--register-with-taints a=b:NoSchedule` reaches kubelet as two words — split here the same way, as the AL2
 * reader splits `--kubelet-extra-args`. (Refusing such items would refuse user data that works.)
 */
const kubeletArgs = (flags: string[]): string[] => flags.flatMap((f) => f.split(/\s+/)).filter((s) => s.length > 0);

/** The labels and taints the legacy node registers with: the flags of every part in order, else the config's taints. */
export function readNodeadm(message: MimeMessage): KubeletView {
    const configs = nodeConfigs(message);
    if (configs.length === 0) throw new UnreadableNodeConfig(`a MIME message without a ${NODECONFIG_CONTENT_TYPE} part`);
    const view = kubeletView(kubeletArgs(configs.flatMap((c) => (c.spec?.kubelet?.flags ?? []) as string[])));
    if (view.taints !== undefined) return view;
    // The config file's registerWithTaints: a later part's list replaces an earlier one (mergo WithOverride).
    const configured = configs.map((c) => c.spec?.kubelet?.config?.registerWithTaints as Json[] | null | undefined).filter((t): t is Json[] => Array.isArray(t));
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
