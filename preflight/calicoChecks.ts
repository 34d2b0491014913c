/**
 * Calico as the policy engine (design.md, "Calico as the policy engine"): which install runs it, the policies only
 * calico-node enforces (a workload drained onto a Cilium node loses them), and the ones the converter withholds
 * because Cilium cannot enforce them exactly (calico/convert.ts).
 */
import { CalicoInput, PolicyKind, readPolicy } from "../calico/model";
import { Conversion, SOURCE_ANNOTATION, convertCalicoPolicies } from "../calico/convert";
import { PreflightCheck, some } from "./check";
import { inClusterCoverage } from "./cidrChecks";
import { itemsOf, nameOf, qualified } from "./objects";
import { Obj, PreflightContext, PreflightInput } from "./types";

/** The converter's input from preflight's (absent files: nothing of that kind). */
export function calicoInputOf(input: PreflightInput): CalicoInput {
    return {
        networkPolicies: itemsOf(input.caliconetworkpolicies), globalNetworkPolicies: itemsOf(input.calicoglobalnetworkpolicies),
        networkSets: itemsOf(input.caliconetworksets), globalNetworkSets: itemsOf(input.calicoglobalnetworksets),
        hostEndpoints: itemsOf(input.calicohostendpoints), tiers: itemsOf(input.calicotiers), kubernetesPolicies: itemsOf(input.networkpolicies),
    };
}

/** Conversions made, per preflight context: calico-policies and calico-unconvertible read the same one. */
const conversions = new WeakMap<PreflightContext, Conversion>();

/** The conversion of the snapshot's Calico policies, judged against the snapshot's own addresses (made once per context). */
export function convertSnapshotPolicies(ctx: PreflightContext): Conversion {
    let conversion = conversions.get(ctx);
    if (!conversion) conversions.set(ctx, conversion = convertCalicoPolicies(calicoInputOf(ctx.input), { inCluster: inClusterCoverage(ctx) }));
    return conversion;
}

/** Each policy by its v3 name (the storage form's `default.<name>` read back), as the converter's report names it. */
const refOf = (o: Obj, kind: PolicyKind) => {
    try { return readPolicy(o, kind).ref; } catch { return `${kind}/${kind === "NetworkPolicy" ? qualified(o) : nameOf(o)}`; }
};
export const calicoPolicies = (input: PreflightInput): string[] => [
    ...itemsOf(input.caliconetworkpolicies).map((p) => refOf(p, "NetworkPolicy")),
    ...itemsOf(input.calicoglobalnetworkpolicies).map((p) => refOf(p, "GlobalNetworkPolicy")),
];

/**
 * tigera-operator added the Installation's `calicoNodeDaemonSet` (and `csiNodeDriverDaemonSet`) overrides in v1.28.0
 * (tigera/operator 331f24d8f, #2063; tests/fixtures/real/tigera-operator): an older operator has no way to pin calico-node.
 */
export const OPERATOR_OVERRIDES_SINCE = { major: 1, minor: 28 };

/**
 * The operator's version from its Deployment's image tag (`quay.io/tigera/operator:v1.36.2`, also when it is pinned
 * by digest: `quay.io/tigera/operator:v1.36.2@sha256:…`), if it has one.
 */
