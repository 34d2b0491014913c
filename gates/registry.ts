/** Every check by name, the snapshot parts it needs, and `phase-N` (the checks of phase N's gate). */
import { Phase, isPhase } from "../migration/phases";
import { awsNodePinned, awsNodeRemoved } from "./checks/awsNode";
import { withCalicoNode } from "./checks/calicoNode";
import { ciliumManaged, ciliumOperatorReady, ciliumReady } from "./checks/cilium";
import { connectivity } from "./checks/connectivity";
import { ciliumKubeProxyReplacement, kubeProxyRemoved } from "./checks/kubeProxy";
import { cniLabelsComplete, legacyCordoned, legacyDrained, legacyRetired } from "./checks/legacy";
import { ClusterSnapshot, SnapshotPart } from "../clusterReader/k8sTypes";
import { CHECK_NAMES, CheckName, PHASE_GATES } from "../migration/phases";
import { GateContext } from "../clusterReader/selectors";
import { Verdict } from "./verdict";

interface CheckDefinition {
    needs: SnapshotPart[];
    // The registry hands each check exactly the parts it declared, so the cast below is safe.
    run: (snapshot: Required<ClusterSnapshot>, ctx: GateContext) => Verdict;
}

/** `preflight` is not a check over these parts: it reads the whole snapshot once (preflight/), not polled. */
export type SnapshotCheckName = Exclude<CheckName, "preflight">;

export const CHECKS: Record<SnapshotCheckName, CheckDefinition> = {
    "connectivity": { needs: ["nodes", "pods", "goldpinger"], run: connectivity },
    "aws-node-pinned": { needs: ["nodes", "pods", "daemonsets"], run: (s, ctx) => withCalicoNode(awsNodePinned(s, ctx), s, ctx) },
    "cilium-operator-ready": { needs: ["nodes", "pods", "deployments"], run: ciliumOperatorReady },
    "cilium-ready": { needs: ["nodes", "pods"], run: ciliumReady },
    "legacy-cordoned": { needs: ["nodes"], run: legacyCordoned },
    "legacy-drained": { needs: ["nodes", "pods"], run: legacyDrained },
    "cilium-managed": { needs: ["nodes", "pods", "ciliumendpoints"], run: ciliumManaged },
    "aws-node-removed": { needs: ["pods", "daemonsets"], run: awsNodeRemoved },
    "legacy-retired": { needs: ["nodes"], run: legacyRetired },
    "kube-proxy-removed": { needs: ["pods", "daemonsets"], run: kubeProxyRemoved },
    "cilium-kube-proxy-replacement": { needs: ["daemonsets", "configmaps"], run: ciliumKubeProxyReplacement },
    "cni-labels-complete": { needs: ["nodes"], run: cniLabelsComplete },
};

/** A check the CLI accepts: one of CHECK_NAMES, or `phase-N` for N in 0–9. */
export function resolveCheck(name: string): CheckName[] | undefined {
    if ((CHECK_NAMES as readonly string[]).includes(name)) return [name as CheckName];
    const phase = /^phase-([0-9])$/.exec(name);
    if (phase && isPhase(Number(phase[1]))) return [...PHASE_GATES[Number(phase[1]) as Phase]];
    return undefined;
}

export const VALID_CHECKS = [...CHECK_NAMES, "phase-0 … phase-9"];

export const snapshotChecks = (checks: CheckName[]): SnapshotCheckName[] => checks.filter((c): c is SnapshotCheckName => c !== "preflight");

export function partsNeeded(checks: CheckName[]): SnapshotPart[] {
    return [...new Set(snapshotChecks(checks).flatMap((c) => CHECKS[c].needs))];
}

/**
 * Runs the checks on one snapshot; a composite (`phase-N`) passes only if every check passes. `preflight`'s verdict,
 * made once beforehand, is given in `made`.
 */
export function runChecks(name: string, checks: CheckName[], snapshot: ClusterSnapshot, ctx: GateContext, made: Partial<Record<CheckName, Verdict>> = {}): Verdict {
    const verdicts = checks.map((c) => made[c] ?? (c === "preflight" ? missingPreflight() : CHECKS[c].run(snapshot as Required<ClusterSnapshot>, ctx)));
    if (checks.length === 1 && name === checks[0]) return verdicts[0];
    const failed = verdicts.filter((v) => !v.pass);
    return {
        check: name,
        pass: failed.length === 0,
        findings: verdicts.flatMap((v) => v.findings),
        reason: failed.length === 0 ? verdicts.map((v) => `${v.check} ok`).join(", ") : `${failed[0].check}: ${failed[0].reason}`,
        progress: verdicts.map((v) => v.progress).filter((p) => p).join("; "),
    };
}

function missingPreflight(): Verdict {
    return { check: "preflight", pass: false, findings: [], reason: "preflight was not run (internal: no verdict given)" };
}
