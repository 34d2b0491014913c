// The kubectl-shaped files the tests and the example rest on are what kubectl would print: every object checked
// against Kubernetes' own models (@kubernetes/client-node, generated from the Kubernetes OpenAPI spec), and the
// example's subnets against the AWS CLI's published describe-subnets output.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { exampleOutputs } from "./support/awsCliExamples";
import { EXAMPLE_SNAPSHOT } from "./support/existingCluster";
import { kubernetesShapeErrors, loadKubernetesModels } from "./support/k8sShapes";
import { FIXTURES } from "./support/paths";

/** Each kubectl file and the model of its items. */
const MODELS: Record<string, string> = {
    "nodes.json": "V1Node", "pods.json": "V1Pod", "daemonsets.json": "V1DaemonSet", "deployments.json": "V1Deployment",
    "statefulsets.json": "V1StatefulSet", "configmaps.json": "V1ConfigMap", "poddisruptionbudgets.json": "V1PodDisruptionBudget",
    "networkpolicies.json": "V1NetworkPolicy", "persistentvolumes.json": "V1PersistentVolume", "persistentvolumeclaims.json": "V1PersistentVolumeClaim",
};

function listErrors(file: string): string[] {
    const list = JSON.parse(fs.readFileSync(file, "utf8"));
    const model = MODELS[path.basename(file)];
    const top = Object.keys(list).filter((k) => !["apiVersion", "items", "kind", "metadata"].includes(k)).map((k) => `${file}: ${k} is not a field of a List`);
    return [...top, ...(list.items as unknown[]).flatMap((item, i) => kubernetesShapeErrors(item, model, `${path.basename(file)}[${i}]`))];
}

describe("kubectl-shaped fixtures are what kubectl prints", () => {
    before(loadKubernetesModels);

    it("the example cluster's Kubernetes files conform to Kubernetes' models", () => {
        for (const file of Object.keys(MODELS)) assert.deepStrictEqual(listErrors(path.join(EXAMPLE_SNAPSHOT, file)), [], file);
    });

    it("so do the gate checks' phase snapshots", () => {
        const root = path.join(FIXTURES, "snapshots");
        for (const dir of fs.readdirSync(root).filter((d) => d.startsWith("phase-"))) {
            for (const file of fs.readdirSync(path.join(root, dir)).filter((f) => MODELS[f])) {
                assert.deepStrictEqual(listErrors(path.join(root, dir, file)), [], `${dir}/${file}`);
            }
        }
    });

    it("the check can fail: a field the API does not have, a value of the wrong type", () => {
        assert.deepStrictEqual(kubernetesShapeErrors({ metadata: { name: "x" }, spec: { nodename: "n" } }, "V1Pod"), ["$.spec.nodename: not a field of V1PodSpec"]);
        assert.deepStrictEqual(kubernetesShapeErrors({ status: { disruptionsAllowed: "0" } }, "V1PodDisruptionBudget"), ["$.status.disruptionsAllowed: not a number"]);
    });

    it("the example's subnets carry the fields the AWS CLI prints for describe-subnets", () => {
        const published = exampleOutputs("ec2-describe-subnets.rst")[1] as { Subnets: Record<string, unknown>[] };
        const fields = new Set(Object.keys(published.Subnets[0]));
        const ours = JSON.parse(fs.readFileSync(path.join(EXAMPLE_SNAPSHOT, "subnets.json"), "utf8")).Subnets as Record<string, unknown>[];
        for (const subnet of ours) assert.deepStrictEqual(Object.keys(subnet).filter((k) => !fields.has(k)), [], String(subnet.SubnetId));
    });
});
