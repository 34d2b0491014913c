/** `key=value` node selectors (the only form the gates take: the pools are told apart by one label). */
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
    legacy: LabelSelector;
    cilium: LabelSelector;
}

export const DEFAULT_CONTEXT: GateContext = {
    legacy: { key: "cni", value: "aws-cni", text: "cni=aws-cni" },
    cilium: { key: "cni", value: "cilium", text: "cni=cilium" },
};
