/** Which checks prove each phase (design.md, phase table). Pure and shared by the program, the planner and the CLI. */
import { Phase } from "../migration/phases";

export const CHECK_NAMES = [
    "connectivity", "aws-node-pinned", "cilium-operator-ready", "cilium-ready", "legacy-cordoned", "legacy-drained",
    "cilium-managed", "aws-node-removed", "legacy-retired", "kube-proxy-removed", "cilium-kube-proxy-replacement",
] as const;

export type CheckName = (typeof CHECK_NAMES)[number];

export const PHASE_GATES: Record<Phase, readonly CheckName[]> = {
    0: ["connectivity"],
    1: ["aws-node-pinned", "connectivity"],
    2: ["cilium-operator-ready"],
    3: ["cilium-ready", "connectivity"],
    4: ["legacy-cordoned", "connectivity"],
    5: ["legacy-drained", "cilium-managed", "connectivity"],
    6: ["aws-node-removed", "connectivity"],
    7: ["legacy-retired"],
    8: ["cilium-ready", "connectivity"],
    9: ["kube-proxy-removed", "cilium-ready", "connectivity"],
};

/** The checks of a phase's gate; without goldpinger there is nothing to prove connectivity with. */
export function gateChecks(phase: Phase, opts: { goldpinger: boolean }): CheckName[] {
    return PHASE_GATES[phase].filter((check) => opts.goldpinger || check !== "connectivity");
}

export function isCheckName(value: string): value is CheckName {
    return (CHECK_NAMES as readonly string[]).includes(value);
}
