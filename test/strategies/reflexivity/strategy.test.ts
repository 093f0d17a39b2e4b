// The reflexivity strategy on a hand-built universe: entries in early stages only, exits on invalidation,
// position limits, the stage annotation of every name, and look-ahead invariance of decisions.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import type { DataSet } from "../../../src/backtest/data/DataSet.js"
import { qty, type Ticker } from "../../../src/domain/Money.js"
import { addDays, tradeDate } from "../../../src/domain/Time.js"
import reflexivity from "../../../strategies/reflexivity/index.js"
import { defaultReflexivityParams as P } from "../../../strategies/reflexivity/params.js"
import { barsFromCloses, dataSetOf, portfolioOf, quarter, T1, T2, T3, viewAt } from "../../strategy/fixtures.js"
import { stageFixtures } from "./paths.js"

const fixture = (stage: string) => stageFixtures().find((f) => f.stage === stage)!
const bars = (t: Ticker, stage: string) => {
  const f = fixture(stage)
  // Every fixture ends on the same day so one as-of date fits all.
  return barsFromCloses(t, f.closes.slice(-251), { volumes: f.volumes.slice(-251), from: "2020-01-01" })
}
const T4 = "000004" as Ticker
const universe = (): DataSet => dataSetOf([bars(T1, "acceleration"), bars(T2, "collapse"), bars(T3, "euphoria"), bars(T4, "inception")])
const holding = (ticker: Ticker, averagePrice: number) => ({ ticker, quantity: qty(10), averagePrice, openedOn: tradeDate("2020-06-01") })

describe("reflexivity decisions", () => {
  const view = viewAt(universe())

  it("annotates the stage of every name", () => {
    const r = reflexivity.decide(view, portfolioOf(), P)
    expect(r.annotations).toEqual([
      { ticker: T1, series: "stage", value: "acceleration" },
      { ticker: T2, series: "stage", value: "collapse" },
      { ticker: T3, series: "stage", value: "euphoria" },
      { ticker: T4, series: "stage", value: "inception" }
    ])
  })

  it("enters the early-stage names (largest size first), not euphoria or collapse, sized within the cap", () => {
    const r = reflexivity.decide(view, portfolioOf(), P)
    const buys = r.decisions.flatMap((d) => (d._tag === "TargetWeight" ? [d] : []))
    expect(buys.map((d) => d.ticker)).toEqual([T1, T4])
    expect(buys[0]!.reason).toMatch(/^acceleration: asymmetry \d/)
    expect(buys[1]!.reason).toMatch(/^inception: /)
    // acceleration: 0.1 × conviction 0.75 × min(asymmetry/3, 2) = 0.15
    expect(buys[0]!.weight).toBeCloseTo(0.15, 6)
    expect(buys[1]!.weight).toBeLessThan(buys[0]!.weight)
  })

  it("sells a holding in collapse and names the triggers; keeps a healthy holding without orders", () => {
    const last = (t: Ticker) => { const b = view.bars(t); return b.close(b.length - 1) }
    const r = reflexivity.decide(view, portfolioOf([holding(T1, last(T1)), holding(T2, last(T2))]), P)
    expect(r.decisions.filter((d) => d.ticker !== T4)).toEqual([
      { _tag: "Sell", ticker: T2, type: { _tag: "market" }, reason: expect.stringContaining("late-stage (collapse)") }
    ])
  })

  it("respects maxPositions and does not buy again while a buy order is pending", () => {
    const pending = reflexivity.decide(view, portfolioOf([], [{ ticker: T1, side: "buy", quantity: qty(5) }]), P)
    expect(pending.decisions.map((d) => d.ticker)).toEqual([T4])
    expect(reflexivity.decide(view, portfolioOf([], [{ ticker: T1, side: "buy", quantity: qty(5) }]), { ...P, maxPositions: 1 }).decisions).toEqual([])
    const last = view.bars(T4).close(view.bars(T4).length - 1)
    expect(reflexivity.decide(view, portfolioOf([holding(T4, last)]), { ...P, maxPositions: 1 }).decisions).toEqual([])
    expect(reflexivity.decide(view, portfolioOf([holding(T4, last)]), { ...P, maxPositions: 2 }).decisions.map((d) => d.ticker)).toEqual([T1])
  })

  it("keeps holdings plus entries within maxExposure, shrinking the last entry to fit", () => {
    // a holding of T3 (euphoria: held, not sold) worth a given fraction of the 100M equity
    const priceT3 = view.bars(T3).close(view.bars(T3).length - 1)
    const book = (fraction: number) => portfolioOf([{ ...holding(T3, priceT3), quantity: qty(Math.round((fraction * 100_000_000) / priceT3)) }])
    const weights = (fraction: number) => reflexivity.decide(view, book(fraction), P).decisions.flatMap((d) => (d._tag === "TargetWeight" ? [d.weight] : []))
    expect(weights(0.88)[0]).toBeCloseTo(0.07, 2)
    expect(weights(0.88)).toHaveLength(1)
    expect(weights(0.945)).toEqual([])
  })

  it("needs asymmetry ≥ minAsymmetry and conviction ≥ minConviction", () => {
    expect(reflexivity.decide(view, portfolioOf(), { ...P, minAsymmetry: 50 }).decisions).toEqual([])
    expect(reflexivity.decide(view, portfolioOf(), { ...P, minConviction: 0.99 }).decisions).toEqual([])
  })

  it("warms up for the bars the detector reads", () => {
    expect(reflexivity.warmupBars?.(P)).toBe(251)
  })
})

