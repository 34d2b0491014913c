// Entry point for `pulumi up`: everything lives in stacks/program.ts so the planner and tests run the same code.
import { migrationProgram } from "./stacks/program";

export = () => migrationProgram();
