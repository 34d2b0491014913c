/**
 * Writes a cluster snapshot directory (migration/snapshotFiles.ts) from a real account and cluster, with the AWS CLI
 * and kubectl: what the planner, the gates and preflight read offline, and what a user attaches to a pull request.
 * Each file is the command's output unchanged (node groups and add-ons: each describe's object, collected). Reads
 * only: no command here changes the account or the cluster.
 */
import * as fs from "fs";
import * as path from "path";
import { GOLDPINGER } from "../migration/names";
import { ASG_FILES, AWS_FILES, EMPTY_LIST, GOLDPINGER_FILE, KUBECTL_FILES, KubectlFile } from "../migration/snapshotFiles";
import { readAsgFiles } from "../clusterReader/asgCli";
import { AwsReadError, Runner, awsCli, readAwsFiles } from "../clusterReader/awsCli";
import { describePoolSubnets, poolSubnetIds } from "../clusterReader/poolSubnets";
import { InputError } from "../clusterReader/inputError";
import { readJsonObject } from "../clusterReader/jsonStream";

export type { Runner } from "../clusterReader/awsCli";

export interface SnapshotOptions {
    cluster: string;
    outDir: string;
    /** Kubeconfig for the Kubernetes files; it must point at the cluster. Default: one made for it with `aws eks update-kubeconfig`. */
    kubeconfig?: string;
    region?: string;
    /** Where a private temporary kubeconfig may be written (and is removed from). */
    tempDir: string;
    log: (line: string) => void;
    /** A file left out and why (stderr); default: log. */
    warn?: (line: string) => void;
}

/** Bad input or a failed read: the CLI exits 2 with the message. */
export class SnapshotError extends Error {}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export async function writeClusterSnapshot(o: SnapshotOptions, run: Runner): Promise<{ written: string[] }> {
    prepareOutDir(o.outDir);
    const written: string[] = [];
    const write = (file: string, text: string) => {
        fs.writeFileSync(path.join(o.outDir, file), text.endsWith("\n") ? text : `${text}\n`);
        written.push(file);
        o.log(`wrote ${file}`);
    };
    const files = await readAwsFiles(o.cluster, o.region, run).catch((e) => {
        throw e instanceof AwsReadError ? new SnapshotError(e.message) : e;
    });
    for (const key of Object.keys(files) as (keyof typeof files)[]) write(AWS_FILES[key].file, files[key]);
    // Self-managed node groups (clusterReader/asgCli.ts). Only a stack naming groups needs these files (and stops,
    // exit 2, naming the missing one), so a failed read — credentials without the Auto Scaling or EC2 reads — leaves
    // both out, said on stderr, rather than failing every cluster's snapshot.
    const asgFiles = await readAsgFiles(o.cluster, o.region, run).catch((e) => {
        if (!(e instanceof AwsReadError)) throw e;
        (o.warn ?? o.log)(`${ASG_FILES.autoScalingGroups.file} and ${ASG_FILES.launchTemplateVersions.file} not written: ${e.message}. ` +
            "A stack that names `existingCluster.autoScalingGroups` needs them: give the snapshot autoscaling:DescribeAutoScalingGroups and " +
            "ec2:DescribeLaunchTemplateVersions (README, step 1) and take it again.");
        return undefined;
    });
    if (asgFiles) for (const key of Object.keys(ASG_FILES) as (keyof typeof ASG_FILES)[]) write(ASG_FILES[key].file, asgFiles[key]);
    const cluster = JSON.parse(files.cluster).cluster as Json;

    const kubeconfig = await kubeconfigFor(o, cluster, run);
    try {
        for (const f of Object.values(KUBECTL_FILES) as KubectlFile[]) {
            const file = path.join(o.outDir, f.file);
            const items = await kubectlList(run, kubeconfig.path, f, file);
            if (f === KUBECTL_FILES.daemonsets) await withAwsNodeManagedFields(run, kubeconfig.path, file);
            written.push(f.file);
            o.log(`wrote ${f.file} (${items.toLocaleString("en")} item${items === 1 ? "" : "s"})`);
        }
        const checkAll = await run("kubectl", ["--kubeconfig", kubeconfig.path, "get", "--raw",
            `/api/v1/namespaces/${GOLDPINGER.namespace}/services/${GOLDPINGER.service}:${GOLDPINGER.port}/proxy/check_all`]);
        if (checkAll.code === 0) write(GOLDPINGER_FILE.file, checkAll.stdout);
        else o.log(`${GOLDPINGER_FILE.file} not written: goldpinger did not answer (${checkAll.stderr.trim().split("\n")[0]}); it runs from phase 0`);
    } finally {
        kubeconfig.remove();
    }
    // Last: subnets.json describes every legacy pool's subnets, and the ASG and Karpenter files name some of them.
    const subnetIds = poolSubnetIds({ cluster, nodegroups: JSON.parse(files.nodegroups).nodegroups,
        autoScalingGroups: asgFiles ? JSON.parse(asgFiles.autoScalingGroups).AutoScalingGroups : undefined,
        nodePools: writtenItems(o.outDir, KUBECTL_FILES.nodepools.file), ec2NodeClasses: writtenItems(o.outDir, KUBECTL_FILES.ec2nodeclasses.file) });
    write(AWS_FILES.subnets.file, await describePoolSubnets(awsCli(o.region, run), subnetIds).catch((e) => {
        throw e instanceof AwsReadError ? new SnapshotError(e.message) : e;
    }));
    return { written };
}

