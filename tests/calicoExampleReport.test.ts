// Calico as the policy engine, "Done when" (issue 20): what preflight and `npm run convert-policies` tell a platform
// engineer about each policy of the Calico example cluster (examples/calico-east, Pulumi.calico.yaml).
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { main as convert } from "../calico/cli";
import { clusterRow } from "../fleet/report";
import { main as preflight } from "../preflight/cli";
import { convertSnapshotPolicies } from "../preflight/calicoChecks";
import { readPreflightSnapshot, readPreflightSnapshotForChecks } from "../preflight/read";
import { preflightContext } from "../preflight/run";
import { DEFAULT_OPTIONS } from "../preflight/types";
import { migrationConfigOf, readStackFile } from "../stacks/stackFile";
import { CALICO_EXAMPLE } from "./fixtures/writeCalicoExample";
import { assertValid } from "./support/calicoSchemas";
import { PROJECT_ROOT } from "./support/paths";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const STACK = path.join(PROJECT_ROOT, "Pulumi.calico.yaml");
const LOG = "ingress[0]: action Log: Cilium policies do not log (Hubble observes flows instead)";
const HTTP = "ingress[0]: an HTTP match: Calico enforces it only with application layer policy (a per-pod proxy), otherwise only the rule's ports; " +
    "Cilium would always enforce it at L7";

const ACCEPTED = "the four converted policies applied, postgres-allow-api and web-http-get rewritten by hand (PLAT-977)";

function convertExample(argv: string[]) {
    let stdout = "";
    let stderr = "";
    const code = convert(argv, PROJECT_ROOT, (s) => { stdout += `${s}\n`; }, (s) => { stderr += `${s}\n`; });
    return { code, stdout, stderr };
}

describe("calico: preflight on the example cluster names what happens to each policy", () => {
    let findings: { id: string; severity: string; message: string; objects: string[] }[];
    let code: number;
    let text: string;
    before(async () => {
        let out = "";
        code = await preflight(["--snapshot", CALICO_EXAMPLE, "--config-file", STACK, "--format", "json"], (s) => { out += s; }, () => undefined);
        findings = JSON.parse(out).findings;
        text = "";
        await preflight(["--snapshot", CALICO_EXAMPLE, "--config-file", STACK], (s) => { text += `${s}\n`; }, () => undefined);
    });

    it("calico-policy-engine: information naming the operator install, its Installation and calico-node", () => {
        const [engine] = findings.filter((f) => f.id === "calico-policy-engine");
        assert.strictEqual(engine.severity, "info");
        assert.deepStrictEqual(engine.objects, ["Installation/default", "tigera-operator/tigera-operator", "calico-system/calico-node"]);
        assert.ok(engine.message.startsWith("Calico runs as a policy engine beside aws-cni, installed by tigera-operator (Installation default, cni AmazonVPC; " +
            "Deployment tigera-operator/tigera-operator); DaemonSet calico-system/calico-node."), engine.message);
    });

    it("calico-policies: a warning listing every Calico-only policy, as the stack applies the converted ones, naming the cross-pool window (preflight passes)", () => {
        const [policies] = findings.filter((f) => f.id === "calico-policies");
        assert.ok(policies.message.includes("so on Cilium nodes GlobalNetworkPolicy/allow-dns, GlobalNetworkPolicy/report-builder-to-partners, NetworkPolicy/shop/api-allow-web " +
            "drop traffic their pod or namespace selectors allow to or from pods still on legacy nodes, and GlobalNetworkPolicy/allow-dns, GlobalNetworkPolicy/default-deny, " +
            "GlobalNetworkPolicy/report-builder-to-partners put the pods they select in egress default deny: DNS to CoreDNS is dropped"), policies.message);
        assert.deepStrictEqual([policies.severity, policies.objects], ["warning", ["NetworkPolicy/shop/api-allow-web", "NetworkPolicy/shop/postgres-allow-api",
            "NetworkPolicy/shop/web-http-get", "GlobalNetworkPolicy/default-deny", "GlobalNetworkPolicy/allow-dns", "GlobalNetworkPolicy/report-builder-to-partners"]]);
        assert.deepStrictEqual(findings.filter((f) => f.severity === "blocker"), []);
        assert.strictEqual(code, 0);
        assert.match(text, /\nPASS preflight: no blocker left \(0 blocker\(s\), 7 warning\(s\), 2 info\)\n$/);
    });

    // A stack that leaves the key false (it converts and applies the policies some other way) is blocked until it accepts.
    const withoutKey = (accept: string) => {
        const stack = fs.readFileSync(STACK, "utf8");
        assert.ok(stack.includes("    accept: []\n") && stack.includes("    applyConvertedPolicies: true\n"));
        return stack.replace("    applyConvertedPolicies: true\n", "    applyConvertedPolicies: false\n").replace("    accept: []\n", accept);
    };
    async function preflightOn(stackText: string): Promise<{ exit: number; out: string }> {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "calico-stack-"));
        const file = path.join(dir, "Pulumi.calico.yaml");
        fs.writeFileSync(file, stackText);
        let out = "";
        const exit = await preflight(["--snapshot", CALICO_EXAMPLE, "--config-file", file], (s) => { out += `${s}\n`; }, () => undefined);
        fs.rmSync(dir, { recursive: true, force: true });
        return { exit, out };
    }

    it("without calico.applyConvertedPolicies, calico-policies blocks (exit 1) until it is accepted", async () => {
        const blocked = await preflightOn(withoutKey("    accept: []\n"));
        assert.strictEqual(blocked.exit, 1);
        assert.match(blocked.out, /\nFAIL preflight: 1 blocker\(s\) not accepted in preflight\.accept: calico-policies\n$/);
        const accepted = await preflightOn(withoutKey(`    accept:\n      - id: calico-policies\n        reason: ${ACCEPTED}\n`));
        assert.strictEqual(accepted.exit, 0);
        assert.ok(accepted.out.includes(`BLOCKER (accepted: ${ACCEPTED}) calico-policies (phase 3): 6 Calico polic(ies)`), accepted.out);
        assert.match(accepted.out, /\nPASS preflight: no blocker left \(1 blocker\(s\), 6 warning\(s\), 2 info\)\n$/);
    });

    it("calico-unconvertible: one warning per withheld policy, with its reason", () => {
        assert.deepStrictEqual(findings.filter((f) => f.id === "calico-unconvertible").map((f) => [f.severity, f.objects, f.message]), [
            ["warning", ["NetworkPolicy/shop/postgres-allow-api"], `NetworkPolicy/shop/postgres-allow-api is not converted: ${LOG}. On Cilium nodes nothing enforces it.`],
            ["warning", ["NetworkPolicy/shop/web-http-get"], `NetworkPolicy/shop/web-http-get is not converted: ${HTTP}. On Cilium nodes nothing enforces it.`],
        ]);
    });
});

