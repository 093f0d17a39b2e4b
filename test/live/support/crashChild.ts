// A live-engine process for the crash tests: recovers over kis-sim and a state file, executes one fixed intent, then
// (after the parent moves the market clock and writes a line) reconciles. With a crash step it SIGKILLs itself there.
// Prints one JSON line: the recovery report, what executing the intent returned, and the final state.
import { NodeContext } from "@effect/platform-node"
import { Effect, Layer, Schema } from "effect"
import { createInterface } from "node:readline"
import type { Qty } from "../../../src/domain/Money.js"
import type { OrderIntent } from "../../../src/domain/Order.js"
import type { Instant } from "../../../src/domain/Time.js"
import { makeTradingEngine, type OrderStep } from "../../../src/live/TradingEngine.js"
import { FileStoreLive } from "../../../src/persistence/FileStore.js"
import { TradingState } from "../../../src/services/Store.js"
import { TEST_SETTINGS } from "./engineHarness.js"
import { ticker } from "./fakeMarket.js"
import { simMarketLayerAt } from "./simEngine.js"

const [simUrl, statePath, tokenDir, crashAt] = process.argv.slice(2) as [string, string, string, OrderStep | "none"]

/** The one decision every run of this process makes: the same intent, so the same idempotency key. */
const CRASH_INTENT: OrderIntent = {
  strategy: "crash-test",
  decidedAt: 1_709_510_400_000 as Instant,
  ticker: ticker("SYN001"),
  side: "buy",
  quantity: 10 as Qty,
  type: { _tag: "market" }
}

const nextLine = () => new Promise<void>((resolve) => createInterface({ input: process.stdin }).once("line", () => resolve()))

const program = Effect.gen(function* () {
  const engine = yield* makeTradingEngine({
    ...TEST_SETTINGS,
    onOrderStep: (step) => {
      if (step === crashAt) process.kill(process.pid, "SIGKILL")
    }
  })
  const report = yield* engine.start
  const executed = yield* engine.execute(CRASH_INTENT)
  process.stdout.write("executed\n")
  yield* Effect.promise(nextLine)
  yield* engine.reconcileNow
  const state = yield* engine.snapshot
  yield* engine.stop
  process.stdout.write(JSON.stringify({ report: report._tag, executed: executed._tag, state: Schema.encodeSync(TradingState)(state) }) + "\n")
}).pipe(
  Effect.scoped,
  Effect.provide(Layer.mergeAll(simMarketLayerAt(simUrl, tokenDir), FileStoreLive(statePath)).pipe(Layer.provide(NodeContext.layer)))
)

Effect.runPromise(program).then(() => process.exit(0), (e) => {
  console.error(e)
  process.exit(1)
})
