/**
 * A stand-in Kubernetes API server on loopback, for the live readers: it serves lists from `routes` page by page
 * (`limit` / `continue`, as the API server does), goldpinger's /check_all through the service proxy, 404 for a kind it
 * does not serve (a CRD that is not installed), and can fail a path with 503s or refuse it with 403. And the
 * kubeconfigs that reach it, each in its own directory, removed by `removeAll` (each holds a bearer token).
 */
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";

export interface Behaviour { failFirst?: Record<string, number>; forbid?: string }

export function apiServer(routes: Record<string, unknown[]>, behaviour: Behaviour, seen: string[], goldpinger?: unknown): Promise<{ server: http.Server; url: string }> {
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
        if (goldpinger !== undefined && pathname === "/api/v1/namespaces/goldpinger/services/goldpinger:8080/proxy/check_all") return json(200, goldpinger);
        const items = routes[pathname];
        if (!Array.isArray(items)) return json(404, { kind: "Status", code: 404, reason: "NotFound", message: "the server could not find the requested resource" });
        const start = Number(url.searchParams.get("continue") ?? "0");
        const limit = Number(url.searchParams.get("limit") ?? items.length);
        const next = start + limit < items.length ? String(start + limit) : undefined;
        json(200, { kind: "List", apiVersion: "v1", metadata: { resourceVersion: "1", ...(next ? { continue: next } : {}) }, items: items.slice(start, start + limit) });
    });
    return new Promise((resolve) => server.listen(0, "127.0.0.1", () => {
        resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` });
    }));
}

export class Kubeconfigs {
    private readonly written: string[] = [];

    /** A kubeconfig with a bearer token for the stand-in server at `url`, in a private directory. */
    for(url: string): string {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubeconfig-"));
        this.written.push(dir);
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

    /** Removes every directory written; returns those still there (none). */
    removeAll(): string[] {
        for (const dir of this.written) fs.rmSync(dir, { recursive: true, force: true });
        return this.written.filter((dir) => fs.existsSync(dir));
    }
}
