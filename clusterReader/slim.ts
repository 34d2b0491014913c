/**
 * Each object is cut down to what the checks read as soon as it is parsed, so a 150,000-pod cluster fits in memory:
 * a pod as kubectl prints it is 5–15 KB (most of it `managedFields`, container env, probes and status), the pod the
 * checks read is a few hundred bytes, and what many pods hold alike is held once (SharedValues). Pods are kept by an
 * allow-list (they are the bulk); every other kind loses what is large and never read. A check that starts reading a
 * new pod field adds it here — tests/slim.test.ts runs preflight and every gate on full and on slim objects and fails
 * when their verdicts differ. Slim objects are shared between pods: checks read them, never write them.
 */
import { AWS_NODE, KUBE_SYSTEM } from "../migration/names";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

/** Pod annotations a check reads: a mirror pod's marker (drain), a branch-ENI pod's (security groups for pods). */
export const POD_ANNOTATIONS_READ = ["kubernetes.io/config.mirror", "vpc.amazonaws.com/pod-eni"];
/** The one container env var a check reads (the rest of env is dropped). */
export const POD_ENV_READ = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/** The keys of `o` that are set, copied (without building entry arrays: this runs once per pod). */
function pick(o: Obj | undefined, keys: readonly string[]): Obj | undefined {
    if (o === undefined || o === null) return undefined;
    const out: Obj = {};
    for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
    return out;
}
const mapList = (list: unknown, f: (x: Obj) => Obj | undefined): Obj[] | undefined => {
    if (!Array.isArray(list)) return undefined;
    const out: Obj[] = [];
    for (const x of list) {
        const y = f(x);
        if (y !== undefined) out.push(y);
    }
    return out;
};

const VOLUME_KINDS = ["emptyDir", "persistentVolumeClaim", "hostPath"] as const;

/**
 * A pod with the fields the gates, preflight and the forecast read: its readiness (the `Ready` condition, not the
 * others), volumes that hold data or host paths, container ports that take a host port. At 150,000 pods every
 * kept field costs megabytes and garbage-collection time.
 */
export function slimPod(pod: Obj, shared: SharedValues = new SharedValues()): Obj {
    const m: Obj = pod.metadata ?? {};
    const metadata: Obj = { name: m.name };
    if (m.namespace !== undefined) metadata.namespace = shared.string(m.namespace);
    if (m.generation !== undefined) metadata.generation = m.generation;
    if (m.deletionTimestamp !== undefined) metadata.deletionTimestamp = m.deletionTimestamp;
    if (m.labels) metadata.labels = shared.labels(m.labels);
    const annotations = m.annotations && pick(m.annotations, POD_ANNOTATIONS_READ);
    if (annotations && Object.keys(annotations).length > 0) metadata.annotations = annotations;
    const owners = mapList(m.ownerReferences, (o) => ({ kind: shared.string(o.kind), name: shared.string(o.name), ...(o.controller !== undefined ? { controller: o.controller } : {}) }));
    if (owners) metadata.ownerReferences = owners;
    const slim: Obj = { metadata };
    const spec: Obj | undefined = pod.spec;
    if (spec) {
        const out: Obj = {};
        if (spec.nodeName !== undefined) out.nodeName = shared.string(spec.nodeName);
        if (spec.hostNetwork !== undefined) out.hostNetwork = spec.hostNetwork;
        if (spec.nodeSelector !== undefined) out.nodeSelector = shared.labels(spec.nodeSelector);
        if (spec.affinity?.nodeAffinity) out.affinity = { nodeAffinity: spec.affinity.nodeAffinity };
        const volumes = mapList(spec.volumes, (v) => (VOLUME_KINDS.some((k) => v[k] !== undefined) ? pick(v, ["name", ...VOLUME_KINDS]) : undefined));
        if (volumes && volumes.length > 0) out.volumes = volumes;
        const container = (c: Obj) => {
            const hostPorts = mapList(c.ports, (p) => (p.hostPort ? pick(p, ["containerPort", "hostPort", "protocol"]) : undefined));
            const out: Obj = { name: shared.string(c.name) };
            if (hostPorts && hostPorts.length > 0) out.ports = hostPorts;
            // EKS Pod Identity's credentials URI: the host agent a CIDR rule may cover (preflight cidr-peer-in-cluster).
            const uri = Array.isArray(c.env) ? c.env.find((e: Obj) => e?.name === POD_ENV_READ && typeof e.value === "string") : undefined;
            if (uri) out.env = [{ name: POD_ENV_READ, value: shared.string(uri.value) }];
            return out;
        };
        out.containers = mapList(spec.containers, container);
        if (spec.initContainers) out.initContainers = mapList(spec.initContainers, (c) => ({ ...container(c), ...(c.restartPolicy ? { restartPolicy: c.restartPolicy } : {}) }));
        slim.spec = out;
    }
    const status: Obj | undefined = pod.status;
    if (status) {
        const out: Obj = {};
        if (status.phase !== undefined) out.phase = shared.string(status.phase);
        if (status.podIP !== undefined) out.podIP = status.podIP;
        if (status.hostIP !== undefined) out.hostIP = shared.string(status.hostIP);
        const ready = mapList(status.conditions, (c) => (c.type === "Ready" ? shared.condition(c.status) : undefined));
        if (ready) out.conditions = ready;
        slim.status = out;
    }
    return slim;
}

