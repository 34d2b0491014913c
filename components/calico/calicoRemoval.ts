/**
 * Calico's removal at phase 6, with aws-node (design.md, "Calico as the policy engine"): the legacy nodes are drained,
 * so calico-node — pinned to them — has nothing left to enforce. One step that re-checks the drained state right before
 * it acts (the same `legacy-drained` re-check as aws-node's removal, with the configured pools) and then removes, in
 * this order:
 * 1. tigera-operator: the `APIServer` and `Installation` `default` while the operator still runs — it holds the
 *    Installation with its `tigera.io/operator-cleanup` finalizer until it has torn calico-system down
 *    (pkg/render/finalizers.go; pkg/controller/installation/core_controller.go) — and waits for calico-node to go;
 *    then the operator itself (its Deployment, namespace and cluster roles, as manifests/tigera-operator.yaml makes them).
 *    Manifests: the objects manifests/calico-policy-only.yaml creates.
 * 2. Calico's CRDs (`*.crd.projectcalico.org`, `*.projectcalico.org`, `*.operator.tigera.io`).
 * 3. The `v3.projectcalico.org` APIService: left behind, it points at a service that no longer answers, and the
 *    namespace controller cannot finish deleting any namespace while an aggregated API is unavailable.
 * Idempotent: with nothing of Calico left it passes without pre-checks (it never fails on a state it brought about).
 * Going back below 6 needs `allowUnsafeRollback` (the guard) and does not re-install Calico: it was another tool's.
 */
import * as pulumi from "@pulumi/pulumi";
import { clusterStep } from "../clusterSteps/clusterStep";
import { PreChecks, preCheckLines, shellQuote, withKubeconfig } from "../clusterSteps/scripts";

/** The objects of Calico's policy-only manifest install (manifests/calico-policy-only.yaml), CRDs aside. */
export const MANIFEST_OBJECTS: readonly { kind: string; namespace?: string; name: string }[] = [
    ...["calico-kube-controllers", "calico-typha"].map((name) => ({ kind: "Deployment", namespace: "kube-system", name })),
    { kind: "DaemonSet", namespace: "kube-system", name: "calico-node" },
    { kind: "Service", namespace: "kube-system", name: "calico-typha" },
    ...["calico-kube-controllers", "calico-typha"].map((name) => ({ kind: "PodDisruptionBudget", namespace: "kube-system", name })),
    ...["calico-kube-controllers", "calico-node", "calico-cni-plugin"].map((name) => ({ kind: "ServiceAccount", namespace: "kube-system", name })),
    { kind: "ConfigMap", namespace: "kube-system", name: "calico-config" },
    ...["ClusterRoleBinding", "ClusterRole"].flatMap((kind) => ["calico-kube-controllers", "calico-node", "calico-cni-plugin", "calico-tier-getter"].map((name) => ({ kind, name }))),
];

/** The groups of Calico's and tigera-operator's CRDs (a CRD is named `<plural>.<group>`). */
export const CALICO_CRD_GROUPS = ["crd.projectcalico.org", "projectcalico.org", "operator.tigera.io"] as const;
export const CALICO_APISERVICE = "v3.projectcalico.org";
/** How long each wait (the Installation's teardown, calico-node's pods) may take before the step fails. */
export const CALICO_REMOVAL_TIMEOUT = "10m";

export type CalicoRemovalInstall = { kind: "operator"; operatorNamespace: string } | { kind: "manifest" };

const crdPattern = `'^customresourcedefinition\\.apiextensions\\.k8s\\.io/[^.]+\\.(${CALICO_CRD_GROUPS.map((g) => g.replace(/\./g, "\\.")).join("|")})$'`;
const kubectlName = (o: { kind: string; name: string }) => `${o.kind.toLowerCase()}/${o.name}`;

