/**
 * Self-managed node groups' user data, on the real thing: terraform-aws-eks's self-managed user data as its cloudinit
 * provider renders it (AL2 script, AL2023 MIME with NodeConfig parts), eksctl's AL2 cloud-config built from eksctl's
 * own files, Bottlerocket TOML. What the program writes is parsed back — base64, MIME, the bootstrap line with shell
 * quoting, NodeConfig YAML — and the merge rules of bootstrap.sh, nodeadm and kubelet applied, each read from the
 * vendored code so that a change there fails here.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { gzipSync } from "zlib";
import * as YAML from "yaml";
import { UserDataError, ciliumUserData, readUserData } from "../components/autoScalingGroups/userData";
import { bootstrapCall } from "../components/autoScalingGroups/al2UserData";
import { commandWords } from "../components/autoScalingGroups/shellWords";
import { kubeletView } from "../components/autoScalingGroups/kubeletFlags";
import { parseMime } from "../components/autoScalingGroups/mime";
import { nodeConfigs, readNodeadm } from "../components/autoScalingGroups/nodeadmUserData";
import { PROJECT_ROOT } from "./support/paths";

const REAL = path.join(PROJECT_ROOT, "tests", "fixtures", "real");
const real = (...p: string[]) => fs.readFileSync(path.join(REAL, ...p), "utf8");
const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const unb64 = (text: string) => Buffer.from(text, "base64").toString("utf8");
const BIRTH = { label: { key: "cni", value: "cilium" }, startupTaint: "node.cilium.io/agent-not-ready=true:NoExecute" };
const TF = (f: string) => real("terraform-aws-eks", "user-data", f);

describe("self-managed user data: the rules, read from the real code", () => {
    it("bootstrap.sh keeps the last --kubelet-extra-args (its argument loop assigns KUBELET_EXTRA_ARGS=$2 each time)", () => {
        const script = real("amazon-eks-ami", "bootstrap.al2.sh.txt");
        assert.match(script, /--kubelet-extra-args\)\n\s+KUBELET_EXTRA_ARGS=\$2\n/);
        assert.match(script, /Environment='KUBELET_EXTRA_ARGS=\$KUBELET_EXTRA_ARGS'/);
    });
    it("nodeadm appends kubelet flags of every NodeConfig part (mergeKubeletFlags AppendSlice)", () => {
        assert.match(real("amazon-eks-ami", "nodeadm-merge.go.txt"), /func \(t nodeConfigTransformer\) mergeKubeletFlags[\s\S]*dst\.Set\(reflect\.AppendSlice\(dst, src\)\)/);
    });
    it("kubelet merges repeated --node-labels and keeps the last --register-with-taints", () => {
        assert.match(real("kubernetes", "map_string_string.go.txt"), /if !m\.initialized \|\| \*m\.Map == nil \{[\s\S]*m\.initialized = true/);
        assert.match(real("kubernetes", "kubelet-flags.go.txt"), /func \(t RegisterWithTaintsVar\) Set\(s string\) error \{[\s\S]*\*t\.Value = taints/);
        assert.deepStrictEqual(kubeletView(["--node-labels=a=1,b=2", "--register-with-taints=x=1:NoSchedule", "--node-labels", "b=3", "--register-with-taints=y:NoExecute"]),
            { labels: { a: "1", b: "3" }, taints: ["y:NoExecute"] });
    });
});

describe("self-managed user data: AL2 (terraform-aws-eks self_managed_node_groups, rendered)", () => {
    for (const file of ["al2-self-mng-bootstrap.sh", "al2-self-mng-custom-template.sh"]) {
        it(`${file}: read, then edited in the last --kubelet-extra-args and nowhere else`, () => {
            const legacy = TF(file);
            assert.deepStrictEqual(readUserData("ng-al2", b64(legacy)), { form: "al2-script", labels: { "node.kubernetes.io/lifecycle": "spot" } });
            const twin = unb64(ciliumUserData("ng-al2", b64(legacy), BIRTH));
            // Parsed back as bash will: the one bootstrap call, its last --kubelet-extra-args split as systemd does.
            const call = bootstrapCall(twin);
            const value = call.extraArgs?.value ?? "";
            assert.deepStrictEqual(kubeletView(value.split(/\s+/).filter(Boolean)),
                { labels: { "node.kubernetes.io/lifecycle": "spot", cni: "cilium" }, taints: ["node.cilium.io/agent-not-ready=true:NoExecute"] });
            assert.strictEqual(call.words.filter((w) => w.value === "--kubelet-extra-args").length, 1);
            // Every other byte kept: the script with the edited word put back is the legacy one.
            const legacyCall = bootstrapCall(legacy);
            assert.strictEqual(twin.slice(0, call.extraArgs?.start) + legacy.slice(legacyCall.extraArgs?.start, legacyCall.extraArgs?.end) + twin.slice(call.extraArgs?.end), legacy);
            assert.deepStrictEqual(readUserData("ng-al2", b64(twin)).taints, ["node.cilium.io/agent-not-ready=true:NoExecute"]);
        });
    }
    it("legacy taints are repeated in the one taint flag kubelet keeps; a single quote in a value survives shell quoting", () => {
        const legacy = "#!/bin/bash\n/etc/eks/bootstrap.sh prod --kubelet-extra-args \"--node-labels=team=a --register-with-taints=dedicated=batch:NoSchedule\" \\\n  --kubelet-extra-args '--node-labels=team=b,note=it'\"'\"'s --register-with-taints=gpu=true:NoSchedule'\necho done\n";
        const read = readUserData("g", b64(legacy));
        assert.deepStrictEqual(read.labels, { team: "b", note: "it's" });
        assert.deepStrictEqual(read.taints, ["gpu=true:NoSchedule"]);
        const twin = readUserData("g", ciliumUserData("g", b64(legacy), BIRTH));
        assert.deepStrictEqual(twin, { form: "al2-script", labels: { team: "b", note: "it's", cni: "cilium" }, taints: ["gpu=true:NoSchedule", "node.cilium.io/agent-not-ready=true:NoExecute"] });
    });
    it("a bootstrap call without --kubelet-extra-args gets one", () => {
        const twin = unb64(ciliumUserData("g", b64("#!/bin/bash\nset -e\n/etc/eks/bootstrap.sh prod --b64-cluster-ca $CA\necho ok\n"), BIRTH));
        assert.strictEqual(twin, "#!/bin/bash\nset -e\n/etc/eks/bootstrap.sh prod --b64-cluster-ca $CA --kubelet-extra-args '--node-labels=cni=cilium --register-with-taints=node.cilium.io/agent-not-ready=true:NoExecute'\necho ok\n");
        assert.deepStrictEqual(commandWords(twin, twin.indexOf("/etc")).map((w) => w.value).slice(-2)[0], "--kubelet-extra-args");
    });
});

describe("self-managed user data: AL2023 (terraform-aws-eks, as its cloudinit provider renders it)", () => {
    for (const file of ["al2023-self-mng-bootstrap.txt", "al2023-self-mng-custom-template.txt"]) {
        it(`${file}: one NodeConfig part added after the last, every legacy byte kept`, () => {
            const legacy = TF(file);
            assert.deepStrictEqual(readUserData("ng-2023", b64(legacy)), { form: "al2023-nodeadm", labels: {} });
            const twin = unb64(ciliumUserData("ng-2023", b64(legacy), BIRTH));
            const legacyParts = parseMime(legacy)?.parts ?? [];
            const parts = parseMime(twin)?.parts ?? [];
            assert.deepStrictEqual(parts.map((p) => p.contentType), ["application/node.eks.aws", "application/node.eks.aws", "application/node.eks.aws", "text/x-shellscript"]);
            assert.deepStrictEqual(parts.filter((_, i) => i !== 2).map((p) => p.body), legacyParts.map((p) => p.body));
            assert.deepStrictEqual(YAML.parse(parts[2].body), { apiVersion: "node.eks.aws/v1alpha1", kind: "NodeConfig",
                spec: { kubelet: { flags: ["--node-labels=cni=cilium", "--register-with-taints=node.cilium.io/agent-not-ready=true:NoExecute"] } } });
            // nodeadm's merge: the flags of every part, in order.
            const merged = nodeConfigs(parseMime(twin) as NonNullable<ReturnType<typeof parseMime>>).flatMap((c) => c.spec?.kubelet?.flags ?? []);
            assert.deepStrictEqual(kubeletView(merged), { labels: { cni: "cilium" }, taints: ["node.cilium.io/agent-not-ready=true:NoExecute"] });
        });
    }
    it("the legacy taints — a part's flags, or the kubelet config's registerWithTaints — are repeated in the added part", () => {
        const legacy = TF("al2023-self-mng-bootstrap.txt").replace("      featureGates:\n",
            "      registerWithTaints:\n        - key: dedicated\n          value: batch\n          effect: NoSchedule\n      featureGates:\n");
        assert.deepStrictEqual(readUserData("g", b64(legacy)).taints, ["dedicated=batch:NoSchedule"]);
        assert.deepStrictEqual(readUserData("g", ciliumUserData("g", b64(legacy), BIRTH)).taints, ["dedicated=batch:NoSchedule", "node.cilium.io/agent-not-ready=true:NoExecute"]);
        const withFlags = TF("al2023-self-mng-bootstrap.txt").replace("  kubelet:\n    config:\n", "  kubelet:\n    flags:\n      - --node-labels=team=a\n      - --register-with-taints=gpu=true:NoSchedule\n    config:\n");
        const twin = readNodeadm(parseMime(unb64(ciliumUserData("g", b64(withFlags), BIRTH))) as NonNullable<ReturnType<typeof parseMime>>);
        assert.deepStrictEqual(twin, { labels: { team: "a", cni: "cilium" }, taints: ["gpu=true:NoSchedule", "node.cilium.io/agent-not-ready=true:NoExecute"] });
    });
});

describe("self-managed user data: refused, naming the group and what was seen", () => {
    it("eksctl's AL2 gzipped cloud-config (kubelet.env, built from eksctl's own files)", () => {
        const helper = real("eksctl", "bootstrap.helper.sh.txt");
        assert.match(helper, /source \/etc\/eksctl\/kubelet\.env/);
        assert.match(real("eksctl", "cloudconfig.go.txt"), /gw\s+= gzip\.NewWriter\(&buf\)[\s\S]*base64\.StdEncoding\.EncodeToString/);
        const cloudConfig = "#cloud-config\n" + YAML.stringify({ runcmd: [["/var/lib/cloud/scripts/eksctl/bootstrap.al2.sh"]], packages: [], write_files: [
            { content: "NODE_LABELS=alpha.eksctl.io/nodegroup-name=ng-1\nNODE_TAINTS=", owner: "root:root", path: "/etc/eksctl/kubelet.env", permissions: "0644" },
            { content: helper, owner: "root:root", path: "/var/lib/cloud/scripts/eksctl/bootstrap.helper.sh", permissions: "0755" }] });
        assert.throws(() => readUserData("eksctl-prod-nodegroup-ng-1", gzipSync(Buffer.from(cloudConfig)).toString("base64")), (e: unknown) => e instanceof UserDataError &&
            e.message.startsWith("Auto Scaling group eksctl-prod-nodegroup-ng-1 runs eksctl's AL2 user data (a gzipped cloud-config writing /etc/eksctl/kubelet.env, "));
    });
    it("Bottlerocket TOML (terraform-aws-eks rendered)", () => {
        assert.throws(() => readUserData("ng-br", b64(TF("bottlerocket-self-mng-bootstrap.toml"))),
            { message: "Auto Scaling group ng-br: Bottlerocket settings (TOML, [settings.kubernetes]): this program reads AL2 and AL2023 user data only." });
    });
    it("a script without a bootstrap call; a bootstrap call whose extra args are built at boot", () => {
        assert.throws(() => readUserData("g", b64("#!/bin/bash\necho hello\n")),
            { message: "Auto Scaling group g: its user data is a shell script without a call to /etc/eks/bootstrap.sh; the program cannot tell which labels and taints its nodes register with." });
        const eksctlAl2 = real("eksctl", "bootstrap.al2.sh.txt");
        assert.throws(() => readUserData("g", b64(eksctlAl2)),
            { message: "Auto Scaling group g: its user data is a /etc/eks/bootstrap.sh call with an argument built at boot (\"${CLUSTER_NAME}\"), which bootstrap.sh " +
                "could read as --kubelet-extra-args or as an option taking the next word; the program cannot tell which labels and taints its nodes register with." });
    });
});
