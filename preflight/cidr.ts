/**
 * IPv4 prefixes and the cluster's own addresses, indexed once: which pods, nodes and host agents a CIDR (minus its
 * `except` list) contains. Each kind is a sorted array of numeric addresses, so a rule costs two binary searches per
 * range, not a scan of 150,000 pods (design.md, "Scale").
 */

export interface Range { lo: number; hi: number }

/** An IPv4 prefix as a numeric range; `undefined` for IPv6; an Error naming what is wrong for anything malformed. */
export function parseCidr(text: unknown): Range | undefined | Error {
    if (typeof text !== "string") return new Error(`${JSON.stringify(text)} is not a CIDR`);
    if (text.includes(":")) return undefined;
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
    const octets = m ? m.slice(1, 5).map(Number) : [];
    const bits = m ? Number(m[5]) : NaN;
    if (!m || octets.some((o) => o > 255) || bits > 32) return new Error(`${JSON.stringify(text)} is not an IPv4 CIDR (a.b.c.d/n)`);
    const ip = octets.reduce((a, o) => a * 256 + o, 0);
    const size = 2 ** (32 - bits);
    const lo = ip - (ip % size);
    return { lo, hi: lo + size - 1 };
}

export function parseIp(text: unknown): number | undefined {
    const r = typeof text === "string" ? parseCidr(`${text}/32`) : undefined;
    return r && !(r instanceof Error) ? r.lo : undefined;
}

export interface Address { ip: number; name: string }

/** Addresses of one kind, sorted by number. */
export class AddressIndex {
    private readonly sorted: Address[];
    constructor(addresses: Address[]) { this.sorted = [...addresses].sort((a, b) => a.ip - b.ip); }

    /** The first position whose address is ≥ ip. */
    private lower(ip: number): number {
        let lo = 0, hi = this.sorted.length;
        while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if (this.sorted[mid].ip < ip) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private count(r: Range): number { return r.hi < r.lo ? 0 : this.lower(r.hi + 1) - this.lower(r.lo); }

    /** How many addresses lie in `range` but in none of `except` (clipped and merged), and the first `max` names. */
    covered(range: Range, except: Range[], max = 5): { count: number; names: string[] } {
        const holes = mergeRanges(except.map((e) => ({ lo: Math.max(e.lo, range.lo), hi: Math.min(e.hi, range.hi) })).filter((e) => e.lo <= e.hi));
        const count = this.count(range) - holes.reduce((n, h) => n + this.count(h), 0);
        const names: string[] = [];
        let h = 0;
        for (let i = this.lower(range.lo); i < this.sorted.length && this.sorted[i].ip <= range.hi && names.length < max; i++) {
            const ip = this.sorted[i].ip;
            while (h < holes.length && holes[h].hi < ip) h++;
            if (h < holes.length && holes[h].lo <= ip) { i = this.lower(holes[h].hi + 1) - 1; continue; }
            names.push(this.sorted[i].name);
        }
        return { count, names };
    }
}

export function mergeRanges(ranges: Range[]): Range[] {
    const out: Range[] = [];
    for (const r of [...ranges].sort((a, b) => a.lo - b.lo)) {
        const last = out[out.length - 1];
        if (last && r.lo <= last.hi + 1) last.hi = Math.max(last.hi, r.hi);
        else out.push({ ...r });
    }
    return out;
}
