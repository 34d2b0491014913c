// Every per-node workload of the real Cilium chart is kept off the legacy nodes while both CNIs run: read from the
// chart's own templates and values (vendored under tests/fixtures/real/cilium-chart/, Apache-2.0), not from a list
// we wrote. A chart that adds a DaemonSet fails here until the program knows how to keep it off.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { CHART_DAEMONSETS, CHART_DEFAULT_NODE_EXPRESSIONS, ChartDaemonSet, NOT_CILIUM_COMPUTE, inChart } from "../components/cilium/daemonSets";
import { ciliumValues } from "../components/cilium/values";
import { DEFAULT_NODE_LABELS } from "../stacks/config";
import { PHASES, Phase, cnisCoexist } from "../migration/phases";
import { CILIUM_CHART_VERSIONS_VENDORED } from "../components/cilium/pins";
import { assertCiliumOverridesAllowed, ciliumDecisions } from "../stacks/ciliumOverrides";
import { FIXTURES } from "./support/paths";

const CHARTS = path.join(FIXTURES, "real", "cilium-chart");

function templateFiles(dir: string, base = dir): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? templateFiles(path.join(dir, e.name), base) : [path.relative(base, path.join(dir, e.name))]);
}

/** The templates that render a DaemonSet. */
export function daemonSetTemplates(templatesDir: string): string[] {
    return templateFiles(templatesDir).filter((f) => /^kind: DaemonSet\s*$/m.test(fs.readFileSync(path.join(templatesDir, f), "utf8"))).sort();
}

/** The chart's named templates (`define` blocks of its helper files), by name. */
function namedTemplates(templatesDir: string): Map<string, string> {
    const out = new Map<string, string>();
    for (const f of templateFiles(templatesDir).filter((file) => file.endsWith(".tpl"))) {
        const text = fs.readFileSync(path.join(templatesDir, f), "utf8");
        for (const m of text.matchAll(/\{\{-? define "([^"]+)" -?\}\}([\s\S]*?)(?=\{\{-? define "|$)/g)) out.set(m[1], m[2]);
    }
    return out;
}

/** The template text with the named templates it includes spliced in (one level: enough for affinity helpers). */
function expanded(templatesDir: string, template: string): string {
    const helpers = namedTemplates(templatesDir);
    return fs.readFileSync(path.join(templatesDir, template), "utf8").replace(/include "([^"]+)"/g, (all, name: string) => `${all} ${helpers.get(name) ?? ""}`);
}

/** Helm's coalescing of user values over the chart's: maps merge, anything else replaces, null removes. */
function helmMerge(defaults: unknown, values: unknown): unknown {
    const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
    if (!isMap(defaults) || !isMap(values)) return values === undefined ? defaults : values;
    const out: Record<string, unknown> = { ...defaults };
    for (const [k, v] of Object.entries(values)) {
        if (v === null) delete out[k];
        else out[k] = helmMerge(defaults[k], v);
    }
    return out;
}

const at = (values: unknown, key: string): unknown => key.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], values);
type Term = { matchExpressions?: { key: string; operator: string; values?: string[] }[] };
const requiredTerms = (affinity: unknown): Term[] => (at(affinity, "nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms") as Term[] | undefined) ?? [];
const excludes = (term: Term, key: string, value: string) => (term.matchExpressions ?? []).some((e) => e.key === key && e.operator === "NotIn" && (e.values ?? []).includes(value));
const requires = (term: Term, key: string, value: string) => (term.matchExpressions ?? []).some((e) => e.key === key && e.operator === "In" && JSON.stringify(e.values) === JSON.stringify([value]));

const valuesFor = (phase: Phase, version: string, overrides: Record<string, unknown> = {}) => (assertCiliumOverridesAllowed(phase, overrides), ciliumValues({
    ...ciliumDecisions(phase), chartVersion: version, clusterName: "prod-eu-1", operatorRoleArn: "arn:aws:iam::123456789012:role/cilium-operator",
    nodeLabels: DEFAULT_NODE_LABELS, clusterEndpoint: "https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com", overrides,
}));

/** DaemonSet templates of a chart the program has no keep-off rule for (and rules for templates the chart lacks). */
function unhandled(templatesDir: string, version: string): { unknown: string[]; missing: string[] } {
    const found = daemonSetTemplates(templatesDir);
    const known = CHART_DAEMONSETS.filter((d) => inChart(d, version)).map((d) => d.template);
    return { unknown: found.filter((t) => !known.includes(t)), missing: known.filter((t) => !found.includes(t)) };
}

