/** Durations as kubectl writes them: "30s", "15m", "1h30m". */
export function parseDuration(text: string): number | undefined {
    if (!/^([0-9]+(h|m|s))+$/.test(text)) return undefined;
    let ms = 0;
    for (const [, n, unit] of text.matchAll(/([0-9]+)(h|m|s)/g)) ms += Number(n) * { h: 3_600_000, m: 60_000, s: 1000 }[unit as "h" | "m" | "s"];
    return ms;
}

export function formatDuration(ms: number): string {
    const s = Math.max(0, Math.round(ms / 1000));
    return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}
