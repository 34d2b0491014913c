/**
 * How the live reader treats API errors: transient ones (throttling, 5xx, connection resets) are retried with
 * exponential backoff; authorization errors stop at once with a clear message; anything else is not retried.
 */
export type ErrorClass = "transient" | "unauthorized" | "forbidden" | "not-found" | "fatal";

const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const TRANSIENT_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EAI_AGAIN", "EPIPE", "UND_ERR_SOCKET", "UND_ERR_CONNECT_TIMEOUT"]);

/** Works on @kubernetes/client-node's ApiException (`code` = HTTP status) and Node's network errors. */
export function classifyError(err: unknown): ErrorClass {
    const e = err as { code?: unknown; cause?: { code?: unknown }; statusCode?: unknown };
    const status = typeof e?.code === "number" ? e.code : typeof e?.statusCode === "number" ? e.statusCode : undefined;
    if (status !== undefined) {
        if (status === 401) return "unauthorized";
        if (status === 403) return "forbidden";
        if (status === 404) return "not-found";
        return TRANSIENT_STATUS.has(status) ? "transient" : "fatal";
    }
    const code = typeof e?.code === "string" ? e.code : typeof e?.cause?.code === "string" ? e.cause.code : undefined;
    if (code && TRANSIENT_CODES.has(code)) return "transient";
    if (err instanceof Error && /fetch failed|socket hang up|network/i.test(err.message)) return "transient";
    return "fatal";
}

export class ClusterAccessError extends Error {
    constructor(message: string, public readonly kind: ErrorClass) {
        super(message);
        this.name = "ClusterAccessError";
    }
}

export interface RetryOptions {
    attempts: number;
    baseDelayMs: number;
    maxDelayMs: number;
    sleep: (ms: number) => Promise<void>;
    /** Told about each retry (for progress output). */
    onRetry?: (attempt: number, delayMs: number, err: unknown) => void;
}

export const DEFAULT_RETRY: RetryOptions = {
    attempts: 5, baseDelayMs: 500, maxDelayMs: 8000, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export async function withRetry<T>(what: string, fn: () => Promise<T>, options: RetryOptions = DEFAULT_RETRY): Promise<T> {
    for (let attempt = 1; ; attempt++) {
        try {
            return await fn();
        } catch (err) {
            const kind = classifyError(err);
            const detail = err instanceof Error ? err.message.split("\n")[0] : String(err);
            if (kind === "unauthorized") throw new ClusterAccessError(`${what}: the cluster refused the credentials (401 Unauthorized); check the kubeconfig and that \`aws eks get-token\` works: ${detail}`, kind);
            if (kind === "forbidden") throw new ClusterAccessError(`${what}: not allowed (403 Forbidden); the gate's identity needs get/list on nodes, pods, daemonsets, deployments and ciliumendpoints, and get on services/proxy in the goldpinger namespace: ${detail}`, kind);
            if (kind !== "transient" || attempt >= options.attempts) {
                throw new ClusterAccessError(`${what}: ${detail}${kind === "transient" ? ` (gave up after ${attempt} attempts)` : ""}`, kind);
            }
            const delay = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
            options.onRetry?.(attempt, delay, err);
            await options.sleep(delay);
        }
    }
}
