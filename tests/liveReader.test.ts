// Live mode against a stand-in Kubernetes API server on loopback: the real @kubernetes/client-node calls, paging,
// goldpinger through the service proxy, a transient 503 retried, and a 403 stopping at once.
import * as assert from "assert";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { readLive } from "../gates/live";
import { runChecks, resolveCheck } from "../gates/registry";
import { ClusterAccessError } from "../gates/retry";
import { DEFAULT_CONTEXT } from "../gates/selectors";
import { PHASE_SHAPES, buildCluster } from "./fixtures/clusterBuilder";

const cluster = buildCluster(PHASE_SHAPES[3]);
const ROUTES: Record<string, unknown[] | unknown> = {
    "/api/v1/nodes": cluster.nodes.items,
    "/api/v1/pods": cluster.pods.items,
    "/apis/apps/v1/daemonsets": cluster.daemonsets.items,
    "/apis/apps/v1/deployments": cluster.deployments.items,
    "/apis/cilium.io/v2/ciliumendpoints": cluster.ciliumendpoints.items,
    "/api/v1/namespaces/kube-system/configmaps": cluster.configmaps.items,
};
const PAGE = 500;

interface Behaviour { failFirst?: Record<string, number>; forbid?: string }

function apiServer(behaviour: Behaviour, seen: string[]): Promise<{ server: http.Server; url: string }> {
    const failures = { ...(behaviour.failFirst ?? {}) };
    const server = http.createServer((req, res) => {
        const url = new URL(req.url ?? "/", "http://x");
        // The client escapes `goldpinger:8080` as `goldpinger%3A8080`; the API server routes on the decoded path.
        const pathname = decodeURIComponent(url.pathname);
        seen.push(`${req.method} ${pathname}${url.search}`);
        const json = (code: number, body: unknown) => { res.writeHead(code, { "content-type": "application/json" }); res.end(JSON.stringify(body)); };
        if (req.headers.authorization !== "Bearer test-token") return json(401, { kind: "Status", code: 401 });
        if (behaviour.forbid && pathname === behaviour.forbid) return json(403, { kind: "Status", code: 403, message: "nodes is forbidden" });
        if ((failures[pathname] ?? 0) > 0) {
            failures[pathname]--;
            return json(503, { kind: "Status", code: 503, message: "etcd leader changed" });
        }
        if (pathname === "/api/v1/namespaces/goldpinger/services/goldpinger:8080/proxy/check_all") {
            res.writeHead(200, { "content-type": "application/json" });
            return res.end(JSON.stringify(cluster.goldpinger));
        }
        const items = ROUTES[pathname];
        if (!Array.isArray(items)) return json(404, { kind: "Status", code: 404 });
        const start = Number(url.searchParams.get("continue") ?? "0");
        const limit = Number(url.searchParams.get("limit") ?? items.length);
        const next = start + limit < items.length ? String(start + limit) : undefined;
        json(200, { kind: "List", apiVersion: "v1", metadata: { resourceVersion: "1", ...(next ? { continue: next } : {}) }, items: items.slice(start, start + limit) });
    });
    return new Promise((resolve) => server.listen(0, "127.0.0.1", () => {
        resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` });
    }));
}

/** Every kubeconfig directory this suite writes: each holds a bearer token, so each is removed after the suite. */
const written: string[] = [];

function kubeconfigFor(url: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubeconfig-"));
    written.push(dir);
    const file = path.join(dir, "config");
    fs.writeFileSync(file, JSON.stringify({
        apiVersion: "v1", kind: "Config", "current-context": "test",
        // Plain HTTP on loopback: the client allows it only with TLS verification explicitly off.
        clusters: [{ name: "test", cluster: { server: url, "insecure-skip-tls-verify": true } }],
        contexts: [{ name: "test", context: { cluster: "test", user: "test" } }],
        users: [{ name: "test", user: { token: "test-token" } }],
    }), { mode: 0o600 });
    return file;
}

const fastRetry = { attempts: 3, baseDelayMs: 1, maxDelayMs: 2, sleep: async () => undefined };
const GOLDPINGER = { namespace: "goldpinger", service: "goldpinger", port: 8080 };

describe("live mode against a stand-in API server", () => {
    after(() => {
        for (const dir of written) fs.rmSync(dir, { recursive: true, force: true });
        // The suite leaves no token behind in the OS temp directory.
        assert.deepStrictEqual(written.filter((dir) => fs.existsSync(dir)), []);
    });

    it("reads every part with the real client, page by page, and the checks pass on it", async () => {
        const seen: string[] = [];
        const { server, url } = await apiServer({}, seen);
        try {
            const parts = ["nodes", "pods", "daemonsets", "deployments", "ciliumendpoints", "configmaps", "goldpinger"] as const;
            const snapshot = await readLive([...parts], { kubeconfigPath: kubeconfigFor(url), goldpinger: GOLDPINGER, retry: fastRetry });
            assert.strictEqual(snapshot.pods?.items.length, cluster.pods.items.length);
            assert.strictEqual(snapshot.nodes?.items.length, 6);
            assert.ok(seen.includes("GET /api/v1/namespaces/goldpinger/services/goldpinger:8080/proxy/check_all"));
            assert.ok(seen.some((s) => s.startsWith("GET /api/v1/pods?") && s.includes(`limit=${PAGE}`)));
            const verdict = runChecks("phase-3", resolveCheck("phase-3") ?? [], snapshot, DEFAULT_CONTEXT);
            assert.strictEqual(verdict.pass, true, verdict.reason);
        } finally {
            server.close();
        }
    });

    it("follows `continue` tokens across pages", async () => {
        const seen: string[] = [];
        const many = buildCluster({ ...PHASE_SHAPES[5], workloadPods: 1200 });
        const saved = ROUTES["/api/v1/pods"];
        ROUTES["/api/v1/pods"] = many.pods.items;
        const { server, url } = await apiServer({}, seen);
        try {
            const snapshot = await readLive(["pods"], { kubeconfigPath: kubeconfigFor(url), goldpinger: GOLDPINGER, retry: fastRetry });
            assert.strictEqual(snapshot.pods?.items.length, many.pods.items.length);
            assert.strictEqual(seen.filter((s) => s.startsWith("GET /api/v1/pods")).length, Math.ceil(many.pods.items.length / PAGE));
        } finally {
            ROUTES["/api/v1/pods"] = saved;
            server.close();
        }
    });

    it("retries a transient 503 and then reads", async () => {
        const seen: string[] = [];
        const { server, url } = await apiServer({ failFirst: { "/api/v1/nodes": 2 } }, seen);
        try {
            const snapshot = await readLive(["nodes"], { kubeconfigPath: kubeconfigFor(url), goldpinger: GOLDPINGER, retry: fastRetry });
            assert.strictEqual(snapshot.nodes?.items.length, 6);
            assert.strictEqual(seen.filter((s) => s.startsWith("GET /api/v1/nodes")).length, 3);
        } finally {
            server.close();
        }
    });

    it("stops at once on 403, saying what the identity needs", async () => {
        const seen: string[] = [];
        const { server, url } = await apiServer({ forbid: "/api/v1/nodes" }, seen);
        try {
            await assert.rejects(readLive(["nodes"], { kubeconfigPath: kubeconfigFor(url), goldpinger: GOLDPINGER, retry: fastRetry }),
                (err: ClusterAccessError) => err.kind === "forbidden" && /^list nodes: not allowed \(403 Forbidden\)/.test(err.message));
            assert.strictEqual(seen.length, 1);
        } finally {
            server.close();
        }
    });
});
