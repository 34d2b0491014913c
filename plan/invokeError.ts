/** An error the SDK hands back to the program with its text (it keeps `details`, as it does the engine's). */
export function invokeError(message: string): Error {
    return Object.assign(new Error(message), { details: message });
}
