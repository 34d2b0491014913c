/** Input that cannot be read (a missing or malformed file, an unreachable cluster): exit 2, never a verdict. */
export class InputError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "InputError";
    }
}