/** The items of a Kubernetes list this snapshot wrote (checked a list when it was written). */
const writtenItems = (dir: string, file: string): Json[] => (readJsonObject(path.join(dir, file)).items as Json[]) ?? [];

function prepareOutDir(dir: string): void {
    if (fs.existsSync(dir)) {
        if (!fs.statSync(dir).isDirectory()) throw new SnapshotError(`--out ${dir} is a file, not a directory`);
        if (fs.readdirSync(dir).length > 0) throw new SnapshotError(`--out ${dir} is not empty; give a new or empty directory (a snapshot is one moment of one cluster)`);
    }
    fs.mkdirSync(dir, { recursive: true });
}

/**
 * The DaemonSets list with aws-node as `--show-managed-fields` prints it: kubectl 1.21 and later leave managedFields
 * out of `-o json`, and aws-node's are what show settings made outside the vpc-cni add-on (preflight
 * `aws-node-set-outside-addon`). Only aws-node's: everyone else's would only make the file bigger (design: "Scale").
 * A cluster runs a few dozen DaemonSets, so their file is rewritten whole.
 */
async function withAwsNodeManagedFields(run: Runner, kubeconfig: string, file: string): Promise<void> {
    const list = readJsonObject(file) as { items?: Json[] };
    const at = (list.items ?? []).findIndex((d) => d.metadata?.namespace === "kube-system" && d.metadata?.name === "aws-node");
    if (at < 0) return;
    const r = await run("kubectl", ["--kubeconfig", kubeconfig, "get", "daemonset", "aws-node", "-n", "kube-system", "-o", "json", "--show-managed-fields"]);
    if (r.code !== 0) throw new SnapshotError(`kubectl get daemonset aws-node -n kube-system -o json --show-managed-fields failed: ${r.stderr.trim() || `exit ${r.code}`}`);
    (list.items as Json[])[at] = JSON.parse(r.stdout);
    fs.writeFileSync(file, `${JSON.stringify(list, null, 4)}\n`);
}

/**
 * kubectl's list of a kind, streamed to `file` (never held as one string) and read back through the streaming reader
 * (a file every tool will refuse is caught here, named); a CRD that is not installed is an empty list. Returns the
 * number of items.
 */
async function kubectlList(run: Runner, kubeconfig: string, f: KubectlFile, file: string): Promise<number> {
    const scope = f.scope === "all-namespaces" ? ["-A"] : f.scope === "kube-system" ? ["-n", "kube-system"] : [];
    let r = await run("kubectl", ["--kubeconfig", kubeconfig, "get", f.resource, ...scope, "-o", "json"], { stdoutFile: file });
    if (r.code !== 0 && f.fallback && /the server doesn't have a resource type/.test(r.stderr)) {
        r = await run("kubectl", ["--kubeconfig", kubeconfig, "get", f.fallback, ...scope, "-o", "json"], { stdoutFile: file });
    }
    if (r.code !== 0) {
        if (f.crd && /the server doesn't have a resource type/.test(r.stderr)) {
            fs.writeFileSync(file, `${JSON.stringify(EMPTY_LIST, null, 4)}\n`);
            return 0;
        }
        fs.rmSync(file, { force: true });
        throw new SnapshotError(`${f.writtenBy} failed: ${r.stderr.trim() || `exit ${r.code}`}`);
    }
    let items = 0;
    try {
        const list = readJsonObject(file, () => { items++; return undefined; });
        if (!Array.isArray(list.items)) throw new InputError(`${file} has no \`items\` list`);
    } catch (err) {
        if (err instanceof InputError) throw new SnapshotError(`${f.writtenBy} printed something else than a list: ${err.message}`);
        throw err;
    }
    return items;
}

/**
 * The kubeconfig for the Kubernetes files. A given one must point at this cluster (a snapshot mixing two clusters
 * would mislead every reader); without one, `aws eks update-kubeconfig` writes a private one, removed afterwards.
 */
async function kubeconfigFor(o: SnapshotOptions, cluster: Json, run: Runner): Promise<{ path: string; remove: () => void }> {
    if (o.kubeconfig) {
        const r = await run("kubectl", ["--kubeconfig", o.kubeconfig, "config", "view", "--minify", "-o", "jsonpath={.clusters[0].cluster.server}"]);
        if (r.code !== 0) throw new SnapshotError(`--kubeconfig ${o.kubeconfig} cannot be read: ${r.stderr.trim()}`);
        const server = r.stdout.trim().replace(/\/+$/, "");
        if (server.toLowerCase() !== String(cluster?.endpoint ?? "").toLowerCase()) {
            throw new SnapshotError(`--kubeconfig ${o.kubeconfig} points at ${server || "no server"}, not at cluster ${o.cluster} (${cluster?.endpoint}); ` +
                "use its context for this cluster, or leave --kubeconfig out to have one made");
        }
        return { path: o.kubeconfig, remove: () => undefined };
    }
    const dir = fs.mkdtempSync(path.join(o.tempDir, "eks-cilium-snapshot-"));
    fs.chmodSync(dir, 0o700);
    const file = path.join(dir, "kubeconfig");
    const remove = () => fs.rmSync(dir, { recursive: true, force: true });
    const r = await run("aws", ["eks", "update-kubeconfig", "--name", o.cluster, "--kubeconfig", file, ...(o.region ? ["--region", o.region] : [])]);
    if (r.code !== 0) {
        remove();
        throw new SnapshotError(`making a kubeconfig for ${o.cluster} failed (aws eks update-kubeconfig): ${r.stderr.trim()}`);
    }
    return { path: file, remove };
}
