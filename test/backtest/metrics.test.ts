// Metrics checked against numbers worked out by hand on tiny equity curves, the edge cases (no trades, flat
// equity, one day, no points) and invariants over random curves.
import { fc, test } from "@fast-check/vitest"
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import type { BacktestResult, EquityPoint, FillRecord, TradeRecord } from "../../src/backtest/BacktestResult.js"
import {
  checkBacktestResult, computeMetrics, dailyReturns, drawdownSeries, monthlyReturns
} from "../../src/backtest/metrics.js"
import { ticker, won } from "../../src/domain/Money.js"
import { addDays, tradeDate } from "../../src/domain/Time.js"

const A = ticker("005930")

const curve = (initialCash: number, points: ReadonlyArray<readonly [string, number, number?, number?]>): BacktestResult => ({
  settings: {
    strategy: "test", params: {}, from: tradeDate(points[0]?.[0] ?? "2024-01-02"),
    to: tradeDate(points[points.length - 1]?.[0] ?? "2024-01-02"), initialCash: won(initialCash), symbols: [A],
    dataSource: "hand", assumptions: {}
  },
  equity: points.map(([date, equity, benchmark, exposure]): EquityPoint => ({
    date: tradeDate(date), cash: won(0), equity: won(equity), benchmark: benchmark ?? initialCash, exposure: exposure ?? 0
  })),
  orders: [], fills: [], trades: [], annotations: [], warnings: []
})

const closedTrade = (pnl: number, holdingDays: number): TradeRecord => ({
  ticker: A, entryDate: tradeDate("2024-01-02"), entryPrice: 1000, exitDate: tradeDate("2024-01-05"), exitPrice: 1000,
  quantity: 10, pnl: won(pnl), returnPct: pnl / 10_000, holdingDays
})

const fill = (side: "buy" | "sell", quantity: number, price: number, commission: number, tax: number): FillRecord => ({
  orderId: `o-${side}`, date: tradeDate("2024-01-03"), ticker: A, side, quantity, price: won(price),
  commission: won(commission), tax: won(tax)
})

// Daily returns 0, +10 %, −10 %, +10 %, +10 %; benchmark 0, +5 %, −2 %, 0, +5 %.
const sample: BacktestResult = {
  ...curve(10_000, [
    ["2024-01-02", 10_000, 10_000, 0],
    ["2024-01-03", 11_000, 10_500, 0.5],
    ["2024-01-04", 9_900, 10_290, 0.5],
    ["2024-01-05", 10_890, 10_290, 1],
    ["2024-01-08", 11_979, 10_804.5, 0]
  ]),
  trades: [closedTrade(300, 3), closedTrade(-100, 5), closedTrade(200, 2), closedTrade(-50, 10),
    { ...closedTrade(999, 1), exitDate: undefined, exitPrice: undefined }],
  fills: [fill("buy", 10, 1000, 15, 0), fill("sell", 10, 1100, 16, 22)]
}

/** Every number in a value tree is finite (null allowed): what JSON needs to round-trip exactly. */
const allFinite = (value: unknown): boolean =>
  value === null || typeof value === "string" ? true
    : typeof value === "number" ? Number.isFinite(value)
    : typeof value === "object" ? Object.values(value as object).every(allFinite)
    : true

