// calico.applyConvertedPolicies against this stack's record (stacks/calicoRecord.ts; issue 20's review): a re-derived set
// never replaces the record from a partial read, from phase 6 on, when empty, or by silently dropping a policy whose Calico
// original still exists. The look-ups are a fake cluster: which Calico APIs it serves, and what each holds.
import * as assert from "assert";
import * as fs from "fs";
import { learnConvertedPolicies } from "../stacks/calicoPolicies";
import { liveCalicoLookups } from "../stacks/calicoLive";
import { apiServer, Kubeconfigs } from "./support/apiServer";
import { CALICO_POLICY_PARTS, CalicoInstall, CalicoLookups, CalicoQuery, ConversionPart, Obj } from "../stacks/calicoFacts";
import { parseConfig } from "../stacks/config";
import { ExistingClusterFacts } from "../stacks/existingFacts";
import { CONVERTIBLE_GNP, CONVERTIBLE_NP, PARTNERS, WITHHELD_GNP } from "./support/calicoPolicyCluster";

const INSTALL: CalicoInstall = { kind: "operator", agents: [{ name: "calico-node", namespace: "calico-system" }] };
const FACTS = { name: "prod-east" } as ExistingClusterFacts;

/** A cluster serving `served` (default: every Calico API) and holding `objects`. */
function cluster(objects: Partial<Record<ConversionPart, Obj[]>>, served: readonly string[] = CALICO_POLICY_PARTS): CalicoLookups {
    return {
        list: async (q: CalicoQuery) => q.kind === "Served" ? served.map((name) => ({ metadata: { name } }))
            : q.kind === "Objects" ? objects[q.of] ?? [] : [],
    };
}
const config = (phase: number) => parseConfig({ phase: String(phase), existingCluster: JSON.stringify({ name: "prod-east" }), calico: JSON.stringify({ applyConvertedPolicies: true }) });
const learn = (phase: number, lookups: CalicoLookups, recorded?: unknown) => learnConvertedPolicies(config(phase), FACTS, INSTALL, lookups, recorded);
const names = (objects: Obj[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
const ALL = { caliconetworkpolicies: [CONVERTIBLE_NP], calicoglobalnetworkpolicies: [CONVERTIBLE_GNP], calicoglobalnetworksets: [PARTNERS] };
const failure = async (p: Promise<unknown>) => { try { await p; } catch (err) { return (err as Error).message; } return "(no failure)"; };

describe("Calico's converted policies against this stack's record", () => {
    let record: Obj[];
    before(async () => { record = (await learn(5, cluster(ALL)))!.objects; });

    it("the record is the three converted objects (the fixture the rest builds on)", () => {
        assert.deepStrictEqual(names(record), ["CiliumCIDRGroup/calico-gns-partners", "CiliumClusterwideNetworkPolicy/calico-billing-egress", "CiliumNetworkPolicy/calico-api"]);
    });

    it("from phase 6 on a record stands, even when Calico's leftovers still read as an install and some policy CRDs are gone", async () => {
        const partial = cluster({ caliconetworkpolicies: [CONVERTIBLE_NP] }, ["caliconetworkpolicies"]);
        const got = (await learn(6, partial, record))!;
        assert.strictEqual(got.source, "record");
        assert.deepStrictEqual(got.objects, record);
        assert.deepStrictEqual((await learn(7, cluster({}), record))!.objects, record, "every CRD served, no policy left: still the record");
    });

    it("without a record, a partial read is refused rather than re-derived", async () => {
        const partial = cluster({ caliconetworkpolicies: [CONVERTIBLE_NP] }, ["caliconetworkpolicies", "caliconetworksets"]);
        assert.strictEqual(await failure(learn(7, partial)),
            "`calico.applyConvertedPolicies` is true at phase 7, but cluster prod-east does not serve Calico's globalnetworkpolicies.projectcalico.org, " +
            "globalnetworksets.projectcalico.org, hostendpoints.projectcalico.org (its CRDs are gone or going) and this stack recorded no converted policies " +
            "(output `calicoConvertedPolicies`): a conversion of what is left would miss policies and Pulumi would delete their Cilium conversions. " +
            "Restore the output from the stack's history (pulumi stack history / pulumi stack export) if an earlier update recorded it, or restore Calico's " +
            "CRDs and policies, then apply again.");
    });

    it("before phase 6, a partial read keeps the record, saying why", async () => {
        const got = (await learn(4, cluster({ caliconetworkpolicies: [CONVERTIBLE_NP] }, ["caliconetworkpolicies"]), record))!;
        assert.deepStrictEqual(got.objects, record);
        assert.deepStrictEqual(got.notes, ["Calico's converted policies: cluster prod-east does not serve globalnetworkpolicies.projectcalico.org, " +
            "networksets.projectcalico.org, globalnetworksets.projectcalico.org, hostendpoints.projectcalico.org, so the recorded set is kept as it is rather than re-derived from a partial read."]);
    });

    it("below phase 3 nothing is declared, so a record is not held against today's conversion (a rollback to 2 deletes the objects anyway)", async () => {
        const got = (await learn(2, cluster({}), record))!;
        assert.deepStrictEqual([got.objects, got.source, got.notes], [[], "cluster", []]);
    });

    it("an empty set never replaces a non-empty record", async () => {
        assert.strictEqual(await failure(learn(4, cluster({}), record)),
            "`calico.applyConvertedPolicies`: this stack recorded 3 converted object(s) (output `calicoConvertedPolicies`), but converting Calico's policies now " +
            "yields none: the program does not replace a record with an empty set (Pulumi would delete every converted policy). If Calico's policies were " +
            "deleted on purpose and their conversions should go too, delete the Cilium objects by hand after removing each from the stack's state " +
            "(pulumi state delete URN), then set `calico.applyConvertedPolicies` to false.");
    });
});

describe("which Calico policy APIs a live cluster serves", () => {
    const kubeconfigs = new Kubeconfigs();
    after(() => assert.deepStrictEqual(kubeconfigs.removeAll(), []));
    it("the v3 API or the crd.projectcalico.org storage form; 404 on both: not served", async () => {
        const s = await apiServer({
            "/apis/projectcalico.org/v3/globalnetworkpolicies": [],
            "/apis/crd.projectcalico.org/v1/networkpolicies": [],
            "/apis/crd.projectcalico.org/v1/hostendpoints": [],
        }, {}, []);
        try {
            const l = liveCalicoLookups(fs.readFileSync(kubeconfigs.for(s.url), "utf8"), "prod-east");
            assert.deepStrictEqual((await l.list({ kind: "Served" })).map((o) => o.metadata.name), ["caliconetworkpolicies", "calicoglobalnetworkpolicies", "calicohostendpoints"]);
        } finally {
            s.server.close();
        }
    });
});

describe("a re-derive never silently drops a recorded policy whose Calico original still exists", () => {
    const NODE = { metadata: { name: "ip-10-20-0-17", labels: {} }, status: { addresses: [{ type: "InternalIP", address: "10.20.0.17" }] } };
    const WITH_VPC = { ...ALL, calicoglobalnetworkpolicies: [CONVERTIBLE_GNP, WITHHELD_GNP] };
    let record: Obj[];
    // Recorded while no node had an address in 10.20.0.0/16: vpc-egress converted then.
    before(async () => { record = (await learn(3, cluster(WITH_VPC)))!.objects; });

    it("a policy that became withheld (the CIDR judge sees a new node) is refused, naming it, the reason and what to do", async () => {
        assert.ok(names(record).includes("CiliumClusterwideNetworkPolicy/calico-vpc-egress"), names(record).join(", "));
        assert.strictEqual(await failure(learn(4, cluster({ ...WITH_VPC, nodes: [NODE] }), record)),
            "CiliumClusterwideNetworkPolicy/calico-vpc-egress (converted from GlobalNetworkPolicy/vpc-egress, recorded in output `calicoConvertedPolicies`) " +
            "would be deleted: it is now withheld (egress[0]: nets 10.20.0.0/16 covers in-cluster addresses (1 node(s): ip-10-20-0-17): under Cilium a CIDR " +
            "rule never matches a Cilium-managed pod, a node or a host-network agent), while " +
            "GlobalNetworkPolicy/vpc-egress still exists. Deleting a converted policy can open traffic Calico still closes. Fix GlobalNetworkPolicy/vpc-egress " +
            "so it converts exactly (npm run convert-policies says why it does not), or delete it: a Calico policy deleted on purpose removes its conversion with it.");
    });

    it("a Calico policy the user deleted removes its conversion, with a note", async () => {
        const got = (await learn(4, cluster({ ...ALL, nodes: [NODE] }), record))!;
        assert.deepStrictEqual(names(got.objects), names(record).filter((n) => n !== "CiliumClusterwideNetworkPolicy/calico-vpc-egress"));
        assert.deepStrictEqual(got.notes, ["Calico's converted policies: CiliumClusterwideNetworkPolicy/calico-vpc-egress is deleted: its Calico original GlobalNetworkPolicy/vpc-egress no longer exists."]);
    });
});

describe("a retried phase 6 whose Calico API answers 503 (a stale v3.projectcalico.org APIService)", () => {
    it("declares the record without reading Calico's policies, saying so", async () => {
        const record = (await learn(5, cluster(ALL)))!.objects;
        const unavailable: CalicoLookups = { list: async (q) => { throw new Error(`list ${q.kind}: HTTP-Code: 503 (the APIService v3.projectcalico.org is unavailable)`); } };
        const got = (await learn(6, unavailable, record))!;
        assert.deepStrictEqual(got.objects, record);
        assert.deepStrictEqual(got.notes, ["Calico's converted policies: Calico still runs on cluster prod-east, but from phase 6 on its removal may have run " +
            "(or be half done): its policies are not read again (a stale v3.projectcalico.org APIService would fail the read), and the recorded set stands as recorded."]);
    });
});

describe("a recorded CiliumCIDRGroup is re-stamped with the version table's apiVersion", () => {
    it("a record written as cilium.io/v2alpha1 is declared as cilium.io/v2", async () => {
        const record = (await learn(5, cluster(ALL)))!.objects.map((o) => o.kind === "CiliumCIDRGroup" ? { ...o, apiVersion: "cilium.io/v2alpha1" } : o);
        const got = (await learn(7, cluster({}), record))!;
        assert.deepStrictEqual(got.objects.map((o) => `${o.apiVersion} ${o.kind}`).sort(),
            ["cilium.io/v2 CiliumCIDRGroup", "cilium.io/v2 CiliumClusterwideNetworkPolicy", "cilium.io/v2 CiliumNetworkPolicy"]);
    });
});
