// Graham decides the same in paper trading as in a backtest: the live view, loaded through KisMarketData over the KIS
// client from an in-process kis-sim serving data/ (statements, KSD dividends, search-stock-info), must give the same
// decisions as the backtest's as-of view of the same files, on several decision dates.
import { describe, expect, it } from "@effect/vitest"
import { NodeContext } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { makeAsOfView } from "../../src/backtest/asOfView.js"
import type { DataSet } from "../../src/backtest/data/DataSet.js"
import { loadDataSet } from "../../src/backtest/data/load.js"
import { KRX_CALENDAR } from "../../src/domain/krx/calendar.js"
import { qty, type Ticker, type Won } from "../../src/domain/Money.js"
import { addDays, tradeDate, type TradeDate } from "../../src/domain/Time.js"
import { loadAsOfView } from "../../src/live/liveView.js"
import { type AsOfView, type Decision, type DecisionResult, portfolioViewOf } from "../../src/strategy/Strategy.js"
import graham from "../../strategies/graham/index.js"
import { defaultGrahamParams } from "../../strategies/graham/params.js"
import { tempTokenDir } from "../support/kisLoopback.js"
import { clockTo, DATA_DIR, startTestSim } from "../sim/support/simHarness.js"
import { simMarketLayer } from "./support/simEngine.js"

/** Closes the decisions are made on (ascending: kis-sim's clock only moves forward). */
const AS_OF: ReadonlyArray<TradeDate> = [tradeDate("2024-04-30"), tradeDate("2024-12-30"), tradeDate("2025-08-29")]

const nextTradingDay = (date: TradeDate): TradeDate => KRX_CALENDAR.tradingDaysBetween(addDays(date, 1), addDays(date, 14))[0]!

/** Two holdings, so exits are compared as well as buys. */
const PORTFOLIO = portfolioViewOf({
  cash: 100_000_000 as Won,
  equity: 100_000_000 as Won,
  holdings: (["SYN005", "SYN022"] as const).map((t) => ({ ticker: t as Ticker, quantity: qty(100), averagePrice: 10_000, openedOn: tradeDate("2024-01-02") })),
  openOrders: []
})

const decide = (view: AsOfView): DecisionResult => graham.decide(view, PORTFOLIO, defaultGrahamParams)
const buys = (r: DecisionResult) => r.decisions.filter((d: Decision) => d._tag === "TargetWeight").map((d) => d.ticker)

const sample = Effect.promise((): Promise<DataSet> => Effect.runPromise(loadDataSet(DATA_DIR, {}).pipe(Effect.provide(NodeContext.layer))))

describe("graham: kis-sim live view vs backtest view of data/", () => {
  it.scopedLive("the same decisions on every decision date, from the same files", () =>
    Effect.gen(function* () {
      const data = yield* sample
      const universe = [...data.bars.keys()].sort()
      const sim = yield* startTestSim({ dataSet: data, start: AS_OF[0]! })
      const tokens = yield* tempTokenDir
      const market = yield* Layer.build(simMarketLayer(sim, tokens).pipe(Layer.provide(NodeContext.layer)))
      const boughtInBacktest: Array<ReadonlyArray<Ticker>> = []
      for (const asOf of AS_OF) {
        yield* clockTo(sim, "08:45", nextTradingDay(asOf))
        const live = yield* loadAsOfView(universe, asOf, graham.warmupBars!(defaultGrahamParams)).pipe(Effect.provide(market))
        const backtest = decide(makeAsOfView(data, asOf))
        expect(decide(live), asOf).toEqual(backtest)
        boughtInBacktest.push(buys(backtest))
      }
      // not vacuous: the file data buys names (dividend record, size and valuation all pass) on every date
      expect(boughtInBacktest[1]).toEqual(expect.arrayContaining(["SYN030", "SYN034"]))
      expect(boughtInBacktest.every((b) => b.length > 0)).toBe(true)
    }), { timeout: 120_000 })
})
