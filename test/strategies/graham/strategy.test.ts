// The Graham strategy end to end on a hand-built universe: who is bought, who is sold and why, weights within
// caps, params decoded from strings, and look-ahead invariance (cutting the data later changes nothing earlier).
import { fc, test } from "@fast-check/vitest"
import { Either, Schema } from "effect"
import { describe, expect, it } from "vitest"
import type { DataSet } from "../../../src/backtest/data/DataSet.js"
import type { FinancialStatement } from "../../../src/domain/Fundamentals.js"
import { qty, type Ticker } from "../../../src/domain/Money.js"
import { tradeDate, type TradeDate } from "../../../src/domain/Time.js"
import type { Decision } from "../../../src/strategy/Strategy.js"
import graham, { portfolioWeights } from "../../../strategies/graham/index.js"
import { defaultGrahamParams as P, GrahamParams } from "../../../strategies/graham/params.js"
import { screenUniverse } from "../../../strategies/graham/screen.js"
import { annuals, barsFromCloses, dataSetOf, portfolioOf, solidAnnuals, T1, T2, T3, viewAt } from "../../strategy/fixtures.js"

const SHARES = 10_000_000
const solid = solidAnnuals
const junk = (t: Ticker) => annuals(t, 2015, 2024, (y) => ({
  netIncome: y % 2 === 0 ? -5e9 : 1e9,
  totalEquity: 500e8,
  currentAssets: 500e8,
  currentLiabilities: 600e8,
  longTermLiabilities: 900e8,
  totalLiabilities: 1500e8
}))
const flat = (price: number, n = 300) => Array.from({ length: n }, () => price)

/** T1 cheap and solid (all 7 pass), T2 a loss-maker, T3 solid but at twice T1's price (above its Graham number). */
const universe = (): DataSet => dataSetOf(
  [barsFromCloses(T1, flat(20_000), { from: "2024-05-01" }), barsFromCloses(T2, flat(20_000), { from: "2024-05-01" }), barsFromCloses(T3, flat(40_000), { from: "2024-05-01" })],
  [...solid(T1), ...junk(T2), ...solid(T3)],
  [T1, T2, T3].map((ticker) => ({ ticker, shares: SHARES }))
)
const holding = (ticker: Ticker) => ({ ticker, quantity: qty(100), averagePrice: 20_000, openedOn: tradeDate("2024-06-03") })
const byTag = (ds: ReadonlyArray<Decision>, tag: Decision["_tag"]) => ds.filter((d) => d._tag === tag).map((d) => d.ticker)

describe("graham defensive mode", () => {
  const view = viewAt(universe())

  it("screens: T1 passes all seven, T2 fails, T3 passes five but trades above its Graham number", () => {
    const [s1, s2, s3] = screenUniverse(view, P)
    expect([s1!.passed, s1!.passes]).toEqual([7, true])
    expect(s2!.passes).toBe(false)
    expect([s3!.passed, s3!.passes]).toEqual([5, true])
    expect(s3!.price!).toBeGreaterThan(s3!.exitPrice!)
  })

  it("buys only T1 from cash, at min(maxWeight, invested / names)", () => {
    const r = graham.decide(view, portfolioOf(), P)
    expect(r.decisions).toEqual([{ _tag: "TargetWeight", ticker: T1, weight: 0.2, reason: expect.stringContaining("graham defensive") }])
  })

  it("sells a holding that fails the screen and one above its valuation, naming why", () => {
    const r = graham.decide(view, portfolioOf([holding(T2), holding(T3)]), P)
    const sells = r.decisions.filter((d) => d._tag === "Sell")
    expect(sells.map((d) => [d.ticker, d.reason?.split(" (")[0]])).toEqual([[T2, "fails screen"], [T3, "above valuation"]])
    expect(byTag(r.decisions, "TargetWeight")).toEqual([T1])
  })

  it("with a stricter pass count T3 is no longer eligible; with a higher exit multiple it is bought", () => {
    expect(screenUniverse(view, { ...P, minPassing: 6 })[2]!.passes).toBe(false)
    const loose = graham.decide(view, portfolioOf(), { ...P, grahamNumberExitMultiple: 2 })
    expect(byTag(loose.decisions, "TargetWeight")).toEqual([T1, T3])
  })

  it("keeps only the top maxNames by score and sells a held name ranked out", () => {
    const r = graham.decide(view, portfolioOf([holding(T3)]), { ...P, grahamNumberExitMultiple: 2, maxNames: 1 })
    expect(byTag(r.decisions, "TargetWeight")).toEqual([T1])
    expect(r.decisions.find((d) => d._tag === "Sell")).toMatchObject({ ticker: T3, reason: "ranked below the top 1" })
  })
})

describe("graham net-net mode", () => {
  // NCAV = 3000억 − 1500억 = 1500억 = 15,000 per share; buy ≤ 10,000, sell above 15,000
  const at = (price: number) => viewAt(dataSetOf([barsFromCloses(T1, flat(price), { from: "2024-05-01" })], solid(T1), [{ ticker: T1, shares: SHARES }]))
  const NETNET = { ...P, mode: "netnet" as const }

  it("buys below two thirds of NCAV and not above", () => {
    expect(byTag(graham.decide(at(9_900), portfolioOf(), NETNET).decisions, "TargetWeight")).toEqual([T1])
    expect(graham.decide(at(10_100), portfolioOf(), NETNET).decisions).toEqual([])
  })

  it("sells a holding once it no longer passes, explaining the NCAV test", () => {
    const sell = graham.decide(at(15_100), portfolioOf([holding(T1)]), NETNET).decisions[0]
    expect(sell).toMatchObject({ _tag: "Sell", ticker: T1, reason: "fails net-net (cap/NCAV 1.01>0.67)" })
  })
})

