// Properties of the KRX tick ladder: rounding lands on the ladder, is idempotent and monotone, brackets the price,
// for the old per-market ladders, the unified 2023 ladder and the 5-won fund ladder.
import { fc, test } from "@fast-check/vitest"
import { describe, expect } from "vitest"
import { isOnTick, roundDownToTick, roundToTick, roundUpToTick, shiftTicks, tickSize } from "../../../src/domain/krx/tick.js"
import { ordinaryStock } from "../../../src/domain/Market.js"
import { tradeDate } from "../../../src/domain/Time.js"
import { dateArb, instrumentArb, priceArb } from "../arbitraries.js"

const roundings = { down: roundDownToTick, up: roundUpToTick, nearest: roundToTick }
const roundingArb = fc.constantFrom(...(Object.keys(roundings) as Array<keyof typeof roundings>))

describe("tick ladder", () => {
  test("known ticks on both ladders and for funds", () => {
    const kospi = ordinaryStock("KOSPI"), kosdaq = ordinaryStock("KOSDAQ")
    const old = tradeDate("2022-06-02"), unified = tradeDate("2023-01-25")
    expect(tickSize(128_500, kospi, old)).toBe(500)
    expect(tickSize(128_500, kosdaq, old)).toBe(100)
    expect(tickSize(128_500, kospi, unified)).toBe(100)
    expect(tickSize(1_500, kospi, old)).toBe(5)
    expect(tickSize(1_500, kospi, unified)).toBe(1)
    expect(tickSize(600_000, kosdaq, old)).toBe(100)
    expect(tickSize(600_000, kosdaq, unified)).toBe(1_000)
    expect(tickSize(600_000, { market: "KOSPI", kind: "etf" }, unified)).toBe(5)
    expect(tickSize(19_990, kospi, tradeDate("2023-01-24"))).toBe(50)
  })

  test.prop([priceArb, instrumentArb, dateArb(), roundingArb])("rounding lands on the ladder and is idempotent", (price, instrument, date, how) => {
    const round = roundings[how]
    const r = round(price, instrument, date)
    expect(isOnTick(r, instrument, date)).toBe(true)
    expect(round(r, instrument, date)).toBe(r)
  })

  test.prop([priceArb, priceArb, instrumentArb, dateArb(), roundingArb])("rounding is monotone", (a, b, instrument, date, how) => {
    const round = roundings[how]
    const [lo, hi] = a <= b ? [a, b] : [b, a]
    expect(round(lo, instrument, date)).toBeLessThanOrEqual(round(hi, instrument, date))
  })

  test.prop([priceArb, instrumentArb, dateArb()])("down ≤ price ≤ up, with no ladder price strictly between", (price, instrument, date) => {
    const down = roundDownToTick(price, instrument, date)
    const up = roundUpToTick(price, instrument, date)
    const nearest = roundToTick(price, instrument, date)
    const minimum = tickSize(1, instrument, date)
    if (price >= minimum) expect(down).toBeLessThanOrEqual(price)
    expect(up).toBeGreaterThanOrEqual(price)
    expect(down === up || down + tickSize(down, instrument, date) === up).toBe(true)
    expect([down, up]).toContain(nearest)
    expect(Math.abs(nearest - price)).toBeLessThanOrEqual(Math.abs((nearest === down ? up : down) - price))
  })

  test.prop([priceArb, instrumentArb, dateArb(), fc.integer({ min: 1, max: 20 })])("shifting n ticks up then down returns the price", (price, instrument, date, n) => {
    const p = roundToTick(price, instrument, date)
    const up = shiftTicks(p, n, instrument, date)
    expect(isOnTick(up, instrument, date)).toBe(true)
    expect(up).toBeGreaterThan(p)
    expect(shiftTicks(up, -n, instrument, date)).toBe(p)
  })
})
