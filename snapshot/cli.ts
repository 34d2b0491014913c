/**
 * `npm run snapshot -- --cluster NAME --out DIR [--kubeconfig PATH] [--region REGION]`: writes a cluster snapshot
 * directory (snapshot/writer.ts) with the AWS CLI and kubectl, read-only. Exit 0 written, 2 bad usage or a failed read.
 */
import * as os from "os";
import * as path from "path";
import { Runner, spawnRunner } from "../clusterReader/awsCli";
import { SnapshotError, writeClusterSnapshot } from "./writer";

export { spawnRunner };

export const USAGE = "usage: npm run snapshot -- --cluster NAME --out DIR [--kubeconfig PATH] [--region REGION]\n" +
    "  Writes what the planner (--cluster-snapshot), the gates and preflight (--snapshot) read: the AWS CLI's description of\n" +
    "  the cluster, its node groups, add-ons, OIDC providers, access entries and subnets, and kubectl's lists of its objects.";

export async function main(argv: string[], out: (s: string) => void, err: (s: string) => void, run: Runner = spawnRunner): Promise<number> {
    if (argv.includes("--help") || argv.includes("-h")) { out(USAGE); return 0; }
    const values: Record<string, string> = {};
    for (let i = 0; i < argv.length; i += 2) {
        const [flag, value] = [argv[i], argv[i + 1]];
        if (!["--cluster", "--out", "--kubeconfig", "--region"].includes(flag)) { err(`snapshot: unknown argument ${JSON.stringify(flag)}\n${USAGE}`); return 2; }
        if (value === undefined || value.startsWith("--")) { err(`snapshot: ${flag} needs a value\n${USAGE}`); return 2; }
        values[flag] = value;
    }
    if (!values["--cluster"] || !values["--out"]) { err(`snapshot: --cluster and --out are required\n${USAGE}`); return 2; }
    try {
        const { written } = await writeClusterSnapshot({
            cluster: values["--cluster"], outDir: path.resolve(values["--out"]), kubeconfig: values["--kubeconfig"], region: values["--region"],
            tempDir: os.tmpdir(), log: out, warn: err,
        }, run);
        out(`snapshot of ${values["--cluster"]}: ${written.length} files in ${values["--out"]}. pods.json, deployments.json and configmaps.json ` +
            "hold your workloads' specs (environment values included): review them before you share the directory.");
        return 0;
    } catch (e) {
        if (e instanceof SnapshotError) { err(`snapshot: ${e.message}`); return 2; }
        throw e;
    }
}

if (require.main === module) {
    main(process.argv.slice(2), (s) => process.stdout.write(`${s}\n`), (s) => process.stderr.write(`${s}\n`))
        .then((code) => { process.exitCode = code; })
        .catch((e) => { process.stderr.write(`snapshot: unexpected error: ${e instanceof Error ? e.stack : e}\n`); process.exitCode = 3; });
}
