/**
 * MIME multi-part user data (RFC 2046 `multipart/mixed`), as cloud-init and nodeadm read it and as
 * terraform-aws-eks's cloudinit provider writes it (tests/fixtures/real/terraform-aws-eks/user-data). Parts are kept
 * as spans of the original text, so a part can be added without touching any other byte.
 */
export interface MimePart {
    headers: Record<string, string>;
    /** The part's content type, lower case, without parameters. */
    contentType: string;
    body: string;
    /** Where the part (its delimiter line) starts, and where its body ends. */
    start: number;
    end: number;
}

export interface MimeMessage {
    /** The message's multipart subtype (`mixed`, `alternative`, …), lower case. */
    subtype: string;
    boundary: string;
    parts: MimePart[];
    /** Where the closing delimiter (`--boundary--`) starts. */
    closeAt: number;
    /** The line ending the message uses. */
    eol: string;
}

function headerBlock(text: string): { headers: Record<string, string>; bodyAt: number } {
    const headers: Record<string, string> = {};
    const end = /\r?\n\r?\n/.exec(text);
    const block = end ? text.slice(0, end.index) : text;
    for (const line of block.split(/\r?\n(?![ \t])/)) {
        const at = line.indexOf(":");
        if (at > 0) headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).replace(/\r?\n[ \t]+/g, " ").trim();
    }
    return { headers, bodyAt: end ? end.index + end[0].length : text.length };
}

/** The message, or undefined when the text is not a multipart message. */
export function parseMime(text: string): MimeMessage | undefined {
    const { headers, bodyAt } = headerBlock(text);
    const type = headers["content-type"] ?? "";
    // Any multipart subtype: nodeadm reads every one (`configprovider` getMultipartReader: strings.HasPrefix(mediaType,
    // "multipart/")); the caller decides what else it reads in which (userData.ts).
    const subtype = /^multipart\/([a-z0-9.+-]+)/i.exec(type)?.[1]?.toLowerCase();
    if (!subtype) return undefined;
    const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
    if (!boundary) return undefined;
    const eol = text.includes("\r\n") ? "\r\n" : "\n";
    const delimiters = [...text.slice(bodyAt).matchAll(new RegExp(`(^|\\r?\\n)--${boundary.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(--)?[ \\t]*(?=\\r?\\n|$)`, "g"))]
        .map((m) => ({ at: bodyAt + (m.index ?? 0) + m[1].length, lineEnd: bodyAt + (m.index ?? 0) + m[0].length, closing: m[2] === "--" }));
    const parts: MimePart[] = [];
    let closeAt = text.length;
    for (let i = 0; i < delimiters.length; i++) {
        const d = delimiters[i];
        if (d.closing) { closeAt = d.at; break; }
        const next = delimiters[i + 1];
        const raw = text.slice(d.lineEnd + (text[d.lineEnd] === "\r" ? 2 : 1), next ? next.at : text.length);
        const part = headerBlock(raw);
        const body = raw.slice(part.bodyAt).replace(/\r?\n$/, "");
        parts.push({ headers: part.headers, contentType: (part.headers["content-type"] ?? "text/plain").split(";")[0].trim().toLowerCase(), body, start: d.at, end: next ? next.at : text.length });
    }
    return { subtype, boundary, parts, closeAt, eol };
}

/** A new part's text, in the form the cloudinit provider writes (a delimiter line, headers, a blank line, the body). */
export function partText(message: Pick<MimeMessage, "boundary" | "eol">, contentType: string, body: string): string {
    const { boundary, eol } = message;
    return [`--${boundary}`, "Content-Transfer-Encoding: 7bit", `Content-Type: ${contentType}`, "Mime-Version: 1.0", "", body, ""].join(eol);
}
