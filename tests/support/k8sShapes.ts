/**
 * Kubernetes' own shapes for kubectl-shaped fixtures: @kubernetes/client-node's models are generated from the
 * Kubernetes OpenAPI spec, and each carries `attributeTypeMap` (every field's JSON name and type). A fixture object
 * that uses a field the API does not have, or a value of the wrong type, is not what kubectl would print.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
interface Attribute { baseName: string; type: string }
type Models = Record<string, { attributeTypeMap?: Attribute[] } | undefined>;

let models: Models | undefined;

/** Loads the models once (the client is an ES module). */
export async function loadKubernetesModels(): Promise<Models> {
    models ??= (await import("@kubernetes/client-node")) as unknown as Models;
    return models;
}

/** Where `value` departs from the model `type` (e.g. "V1Pod"), as JSON paths; [] when it conforms. */
export function kubernetesShapeErrors(value: unknown, type: string, at = "$"): string[] {
    if (!models) throw new Error("call loadKubernetesModels() first");
    const inner = /^Array<(.*)>$/.exec(type)?.[1];
    if (inner) return Array.isArray(value) ? value.flatMap((v, i) => kubernetesShapeErrors(v, inner, `${at}[${i}]`)) : [`${at}: not a list (${type})`];
    const mapOf = /^\{ \[key: string\]: (.*); \}$/.exec(type)?.[1];
    if (mapOf) {
        return typeof value === "object" && value !== null && !Array.isArray(value)
            ? Object.entries(value).flatMap(([k, v]) => kubernetesShapeErrors(v, mapOf, `${at}.${k}`)) : [`${at}: not a map`];
    }
    switch (type) {
        case "any": return [];
        case "string": case "Date": case "V1MicroTime": return typeof value === "string" ? [] : [`${at}: not a string (${type})`];
        case "number": return typeof value === "number" ? [] : [`${at}: not a number`];
        case "boolean": return typeof value === "boolean" ? [] : [`${at}: not a boolean`];
        case "IntOrString": return typeof value === "number" || typeof value === "string" ? [] : [`${at}: not an int or string`];
    }
    const model = models[type];
    if (!model?.attributeTypeMap) return [`${at}: no model ${type}`];
    if (typeof value !== "object" || value === null || Array.isArray(value)) return [`${at}: not an object (${type})`];
    // A value of null is what kubectl prints for some unset fields (e.g. a condition's lastProbeTime).
    return Object.entries(value as Json).flatMap(([k, v]) => {
        const attr = model.attributeTypeMap?.find((a) => a.baseName === k);
        if (!attr) return [`${at}.${k}: not a field of ${type}`];
        return v === null ? [] : kubernetesShapeErrors(v, attr.type, `${at}.${k}`);
    });
}