/**
 * Values many pods hold alike — namespaces, node names, owners, label sets of one ReplicaSet, the Ready condition —
 * kept once and shared (never mutated: the checks only read). At 150,000 pods the objects that survive the parse
 * are what the garbage collector spends its time on; sharing them makes the parse's copies die young.
 */
export class SharedValues {
    private readonly strings = new Map<string, string>();
    private readonly labelSets = new Map<string, Readonly<Record<string, string>>>();
    private readonly conditions = new Map<unknown, Obj>();
    private static readonly LIMIT = 500_000;

    string<T>(value: T): T {
        if (typeof value !== "string") return value;
        const known = this.strings.get(value);
        if (known !== undefined) return known as T;
        if (this.strings.size < SharedValues.LIMIT) this.strings.set(value, value);
        return value;
    }

    labels(labels: Record<string, string>): Readonly<Record<string, string>> {
        const key = JSON.stringify(labels);
        const known = this.labelSets.get(key);
        if (known) return known;
        const copy: Record<string, string> = {};
        for (const k of Object.keys(labels)) copy[this.string(k)] = this.string(labels[k]);
        if (this.labelSets.size < SharedValues.LIMIT) this.labelSets.set(key, copy);
        return copy;
    }

    condition(status: unknown): Obj {
        let known = this.conditions.get(status);
        if (!known) this.conditions.set(status, known = { type: "Ready", status });
        return known;
    }
}

/**
 * Any other object without what is large and never read: `managedFields` (kept on aws-node's DaemonSet, whose
 * managers show values set outside the add-on: design "Scale"), the last-applied annotation, a node's image list,
 * and of a Deployment's or StatefulSet's pod template all but its labels and container images. DaemonSets (a few
 * dozen) keep their template whole: the checks read aws-node's env and every agent's affinity.
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
    if ((part === "deployments" || part === "statefulsets") && o.spec?.template) slim.spec = { ...o.spec, template: slimTemplate(o.spec.template) };
    if (part === "nodes" && o.status?.images) {
        slim.status = { ...o.status };
        delete slim.status.images;
    }
    return slim;
}

/**
 * A Deployment's or StatefulSet's pod template as the checks read it: labels and annotations, and each container's
 * name and image (the Cluster Autoscaler is found by its image). A cluster can run thousands of them; their env,
 * probes and volumes are most of their size.
 */
function slimTemplate(template: Obj): Obj {
    const spec: Obj | undefined = template.spec;
    const containers = (list: unknown) => mapList(list, (c) => pick(c, ["name", "image"]));
    return {
        metadata: template.metadata && pick(template.metadata, ["labels", "annotations"]),
        spec: spec && { containers: containers(spec.containers), ...(spec.initContainers ? { initContainers: containers(spec.initContainers) } : {}) },
    };
}

/** The reducer for one snapshot part's items (a List's `items`; other top-level arrays are kept as they are). */
export function slimmerFor(part: string): (key: string, item: unknown) => unknown {
    const shared = new SharedValues();
    return (key, item) => {
        if (key !== "items" || typeof item !== "object" || item === null || Array.isArray(item)) return item;
        return part === "pods" ? slimPod(item as Obj, shared) : slimObject(part, item as Obj);
    };
}
