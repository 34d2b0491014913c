// Live mode against a stand-in Kubernetes API server on loopback: the real @kubernetes/client-node calls, paging,
// goldpinger through the service proxy, a transient 503 retried, and a 403 stopping at once.
import * as assert from "assert";
import { readLive } from "../clusterReader/live";
import { runChecks, resolveCheck } from "../gates/registry";
import { ClusterAccessError } from "../clusterReader/retry";
import { DEFAULT_CONTEXT } from "../clusterReader/selectors";
import { PHASE_SHAPES, buildCluster } from "./fixtures/clusterBuilder";
import { noisyPod } from "./fixtures/kubectlNoise";
import { Behaviour, Kubeconfigs, apiServer as serve } from "./support/apiServer";

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
const kubeconfigs = new Kubeconfigs();
const apiServer = (behaviour: Behaviour, seen: string[]) => serve(ROUTES as Record<string, unknown[]>, behaviour, seen, cluster.goldpinger);
const kubeconfigFor = (url: string) => kubeconfigs.for(url);

const fastRetry = { attempts: 3, baseDelayMs: 1, maxDelayMs: 2, sleep: async () => undefined };
const GOLDPINGER = { namespace: "goldpinger", service: "goldpinger", port: 8080 };

describe("live mode against a stand-in API server", () => {
    // The suite leaves no token behind in the OS temp directory.
    after(() => assert.deepStrictEqual(kubeconfigs.removeAll(), []));

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
        // As the API server sends them: with managedFields, env, probes and statuses; the reader keeps the slim pod.
        ROUTES["/api/v1/pods"] = many.pods.items.map((p) => noisyPod(p as Record<string, unknown>));
        const { server, url } = await apiServer({}, seen);
        try {
            const snapshot = await readLive(["pods"], { kubeconfigPath: kubeconfigFor(url), goldpinger: GOLDPINGER, retry: fastRetry });
            assert.strictEqual(snapshot.pods?.items.length, many.pods.items.length);
            const first = snapshot.pods?.items[0] as Record<string, Record<string, unknown>>;
            assert.deepStrictEqual([first.metadata.managedFields, (first.spec.containers as Record<string, unknown>[])[0].env, first.status.containerStatuses], [undefined, undefined, undefined]);
            assert.strictEqual(first.metadata.name, many.pods.items[0].metadata?.name);
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
