// The as-of view shows bars and statements up to the as-of day only, and refuses to read the future.
import { describe, expect, it } from "vitest"
import { makeAsOfView } from "../../src/backtest/asOfView.js"
import type { DataSet } from "../../src/backtest/data/DataSet.js"
import type { FinancialStatement } from "../../src/domain/Fundamentals.js"
import { ordinaryStock } from "../../src/domain/Market.js"
import { ticker } from "../../src/domain/Money.js"
import { tradeDate } from "../../src/domain/Time.js"

const A = ticker("000001")
const dates = ["2024-01-02", "2024-01-03", "2024-01-05", "2024-01-08"].map(tradeDate)
const statement = (periodEnd: string, availableFrom: string, shares: number): FinancialStatement => ({
  ticker: A, periodType: "annual", periodEnd: tradeDate(periodEnd), availableFrom: tradeDate(availableFrom),
  filingDateKnown: true, sharesOutstanding: shares
})
const dataSet: DataSet = {
  source: "test",
  symbols: [{ ticker: A, name: "A", instrument: ordinaryStock("KOSDAQ"), listedOn: undefined, sharesOutstanding: 999 }],
  bars: new Map([[A, {
    ticker: A, length: 4, dates,
    open: Float64Array.of(10, 11, 12, 13), high: Float64Array.of(10, 11, 12, 13),
    low: Float64Array.of(10, 11, 12, 13), close: Float64Array.of(10, 11, 12, 13), volume: Float64Array.of(1, 2, 3, 4)
  }]]),
  statements: new Map([[A, [statement("2022-12-31", "2023-03-31", 100), statement("2023-12-31", "2024-01-04", 200)]]]),
  warnings: []
}

describe("makeAsOfView", () => {
  it("bounds the bar series at the last bar on or before asOf", () => {
    const view = makeAsOfView(dataSet, tradeDate("2024-01-04"))
    const bars = view.bars(A)
    expect(bars.length).toBe(2)
    expect(bars.close(1)).toBe(11)
    expect(bars.date(1)).toBe("2024-01-03")
    expect(() => bars.close(2)).toThrow(RangeError)
    expect(() => bars.open(-1)).toThrow(RangeError)
    expect([...bars.closes()]).toEqual([10, 11])
    const scanned = view.universeBars()
    expect(scanned.map((b) => b.ticker)).toEqual(view.universe)
    expect(scanned.map((b) => b.length)).toEqual(view.universe.map((t) => view.bars(t).length))
    expect(() => scanned[view.universe.indexOf(A)]!.close(2)).toThrow(RangeError)
  })
  it("gives an empty series before the first bar and for an unknown symbol", () => {
    expect(makeAsOfView(dataSet, tradeDate("2023-12-29")).bars(A).length).toBe(0)
    expect(makeAsOfView(dataSet, tradeDate("2024-12-29")).bars(ticker("999999")).length).toBe(0)
  })
  it("shows only statements available at asOf and their share count", () => {
    const before = makeAsOfView(dataSet, tradeDate("2024-01-03"))
    expect(before.statements(A).map((s) => s.periodEnd)).toEqual(["2022-12-31"])
    expect(before.sharesOutstanding(A)).toBe(100)
    const after = makeAsOfView(dataSet, tradeDate("2024-01-04"))
    expect(after.statements(A)).toHaveLength(2)
    expect(after.sharesOutstanding(A)).toBe(200)
    expect(makeAsOfView(dataSet, tradeDate("2023-01-01")).sharesOutstanding(A)).toBe(999)
    expect(after.instrument(A).market).toBe("KOSDAQ")
  })
})
