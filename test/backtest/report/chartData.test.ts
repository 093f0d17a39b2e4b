// Chart data: candles merged by hand-checkable groups, fills snapped onto their candle, categorical
// annotations as category indexes, the symbol cap, and the drawdown line in percent.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import type { BarColumns } from "../../../src/backtest/data/DataSet.js"
import { buildChartData, candlesOf, DEFAULT_CHART_LIMITS, fillMarkers } from "../../../src/backtest/report/chartData.js"
import { won } from "../../../src/domain/Money.js"
import { tradeDate } from "../../../src/domain/Time.js"
import { HYNIX, ODD, SAMSUNG, syntheticRun } from "./syntheticRun.js"

const dates = ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-08", "2024-01-09"].map(tradeDate)
const bars: BarColumns = {
  ticker: SAMSUNG, length: 6, dates,
  open: Float64Array.of(100, 102, 104, 103, 101, 99),
  high: Float64Array.of(103, 106, 105, 104, 102, 100),
  low: Float64Array.of(99, 101, 100, 100, 97, 98),
  close: Float64Array.of(102, 104, 103, 101, 99, 100),
  volume: Float64Array.of(1, 1, 1, 1, 1, 1)
}

describe("candlesOf", () => {
  it("keeps daily bars inside the period", () => {
    const { candles, barsPerCandle } = candlesOf(bars, dates[1]!, dates[3]!, 10)
    expect(barsPerCandle).toBe(1)
    expect(candles).toEqual([
      { time: "2024-01-03", open: 102, high: 106, low: 101, close: 104 },
      { time: "2024-01-04", open: 104, high: 105, low: 100, close: 103 },
      { time: "2024-01-05", open: 103, high: 104, low: 100, close: 101 }
    ])
  })
  it("merges bars into groups when there are too many: first open, highest high, lowest low, last close", () => {
    const { candles, barsPerCandle } = candlesOf(bars, dates[0]!, dates[5]!, 2)
    expect(barsPerCandle).toBe(3)
    expect(candles).toEqual([
      { time: "2024-01-02", open: 100, high: 106, low: 99, close: 103 },
      { time: "2024-01-05", open: 103, high: 104, low: 97, close: 100 }
    ])
  })
})

describe("candle merging invariants", () => {
  const series = fc.array(fc.tuple(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 1000 }), fc.nat(50), fc.nat(50)), { minLength: 1, maxLength: 120 })
  test.prop([series, fc.integer({ min: 1, max: 40 })])("no more candles than asked; prices and range preserved", (rows, max) => {
    const n = rows.length
    const days = Array.from({ length: n }, (_, i) => tradeDate(new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10)))
    const columns: BarColumns = {
      ticker: SAMSUNG, length: n, dates: days,
      open: Float64Array.from(rows, ([o]) => o), close: Float64Array.from(rows, ([, c]) => c),
      high: Float64Array.from(rows, ([o, c, up]) => Math.max(o, c) + up),
      low: Float64Array.from(rows, ([o, c, , down]) => Math.max(1, Math.min(o, c) - down)),
      volume: new Float64Array(n)
    }
    const { candles, barsPerCandle } = candlesOf(columns, days[0]!, days[n - 1]!, max)
    expect(candles.length).toBeLessThanOrEqual(max)
    expect(candles.length).toBe(Math.ceil(n / barsPerCandle))
    expect(candles[0]!.open).toBe(columns.open[0])
    expect(candles[candles.length - 1]!.close).toBe(columns.close[n - 1])
    expect(Math.max(...candles.map((c) => c.high))).toBe(Math.max(...columns.high))
    expect(Math.min(...candles.map((c) => c.low))).toBe(Math.min(...columns.low))
    for (const c of candles) expect(c.low <= Math.min(c.open, c.close) && c.high >= Math.max(c.open, c.close)).toBe(true)
  })
})