describe("computeMetrics on a hand-checked curve", () => {
  const m = computeMetrics(sample)

  it("daily returns start from the initial cash", () => {
    const r = dailyReturns(sample)
    ;[0, 0.1, -0.1, 0.1, 0.1].forEach((x, i) => expect(r[i]).toBeCloseTo(x, 12))
  })

  it("total return, CAGR on 252 trading days, volatility, Sharpe, Sortino", () => {
    expect(m.tradingDays).toBe(5)
    expect(m.finalEquity).toBe(11_979)
    expect(m.totalReturn).toBeCloseTo(0.1979, 12)
    expect(m.cagr).toBeCloseTo(1.1979 ** (252 / 5) - 1, 6)
    // mean 0.04; squared deviations .0016 + .0036 + .0196 + .0036 + .0036 = .032, / 4 = .008
    expect(m.annualVolatility).toBeCloseTo(Math.sqrt(0.008 * 252), 10)
    expect(m.sharpe).toBeCloseTo((0.04 / Math.sqrt(0.008)) * Math.sqrt(252), 10) // 7.0993
    expect(m.sharpe).toBeCloseTo(7.0993, 3)
    // downside: only −0.1 → 0.01 / 5 = 0.002
    expect(m.sortino).toBeCloseTo((0.04 / Math.sqrt(0.002)) * Math.sqrt(252), 10) // 14.1986
  })

  it("max drawdown: 11,000 on 01-03 → 9,900 on 01-04, back above on 01-08", () => {
    expect(m.maxDrawdown).toEqual({
      depth: expect.closeTo(0.1, 12), peakDate: "2024-01-03", troughDate: "2024-01-04", recoveryDate: "2024-01-08",
      durationTradingDays: 3, durationCalendarDays: 5
    })
    expect(m.calmar).toBeCloseTo(m.cagr! / 0.1, 6)
  })

  it("trade statistics over closed trades only", () => {
    expect(m.closedTrades).toBe(4)
    expect(m.openTrades).toBe(1)
    expect(m.winRate).toBe(0.5)
    expect(m.profitFactor).toBeCloseTo(500 / 150, 12)
    expect(m.expectancy).toBe(87.5)
    // deviations 212.5, −187.5, 112.5, −137.5 → squares sum 111,875
    expect(m.sqn).toBeCloseTo((2 * 87.5) / Math.sqrt(111_875 / 3), 12) // 0.9062
    expect(m.averageHoldingDays).toBe(5)
  })

  it("exposure, turnover and costs", () => {
    expect(m.exposure).toBeCloseTo(0.4, 12)
    expect(m.tradedNotional).toBe(21_000)
    // average equity 53,769 / 5 = 10,753.8 over 5/252 years
    expect(m.turnover).toBeCloseTo((21_000 / 10_753.8) * (252 / 5), 9)
    expect(m.commissions).toBe(31)
    expect(m.taxes).toBe(22)
    expect(m.fills).toBe(2)
  })

  it("benchmark return, beta and annualized alpha from the daily regression", () => {
    expect(m.benchmarkReturn).toBeCloseTo(0.08045, 12)
    // x mean .016, y mean .04; Sxy = .00064 + .00204 + .00504 − .00096 + .00204 = .0088, Sxx = .00412
    const beta = 0.0088 / 0.00412
    expect(m.beta).toBeCloseTo(beta, 10) // 2.1359
    expect(m.alpha).toBeCloseTo((0.04 - beta * 0.016) * 252, 8) // 1.4680
  })

  it("a risk-free rate lowers Sharpe by the daily rate over the daily deviation", () => {
    const rf = 0.03, daily = 1.03 ** (1 / 252) - 1
    const withRf = computeMetrics(sample, { riskFreeRate: rf })
    expect(withRf.riskFreeRate).toBe(rf)
    expect(withRf.sharpe).toBeCloseTo(((0.04 - daily) / Math.sqrt(0.008)) * Math.sqrt(252), 10)
    expect(withRf.beta).toBeCloseTo(m.beta!, 10)
  })
})

describe("computeMetrics edge cases", () => {
  it("no trades: trade statistics are null, turnover 0", () => {
    const m = computeMetrics(curve(1_000, [["2024-01-02", 1_000], ["2024-01-03", 1_010]]))
    expect([m.closedTrades, m.openTrades, m.turnover, m.commissions, m.taxes]).toEqual([0, 0, 0, 0, 0])
    expect([m.winRate, m.profitFactor, m.expectancy, m.sqn, m.averageHoldingDays]).toEqual([null, null, null, null, null])
  })

  it("flat equity: zero volatility gives null Sharpe/Sortino/Calmar, never NaN", () => {
    const m = computeMetrics(curve(1_000, [["2024-01-02", 1_000], ["2024-01-03", 1_000], ["2024-01-04", 1_000]]))
    expect(m.totalReturn).toBe(0)
    expect(m.cagr).toBe(0)
    expect(m.annualVolatility).toBe(0)
    expect([m.sharpe, m.sortino, m.maxDrawdown, m.calmar]).toEqual([null, null, null, null])
    expect(m.beta).toBeNull() // the benchmark is flat too
    expect(allFinite(m)).toBe(true)
    expect(JSON.stringify(m)).not.toMatch(/NaN|Infinity/)
  })

  it("one day: a return but no volatility", () => {
    const m = computeMetrics(curve(1_000, [["2024-01-02", 990, 1_000]]))
    expect(m.tradingDays).toBe(1)
    expect(m.totalReturn).toBeCloseTo(-0.01, 12)
    expect([m.annualVolatility, m.sharpe, m.sortino, m.beta, m.alpha]).toEqual([null, null, null, null, null])
    expect(m.maxDrawdown).toMatchObject({ depth: expect.closeTo(0.01, 12), peakDate: "2024-01-02", recoveryDate: null })
    expect(allFinite(m)).toBe(true)
  })

  it("no equity points at all", () => {
    const m = computeMetrics(curve(1_000, []))
    expect([m.tradingDays, m.totalReturn, m.finalEquity]).toEqual([0, 0, 1_000])
    expect([m.startDate, m.cagr, m.exposure, m.turnover, m.benchmarkReturn]).toEqual([null, null, null, null, null])
    expect(allFinite(m)).toBe(true)
  })

  it("a drawdown from the initial cash that never recovers runs from the start to the last day", () => {
    const m = computeMetrics(curve(1_000, [["2024-01-02", 900], ["2024-01-03", 800], ["2024-01-04", 950]]))
    expect(m.maxDrawdown).toEqual({
      depth: expect.closeTo(0.2, 12), peakDate: "2024-01-02", troughDate: "2024-01-03", recoveryDate: null,
      durationTradingDays: 3, durationCalendarDays: 2
    })
  })

  it("a missing benchmark (non-positive values) leaves benchmark figures null", () => {
    const m = computeMetrics(curve(1_000, [["2024-01-02", 1_000, 0], ["2024-01-03", 1_100, 0]]))
    expect([m.benchmarkReturn, m.benchmarkCagr, m.alpha, m.beta]).toEqual([null, null, null, null])
  })
})

