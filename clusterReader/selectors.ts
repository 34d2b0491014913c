/**
 * `key=value` node selectors (the form the gates take for the two labels), and which nodes the gates count as legacy
 * ("Which CNI a node gets"): every Linux EC2 node without the Cilium label — the legacy label is a marker only.
 */
import { LegacyPools, isLegacyNode } from "../migration/nodeRule";

export interface LabelSelector {
    key: string;
    value: string;
    text: string;
}

export function parseSelector(text: string): LabelSelector | undefined {
    const match = /^([A-Za-z0-9][A-Za-z0-9._/-]*)=([A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?)$/.exec(text);
    return match ? { key: match[1], value: match[2], text } : undefined;
}

export const matches = (selector: LabelSelector, labels: Record<string, string> | undefined): boolean =>
    labels?.[selector.key] === selector.value;

export interface GateContext {
    /** The legacy marker (`cni=aws-cni`): read for messages and, from phase 8, for the leftovers of legacy groups. */
    legacy: LabelSelector;
    /** The Cilium label: a node runs Cilium if and only if kubelet registered it with this label. */
    cilium: LabelSelector;
    /**
     * How legacy nodes are told: by the rule (phases 1–7, default), or — once phase 8 dropped Cilium's legacy-node
     * exclusion and any unlabelled node runs Cilium — by the legacy marker alone (`--cilium-everywhere`).
     */
    legacyBy?: "rule" | "marker";
    /** The configured legacy pools (`--legacy-nodegroups`, `--legacy-nodepools`, `--legacy-asgs`), when told. */
    pools?: LegacyPools;
}

/** Whether a node with these labels is a legacy node for the checks. */
export function isLegacy(ctx: GateContext, labels: Record<string, string> | undefined): boolean {
    if (ctx.legacyBy === "marker") return matches(ctx.legacy, labels);
    return isLegacyNode(labels, { key: ctx.cilium.key, ciliumValue: ctx.cilium.value, legacyValue: ctx.legacy.value });
}

/** How the checks name legacy nodes in their messages. */
export const legacyNoun = (ctx: GateContext): string => ctx.legacyBy === "marker" ? `${ctx.legacy.text} node` : "legacy node";

export const DEFAULT_CONTEXT: GateContext = {
    legacy: { key: "cni", value: "aws-cni", text: "cni=aws-cni" },
    cilium: { key: "cni", value: "cilium", text: "cni=cilium" },
};
