/**
 * Self-managed user data at its edges (issue 24, second reading): how nodeadm hands a part's flags to kubelet, how
 * many documents of a part nodeadm reads, bootstrap.sh's argument loop with words built at boot, redirections after
 * the bootstrap call, and bad input — each refused as a UserDataError naming the group and what was seen. The rules
 * are read from the vendored code (tests/fixtures/real/amazon-eks-ami) so that a change there fails here.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { UserDataError, ciliumUserData, readUserData } from "../components/autoScalingGroups/userData";
import { VALUE_OPTIONS } from "../components/autoScalingGroups/al2UserData";
import { commandWords, wordsAfterRedirections } from "../components/autoScalingGroups/shellWords";
import { PROJECT_ROOT } from "./support/paths";

const REAL = path.join(PROJECT_ROOT, "tests", "fixtures", "real");
const real = (...p: string[]) => fs.readFileSync(path.join(REAL, ...p), "utf8");
const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const unb64 = (text: string) => Buffer.from(text, "base64").toString("utf8");
const BIRTH = { label: { key: "cni", value: "cilium" }, startupTaint: "node.cilium.io/agent-not-ready=true:NoExecute" };
const TF = (f: string) => real("terraform-aws-eks", "user-data", f);
const CILIUM = "node.cilium.io/agent-not-ready=true:NoExecute";
const refused = (message: string) => (e: unknown) => e instanceof UserDataError && e.message === message;

/** terraform-aws-eks's AL2023 user data with the first NodeConfig part's `kubelet:` replaced. */
const al2023With = (kubelet: string) => TF("al2023-self-mng-bootstrap.txt").replace(
    "  kubelet:\n    config:\n      shutdownGracePeriod: 30s\n      featureGates:\n        DisableKubeletCloudCredentialProviders: true\n", kubelet);

describe("self-managed user data, AL2023: a part's flags as kubelet receives them", () => {
    it("nodeadm joins the flags with a space into NODEADM_KUBELET_ARGS and systemd splits that on whitespace", () => {
        assert.match(real("amazon-eks-ami", "nodeadm-kubelet-environment.go.txt"),
            /kubeletFlags = append\(kubeletFlags, cfg\.Spec\.Kubelet\.Flags\.\.\.\)\n[\s\S]*k\.environment\[kubeletArgsEnvironmentName\] = strings\.Join\(kubeletFlags, " "\)/);
        assert.match(real("amazon-eks-ami", "kubelet.al2023.service.txt"), /\nExecStart=\/usr\/bin\/kubelet \$NODEADM_KUBELET_ARGS\n/);
    });
    for (const flag of ["--register-with-taints a=b:NoSchedule", "--node-labels=x=y --register-with-taints=a=b:NoSchedule"]) {
        it(`an item ${JSON.stringify(flag)} is read as the words kubelet gets, and the twin repeats its taint`, () => {
            const legacy = al2023With(`  kubelet:\n    flags:\n      - ${flag}\n`);
            assert.deepStrictEqual(readUserData("ng", b64(legacy)).taints, ["a=b:NoSchedule"]);
            assert.deepStrictEqual(readUserData("ng", ciliumUserData("ng", b64(legacy), BIRTH)).taints, ["a=b:NoSchedule", CILIUM]);
        });
    }
});

describe("self-managed user data, AL2023: only the first document of a part", () => {
    it("nodeadm decodes each part whole with DecodeNodeConfig (apimachinery → yaml.v2 Unmarshal: the first document)", () => {
        assert.match(real("amazon-eks-ami", "nodeadm-configprovider-mime.go.txt"), /decodedConfig, err := apibridge\.DecodeNodeConfig\(nodeConfigPart, nil\)/);
        assert.match(real("amazon-eks-ami", "nodeadm-bridge-decode.go.txt"), /obj, gvk, err := codecs\.UniversalDecoder\(\)\.Decode\(data, gvk, nil\)/);
    });
    it("a part with a second document is refused, not read as tainted", () => {
        const legacy = TF("al2023-self-mng-bootstrap.txt").replace("        DisableKubeletCloudCredentialProviders: true\n",
            "        DisableKubeletCloudCredentialProviders: true\n---\napiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  kubelet:\n    flags:\n      - --register-with-taints=gpu=true:NoSchedule\n");
        assert.throws(() => readUserData("ng", b64(legacy)), refused("Auto Scaling group ng: its user data is a NodeConfig part holding 2 YAML documents " +
            "(nodeadm reads only the first of a part, yaml.v2 Unmarshal; put each NodeConfig in its own MIME part); the program cannot tell which labels and taints its nodes register with."));
    });
});

