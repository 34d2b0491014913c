// `npm run convert-policies` (design.md, "Calico as the policy engine"): the example cluster's snapshot with Calico
// policies added as kubectl prints them; output files and report.json, the YAML stream, exit codes, bad input named.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { main } from "../calico/cli";
import { Obj } from "../calico/model";
import { gnp, np } from "./support/calicoObjects";
import { assertValid } from "./support/calicoSchemas";
import { EXAMPLE_SNAPSHOT } from "./support/existingCluster";

const list = (items: Obj[]) => `${JSON.stringify({ apiVersion: "v1", kind: "List", items }, null, 4)}\n`;

function snapshotWithCalico(dir: string): void {
    fs.mkdirSync(dir);
    for (const f of fs.readdirSync(EXAMPLE_SNAPSHOT)) fs.copyFileSync(path.join(EXAMPLE_SNAPSHOT, f), path.join(dir, f));
    fs.writeFileSync(path.join(dir, "calico-globalnetworkpolicies.json"), list([
        gnp("allow-dns", { selector: "all()", types: ["Egress"], egress: [{ action: "Allow", protocol: "UDP", destination: { selector: "k8s-app == 'kube-dns'", ports: [53] } }] }),
        gnp("log-all", { selector: "all()", ingress: [{ action: "Log" }] }),
    ]));
    fs.writeFileSync(path.join(dir, "calico-networkpolicies.json"), list([
        np("shop", "web-from-api", { selector: "app == 'web'", ingress: [{ action: "Allow", protocol: "TCP", source: { selector: "app == 'api'" }, destination: { ports: [8080] } }] }),
    ]));
}

describe("npm run convert-policies", () => {
    let work: string;
    const run = (argv: string[]) => {
        const out: string[] = [];
        const err: string[] = [];
        const code = main(argv, work, (s) => out.push(s), (s) => err.push(s));
        return { code, stdout: out.join("\n"), stderr: err.join("\n") };
    };
    beforeEach(() => { work = fs.mkdtempSync(path.join(os.tmpdir(), "convert-policies-")); });
    afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

    it("--out: one YAML file per object, each valid for Cilium, and report.json naming what converted and what was withheld and why", () => {
        snapshotWithCalico(path.join(work, "snap"));
        const r = run(["--snapshot", "snap", "--out", "out"]);
        assert.strictEqual(r.code, 0, r.stderr);
        assert.deepStrictEqual(fs.readdirSync(path.join(work, "out")).sort(),
            ["CiliumClusterwideNetworkPolicy-calico-allow-dns.yaml", "CiliumNetworkPolicy-shop-calico-web-from-api.yaml", "report.json"]);
        for (const f of fs.readdirSync(path.join(work, "out")).filter((x) => x.endsWith(".yaml"))) assertValid(YAML.parse(fs.readFileSync(path.join(work, "out", f), "utf8")), "cilium");
        assert.deepStrictEqual(JSON.parse(fs.readFileSync(path.join(work, "out", "report.json"), "utf8")), {
            converted: [
                { calico: "GlobalNetworkPolicy/allow-dns", cilium: ["CiliumClusterwideNetworkPolicy/calico-allow-dns"] },
                { calico: "NetworkPolicy/shop/web-from-api", cilium: ["CiliumNetworkPolicy/shop/calico-web-from-api"] },
            ],
            withheld: [{ calico: "GlobalNetworkPolicy/log-all", reasons: ["ingress[0]: action Log: Cilium policies do not log (Hubble observes flows instead)"] }],
        });
        assert.strictEqual(r.stdout, `convert-policies: 2 converted, 1 withheld; wrote 3 file(s) to ${path.join(work, "out")}\n` +
            "withheld GlobalNetworkPolicy/log-all: ingress[0]: action Log: Cilium policies do not log (Hubble observes flows instead)");
    });

    it("without --out: the objects as a YAML stream on stdout, the report on stderr", () => {
        snapshotWithCalico(path.join(work, "snap"));
        const r = run(["--snapshot", "snap"]);
        assert.strictEqual(r.code, 0, r.stderr);
        const docs = YAML.parseAllDocuments(r.stdout).map((d) => d.toJS());
        assert.deepStrictEqual(docs.map((d) => `${d.kind}/${d.metadata.name}`), ["CiliumClusterwideNetworkPolicy/calico-allow-dns", "CiliumNetworkPolicy/calico-web-from-api"]);
        assert.deepStrictEqual(docs[0].spec.egress, [{ toEndpoints: [{ matchLabels: { "k8s-app": "kube-dns" } }], toPorts: [{ ports: [{ port: "53", protocol: "UDP" }] }] }]);
        assert.match(r.stderr, /"withheld": \[\n {4}\{\n {6}"calico": "GlobalNetworkPolicy\/log-all"/);
        assert.match(r.stderr, /convert-policies: 2 converted, 1 withheld$/);
    });

    it("a snapshot without Calico (every file an empty List) converts nothing and says so", () => {
        const r = run(["--snapshot", EXAMPLE_SNAPSHOT, "--out", "out"]);
        assert.strictEqual(r.code, 0, r.stderr);
        assert.deepStrictEqual(JSON.parse(fs.readFileSync(path.join(work, "out", "report.json"), "utf8")), { converted: [], withheld: [] });
    });

    it("exit 2: a missing Calico file named with the command that writes it, bad usage, an --out that is not empty", () => {
        snapshotWithCalico(path.join(work, "snap"));
        fs.rmSync(path.join(work, "snap", "calico-hostendpoints.json"));
        const missing = run(["--snapshot", "snap"]);
        assert.deepStrictEqual([missing.code, missing.stdout], [2, ""]);
        assert.strictEqual(missing.stderr, `convert-policies: ${path.join(work, "snap", "calico-hostendpoints.json")} missing: ` +
            "kubectl get hostendpoints.projectcalico.org -o json (else hostendpoints.crd.projectcalico.org), or npm run snapshot (an absent CRD is written as an empty List)");
        const usage = run(["--snapshot"]);
        assert.strictEqual(usage.code, 2);
        assert.match(usage.stderr, /^convert-policies: --snapshot needs a value\nusage: npm run convert-policies -- --snapshot DIR \[--out DIR\]/);
        assert.match(run(["--format", "json"]).stderr, /^convert-policies: unknown argument "--format"/);
        fs.mkdirSync(path.join(work, "full"));
        fs.writeFileSync(path.join(work, "full", "x"), "");
        const full = run(["--snapshot", EXAMPLE_SNAPSHOT, "--out", "full"]);
        assert.strictEqual(full.code, 2);
        assert.match(full.stderr, /^convert-policies: --out .*full is not a new or empty directory/);
        const noPods = run(["--snapshot", path.join(work, "nowhere")]);
        assert.strictEqual(noPods.code, 2);
        assert.match(noPods.stderr, /snapshot directory .*nowhere does not exist/);
    });
});
