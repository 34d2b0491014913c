/**
 * How long Helm may wait for the Cilium release. The release is `atomic`: Helm waits until every agent is rolled
 * out, and the agent DaemonSet rolls `maxUnavailable` nodes at a time (the chart's default is 2; values.yaml
 * `updateStrategy.rollingUpdate.maxUnavailable`). A fixed timeout that fits three nodes rolls a 300-node pool back
 * half-way, so the default grows with the pool: a base for the operator and the first batch, plus a budget per batch.
 * `cilium.timeout` overrides it.
 */
import { isPlainObject } from "./overrides";

/** The chart's `updateStrategy.rollingUpdate.maxUnavailable` for the agent (tested against each vendored chart). */
export const CHART_AGENT_MAX_UNAVAILABLE = 2;
/** The operator and the envoy DaemonSet, before and beside the agents. */
export const TIMEOUT_BASE_SECONDS = 300;
/** One batch: the agent restarts, loads its BPF programs and restores endpoints (image already on the node). */
export const TIMEOUT_PER_BATCH_SECONDS = 180;
/** Never less than Helm's usual 15 minutes. */
export const TIMEOUT_MIN_SECONDS = 900;

/** `maxUnavailable` as the values will render it: a number, or a percentage of the nodes (rounded down, at least 1). */
export function agentMaxUnavailable(overrides: Record<string, unknown>, nodes: number): number {
    const strategy = overrides.updateStrategy;
    const rolling = isPlainObject(strategy) && isPlainObject(strategy.rollingUpdate) ? strategy.rollingUpdate : {};
    const value = rolling.maxUnavailable ?? CHART_AGENT_MAX_UNAVAILABLE;
    if (typeof value === "number" && Number.isInteger(value) && value > 0) return value;
    const percent = typeof value === "string" ? /^([0-9]{1,3})%$/.exec(value) : null;
    if (percent) return Math.max(1, Math.floor((nodes * Number(percent[1])) / 100));
    return CHART_AGENT_MAX_UNAVAILABLE;
}

/** The default Helm timeout, in seconds, for a Cilium pool of up to `maxNodes` nodes. */
export function ciliumHelmTimeoutSeconds(maxNodes: number, overrides: Record<string, unknown>): number {
    const batches = Math.ceil(Math.max(1, maxNodes) / agentMaxUnavailable(overrides, maxNodes));
    return Math.max(TIMEOUT_MIN_SECONDS, TIMEOUT_BASE_SECONDS + batches * TIMEOUT_PER_BATCH_SECONDS);
}