describe("weights and params", () => {
  const scores = fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 1, maxLength: 30 })
  const settings = fc.record({
    weighting: fc.constantFrom("equal" as const, "score" as const),
    maxWeight: fc.double({ min: 0.01, max: 1, noNaN: true }),
    investedFraction: fc.double({ min: 0.01, max: 1, noNaN: true })
  })

  test.prop([scores, settings])("weights never exceed maxWeight and never sum above the invested fraction", (s, over) => {
    const w = portfolioWeights(s, { ...P, ...over })
    expect(w).toHaveLength(s.length)
    for (const x of w) expect(x).toBeLessThanOrEqual(over.maxWeight)
    expect(w.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(over.investedFraction + 1e-12)
  })

  it("score weighting keeps its sum exact for denormal scores", () => {
    expect(portfolioWeights([2.5e-323], { ...P, weighting: "score", maxWeight: 1, investedFraction: 0.1 })).toEqual([0.1])
  })

  it("score weighting gives a higher score a larger weight", () => {
    expect(portfolioWeights([1, 3], { ...P, weighting: "score", maxWeight: 1, investedFraction: 1 })).toEqual([0.25, 0.75])
  })

  it("decodes params from command-line strings and names a bad value", () => {
    const p = Schema.decodeUnknownSync(GrahamParams)({ mode: "netnet", maxNames: "5", maxPe: "12.5" })
    expect([p.mode, p.maxNames, p.maxPe, p.rebalance]).toEqual(["netnet", 5, 12.5, "quarterly"])
    const bad = Schema.decodeUnknownEither(GrahamParams)({ maxNames: "0" })
    expect(Either.isLeft(bad) && String(bad.left)).toContain("maxNames")
    expect(Either.isLeft(Schema.decodeUnknownEither(GrahamParams)({ maxPe: "NaN" }))).toBe(true)
    expect(Either.isLeft(Schema.decodeUnknownEither(GrahamParams)({ mode: "aggressive" }))).toBe(true)
  })
})

describe("look-ahead invariance", () => {
  // A name whose fundamentals change over time: losses in 2019, a dividend cut in 2022, a 2023 balance sheet
  // that ruins the current ratio; and a price path that wanders across the valuation.
  const history: ReadonlyArray<FinancialStatement> = [
    ...annuals(T1, 2010, 2024, (y) => ({
      netIncome: y === 2019 ? -1e9 : (10 + (y - 2010)) * 1e9,
      dividendPerShare: y === 2022 ? 0 : 100,
      totalEquity: 2000e8,
      currentAssets: y === 2023 ? 1200e8 : 3000e8,
      currentLiabilities: 1000e8,
      longTermLiabilities: 500e8,
      totalLiabilities: 1500e8
    })),
    ...solid(T2)
  ]
  const closes = Array.from({ length: 2600 }, (_, i) => Math.round(20_000 * (1 + 0.5 * Math.sin(i / 150))))
  const full = dataSetOf(
    [barsFromCloses(T1, closes), barsFromCloses(T2, closes.map((c) => c * 2))],
    history,
    [T1, T2].map((ticker) => ({ ticker, shares: SHARES }))
  )
  const dates = full.bars.get(T1)!.dates
  const cutAt = (d: TradeDate): DataSet => ({
    ...full,
    bars: new Map([...full.bars].map(([t, b]) => {
      const n = dates.filter((x) => x <= d).length
      return [t, { ...b, length: n, dates: b.dates.slice(0, n), open: b.open.slice(0, n), high: b.high.slice(0, n), low: b.low.slice(0, n), close: b.close.slice(0, n), volume: b.volume.slice(0, n) }]
    })),
    statements: new Map([...full.statements].map(([t, list]) => [t, list.filter((s) => s.availableFrom <= d)]))
  })

  test.prop([fc.nat({ max: dates.length - 1 }), fc.nat({ max: dates.length - 1 }), fc.constantFrom("defensive" as const, "netnet" as const)], { numRuns: 40 })(
    "screens and decisions at a date are the same on data cut at any later date",
    (a, b, mode) => {
      const asOf = dates[Math.min(a, b)]!, cut = dates[Math.max(a, b)]!
      const params = { ...P, mode, minPassing: 5 }
      const book = portfolioOf([holding(T1)])
      const fullView = viewAt(full, asOf), cutView = viewAt(cutAt(cut), asOf)
      expect(screenUniverse(cutView, params)).toEqual(screenUniverse(fullView, params))
      expect(graham.decide(cutView, book, params)).toEqual(graham.decide(fullView, book, params))
    }
  )

  it("a statement counts from its availableFrom: the FY2019 loss fails stability only once published (2020-03-30)", () => {
    const stabilityOn = (d: string) => screenUniverse(viewAt(full, tradeDate(d)), P)[0]!.criteria.find((c) => c.id === "stability")
    expect(stabilityOn("2020-03-27")).toMatchObject({ status: "unknown", detail: "insufficient data: 9/10 years" })
    expect(stabilityOn("2020-03-30")).toMatchObject({ status: "fail", detail: "loss in 2019" })
  })

  test.prop([fc.nat({ max: dates.length - 1 })], { numRuns: 20 })(
    "a view that leaks unpublished statements yields the same screen as an honest one",
    (i) => {
      const honest = viewAt(full, dates[i]!)
      const leaky = { ...honest, statements: (t: Ticker) => full.statements.get(t) ?? [] }
      expect(screenUniverse(leaky, P)).toEqual(screenUniverse(honest, P))
    }
  )
})
