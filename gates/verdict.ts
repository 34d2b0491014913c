/** What a check returns: the findings it printed and a verdict with one reason. */
export interface Verdict {
    check: string;
    pass: boolean;
    /** One line each, in order: what was seen. */
    findings: string[];
    /** Why it failed (the first problem), or a one-line summary when it passed. */
    reason: string;
    /** A short progress figure for `--wait`, e.g. "2/3 new nodes ready". */
    progress?: string;
}

/** Collects findings and problems; the first problem becomes the reason. */
export class Findings {
    readonly lines: string[] = [];
    readonly problems: string[] = [];
    progress?: string;
    constructor(private readonly check: string) {}

    ok(line: string): void {
        this.lines.push(`${this.check}: ${line}`);
    }

    problem(line: string): void {
        this.problems.push(line);
        this.lines.push(`${this.check}: ${line}`);
    }

    verdict(summary: string): Verdict {
        const pass = this.problems.length === 0;
        const reason = pass ? summary : this.problems.length === 1 ? this.problems[0] : `${this.problems[0]} (and ${this.problems.length - 1} more)`;
        return { check: this.check, pass, findings: this.lines, reason, progress: this.progress };
    }
}
