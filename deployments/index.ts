// Pulumi Deployments for one migration stack: `pulumi up` from this folder (after `npm ci` at the repository root).
import { deploymentsProgram } from "./program";

export = () => deploymentsProgram();
