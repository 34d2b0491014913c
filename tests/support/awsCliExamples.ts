/**
 * The example outputs of the AWS CLI's own documentation (tests/fixtures/real/aws-cli/*.rst, vendored from aws/aws-cli):
 * each `Output::` block, de-indented and parsed as JSON. Blocks AWS published as invalid JSON or as a table are
 * returned as `undefined`, in place, so an example's index stays its position in the file.
 */
import * as fs from "fs";
import * as path from "path";
import { FIXTURES } from "./paths";

export const AWS_CLI_EXAMPLES = path.join(FIXTURES, "real", "aws-cli");

export function exampleOutputs(file: string): unknown[] {
    const lines = fs.readFileSync(path.join(AWS_CLI_EXAMPLES, file), "utf8").split("\n");
    const outputs: unknown[] = [];
    for (let i = 0; i < lines.length; i++) {
        if (lines[i].trim() !== "Output::") continue;
        const block: string[] = [];
        let j = i + 1;
        for (; j < lines.length && (lines[j].trim() === "" || lines[j].startsWith("    ")); j++) block.push(lines[j].slice(4));
        try {
            outputs.push(JSON.parse(block.join("\n")));
        } catch {
            outputs.push(undefined);
        }
        i = j - 1;
    }
    return outputs;
}
