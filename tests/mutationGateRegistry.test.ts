// The gate's composition (a phase gate of one check still answers as the phase gate; a preflight verdict that was
// never made fails) and cilium-kube-proxy-replacement on a cilium-config without data, on the phase snapshots of
// tests/fixtures/clusterBuilder.ts.
import * as assert from "assert";
import { ciliumKubeProxyReplacement } from "../gates/checks/kubeProxy";
import { runChecks } from "../gates/registry";
import { DEFAULT_CONTEXT as ctx } from "../clusterReader/selectors";
import { PHASE_SHAPES, buildCluster, copy } from "./fixtures/clusterBuilder";

describe("gate composition", () => {
    const made = { check: "preflight", pass: true, findings: ["preflight: INFO fargate: …"], reason: "no blocker left" };

    it("a phase gate of one check answers as the phase gate, with that check's findings", () => {
        const v = runChecks("phase-0", ["preflight"], buildCluster(PHASE_SHAPES[0]), ctx, { preflight: made });
        assert.deepStrictEqual(v, { check: "phase-0", pass: true, findings: made.findings, reason: "preflight ok", progress: "" });
    });

    it("a preflight verdict that was not made fails the gate with no findings, saying so", () => {
        const v = runChecks("phase-0", ["preflight"], buildCluster(PHASE_SHAPES[0]), ctx);
        assert.deepStrictEqual([v.pass, v.findings, v.reason], [false, [], "preflight: preflight was not run (internal: no verdict given)"]);
    });
});

describe("cilium-kube-proxy-replacement: a cilium-config without data", () => {
    it("fails naming the key as null, and does not throw", () => {
        const s = copy(buildCluster({ ...PHASE_SHAPES[8], kubeProxy: true }));
        const cm = s.configmaps?.items.find((c) => c.metadata?.name === "cilium-config");
        if (cm) delete cm.data;
        assert.strictEqual(ciliumKubeProxyReplacement(s as Parameters<typeof ciliumKubeProxyReplacement>[0]).reason,
            "ConfigMap kube-system/cilium-config has kube-proxy-replacement=null, not \"true\"");
    });
});
