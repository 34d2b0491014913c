/**
 * What the Cilium install must be: ENI mode, pinned versions, and an operator policy within Cilium's documented list.
 * Resource policies: each judges one registered resource on its own.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { ResourceValidationArgs, ResourceValidationPolicy, ReportViolation, validateResourceOfType } from "@pulumi/policy";
import { DEFAULT_NODE_LABELS } from "../migration/names";
import { ALWAYS_REQUIRED, CONDITIONALLY_REQUIRED } from "../components/cilium/iamPolicy";
import { ALWAYS_PROTECTED } from "../components/cilium/overrides";
import { CILIUM_CHART_VERSION } from "../components/cilium/pins";
import { ciliumValues } from "../components/cilium/values";
import { SeenResource, isCiliumRelease, isInside, isObject, valueAt } from "./resources";

/** The keys that make an install ENI mode. */
export const ENI_MODE_KEYS = ["eni.enabled", "ipam.mode", "routingMode"] as const;

/** Their values, as the program's own Helm values set them (components/cilium/values.ts), not a second copy. */
const PROGRAM_VALUES = ciliumValues({
    bothCnisRun: false, kubeProxyReplacement: false, chartVersion: CILIUM_CHART_VERSION, clusterName: "policy",
    nodeLabels: DEFAULT_NODE_LABELS, overrides: {},
});

export const ciliumEniMode: ResourceValidationPolicy = {
    name: "cilium-eni-mode",
    description: "Every Cilium release runs in ENI mode: eni.enabled, ipam.mode eni, routingMode native.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(k8s.helm.v3.Release, (release, args, reportViolation) => {
        if (!isCiliumRelease(args)) return;
        for (const key of ENI_MODE_KEYS) {
            const expected = valueAt(PROGRAM_VALUES, key);
            const actual = valueAt(release.values, key);
            if (actual === expected) continue;
            reportViolation(`Cilium release ${args.name}: \`${key}\` is ${JSON.stringify(actual)}, not ${JSON.stringify(expected)}; ${ALWAYS_PROTECTED[key]}.`);
        }
    }),
};

/** An exact chart version (`1.19.6`, `1.19.6-rc.1`), not a range or a floating tag. */
export const isExactVersion = (v: unknown) => typeof v === "string" && /^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$/.test(v);

/** An image reference with a digest, or a tag other than `latest`. */
export function isPinnedImage(image: string): boolean {
    if (/@sha256:[0-9a-f]{64}$/.test(image)) return true;
    const last = image.split("/").pop() ?? "";
    const tag = last.includes(":") ? last.slice(last.lastIndexOf(":") + 1) : "";
    return tag !== "" && tag !== "latest";
}

/** Image settings in Helm values that float: `tag: latest` beside a `repository`, or an `image` string unpinned. */
export function floatingImagesInValues(values: unknown, path = ""): string[] {
    if (Array.isArray(values)) return values.flatMap((v, i) => floatingImagesInValues(v, `${path}[${i}]`));
    if (!isObject(values)) return [];
    const here: string[] = [];
    if (typeof values.repository === "string" && values.tag === "latest" && !values.digest) here.push(`${path || "."}.tag`);
    if (typeof values.image === "string" && !isPinnedImage(values.image)) here.push(`${path ? `${path}.` : ""}image`);
    return [...here, ...Object.entries(values).flatMap(([k, v]) => floatingImagesInValues(v, path ? `${path}.${k}` : k))];
}

const WORKLOAD_TYPES = /^kubernetes:(apps\/v1:(DaemonSet|Deployment|StatefulSet)|batch\/v1:(Job|CronJob)|core\/v1:Pod)(Patch)?$/;

/** The images of a Kubernetes workload's pod template (or pod) that are not pinned. */
function floatingImagesOfWorkload(r: SeenResource): string[] {
    const spec = r.type.includes("core/v1:Pod") ? r.props.spec
        : valueAt(r.props, "spec.template.spec") ?? valueAt(r.props, "spec.jobTemplate.spec.template.spec");
    const containers = [...(valueAt(spec, "containers") as unknown[] ?? []), ...(valueAt(spec, "initContainers") as unknown[] ?? [])];
    return containers.map((c) => valueAt(c, "image")).filter((i): i is string => typeof i === "string" && !isPinnedImage(i));
}

function validatePinnedWorkload(args: ResourceValidationArgs, reportViolation: ReportViolation): void {
    if (!WORKLOAD_TYPES.test(args.type)) return;
    for (const image of floatingImagesOfWorkload(args)) {
        reportViolation(`${args.type} ${args.name}: image ${JSON.stringify(image)} is not pinned (give a tag other than latest, or a digest).`);
    }
}

export const pinnedVersions: ResourceValidationPolicy = {
    name: "pinned-versions",
    description: "Helm chart versions are exact and container images pinned (no :latest, no missing tag).",
    enforcementLevel: "mandatory",
    validateResource: [
        validateResourceOfType(k8s.helm.v3.Release, (release, args, reportViolation) => {
            if (!isExactVersion(release.version)) {
                reportViolation(`Helm release ${args.name}: chart version ${JSON.stringify(release.version)} is not an exact version (e.g. "${CILIUM_CHART_VERSION}").`);
            }
            for (const path of floatingImagesInValues(release.values)) {
                reportViolation(`Helm release ${args.name}: values \`${path}\` is not a pinned image.`);
            }
        }),
        validatePinnedWorkload,
    ],
};

/** Every action Cilium's documentation lists for ENI mode, the conditional ones included (the program's list). */
export const DOCUMENTED_OPERATOR_ACTIONS: readonly string[] = [...ALWAYS_REQUIRED, ...CONDITIONALLY_REQUIRED.map((c) => c.action)];

/** The actions an IAM policy document allows beyond the documented list (a wildcard or NotAction counts). */
export function actionsBeyondDocumented(document: unknown): string[] {
    const parsed = typeof document === "string" ? JSON.parse(document) : document;
    const statements = valueAt(parsed, "Statement");
    const list = Array.isArray(statements) ? statements : [statements];
    const known = new Set(DOCUMENTED_OPERATOR_ACTIONS.map((a) => a.toLowerCase()));
    const beyond = list.filter((s) => isObject(s) && s.Effect === "Allow").flatMap((s) => {
        if ((s as Record<string, unknown>).NotAction !== undefined) return ["NotAction (everything but a list)"];
        const action = (s as Record<string, unknown>).Action;
        return (Array.isArray(action) ? action : [action]).map(String).filter((a) => !known.has(a.toLowerCase()));
    });
    return [...new Set(beyond)];
}

export const operatorIamLeastPrivilege: ResourceValidationPolicy = {
    name: "operator-iam-least-privilege",
    description: "The cilium-operator's IAM policy allows no action beyond Cilium's documented ENI-mode list.",
    enforcementLevel: "advisory",
    validateResource: validateResourceOfType(aws.iam.RolePolicy, (rolePolicy, args, reportViolation) => {
        // The operator's policy is the one the CiliumRelease component declares; other role policies are not ours.
        if (!isInside(args, "eks-cilium-migration:index:CiliumRelease")) return;
        const beyond = actionsBeyondDocumented(rolePolicy.policy);
        if (beyond.length > 0) {
            reportViolation(`cilium-operator policy ${args.name} allows ${beyond.join(", ")}, beyond Cilium's documented list for ENI mode.`);
        }
    }),
};
