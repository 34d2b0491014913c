/** The Deployments program: config → validated settings → one DeploymentSettings resource. */
import * as pulumi from "@pulumi/pulumi";
import * as service from "@pulumi/pulumiservice";
import { deploymentSettingsArgs, parseDeploymentsConfig } from "./settings";

export function deploymentsProgram(): { settingsId: pulumi.Output<string> } {
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
    const settings = new service.DeploymentSettings(`${parsed.stack}-deployments`, deploymentSettingsArgs(parsed));
    return { settingsId: settings.id };
}
