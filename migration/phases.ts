/**
 * The ground of the house: the closed set of migration phases — number, name, what each turns on, and the checks of
 * its gate — and the predicates the rest of the program uses. Imports nothing: the program (stacks/), the gates and
 * the planner all read it.
 *
 * Code never compares `phase >= 3` directly: it asks a predicate such as `ciliumNodesScaledUp(phase)`, so the
 * meaning of each phase lives here, next to the table that documents it (pulumi-eks `authenticationMode.ts` style).
 */

/** Every runtime check a gate (or a destructive step's pre-check) can run; gates/registry.ts implements each. */
export const CHECK_NAMES = [
    "connectivity", "aws-node-pinned", "cilium-operator-ready", "cilium-ready", "legacy-cordoned", "legacy-drained",
    "cilium-managed", "aws-node-removed", "legacy-retired", "kube-proxy-removed", "cilium-kube-proxy-replacement", "preflight",
    "cni-labels-complete",
] as const;

export type CheckName = (typeof CHECK_NAMES)[number];

export const PHASES = [
    { number: 0, name: "baseline", summary: "VPC, EKS cluster with its addons, ng-1 (aws-cni), empty tainted ng-cilium, goldpinger",
      existingSummary: "adopt the cluster's legacy node groups and add-ons as they are (import), empty tainted <group>-cilium twins, goldpinger", gate: ["preflight", "connectivity"] },
    { number: 1, name: "pin-aws-node", summary: "aws-node leaves nodes born with cni=cilium (cni NotIn [cilium] added to its node affinity)",
      existingSummary: "legacy node groups and their nodes labelled cni=aws-cni; aws-node (and calico-node, where Calico runs) leaves nodes born with cni=cilium (affinity merged into vpc-cni's settings)", gate: ["aws-node-pinned", "connectivity"] },
    { number: 2, name: "install-cilium", summary: "cilium-operator IAM role (IRSA) and Cilium in ENI mode, only on cni=cilium nodes",
      existingSummary: "cilium-operator IAM role (IRSA or Pod Identity) and Cilium in ENI mode, only on cni=cilium nodes", gate: ["cilium-operator-ready"] },
    { number: 3, name: "scale-up-cilium", summary: "ng-cilium scaled to its configured size; Cilium takes the new nodes",
      existingSummary: "each twin scaled to its legacy group's size; Cilium takes the new nodes", gate: ["cilium-ready", "connectivity"] },
    { number: 4, name: "cordon-legacy", summary: "every legacy node (Linux EC2, no cni=cilium) cordoned; goldpinger Deployment restarted onto new nodes",
      existingSummary: "every legacy node (Linux EC2, no cni=cilium) cordoned; legacy NodePools' limits 0, legacy ASGs' Launch suspended; goldpinger Deployment restarted onto new nodes", gate: ["legacy-cordoned", "connectivity"] },
    { number: 5, name: "drain-legacy", summary: "legacy nodes drained through the eviction API (PodDisruptionBudgets respected)",
      existingSummary: "legacy nodes drained through the eviction API (PodDisruptionBudgets respected)", gate: ["legacy-drained", "cilium-managed", "connectivity"] },
    { number: 6, name: "remove-aws-node", summary: "vpc-cni addon removed and the aws-node DaemonSet deleted, after a drained re-check",
      existingSummary: "vpc-cni add-on (or self-managed aws-node), and Calico where it runs, removed after a drained re-check", gate: ["aws-node-removed", "connectivity"] },
    { number: 7, name: "retire-legacy", summary: "ng-1 scaled to zero (min 0, desired 0)",
      existingSummary: "every legacy pool retired after a drained re-check: managed groups scaled to zero (EKS API), self-managed ASGs to min/desired 0, legacy NodeClaims deleted one at a time", gate: ["aws-node-removed", "legacy-retired"] },
    { number: 8, name: "finalize", summary: "empty ng-1 deleted; Cilium steady state (pod watcher on, Hubble relay and metrics)",
      existingSummary: "legacy node groups, NodePools and ASGs deleted with deleteLegacyNodeGroups, else left at zero and no longer managed; Cilium steady state", gate: ["aws-node-removed", "cilium-ready", "connectivity"] },
    { number: 9, name: "kube-proxy-free", summary: "Cilium replaces kube-proxy; kube-proxy addon, DaemonSet and iptables rules removed",
      existingSummary: "Cilium replaces kube-proxy; kube-proxy add-on, DaemonSet and iptables rules removed", gate: ["aws-node-removed", "kube-proxy-removed", "cilium-ready", "connectivity"] },
] as const satisfies readonly { number: number; name: string; summary: string; existingSummary: string; gate: readonly CheckName[] }[];

