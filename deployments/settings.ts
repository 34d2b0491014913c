/**
 * The Pulumi Deployments settings for a migration stack, as a pure function of validated config.
 * - source: the repository's branch and folder;
 * - GitHub: preview every pull request and deploy every merge that touches this stack's file only
 *   (a program change alone does not move a live cluster);
 * - AWS through OIDC (no stored keys);
 * - before each run: `npm ci` from the lock file (and no automatic install), kubectl for the cluster steps.
 * The program's own transition guard refuses a jump of more than one phase in the preview and the update alike.
 */
import * as service from "@pulumi/pulumiservice";

export interface DeploymentsConfig {
    organization: string;
    project: string;
    stack: string;
    repository: string;
    branch: string;
    repoDir: string;
    awsRoleArn: string;
    kubectlVersion: string;
}

export class DeploymentsConfigError extends Error {}

const RULES: [keyof DeploymentsConfig, RegExp, string][] = [
    ["organization", /^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "a Pulumi organization name"],
    ["project", /^[A-Za-z0-9_.-]+$/, "a Pulumi project name"],
    ["stack", /^[A-Za-z0-9_.-]+$/, "a stack name such as prod"],
    ["repository", /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "a GitHub repository as owner/name"],
    ["branch", /^[A-Za-z0-9_./-]+$/, "a branch name"],
    ["repoDir", /^[A-Za-z0-9_./-]+$/, "a folder in the repository"],
    ["awsRoleArn", /^arn:aws[a-z-]*:iam::[0-9]{12}:role\/[A-Za-z0-9+=,.@_/-]+$/, "an IAM role ARN"],
    ["kubectlVersion", /^v1\.[0-9]+\.[0-9]+$/, 'a kubectl release such as "v1.33.5"'],
];

export function parseDeploymentsConfig(raw: Partial<Record<keyof DeploymentsConfig, string>>): DeploymentsConfig {
    const problems: string[] = [];
    for (const [key, pattern, allowed] of RULES) {
        const value = raw[key];
        if (value === undefined) problems.push(`\`${key}\` is not set; it must be ${allowed}.`);
        else if (!pattern.test(value)) problems.push(`\`${key}\` is ${JSON.stringify(value)}; it must be ${allowed}.`);
    }
    if (problems.length > 0) throw new DeploymentsConfigError(problems.join("\n"));
    return raw as DeploymentsConfig;
}

/**
 * Deployments runs the update as `awsRoleArn`, and EKS admits only principals with an access entry. The role gets one
 * from the migration stack's `clusterAdmins`, or already has one (it created the cluster, or the cluster's owner gave
 * it one) — which this project cannot see, so a role missing from `clusterAdmins` is a warning, not an error. Without
 * access, an update stops at its entry gate, before it changes anything.
 */
export function clusterAdminWarning(c: DeploymentsConfig, clusterAdmins: string[], stackFile: string): string | undefined {
    if (clusterAdmins.includes(c.awsRoleArn)) return undefined;
    return `\`awsRoleArn\` ${c.awsRoleArn} is not in \`clusterAdmins\` of ${stackFile}. Unless it already has an EKS access ` +
        "entry (it created the cluster, or the cluster's owner gave it one), add it there: otherwise every update stops " +
        "at its entry gate, unable to reach the cluster.";
}

export function stackFilePath(c: DeploymentsConfig): string {
    return c.repoDir === "." ? `Pulumi.${c.stack}.yaml` : `${c.repoDir.replace(/\/$/, "")}/Pulumi.${c.stack}.yaml`;
}

export function deploymentSettingsArgs(c: DeploymentsConfig): service.DeploymentSettingsArgs {
    const kubectl = `https://dl.k8s.io/release/${c.kubectlVersion}/bin/linux/amd64/kubectl`;
    return {
        organization: c.organization,
        project: c.project,
        stack: c.stack,
        sourceContext: { git: { branch: `refs/heads/${c.branch}`, repoDir: c.repoDir } },
        github: {
            repository: c.repository,
            previewPullRequests: true,
            deployCommits: true,
            paths: [stackFilePath(c)],
        },
        operationContext: {
            preRunCommands: [
                "npm ci --no-audit --no-fund",
                `curl -fsSLo /usr/local/bin/kubectl ${kubectl} && chmod +x /usr/local/bin/kubectl && kubectl version --client`,
            ],
            // The lock file is installed above; Deployments' own `npm install` could drift from it.
            options: { skipInstallDependencies: true, skipIntermediateDeployments: true },
            oidc: { aws: { roleARN: c.awsRoleArn, sessionName: `pulumi-deployments-${c.stack}`, duration: "2h0m0s" } },
        },
    };
}
