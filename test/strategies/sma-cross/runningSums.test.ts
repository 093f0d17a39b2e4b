// sma-cross keeps window sums between decisions of one history (AsOfView.history): its decisions day by day must
// equal those computed from the bars alone, on integer closes, on fractional (split-adjusted) ones and on huge ones.
import { fc, test } from "@fast-check/vitest"
import { expect } from "vitest"
import { indexDataSet, makeAsOfView } from "../../../src/backtest/asOfView.js"
import type { BarColumns } from "../../../src/backtest/data/DataSet.js"
import type { Won } from "../../../src/domain/Money.js"
import { portfolioViewOf } from "../../../src/strategy/Strategy.js"
import smaCross from "../../../strategies/sma-cross/index.js"
import { dataSetOf, randomBars, symbolCode, tradingDays } from "../../backtest/fixtures.js"

const flat = portfolioViewOf({ cash: 1_000_000 as Won, equity: 1_000_000 as Won, holdings: [], openOrders: [] })

test.prop([fc.integer({ min: 1, max: 100_000 }), fc.constantFrom("integer", "fractional", "huge"), fc.integer({ min: 1, max: 3 })], { numRuns: 30 })(
  "incremental crosses equal crosses from scratch on every day",
  (seed, kind, step) => {
    const dates = tradingDays(160)
    const columns: Array<BarColumns> = [0, 1, 2].map((s) => {
      const bars = randomBars(symbolCode(s), dates, seed + s)
      const close = kind === "integer" ? bars.close
        : kind === "fractional" ? bars.close.map((c, i) => (i % 17 === 5 ? c + 0.37 : c))
        : bars.close.map((c) => c * 1e9)
      return { ...bars, close }
    })
    const data = dataSetOf(columns)
    const index = indexDataSet(data)
    const params = { fast: 3, slow: 8 }
    // Every `step`-th day, as a weekly strategy would be called: gaps must fall back to sums from scratch.
    for (let day = 0; day < dates.length; day += step) {
      const asOf = dates[day]! as never
      const kept = smaCross.decide(makeAsOfView(index, asOf), flat, params)
      const fresh = smaCross.decide(makeAsOfView(data, asOf), flat, params)
      expect(kept.decisions, asOf).toEqual(fresh.decisions)
    }
  }
)
