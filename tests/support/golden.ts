/**
 * Golden files: whole outputs (every verdict line, every finding's message and remedy) held exactly, so a change of
 * wording or of a count is seen — and a mutation run's string and arithmetic mutants are killed. After a deliberate
 * change, `UPDATE_GOLDEN=1 npm run test:unit` (after `npm run build`) writes them anew; review the diff.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { FIXTURES } from "./paths";

export class Golden {
    private readonly file: string;
    private readonly expected: Record<string, unknown>;
    private readonly seen: Record<string, unknown> = {};
    constructor(name: string) {
        this.file = path.join(FIXTURES, "golden", `${name}.json`);
        this.expected = fs.existsSync(this.file) ? JSON.parse(fs.readFileSync(this.file, "utf8")) : {};
    }

    check(key: string, actual: unknown): void {
        const value = JSON.parse(JSON.stringify(actual ?? null));
        this.seen[key] = value;
        if (process.env.UPDATE_GOLDEN) return;
        assert.ok(key in this.expected, `${key}: not in ${this.file}; UPDATE_GOLDEN=1 writes it`);
        assert.deepStrictEqual(value, this.expected[key], `${key} differs from ${this.file}`);
    }

    /** With UPDATE_GOLDEN, writes what was seen (call from `after`). */
    save(): void {
        if (process.env.UPDATE_GOLDEN) fs.writeFileSync(this.file, `${JSON.stringify({ ...this.expected, ...this.seen }, null, 1)}\n`);
    }
}
