/**
 * `npm run convert-policies -- --snapshot DIR [--out DIR]`: Calico's policies as CiliumNetworkPolicies,
 * CiliumClusterwideNetworkPolicies and CiliumCIDRGroups, and a report of what is withheld and why (design.md, "Calico
 * as the policy engine"). With `--out`: one YAML file per object and `report.json`; without: the objects as a YAML
 * stream on stdout, the report on stderr. Exit 0 when every policy was read (converted or withheld), 2 on bad usage or
 * input. The nodes and pods of the snapshot are read too: a CIDR is judged against the cluster's own addresses.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { InputError } from "../clusterReader/inputError";
import { convertSnapshotPolicies } from "../preflight/calicoChecks";
import { readPreflightSnapshotForChecks } from "../preflight/read";
import { INPUT_FILES, preflightContext } from "../preflight/run";
import { DEFAULT_OPTIONS, InputPart } from "../preflight/types";
import { Conversion } from "./convert";
import { Obj } from "./model";

export const USAGE = "usage: npm run convert-policies -- --snapshot DIR [--out DIR]\n" +
    "  --snapshot DIR: a directory written by npm run snapshot (its calico-*.json, nodes.json and pods.json are read);\n" +
    "  --out DIR: a new or empty directory for one YAML file per object and report.json (default: YAML on stdout, the report on stderr).";

export class UsageError extends Error {}

/** The files the conversion cannot do without: its Calico objects (an absent CRD is an empty List, never a missing file). */
const NEEDED: InputPart[] = ["caliconetworkpolicies", "calicoglobalnetworkpolicies", "caliconetworksets", "calicoglobalnetworksets", "calicohostendpoints"];

export function parseArgs(argv: string[], cwd: string): { snapshot: string; out?: string } {
    const v: Record<string, string> = {};
    for (let i = 0; i < argv.length; i += 2) {
        if (argv[i] !== "--snapshot" && argv[i] !== "--out") throw new UsageError(`unknown argument ${JSON.stringify(argv[i])}`);
        if (argv[i + 1] === undefined || argv[i + 1].startsWith("--")) throw new UsageError(`${argv[i]} needs a value`);
        v[argv[i]] = argv[i + 1];
    }
    if (!v["--snapshot"]) throw new UsageError("give --snapshot DIR");
    return { snapshot: path.resolve(cwd, v["--snapshot"]), ...(v["--out"] ? { out: path.resolve(cwd, v["--out"]) } : {}) };
}

export function convertSnapshot(dir: string): Conversion {
    const input = readPreflightSnapshotForChecks(dir);
    const missing = NEEDED.filter((p) => input[p] === undefined);
    if (missing.length) {
        throw new InputError(`${missing.map((p) => path.join(dir, INPUT_FILES[p].file)).join(", ")} missing: ` +
            `${missing.map((p) => INPUT_FILES[p].writtenBy).join("; ")}, or npm run snapshot (an absent CRD is written as an empty List)`);
    }
    return convertSnapshotPolicies(preflightContext(input, DEFAULT_OPTIONS));
}

/** YAML for a reviewer: a rule object shared by two rules is written out twice, not as an anchor (`&a1` … `*a1`). */
const yamlOf = (o: Obj) => YAML.stringify(o, { aliasDuplicateObjects: false });

export const fileNameOf = (o: Obj) => `${[o.kind, o.metadata?.namespace, o.metadata?.name].filter(Boolean).join("-")}.yaml`;

export function writeConversion(c: Conversion, out: string): string[] {
    if (fs.existsSync(out) && (!fs.statSync(out).isDirectory() || fs.readdirSync(out).length > 0)) {
        throw new UsageError(`--out ${out} is not a new or empty directory`);
    }
    fs.mkdirSync(out, { recursive: true });
    const files = c.objects.map((o) => { fs.writeFileSync(path.join(out, fileNameOf(o)), yamlOf(o)); return fileNameOf(o); });
    fs.writeFileSync(path.join(out, "report.json"), `${JSON.stringify(c.report, null, 2)}\n`);
    return [...files, "report.json"];
}

export function main(argv: string[], cwd: string, stdout: (s: string) => void, stderr: (s: string) => void): number {
    try {
        const args = parseArgs(argv, cwd);
        const c = convertSnapshot(args.snapshot);
        const summary = `convert-policies: ${c.report.converted.length} converted, ${c.report.withheld.length} withheld`;
        if (args.out) {
            const files = writeConversion(c, args.out);
            stdout(`${summary}; wrote ${files.length} file(s) to ${args.out}`);
            for (const w of c.report.withheld) stdout(`withheld ${w.calico}: ${w.reasons.join("; ")}`);
        } else {
            stdout(c.objects.map(yamlOf).join("---\n"));
            stderr(JSON.stringify(c.report, null, 2));
            stderr(summary);
        }
        return 0;
    } catch (e) {
        if (e instanceof UsageError) { stderr(`convert-policies: ${e.message}\n${USAGE}`); return 2; }
        if (e instanceof InputError) { stderr(`convert-policies: ${e.message}`); return 2; }
        throw e;
    }
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2), process.cwd(), (s) => process.stdout.write(`${s}\n`), (s) => process.stderr.write(`${s}\n`));
}