describe("look-ahead invariance", () => {
  // Earnings that collapse in the last quarters, published 45 days after each quarter.
  const statements = Array.from({ length: 12 }, (_, i) => {
    const y = 2019 + Math.floor(i / 4), q = i % 4
    return quarter(T1, `${y}-${["03-31", "06-30", "09-30", "12-31"][q]}`, { netIncome: i < 9 ? 100 + 10 * i : 10 })
  })
  const long = [...fixture("acceleration").closes, ...fixture("collapse").closes]
  const full = dataSetOf([barsFromCloses(T1, long, { from: "2019-01-01" }), barsFromCloses(T2, long.map((c) => c * 1.7).reverse(), { from: "2019-01-01" })], statements)
  const dates = full.bars.get(T1)!.dates
  const cutAt = (d: string): DataSet => ({
    ...full,
    bars: new Map([...full.bars].map(([t, b]) => {
      const n = b.dates.filter((x) => x <= d).length
      return [t, { ...b, length: n, dates: b.dates.slice(0, n), open: b.open.slice(0, n), high: b.high.slice(0, n), low: b.low.slice(0, n), close: b.close.slice(0, n), volume: b.volume.slice(0, n) }]
    })),
    statements: new Map([...full.statements].map(([t, list]) => [t, list.filter((s) => s.availableFrom <= d)]))
  })

  test.prop([fc.nat({ max: dates.length - 1 }), fc.nat({ max: dates.length - 1 })], { numRuns: 30 })(
    "decisions and stages at a date are the same on data cut at any later date, and with leaked statements",
    (a, b) => {
      const asOf = dates[Math.min(a, b)]!, cut = dates[Math.max(a, b)]!
      const book = portfolioOf([{ ticker: T1, quantity: qty(10), averagePrice: 10_000, openedOn: addDays(asOf, -30) }])
      const fullView = viewAt(full, asOf)
      const expected = reflexivity.decide(fullView, book, P)
      expect(reflexivity.decide(viewAt(cutAt(cut), asOf), book, P)).toEqual(expected)
      const leaky = { ...fullView, statements: (t: Ticker) => full.statements.get(t) ?? [] }
      expect(reflexivity.decide(leaky, book, P)).toEqual(expected)
    }
  )
})
