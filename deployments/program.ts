/**
 * The Deployments program: config → validated settings → one DeploymentSettings resource. It lives inside the
 * migration program's folder, so the migration stack's file is right above it: the role Deployments assumes should
 * be one of that stack's `clusterAdmins` (a warning says so when it is not).
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as service from "@pulumi/pulumiservice";
import { migrationConfigOf, readStackFile } from "../stacks/stackFile";
import { clusterAdminWarning, deploymentSettingsArgs, parseDeploymentsConfig } from "./settings";

export function deploymentsProgram(programDir = path.join(__dirname, ".."), warn: (message: string) => void = (m) => { void pulumi.log.warn(m); }): { settingsId: pulumi.Output<string> } {
    const config = new pulumi.Config();
    const parsed = parseDeploymentsConfig({
        organization: config.get("organization"),
        project: config.get("project") ?? "eks-cilium-migration",
        stack: config.get("stack"),
        repository: config.get("repository"),
        branch: config.get("branch") ?? "main",
        repoDir: config.get("repoDir") ?? ".",
        awsRoleArn: config.get("awsRoleArn"),
        kubectlVersion: config.get("kubectlVersion") ?? "v1.33.5",
    });
    const stackFile = path.join(programDir, `Pulumi.${parsed.stack}.yaml`);
    const warning = clusterAdminWarning(parsed, migrationConfigOf(readStackFile(stackFile)).clusterAdmins, path.relative(process.cwd(), stackFile) || stackFile);
    if (warning) warn(warning);
    const settings = new service.DeploymentSettings(`${parsed.stack}-deployments`, deploymentSettingsArgs(parsed));
    return { settingsId: settings.id };
}