export function operatorVersion(d: Obj): { text: string; major: number; minor: number } | undefined {
    const containers: Obj[] = d.spec?.template?.spec?.containers ?? [];
    const image = (containers.find((c) => c.name === "tigera-operator") ?? containers[0])?.image;
    const m = typeof image === "string" ? /:v?(\d+)\.(\d+)(\.\d+)?[^:/@]*(@[^@]+)?$/.exec(image) : null;
    return m ? { text: `v${m[1]}.${m[2]}${m[3] ?? ""}`, major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

/** A tigera-operator version without the `calicoNodeDaemonSet` override (before v1.28). */
export const tooOld = (v: { major: number; minor: number }): boolean => v.major < OPERATOR_OVERRIDES_SINCE.major ||
    (v.major === OPERATOR_OVERRIDES_SINCE.major && v.minor < OPERATOR_OVERRIDES_SINCE.minor);

/**
 * What a converted policy does to traffic between the pools while both run (phases 3–7): pods on legacy nodes have no
 * Cilium identity (`world`), so a rule that allows a peer by pod or namespace selector drops it when the peer is still
 * on a legacy node, and an egress rule list puts the selected pods in egress default deny — DNS to CoreDNS included
 * while CoreDNS runs on legacy nodes (until phase 5 drains them). Pure.
 */
export function crossPoolEffects(objects: Obj[]): { selectorPeers: string[]; egressDeny: string[] } {
    const selectorPeers: string[] = [];
    const egressDeny: string[] = [];
    for (const o of objects.filter((x) => x.kind !== "CiliumCIDRGroup")) {
        const source = o.metadata?.annotations?.[SOURCE_ANNOTATION] ?? `${o.kind}/${o.metadata?.name}`;
        const specs: Obj[] = o.spec ? [o.spec] : (o.specs ?? []);
        const peers = specs.some((sp) => [...(sp.ingress ?? []), ...(sp.ingressDeny ?? [])].some((r: Obj) => r.fromEndpoints) ||
            [...(sp.egress ?? []), ...(sp.egressDeny ?? [])].some((r: Obj) => r.toEndpoints));
        if (peers) selectorPeers.push(source);
        if (specs.some((sp) => Array.isArray(sp.egress) && sp.enableDefaultDeny?.egress !== false)) egressDeny.push(source);
    }
    return { selectorPeers, egressDeny };
}

/** calico-policies with the conversion applied by the program at phase 3: a warning while it drops cross-pool traffic. */
function appliedByProgram(policies: string[], conversion: Conversion) {
    const { selectorPeers, egressDeny } = crossPoolEffects(conversion.objects);
    const window = selectorPeers.length + egressDeny.length === 0 ? "" :
        " While both pools run (phases 3–7) pods on legacy nodes have no Cilium identity, so on Cilium nodes" +
        (selectorPeers.length ? ` ${some(selectorPeers)} drop traffic their pod or namespace selectors allow to or from pods still on legacy nodes` : "") +
        (selectorPeers.length && egressDeny.length ? ", and" : "") +
        (egressDeny.length ? ` ${some(egressDeny)} put the pods they select in egress default deny: DNS to CoreDNS is dropped while CoreDNS runs on legacy nodes (until phase 5 drains them)` : "") +
        " — the same window as Kubernetes NetworkPolicies under `cilium.policyDuringMigration: default`.";
    return {
        ...(window ? { severity: "warning" as const } : { severity: "info" as const }),
        message: `${policies.length} Calico polic(ies) (${some(policies)}) are enforced by calico-node only; this stack sets \`calico.applyConvertedPolicies: true\`, ` +
            `so the program declares their conversion as Cilium policies at phase 3, before any workload reaches a Cilium node.${window}`,
        objects: policies,
        remedy: (window ? "Plan the window: keep the workloads these policies select off the Cilium pool until phase 5 drains the legacy nodes " +
            "(no scale-ups or restarts onto it in phases 3–4), or leave `calico.applyConvertedPolicies` false with `cilium.policyDuringMigration: never` " +
            "and apply the converted objects yourself from phase 8 (pods on Cilium nodes then run without these policies in phases 2–7). " : "") +
            "Each policy the converter withholds is named by calico-unconvertible: rewrite it by hand before phase 3.",
    };
}

export const CALICO_CHECKS: PreflightCheck[] = [
    {
        id: "calico-policy-engine", severity: "info", phase: 1, needs: ["daemonsets", "deployments", "calicoinstallations"], anyOf: true,
        run: ({ input }) => {
            const installations = itemsOf(input.calicoinstallations);
            const operators = itemsOf(input.deployments).filter((d) => nameOf(d) === "tigera-operator");
            const operator = operators.map(qualified);
            const old = operators.map(operatorVersion).find((v) => v !== undefined && tooOld(v));
            const nodes = itemsOf(input.daemonsets).filter((d) => nameOf(d) === "calico-node").map(qualified);
            if (installations.length + operator.length + nodes.length === 0) return [];
            const kind = installations.length || operator.length
                ? `tigera-operator (${[...installations.map((i) => `Installation ${nameOf(i)}${i.spec?.cni?.type ? `, cni ${i.spec.cni.type}` : ""}`), ...operator.map((o) => `Deployment ${o}`)].join("; ")})`
                : "manifests";
            return [{
                ...(old ? { severity: "warning" as const } : {}),
                message: `Calico runs as a policy engine beside aws-cni, installed by ${kind}${nodes.length ? `; DaemonSet ${some(nodes)}` : ""}. ` +
                    "calico-node must stay off Cilium nodes (two engines would program the same traffic) and its policies protect only the pods on the nodes it runs on." +
                    (old ? ` tigera-operator ${old.text} is older than v${OPERATOR_OVERRIDES_SINCE.major}.${OPERATOR_OVERRIDES_SINCE.minor}: its Installation has no ` +
                        "`calicoNodeDaemonSet` override, so calico-node cannot be kept off Cilium nodes through it." : ""),
                objects: [...installations.map((i) => `Installation/${nameOf(i)}`), ...operator, ...nodes],
                remedy: (old ? `Upgrade tigera-operator to v${OPERATOR_OVERRIDES_SINCE.major}.${OPERATOR_OVERRIDES_SINCE.minor} or later first: the program refuses an older one. ` : "") +
                    "The program keeps calico-node (and csi-node-driver) where aws-node runs from phase 1 — its current node affinity with " +
                    "`cni NotIn [cilium]` added, through the Installation's `calicoNodeDaemonSet`/`csiNodeDriverDaemonSet` override or a DaemonSet " +
                    "patch for a manifest install — and removes Calico at phase 6 after the drained re-check (the Installation while the operator " +
                    "runs, then the operator, the Calico CRDs and the `v3.projectcalico.org` APIService). Its policies: see calico-policies.",
            }];
        },
    },
    {
        id: "calico-policies", severity: "blocker", phase: 3, needs: ["caliconetworkpolicies", "calicoglobalnetworkpolicies"], anyOf: true,
        run: (ctx) => {
            const policies = calicoPolicies(ctx.input);
            if (policies.length === 0) return [];
            if (ctx.options.calicoApplyConvertedPolicies) return [appliedByProgram(policies, convertSnapshotPolicies(ctx))];
            return [{
                message: `${policies.length} Calico polic(ies) (${some(policies)}) are enforced by calico-node only: a workload drained onto a Cilium node loses them.`,
                objects: policies,
                remedy: "Run `npm run convert-policies -- --snapshot DIR --out OUT`, review OUT/report.json, and apply the converted objects before " +
                    "phase 3 (each OUT/*.yaml with kubectl apply -f; report.json is no Kubernetes object); rewrite each withheld policy by hand (calico-unconvertible says why). Then accept this blocker in " +
                    "`preflight.accept` with that reason.",
            }];
        },
    },
    {
        id: "calico-unconvertible", severity: "warning", phase: 3,
        needs: ["caliconetworkpolicies", "calicoglobalnetworkpolicies", "caliconetworksets", "calicoglobalnetworksets", "calicohostendpoints"],
        run: (ctx) => convertSnapshotPolicies(ctx).report.withheld.map((w) => ({
            message: `${w.calico} is not converted: ${w.reasons.join("; ")}. On Cilium nodes nothing enforces it.`,
            objects: [w.calico],
            remedy: `Express what ${w.calico} protects as a CiliumNetworkPolicy by hand (or change it so it converts) and apply it before phase 3.`,
        })),
    },
];
