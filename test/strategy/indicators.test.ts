// Indicator maths: known values on hand-made series, scale invariance of log trends, and look-ahead
// invariance (a value at bar t computed from data cut at t equals the full-data value).
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import {
  logTrend,
  realizedVolatility,
  simpleReturn,
  sma,
  windowMax,
  windowMean,
  windowMin
} from "../../src/strategy/indicators.js"

const arr = (xs: ReadonlyArray<number>) => Float64Array.from(xs)
const prices = fc.array(fc.double({ min: 1, max: 1e6, noNaN: true }), { minLength: 3, maxLength: 80 })

describe("window functions", () => {
  it("sma is NaN until the window is full, then the mean of the last `period` values", () => {
    const out = sma(arr([1, 2, 3, 4, 5]), 3)
    expect(Number.isNaN(out[0]!) && Number.isNaN(out[1]!)).toBe(true)
    expect([...out.slice(2)]).toEqual([2, 3, 4])
  })

  it("window mean, max, min read exactly the bars ending at `end`", () => {
    const v = arr([5, 1, 9, 3, 7])
    expect(windowMean(v, 3, 2)).toBe(6)
    expect(windowMax(v, 3, 3)).toBe(9)
    expect(windowMin(v, 4, 2)).toBe(3)
    expect(Number.isNaN(windowMean(v, 1, 3))).toBe(true)
  })

  it("simple return and volatility of a constant-growth path: 10 % per bar, zero volatility", () => {
    const c = arr([100, 110, 121, 133.1])
    expect(simpleReturn(c, 3, 3)).toBeCloseTo(0.331, 10)
    expect(realizedVolatility(c, 3, 3)).toBeCloseTo(0, 12)
    expect(Number.isNaN(simpleReturn(c, 2, 3))).toBe(true)
  })

  it("volatility of an alternating path equals the sample stdev of its log returns", () => {
    const c = arr([100, 110, 100, 110, 100])
    const r = Math.log(1.1)
    // returns +r, −r, +r, −r: mean 0, sample variance 4r²/3
    expect(realizedVolatility(c, 4, 4)).toBeCloseTo(Math.sqrt((4 * r * r) / 3), 12)
  })

  it("log trend of an exponential path has slope ln(growth) and R² 1; a flat path has slope 0 and R² 0", () => {
    const c = arr(Array.from({ length: 30 }, (_, i) => 100 * 1.02 ** i))
    const t = logTrend(c, 29, 30)
    expect(t.slope).toBeCloseTo(Math.log(1.02), 12)
    expect(t.r2).toBeCloseTo(1, 12)
    expect(logTrend(arr(Array(10).fill(50)), 9, 10)).toEqual({ slope: 0, r2: 0 })
  })
})

describe("properties", () => {
  test.prop([prices, fc.double({ min: 1e-3, max: 1e3, noNaN: true })])(
    "log trend is unchanged when every price is multiplied by a constant",
    (xs, k) => {
      const a = logTrend(arr(xs), xs.length - 1, xs.length)
      const b = logTrend(arr(xs.map((x) => x * k)), xs.length - 1, xs.length)
      expect(b.slope).toBeCloseTo(a.slope, 9)
      expect(b.r2).toBeCloseTo(a.r2, 9)
    }
  )

  test.prop([prices, fc.nat(), fc.integer({ min: 2, max: 10 })])(
    "values at bar t computed from data cut at t equal the full-data values (no look-ahead)",
    (xs, at, period) => {
      const t = at % xs.length
      const full = arr(xs), cut = arr(xs.slice(0, t + 1))
      const same = (a: number, b: number) => (Number.isNaN(a) ? Number.isNaN(b) : a === b)
      expect(same(sma(full, period)[t]!, sma(cut, period)[t]!)).toBe(true)
      expect(same(windowMean(full, t, period), windowMean(cut, t, period))).toBe(true)
      expect(same(realizedVolatility(full, t, period), realizedVolatility(cut, t, period))).toBe(true)
      expect(same(simpleReturn(full, t, period), simpleReturn(cut, t, period))).toBe(true)
      const a = logTrend(full, t, period), b = logTrend(cut, t, period)
      expect(same(a.slope, b.slope) && same(a.r2, b.r2)).toBe(true)
    }
  )
})
