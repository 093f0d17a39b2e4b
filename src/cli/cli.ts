// The stock-manager command tree and how its failures end: one line on stderr and an exit code (2 for usage
// errors, 1 when something broke). Returns the exit code instead of exiting, so tests can run it in-process.
import { Command, ValidationError } from "@effect/cli"
import { Console, Effect } from "effect"
import { UsageError } from "./UsageError.js"

/**
 * Each command's module, loaded only when that command runs: a backtest never loads the KIS client or the live
 * engine, which keeps start-up short. `--help` and unknown commands load them all.
 */
const COMMANDS = {
  backtest: () => import("./backtest.js").then((m) => m.backtestCommand),
  screen: () => import("./screen.js").then((m) => m.screenCommand),
  live: () => import("./live.js").then((m) => m.liveCommand),
  status: () => import("./status.js").then((m) => m.statusCommand),
  "fetch-data": () => import("./fetchData.js").then((m) => m.fetchDataCommand)
} as const

type CommandName = keyof typeof COMMANDS

const isCommandName = (name: string | undefined): name is CommandName => name !== undefined && Object.hasOwn(COMMANDS, name)

const loadCommands = (argv: ReadonlyArray<string>) => {
  const name = argv[2]
  const names = isCommandName(name) ? [name] : (Object.keys(COMMANDS) as Array<CommandName>)
  return Effect.promise(() => Promise.all(names.map((n) => COMMANDS[n]())))
}

const runWith = (commands: Awaited<ReturnType<(typeof COMMANDS)[CommandName]>>[]) =>
  Command.run(
    Command.make("stock-manager").pipe(
      Command.withDescription("Backtest, paper-trade and live-trade Korean stocks through the KIS Open API"),
      Command.withSubcommands(commands as [typeof commands[number], ...Array<typeof commands[number]>])
    ),
    { name: "stock-manager", version: "0.1.0" }
  )

/** Exit code for a failure: 2 when the user asked for something wrong, 1 when something broke. */
const exitCodeOf = (error: unknown): number =>
  ValidationError.isValidationError(error) || (error instanceof UsageError) ? 2 : 1

/** Runs the command line; the exit code is the result (0 on success). */
export const cli = (argv: ReadonlyArray<string>) =>
  loadCommands(argv).pipe(
    Effect.flatMap((commands) => runWith(commands)(argv)),
    Effect.as(0),
    Effect.catchAll((error) =>
      Effect.as(
        // @effect/cli has already printed its own help for validation errors.
        ValidationError.isValidationError(error) ? Effect.void : Console.error(`error: ${String((error as { message?: unknown }).message ?? error).split("\n")[0]}`),
        exitCodeOf(error)
      ))
  )

