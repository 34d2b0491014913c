// The Deployments program under the SDK's mock runtime: the settings it declares, and its config errors.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { RecordingMocks, promiseOf } from "../../plan/mockRuntime";
import { deploymentsProgram } from "../program";
import { DeploymentsConfigError } from "../settings";

const NS = "eks-cilium-migration-deployments";

async function run(config: Record<string, string>): Promise<RecordingMocks> {
    const mocks = new RecordingMocks();
    await pulumi.runtime.setMocks(mocks, NS, "ops", false, "acme");
    pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [`${NS}:${k}`, v])));
    const out = deploymentsProgram();
    await promiseOf(out.settingsId);
    return mocks;
}

const BASE = { organization: "acme", stack: "prod", repository: "acme/platform", awsRoleArn: "arn:aws:iam::123456789012:role/pulumi-deployments" };

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

    it("stops before declaring anything on missing or bad config, naming each key", async () => {
        const mocks = new RecordingMocks();
        await pulumi.runtime.setMocks(mocks, NS, "ops", false, "acme");
        pulumi.runtime.setAllConfig({ [`${NS}:organization`]: "acme", [`${NS}:repository`]: "platform", [`${NS}:awsRoleArn`]: BASE.awsRoleArn });
        assert.throws(() => deploymentsProgram(), (err: Error) => err instanceof DeploymentsConfigError &&
            err.message === "`stack` is not set; it must be a stack name such as prod.\n`repository` is \"platform\"; it must be a GitHub repository as owner/name.");
        assert.deepStrictEqual(mocks.resources, []);
    });
});
