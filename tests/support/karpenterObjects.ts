/**
 * Karpenter's own objects for the tests (tests/fixtures/real/karpenter, vendored with source and licence): the
 * published examples' NodePools and EC2NodeClasses, the docs' annotated NodeClaim, and the CRDs' OpenAPI schemas
 * (an ajv validator per kind, as the API server would judge an object's shape).
 */
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import * as YAML from "yaml";
import { FIXTURES } from "./paths";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

export const KARPENTER_FIXTURES = path.join(FIXTURES, "real", "karpenter");

/** Every document of a vendored example file, by kind. */
export function karpenterExample(file: string): Obj[] {
    const text = fs.readFileSync(path.join(KARPENTER_FIXTURES, "examples", file), "utf8");
    return YAML.parseAllDocuments(text).map((d) => d.toJSON() as Obj).filter((d) => d !== null);
}

export const exampleOf = (file: string, kind: string): Obj => structuredClone(karpenterExample(file).find((d) => d.kind === kind) as Obj);

/** The docs' annotated NodeClaim, renamed and re-pooled, created `ageMs` ago. */
export function nodeClaim(name: string, pool: string, ageMs: number, now = Date.now()): Obj {
    const claim = exampleOf("nodeclaim-annotated.yaml", "NodeClaim");
    claim.metadata.name = name;
    claim.metadata.labels["karpenter.sh/nodepool"] = pool;
    claim.metadata.ownerReferences[0].name = pool;
    claim.metadata.creationTimestamp = new Date(now - ageMs).toISOString();
    return claim;
}

// The CRD schemas use Kubernetes formats (int32, duration) ajv does not define: shapes and patterns are judged, formats not.
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });

/** The CRD's served version's OpenAPI schema, as a validator; its errors listed for messages. */
export function crdValidator(file: string): (object: unknown) => string[] {
    const crd = YAML.parse(fs.readFileSync(path.join(KARPENTER_FIXTURES, "crds", file), "utf8"));
    const version = (crd.spec.versions as Obj[]).find((v) => v.served && v.storage) as Obj;
    const validate = ajv.compile(version.schema.openAPIV3Schema);
    return (object) => (validate(object) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
}

export const validateNodePool = crdValidator("karpenter.sh_nodepools.yaml");
export const validateNodeClaim = crdValidator("karpenter.sh_nodeclaims.yaml");
export const validateEc2NodeClass = crdValidator("karpenter.k8s.aws_ec2nodeclasses.yaml");
