/**
 * A self-managed node group's user data as its node will read it, and the twin's (design.md, "Self-managed node
 * groups"): the legacy user data with the Cilium label added to the node labels and the startup taint to the
 * registered taints, everything else kept. Read: AL2 (a script calling bootstrap.sh, alone or as a MIME part) and
 * AL2023 (nodeadm NodeConfig parts). Refused, naming what was seen: eksctl's AL2 user data (a gzipped cloud-config
 * whose labels and taints are assembled at boot from `/etc/eksctl/kubelet.env` — its group is eksctl's, and eksctl
 * makes a Cilium node group itself with `labels` and `taints`), Bottlerocket TOML, and anything else. Pure.
 */
import { gunzipSync } from "zlib";
import { UnreadableScript, editAl2, readAl2 } from "./al2UserData";
import { CiliumBirth, KubeletView } from "./kubeletFlags";
import { parseMime } from "./mime";
import { ShellSyntaxError } from "./shellWords";
import { NODECONFIG_CONTENT_TYPE, UnreadableNodeConfig, editNodeadm, readNodeadm } from "./nodeadmUserData";

export type { CiliumBirth, KubeletView };

/** User data the program cannot read as the node will, with the group named and what was seen. */
export class UserDataError extends Error {}

export type UserDataForm = "al2-script" | "al2-mime" | "al2023-nodeadm";

export interface ReadUserData extends KubeletView {
    form: UserDataForm;
}

const SHELL_TYPES = ["text/x-shellscript", "text/x-shellscript-per-boot"];

function decode(group: string, base64: string): string {
    if (base64.trim() === "") throw new UserDataError(`Auto Scaling group ${group}: its launch template version has no user data: nothing joins its nodes to the cluster that the program could read.`);
    const bytes = Buffer.from(base64, "base64");
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
        let text: string;
        try {
            text = gunzipSync(bytes).toString("utf8");
        } catch (err) {
            throw new UserDataError(`Auto Scaling group ${group}: its user data starts as gzip (1f 8b) but does not decompress (${(err as Error).message}): ` +
                "the program cannot tell which labels and taints its nodes register with.");
        }
        if (text.includes("/etc/eksctl/kubelet.env")) {
            throw new UserDataError(`Auto Scaling group ${group} runs eksctl's AL2 user data (a gzipped cloud-config writing /etc/eksctl/kubelet.env, ` +
                "labels and taints assembled at boot): this program does not edit it. The group is eksctl's: create its Cilium twin with eksctl " +
                "(a nodegroup with the label cni=cilium and the taint node.cilium.io/agent-not-ready=true:NoExecute), or move the workloads to a " +
                "group this program can read (AL2 bootstrap.sh, AL2023 nodeadm).");
        }
        throw new UserDataError(`Auto Scaling group ${group}: its user data is gzip-compressed (${text.split("\n")[0].slice(0, 60)}…), a form this program does not read.`);
    }
    return bytes.toString("utf8");
}

function dispatch<T>(group: string, base64: string, on: { script: (s: string) => T; mime: (s: string) => T }): T {
    const text = decode(group, base64);
    try {
        const message = parseMime(text);
        if (message) {
            if (message.parts.some((p) => p.contentType === NODECONFIG_CONTENT_TYPE)) return on.mime(text);
            if (message.subtype !== "mixed") {
                throw new UserDataError(`Auto Scaling group ${group}: a multipart/${message.subtype} message without a NodeConfig part: nodeadm reads any ` +
                    "multipart message, but this program reads a bootstrap script only in multipart/mixed (as terraform-aws-eks writes it).");
            }
            const scripts = message.parts.filter((p) => SHELL_TYPES.includes(p.contentType) && p.body.includes("/etc/eks/bootstrap.sh"));
            if (scripts.length === 1) return on.script(text);
            throw new UserDataError(`Auto Scaling group ${group}: a MIME message with parts ${message.parts.map((p) => p.contentType).join(", ") || "none"} ` +
                "and neither a NodeConfig part nor one script calling /etc/eks/bootstrap.sh: the program cannot tell which labels and taints its nodes register with.");
        }
        if (/^\s*\[settings/m.test(text)) {
            throw new UserDataError(`Auto Scaling group ${group}: Bottlerocket settings (TOML, ${text.trim().split("\n")[0]}): this program reads AL2 and AL2023 user data only.`);
        }
        if (/^\s*(---\s*)?apiVersion:\s*node\.eks\.aws\//m.test(text)) {
            throw new UserDataError(`Auto Scaling group ${group}: a bare NodeConfig document (not in a MIME multi-part message): this program adds its NodeConfig as a MIME part, so it needs the MIME form (as terraform-aws-eks writes it).`);
        }
        return on.script(text);
    } catch (err) {
        if (err instanceof ShellSyntaxError) {
            throw new UserDataError(`Auto Scaling group ${group}: its user data is a shell script bash would refuse (${err.message}); the program cannot tell which labels and taints its nodes register with.`);
        }
        if (err instanceof UnreadableScript || err instanceof UnreadableNodeConfig) {
            throw new UserDataError(`Auto Scaling group ${group}: its user data is ${err.message}; the program cannot tell which labels and taints its nodes register with.`);
        }
        throw err;
    }
}

/** For a MIME message: the script part that calls bootstrap.sh. */
function scriptPartOf(text: string): { start: number; end: number; body: string } {
    const part = (parseMime(text)?.parts ?? []).find((p) => SHELL_TYPES.includes(p.contentType) && p.body.includes("/etc/eks/bootstrap.sh"));
    if (!part) throw new UnreadableScript("a MIME message without a bootstrap script");
    const start = text.indexOf(part.body, part.start);
    return { start, end: start + part.body.length, body: part.body };
}

/** The labels and taints the group's nodes register with, and the user data's form. */
export function readUserData(group: string, base64: string): ReadUserData {
    return dispatch<ReadUserData>(group, base64, {
        script: (text) => {
            const mime = parseMime(text);
            return { form: mime ? "al2-mime" : "al2-script", ...readAl2(mime ? scriptPartOf(text).body : text) };
        },
        mime: (text) => ({ form: "al2023-nodeadm", ...readNodeadm(parseMime(text) as NonNullable<ReturnType<typeof parseMime>>) }),
    });
}

/** The twin's user data (base64), from the legacy group's. */
export function ciliumUserData(group: string, base64: string, birth: CiliumBirth): string {
    const text = dispatch(group, base64, {
        script: (t) => {
            if (!parseMime(t)) return editAl2(t, birth);
            const part = scriptPartOf(t);
            return t.slice(0, part.start) + editAl2(part.body, birth) + t.slice(part.end);
        },
        mime: (t) => editNodeadm(t, birth),
    });
    return Buffer.from(text, "utf8").toString("base64");
}
