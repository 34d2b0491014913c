/**
 * Look-ups the checks make once per pod, built once per run: a 1,000-node, 30,000-pod cluster must not be scanned
 * once per pod (bench/preflight.bench.ts measures it against the time to parse the files).
 */
import { itemsOf, nameOf } from "./objects";
import { Obj, PreflightInput } from "./types";

export interface PreflightIndex {
    node: (name: string) => Obj | undefined;
    /** Objects of a namespaced kind in one namespace. */
    inNamespace: (kind: "poddisruptionbudgets" | "deployments", namespace: string) => Obj[];
    named: (kind: "persistentvolumeclaims" | "statefulsets", namespace: string, name: string) => Obj | undefined;
    persistentVolume: (name: string) => Obj | undefined;
}

export function buildIndex(input: PreflightInput): PreflightIndex {
    const nodes = new Map(itemsOf(input.nodes).map((n) => [nameOf(n), n]));
    const byNamespace = new Map<string, Obj[]>();
    for (const kind of ["poddisruptionbudgets", "deployments"] as const) {
        for (const o of itemsOf(input[kind])) {
            const key = `${kind}/${o.metadata?.namespace}`;
            const list = byNamespace.get(key);
            if (list) list.push(o);
            else byNamespace.set(key, [o]);
        }
    }
    const named = new Map<string, Obj>();
    for (const kind of ["persistentvolumeclaims", "statefulsets"] as const) {
        for (const o of itemsOf(input[kind])) named.set(`${kind}/${o.metadata?.namespace}/${nameOf(o)}`, o);
    }
    const volumes = new Map(itemsOf(input.persistentvolumes).map((v) => [nameOf(v), v]));
    return {
        node: (name) => nodes.get(name),
        inNamespace: (kind, namespace) => byNamespace.get(`${kind}/${namespace}`) ?? [],
        named: (kind, namespace, name) => named.get(`${kind}/${namespace}/${name}`),
        persistentVolume: (name) => volumes.get(name),
    };
}
