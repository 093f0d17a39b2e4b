// The thesis of a trend: upside, downside and asymmetry with known numbers, conviction, invalidation triggers,
// and sizing properties (monotone in conviction, never above the caps).
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { tradeDate } from "../../../src/domain/Time.js"
import { detectCycle } from "../../../strategies/reflexivity/cycle.js"
import { defaultReflexivityParams as P } from "../../../strategies/reflexivity/params.js"
import { buildThesis, earningsGrowthAt, entryAllowed, peakSince, positionWeight } from "../../../strategies/reflexivity/thesis.js"
import { annuals, quarter, T1 } from "../../strategy/fixtures.js"
import { stageFixtures, windowOf } from "./paths.js"

const fixture = (stage: string) => stageFixtures().find((f) => f.stage === stage)!
const thesisOf = (stage: string, earnings?: number, holding?: { averagePrice: number; peakSinceEntry: number }) => {
  const f = fixture(stage), w = windowOf(f.closes, f.volumes)
  return buildThesis(detectCycle(w, earnings, P), w, holding, P)!
}

describe("thesis", () => {
  it("acceleration: upside = fitted trend projected 120 bars, downside = to the 20-bar low, asymmetry their ratio", () => {
    const t = thesisOf("acceleration")
    // trend 25 % per 60 bars → 1.25² − 1 over 120 bars; the 20-bar low is 0.99 × the close 20 bars ago
    expect(t.upside).toBeCloseTo(0.5625, 6)
    expect(t.downside).toBeCloseTo(1 - 0.99 * Math.pow(1.25, -20 / 60), 6)
    expect(t.asymmetry).toBeCloseTo(t.upside / t.downside, 12)
    // conviction = trust 1 × (√(R² 1 × volume 1.5/1.3 capped at 1) + unknown fundamentals 0.5) / 2
    expect(t.conviction).toBeCloseTo(0.75, 6)
    expect(t.invalidations).toEqual([])
    expect(entryAllowed(t, P)).toBe(true)
  })

  it("fundamentals move conviction: earnings ahead of price raise it, falling earnings cut it and invalidate", () => {
    const ahead = thesisOf("acceleration", 2), falling = thesisOf("acceleration", -0.5)
    expect(ahead.conviction).toBeGreaterThan(thesisOf("acceleration").conviction)
    expect(falling.conviction).toBeLessThan(thesisOf("acceleration").conviction)
    expect(falling.invalidations.map((i) => i.trigger)).toEqual(["reality-turned"])
    expect(entryAllowed(falling, P)).toBe(false)
  })

  it("a price lagging earnings adds the gap to the upside", () => {
    const t = thesisOf("inception", 3)
    expect(t.upside).toBeCloseTo(3 - t.perception, 6)
  })

  it("late stages carry a late-stage invalidation and never allow entry", () => {
    for (const stage of ["twilight", "collapse"]) {
      const t = thesisOf(stage)
      expect(t.invalidations.map((i) => i.trigger)).toContain("late-stage")
      expect(entryAllowed(t, P)).toBe(false)
    }
    expect(entryAllowed(thesisOf("euphoria"), P)).toBe(false)
    expect(entryAllowed(thesisOf("none"), P)).toBe(false)
  })

  it("collapse also breaks the trend (close below the long average)", () => {
    expect(thesisOf("collapse").invalidations.map((i) => i.trigger)).toContain("trend-broken")
  })

  it("a holding adds stop-loss and give-back triggers", () => {
    const f = fixture("acceleration"), close = f.closes[f.closes.length - 1]!
    const t = thesisOf("acceleration", undefined, { averagePrice: close / 0.8, peakSinceEntry: close / 0.75 })
    expect(t.invalidations.map((i) => i.trigger)).toEqual(["stop-loss", "giveback"])
    expect(thesisOf("acceleration", undefined, { averagePrice: close, peakSinceEntry: close }).invalidations).toEqual([])
  })

  it("peakSince reads closes from the entry date on", () => {
    const w = windowOf([10, 30, 20, 25])
    expect(peakSince(w, w.date(2))).toBe(25)
    expect(peakSince(w, tradeDate("1999-01-01"))).toBe(30)
  })
})

describe("reality: trailing earnings growth", () => {
  it("uses trailing four quarters year over year, point-in-time", () => {
    const qs = ["2018-12-31", "2019-03-31", "2019-06-30", "2019-09-30", "2019-12-31", "2020-03-31", "2020-06-30", "2020-09-30", "2020-12-31"]
      .map((d, i) => quarter(T1, d, { netIncome: i < 5 ? 10 : 15 }))
    expect(earningsGrowthAt(qs, tradeDate("2021-03-01"))).toBeCloseTo(0.5, 12)
    // before the 2020-12 quarter is published, the window ends at 2020-09: (10 + 15·3) / 40
    expect(earningsGrowthAt(qs, tradeDate("2021-02-01"))).toBeCloseTo(55 / 40 - 1, 12)
  })
  it("falls back to the last two fiscal years; unknown from a loss or without history", () => {
    expect(earningsGrowthAt(annuals(T1, 2018, 2019, (y) => ({ netIncome: y === 2018 ? 100 : 80 })), tradeDate("2020-06-01"))).toBeCloseTo(-0.2, 12)
    expect(earningsGrowthAt(annuals(T1, 2018, 2019, (y) => ({ netIncome: y === 2018 ? -100 : 80 })), tradeDate("2020-06-01"))).toBeUndefined()
    expect(earningsGrowthAt([], tradeDate("2020-06-01"))).toBeUndefined()
  })
})

describe("sizing", () => {
  const unit = fc.double({ min: 0, max: 1, noNaN: true })
  const asym = fc.double({ min: 0, max: 50, noNaN: true })
  const caps = fc.record({ baseWeight: fc.double({ min: 0.01, max: 1, noNaN: true }), maxPosition: fc.double({ min: 0.01, max: 1, noNaN: true }) })

  test.prop([unit, unit, asym, caps])("is monotone in conviction and never above maxPosition", (c1, c2, a, over) => {
    const p = { ...P, ...over }
    const [lo, hi] = c1 <= c2 ? [c1, c2] : [c2, c1]
    expect(positionWeight(lo, a, p)).toBeLessThanOrEqual(positionWeight(hi, a, p))
    expect(positionWeight(hi, a, p)).toBeLessThanOrEqual(p.maxPosition)
    expect(positionWeight(hi, a, p)).toBeGreaterThanOrEqual(0)
  })

  test.prop([unit, asym, asym])("is monotone in asymmetry and stops growing at 6:1", (c, a1, a2) => {
    const [lo, hi] = a1 <= a2 ? [a1, a2] : [a2, a1]
    expect(positionWeight(c, lo, P)).toBeLessThanOrEqual(positionWeight(c, hi, P))
    expect(positionWeight(c, Math.max(6, hi), { ...P, maxPosition: 1 })).toBeCloseTo(2 * P.baseWeight * c, 12)
  })

  it("base × conviction × min(asymmetry / 3, 2): 0.1 × 0.5 × 1.5 at 4.5:1", () => {
    expect(positionWeight(0.5, 4.5, P)).toBeCloseTo(0.075, 12)
  })
})
