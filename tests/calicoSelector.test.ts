// Calico's selector language against Calico's own test table (libcalico-go parser_test.go, vendored): the parser and
// evaluator agree with Calico on every row, and every selector the converter accepts selects, as Kubernetes label
// selectors (Cilium's), exactly the label sets Calico's does.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Dnf, Requirement, toDnf, Unconvertible } from "../calico/labelSelector";
import { evaluate, parseSelector, SelectorError } from "../calico/selector";
import { PROJECT_ROOT } from "./support/paths";

const GO = fs.readFileSync(path.join(PROJECT_ROOT, "tests/fixtures/real/calico/selector-parser_test.go"), "utf8");

type GoValue = string | GoValue[] | Record<string, string>;

/** Reads a Go composite literal of strings, slices and string maps (the shape of Calico's tables). */
function goLiteral(text: string): GoValue {
    const tokens = text.replace(/\/\/[^\n]*/g, "").replace(/\[\]map\[string\]string/g, "")
        .match(/`[^`]*`|"(?:[^"\\]|\\.)*"|[{}:,]/g) ?? [];
    let at = 0;
    const value = (): GoValue => {
        const t = tokens[at++];
        if (t.startsWith("`")) return t.slice(1, -1);
        if (t.startsWith("\"")) return JSON.parse(t) as string;
        assert.strictEqual(t, "{");
        const list: GoValue[] = [];
        const map: Record<string, string> = {};
        while (tokens[at] !== "}") {
            const v = value();
            if (tokens[at] === ":") { at++; map[v as string] = value() as string; } else list.push(v);
            if (tokens[at] === ",") at++;
        }
        at++;
        return list.length === 0 && Object.keys(map).length > 0 ? map : list;
    };
    return value();
}

const table = (name: string) => {
    const open = GO.indexOf("{", GO.indexOf(`var ${name} = `));
    return goLiteral(GO.slice(open, GO.indexOf("\n}\n", open) + 2));
};

const holds = (r: Requirement, labels: Record<string, string>) => {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    switch (r.operator) {
    case "In": return has && r.values!.includes(labels[r.key]);
    case "NotIn": return !has || !r.values!.includes(labels[r.key]);
    case "Exists": return has;
    case "DoesNotExist": return !has;
    }
};
const selects = (dnf: Dnf, labels: Record<string, string>) => dnf.some((conj) => conj.every((r) => holds(r, labels)));

describe("Calico selectors: Calico's own table", () => {
    // An empty Go map literal `{}` reads as an empty list: it is a label set without labels.
    const labelSets = (v: GoValue[]) => v.map((l) => Array.isArray(l) ? {} : l as Record<string, string>);
    const rows = (table("selectorTests") as [string, GoValue[], GoValue[]][]).map(([s, m, n]) => [s, labelSets(m), labelSets(n)] as const);
    const bad = table("badSelectors") as string[];

    it("reads the vendored tables (not an empty loop)", () => {
        assert.strictEqual(rows.length, 58);
        assert.strictEqual(bad.length, 26);
        assert.deepStrictEqual(rows[0], ["a == \"b\"", [{ a: "b" }, { a: "b", c: "d" }], [{}, { a: "c" }, { c: "d" }]]);
    });

    it("parses and evaluates every row as Calico does", () => {
        for (const [selector, match, noMatch] of rows) {
            const node = parseSelector(selector);
            for (const labels of match) assert.strictEqual(evaluate(node, labels), true, `${selector} should match ${JSON.stringify(labels)}`);
            for (const labels of noMatch) assert.strictEqual(evaluate(node, labels), false, `${selector} should not match ${JSON.stringify(labels)}`);
        }
    });

    it("refuses every selector Calico refuses", () => {
        for (const selector of bad) assert.throws(() => parseSelector(selector), SelectorError, selector);
    });

    it("as Kubernetes label selectors, each convertible row selects what Calico selects; the string operators and global() are refused", () => {
        const refused: string[] = [];
        for (const [selector, match, noMatch] of rows) {
            let dnf: Dnf;
            try { dnf = toDnf(parseSelector(selector), "endpoint"); } catch (e) {
                assert.ok(e instanceof Unconvertible);
                refused.push(selector.trim());
                continue;
            }
            for (const labels of match) assert.strictEqual(selects(dnf, labels), true, `${selector} ⇒ ${JSON.stringify(dnf)} should match ${JSON.stringify(labels)}`);
            for (const labels of noMatch) assert.strictEqual(selects(dnf, labels), false, `${selector} ⇒ ${JSON.stringify(dnf)} should not match ${JSON.stringify(labels)}`);
        }
        assert.deepStrictEqual([...new Set(refused)], ["a contains \"a\"", "a starts with \"a\"", "a ends with \"a\"", "global()"]);
    });

    it("pushes negation through && and || (De Morgan) and keeps `in {}` as matching nothing", () => {
        assert.deepStrictEqual(toDnf(parseSelector("!(a == \"x\" || has(b))"), "endpoint"),
            [[{ key: "a", operator: "NotIn", values: ["x"] }, { key: "b", operator: "DoesNotExist" }]]);
        assert.deepStrictEqual(toDnf(parseSelector("a in {} || b not in {}"), "endpoint"), [[]]);
        assert.deepStrictEqual(toDnf(parseSelector("a in {}"), "endpoint"), []);
        assert.deepStrictEqual(toDnf(parseSelector("!all()"), "endpoint"), []);
    });

    it("maps Calico's own keys to Cilium's, and refuses the ones without a Cilium identity label", () => {
        assert.deepStrictEqual(toDnf(parseSelector("projectcalico.org/namespace == \"shop\" && pcns.team == \"a\""), "endpoint"), [[
            { key: "io.kubernetes.pod.namespace", operator: "In", values: ["shop"] },
            { key: "io.cilium.k8s.namespace.labels.team", operator: "In", values: ["a"] },
        ]]);
        assert.deepStrictEqual(toDnf(parseSelector("projectcalico.org/name == \"monitoring\" || team == \"a\""), "namespace"), [
            [{ key: "io.kubernetes.pod.namespace", operator: "In", values: ["monitoring"] }],
            [{ key: "io.cilium.k8s.namespace.labels.team", operator: "In", values: ["a"] }],
        ]);
        assert.throws(() => toDnf(parseSelector("projectcalico.org/orchestrator == \"k8s\""), "endpoint"),
            { message: "selector on Calico's own label \"projectcalico.org/orchestrator\", which has no Cilium identity label" });
        assert.throws(() => toDnf(parseSelector("team == \"a\""), "serviceaccount"),
            { message: "service-account selector on label \"team\": Cilium's identities carry no service-account labels" });
    });
});
