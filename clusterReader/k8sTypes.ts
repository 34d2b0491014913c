/**
 * The parts of Kubernetes objects the checks read, as `kubectl get … -o json` prints them. Everything is optional:
 * the checks treat a missing field as "not proven", never as "fine".
 */
export interface ObjectMeta {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { kind?: string; name?: string; controller?: boolean }[];
    deletionTimestamp?: string;
    generation?: number;
}

export interface Condition {
    type?: string;
    status?: string;
    reason?: string;
    message?: string;
}

export interface Taint {
    key?: string;
    value?: string;
    effect?: string;
}

export interface Node {
    metadata?: ObjectMeta;
    /** `providerID`: `aws:///<zone>/<instance id>` on EC2 (how a self-managed ASG's node is found). */
    spec?: { unschedulable?: boolean; taints?: Taint[]; providerID?: string };
    status?: { conditions?: Condition[] };
}

export interface Pod {
    metadata?: ObjectMeta;
    spec?: { nodeName?: string; hostNetwork?: boolean };
    status?: { phase?: string; conditions?: Condition[]; podIP?: string };
}

export interface NodeSelectorRequirement {
    key?: string;
    operator?: string;
    values?: string[];
}

export interface PodTemplateAffinity {
    nodeAffinity?: {
        requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: { matchExpressions?: NodeSelectorRequirement[] }[] };
    };
}

export interface DaemonSet {
    metadata?: ObjectMeta;
    spec?: { template?: { metadata?: { annotations?: Record<string, string> }; spec?: { affinity?: PodTemplateAffinity } } };
    status?: {
        desiredNumberScheduled?: number;
        numberReady?: number;
        updatedNumberScheduled?: number;
        numberAvailable?: number;
        observedGeneration?: number;
    };
}

export interface Deployment {
    metadata?: ObjectMeta;
    spec?: { replicas?: number };
    status?: { replicas?: number; readyReplicas?: number; availableReplicas?: number; updatedReplicas?: number; observedGeneration?: number };
}

export interface ConfigMap {
    metadata?: ObjectMeta;
    data?: Record<string, string>;
}

export interface CiliumEndpoint {
    metadata?: ObjectMeta;
}

export interface List<T> {
    kind?: string;
    items: T[];
}

/** goldpinger's `/check_all` body (goldpinger-swagger.yml, CheckAllResults). */
export interface GoldpingerPeerResult {
    OK?: boolean;
    PodIP?: string;
    HostIP?: string;
    error?: string;
    "status-code"?: number;
    "response-time-ms"?: number;
}

/** One of goldpinger's external probes (HTTP_TARGETS / TCP_TARGETS / HOSTS_TO_RESOLVE): no error is success. */
export interface GoldpingerProbeResult {
    error?: string;
    protocol?: string;
    "response-time-ms"?: number;
}

export interface GoldpingerPodResult {
    OK?: boolean;
    PodIP?: string;
    HostIP?: string;
    error?: string;
    /** `probeResults`: each external target → that pod's probes of it (goldpinger-swagger.yml, CheckResults). */
    response?: { podResults?: Record<string, GoldpingerPeerResult>; probeResults?: Record<string, GoldpingerProbeResult[]> };
}

export interface GoldpingerCheckAll {
    OK?: boolean;
    hosts?: { podName?: string; hostIP?: string; podIP?: string }[];
    responses?: Record<string, GoldpingerPodResult>;
}

/** Everything a check may read; each check names the parts it needs. */
export interface ClusterSnapshot {
    nodes?: List<Node>;
    pods?: List<Pod>;
    daemonsets?: List<DaemonSet>;
    deployments?: List<Deployment>;
    ciliumendpoints?: List<CiliumEndpoint>;
    goldpinger?: GoldpingerCheckAll;
    /** ConfigMaps of kube-system (Cilium's `cilium-config`). */
    configmaps?: List<ConfigMap>;
}

export type SnapshotPart = keyof ClusterSnapshot;
