// The stock-manager command tree and how its failures end: one line on stderr and an exit code (2 for usage
// errors, 1 when something broke). Returns the exit code instead of exiting, so tests can run it in-process.
import { Command, ValidationError } from "@effect/cli"
import { Console, Effect } from "effect"
import { backtestCommand, UsageError } from "./backtest.js"
import { fetchDataCommand } from "./fetchData.js"
import { liveCommand } from "./live.js"
import { screenCommand } from "./screen.js"
import { statusCommand } from "./status.js"

const root = Command.make("stock-manager").pipe(
  Command.withDescription("Backtest, paper-trade and live-trade Korean stocks through the KIS Open API"),
  Command.withSubcommands([backtestCommand, screenCommand, liveCommand, statusCommand, fetchDataCommand])
)

const runCommand = Command.run(root, { name: "stock-manager", version: "0.1.0" })

/** Exit code for a failure: 2 when the user asked for something wrong, 1 when something broke. */
const exitCodeOf = (error: unknown): number =>
  ValidationError.isValidationError(error) || (error instanceof UsageError) ? 2 : 1

/** Runs the command line; the exit code is the result (0 on success). */
export const cli = (argv: ReadonlyArray<string>) =>
  runCommand(argv).pipe(
    Effect.as(0),
    Effect.catchAll((error) =>
      Effect.as(
        // @effect/cli has already printed its own help for validation errors.
        ValidationError.isValidationError(error) ? Effect.void : Console.error(`error: ${String((error as { message?: unknown }).message ?? error).split("\n")[0]}`),
        exitCodeOf(error)
      ))
  )