describe("the Cilium chart's per-node workloads stay off legacy nodes", () => {
    for (const version of CILIUM_CHART_VERSIONS_VENDORED) {
        const chartDir = path.join(CHARTS, version);
        const templatesDir = path.join(chartDir, "templates");
        const defaults = YAML.parse(fs.readFileSync(path.join(chartDir, "values.yaml"), "utf8"));
        const applicable = CHART_DAEMONSETS.filter((d) => inChart(d, version));

        describe(`chart ${version}`, () => {
            it("every DaemonSet template of the chart has a keep-off rule, and every rule a template", () => {
                assert.deepStrictEqual(unhandled(templatesDir, version), { unknown: [], missing: [] });
                assert.ok(daemonSetTemplates(templatesDir).includes("cilium-envoy/daemonset.yaml"), "the standalone envoy DaemonSet is found");
            });

            for (const ds of applicable) {
                it(`${ds.template}: the values key the rule sets is the one the template renders`, () => {
                    const text = expanded(templatesDir, ds.template);
                    if (ds.affinity) assert.match(text, new RegExp(`with \\.Values\\.${ds.affinity.replace(/\./g, "\\.")} \\}\\}\\s*\\n\\s*affinity:`), ds.affinity);
                    if (ds.affinityRenderedWhen) assert.ok(text.includes(`eq .Values.${ds.affinityRenderedWhen.key} "${ds.affinityRenderedWhen.equals}"`));
                    if (ds.disabledBy) {
                        const guard = text.split("\n").find((l) => /^\{\{-? if /.test(l)) ?? "";
                        assert.ok(guard.includes(`.Values.${ds.disabledBy}`), `${ds.template} is enabled by ${guard}`);
                    }
                });
            }

            it("Linux only: each workload has the chart's kubernetes.io/os=linux nodeSelector, or says so in our affinity (the SPIRE agent)", () => {
                for (const ds of applicable.filter((d) => d.affinity)) {
                    const key = ds.affinity as string;
                    const selector = at(defaults, key === "affinity" ? "nodeSelector" : key.replace(/affinity$/, "nodeSelector")) as Record<string, string> | undefined;
                    assert.strictEqual(selector?.["kubernetes.io/os"] === "linux", !ds.linuxInAffinity, `${key}: ${JSON.stringify(selector)}`);
                }
            });

            it("the chart's own node expressions, which our terms replace, are kept", () => {
                for (const ds of applicable.filter((d) => d.affinity)) {
                    const key = ds.affinity as string;
                    const chartTerms = requiredTerms(at(defaults, key));
                    assert.deepStrictEqual(chartTerms.flatMap((t) => t.matchExpressions ?? []), [...(CHART_DEFAULT_NODE_EXPRESSIONS[key] ?? [])], key);
                }
            });

            for (const phase of PHASES.filter((p) => p.number >= 2)) {
                it(`phase ${phase.number}: the effective values keep each one ${cnisCoexist(phase.number) ? "on cni=cilium nodes only, and " : ""}off Fargate, hybrid and Auto Mode nodes`, () => {
                    const effective = helmMerge(defaults, valuesFor(phase.number, version));
                    for (const ds of applicable) checkKeptOff(ds, effective, cnisCoexist(phase.number));
                });
            }
        });
    }

    it("a chart that adds a DaemonSet fails the check until the program has a rule for it", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "chart-"));
        try {
            const version = CILIUM_CHART_VERSIONS_VENDORED[CILIUM_CHART_VERSIONS_VENDORED.length - 1];
            fs.cpSync(path.join(CHARTS, version, "templates"), dir, { recursive: true });
            fs.mkdirSync(path.join(dir, "cilium-new"));
            fs.writeFileSync(path.join(dir, "cilium-new", "daemonset.yaml"), "{{- if .Values.newThing.enabled }}\napiVersion: apps/v1\nkind: DaemonSet\n{{- end }}\n");
            assert.deepStrictEqual(unhandled(dir, version), { unknown: ["cilium-new/daemonset.yaml"], missing: [] });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("while both CNIs run, overriding any keep-off key is refused; from phase 8 it is the user's", () => {
        for (const override of [{ envoy: { affinity: {} } }, { scheduling: { mode: "kube-scheduler" } }, { preflight: { enabled: true } },
            { standaloneDnsProxy: { enabled: true } }, { nodeinit: { affinity: { nodeAffinity: {} } } }]) {
            assert.throws(() => valuesFor(5, "1.19.6", override), /cannot be overridden before phase 8/, JSON.stringify(override));
            assert.doesNotThrow(() => valuesFor(8, "1.19.6", override));
        }
    });
});

function checkKeptOff(ds: ChartDaemonSet, effective: unknown, bothCnisRun: boolean): void {
    if (ds.disabledBy) {
        if (bothCnisRun) assert.strictEqual(at(effective, ds.disabledBy), false, `${ds.disabledBy} must stay false`);
        return;
    }
    const key = ds.affinity as string;
    if (ds.affinityRenderedWhen) assert.strictEqual(at(effective, ds.affinityRenderedWhen.key), ds.affinityRenderedWhen.equals, `${ds.template}: affinity is rendered`);
    const terms = requiredTerms(at(effective, key));
    assert.ok(terms.length > 0, `${key} has required node selector terms`);
    for (const term of terms) {
        // Terms are ORed: every one of them must exclude what must be excluded.
        for (const value of NOT_CILIUM_COMPUTE.values ?? []) assert.ok(excludes(term, NOT_CILIUM_COMPUTE.key, value), `${key} excludes compute-type ${value}`);
        // "Which CNI a node gets": only nodes born with the Cilium label while both CNIs run; the seeds' rule is gone.
        assert.strictEqual(requires(term, DEFAULT_NODE_LABELS.key, DEFAULT_NODE_LABELS.ciliumValue), bothCnisRun, `${key} requires cni=cilium exactly while both CNIs run`);
        assert.ok(!excludes(term, DEFAULT_NODE_LABELS.key, DEFAULT_NODE_LABELS.legacyValue), `${key} has no cni NotIn [aws-cni] (the seeds' rule)`);
        for (const e of CHART_DEFAULT_NODE_EXPRESSIONS[key] ?? []) assert.ok((term.matchExpressions ?? []).some((x) => JSON.stringify(x) === JSON.stringify(e)), `${key} keeps ${e.key}`);
    }
}