describe("fillMarkers", () => {
  const fill = (date: string, side: "buy" | "sell", quantity: number, price: number) => ({
    orderId: "o", date: tradeDate(date), ticker: SAMSUNG, side, quantity, price: won(price), commission: won(0), tax: won(0)
  })
  it("puts each fill on the candle whose period holds it and merges same-side fills", () => {
    const markers = fillMarkers(
      [fill("2024-01-08", "sell", 5, 100), fill("2024-01-03", "buy", 10, 100), fill("2024-01-04", "buy", 30, 104), fill("2024-01-01", "buy", 1, 90)],
      [tradeDate("2024-01-02"), tradeDate("2024-01-05")])
    expect(markers).toEqual([
      { time: "2024-01-02", side: "buy", quantity: 41, averagePrice: (1_000 + 3_120 + 90) / 41 },
      { time: "2024-01-05", side: "sell", quantity: 5, averagePrice: 100 }
    ])
  })
  test.prop([fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.boolean(), fc.integer({ min: 1, max: 100 })), { maxLength: 30 })])(
    "merging conserves the quantity of each side",
    (raw) => {
      const fills = raw.map(([day, buy, q]) => fill(dates[Math.min(day, 5)]!, buy ? "buy" : "sell", q, 100))
      const markers = fillMarkers(fills, [dates[0]!, dates[3]!])
      for (const side of ["buy", "sell"] as const) {
        const total = (xs: ReadonlyArray<{ side: string; quantity: number }>) => xs.filter((x) => x.side === side).reduce((a, x) => a + x.quantity, 0)
        expect(total(markers)).toBe(total(fills))
      }
      expect(markers.map((m) => m.time).every((t, i, all) => i === 0 || all[i - 1]! <= t)).toBe(true)
    })
})

describe("buildChartData", () => {
  const { result, dataSet } = syntheticRun()
  const charts = buildChartData(result, dataSet)

  it("orders symbol charts by fill count and names them from the data set", () => {
    expect(charts.symbols.map((s) => [s.ticker, s.fillCount])).toEqual([[SAMSUNG, 5], [HYNIX, 4], [ODD, 2]])
    expect(charts.symbols[0]!.name).toBe("삼성전자")
    expect(charts.symbols[0]!.candles.length).toBe(result.equity.length)
    expect(charts.symbolsOmitted).toBe(0)
  })

  it("caps the number of symbol charts and points per chart", () => {
    const capped = buildChartData(result, dataSet, { ...DEFAULT_CHART_LIMITS, maxSymbolCharts: 2, maxPointsPerSymbol: 50 })
    expect(capped.symbols.map((s) => s.ticker)).toEqual([SAMSUNG, HYNIX])
    expect(capped.symbolsOmitted).toBe(1)
    expect(capped.symbols[0]!.barsPerCandle).toBe(3) // ⌈130 / 50⌉
    expect(capped.symbols[0]!.candles.length).toBe(44)
    for (const track of capped.symbols[0]!.annotations) expect(track.points.length).toBeLessThanOrEqual(50)
  })

  it("turns text annotations into category indexes and keeps numbers as numbers", () => {
    const [stage, momentum] = charts.symbols[0]!.annotations
    expect(stage).toMatchObject({ series: "stage", kind: "categorical" })
    if (stage?.kind !== "categorical") throw new Error("stage should be categorical")
    expect(stage.categories[0]).toBe("태동 (inception)")
    expect(stage.categories.length).toBe(4)
    expect(stage.points.map((p) => p.value)).toEqual(result.equity.map((_, day) => Math.min(3, Math.floor(day / 35))))
    expect(momentum).toMatchObject({ series: "momentum", kind: "numeric" })
    expect(momentum!.points[9]!.value).toBeCloseTo(Math.sin(1) * 10, 12)
  })

  it("drawdown is in percent below the running high, never above zero", () => {
    expect(charts.drawdown.length).toBe(result.equity.length)
    expect(Math.max(...charts.drawdown.map((p) => p.value))).toBe(0)
    let peak: number = result.settings.initialCash
    result.equity.forEach((p, i) => {
      peak = Math.max(peak, p.equity)
      expect(charts.drawdown[i]!.value).toBeCloseTo(-(1 - p.equity / peak) * 100, 9)
    })
    expect(charts.benchmark?.length).toBe(result.equity.length)
  })
})
