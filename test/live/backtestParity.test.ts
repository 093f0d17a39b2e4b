// Paper trading matches the backtest: one strategy file runs in the live engine against kis-sim for several simulated
// trading days (deciding at 08:50 KST on the previous close, filling in the opening auction) and in runBacktest
// (deciding at the close, filling at the next open) over the same bars. Fills must agree exactly; cash to the won.
// Documented difference: the live engine sizes cash-sized buys at the previous close, the backtest at the next open;
// the strategy below trades fixed share counts, so the two must not differ at all.
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { runBacktest } from "../../src/backtest/runBacktest.js"
import { DEFAULT_SWITCHES, simSettingsOf } from "../../src/backtest/options.js"
import { KRX_CALENDAR } from "../../src/domain/krx/calendar.js"
import { KRX_COSTS } from "../../src/domain/krx/costs.js"
import type { Qty, Won } from "../../src/domain/Money.js"
import { tradeDate } from "../../src/domain/Time.js"
import { DEFAULT_RISK_LIMITS } from "../../src/risk/RiskLimits.js"
import type { AnyStrategy } from "../../src/strategy/Strategy.js"
import { tempTokenDir } from "../support/kisLoopback.js"
import { CLIENT_ACCOUNT, clockTo, startTestSim, TEST_DAY, testDataSet } from "../sim/support/simHarness.js"
import { ticker } from "./support/fakeMarket.js"
import { simEngine, tempStatePath } from "./support/simEngine.js"

const SYN1 = ticker("SYN001")

/** Flat → buy 10 shares; holding → sell them: a trade every day, both sides, fixed sizes. */
const flip: AnyStrategy = {
  name: "flip",
  description: "buys 10 shares when flat and sells them when holding",
  params: undefined as never,
  schedule: () => "daily",
  universe: () => [SYN1],
  warmupBars: () => 5,
  decide: (_view, portfolio) => ({
    decisions: portfolio.holdings.some((h) => h.ticker === SYN1 && h.quantity > 0)
      ? [{ _tag: "Sell", ticker: SYN1, type: { _tag: "market" } }]
      : [{ _tag: "Buy", ticker: SYN1, size: { _tag: "Shares", quantity: 10 as Qty }, type: { _tag: "market" } }]
  })
}

const DAYS = KRX_CALENDAR.tradingDaysBetween(TEST_DAY, tradeDate("2024-03-31")).slice(0, 5)

describe("live engine vs backtest", () => {
  it.scopedLive("the same strategy over five simulated trading days fills the same orders at the same prices", () =>
    Effect.gen(function* () {
      const sim = yield* startTestSim()
      const tokens = yield* tempTokenDir
      yield* clockTo(sim, "08:40", DAYS[0])
      const engine = yield* simEngine(sim, tokens, tempStatePath(), {
        strategy: flip,
        universe: [SYN1],
        costs: KRX_COSTS,
        riskLimits: { ...DEFAULT_RISK_LIMITS, maxPositionPct: 100 },
        decisionTime: "085000"
      })
      yield* engine.start
      for (const day of DAYS) {
        yield* clockTo(sim, "08:50", day)
        const decided = yield* engine.decideIfDue
        expect(decided._tag === "Decided" && decided.results.map((r) => r._tag), day).toEqual(["Sent"])
        yield* clockTo(sim, "15:35", day)
        yield* engine.reconcileNow
      }
      const account = [...sim.exchange.accounts.values()].find((a) => a.spec.htsId === CLIENT_ACCOUNT.htsId)!
      const live = sim.exchange.fills.filter((f) => f.account === account.id)
        .map((f) => ({ date: f.date, side: f.side, quantity: f.quantity, price: f.price, commission: f.commission, tax: f.tax }))

      const settings = Either.getOrThrow(simSettingsOf({ ...DEFAULT_SWITCHES, volumeCap: "off", limitLock: false }, KRX_CALENDAR))
      const backtest = yield* runBacktest(yield* testDataSet(), {
        strategy: flip,
        params: undefined,
        from: KRX_CALENDAR.previousTradingDay(DAYS[0]!),
        to: DAYS[DAYS.length - 1]!,
        symbols: [SYN1],
        initialCash: CLIENT_ACCOUNT.cash as Won,
        sim: settings,
        riskLimits: undefined,
        calendar: KRX_CALENDAR,
        assumptions: {}
      })
      const replayed = backtest.fills.map((f) => ({ date: f.date, side: f.side, quantity: f.quantity, price: f.price, commission: f.commission, tax: f.tax }))
      expect(live).toHaveLength(DAYS.length)
      expect(live).toEqual(replayed)
      const state = yield* engine.snapshot
      expect(state.cash).toBe(backtest.equity[backtest.equity.length - 1]!.cash)
    }))
})
