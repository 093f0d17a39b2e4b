// Properties of the daily ±30 % price band: limits on the ladder, containing the base, never wider than 30 %,
// and the KIS documentation example.
import { test } from "@fast-check/vitest"
import { describe, expect } from "vitest"
import { priceBand, withinBand } from "../../../src/domain/krx/priceBand.js"
import { isOnTick, roundToTick } from "../../../src/domain/krx/tick.js"
import { ordinaryStock } from "../../../src/domain/Market.js"
import { won } from "../../../src/domain/Money.js"
import { tradeDate } from "../../../src/domain/Time.js"
import { dateArb, instrumentArb, priceArb } from "../arbitraries.js"

describe("price band", () => {
  test("the KIS example: base 128,500 on 2022 KOSPI → 167,000 / 90,000", () => {
    const band = priceBand(won(128_500), ordinaryStock("KOSPI"), tradeDate("2022-06-02"))
    expect(band).toEqual({ base: 128_500, lower: 90_000, upper: 167_000 })
    expect(withinBand(167_000, band)).toBe(true)
    expect(withinBand(167_500, band)).toBe(false)
    expect(withinBand(89_900, band)).toBe(false)
  })

  test("the same base on the unified ladder: width 38,500 on a 100-won tick", () => {
    expect(priceBand(won(128_500), ordinaryStock("KOSPI"), tradeDate("2024-03-04"))).toEqual({ base: 128_500, lower: 90_000, upper: 167_000 })
    expect(priceBand(won(10_000), ordinaryStock("KOSDAQ"), tradeDate("2024-03-04"))).toEqual({ base: 10_000, lower: 7_000, upper: 13_000 })
  })

  test.prop([priceArb, instrumentArb, dateArb()])("on-tick base: limits on the ladder, contain the base, within ±30 %", (price, instrument, date) => {
    const base = roundToTick(price, instrument, date)
    const band = priceBand(base, instrument, date)
    expect(isOnTick(band.lower, instrument, date)).toBe(true)
    expect(isOnTick(band.upper, instrument, date)).toBe(true)
    expect(band.lower).toBeLessThanOrEqual(base)
    expect(band.upper).toBeGreaterThanOrEqual(base)
    expect(band.upper).toBeLessThanOrEqual(base * 1.3)
    expect(band.lower).toBeGreaterThanOrEqual(Math.min(base, base * 0.7))
    expect(withinBand(base, band)).toBe(true)
  })
})
