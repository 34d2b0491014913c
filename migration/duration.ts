/**
 * A Go-style duration of whole hours, minutes and seconds ("1h30m", "720h", "90s"), as the gate CLI's `--wait`,
 * `cilium.timeout` and Karpenter's `expireAfter` take it; undefined for anything else. Pure.
 */
export const DURATION = /^([0-9]+(h|m|s))+$/;

export function parseDuration(text: string): number | undefined {
    if (!DURATION.test(text)) return undefined;
    let ms = 0;
    for (const [, n, unit] of text.matchAll(/([0-9]+)(h|m|s)/g)) ms += Number(n) * { h: 3_600_000, m: 60_000, s: 1000 }[unit as "h" | "m" | "s"];
    return ms;
}
