/**
 * Cilium in ENI mode: cilium-operator's own IAM role through IRSA with a least-privilege policy (iamPolicy.ts),
 * and a real Helm release (`helm.v3.Release`: hooks run, `helm` sees it) of the pinned chart. Values come from
 * `ciliumValues` (values.ts), given the caller's decisions: whether both CNIs run, whether Cilium replaces
 * kube-proxy. `atomic`: a failed upgrade rolls back instead of leaving half-rolled agents.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ciliumOperatorPolicy } from "./iamPolicy";
import { assertOverridesAllowed } from "./overrides";
import { CILIUM_CHART_NAME, CILIUM_CHART_REPO } from "./pins";
import { ciliumValues } from "./values";
import { NodeLabels } from "../../migration/names";

export const CILIUM_NAMESPACE = "kube-system";
export const CILIUM_OPERATOR_SERVICE_ACCOUNT = "cilium-operator";

export interface CiliumReleaseArgs {
    /** Both CNIs may run: migration-only values (agents off legacy nodes, watcher off). See CiliumValuesInput. */
    bothCnisRun: boolean;
    /** Cilium replaces kube-proxy (the endpoint's host becomes `k8sServiceHost`). */
    kubeProxyReplacement: boolean;
    provider: k8s.Provider;
    /** The EKS cluster's name (the instance tags the IAM policy scopes attachments by carry it). */
    clusterName: pulumi.Input<string>;
    /** Cilium's `cluster.name` (at most 32 of [a-z0-9-]). Default: `clusterName`. */
    ciliumClusterName?: pulumi.Input<string>;
    /** How the operator gets AWS credentials. IRSA needs the OIDC provider; Pod Identity the agent add-on. */
    operatorIdentity: "irsa" | "pod-identity";
    /** The API endpoint (`https://…`); its host becomes `k8sServiceHost` with kube-proxy replacement. */
    clusterEndpoint: pulumi.Input<string>;
    vpcId: pulumi.Input<string>;
    /** IRSA: the IAM OIDC provider of the cluster's issuer. */
    oidcProviderArn?: pulumi.Input<string>;
    /** IRSA: the issuer URL, with or without `https://`. */
    oidcProviderUrl?: pulumi.Input<string>;
    /** Exact chart version, e.g. "1.19.6". */
    chartVersion: string;
    labels: NodeLabels;
    /** `cilium.values` overrides, deep-merged last. Default: none. */
    overrides?: Record<string, unknown>;
    /** Policy enforcement while both CNIs run (see CiliumValuesInput). Default: "default". */
    policyDuringMigration?: "never" | "default";
    /** portmap chaining for hostPort pods until kube-proxy replacement. Default: off. */
    portmapChaining?: boolean;
    /**
     * Seconds Helm waits for the release to be ready before the atomic release rolls back (see
     * cilium/timeout.ts for a size that fits the pool). Default 900.
     */
    timeoutSeconds?: number;
    /** Resources the release waits for (the previous gate; kube-proxy's return on a rollback from 9). */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
    tags?: Record<string, string>;
}

export class CiliumRelease extends pulumi.ComponentResource {
    public readonly operatorRole: aws.iam.Role;
    public readonly release: k8s.helm.v3.Release;

    constructor(name: string, args: CiliumReleaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-cilium-migration:index:CiliumRelease", name, {}, opts);
        const overrides = args.overrides ?? {};
        try {
            assertOverridesAllowed(overrides, { bothCnisRun: args.bothCnisRun });
        } catch (err) {
            throw new pulumi.ResourceError((err as Error).message, this);
        }

        const podIdentity = args.operatorIdentity === "pod-identity";
        this.operatorRole = new aws.iam.Role(`${name}-operator-role`, {
            description: `cilium-operator (ENI IPAM) through ${podIdentity ? "EKS Pod Identity" : "IRSA"}`,
            assumeRolePolicy: podIdentity ? JSON.stringify(POD_IDENTITY_TRUST_POLICY)
                : pulumi.all([args.oidcProviderArn, args.oidcProviderUrl]).apply(([arn, url]) => {
                    if (!arn || !url) throw new pulumi.ResourceError("IRSA needs the cluster's OIDC provider (`oidcProviderArn`, `oidcProviderUrl`).", this);
                    return JSON.stringify(irsaTrustPolicy(arn, url, CILIUM_NAMESPACE, CILIUM_OPERATOR_SERVICE_ACCOUNT));
                }),
            tags: args.tags,
        }, { parent: this, dependsOn: args.dependsOn });
        // Pod Identity: EKS hands the role to the operator's service account (the agent add-on must run).
        const association = podIdentity ? new aws.eks.PodIdentityAssociation(`${name}-operator-identity`, {
            clusterName: args.clusterName, namespace: CILIUM_NAMESPACE, serviceAccount: CILIUM_OPERATOR_SERVICE_ACCOUNT,
            roleArn: this.operatorRole.arn, tags: args.tags,
        }, { parent: this.operatorRole }) : undefined;
        // The release waits for the policy, not only the role: an operator started before its permissions are in
        // place fails its first ENI calls and backs off.
        const policy = new aws.iam.RolePolicy(`${name}-operator-policy`, {
            role: this.operatorRole.name,
            policy: pulumi.all([args.vpcId, args.clusterName]).apply(([vpcId, clusterName]) =>
                JSON.stringify(ciliumOperatorPolicy({ vpcId, clusterName, values: overrides }))),
        }, { parent: this.operatorRole });

        this.release = new k8s.helm.v3.Release(`${name}-release`, {
            name: "cilium",
            chart: CILIUM_CHART_NAME,
            version: args.chartVersion,
            repositoryOpts: { repo: CILIUM_CHART_REPO },
            namespace: CILIUM_NAMESPACE,
            values: pulumi.all([args.ciliumClusterName ?? args.clusterName, this.operatorRole.arn, args.clusterEndpoint]).apply(([clusterName, roleArn, endpoint]) =>
                ciliumValues({
                    bothCnisRun: args.bothCnisRun, kubeProxyReplacement: args.kubeProxyReplacement, chartVersion: args.chartVersion, clusterName,
                    // IRSA: the chart annotates the operator's service account with the role; Pod Identity needs no annotation.
                    ...(podIdentity ? {} : { operatorRoleArn: roleArn }),
                    nodeLabels: args.labels, clusterEndpoint: endpoint, overrides,
                    policyDuringMigration: args.policyDuringMigration, portmapChaining: args.portmapChaining,
                })),
            atomic: true,
            timeout: args.timeoutSeconds ?? 900,
        }, { parent: this, provider: args.provider, dependsOn: [this.operatorRole, policy, ...(association ? [association] : []), ...(args.dependsOn ?? [])] });
        this.registerOutputs({ operatorRoleArn: this.operatorRole.arn });
    }
}

/** EKS Pod Identity's trust policy (the EKS Auth service assumes the role and tags the session). */
export const POD_IDENTITY_TRUST_POLICY = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
};

export function irsaTrustPolicy(oidcProviderArn: string, oidcProviderUrl: string, namespace: string, serviceAccount: string) {
    const issuer = oidcProviderUrl.replace(/^https:\/\//, "");
    return {
        Version: "2012-10-17",
        Statement: [{
            Effect: "Allow",
            Principal: { Federated: oidcProviderArn },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
                StringEquals: {
                    [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
                    [`${issuer}:aud`]: "sts.amazonaws.com",
                },
            },
        }],
    };
}