function operatorLines(namespace: string): string {
    const ns = shellQuote(namespace);
    return `
if kubectl get crd installations.operator.tigera.io --ignore-not-found -o name | grep -q . &&
   [ -n "$(kubectl get installations.operator.tigera.io default --ignore-not-found -o name)" ]; then
  if [ -z "$(kubectl -n ${ns} get deployment tigera-operator --ignore-not-found -o name)" ]; then
    echo "remove: Installation default exists but tigera-operator does not run in ${namespace}: nothing would release it (finalizer tigera.io/operator-cleanup); start the operator again, then re-run" >&2
    exit 1
  fi
  if kubectl get crd apiservers.operator.tigera.io --ignore-not-found -o name | grep -q .; then
    kubectl delete apiservers.operator.tigera.io default --ignore-not-found --wait=true --timeout=${CALICO_REMOVAL_TIMEOUT}
  fi
  kubectl delete installations.operator.tigera.io default --ignore-not-found --wait=true --timeout=${CALICO_REMOVAL_TIMEOUT}
  kubectl -n calico-system wait --for=delete daemonset/calico-node --timeout=${CALICO_REMOVAL_TIMEOUT} 2>/dev/null || [ -z "$(kubectl -n calico-system get daemonset calico-node --ignore-not-found -o name)" ]
fi
kubectl -n ${ns} delete deployment tigera-operator --ignore-not-found --wait=true
${namespace === "tigera-operator" ? "kubectl delete namespace tigera-operator --ignore-not-found --wait=true\n" : ""}kubectl delete clusterrolebinding tigera-operator --ignore-not-found
kubectl delete clusterrole tigera-operator tigera-operator-secrets --ignore-not-found`;
}

function manifestLines(): string {
    return MANIFEST_OBJECTS.map((o) => `kubectl ${o.namespace ? `-n ${shellQuote(o.namespace)} ` : ""}delete ${shellQuote(kubectlName(o))} --ignore-not-found --wait=true`).join("\n");
}

/** The removal step's script. Pure. */
export function removeCalicoScript(install: CalicoRemovalInstall, pre: PreChecks): string {
    const operatorProbe = install.kind === "operator" ? `kubectl -n ${shellQuote(install.operatorNamespace)} get deployment tigera-operator --ignore-not-found -o name` : "kubectl -n kube-system get daemonset calico-node --ignore-not-found -o name";
    return withKubeconfig(`
calico_crds() { kubectl get crd -o name | { grep -E ${crdPattern} || true; }; }
# One read per assignment: a read that fails fails the step (set -e), never reads as "gone".
agent="$(${operatorProbe})"
crds="$(calico_crds)"
apiservice="$(kubectl get apiservice ${CALICO_APISERVICE} --ignore-not-found -o name)"
if [ -z "$agent$crds$apiservice" ]; then echo "remove: Calico is already gone; nothing to do"; exit 0; fi
${preCheckLines(pre)}
${(install.kind === "operator" ? operatorLines(install.operatorNamespace) : manifestLines()).trim()}
crds="$(calico_crds)"
for crd in $crds; do kubectl delete "$crd" --ignore-not-found --wait=true; done
kubectl delete apiservice ${CALICO_APISERVICE} --ignore-not-found
echo "remove: Calico removed (${install.kind === "operator" ? "Installation, tigera-operator" : "the manifest's objects"}, its CRDs, the ${CALICO_APISERVICE} APIService; pre-checks passed: ${pre.checks.join(", ")})"`);
}

export interface CalicoRemovalArgs {
    install: CalicoRemovalInstall;
    pre: PreChecks;
    /** Kubeconfig for the step (secret). */
    kubeconfig: pulumi.Input<string>;
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export class CalicoRemoval extends pulumi.ComponentResource {
    public readonly step: pulumi.Resource;

    constructor(name: string, args: CalicoRemovalArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-cilium-migration:index:CalicoRemoval", name, {}, opts);
        this.step = clusterStep(`${name}-remove`, { kubeconfig: args.kubeconfig, create: removeCalicoScript(args.install, args.pre) },
            { parent: this, dependsOn: args.dependsOn ?? [] });
        this.registerOutputs({});
    }
}
