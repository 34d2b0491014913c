/**
 * Enough of the POSIX shell's word splitting (sh(1) "Quoting") to read one command of a user-data script the way bash
 * will: `'…'` literal, `"…"` with `\"`, `\\`, `\$`, `` \` `` escapes, `\x` outside quotes, `\<newline>` a line
 * continuation. A word holding an expansion (`$X`, `${X}`, `$(…)`, `` `…` ``) is marked `dynamic`: its value is only
 * known at boot. Each word keeps its span in the script, so a caller can replace one word and leave every other byte.
 */
export interface ShellWord {
    /** The word as the command receives it (expansions left as written). */
    value: string;
    start: number;
    end: number;
    dynamic: boolean;
}

const SEPARATORS = new Set([";", "&", "|", "\n", "#", "(", ")", "<", ">"]);

/**
 * A redirection operator at `at` (`>`, `>>`, `<`, `2>&1`, `&>`, `<<`, …), its length; 0 when there is none. An unquoted
 * run of digits right before `<` or `>` is the redirection's file descriptor, not a word (POSIX Shell Command
 * Language 2.7 "Redirection": "[n]redir-op word"; 2.10.1 token IO_NUMBER).
 */
function redirectAt(script: string, at: number): number {
    const op = /(?:[0-9]+|&)?(?:<<-?|<<<|>>|<>|>\||<&|>&|<|>)/y;
    op.lastIndex = at;
    return op.exec(script)?.[0].length ?? 0;
}

const skipBlanks = (script: string, from: number): number => {
    let i = from;
    while (i < script.length && (script[i] === " " || script[i] === "\t" || (script[i] === "\\" && script[i + 1] === "\n"))) i += script[i] === "\\" ? 2 : 1;
    return i;
};

/**
 * The words of the command starting at `from`, up to its end (a newline, `;`, `&`, `|`, a comment) or its first
 * redirection (`>`, `<`, `2>&1`).
 */
export function commandWords(script: string, from: number): ShellWord[] {
    const words: ShellWord[] = [];
    let i = from;
    for (;;) {
        i = skipBlanks(script, i);
        if (i >= script.length || SEPARATORS.has(script[i]) || redirectAt(script, i) > 0) return words;
        const word = readWord(script, i);
        words.push(word);
        i = word.end;
    }
}

/**
 * The words the shell still passes to the command after its redirections (`cmd a >log b` runs `cmd a b`): each
 * redirection and its target skipped, up to the command's end.
 */
export function wordsAfterRedirections(script: string, end: number): ShellWord[] {
    const out: ShellWord[] = [];
    let i = skipBlanks(script, end);
    for (let op = redirectAt(script, i); op > 0; op = redirectAt(script, i)) {
        i = skipBlanks(script, i + op);
        if (i < script.length && !SEPARATORS.has(script[i])) i = readWord(script, i).end;
        const more = commandWords(script, i);
        out.push(...more);
        i = skipBlanks(script, more.length > 0 ? more[more.length - 1].end : i);
    }
    return out;
}

function readWord(script: string, start: number): ShellWord {
    let value = "";
    let dynamic = false;
    let i = start;
    while (i < script.length) {
        const c = script[i];
        if (c === " " || c === "\t" || SEPARATORS.has(c)) break;
        if (c === "'") {
            const close = script.indexOf("'", i + 1);
            if (close < 0) throw new ShellSyntaxError(`an unterminated single quote at offset ${i}`);
            value += script.slice(i + 1, close);
            i = close + 1;
        } else if (c === "\"") {
            i++;
            while (i < script.length && script[i] !== "\"") {
                if (script[i] === "\\" && "\"\\$`\n".includes(script[i + 1] ?? "")) {
                    if (script[i + 1] !== "\n") value += script[i + 1];
                    i += 2;
                    continue;
                }
                if (script[i] === "$" || script[i] === "`") dynamic = true;
                value += script[i++];
            }
            if (i >= script.length) throw new ShellSyntaxError(`an unterminated double quote at offset ${start}`);
            i++;
        } else if (c === "\\") {
            if (script[i + 1] === "\n") { i += 2; continue; }
            value += script[i + 1] ?? "";
            i += 2;
        } else {
            if (c === "$" || c === "`") dynamic = true;
            value += c;
            i++;
        }
    }
    return { value, start, end: i, dynamic };
}

/** A script the shell itself would refuse. */
export class ShellSyntaxError extends Error {}
