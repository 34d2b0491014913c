/**
 * Reads a JSON file of cluster objects without ever holding it as one string. `kubectl get pods -A -o json` of a
 * 150,000-pod cluster is about 1.7 GB, past the largest string V8 can make (0x1fffffe8 characters, field notes
 * "Scale"), so `readFileSync` + `JSON.parse` cannot read it at all.
 *
 * The file is read in chunks. Its top level must be an object; each top-level key whose value is an array (`items`
 * of a List, `nodegroups`, `Subnets`, …) is cut into its elements at the byte level — only string quoting and bracket
 * depth are tracked — and each element is `JSON.parse`d on its own and handed to `reduce` at once, so the raw text
 * of one element lives only until it is reduced. Every other top-level value is parsed whole. `JSON.parse` stays the
 * judge of what is valid: the byte scan only finds where an element ends.
 */
import * as fs from "fs";
import { InputError } from "./inputError";
import { firstSyntaxError } from "./jsonSyntax";

const CHUNK = 8 * 2 ** 20;
const [QUOTE, BACKSLASH, OPEN_OBJECT, CLOSE_OBJECT, OPEN_ARRAY, CLOSE_ARRAY, COMMA, COLON] = [0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a];
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** A file that is not JSON, with the byte offset (and line) where it stops being JSON. */
export class JsonFileError extends InputError {
    constructor(readonly file: string, readonly offset: number, readonly line: number, readonly detail: string) {
        super(`${file} is not valid JSON at byte ${offset} (line ${line}): ${detail}`);
        this.name = "JsonFileError";
    }
}

/** What to keep of one element of a top-level array; `undefined` drops it. */
export type Reduce = (key: string, item: unknown) => unknown;

/**
 * The end (exclusive) of the JSON value starting at `start`, or -1 when the buffer ends first. Strings are skipped
 * with `indexOf` (most of a kubectl file is inside strings); brackets are only counted, never matched: a value that
 * is cut at the wrong place fails `JSON.parse`, which names the error.
 */
export function valueEnd(buf: Buffer, start: number): number {
    let depth = 0;
    let i = start;
    const n = buf.length;
    for (;;) {
        // Most bytes of an indented kubectl file are spaces or plain characters: one table look-up passes them
        // (inside a value, white space and commas mean nothing to the cutter).
        const skip = depth > 0 ? DELIMITER : PLAIN;
        while (i < n && BYTE_CLASS[buf[i]] <= skip) i++;
        if (i >= n) return -1;
        const kind = BYTE_CLASS[buf[i]];
        if (kind === STRING) {
            i = stringEnd(buf, i);
            if (i < 0) return -1;
            if (depth === 0) return i;
            continue;
        }
        if (kind === OPEN) depth++;
        else if (kind === CLOSE) {
            if (depth === 0) return i; // a scalar ended by its container's bracket
            if (--depth === 0) return i + 1;
        } else return i; // at depth 0, a comma or white space ends a scalar
        i++;
    }
}

const [PLAIN, DELIMITER, STRING, OPEN, CLOSE] = [0, 1, 2, 3, 4];
/** What each byte means to the cutter; white space and commas only matter at depth 0 (they end a scalar). */
const BYTE_CLASS = (() => {
    const table = new Uint8Array(256);
    table[QUOTE] = STRING;
    table[OPEN_OBJECT] = table[OPEN_ARRAY] = OPEN;
    table[CLOSE_OBJECT] = table[CLOSE_ARRAY] = CLOSE;
    for (const c of [COMMA, 0x20, 0x0a, 0x0d, 0x09]) table[c] = DELIMITER;
    return table;
})();

/** The index just past the closing quote of the string opened at `open`, or -1 when the buffer ends first. */
function stringEnd(buf: Buffer, open: number): number {
    let from = open + 1;
    for (;;) {
        const quote = buf.indexOf(QUOTE, from);
        if (quote < 0) return -1;
        let backslashes = 0;
        for (let k = quote - 1; k > open && buf[k] === BACKSLASH; k--) backslashes++;
        if (backslashes % 2 === 0) return quote + 1;
        from = quote + 1;
    }
}

/** Reads `file` chunk by chunk; `pos` is an index into `buf`, whose first byte is at `base` in the file. */
class ChunkedFile {
    buf = Buffer.alloc(0);
    pos = 0;
    base = 0;
    private eof = false;
    constructor(readonly file: string, private readonly fd: number, private readonly chunkSize: number) {}

    /** Appends the next chunk, keeping `buf` from `keep` on. False at the end of the file. */
    more(keep: number): boolean {
        if (this.eof) return false;
        const chunk = Buffer.allocUnsafe(Math.max(this.chunkSize, this.buf.length - keep));
        const read = fs.readSync(this.fd, chunk, 0, chunk.length, null);
        if (read === 0) { this.eof = true; return false; }
        this.base += keep;
        this.pos -= keep;
        this.buf = keep < this.buf.length ? Buffer.concat([this.buf.subarray(keep), chunk.subarray(0, read)]) : chunk.subarray(0, read);
        return true;
    }