export type Phase = (typeof PHASES)[number]["number"];
export type PhaseName = (typeof PHASES)[number]["name"];

export const FIRST_PHASE: Phase = 0;
export const LAST_PHASE: Phase = 9;
/** The first phase with only Cilium (migration-only settings dropped). */
export const FIRST_STEADY_PHASE: Phase = 8;
/** From this phase on something irreversible has happened (aws-node is gone). */
export const FIRST_IRREVERSIBLE_PHASE: Phase = 6;

export function isPhase(value: unknown): value is Phase {
    return typeof value === "number" && Number.isInteger(value) && value >= FIRST_PHASE && value <= LAST_PHASE;
}

/** The phase after this one (the last is its own). */
export function nextPhase(phase: Phase): Phase {
    return Math.min(phase + 1, LAST_PHASE) as Phase;
}

export function phaseName(phase: Phase): PhaseName {
    return PHASES[phase].name;
}

/** What a phase does: to the demo cluster, or (`existing`) to a cluster made elsewhere. */
export function phaseSummary(phase: Phase, existing = false): string {
    return existing ? PHASES[phase].existingSummary : PHASES[phase].summary;
}

/** Which checks prove each phase (design.md, phase table). */
export const PHASE_GATES = Object.fromEntries(PHASES.map((p) => [p.number, p.gate])) as unknown as Record<Phase, readonly CheckName[]>;

/** The checks of a phase's gate; without goldpinger there is nothing to prove connectivity with. */
export function gateChecks(phase: Phase, opts: { goldpinger: boolean }): CheckName[] {
    return PHASE_GATES[phase].filter((check) => opts.goldpinger || check !== "connectivity");
}

// ---- predicates: what the cluster looks like at a phase ----------------------------------------------------

/** aws-node carries the `cni NotIn [cilium]` affinity (until it is removed): "Which CNI a node gets". */
export const awsNodePinned = (phase: Phase): boolean => phase >= 1 && phase < 6;
/** Cilium (release + operator IAM role) is declared. */
export const ciliumInstalled = (phase: Phase): boolean => phase >= 2;
/** Both CNIs may be running: migration-only Cilium values (watcher off, legacy-avoiding affinity) apply. */
export const cnisCoexist = (phase: Phase): boolean => phase < FIRST_STEADY_PHASE;
/** ng-cilium has its configured size instead of zero. */
export const ciliumNodesScaledUp = (phase: Phase): boolean => phase >= 3;
/** Legacy nodes are cordoned (a rollback below this uncordons them). */
export const legacyCordoned = (phase: Phase): boolean => phase >= 4;
/** Legacy nodes have been drained. */
export const legacyDrained = (phase: Phase): boolean => phase >= 5;
/** The vpc-cni addon and the aws-node DaemonSet are removed. */
export const awsNodeRemoved = (phase: Phase): boolean => phase >= 6;
/** ng-1 is scaled to zero. */
export const legacyScaledToZero = (phase: Phase): boolean => phase >= 7;
/** ng-1 no longer exists. */
export const legacyPoolDeleted = (phase: Phase): boolean => phase >= 8;
/** Cilium replaces kube-proxy; kube-proxy is removed. */
export const kubeProxyReplaced = (phase: Phase): boolean => phase >= 9;

/** Going back from a phase where the Cilium pool was sized (3 on) to one where it is not: its nodes are drained first. */
export const rollingBackScaleUp = (phase: Phase, appliedPhase?: number): boolean =>
    !ciliumNodesScaledUp(phase) && isPhase(appliedPhase) && ciliumNodesScaledUp(appliedPhase);
