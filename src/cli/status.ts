// `status`: positions, open orders, P&L and the last reconciliation, read from the live state file (snapshot plus
// journal) without touching it, so it is safe while the engine runs.
import { Command, Options } from "@effect/cli"
import { FileSystem } from "@effect/platform"
import { Console, Effect, Either, Option, Schema } from "effect"
import { foldJournal } from "../live/ledger.js"
import { formatStatus } from "../live/statusReport.js"
import { defaultStatePath, journalPathOf, parseJournal, parseSnapshot } from "../persistence/FileStore.js"
import { emptyTradingState, TradingState } from "../services/Store.js"
import { UsageError } from "./UsageError.js"

const options = {
  env: Options.choice("env", ["sim", "mock", "real"]).pipe(Options.withDefault("sim" as const), Options.withDescription("whose default state file to read")),
  state: Options.text("state").pipe(Options.optional, Options.withDescription("state file (default ~/.stock-manager/<env>/state.json)")),
  json: Options.boolean("json").pipe(Options.withDescription("print the state as JSON"))
}

const readIfExists = (fs: FileSystem.FileSystem, file: string) =>
  fs.exists(file).pipe(Effect.flatMap((e) => (e ? Effect.map(fs.readFileString(file), Option.some) : Effect.succeed(Option.none<string>()))))

export const statusCommand = Command.make("status", options, (args) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const file = Option.getOrElse(args.state, () => defaultStatePath(args.env))
    const snapshot = yield* readIfExists(fs, file)
    const journal = yield* readIfExists(fs, journalPathOf(file))
    if (Option.isNone(snapshot) && Option.isNone(journal)) return yield* new UsageError({ message: `no state at ${file}: has the engine run with --env ${args.env}?` })
    const base = Option.match(snapshot, {
      onNone: () => Either.right(emptyTradingState(0 as never)),
      onSome: (text) => Either.map(parseSnapshot(text), (p) => p.state)
    })
    if (Either.isLeft(base)) return yield* new UsageError({ message: `${file}: ${base.left} (the engine will set it aside and rebuild from the broker)` })
    const state = foldJournal(base.right, Option.match(journal, { onNone: () => [], onSome: (t) => parseJournal(t).entries }))
    yield* Console.log(args.json ? JSON.stringify(Schema.encodeSync(TradingState)(state), null, 2) : `${file}\n\n${formatStatus(state)}`)
  })
).pipe(Command.withDescription("show positions, open orders, P&L and the last reconciliation from the live state file"))