describe("monthlyReturns", () => {
  it("compounds month ends into months and years, leaving empty months null", () => {
    const rows = monthlyReturns(curve(10_000, [
      ["2023-12-28", 10_500], ["2023-12-29", 11_000], ["2024-01-31", 9_900], ["2024-03-29", 10_890]
    ]))
    expect(rows.map((r) => r.year)).toEqual([2023, 2024])
    expect(rows[0]!.months[11]).toBeCloseTo(0.1, 12)
    expect(rows[0]!.total).toBeCloseTo(0.1, 12)
    expect(rows[1]!.months[0]).toBeCloseTo(-0.1, 12)
    expect(rows[1]!.months[1]).toBeNull()
    expect(rows[1]!.months[2]).toBeCloseTo(0.1, 12)
    expect(rows[1]!.total).toBeCloseTo(10_890 / 11_000 - 1, 12)
  })
})

describe("checkBacktestResult", () => {
  const left = (r: BacktestResult) => Either.getLeft(checkBacktestResult(r))
  it("accepts a good result", () => expect(Either.isRight(checkBacktestResult(sample))).toBe(true))
  it("names the point whose date goes backwards", () => {
    const bad = curve(1_000, [["2024-01-03", 1_000], ["2024-01-02", 1_000]])
    expect(left(bad).pipe((e) => e._tag === "Some" ? e.value.message : "")).toMatch(/equity\[1\]\.date.*2024-01-02.*after 2024-01-03/)
  })
  it("rejects NaN equity, exposure above 1 and a non-positive initial cash", () => {
    const nan = curve(1_000, [["2024-01-02", NaN]])
    expect(Either.getOrThrow(Either.flip(checkBacktestResult(nan))).field).toBe("backtest result equity[0].equity")
    const over = curve(1_000, [["2024-01-02", 1_000, 1_000, 1.5]])
    expect(Either.getOrThrow(Either.flip(checkBacktestResult(over))).field).toBe("backtest result equity[0].exposure")
    const broke = curve(0, [["2024-01-02", 0]])
    expect(Either.getOrThrow(Either.flip(checkBacktestResult(broke))).field).toBe("backtest result settings.initialCash")
  })
})

describe("metrics invariants", () => {
  const equities = fc.array(fc.integer({ min: 1, max: 10_000_000 }), { minLength: 1, maxLength: 60 })
  const asResult = (values: ReadonlyArray<number>) =>
    curve(values[0]!, values.map((v, i) => [addDays(tradeDate("2024-01-01"), i), v, values[0]!] as const))

  test.prop([equities])("compounded daily returns equal the total return; nothing is NaN", (values) => {
    const result = asResult(values)
    const m = computeMetrics(result)
    const growth = dailyReturns(result).reduce((acc, r) => acc * (1 + r), 1)
    // 1 + r loses as many digits as a day's ratio spans (equity 10,000,000 → 1 is 7), so 6 are checked, not 9
    expect(growth / (1 + m.totalReturn)).toBeCloseTo(1, 6)
    expect(allFinite(m)).toBe(true)
  })

  test.prop([equities])("max drawdown is the deepest point of the drawdown series, within 0..1", (values) => {
    const result = asResult(values)
    const deepest = Math.max(0, ...drawdownSeries(result))
    const m = computeMetrics(result)
    expect(m.maxDrawdown?.depth ?? 0).toBeCloseTo(deepest, 12)
    if (m.maxDrawdown !== null) {
      expect(m.maxDrawdown.depth).toBeLessThan(1)
      expect(m.maxDrawdown.troughDate >= m.maxDrawdown.peakDate).toBe(true)
      expect(m.maxDrawdown.durationTradingDays).toBeGreaterThan(0)
    }
  })
})
