/**
 * Amazon Linux 2 user data: a shell script that calls `/etc/eks/bootstrap.sh CLUSTER … --kubelet-extra-args '…'`.
 * bootstrap.sh parses its arguments in a `while`/`case` loop that assigns `KUBELET_EXTRA_ARGS=$2` on every
 * `--kubelet-extra-args`, so only the **last** one counts (awslabs/amazon-eks-ami `templates/al2/runtime/bootstrap.sh`,
 * vendored in tests/fixtures/real/amazon-eks-ami); the value reaches kubelet through systemd's `$KUBELET_EXTRA_ARGS`,
 * split on whitespace. The twin's script is the legacy one with that last value extended — or, with none, one added.
 */
import { CiliumBirth, KubeletView, ciliumFlags, kubeletView } from "./kubeletFlags";
import { shellQuote } from "../clusterSteps/scripts";
import { ShellWord, commandWords, wordsAfterRedirections } from "./shellWords";

export const BOOTSTRAP_SH = "/etc/eks/bootstrap.sh";
const EXTRA_ARGS = "--kubelet-extra-args";

/** A script the program cannot read as the node will: why, for the message that names the group. */
export class UnreadableScript extends Error {}

/**
 * The options bootstrap.sh's argument loop reads a value for (each `case` branch assigns `$2` and shifts twice); any
 * other word is positional (the first one the cluster name). Of them only `--kubelet-extra-args` reaches kubelet's
 * flags: the others' values may be built at boot (`--b64-cluster-ca $B64_CLUSTER_CA`, as terraform-aws-eks writes it).
 */
export const VALUE_OPTIONS = new Set(["--use-max-pods", "--b64-cluster-ca", "--apiserver-endpoint", EXTRA_ARGS, "--enable-docker-bridge",
    "--aws-api-retry-attempts", "--docker-config-json", "--containerd-config-file", "--pause-container-account", "--pause-container-version",
    "--dns-cluster-ip", "--container-runtime", "--ip-family", "--service-ipv4-cidr", "--service-ipv6-cidr", "--enable-local-outpost",
    "--cluster-id", "--mount-bpf-fs", "--local-disks"]);

interface BootstrapCall {
    words: ShellWord[];
    /** The word holding the last `--kubelet-extra-args` value, if any. */
    extraArgs?: ShellWord;
    /**
     * The first word built at boot in an option or positional slot: it may expand to `--kubelet-extra-args …` or to an
     * option that takes the next word as its value, so no word after it can be placed. The walk stops there.
     */
    builtAtBoot?: ShellWord;
}

/** The one bootstrap.sh call of a script (at a command's start: after a newline, `;`, `&&` or `||`, or at the top). */
export function bootstrapCall(script: string): BootstrapCall {
    const starts = [...script.matchAll(/(^|[\n;&|])[ \t]*(?:exec[ \t]+)?(\/etc\/eks\/bootstrap\.sh)(?=[ \t\\\n]|$)/g)].map((m) => (m.index ?? 0) + m[0].length - BOOTSTRAP_SH.length);
    if (starts.length === 0) {
        const line = script.split("\n").find((l) => l.includes(BOOTSTRAP_SH));
        if (line) {
            throw new UnreadableScript(`a shell script that runs ${BOOTSTRAP_SH} other than as a command of its own (${line.trim().slice(0, 80)}): ` +
                "this program reads a call at a command's start (or after exec) only");
        }
        throw new UnreadableScript(`a shell script without a call to ${BOOTSTRAP_SH}`);
    }
    if (starts.length > 1) throw new UnreadableScript(`a shell script that calls ${BOOTSTRAP_SH} ${starts.length} times`);
    const words = commandWords(script, starts[0]);
    const after = wordsAfterRedirections(script, words[words.length - 1].end);
    if (after.length > 0) {
        throw new UnreadableScript(`a ${BOOTSTRAP_SH} call with arguments after a redirection (${after.map((w) => script.slice(w.start, w.end)).join(" ").slice(0, 80)}): ` +
            "bash passes them to bootstrap.sh, but this program adds its arguments before the first redirection");
    }
    let extraArgs: ShellWord | undefined;
    // bootstrap.sh's `while [[ $# -gt 0 ]]; case $key in` loop, word by word.
    for (let i = 1; i < words.length; i++) {
        if (words[i].dynamic) return { words, ...(extraArgs ? { extraArgs } : {}), builtAtBoot: words[i] };
        if (!VALUE_OPTIONS.has(words[i].value) || !words[i + 1]) continue;
        if (words[i].value === EXTRA_ARGS) extraArgs = words[i + 1];
        i++;
    }
    return { words, ...(extraArgs ? { extraArgs } : {}) };
}

/** kubelet's extra arguments as systemd will split them (whitespace). */
const splitArgs = (value: string): string[] => value.split(/\s+/).filter((s) => s.length > 0);

/** The labels and taints the legacy node registers with, from its bootstrap call. */
export function readAl2(script: string): KubeletView {
    const call = bootstrapCall(script);
    if (call.extraArgs?.dynamic) {
        throw new UnreadableScript(`a ${BOOTSTRAP_SH} call whose ${EXTRA_ARGS} is built at boot (${script.slice(call.extraArgs.start, call.extraArgs.end)})`);
    }
    if (call.builtAtBoot) {
        throw new UnreadableScript(`a ${BOOTSTRAP_SH} call with an argument built at boot (${script.slice(call.builtAtBoot.start, call.builtAtBoot.end)}), ` +
            `which bootstrap.sh could read as ${EXTRA_ARGS} or as an option taking the next word`);
    }
    return kubeletView(splitArgs(call.extraArgs?.value ?? ""));
}

/** The twin's script: every byte of the legacy one, but the last `--kubelet-extra-args` value (or a new one after the call's words). */
export function editAl2(script: string, birth: CiliumBirth): string {
    const legacy = readAl2(script);
    const call = bootstrapCall(script);
    const added = ciliumFlags(legacy.taints ?? [], birth).join(" ");
    if (call.extraArgs) {
        const value = `${call.extraArgs.value.trim()} ${added}`.trim();
        return script.slice(0, call.extraArgs.start) + shellQuote(value) + script.slice(call.extraArgs.end);
    }
    const end = call.words[call.words.length - 1].end;
    return `${script.slice(0, end)} ${EXTRA_ARGS} ${shellQuote(added)}${script.slice(end)}`;
}
