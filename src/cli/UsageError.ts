// The error every command uses when the user asked for something that does not exist or cannot be read
// (unknown strategy, symbol, date, file): printed as one line, exit code 2.
import { Data } from "effect"

export class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string }> {}
