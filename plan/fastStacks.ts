/**
 * For the offline planner and the test runner only, never for `pulumi up`: the Pulumi SDK records, for every
 * resource and every internal promise, a stack trace made with `new Error()` (its `callsites()`, and
 * `debuggablePromise` for leak reports), and formatting those traces was about a third of the planner's time. This
 * formats an error with no message as just "Error" — the SDK then finds no source position, which nothing offline
 * reads — and every other error as V8 does by default, so real failures keep their stacks.
 */
export function installFastStacks(): void {
    Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]): string =>
        error?.name === "Error" && error.message === "" ? "Error" : `${String(error)}\n${frames.map((f) => `    at ${f}`).join("\n")}`;
}

installFastStacks();