    /** The next byte that is not white space (not consumed), or -1 at the end of the file. */
    peek(): number {
        for (;;) {
            while (this.pos < this.buf.length && isSpace(this.buf[this.pos])) this.pos++;
            if (this.pos < this.buf.length) return this.buf[this.pos];
            if (!this.more(this.pos)) return -1;
        }
    }

    expect(byte: number, what: string): void {
        if (this.peek() !== byte) this.fail(this.pos, this.peek() < 0 ? `the file ends where ${what} was expected (truncated?)` : `expected ${what}`);
        this.pos++;
    }

    /** The next JSON value, parsed, and consumed. */
    value(): unknown {
        let end = valueEnd(this.buf, this.pos);
        while (end < 0) {
            if (!this.more(this.pos)) this.fail(this.buf.length, "the file ends inside a value (truncated?)");
            end = valueEnd(this.buf, this.pos);
        }
        if (end === this.pos) this.fail(this.pos, "expected a value");
        const text = this.buf.toString("utf8", this.pos, end);
        try {
            const parsed: unknown = JSON.parse(text);
            this.pos = end;
            return parsed;
        } catch (err) {
            const at = firstSyntaxError(text) ?? text.length;
            return this.fail(this.pos + Buffer.byteLength(text.slice(0, at)), (err as Error).message.split("\n")[0]);
        }
    }

    /** Throws a JsonFileError at `index` of `buf`, counting the lines before it (only ever on failure). */
    fail(index: number, detail: string): never {
        const offset = this.base + index;
        throw new JsonFileError(this.file, offset, lineAt(this.fd, offset), detail);
    }
}

function lineAt(fd: number, offset: number): number {
    const chunk = Buffer.allocUnsafe(CHUNK);
    let line = 1;
    for (let at = 0; at < offset;) {
        const read = fs.readSync(fd, chunk, 0, Math.min(chunk.length, offset - at), at);
        if (read === 0) break;
        for (let i = 0; i < read; i++) if (chunk[i] === 0x0a) line++;
        at += read;
    }
    return line;
}

/**
 * Reads a JSON object from `file`: array values element by element through `reduce` (kept when it returns a value),
 * other values whole. Throws JsonFileError (file, byte offset, line) when the file is not one JSON object.
 */
export function readJsonObject(file: string, reduce: Reduce = (_key, item) => item, options: { chunkSize?: number } = {}): Record<string, unknown> {
    const fd = fs.openSync(file, "r");
    try {
        return readObject(new ChunkedFile(file, fd, options.chunkSize ?? CHUNK), reduce);
    } finally {
        fs.closeSync(fd);
    }
}

function readObject(f: ChunkedFile, reduce: Reduce): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    const first = f.peek();
    if (first < 0) f.fail(f.pos, "the file is empty");
    // Valid JSON of another kind (an array, a string, a number) is the wrong file, not a broken one.
    if (first !== OPEN_OBJECT && "[\"-0123456789tfn".includes(String.fromCharCode(first))) throw new InputError(`${f.file} must hold a JSON object, not ${first === OPEN_ARRAY ? "an array" : "a single value"}`);
    if (first !== OPEN_OBJECT) f.fail(f.pos, "the file does not hold a JSON object");
    f.pos++;
    if (f.peek() === CLOSE_OBJECT) f.pos++;
    else {
        for (;;) {
            if (f.peek() !== QUOTE) f.fail(f.pos, f.peek() < 0 ? "the file ends inside the top-level object (truncated?)" : "expected a key");
            const key = f.value() as string;
            f.expect(COLON, "`:`");
            result[key] = f.peek() === OPEN_ARRAY ? readArray(f, key, reduce) : f.value();
            if (f.peek() === COMMA) { f.pos++; continue; }
            f.expect(CLOSE_OBJECT, "`,` or `}`");
            break;
        }
    }
    if (f.peek() >= 0) f.fail(f.pos, "unexpected data after the top-level object");
    return result;
}

function readArray(f: ChunkedFile, key: string, reduce: Reduce): unknown[] {
    const kept: unknown[] = [];
    f.pos++;
    if (f.peek() === CLOSE_ARRAY) { f.pos++; return kept; }
    for (;;) {
        if (f.peek() < 0) f.fail(f.pos, `the file ends inside \`${key}\` (truncated?)`);
        const item = reduce(key, f.value());
        if (item !== undefined) kept.push(item);
        if (f.peek() === COMMA) { f.pos++; continue; }
        f.expect(CLOSE_ARRAY, "`,` or `]`");
        return kept;
    }
}
