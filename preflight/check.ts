/** The shape of one preflight check: the design's id and severity, the files it reads, and what it finds. */
import { Finding, InputPart, PreflightContext } from "./types";

/** What a check found: one hazard, with the objects involved. Severity and phase default to the check's own. */
export type Hit = Pick<Finding, "message" | "objects" | "remedy"> & Partial<Pick<Finding, "severity" | "phase">>;

export interface PreflightCheck {
    id: string;
    severity: Finding["severity"];
    /** The phase that goes wrong, or null. */
    phase: number | null;
    /** The files it reads: any missing makes it `not-checked` (unless `anyOf` and the others show the hazard). */
    needs: InputPart[];
    /**
     * Each file in `needs` is evidence on its own (the design's "an X *or* a Y"): with one missing, what the others show
     * is still reported, and the check is `not-checked` only when it found nothing — the missing file could hide it.
     */
    anyOf?: boolean;
    run: (ctx: PreflightContext) => Hit[];
}

/** A short list for a message: the first few, and how many more. */
export function some(items: string[], max = 5): string {
    return items.length <= max ? items.join(", ") : `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}
