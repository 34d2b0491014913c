/**
 * `npm run bench`: times every gate check on generated snapshots of a 150-node / 4,500-pod cluster and a
 * 1,000-node / 30,000-pod cluster, goldpinger on every node (a /check_all body of ~1M pings for the large one).
 * Each size runs in its own Node process (started with --expose-gc) so their memory does not mix. Figures:
 * - parse: JSON.parse of each snapshot file's text (what snapshot mode does before a check);
 * - check: median wall time of 3 runs of the check on the parsed snapshot;
 * - heap: heap growth during one run of the check, after a forced GC (what the check itself allocates and keeps
 *   until the next GC); peak RSS is the whole process's, snapshot included.
 * Not a test: nothing here is asserted.
 */
import { execFileSync } from "child_process";
import * as os from "os";
import { CHECKS, snapshotChecks } from "../gates/registry";
import { DEFAULT_CONTEXT } from "../clusterReader/selectors";
import { CheckName, CHECK_NAMES } from "../migration/phases";
import { ClusterSnapshot } from "../clusterReader/k8sTypes";
import { buildCluster } from "../tests/fixtures/clusterBuilder";

const SIZES = {
    "150 nodes / 4,500 pods": { legacyNodes: 75, ciliumNodes: 75, workloadPods: 4500 },
    "1,000 nodes / 30,000 pods": { legacyNodes: 500, ciliumNodes: 500, workloadPods: 30000 },
};

interface Row { check: string; parseMs: number; medianMs: number; heapMb: number }

function measureSize(label: keyof typeof SIZES): void {
    const gc = (global as unknown as { gc?: () => void }).gc ?? (() => undefined);
    // Mid-migration (phase 5): both pools, aws-node pinned, Cilium up, legacy drained: every check has work to do.
    const snapshot = buildCluster({ ...SIZES[label], awsNode: "pinned", cilium: true, kubeProxy: true, cordoned: true, drained: true });
    const texts = Object.fromEntries(Object.entries(snapshot).map(([part, value]) => [part, JSON.stringify(value)]));
    const parseMs: Record<string, number> = {};
    const parsed: Record<string, unknown> = {};
    for (const [part, text] of Object.entries(texts)) {
        const t0 = process.hrtime.bigint();
        parsed[part] = JSON.parse(text);
        parseMs[part] = Number(process.hrtime.bigint() - t0) / 1e6;
    }
    const rows: Row[] = [];
    for (const check of snapshotChecks([...CHECK_NAMES] as CheckName[])) {
        const def = CHECKS[check];
        const times: number[] = [];
        let heapMb = 0;
        for (let run = 0; run < 3; run++) {
            gc();
            const before = process.memoryUsage().heapUsed;
            const t0 = process.hrtime.bigint();
            def.run(parsed as Required<ClusterSnapshot>, DEFAULT_CONTEXT);
            times.push(Number(process.hrtime.bigint() - t0) / 1e6);
            if (run === 0) heapMb = (process.memoryUsage().heapUsed - before) / 2 ** 20;
        }
        times.sort((a, b) => a - b);
        rows.push({ check, parseMs: def.needs.reduce((sum, part) => sum + parseMs[part], 0), medianMs: times[1], heapMb });
    }
    const sizes = Object.fromEntries(Object.entries(texts).map(([part, text]) => [part, text.length / 2 ** 20]));
    process.stdout.write(JSON.stringify({ label, rows, sizes, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
}

function report(): void {
    console.log(`machine: ${os.cpus()[0]?.model ?? "?"} × ${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
    for (const label of Object.keys(SIZES)) {
        const out = execFileSync(process.execPath, ["--expose-gc", "--max-old-space-size=8192", "-r", "ts-node/register/transpile-only", __filename, label],
            { encoding: "utf8", maxBuffer: 16 * 2 ** 20 });
        const result = JSON.parse(out) as { rows: Row[]; sizes: Record<string, number>; peakRssMb: number };
        console.log(`\n${label} — snapshot JSON: ${Object.entries(result.sizes).map(([p, mb]) => `${p} ${mb.toFixed(1)} MB`).join(", ")}; peak RSS ${result.peakRssMb.toFixed(0)} MB`);
        console.log("| check | parse its files (ms) | check, median of 3 (ms) | heap growth (MB) |");
        console.log("|---|---:|---:|---:|");
        for (const r of result.rows) console.log(`| ${r.check} | ${r.parseMs.toFixed(0)} | ${r.medianMs.toFixed(1)} | ${r.heapMb.toFixed(1)} |`);
    }
}

const child = process.argv[2];
if (child && child in SIZES) measureSize(child as keyof typeof SIZES);
else report();
