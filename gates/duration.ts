/** A duration as the gate writes it in its progress lines: "45s", "12m05s". */
export function formatDuration(ms: number): string {
    const s = Math.max(0, Math.round(ms / 1000));
    return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}
