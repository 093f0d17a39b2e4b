// kis-sim's market clock: where a replay starts, speed-driven advances that skip nights, weekends and holidays, never
// run past the data, and the admin clock's duration syntax.
import { test } from "@fast-check/vitest"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { KRX_CALENDAR } from "../../src/domain/krx/calendar.js"
import { type Instant, kstDateOf, kstInstant, kstTimeOf, tradeDate } from "../../src/domain/Time.js"
import { advanceBySpeed, parseDuration, replayStart } from "../../src/sim/clock.js"

const LAST = tradeDate("2024-12-30")

describe("kis-sim clock", () => {
  it("starts at the pre-open of the first trading day on or after the start date", () => {
    expect(replayStart(tradeDate("2024-03-01"))).toBe(kstInstant(tradeDate("2024-03-04"), "083000")) // 삼일절, then a weekend
    expect(replayStart(tradeDate("2024-01-02"))).toBe(kstInstant(tradeDate("2024-01-02"), "093000")) // first day of the year opens late
  })

  it("at 60× a wall second is a market minute; past the day's last session it jumps to the next trading day", () => {
    const friday = kstInstant(tradeDate("2024-03-08"), "100000")
    expect(advanceBySpeed(friday, 1000, 60, LAST)).toBe(friday + 60_000)
    const evening = kstInstant(tradeDate("2024-03-08"), "175959")
    const next = advanceBySpeed(evening, 2000, 60, LAST)
    expect(kstDateOf(next)).toBe("2024-03-11")
    expect(kstTimeOf(next)).toBe("083000")
  })

  test.prop([fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 86_400_000 }), fc.integer({ min: 1, max: 3_600 })])(
    "never moves backwards, never passes the end of the data, and lands on a trading day", (dayOffset, elapsed, speed) => {
      const day = KRX_CALENDAR.addTradingDays(tradeDate("2024-01-02"), dayOffset % 240)
      const now = kstInstant(day, "120000")
      const t = advanceBySpeed(now, elapsed, speed, LAST)
      expect(t).toBeGreaterThanOrEqual(now)
      expect(t).toBeLessThanOrEqual(kstInstant(LAST, "180000"))
      expect(KRX_CALENDAR.isTradingDay(kstDateOf(t as Instant))).toBe(true)
    })

  it("reads admin durations", () => {
    expect([parseDuration("90s"), parseDuration("30m"), parseDuration("2h"), parseDuration("1d"), parseDuration(250), parseDuration("250ms")])
      .toEqual([90_000, 1_800_000, 7_200_000, 86_400_000, 250, 250])
    expect([parseDuration("soon"), parseDuration(-1), parseDuration("5 weeks")]).toEqual([undefined, undefined, undefined])
  })
})
