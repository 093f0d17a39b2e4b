// Calendar arithmetic on KST dates: the digit-arithmetic day count agrees with the JavaScript Date calendar.
import { fc, test } from "@fast-check/vitest"
import { expect } from "vitest"
import { epochDayOf, KST_OFFSET_MS, kstDateOf, kstInstant, kstTimeOf, tradeDate } from "../../src/domain/Time.js"

const DAY_MS = 86_400_000

test.prop([fc.date({ min: new Date("0001-01-01T00:00:00Z"), max: new Date("9999-12-31T00:00:00Z"), noInvalidDate: true })])(
  "epochDayOf counts the days from 1970-01-01 as Date does, leap days and centuries included",
  (instant) => {
    const date = tradeDate(instant.toISOString().slice(0, 10))
    expect(epochDayOf(date)).toBe(Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS))
  }
)

test("epochDayOf at the edges of leap years", () => {
  expect(epochDayOf(tradeDate("1970-01-01"))).toBe(0)
  expect(epochDayOf(tradeDate("2000-03-01")) - epochDayOf(tradeDate("2000-02-28"))).toBe(2)
  expect(epochDayOf(tradeDate("2100-03-01")) - epochDayOf(tradeDate("2100-02-28"))).toBe(1)
  expect(epochDayOf(tradeDate("1969-12-31"))).toBe(-1)
})

const two = (n: number) => String(n).padStart(2, "0")

test.prop([
  fc.date({ min: new Date("1900-01-01T00:00:00Z"), max: new Date("2199-12-31T00:00:00Z"), noInvalidDate: true }),
  fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 })
])("kstInstant is the UTC instant of that KST wall-clock time, and kstDateOf / kstTimeOf read it back", (day, h, m, s) => {
  const date = tradeDate(day.toISOString().slice(0, 10))
  const hhmmss = `${two(h)}${two(m)}${two(s)}`
  const instant = kstInstant(date, hhmmss)
  expect(instant).toBe(Date.parse(`${date}T${two(h)}:${two(m)}:${two(s)}Z`) - KST_OFFSET_MS)
  expect(kstDateOf(instant)).toBe(date)
  expect(kstTimeOf(instant)).toBe(hhmmss)
})
