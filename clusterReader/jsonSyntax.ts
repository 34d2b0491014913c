/**
 * Where a JSON text stops being JSON (RFC 8259's grammar). Only run after `JSON.parse` has failed: V8's messages do
 * not always carry a position ("Unexpected token '}', … is not valid JSON"), and a person fixing a 1.7 GB file
 * needs the byte offset.
 */

/** The index of the first character at which `text` is not valid JSON, or undefined when it is valid. */
export function firstSyntaxError(text: string): number | undefined {
    let i = 0;
    const space = () => { while (i < text.length && " \t\n\r".includes(text[i])) i++; };
    const literal = (word: string) => { for (const ch of word) { if (text[i] !== ch) throw i; i++; } };
    const number = () => {
        const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
        if (!match || match[0].length === 0) throw i;
        i += match[0].length;
    };
    const string = () => {
        i++;
        for (;;) {
            if (i >= text.length) throw i;
            const c = text.charCodeAt(i);
            if (c === 0x22) { i++; return; }
            if (c < 0x20) throw i;
            if (c === 0x5c) {
                const next = text[i + 1];
                if (next === "u") { if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw i; i += 6; continue; }
                if (next === undefined || !"\"\\/bfnrt".includes(next)) throw i;
                i += 2;
                continue;
            }
            i++;
        }
    };
    const value = (): void => {
        space();
        const c = text[i];
        if (c === "{") return members("}", () => { space(); if (text[i] !== "\"") throw i; string(); space(); if (text[i] !== ":") throw i; i++; value(); });
        if (c === "[") return members("]", value);
        if (c === "\"") return string();
        if (c === "t") return literal("true");
        if (c === "f") return literal("false");
        if (c === "n") return literal("null");
        number();
    };
    const members = (close: string, member: () => void) => {
        i++;
        space();
        if (text[i] === close) { i++; return; }
        for (;;) {
            member();
            space();
            if (text[i] === ",") { i++; continue; }
            if (text[i] === close) { i++; return; }
            throw i;
        }
    };
    try {
        value();
        space();
        return i < text.length ? i : undefined;
    } catch (at) {
        if (typeof at === "number") return at;
        throw at;
    }
}