describe("self-managed user data, AL2: bootstrap.sh's argument loop", () => {
    it("the options that take a value are the vendored bootstrap.sh's (each assigns $2 and shifts twice)", () => {
        const loop = real("amazon-eks-ami", "bootstrap.al2.sh.txt");
        const options = [...loop.matchAll(/\n {4}(--[a-z0-9-]+)\)\n {6}[A-Z0-9_]+="?\$2"?\n/g)].map((m) => m[1]);
        assert.deepStrictEqual([...VALUE_OPTIONS].sort(), options.sort());
    });
    it("a word built at boot in an option slot is refused (it may be --kubelet-extra-args with taints)", () => {
        const legacy = "#!/bin/bash\nEXTRA=\"--kubelet-extra-args --register-with-taints=dedicated=gpu:NoSchedule\"\n/etc/eks/bootstrap.sh c $EXTRA\n";
        assert.throws(() => readUserData("ng", b64(legacy)), refused("Auto Scaling group ng: its user data is a /etc/eks/bootstrap.sh call with an argument built at boot " +
            "($EXTRA), which bootstrap.sh could read as --kubelet-extra-args or as an option taking the next word; the program cannot tell which labels and taints its nodes register with."));
        assert.throws(() => ciliumUserData("ng", b64(legacy), BIRTH), UserDataError);
    });
    it("a positional word built at boot is refused; a value built at boot of an option that cannot carry kubelet flags is read", () => {
        assert.throws(() => readUserData("ng", b64("/etc/eks/bootstrap.sh \"$CLUSTER\" --kubelet-extra-args '--node-labels=a=b'\n")),
            refused("Auto Scaling group ng: its user data is a /etc/eks/bootstrap.sh call with an argument built at boot (\"$CLUSTER\"), which bootstrap.sh " +
                "could read as --kubelet-extra-args or as an option taking the next word; the program cannot tell which labels and taints its nodes register with."));
        // terraform-aws-eks's own line: --b64-cluster-ca $B64_CLUSTER_CA --apiserver-endpoint $API_SERVER_URL.
        assert.deepStrictEqual(readUserData("ng", b64(TF("al2-self-mng-bootstrap.sh"))).labels, { "node.kubernetes.io/lifecycle": "spot" });
    });
    it("an option's value is never read as an option (--b64-cluster-ca --kubelet-extra-args: a CA, then a positional)", () => {
        assert.deepStrictEqual(readUserData("ng", b64("/etc/eks/bootstrap.sh c --b64-cluster-ca --kubelet-extra-args --register-with-taints=a=b:NoSchedule\n")),
            { form: "al2-script", labels: {} });
    });
});

describe("self-managed user data, AL2: a bootstrap call followed by redirections", () => {
    const tfLike = TF("al2-self-mng-bootstrap.sh").replace("--kubelet-extra-args '--node-labels=node.kubernetes.io/lifecycle=spot' ", "")
        .replace("--service-ipv4-cidr 172.16.0.0/16\n", "--service-ipv4-cidr 172.16.0.0/16 2>&1 | tee /var/log/bootstrap.log\n");
    const eksctlLike = "#!/bin/bash\nset -o errexit\n/etc/eks/bootstrap.sh prod \\\n  --apiserver-endpoint https://ABC.gr7.us-west-2.eks.amazonaws.com \\\n" +
        "  --b64-cluster-ca LS0tCg== \\\n  --dns-cluster-ip 10.100.0.10 \\\n  --container-runtime containerd >>/var/log/eks-bootstrap.log 2>&1\necho done\n";
    it("terraform-aws-eks-like: `… 172.16.0.0/16 2>&1 | tee …` gets its --kubelet-extra-args before the redirection", () => {
        const twin = unb64(ciliumUserData("ng", b64(tfLike), BIRTH));
        assert.strictEqual(twin, tfLike.replace("172.16.0.0/16 2>&1", "172.16.0.0/16 --kubelet-extra-args " +
            "'--node-labels=cni=cilium --register-with-taints=node.cilium.io/agent-not-ready=true:NoExecute' 2>&1"));
        const words = commandWords(twin, twin.indexOf("/etc/eks/bootstrap.sh")).map((w) => w.value);
        assert.deepStrictEqual(words.slice(-3), ["172.16.0.0/16", "--kubelet-extra-args", `--node-labels=cni=cilium --register-with-taints=${CILIUM}`]);
    });
    it("eksctl-like: `… containerd >>log 2>&1`", () => {
        const twin = unb64(ciliumUserData("ng", b64(eksctlLike), BIRTH));
        assert.strictEqual(twin, eksctlLike.replace("containerd >>", `containerd --kubelet-extra-args '--node-labels=cni=cilium --register-with-taints=${CILIUM}' >>`));
        assert.deepStrictEqual(commandWords("a 2>&1 b", 0).map((w) => w.value), ["a"]);
        assert.deepStrictEqual(commandWords("a b2>&1", 0).map((w) => w.value), ["a", "b2"]);
    });
});

