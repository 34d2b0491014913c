// The documentation stays true: every config key is in Pulumi.yaml and the README, declared defaults match the
// program's, the example stack is complete and valid; and the shared mocks refuse a provider call.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { RecordingMocks } from "../plan/mockRuntime";
import { migrationConfigOf, readStackFile } from "../stacks/stackFile";
import { CONFIG_KEYS, DEMO_ONLY_KEYS, parseConfig } from "../stacks/config";
import { PROJECT_ROOT } from "./support/paths";

const ROOT = PROJECT_ROOT;
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");

describe("documentation and shared mocks", () => {
    const project = YAML.parse(read("Pulumi.yaml"));
    const projectText = read("Pulumi.yaml");
    const readme = read("README.md");

    it("Pulumi.yaml documents every key: scalars declared with type and description, objects in its comment block", () => {
        for (const key of CONFIG_KEYS) {
            const declared = project.config[key];
            if (declared) {
                assert.ok(declared.type && declared.description, `${key}: type and description`);
            } else {
                assert.match(projectText, new RegExp(`^# ${key} \\(object\\) — default `, "m"), `${key} is not documented in Pulumi.yaml`);
            }
        }
    });

    it("the defaults Pulumi.yaml declares are the program's own", () => {
        const defaults = parseConfig({ phase: "0" }) as unknown as Record<string, unknown>;
        for (const [key, declared] of Object.entries(project.config as Record<string, { default?: unknown }>)) {
            if (declared.default !== undefined) assert.deepStrictEqual(defaults[key], declared.default, key);
        }
    });

    it("the README's config table lists every key", () => {
        for (const key of CONFIG_KEYS) assert.match(readme, new RegExp(`^\\| \`${key}\` \\|`, "m"), key);
    });

    it("Pulumi.dev.yaml (the demo) sets every key but existingCluster, and is valid at phase 0", () => {
        const stack = readStackFile(path.join(ROOT, "Pulumi.dev.yaml"));
        for (const key of CONFIG_KEYS.filter((k) => k !== "existingCluster")) assert.ok(`eks-cilium-migration:${key}` in stack, `${key} is not set`);
        assert.ok(!("eks-cilium-migration:existingCluster" in stack));
        assert.strictEqual(migrationConfigOf(stack).phase, 0);
    });

    it("Pulumi.existing.yaml (an existing cluster) sets every key but those of a created cluster, and is valid at phase 0", () => {
        const stack = readStackFile(path.join(ROOT, "Pulumi.existing.yaml"));
        for (const key of CONFIG_KEYS) {
            const demoOnly = (DEMO_ONLY_KEYS as readonly string[]).includes(key);
            assert.strictEqual(`eks-cilium-migration:${key}` in stack, !demoOnly, `${key} ${demoOnly ? "is refused with existingCluster" : "is not set"}`);
        }
        const config = migrationConfigOf(stack);
        assert.strictEqual(config.phase, 0);
        assert.strictEqual(config.existingCluster?.name, "prod-east");
    });

    it("the shared mocks throw on a provider call the program did not expect", () => {
        assert.throws(() => new RecordingMocks().call({ token: "aws:index/getRegion:getRegion", inputs: {} }), /unmocked provider call aws:index\/getRegion:getRegion/);
    });
});
