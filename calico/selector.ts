/**
 * Calico's selector language, read as libcalico-go reads it (`lib/selector/tokenizer/tokenizer.go`,
 * `lib/selector/parser/parser.go` @ projectcalico/calico 87c1590): `==`, `!=`, `in {…}`, `not in {…}`, `has()`,
 * `all()`, `global()`, `!`, `&&` (binds tighter than `||`), parentheses, and the string operators `contains`,
 * `starts with`, `ends with`. `!=` and `not in` also match an endpoint without the label (parser/ast.go `Evaluate`),
 * as Kubernetes' `NotIn` does.
 */

export type SelectorNode =
    | { op: "all" } | { op: "global" }
    | { op: "has"; key: string }
    | { op: "eq" | "ne" | "contains" | "starts" | "ends"; key: string; value: string }
    | { op: "in" | "notin"; key: string; values: string[] }
    | { op: "not"; node: SelectorNode }
    | { op: "and" | "or"; nodes: SelectorNode[] };

type Token = { kind: string; value?: string };

const IDENT = /^[a-zA-Z0-9_./-]+/;
const OPERATORS: [RegExp, string][] = [
    [/^contains(?![a-zA-Z0-9_./-])/, "contains"], [/^starts[ \t]*with(?![a-zA-Z0-9_./-])/, "starts"], [/^ends[ \t]*with(?![a-zA-Z0-9_./-])/, "ends"],
    [/^not[ \t]*in(?![a-zA-Z0-9_./-])/, "notin"], [/^in(?![a-zA-Z0-9_./-])/, "in"],
];

export class SelectorError extends Error {}

function tokenize(input: string): Token[] {
    const tokens: Token[] = [];
    let s = input;
    for (;;) {
        s = s.replace(/^[ \t]+/, "");
        if (s === "") return [...tokens, { kind: "eof" }];
        const last = tokens[tokens.length - 1]?.kind;
        const simple: Record<string, string> = { "(": "(", ")": ")", "{": "{", "}": "}", ",": "," };
        if (simple[s[0]]) { tokens.push({ kind: simple[s[0]] }); s = s.slice(1); continue; }
        if (s[0] === "\"" || s[0] === "'") {
            const end = s.indexOf(s[0], 1);
            if (end < 0) throw new SelectorError("unterminated string");
            tokens.push({ kind: "string", value: s.slice(1, end) });
            s = s.slice(end + 1);
            continue;
        }
        const two = [["==", "eq"], ["!=", "ne"], ["&&", "and"], ["||", "or"]].find(([t]) => s.startsWith(t));
        if (two) { tokens.push({ kind: two[1] }); s = s.slice(2); continue; }
        if (s[0] === "!") { tokens.push({ kind: "not" }); s = s.slice(1); continue; }
        if ("=&|".includes(s[0])) throw new SelectorError(`expected ${s[0] === "=" ? "==" : s[0] === "&" ? "&&" : "||"}`);
        if (last === "label") {
            const op = OPERATORS.find(([re]) => re.test(s));
            if (!op) throw new SelectorError(`expected operator after label ${JSON.stringify(tokens[tokens.length - 1].value)}`);
            tokens.push({ kind: op[1] });
            s = s.replace(op[0], "");
            continue;
        }
        const fn = /^(has|all|global)\([ \t]*([a-zA-Z0-9_./-]*)[ \t]*\)/.exec(s);
        if (fn) {
            if ((fn[1] === "has") !== (fn[2] !== "")) throw new SelectorError(`malformed ${fn[1]}()`);
            tokens.push({ kind: fn[1], value: fn[2] });
            s = s.slice(fn[0].length);
            continue;
        }
        const ident = IDENT.exec(s);
        if (!ident) throw new SelectorError(`unexpected character ${JSON.stringify(s[0])}`);
        tokens.push({ kind: "label", value: ident[0] });
        s = s.slice(ident[0].length);
    }
}

/** Parses a Calico selector; the empty selector is `all()`. Throws SelectorError on what Calico would refuse. */
export function parseSelector(text: string): SelectorNode {
    const tokens = tokenize(text);
    if (tokens[0].kind === "eof") return { op: "all" };
    let at = 0;
    const peek = () => tokens[at];
    const expect = (kind: string, what: string) => {
        if (peek().kind !== kind) throw new SelectorError(`expected ${what}`);
        return tokens[at++];
    };
    const orExpr = (): SelectorNode => {
        const nodes = [andExpr()];
        while (peek().kind === "or") { at++; nodes.push(andExpr()); }
        return nodes.length === 1 ? nodes[0] : { op: "or", nodes };
    };
    const andExpr = (): SelectorNode => {
        const nodes = [operation()];
        while (peek().kind === "and") { at++; nodes.push(operation()); }
        return nodes.length === 1 ? nodes[0] : { op: "and", nodes };
    };
    const operation = (): SelectorNode => {
        let negated = false;
        while (peek().kind === "not") { negated = !negated; at++; }
        const node = term();
        return negated ? { op: "not", node } : node;
    };
    const term = (): SelectorNode => {
        const t = tokens[at++];
        if (t.kind === "has") return { op: "has", key: t.value! };
        if (t.kind === "all" || t.kind === "global") return { op: t.kind };
        if (t.kind === "(") { const inner = orExpr(); expect(")", ")"); return inner; }
        if (t.kind !== "label") throw new SelectorError(`unexpected ${t.kind === "eof" ? "end of selector" : `token ${t.kind}`}`);
        const op = tokens[at++];
        if (["eq", "ne", "contains", "starts", "ends"].includes(op.kind)) {
            return { op: op.kind as "eq", key: t.value!, value: expect("string", "string").value! };
        }
        if (op.kind !== "in" && op.kind !== "notin") throw new SelectorError(`expected an operator after label ${JSON.stringify(t.value)}`);
        expect("{", "set literal");
        const values: string[] = [];
        while (peek().kind === "string") {
            values.push(tokens[at++].value!);
            if (peek().kind !== ",") break;
            at++;
        }
        expect("}", "}");
        return { op: op.kind, key: t.value!, values: [...new Set(values)].sort() };
    };
    const root = orExpr();
    if (peek().kind !== "eof") throw new SelectorError("unexpected content at end of selector");
    return root;
}

/** Whether a selector matches a set of labels (Calico's own evaluation, parser/ast.go). */
export function evaluate(node: SelectorNode, labels: Record<string, string>): boolean {
    const has = (k: string) => Object.prototype.hasOwnProperty.call(labels, k);
    switch (node.op) {
    case "all": return true;
    // As libcalico-go's GlobalNode: what `global()` selects is decided by where it is used (non-namespaced objects).
    case "global": return true;
    case "has": return has(node.key);
    case "eq": return has(node.key) && labels[node.key] === node.value;
    case "ne": return !has(node.key) || labels[node.key] !== node.value;
    case "contains": return has(node.key) && labels[node.key].includes(node.value);
    case "starts": return has(node.key) && labels[node.key].startsWith(node.value);
    case "ends": return has(node.key) && labels[node.key].endsWith(node.value);
    case "in": return has(node.key) && node.values.includes(labels[node.key]);
    case "notin": return !has(node.key) || !node.values.includes(labels[node.key]);
    case "not": return !evaluate(node.node, labels);
    case "and": return node.nodes.every((n) => evaluate(n, labels));
    case "or": return node.nodes.some((n) => evaluate(n, labels));
    }
}
