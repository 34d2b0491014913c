/**
 * kubelet's flags as kubelet reads them (vendored in tests/fixtures/real/kubernetes): repeated `--node-labels` are
 * merged, a later value winning per key (component-base `MapStringString.Set`); `--register-with-taints` keeps only
 * the **last** occurrence (`RegisterWithTaintsVar.Set` replaces the whole list). A flag is `--name=value` or
 * `--name value` (spf13/pflag).
 */
export interface KubeletView {
    labels: Record<string, string>;
    /** The taints of the last `--register-with-taints`, as written (`key=value:Effect`); undefined when none is given. */
    taints?: string[];
}

/** The value of every occurrence of a flag, in order. */
export function flagValues(args: string[], name: string): string[] {
    const out: string[] = [];
    for (let i = 0; i < args.length; i++) {
        if (args[i] === `--${name}` && i + 1 < args.length) out.push(args[++i]);
        else if (args[i].startsWith(`--${name}=`)) out.push(args[i].slice(name.length + 3));
    }
    return out;
}

export function kubeletView(args: string[]): KubeletView {
    const labels: Record<string, string> = {};
    for (const v of flagValues(args, "node-labels")) {
        for (const pair of v.split(",").filter((s) => s.length > 0)) {
            const at = pair.indexOf("=");
            if (at > 0) labels[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
        }
    }
    const taintFlags = flagValues(args, "register-with-taints");
    const last = taintFlags[taintFlags.length - 1];
    return { labels, ...(last === undefined ? {} : { taints: last.split(",").filter((s) => s.length > 0) }) };
}

/** What the twin's node must be born with, on top of the legacy node's flags. */
export interface CiliumBirth {
    /** `cni=cilium` (nodeLabels.key / ciliumValue). */
    label: { key: string; value: string };
    /** `node.cilium.io/agent-not-ready=true:NoExecute`. */
    startupTaint: string;
}

/**
 * The flags to add after the legacy ones: the Cilium label (merged with the legacy labels, winning over a legacy
 * value of the same key) and one `--register-with-taints` that repeats the legacy taints — being last, it is the
 * only one kubelet keeps.
 */
export function ciliumFlags(legacyTaints: string[], birth: CiliumBirth): string[] {
    const taints = [...legacyTaints.filter((t) => t.split(/[=:]/)[0] !== birth.startupTaint.split(/[=:]/)[0]), birth.startupTaint];
    return [`--node-labels=${birth.label.key}=${birth.label.value}`, `--register-with-taints=${taints.join(",")}`];
}
