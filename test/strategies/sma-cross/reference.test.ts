// sma-cross reproduces DESIGN.md §8 to the won: an independent plain-loop reference of the specification is
// compared trade by trade and on final equity, on real KRX histories and on generated ones.
import { NodeContext } from "@effect/platform-node"
import { fc, test } from "@fast-check/vitest"
import { Effect, Schema } from "effect"
import { beforeAll, describe, expect, it } from "vitest"
import type { BarColumns, DataSet } from "../../../src/backtest/data/DataSet.js"
import { loadDataSet } from "../../../src/backtest/data/load.js"
import { type CostModel, floorMul, ZERO_COSTS } from "../../../src/domain/krx/costs.js"
import smaCross, { SmaCrossParams } from "../../../strategies/sma-cross/index.js"
import { backtestConfig, dataSetOf, randomBars, runSync, simSettings, symbolCode, tradingDays } from "../../backtest/fixtures.js"
import { describeShared, sharedPath } from "../../support/shared.js"

interface RefTrade {
  readonly entryDate: string
  readonly entryPrice: number
  readonly exitDate: string | undefined
  readonly exitPrice: number | undefined
  readonly quantity: number
}

/** DESIGN.md §8 written out as directly as possible, without any engine code. */
const reference = (bars: BarColumns, cash0: number, commissionRate: number, taxRate: number, fast = 10, slow = 30) => {
  const c = bars.close, n = bars.length
  const sum = (t: number, k: number) => {
    let s = 0
    for (let i = t - k + 1; i <= t; i++) s += c[i]!
    return s
  }
  const d = (t: number) => slow * sum(t, fast) - fast * sum(t, slow)
  let cash = cash0, held = 0
  let pending: "buy" | "sell" | undefined
  const trades: Array<RefTrade> = []
  let entry: { date: string; price: number } | undefined
  for (let t = 0; t < n; t++) {
    const open = bars.open[t]!
    if (pending === "buy") {
      let q = 0
      while ((q + 1) * open + floorMul((q + 1) * open, commissionRate) <= cash) q++
      if (q > 0) {
        cash -= q * open + floorMul(q * open, commissionRate)
        held = q
        entry = { date: bars.dates[t]!, price: open }
      }
    } else if (pending === "sell") {
      const v = held * open
      cash += v - floorMul(v, commissionRate) - floorMul(v, taxRate)
      trades.push({ entryDate: entry!.date, entryPrice: entry!.price, exitDate: bars.dates[t]!, exitPrice: open, quantity: held })
      held = 0
    }
    pending = undefined
    if (t >= slow && t <= n - 2) {
      const now = d(t), before = d(t - 1)
      if (held === 0 && now > 0 && before <= 0) pending = "buy"
      else if (held > 0 && now < 0 && before >= 0) pending = "sell"
    }
  }
  if (held > 0) trades.push({ entryDate: entry!.date, entryPrice: entry!.price, exitDate: undefined, exitPrice: undefined, quantity: held })
  return { trades, finalEquity: cash + held * c[n - 1]! }
}

const FLAT: CostModel = { commissionRate: 0.00015, flatTaxRate: 0.002 }

const engine = (dataSet: DataSet, costs: CostModel, params = { fast: 10, slow: 30 }) => {
  const result = runSync(dataSet, backtestConfig(smaCross, params, simSettings(costs)))
  return {
    trades: result.trades.map((t) => ({ entryDate: t.entryDate, entryPrice: t.entryPrice, exitDate: t.exitDate, exitPrice: t.exitPrice, quantity: t.quantity })),
    finalEquity: result.equity[result.equity.length - 1]!.equity
  }
}

const compare = (bars: BarColumns, costs: CostModel, params = { fast: 10, slow: 30 }) => {
  const ref = reference(bars, 10_000_000, costs.commissionRate, costs.flatTaxRate ?? 0, params.fast, params.slow)
  const got = engine(dataSetOf([bars]), costs, params)
  expect(got.trades).toEqual(ref.trades)
  expect(got.finalEquity).toBe(ref.finalEquity)
  return ref
}

describe("sma-cross params", () => {
  it("defaults to 10/30 and rejects fast ≥ slow", () => {
    expect(Schema.decodeUnknownSync(SmaCrossParams)({})).toEqual({ fast: 10, slow: 30 })
    expect(Schema.decodeUnknownSync(SmaCrossParams)({ fast: "5", slow: "20" })).toEqual({ fast: 5, slow: 20 })
    expect(() => Schema.decodeUnknownSync(SmaCrossParams)({ fast: "30", slow: "10" })).toThrow(/shorter/)
  })
})

describe("sma-cross against the §8 reference on generated data", () => {
  test.prop([fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 40, max: 400 }), fc.boolean()], { numRuns: 25 })(
    "same trades and final equity to the won",
    (seed, length, zeroCosts) => {
      const bars = randomBars(symbolCode(seed % 1000), tradingDays(length), seed, 2_000 + (seed % 50_000))
      compare(bars, zeroCosts ? ZERO_COSTS : FLAT)
    }
  )

  it("generalizes to other windows", () => {
    const bars = randomBars(symbolCode(1), tradingDays(300), 7)
    const ref = compare(bars, FLAT, { fast: 3, slow: 7 })
    expect(ref.trades.length).toBeGreaterThan(10)
  })

  it("treats a tie d = 0 as neither above nor below", () => {
    // Flat closes make d = 0 throughout; a single rise then makes d > 0 after d ≤ 0: exactly one cross up.
    const dates = tradingDays(60)
    const close = Float64Array.from(dates, (_, i) => (i === 45 ? 11_000 : 10_000))
    const bars: BarColumns = { ticker: symbolCode(2), length: 60, dates: dates as never, open: close, high: close, low: close, close, volume: close }
    const ref = compare(bars, FLAT)
    expect(ref.trades).toHaveLength(1)
    expect(ref.trades[0]!.entryDate).toBe(dates[46])
  })
})

const SHARED_SYMBOLS = ["005930", "000660", "035720", "068270", "207940"]

describeShared("sma-cross against the §8 reference on real KRX daily bars", () => {
  let dataSet: DataSet
  beforeAll(async () => {
    dataSet = await Effect.runPromise(
      loadDataSet(sharedPath("data", "krx"), { symbols: SHARED_SYMBOLS }).pipe(Effect.provide(NodeContext.layer))
    )
  })
  for (const code of SHARED_SYMBOLS) {
    it(`${code}: flat 0.015 % / 0.20 % and zero costs`, () => {
      const bars = dataSet.bars.get(code as never)!
      expect(bars.length).toBeGreaterThan(1000)
      const flat = compare(bars, FLAT)
      expect(flat.trades.length).toBeGreaterThan(10)
      compare(bars, ZERO_COSTS)
    })
  }
})