describe("calico: npm run convert-policies on the example cluster", () => {
    const tmp: string[] = [];
    after(() => tmp.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

    it("converts four policies and withholds two, each emitted object valid for Cilium's own CRD schemas", () => {
        const r = convertExample(["--snapshot", "examples/calico-east"]);
        assert.strictEqual(r.code, 0, r.stderr);
        const report = JSON.parse(r.stderr.slice(0, r.stderr.lastIndexOf("\nconvert-policies:") + 1));
        assert.deepStrictEqual(report, {
            converted: [
                { calico: "GlobalNetworkPolicy/allow-dns", cilium: ["CiliumClusterwideNetworkPolicy/calico-allow-dns"] },
                { calico: "GlobalNetworkPolicy/default-deny", cilium: ["CiliumClusterwideNetworkPolicy/calico-default-deny"] },
                { calico: "GlobalNetworkPolicy/report-builder-to-partners", cilium: ["CiliumClusterwideNetworkPolicy/calico-report-builder-to-partners", "CiliumCIDRGroup/calico-gns-partners"] },
                { calico: "NetworkPolicy/shop/api-allow-web", cilium: ["CiliumNetworkPolicy/shop/calico-api-allow-web"] },
            ],
            withheld: [
                { calico: "NetworkPolicy/shop/postgres-allow-api", reasons: [LOG] },
                { calico: "NetworkPolicy/shop/web-http-get", reasons: [HTTP] },
            ],
        });
        assert.ok(r.stderr.endsWith("convert-policies: 4 converted, 2 withheld\n"));
        const objects = YAML.parseAllDocuments(r.stdout).map((d) => d.toJSON() as Obj);
        assert.deepStrictEqual(objects.map((o) => `${o.kind}/${o.metadata.name}`), ["CiliumClusterwideNetworkPolicy/calico-allow-dns",
            "CiliumClusterwideNetworkPolicy/calico-default-deny", "CiliumClusterwideNetworkPolicy/calico-report-builder-to-partners",
            "CiliumNetworkPolicy/calico-api-allow-web", "CiliumCIDRGroup/calico-gns-partners"]);
        for (const o of objects) assertValid(o, "cilium");
        // report-builder-to-partners' two egress rules share one toPorts object: written out twice, never as an anchor.
        assert.doesNotMatch(r.stdout, /[&*]a[0-9]+\b/);
    });

    it("what each converted policy enforces on Cilium nodes: the deny spares the system namespaces, the egress goes to the partners' CIDRs", () => {
        const objects = YAML.parseAllDocuments(convertExample(["--snapshot", CALICO_EXAMPLE]).stdout).map((d) => d.toJSON() as Obj);
        const byName = new Map(objects.map((o) => [o.metadata.name, o]));
        assert.deepStrictEqual(byName.get("calico-default-deny")?.spec, {
            endpointSelector: { matchExpressions: [{ key: "io.kubernetes.pod.namespace", operator: "NotIn", values: ["calico-system", "kube-system", "tigera-operator"] },
                { key: "reserved:health", operator: "DoesNotExist" }] },
            ingress: [{}], egress: [{}], enableDefaultDeny: { ingress: true, egress: true },
        });
        assert.deepStrictEqual(byName.get("calico-gns-partners")?.spec, { externalCIDRs: ["198.51.100.0/24", "203.0.113.16/28"] });
        assert.deepStrictEqual(byName.get("calico-report-builder-to-partners")?.spec.egress[1], { toCIDRSet: [{ cidrGroupRef: "calico-gns-partners" }], toPorts: [{ ports: [{ port: "443", protocol: "TCP" }] }] });
        assert.deepStrictEqual(byName.get("calico-api-allow-web")?.spec.ingress, [{ fromEndpoints: [{ matchLabels: { app: "web" } }], toPorts: [{ ports: [{ port: "9090", protocol: "TCP" }] }] }]);
    });

    it("allow-dns's `order` changes no outcome: without it (evaluated last) the conversion is the same", () => {
        const conversion = (edit: (input: ReturnType<typeof readPreflightSnapshotForChecks>) => void) => {
            const input = readPreflightSnapshotForChecks(CALICO_EXAMPLE);
            edit(input);
            return convertSnapshotPolicies(preflightContext(input, DEFAULT_OPTIONS));
        };
        const ordered = conversion(() => undefined);
        const unordered = conversion((input) => {
            const dns = (input.calicoglobalnetworkpolicies?.items as Obj[]).find((o) => o.metadata.name === "default.allow-dns") as Obj;
            assert.strictEqual(dns.spec.order, 100);
            delete dns.spec.order;
        });
        assert.deepStrictEqual(unordered, ordered);
    });

    it("--out writes one YAML file per object and report.json, and names each withheld policy with its reason", () => {
        const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "calico-out-")), "converted");
        tmp.push(path.dirname(out));
        const r = convertExample(["--snapshot", CALICO_EXAMPLE, "--out", out]);
        assert.strictEqual(r.code, 0, r.stderr);
        assert.strictEqual(r.stdout, `convert-policies: 4 converted, 2 withheld; wrote 6 file(s) to ${out}\n` +
            `withheld NetworkPolicy/shop/postgres-allow-api: ${LOG}\nwithheld NetworkPolicy/shop/web-http-get: ${HTTP}\n`);
        assert.deepStrictEqual(fs.readdirSync(out).sort(), ["CiliumCIDRGroup-calico-gns-partners.yaml", "CiliumClusterwideNetworkPolicy-calico-allow-dns.yaml",
            "CiliumClusterwideNetworkPolicy-calico-default-deny.yaml", "CiliumClusterwideNetworkPolicy-calico-report-builder-to-partners.yaml",
            "CiliumNetworkPolicy-shop-calico-api-allow-web.yaml", "report.json"]);
        for (const f of fs.readdirSync(out).filter((x) => x.endsWith(".yaml"))) assertValid(YAML.parse(fs.readFileSync(path.join(out, f), "utf8")), "cilium");
    });
});

describe("calico: the fleet report on the example cluster", () => {
    it("calico-east: 2 managed groups, ready as the stack applies the converted policies, and blocked by calico-policies, named, without", () => {
        const config = migrationConfigOf(readStackFile(STACK));
        const row = clusterRow(CALICO_EXAMPLE, readPreflightSnapshot(CALICO_EXAMPLE), config, STACK);
        assert.deepStrictEqual([row.pools, row.verdict, row.reason], [{ managedNodeGroups: ["ng-batch", "ng-general"], nodePools: [], asgs: [] }, "ready", "no blocker left"]);
        const without = { ...config, calico: { ...config.calico, applyConvertedPolicies: false } };
        const blocked = clusterRow(CALICO_EXAMPLE, readPreflightSnapshot(CALICO_EXAMPLE), without, STACK);
        assert.deepStrictEqual([blocked.verdict, blocked.reason], ["blocked", "blocker(s) not accepted in preflight.accept: calico-policies"]);
    });
});
