// The transition guard: every refusal with its exact message, and that a refusal registers nothing to change.
import * as assert from "assert";
import { evaluate } from "../plan/evaluate";
import { RecordingMocks } from "../plan/mockRuntime";
import { decideTransition, TransitionRequest } from "../stacks/guard";
import { Phase } from "../migration/phases";
import { stackConfig } from "./mocks";

const req = (requested: Phase, applied: unknown, extra: Partial<TransitionRequest> = {}): TransitionRequest =>
    ({ requested, applied, allowPhaseSkip: false, allowUnsafeRollback: false, ...extra });

describe("phase transition guard", () => {
    it("allows a first deployment at 0, one step forward, a re-run, and one step back within 0–5", () => {
        assert.deepStrictEqual(decideTransition(req(0, undefined)), { allowed: true, kind: "first-deployment" });
        assert.deepStrictEqual(decideTransition(req(4, 3)), { allowed: true, kind: "forward" });
        assert.deepStrictEqual(decideTransition(req(4, 4)), { allowed: true, kind: "same" });
        assert.deepStrictEqual(decideTransition(req(3, 4)), { allowed: true, kind: "rollback" });
        assert.deepStrictEqual(decideTransition(req(8, 9)), { allowed: true, kind: "rollback" }, "9 → 8 restores kube-proxy");
        assert.deepStrictEqual(decideTransition(req(7, 8)), { allowed: true, kind: "rollback" }, "8 → 7 re-creates an empty legacy pool");
    });

    const refusals: [string, TransitionRequest, string][] = [
        ["a forward jump", req(7, 5),
            "`phase` is 7 but the last applied phase is 5 (drain-legacy); phases go forward one at a time (next: 6), each proven by its gate. Set `allowPhaseSkip: true` to jump."],
        ["a first deployment past 0", req(3, undefined),
            "`phase` is 3 but this stack has no applied phase yet (first deployment); start at 0, or set `allowPhaseSkip: true` to build the cluster straight at a later phase."],
        ["a rollback below 6 once aws-node is gone", req(5, 6),
            "`phase` is 5 but the last applied phase is 6 (remove-aws-node); aws-node was removed at phase 6, so going below 6 cannot be made safe. Set `allowUnsafeRollback: true` to do it anyway."],
        ["a rollback of several phases", req(2, 4),
            "`phase` is 2 but the last applied phase is 4 (cordon-legacy); roll back one phase at a time (next: 3), each proven by its gate. Set `allowPhaseSkip: true` to go back further at once."],
        ["going back to 6 once the legacy pool is retired (it would come back with no CNI)", req(6, 7, { allowUnsafeRollback: true, allowPhaseSkip: true }),
            "`phase` is 6 but the last applied phase is 7 (retire-legacy); going back to 6 (remove-aws-node) would scale the legacy node group back up although aws-node is already removed: its nodes would get no CNI and never become Ready. Stay at 7; for more capacity raise the `ciliumNodeGroup` sizes."],
        ["a corrupt applied phase", req(2, "two"),
            "the last applied phase read from this stack's output `appliedPhase` is \"two\", not a whole number from 0 to 9; fix or remove the output before running again."],
    ];
    for (const [what, request, message] of refusals) {
        it(`refuses ${what}`, () => {
            const decision = decideTransition(request);
            assert.strictEqual(decision.allowed, false);
            assert.strictEqual(decision.reason, message);
        });
    }

    it("lets the allow flags through", () => {
        assert.strictEqual(decideTransition(req(7, 5, { allowPhaseSkip: true })).allowed, true);
        assert.strictEqual(decideTransition(req(5, 6, { allowUnsafeRollback: true })).allowed, true);
        assert.strictEqual(decideTransition(req(2, 7, { allowUnsafeRollback: true })).allowed, false, "several phases back still needs allowPhaseSkip");
        assert.strictEqual(decideTransition(req(2, 7, { allowUnsafeRollback: true, allowPhaseSkip: true })).allowed, true);
    });

    it("reads the applied phase from the stack's own outputs and refuses before declaring anything", async () => {
        const mocks = new RecordingMocks(2);
        await assert.rejects(evaluate({ config: stackConfig(5), mocks }), /`phase` is 5 but the last applied phase is 2 \(install-cilium\)/);
        // Only the read of this stack's own outputs happened.
        assert.deepStrictEqual(mocks.resources.map((r) => r.type), ["pulumi:pulumi:StackReference"]);
        assert.strictEqual(mocks.resources[0].inputs.name, "organization/eks-cilium-migration/dev");
    });
});
