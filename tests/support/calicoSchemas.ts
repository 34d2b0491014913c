// Validators from the vendored schemas: Calico's own v3 CRDs (what the tests feed the converter must be an object
// Calico accepts) and Cilium's policy CRDs (what the converter emits must be an object Cilium accepts).
import Ajv, { ValidateFunction } from "ajv";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { parseCidr } from "../../preflight/cidr";
import { PROJECT_ROOT } from "./paths";

const REAL = path.join(PROJECT_ROOT, "tests/fixtures/real");

function calicoValidators(): Record<string, ValidateFunction> {
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const out: Record<string, ValidateFunction> = {};
    for (const file of fs.readdirSync(path.join(REAL, "calico/crds"))) {
        const crd = YAML.parse(fs.readFileSync(path.join(REAL, "calico/crds", file), "utf8"));
        const version = crd.spec.versions.find((v: { name: string }) => v.name === "v3");
        out[crd.spec.names.kind] = ajv.compile(version.schema.openAPIV3Schema);
    }
    return out;
}

/** Cilium's patterns are Go's RE2: `\PC` (no control characters) is `\P{C}` in JavaScript. */
const re2 = Object.assign((pattern: string, flags: string) => new RegExp(pattern.replace(/\\PC/g, "\\P{C}"), flags), { code: "re2" });

function ciliumValidators(): Record<string, ValidateFunction> {
    const ajv = new Ajv({ strict: false, allErrors: true, code: { regExp: re2 } });
    // Cilium's `format: cidr` (an IPv4 or IPv6 prefix); the others are Kubernetes' own.
    ajv.addFormat("cidr", (s: string) => s.includes(":") ? /^[0-9a-fA-F:]+\/\d{1,3}$/.test(s) : !(parseCidr(s) instanceof Error))
        .addFormat("int32", true).addFormat("int64", true).addFormat("date-time", true).addFormat("idn-hostname", true);
    const load = (f: string) => ajv.compile(JSON.parse(fs.readFileSync(path.join(REAL, "cilium-crds", f), "utf8")));
    return {
        CiliumNetworkPolicy: load("ciliumnetworkpolicy_v2.json"),
        CiliumClusterwideNetworkPolicy: load("ciliumclusterwidenetworkpolicy_v2.json"),
        // v2, as the program declares it: the CRD's own schema (cilium/cilium, see the folder's README).
        CiliumCIDRGroup: ajv.compile(YAML.parse(fs.readFileSync(path.join(REAL, "cilium-crds", "ciliumcidrgroups.yaml"), "utf8"))
            .spec.versions.find((v: { name: string }) => v.name === "v2").schema.openAPIV3Schema),
    };
}

let calico: Record<string, ValidateFunction> | undefined;
let cilium: Record<string, ValidateFunction> | undefined;

/** Throws unless `o` validates against its kind's vendored schema. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function assertValid(o: Record<string, any>, which: "calico" | "cilium"): void {
    const validators = which === "calico" ? (calico ??= calicoValidators()) : (cilium ??= ciliumValidators());
    const validate = validators[o.kind];
    if (!validate) throw new Error(`no ${which} schema for kind ${o.kind}`);
    if (o.kind === "CiliumCIDRGroup" && o.apiVersion !== "cilium.io/v2") throw new Error(`CiliumCIDRGroup ${o.metadata?.name} is ${o.apiVersion}; the vendored schema is cilium.io/v2's`);
    const { kind, metadata } = o;
    if (!validate(o)) throw new Error(`${kind} ${metadata?.name} does not validate against ${which}'s schema: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
}
