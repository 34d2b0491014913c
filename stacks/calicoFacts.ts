/**
 * Calico's install in an existing cluster (design.md, "Calico as the policy engine"), as the program needs it to pin
 * calico-node from phase 1: tigera-operator's `Installation` `default` and Deployment (and its version), or a
 * manifest install's `calico-node` DaemonSet in kube-system; calico-node's and csi-node-driver's current affinity.
 *
 * The look-ups (`lookUpCalico`) go through `CalicoLookups`: live, the cluster's API (stacks/calicoLive.ts); in the
 * planner and the tests, a provider call the mock runtime answers from the cluster snapshot (plan/calicoSnapshot.ts).
 * A look-up that fails stops the program: "no Calico" is only ever an answer, never a guess. The judging is pure.
 */
import { CALICO_AGENT_DAEMONSETS } from "../migration/names";
import * as pulumi from "@pulumi/pulumi";
import { operatorVersion, tooOld } from "../preflight/calicoChecks";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = Record<string, any>;

/** What the program asks of the cluster: the Installations, or the Deployments / DaemonSets of one name (any namespace). */
export type CalicoQuery = { kind: "Installation" } | { kind: "Deployment" | "DaemonSet"; name: string } | { kind: "Objects"; of: ConversionPart }
    /** Which of Calico's policy APIs the cluster serves: one `{ metadata: { name: part } }` per served part (stacks/calicoRecord.ts). */
    | { kind: "Served" };

/** The conversion parts that are Calico's own APIs (CRDs phase 6 deletes): a read of them is complete only while all are served. */
export const CALICO_POLICY_PARTS = ["caliconetworkpolicies", "calicoglobalnetworkpolicies", "caliconetworksets", "calicoglobalnetworksets", "calicohostendpoints"] as const;
/**
 * Every object of a kind the policy conversion reads (stacks/calicoPolicies.ts), by its snapshot file's key
 * (migration/snapshotFiles.ts): Calico's policies, network sets and host endpoints, the Kubernetes NetworkPolicies (in
 * Calico's default tier), and the nodes and pods preflight's judge of in-cluster CIDRs reads.
 */
export const CONVERSION_PARTS = [...CALICO_POLICY_PARTS, "networkpolicies", "nodes", "pods"] as const;
export type ConversionPart = typeof CONVERSION_PARTS[number];

export interface CalicoLookups {
    /** The objects asked for (none: an empty list; a CRD that is not installed: none of its objects). */
    list(query: CalicoQuery): Promise<Obj[]>;
}

/** The provider call the planner's mock runtime answers from a snapshot (plan/calicoSnapshot.ts); no live provider has it. */
export const CALICO_LOOKUP_TOKEN = "eks-cilium-migration:calico:list";

/** The look-ups as provider calls: what the program makes under the mock runtime (plan/evaluate.ts). */
export const INVOKED_CALICO_LOOKUPS: CalicoLookups = {
    list: async (query) => ((await pulumi.runtime.invoke(CALICO_LOOKUP_TOKEN, query)) as { items?: Obj[] }).items ?? [],
};

/** calico-node in both installs, and the operator's CSI driver (migration/names.ts). */
export const CALICO_AGENTS = CALICO_AGENT_DAEMONSETS;
export type CalicoAgentName = typeof CALICO_AGENTS[number];

/** One of Calico's per-node agents as it runs: where, and its current pod affinity (none: no affinity of its own). */
export interface CalicoAgent { name: CalicoAgentName; namespace: string; affinity?: Obj }

export type CalicoInstall =
    | { kind: "none" }
    | {
        kind: "operator";
        /** The Installation the operator reconciles (`default`), if there is one. */
        installation?: Obj;
        /** tigera-operator's Deployment, `namespace/name`, if it runs. */
        operator?: string;
        /** Its version from the image tag (`v1.36.2`), if the tag says. */
        operatorVersion?: { text: string; major: number; minor: number };
        agents: CalicoAgent[];
    }
    | { kind: "manifest"; agents: CalicoAgent[] };

/** The Installation tigera-operator acts on: it reconciles only the one named `default` (operator docs, Installation reference). */
export const INSTALLATION_NAME = "default";

const qualified = (o: Obj) => `${o.metadata?.namespace}/${o.metadata?.name}`;

/** The install, from what the cluster answered. Pure. */
export function calicoInstallOf(found: { installations: Obj[]; operators: Obj[]; daemonSets: Obj[] }): CalicoInstall {
    const installation = found.installations.find((i) => i.metadata?.name === INSTALLATION_NAME);
    const operator = found.operators[0];
    const agents: CalicoAgent[] = found.daemonSets
        .filter((d) => (CALICO_AGENTS as readonly string[]).includes(d.metadata?.name))
        .map((d) => ({
            name: d.metadata.name as CalicoAgentName, namespace: d.metadata.namespace as string,
            ...(d.spec?.template?.spec?.affinity ? { affinity: d.spec.template.spec.affinity as Obj } : {}),
        }));
    if (installation || operator) {
        const version = operator ? operatorVersion(operator) : undefined;
        return {
            kind: "operator", agents,
            ...(installation ? { installation } : {}), ...(operator ? { operator: qualified(operator) } : {}), ...(version ? { operatorVersion: version } : {}),
        };
    }
    // Without the operator, calico-node is the manifests' own (kube-system); csi-node-driver is the operator's only.
    const manifest = agents.filter((a) => a.name === "calico-node");
    return manifest.length > 0 ? { kind: "manifest", agents: manifest } : { kind: "none" };
}

export async function lookUpCalico(lookups: CalicoLookups): Promise<CalicoInstall> {
    const installations = await lookups.list({ kind: "Installation" });
    const operators = await lookups.list({ kind: "Deployment", name: "tigera-operator" });
    const daemonSets = (await Promise.all(CALICO_AGENTS.map((name) => lookups.list({ kind: "DaemonSet", name })))).flat();
    return calicoInstallOf({ installations, operators, daemonSets });
}

/** An operator too old for the Installation's component overrides (before v1.28): nothing to pin calico-node with. */
export function operatorTooOld(install: CalicoInstall): string | undefined {
    if (install.kind !== "operator" || !install.operatorVersion) return undefined;
    return tooOld(install.operatorVersion) ? install.operatorVersion.text : undefined;
}

/** One line for `pulumi up` and the planner: what the program found. */
export function calicoNote(install: CalicoInstall): string | undefined {
    if (install.kind === "none") return undefined;
    const agents = install.agents.map((a) => `DaemonSet ${a.namespace}/${a.name}`).join(", ") || "no calico-node DaemonSet";
    return install.kind === "manifest"
        ? `Calico runs from manifests (${agents}): calico-node is pinned where aws-node runs with a server-side-apply patch of its DaemonSet from phase 1.`
        : `Calico runs under tigera-operator (${install.operator ? `Deployment ${install.operator}${install.operatorVersion ? ` ${install.operatorVersion.text}` : ""}` : "no operator Deployment found"}; ` +
            `${install.installation ? `Installation ${INSTALLATION_NAME}` : "no Installation default"}; ${agents}): calico-node is pinned where aws-node runs ` +
            "through the Installation's DaemonSet overrides from phase 1.";
}
