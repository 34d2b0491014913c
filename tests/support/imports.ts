// The relative imports of a project file, for the tests that follow them (the floors, the planner's sources).
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "./paths";

/** Every relative import of a file, as a path from the project root (without extension). */
export function importsOf(file: string, text = fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8")): string[] {
    const specs = [...text.matchAll(/(?:from\s+|import\(\s*|require\(\s*)["'](\.{1,2}\/[^"']+)["']/g)].map((m) => m[1]);
    return specs.map((s) => path.normalize(path.join(path.dirname(file), s)));
}
