/**
 * Custom resources preflight is tested with, taken from or checked against their owners' own data: the
 * SecurityGroupPolicy samples of aws/amazon-vpc-resource-controller-k8s, and ENIConfigs as the amazon-vpc-cni
 * chart's CRD defines them (tests/fixtures/real/).
 */
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import * as YAML from "yaml";
import { FIXTURES } from "./paths";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const REAL = path.join(FIXTURES, "real");

/** The controller's own SecurityGroupPolicy samples, as `kubectl get -A` lists them (in namespace `shop`). */
export function securityGroupPolicySamples(): Json[] {
    const text = fs.readFileSync(path.join(REAL, "vpc-resource-controller", "vpcresources_v1beta1_securitygrouppolicy.yaml"), "utf8");
    return YAML.parseAllDocuments(text).map((d) => d.toJSON()).map((o) => ({ ...o, metadata: { ...o.metadata, namespace: "shop" } }));
}

/** An ENIConfig for one zone, as custom networking sets it up (one per availability zone). */
export function eniConfig(zone: string, subnet: string, securityGroups: string[]): Json {
    return { apiVersion: "crd.k8s.amazonaws.com/v1alpha1", kind: "ENIConfig", metadata: { name: zone }, spec: { subnet, securityGroups } };
}

/** A validator of a CRD's served version's openAPIV3Schema (the file may hold several CRDs: `kind` picks one). */
export function crdValidator(file: string, kind: string): ReturnType<Ajv["compile"]> {
    const crd = YAML.parseAllDocuments(fs.readFileSync(path.join(REAL, file), "utf8")).map((d) => d.toJSON()).find((c) => c?.spec?.names?.kind === kind);
    if (!crd) throw new Error(`${file} has no CRD of kind ${kind}`);
    const version = crd.spec.versions.find((v: Json) => v.served) ?? crd.spec.versions[0];
    return new Ajv({ strict: false, allErrors: true }).compile(version.schema.openAPIV3Schema);
}
