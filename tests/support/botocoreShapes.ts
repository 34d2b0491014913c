/** Where a JSON value departs from a botocore shape (tests/fixtures/real/botocore extracts): unknown members, wrong types, values outside an enum. */
import * as fs from "fs";
import * as path from "path";
import { FIXTURES } from "./paths";

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export function botocoreShapes(file: string): Record<string, Json> {
    return JSON.parse(fs.readFileSync(path.join(FIXTURES, "real", "botocore", file), "utf8")).shapes;
}

export function shapeErrors(shapes: Record<string, Json>, value: unknown, name: string, at = "$"): string[] {
    const shape = shapes[name];
    if (!shape) return [`${at}: no shape ${name} in the vendored model`];
    switch (shape.type) {
        case "structure":
            if (typeof value !== "object" || value === null || Array.isArray(value)) return [`${at}: not an object (${name})`];
            return Object.entries(value).flatMap(([k, v]) => shape.members[k] ? shapeErrors(shapes, v, shape.members[k].shape, `${at}.${k}`) : [`${at}.${k}: not a member of ${name}`]);
        case "list":
            return Array.isArray(value) ? value.flatMap((v, i) => shapeErrors(shapes, v, shape.member.shape, `${at}[${i}]`)) : [`${at}: not a list (${name})`];
        case "map":
            return typeof value === "object" && value !== null ? Object.entries(value).flatMap(([k, v]) => shapeErrors(shapes, v, shape.value.shape, `${at}.${k}`)) : [`${at}: not a map`];
        case "string":
            if (typeof value !== "string") return [`${at}: not a string (${name})`];
            return shape.enum && !shape.enum.includes(value) ? [`${at}: ${value} is not one of ${name}'s values`] : [];
        case "integer": case "long":
            return Number.isInteger(value) ? [] : [`${at}: not an integer`];
        case "boolean":
            return typeof value === "boolean" ? [] : [`${at}: not a boolean`];
        case "timestamp":
            return typeof value === "string" && !Number.isNaN(Date.parse(value)) ? [] : [`${at}: not an ISO timestamp`];
        default:
            return [`${at}: shape type ${shape.type} not handled`];
    }
}
