// The Deployments program under the SDK's mock runtime: the settings it declares, and its config errors.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { RecordingMocks, promiseOf } from "../plan/mockRuntime";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { stackConfig } from "./mocks";
import { deploymentsProgram } from "../deployments/program";
import { DeploymentsConfigError } from "../deployments/settings";

const NS = "eks-cilium-migration-deployments";

const BASE = { organization: "acme", stack: "prod", repository: "acme/platform", awsRoleArn: "arn:aws:iam::123456789012:role/pulumi-deployments" };

/** A migration program folder holding Pulumi.prod.yaml with these cluster admins. */
function programDir(clusterAdmins: string[]): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "deployments-"));
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), YAML.stringify({ config: { ...stackConfig(0), "eks-cilium-migration:clusterAdmins": clusterAdmins } }));
    return dir;
}
const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

async function run(config: Record<string, string>, dir = programDir([BASE.awsRoleArn])): Promise<RecordingMocks> {
    const mocks = new RecordingMocks();
    await pulumi.runtime.setMocks(mocks, NS, "ops", false, "acme");
    pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [`${NS}:${k}`, v])));
    const out = deploymentsProgram(dir, () => undefined);
    await promiseOf(out.settingsId);
    return mocks;
}

describe("Pulumi Deployments program", () => {
    it("declares preview on pull requests, deploy on merge, AWS OIDC and the pre-run npm ci for the stack", async () => {
        const mocks = await run(BASE);
        assert.deepStrictEqual(mocks.resources.map((r) => `${r.type}::${r.name}`), ["pulumiservice:index:DeploymentSettings::prod-deployments"]);
        const s = mocks.resources[0].inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
        assert.strictEqual(s.organization, "acme");
        assert.strictEqual(s.project, "eks-cilium-migration");
        assert.strictEqual(s.stack, "prod");
        assert.deepStrictEqual(s.sourceContext, { git: { branch: "refs/heads/main", repoDir: "." } });
        assert.deepStrictEqual(s.github, { repository: "acme/platform", previewPullRequests: true, deployCommits: true, paths: ["Pulumi.prod.yaml"], pullRequestTemplate: false });
        assert.strictEqual(s.operationContext.preRunCommands[0], "npm ci --no-audit --no-fund");
        assert.match(s.operationContext.preRunCommands[1], /^curl -fsSLo \/usr\/local\/bin\/kubectl https:\/\/dl\.k8s\.io\/release\/v1\.33\.5\/bin\/linux\/amd64\/kubectl /);
        assert.deepStrictEqual(s.operationContext.options, { skipInstallDependencies: true, skipIntermediateDeployments: true });
        assert.deepStrictEqual(s.operationContext.oidc, { aws: { roleARN: BASE.awsRoleArn, sessionName: "pulumi-deployments-prod", duration: "2h0m0s" } });
        assert.ok(!JSON.stringify(s).includes("AWS_SECRET_ACCESS_KEY"), "no long-lived keys");
    });

    it("follows the configured branch and folder", async () => {
        const s = (await run({ ...BASE, branch: "release", repoDir: "infra/migration/" })).resources[0].inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
        assert.deepStrictEqual(s.sourceContext.git, { branch: "refs/heads/release", repoDir: "infra/migration/" });
        assert.deepStrictEqual(s.github.paths, ["infra/migration/Pulumi.prod.yaml"]);
    });

    it("warns when the role is not one of the migration stack's clusterAdmins, and not when it is", async () => {
        const warnings: string[] = [];
        const runWith = async (admins: string[]) => {
            await pulumi.runtime.setMocks(new RecordingMocks(), NS, "ops", false, "acme");
            pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(BASE).map(([k, v]) => [`${NS}:${k}`, v])));
            await promiseOf(deploymentsProgram(programDir(admins), (m) => warnings.push(m)).settingsId);
        };
        await runWith([BASE.awsRoleArn]);
        assert.deepStrictEqual(warnings, []);
        await runWith(["arn:aws:iam::123456789012:role/someone-else"]);
        assert.strictEqual(warnings.length, 1);
        assert.match(warnings[0], /^`awsRoleArn` arn:aws:iam::123456789012:role\/pulumi-deployments is not in `clusterAdmins` of \S*Pulumi\.prod\.yaml\. Unless it already has an EKS access entry/);
    });

    it("stops before declaring anything on missing or bad config, naming each key", async () => {
        const mocks = new RecordingMocks();
        await pulumi.runtime.setMocks(mocks, NS, "ops", false, "acme");
        pulumi.runtime.setAllConfig({ [`${NS}:organization`]: "acme", [`${NS}:repository`]: "platform", [`${NS}:awsRoleArn`]: BASE.awsRoleArn });
        assert.throws(() => deploymentsProgram(programDir([])), (err: Error) => err instanceof DeploymentsConfigError &&
            err.message === "`stack` is not set; it must be a stack name such as prod.\n`repository` is \"platform\"; it must be a GitHub repository as owner/name.");
        assert.deepStrictEqual(mocks.resources, []);
    });
});
