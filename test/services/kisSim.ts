// kis-sim (the project's KIS-compatible server) started in-process on loopback for the port contracts: one
// generated symbol, one account with the test credentials, the market clock stopped at 10:00 KST of a replayed day.
import { NodeContext } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { ticker } from "../../src/domain/Money.js"
import { kstDateOf, kstInstant, tradeDate } from "../../src/domain/Time.js"
import { MarketClock } from "../../src/services/MarketClock.js"
import { defaultSimOptions, startKisSim } from "../../src/sim/server.js"
import { dataSetOf, randomBars, tradingDays } from "../backtest/fixtures.js"
import { kisClientLayer, tempTokenDir, TEST_SECRETS } from "../support/kisLoopback.js"

export const KIS_SIM_CASH = 10_000_000

export const startContractKisSim = Effect.gen(function* () {
  const dates = tradingDays(40)
  const code = ticker("100000")
  const dataSet = dataSetOf([randomBars(code, dates, 23)])
  const dataDir = yield* Effect.acquireRelease(Effect.sync(() => mkdtempSync(path.join(tmpdir(), "kis-sim-"))), (d) => Effect.sync(() => rmSync(d, { recursive: true, force: true })))
  const day = tradeDate(dates[30]!)
  const sim = yield* startKisSim(defaultSimOptions({
    accounts: [{ appKey: TEST_SECRETS.appKey, appSecret: TEST_SECRETS.appSecret, accountNo: TEST_SECRETS.account, htsId: "contract", name: "contract", cash: KIS_SIM_CASH }],
    port: 0, dataDir, dataSet, start: day, speed: 0, requestsPerSecond: undefined, tokenIssueLimit: false
  })).pipe(Effect.provide(NodeContext.layer), Effect.orDie)
  sim.exchange.advanceTo(kstInstant(day, "100000"))
  const client = kisClientLayer(sim.url, yield* tempTokenDir).pipe(Layer.provide(NodeContext.layer), Layer.orDie)
  /** The live market clock over kis-sim's market time. */
  const clock = Layer.succeed(MarketClock, {
    now: Effect.sync(() => sim.exchange.now),
    today: Effect.sync(() => kstDateOf(sim.exchange.now)),
    phase: Effect.succeed("regular" as const),
    isTradingDay: () => true
  })
  return { sim, client, clock, code, dataSet, day, dates }
})
