// The transition guard's decision kinds (each branch names what kind of move was asked for, refused or not), the
// error it throws, and the gate's duration format: what tests/guard.test.ts leaves unasserted.
import * as assert from "assert";
import { formatDuration } from "../gates/duration";
import { Phase } from "../migration/phases";
import { assertTransitionAllowed, decideTransition, PhaseTransitionError, TransitionRequest } from "../stacks/guard";

const req = (requested: Phase, applied: unknown, extra: Partial<TransitionRequest> = {}): TransitionRequest =>
    ({ requested, applied, allowPhaseSkip: false, allowUnsafeRollback: false, ...extra });

describe("transition guard: the kind of each move", () => {
    it("names a refused move by what was asked: first deployment, corrupt output, forward, rollback", () => {
        const kinds = [req(3, undefined), req(3, null), req(2, "two"), req(7, 5), req(6, 7), req(5, 6), req(2, 4)]
            .map((r) => { const d = decideTransition(r); return [d.allowed, d.kind]; });
        assert.deepStrictEqual(kinds, [
            [false, "first-deployment"], [false, "first-deployment"], [false, "same"], [false, "forward"],
            [false, "rollback"], [false, "rollback"], [false, "rollback"],
        ]);
    });

    it("treats an applied phase of null (a missing output) as a first deployment, as undefined is", () => {
        assert.deepStrictEqual(decideTransition(req(0, null)), { allowed: true, kind: "first-deployment" });
        assert.deepStrictEqual(decideTransition(req(4, null, { allowPhaseSkip: true })), { allowed: true, kind: "first-deployment" });
    });

    it("allowed skips keep their kind: a jump forward is forward, a jump back is rollback", () => {
        assert.deepStrictEqual(decideTransition(req(9, 2, { allowPhaseSkip: true })), { allowed: true, kind: "forward" });
        assert.deepStrictEqual(decideTransition(req(0, 5, { allowPhaseSkip: true })), { allowed: true, kind: "rollback" });
    });

    it("assertTransitionAllowed throws a PhaseTransitionError carrying the refusal, and returns an allowed decision", () => {
        assert.throws(() => assertTransitionAllowed(req(7, 5)), (e: unknown) =>
            e instanceof PhaseTransitionError && e.name === "PhaseTransitionError" && /^`phase` is 7 but the last applied phase is 5/.test(e.message));
        assert.deepStrictEqual(assertTransitionAllowed(req(6, 5)), { allowed: true, kind: "forward" });
    });
});

describe("gate progress: formatDuration", () => {
    it("writes seconds below a minute and minutes with two-digit seconds from 60 s on", () => {
        assert.deepStrictEqual([0, 4_600, 59_000, 59_499, 60_000, 61_000, 725_000, -5_000].map(formatDuration),
            ["0s", "5s", "59s", "59s", "1m00s", "1m01s", "12m05s", "0s"]);
    });
});
