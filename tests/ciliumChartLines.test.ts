// The chart lines `cilium.chartVersion` accepts, and what moving a release between them changes: read off the
// vendored packaged charts (tests/fixtures/real/cilium-chart/, Apache-2.0), not from a list we wrote.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { ADS_DEFAULT_SINCE_MINOR, KEEP_SPLIT_XDS, SUPPORTED_CHART_MINORS, chartMinor, upgradeCompatibilityFor } from "../components/cilium/chartLines";
import { CILIUM_CHART_VERSION, CILIUM_CHART_VERSIONS_VENDORED } from "../components/cilium/pins";
import { ciliumValues } from "../components/cilium/values";
import { parseConfig } from "../stacks/config";
import { ciliumDecisions } from "../stacks/ciliumOverrides";
import { DEFAULT_NODE_LABELS } from "../migration/names";
import { PHASES, Phase } from "../migration/phases";
import { FIXTURES } from "./support/paths";

const CHARTS = path.join(FIXTURES, "real", "cilium-chart");
const read = (version: string, file: string) => fs.readFileSync(path.join(CHARTS, version, file), "utf8");

function allTemplates(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? allTemplates(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** Every `upgradeCompatibility` gate of a chart's templates: the version each compares against, with the file. */
function compatibilityGates(version: string): { at: string; file: string }[] {
    const dir = path.join(CHARTS, version, "templates");
    return allTemplates(dir).flatMap((file) => [...fs.readFileSync(file, "utf8").matchAll(/semverCompare ">=([0-9.]+)" \(default "([0-9.]+)" \.Values\.upgradeCompatibility\)/g)]
        .map((m) => {
            assert.strictEqual(m[1], m[2], `${file}: a gate defaults to the version it compares against`);
            return { at: m[1], file: path.relative(dir, file) };
        }));
}

const newer = (a: string, b: string) => { const [x, y] = [a, b].map((v) => v.split(".").map(Number)); return x[0] !== y[0] ? x[0] > y[0] : x[1] > y[1]; };

const values = (phase: Phase, chartVersion: string, overrides: Record<string, unknown> = {}) => ciliumValues({
    ...ciliumDecisions(phase), chartVersion, clusterName: "prod-eu-1", operatorRoleArn: "arn:aws:iam::123456789012:role/cilium-operator",
    nodeLabels: DEFAULT_NODE_LABELS, clusterEndpoint: "https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com", overrides,
});

/** 1.20's `envoyXdsMode` helper, as its template says (checked verbatim below): the explicit value, else by compatibility. */
function renderedXdsMode(v: Record<string, unknown>): string {
    const explicit = (v.envoy as Record<string, unknown> | undefined)?.xdsMode;
    if (explicit !== undefined && explicit !== null) return String(explicit);
    const compatibility = typeof v.upgradeCompatibility === "string" ? v.upgradeCompatibility : "1.20";
    return newer("1.20", compatibility) ? "" : "ads";
}

describe("Cilium chart lines", () => {
    it("one vendored chart per supported line, the default among them; the config accepts exactly those lines", () => {
        assert.deepStrictEqual([...SUPPORTED_CHART_MINORS], [18, 19, 20]);
        assert.strictEqual(new Set(SUPPORTED_CHART_MINORS).size, CILIUM_CHART_VERSIONS_VENDORED.length);
        assert.ok((CILIUM_CHART_VERSIONS_VENDORED as readonly string[]).includes(CILIUM_CHART_VERSION));
        assert.strictEqual(chartMinor(CILIUM_CHART_VERSION), 19, "the default stays on 1.19 (README: Cilium chart versions)");
        for (const version of ["1.18.0", "1.19.6", "1.20.0", "1.20.7"]) {
            assert.strictEqual(parseConfig({ phase: "0", cilium: JSON.stringify({ chartVersion: version }) }).cilium.chartVersion, version);
        }
        for (const version of ["1.15.9", "1.21.0", "1.20", "1.20.0-rc.1", "v1.20.0", "1.17", "1.16.x"]) {
            assert.throws(() => parseConfig({ phase: "0", cilium: JSON.stringify({ chartVersion: version }) }),
                { message: `\`cilium.chartVersion\` is ${JSON.stringify(version)}; it must be an exact version of a supported Cilium chart line, 1.18.x, 1.19.x or 1.20.x, such as "1.19.6" (each line's chart is checked: values, per-node workloads).` });
        }
    });

    it("1.20 changes one default by upgradeCompatibility, Envoy's xDS mode; every other gate of every chart is at 1.18 or below", () => {
        for (const version of CILIUM_CHART_VERSIONS_VENDORED) {
            const above = compatibilityGates(version).filter((g) => newer(g.at, KEEP_SPLIT_XDS));
            const expected = chartMinor(version) as number >= ADS_DEFAULT_SINCE_MINOR ? [{ at: "1.20", file: "_helpers.tpl" }] : [];
            assert.deepStrictEqual(above, expected, version);
            assert.ok(compatibilityGates(version).every((g) => g.at === "1.20" || !newer(g.at, "1.18")), version);
        }
    });

    it("1.20's helper and configmap: ads unless xdsMode is set or upgradeCompatibility is below 1.20, then no key (the agent runs split)", () => {
        const helpers = read("1.20.0", "templates/_helpers.tpl");
        const helper = /\{\{- define "envoyXdsMode" \}\}([\s\S]*?)\{\{- end \}\}\n\{\{- end \}\}/.exec(helpers)?.[1].replace(/\s+/g, " ").trim();
        assert.strictEqual(helper, '{{- if ne .Values.envoy.xdsMode nil }} {{- .Values.envoy.xdsMode }} {{- else }} {{- if semverCompare ">=1.20" (default "1.20" .Values.upgradeCompatibility) }} {{- "ads" }} {{- end }}');
        assert.match(read("1.20.0", "templates/cilium-configmap.yaml"), /\{\{- \$envoyXdsMode := include "envoyXdsMode" \. \}\}\n\{\{- if ne \$envoyXdsMode "" \}\}\n {2}envoy-xds-mode: \{\{ \$envoyXdsMode \| quote \}\}/);
        const defaults = YAML.parse(read("1.20.0", "values.yaml"));
        assert.strictEqual(defaults.envoy.xdsMode, null);
        assert.strictEqual(defaults.upgradeCompatibility, null);
        assert.match(read("1.20.0", "values.yaml"), /# Cilium Agent defaults missing option to "split" to keep upgrades in the legacy mode\./);
        const schema = JSON.parse(read("1.20.0", "values.schema.json")).properties;
        assert.deepStrictEqual(schema.envoy.properties.xdsMode, { oneOf: [{ type: "null" }, { enum: ["split", "ads", "strict-ads"] }] });
        assert.deepStrictEqual(schema.upgradeCompatibility, { type: ["null", "string"] });
        // 1.18 and 1.19 have no such key or helper: their agents run the one (split) mode.
        for (const version of ["1.18.12", "1.19.6"]) {
            assert.ok(!read(version, "values.yaml").includes("xdsMode") && !read(version, "templates/_helpers.tpl").includes("envoyXdsMode"), version);
        }
    });

    it("the program keeps split on 1.20 in every phase (upgradeCompatibility 1.19); none on 1.18/1.19; cilium.values can choose otherwise", () => {
        for (const phase of PHASES.filter((p) => p.number >= 2)) {
            const v = values(phase.number, "1.20.0");
            assert.strictEqual(v.upgradeCompatibility, "1.19", `phase ${phase.number}`);
            assert.strictEqual(renderedXdsMode(v), "", `phase ${phase.number}: no envoy-xds-mode key`);
            for (const older of ["1.18.12", "1.19.6"]) assert.ok(!("upgradeCompatibility" in values(phase.number, older)), `${older} phase ${phase.number}`);
        }
        assert.strictEqual(renderedXdsMode({}), "ads", "what 1.20 renders with neither key: the switch the program avoids");
        assert.strictEqual(renderedXdsMode(values(8, "1.20.0", { envoy: { xdsMode: "ads" } })), "ads");
        assert.strictEqual(renderedXdsMode(values(8, "1.20.0", { upgradeCompatibility: null })), "ads");
        assert.strictEqual(upgradeCompatibilityFor("1.19.6"), undefined);
        assert.strictEqual(upgradeCompatibilityFor("1.20.3"), "1.19");
    });

    it("a bump restarts the Cilium pods: agent and operator images change with every version; from 1.20 every pod template carries the chart version", () => {
        type Images = { image: { tag: string }; operator: { image: { tag: string } }; envoy: { image: { tag: string } } };
        const parsed = new Map(CILIUM_CHART_VERSIONS_VENDORED.map((v) => [v as string, YAML.parse(read(v, "values.yaml")) as Images]));
        const image = (version: string) => parsed.get(version) as Images;
        const versions = [...CILIUM_CHART_VERSIONS_VENDORED];
        for (const [i, a] of versions.entries()) {
            for (const b of versions.slice(i + 1)) {
                assert.notStrictEqual(image(a).image.tag, image(b).image.tag, `${a} → ${b}: agent image`);
                assert.notStrictEqual(image(a).operator.image.tag, image(b).operator.image.tag, `${a} → ${b}: operator image`);
            }
        }
        assert.strictEqual(image("1.18.12").envoy.image.tag, image("1.19.6").envoy.image.tag, "1.18.12 and 1.19.6 ship the same Envoy");
        assert.notStrictEqual(image("1.19.6").envoy.image.tag, image("1.20.0").envoy.image.tag, "1.20.0 ships another Envoy");
        const podTemplateLabelled = (version: string, file: string) => {
            const text = read(version, `templates/${file}`);
            const template = text.search(/^ {2}template:/m);
            return template >= 0 && text.slice(template).includes('helm.sh/chart: {{ include "cilium.chart" . }}');
        };
        for (const file of ["cilium-agent/daemonset.yaml", "cilium-envoy/daemonset.yaml", "cilium-operator/deployment.yaml"]) {
            assert.ok(podTemplateLabelled("1.20.0", file), `1.20.0 ${file}`);
            assert.ok(!podTemplateLabelled("1.19.6", file), `1.19.6 ${file}`);
        }
        assert.match(read("1.20.0", "templates/_helpers.tpl"), /define "cilium\.chart" -\}\}\n\{\{- printf "%s-%s" \.Chart\.Name \.Chart\.Version/);
    });
});
