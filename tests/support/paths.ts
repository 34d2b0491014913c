/**
 * Where the project and its fixtures are, whether the tests run from their TypeScript sources or from the compiled
 * copy under .build/ (npm test): the nearest folder up with a package.json.
 */
import * as fs from "fs";
import * as path from "path";

function projectRoot(from: string): string {
    for (let dir = from; ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "package.json"))) return dir;
        if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
    }
}

export const PROJECT_ROOT = projectRoot(__dirname);
export const FIXTURES = path.join(PROJECT_ROOT, "tests", "fixtures");
