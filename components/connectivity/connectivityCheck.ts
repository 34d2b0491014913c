/**
 * goldpinger: a DaemonSet (a pod on every node of both pools) and a Deployment (pods that move when the legacy pool
 * is cordoned and drained), all selected by one label so each pod pings every other one. The connectivity gate
 * reads `/check_all` through the API server's service proxy.
 *
 * The workloads skip Pulumi's readiness await on purpose: the phase gate is the readiness check (every pod
 * answered, every ping OK), and awaiting here would tie goldpinger to node groups that are themselves ordered
 * after the gate.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { GOLDPINGER, GOLDPINGER_POD_LABEL } from "../../migration/names";


/** The goldpinger image used unless told otherwise: pinned, never `latest`. */
export const GOLDPINGER_IMAGE = "bloomberg/goldpinger:3.10.2";

export interface ConnectivityCheckArgs {
    provider: k8s.Provider;
    /** Pinned image, e.g. "bloomberg/goldpinger:3.10.2". */
    image: string;
    /** Namespace, created here. Default "goldpinger" (where the gate CLI looks unless told otherwise). */
    namespace?: string;
    /** Replicas of the Deployment. Default 2. */
    deploymentReplicas?: number;
    /** External targets each pod probes (goldpinger's HTTP_TARGETS / TCP_TARGETS): `https://…` or `host:port`. Default none. */
    egressTargets?: string[];
}

const [LABEL_KEY, LABEL_VALUE] = GOLDPINGER_POD_LABEL;
const GOLDPINGER_PORT = GOLDPINGER.port;
export const GOLDPINGER_LABELS = { [LABEL_KEY]: LABEL_VALUE, "app.kubernetes.io/instance": "goldpinger" };
export const GOLDPINGER_SELECTOR = `${LABEL_KEY}=${LABEL_VALUE}`;

export class ConnectivityCheck extends pulumi.ComponentResource {
    public readonly namespace: string;
    /** Name of the Service and of the Deployment. */
    public readonly name = GOLDPINGER.service;
    public readonly deployment: k8s.apps.v1.Deployment;
    public readonly daemonSet: k8s.apps.v1.DaemonSet;

    constructor(name: string, args: ConnectivityCheckArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-cilium-migration:index:ConnectivityCheck", name, {}, opts);
        if (!/(:[A-Za-z0-9._-]+|@sha256:[0-9a-f]{64})$/.test(args.image) || args.image.endsWith(":latest")) {
            throw new pulumi.ResourceError(`goldpinger image ${JSON.stringify(args.image)} must be pinned by tag or digest (not :latest).`, this);
        }
        this.namespace = args.namespace ?? GOLDPINGER.namespace;
        const k8sOpts = { parent: this, provider: args.provider };
        const metadata = (extra: Record<string, string> = {}) => ({ name: this.name, namespace: this.namespace, labels: { ...GOLDPINGER_LABELS, ...extra } });

        const ns = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: this.namespace } }, k8sOpts);
        const inNs = { ...k8sOpts, dependsOn: [ns] };
        const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-service-account`, { metadata: metadata() }, inNs);
        // goldpinger finds its peers by listing pods with its label, in its own namespace only.
        const role = new k8s.rbac.v1.Role(`${name}-role`, {
            metadata: metadata(),
            rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] }],
        }, inNs);
        const binding = new k8s.rbac.v1.RoleBinding(`${name}-role-binding`, {
            metadata: metadata(),
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: this.name },
            subjects: [{ kind: "ServiceAccount", name: this.name, namespace: this.namespace }],
        }, { ...inNs, dependsOn: [role, serviceAccount] });
        const workloadOpts = { ...inNs, dependsOn: [binding] };
        const skipAwait = { "pulumi.com/skipAwait": "true" };

        this.daemonSet = new k8s.apps.v1.DaemonSet(`${name}-daemonset`, {
            metadata: { ...metadata({ "app.kubernetes.io/component": "daemonset" }), annotations: skipAwait },
            spec: {
                selector: { matchLabels: { ...GOLDPINGER_LABELS, "app.kubernetes.io/component": "daemonset" } },
                template: goldpingerPodTemplate(args.image, "daemonset", this.name, args.egressTargets),
            },
        }, workloadOpts);
        this.deployment = new k8s.apps.v1.Deployment(`${name}-deployment`, {
            metadata: { ...metadata({ "app.kubernetes.io/component": "deployment" }), annotations: skipAwait },
            spec: {
                replicas: args.deploymentReplicas ?? 2,
                selector: { matchLabels: { ...GOLDPINGER_LABELS, "app.kubernetes.io/component": "deployment" } },
                template: goldpingerPodTemplate(args.image, "deployment", this.name, args.egressTargets),
            },
        }, workloadOpts);
        new k8s.core.v1.Service(`${name}-service`, {
            metadata: metadata(),
            spec: {
                type: "ClusterIP",
                selector: GOLDPINGER_LABELS,
                ports: [{ name: "http", port: GOLDPINGER_PORT, targetPort: "http", protocol: "TCP" }],
            },
        }, inNs);
        this.registerOutputs({ namespace: this.namespace });
    }
}

/**
 * goldpinger's own external probes (bloomberg/goldpinger `config.go`: `HTTP_TARGETS` — a 200 is success — and
 * `TCP_TARGETS`, each space-delimited); their results come back in `/check_all` per pod, as `probeResults`.
 */
export function egressEnv(targets: string[]): { name: string; value: string }[] {
    const http = targets.filter((t) => /^https?:\/\//.test(t));
    const tcp = targets.filter((t) => !/^https?:\/\//.test(t));
    return [
        ...(http.length > 0 ? [{ name: "HTTP_TARGETS", value: http.join(" ") }] : []),
        ...(tcp.length > 0 ? [{ name: "TCP_TARGETS", value: tcp.join(" ") }] : []),
    ];
}

/** The goldpinger pod: unprivileged, read-only root, no extra tolerations (it must not start before Cilium). */
export function goldpingerPodTemplate(image: string, component: string, serviceAccountName: string, egressTargets: string[] = []) {
    const fromField = (fieldPath: string) => ({ valueFrom: { fieldRef: { fieldPath } } });
    const probe = { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 10, timeoutSeconds: 2 };
    return {
        metadata: { labels: { ...GOLDPINGER_LABELS, "app.kubernetes.io/component": component } },
        spec: {
            serviceAccountName,
            securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
            containers: [{
                name: "goldpinger",
                image,
                env: [
                    { name: "HOSTNAME", ...fromField("spec.nodeName") },
                    { name: "POD_IP", ...fromField("status.podIP") },
                    { name: "NAMESPACE", ...fromField("metadata.namespace") },
                    { name: "HOST", value: "0.0.0.0" },
                    { name: "PORT", value: String(GOLDPINGER_PORT) },
                    { name: "LABEL_SELECTOR", value: GOLDPINGER_SELECTOR },
                    ...egressEnv(egressTargets),
                ],
                ports: [{ name: "http", containerPort: GOLDPINGER_PORT, protocol: "TCP" }],
                readinessProbe: probe,
                livenessProbe: probe,
                resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "64Mi" } },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
            }],
        },
    };
}
