/**
 * Small validators for raw config values. Each returns the typed value or records an error that names the key,
 * the value and what is allowed; `parseConfig` collects them all so an operator fixes every mistake in one go.
 */
export class ConfigError extends Error {
    constructor(public readonly problems: string[]) {
        super(problems.length === 1 ? problems[0] : `invalid stack config:\n- ${problems.join("\n- ")}`);
        this.name = "ConfigError";
    }
}

export class Problems {
    readonly list: string[] = [];
    add(message: string): void {
        this.list.push(message);
    }
    throwIfAny(): void {
        if (this.list.length > 0) throw new ConfigError(this.list);
    }
}

const show = (value: unknown): string => JSON.stringify(value);

/** A raw value that could not even be decoded: its problem is already recorded, so validators stay silent. */
export const INVALID = Symbol("invalid config value");

export function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function wholeNumber(p: Problems, key: string, value: unknown, min: number, max: number): number | undefined {
    if (value === INVALID) return undefined;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
        p.add(`\`${key}\` is ${show(value)}; it must be a whole number from ${min} to ${max}.`);
        return undefined;
    }
    return value;
}

export function bool(p: Problems, key: string, value: unknown): boolean | undefined {
    if (value === INVALID) return undefined;
    if (typeof value !== "boolean") {
        p.add(`\`${key}\` is ${show(value)}; it must be true or false.`);
        return undefined;
    }
    return value;
}

export function matching(p: Problems, key: string, value: unknown, pattern: RegExp, allowed: string): string | undefined {
    if (value === INVALID) return undefined;
    if (typeof value !== "string" || !pattern.test(value)) {
        p.add(`\`${key}\` is ${show(value)}; it must be ${allowed}.`);
        return undefined;
    }
    return value;
}

export function oneOf<T extends string>(p: Problems, key: string, value: unknown, allowed: readonly T[]): T | undefined {
    if (value === INVALID) return undefined;
    if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
        p.add(`\`${key}\` is ${show(value)}; allowed: ${allowed.map((a) => show(a)).join(", ")}.`);
        return undefined;
    }
    return value as T;
}

export function stringList(p: Problems, key: string, value: unknown, pattern: RegExp, allowed: string): string[] | undefined {
    if (value === INVALID) return undefined;
    if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === "string" && pattern.test(v))) {
        p.add(`\`${key}\` is ${show(value)}; it must be a non-empty list of ${allowed}.`);
        return undefined;
    }
    return value as string[];
}

/** Refuses keys the schema does not know, so a typo (`desiredSzie`) does not silently fall back to a default. */
export function noUnknownKeys(p: Problems, key: string, value: Record<string, unknown>, known: readonly string[]): void {
    for (const k of Object.keys(value)) {
        if (!known.includes(k)) p.add(`\`${key}.${k}\` is not a known key; known keys of \`${key}\`: ${known.join(", ")}.`);
    }
}

/** Stack config durations: what the gate CLI and migration/duration.ts parse. */
export { DURATION } from "../migration/duration";
