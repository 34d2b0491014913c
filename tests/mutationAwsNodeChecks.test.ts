// aws-node-set-outside-addon on the example cluster (examples/prod-east) with managedFields entries shaped as the API
// server writes them (fieldsV1 trees, `k:{"name":…}` list keys; a status entry, a spec patch outside the pod
// template, an entry with no manager name), and the add-on's configurationValues as EKS returns them (YAML text, or
// none at all — EKS's default).
import * as assert from "assert";
import { foreignFields } from "../preflight/awsNodeChecks";
import { Finding, Obj, PreflightInput } from "../preflight/types";
import { EXAMPLE_INPUT as BASE, exampleFindings, listOf } from "./support/exampleRun";

const daemonSets = (i: PreflightInput): Obj[] => listOf(i, "daemonsets");
const awsNode = (i: PreflightInput): Obj => daemonSets(i).find((d) => d.metadata.name === "aws-node") as Obj;
const vpcCni = (i: PreflightInput): Obj => (i.addons as Obj[]).find((a) => a.addonName === "vpc-cni") as Obj;
const inAwsNodeContainer = (fields: Obj) => ({ "f:spec": { "f:template": { "f:spec": { "f:containers": { "k:{\"name\":\"aws-node\"}": fields } } } } });
const byKubectl = (manager: string, fields: Obj): Obj => ({ apiVersion: "apps/v1", fieldsType: "FieldsV1", manager, operation: "Update", time: "2025-10-01T08:00:00Z", fieldsV1: fields });
const eksContainer = (i: PreflightInput): Obj =>
    (awsNode(i).metadata.managedFields as Obj[]).find((m) => m.manager === "eks")?.fieldsV1["f:spec"]["f:template"]["f:spec"]["f:containers"]["k:{\"name\":\"aws-node\"}"];
const WARM_PREFIX_KEY = "k:{\"name\":\"WARM_PREFIX_TARGET\"}";
/** `kubectl set env daemonset aws-node WARM_PREFIX_TARGET=4`: the value changes and the field moves from eks to the updater. */
function setWarmPrefixTarget(i: PreflightInput, manager: string | undefined): void {
    delete eksContainer(i)["f:env"][WARM_PREFIX_KEY];
    (awsNode(i).spec.template.spec.containers[0].env as Obj[]).find((e) => e.name === "WARM_PREFIX_TARGET")!.value = "4";
    const entry = byKubectl(manager ?? "", inAwsNodeContainer({ "f:env": { [WARM_PREFIX_KEY]: { ".": {}, "f:name": {}, "f:value": {} } } }));
    if (manager === undefined) delete entry.manager;
    awsNode(i).metadata.managedFields.push(entry);
}

const finding = (edit: (i: PreflightInput) => void): Finding | undefined => exampleFindings("aws-node-set-outside-addon", edit)[0];

describe("aws-node-set-outside-addon: which DaemonSet, which entries", () => {
    it("a DaemonSet read without managedFields: a warning that says how to read them", () => {
        const f = finding((i) => { delete awsNode(i).metadata.managedFields; }) as Finding;
        assert.deepStrictEqual([f.severity, f.objects, f.message, f.remedy], ["warning", ["kube-system/aws-node"],
            "aws-node's DaemonSet was read without its managedFields (kubectl 1.21 and later leave them out of -o json), so settings " +
            "made outside the vpc-cni add-on — which phase 1's OVERWRITE would revert — cannot be seen.",
            "Take the snapshot with npm run snapshot (it asks for them), or `kubectl get ds aws-node -n kube-system -o json --show-managed-fields`."]);
    });

    it("reads kube-system/aws-node only: not an aws-node elsewhere, nor another kube-system DaemonSet listed first", () => {
        const stray = (i: PreflightInput, namespace: string, name: string) => {
            const copy = structuredClone(awsNode(i));
            copy.metadata = { name, namespace };
            daemonSets(i).unshift(copy);
        };
        assert.strictEqual(finding((i) => stray(i, "cni-test", "aws-node")), undefined);
        assert.strictEqual(finding((i) => stray(i, "kube-system", "aws-node-canary")), undefined);
    });

    it("ignores entries that own nothing in the pod template: a status update, a spec patch outside it", () => {
        const ds = structuredClone(awsNode(BASE));
        ds.metadata.managedFields.push(byKubectl("kubectl-patch", { "f:spec": { "f:updateStrategy": { "f:rollingUpdate": { "f:maxUnavailable": {} } } } }),
            byKubectl("kubectl-annotate", { "f:metadata": { "f:annotations": { "f:example.com/owner": {} } } }));
        assert.deepStrictEqual(foreignFields(ds), []);
    });

    it("names a manager the entry leaves out as (unnamed)", () => {
        const f = finding((i) => setWarmPrefixTarget(i, undefined)) as Finding;
        assert.deepStrictEqual(f.objects, ["kube-system/aws-node", "env WARM_PREFIX_TARGET ((unnamed))"]);
    });
});

describe("aws-node-set-outside-addon: against the add-on's configurationValues", () => {
    const editedResources = (i: PreflightInput) => {
        delete eksContainer(i)["f:resources"];
        awsNode(i).metadata.managedFields.push(byKubectl("kubectl-edit", inAwsNodeContainer({ "f:resources": { "f:requests": { "f:cpu": {} } } })));
    };
    const DS_RESOURCES = JSON.stringify({ requests: { cpu: "100m", memory: "128Mi" } });

    it("resources set with kubectl edit differ from the add-on's: a hazard with the DaemonSet's value", () => {
        const f = finding(editedResources) as Finding;
        assert.deepStrictEqual(f.objects, ["kube-system/aws-node", "resources (kubectl-edit)"]);
        assert.match(f.message, new RegExp(`^aws-node has 1 setting\\(s\\) made outside the vpc-cni add-on: resources=${DS_RESOURCES.replace(/[{}]/g, "\\$&")} \\(manager kubectl-edit\\)`));
    });

    it("the same resources in configurationValues (an object, compared as JSON) are no hazard", () => {
        assert.strictEqual(finding((i) => { editedResources(i); vpcCni(i).configurationValues = `resources: ${DS_RESOURCES}\n`; }), undefined);
    });

    it("an add-on without configurationValues, or with an empty env key, still judges each field", () => {
        for (const configurationValues of [undefined, "env:\n"]) {
            const f = finding((i) => { editedResources(i); vpcCni(i).configurationValues = configurationValues; }) as Finding;
            assert.deepStrictEqual(f?.objects, ["kube-system/aws-node", "resources (kubectl-edit)"], String(configurationValues));
        }
        const env = finding((i) => { vpcCni(i).configurationValues = "env:\n"; setWarmPrefixTarget(i, "kubectl-set"); }) as Finding;
        assert.deepStrictEqual(env.objects, ["kube-system/aws-node", "env WARM_PREFIX_TARGET (kubectl-set)"]);
    });
});