describe("self-managed user data: bad input is a UserDataError naming the group and what was seen", () => {
    it("a shell script bash would refuse (an unterminated quote)", () => {
        assert.throws(() => readUserData("ng", b64("/etc/eks/bootstrap.sh c --kubelet-extra-args '--node-labels=a=b\n")),
            refused("Auto Scaling group ng: its user data is a shell script bash would refuse (an unterminated single quote at offset 45); " +
                "the program cannot tell which labels and taints its nodes register with."));
    });
    it("gzip magic bytes on data that does not decompress", () => {
        assert.throws(() => readUserData("ng", Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01]).toString("base64")),
            refused("Auto Scaling group ng: its user data starts as gzip (1f 8b) but does not decompress (unexpected end of file): " +
                "the program cannot tell which labels and taints its nodes register with."));
    });
    it("spec.kubelet.flags items that are not strings", () => {
        assert.throws(() => readUserData("ng", b64(al2023With("  kubelet:\n    flags: [1]\n"))),
            refused("Auto Scaling group ng: its user data is a NodeConfig whose spec.kubelet.flags is [1], not a list of strings; " +
                "the program cannot tell which labels and taints its nodes register with."));
    });
    it("spec.kubelet.config.registerWithTaints that is not a list of taints", () => {
        assert.throws(() => readUserData("ng", b64(al2023With("  kubelet:\n    config:\n      registerWithTaints: gpu\n"))),
            refused("Auto Scaling group ng: its user data is a NodeConfig whose spec.kubelet.config.registerWithTaints is \"gpu\", not a list of taints " +
                "({key, value, effect}); the program cannot tell which labels and taints its nodes register with."));
    });
});

describe("self-managed user data: other multipart subtypes, other ways to run bootstrap.sh", () => {
    it("nodeadm reads any multipart subtype (HasPrefix \"multipart/\"): a multipart/alternative NodeConfig message is read", () => {
        assert.match(real("amazon-eks-ami", "nodeadm-configprovider-mime.go.txt"), /if !strings\.HasPrefix\(mediaType, multipartContentTypePrefix\) \{/);
        assert.match(real("amazon-eks-ami", "nodeadm-configprovider-userdata.go.txt"), /multipartContentTypePrefix = "multipart\/"/);
        const legacy = al2023With("  kubelet:\n    flags:\n      - --register-with-taints=a=b:NoSchedule\n").replace("multipart/mixed", "multipart/alternative");
        assert.deepStrictEqual(readUserData("ng", b64(legacy)), { form: "al2023-nodeadm", labels: {}, taints: ["a=b:NoSchedule"] });
        assert.deepStrictEqual(readUserData("ng", ciliumUserData("ng", b64(legacy), BIRTH)).taints, ["a=b:NoSchedule", CILIUM]);
    });
    it("a bootstrap script in another multipart subtype is refused with that reason", () => {
        const script = "Content-Type: multipart/alternative; boundary=\"B\"\nMIME-Version: 1.0\n\n--B\nContent-Type: text/x-shellscript\n\n#!/bin/bash\n" +
            "/etc/eks/bootstrap.sh c\n--B--\n";
        assert.throws(() => readUserData("ng", b64(script)), refused("Auto Scaling group ng: a multipart/alternative message without a NodeConfig part: " +
            "nodeadm reads any multipart message, but this program reads a bootstrap script only in multipart/mixed (as terraform-aws-eks writes it)."));
    });
    it("sudo /etc/eks/bootstrap.sh: refused as a call it does not read, not as a script without one", () => {
        assert.throws(() => readUserData("ng", b64("#!/bin/bash\nsudo /etc/eks/bootstrap.sh c --kubelet-extra-args '--node-labels=a=b'\n")),
            refused("Auto Scaling group ng: its user data is a shell script that runs /etc/eks/bootstrap.sh other than as a command of its own " +
                "(sudo /etc/eks/bootstrap.sh c --kubelet-extra-args '--node-labels=a=b'): this program reads a call at a command's start (or after exec) only; " +
                "the program cannot tell which labels and taints its nodes register with."));
    });
});

describe("self-managed user data, AL2: arguments after a redirection", () => {
    it("are refused: bash passes them to bootstrap.sh, and a --kubelet-extra-args there would be the last one", () => {
        assert.deepStrictEqual(wordsAfterRedirections("cmd a >log b 2>&1 c | tee x", 5).map((w) => w.value), ["b", "c"]);
        assert.deepStrictEqual(wordsAfterRedirections("cmd a >>/var/log/x 2>&1\nnext", 5), []);
        assert.throws(() => readUserData("ng", b64("/etc/eks/bootstrap.sh c >/var/log/b.log --kubelet-extra-args '--register-with-taints=a=b:NoSchedule'\n")),
            refused("Auto Scaling group ng: its user data is a /etc/eks/bootstrap.sh call with arguments after a redirection (--kubelet-extra-args " +
                "'--register-with-taints=a=b:NoSchedule'): bash passes them to bootstrap.sh, but this program adds its arguments before the first " +
                "redirection; the program cannot tell which labels and taints its nodes register with."));
    });
});
