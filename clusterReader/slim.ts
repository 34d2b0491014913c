/**
 * Each object is cut down to what the checks read as soon as it is parsed, so a 150,000-pod cluster fits in memory:
 * a pod as kubectl prints it is 5–15 KB (most of it `managedFields`, container env, probes and status), the pod the
 * checks read is a few hundred bytes. Pods are kept by an allow-list (they are the bulk); every other kind loses only
 * what is large and never read. A check that starts reading a new pod field adds it here — tests/slim.test.ts runs
 * preflight and every gate on full and on slim objects and fails when their verdicts differ.
 */
import { AWS_NODE, KUBE_SYSTEM } from "../migration/names";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

/** Pod annotations a check reads: a mirror pod's marker (drain), a branch-ENI pod's (security groups for pods). */
export const POD_ANNOTATIONS_READ = ["kubernetes.io/config.mirror", "vpc.amazonaws.com/pod-eni"];
const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

const defined = (o: Obj): Obj => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
const pick = (o: Obj | undefined, keys: string[]): Obj | undefined => (o === undefined || o === null ? undefined : defined(Object.fromEntries(keys.map((k) => [k, o[k]]))));
const mapList = (list: unknown, f: (x: Obj) => Obj): Obj[] | undefined => (Array.isArray(list) ? list.map(f) : undefined);

/** A pod with the fields the gates, preflight and the forecast read. */
export function slimPod(pod: Obj): Obj {
    const m: Obj = pod.metadata ?? {};
    const annotations = m.annotations && pick(m.annotations, POD_ANNOTATIONS_READ);
    const spec: Obj | undefined = pod.spec;
    const container = (c: Obj) => defined({ name: c.name, image: c.image, ports: c.ports, restartPolicy: c.restartPolicy });
    return defined({
        apiVersion: pod.apiVersion, kind: pod.kind,
        metadata: defined({
            name: m.name, namespace: m.namespace, uid: m.uid, generation: m.generation, labels: m.labels,
            annotations: annotations && Object.keys(annotations).length > 0 ? annotations : undefined,
            ownerReferences: mapList(m.ownerReferences, (o) => pick(o, ["apiVersion", "kind", "name", "uid", "controller"]) as Obj),
            deletionTimestamp: m.deletionTimestamp,
        }),
        spec: spec && defined({
            nodeName: spec.nodeName, hostNetwork: spec.hostNetwork, nodeSelector: spec.nodeSelector, tolerations: spec.tolerations,
            affinity: spec.affinity?.nodeAffinity ? { nodeAffinity: spec.affinity.nodeAffinity } : undefined,
            priorityClassName: spec.priorityClassName, priority: spec.priority,
            volumes: mapList(spec.volumes, (v) => pick(v, ["name", "emptyDir", "persistentVolumeClaim", "hostPath"]) as Obj),
            containers: mapList(spec.containers, container), initContainers: mapList(spec.initContainers, container),
        }),
        status: pod.status && defined({
            phase: pod.status.phase, podIP: pod.status.podIP, hostIP: pod.status.hostIP,
            conditions: mapList(pod.status.conditions, (c) => pick(c, ["type", "status"]) as Obj),
        }),
    });
}

/**
 * Any other object without what is large and never read: `managedFields` (kept on aws-node's DaemonSet, whose
 * managers show values set outside the add-on: design "Scale"), the last-applied annotation, a node's image list.
 */
export function slimObject(part: string, o: Obj): Obj {
    const m: Obj | undefined = o.metadata;
    if (!m) return o;
    const keepManagers = part === "daemonsets" && m.name === AWS_NODE.daemonSet && m.namespace === KUBE_SYSTEM;
    const metadata = { ...m };
    if (!keepManagers) delete metadata.managedFields;
    if (metadata.annotations?.[LAST_APPLIED] !== undefined) {
        metadata.annotations = { ...metadata.annotations };
        delete metadata.annotations[LAST_APPLIED];
    }
    const slim: Obj = { ...o, metadata };
    if (part === "nodes" && o.status?.images) {
        slim.status = { ...o.status };
        delete slim.status.images;
    }
    return slim;
}

/** The reducer for one snapshot part's items (a List's `items`; other top-level arrays are kept as they are). */
export function slimmerFor(part: string): (key: string, item: unknown) => unknown {
    return (key, item) => {
        if (key !== "items" || typeof item !== "object" || item === null || Array.isArray(item)) return item;
        return part === "pods" ? slimPod(item as Obj) : slimObject(part, item as Obj);
    };
}
