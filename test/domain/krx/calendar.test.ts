// Tests of the KRX trading calendar: day-by-day agreement with the reference list of real trading days,
// stepping and period-end rules, fallback outside the table, and extension with KIS chk-holiday rows.
import { readFileSync } from "node:fs"
import { fc, test } from "@fast-check/vitest"
import { Either } from "effect"
import { describe, expect } from "vitest"
import { InvalidDomainValue } from "../../../src/domain/errors.js"
import { type CalendarPeriod, extendWithHolidayCheck, KRX_CALENDAR } from "../../../src/domain/krx/calendar.js"
import { KRX_WEEKDAY_CLOSURES } from "../../../src/domain/krx/holidays.js"
import { addDays, dayOfWeek, type TradeDate, tradeDate } from "../../../src/domain/Time.js"
import { describeShared, sharedPath } from "../../support/shared.js"

const d = tradeDate
const cal = KRX_CALENDAR

const datesFrom = (first: string, last: string): Array<TradeDate> => {
  const out: Array<TradeDate> = []
  for (let x = d(first); x <= last; x = addDays(x, 1)) out.push(x)
  return out
}
const ALL_COVERED = datesFrom("2010-01-01", "2026-12-31")
const coveredDate = fc.integer({ min: 0, max: ALL_COVERED.length - 1 }).map((i) => ALL_COVERED[i]!)

/** The first column of a reference CSV, header dropped. */
const referenceDates = (file: string): Set<string> =>
  new Set(readFileSync(sharedPath("data", "krx", "calendar", file), "utf8").split("\n").slice(1)
    .map((line) => line.split(",")[0]!.trim()).filter((s) => s !== ""))

describeShared("KRX calendar vs the reference trading days", () => {
  test("agrees on every date 2010-01-01 … 2026-12-31", () => {
    const reference = referenceDates("krx_trading_days_2010_2026.csv")
    expect(reference.size).toBeGreaterThan(4000)
    const disagreements = ALL_COVERED.filter((x) => cal.isTradingDay(x) !== reference.has(x))
    expect(disagreements).toEqual([])
    expect(cal.tradingDaysBetween(d("2010-01-01"), d("2026-12-31"))).toEqual([...reference].sort())
  })

  test("the closure table lists exactly the reference weekday holidays", () => {
    const reference = referenceDates("krx_weekday_holidays_2010_2026.csv")
    expect(KRX_WEEKDAY_CLOSURES.map((c) => c.date)).toEqual([...reference].sort())
  })
})

describe("KRX closure table", () => {
  test("lists only weekdays, ascending, each with a reason", () => {
    for (const [i, c] of KRX_WEEKDAY_CLOSURES.entries()) {
      expect([1, 2, 3, 4, 5]).toContain(dayOfWeek(c.date))
      expect(c.reasons.length).toBeGreaterThan(0)
      if (i > 0) expect(c.date > KRX_WEEKDAY_CLOSURES[i - 1]!.date).toBe(true)
    }
  })

  test("names the reasons of known closures", () => {
    expect(cal.closureReasons(d("2017-10-03"))).toEqual(["chuseok", "national-foundation-day"])
    expect(cal.closureReasons(d("2025-05-06"))).toEqual(["substitute for childrens-day", "substitute for buddhas-birthday"])
    expect(cal.closureReasons(d("2022-12-30"))).toEqual(["year-end-closing"])
    expect(cal.closureReasons(d("2025-06-03"))).toEqual(["presidential-election"])
    expect(cal.closureReasons(d("2024-10-01"))).toEqual(["temporary-holiday"])
    expect(cal.closureReasons(d("2024-05-01"))).toEqual(["labour-day"])
    expect(cal.closureReasons(d("2024-05-02"))).toEqual([])
    expect(cal.closureReasons(d("2024-05-04"))).toEqual([]) // a Saturday
  })
})

describe("TradingCalendar stepping", () => {
  test("next and previous skip holidays and weekends", () => {
    expect(cal.nextTradingDay(d("2024-09-13"))).toBe("2024-09-19") // Fri → after 추석 16–18
    expect(cal.previousTradingDay(d("2024-09-19"))).toBe("2024-09-13")
    expect(cal.nextTradingDay(d("2024-12-30"))).toBe("2025-01-02")
    expect(cal.addTradingDays(d("2024-12-27"), 3)).toBe("2025-01-03")
    expect(cal.addTradingDays(d("2025-01-01"), 0)).toBe("2025-01-02")
    expect(cal.addTradingDays(d("2025-01-01"), -1)).toBe("2024-12-30")
    expect(() => cal.addTradingDays(d("2025-01-01"), 1.5)).toThrow(InvalidDomainValue)
  })

  test.prop([coveredDate, fc.integer({ min: -300, max: 300 })])("addTradingDays walks next/previous one day at a time", (date, n) => {
    let expected = n === 0 && !cal.isTradingDay(date) ? cal.nextTradingDay(date) : date
    for (let k = 0; k < Math.abs(n); k++) expected = n > 0 ? cal.nextTradingDay(expected) : cal.previousTradingDay(expected)
    expect(cal.addTradingDays(date, n)).toBe(expected)
  })

  test.prop([coveredDate, coveredDate])("tradingDaysBetween is the inclusive list of trading days", (a, b) => {
    const [from, to] = a <= b ? [a, b] : [b, a]
    const between = cal.tradingDaysBetween(from, to)
    expect(between.every((x) => x >= from && x <= to && cal.isTradingDay(x))).toBe(true)
    if (between.length > 0) {
      expect(cal.previousTradingDay(between[0]!) < from).toBe(true)
      expect(cal.nextTradingDay(between[between.length - 1]!) > to).toBe(true)
      const gaps = between.slice(1).filter((x, i) => cal.nextTradingDay(between[i]!) !== x)
      expect(gaps).toEqual([])
    }
    expect(cal.tradingDaysBetween(to, from).length).toBe(from === to ? between.length : 0)
  })

  test("settlement is T+2 trading days; the year-end closing day does not settle", () => {
    expect(cal.settlementDate(d("2024-06-14"))).toBe("2024-06-18")
    expect(cal.settlementDate(d("2024-12-26"))).toBe("2024-12-30")
    expect(cal.settlementDate(d("2024-12-27"))).toBe("2025-01-02")
    expect(cal.settlementDate(d("2024-12-30"))).toBe("2025-01-03")
  })

  test("period ends and starts", () => {
    expect(cal.isLastTradingDayOfMonth(d("2024-05-31"))).toBe(true)
    expect(cal.isLastTradingDayOfMonth(d("2024-12-30"))).toBe(true) // 12/31 is the year-end closing day
    expect(cal.isLastTradingDayOfQuarter(d("2024-12-30"))).toBe(true)
    expect(cal.isLastTradingDayOfQuarter(d("2024-11-29"))).toBe(false)
    expect(cal.isLastTradingDayOfWeek(d("2024-09-13"))).toBe(true)
    expect(cal.isLastTradingDayOfWeek(d("2024-10-04"))).toBe(true)
    expect(cal.isLastTradingDayOfWeek(d("2024-10-02"))).toBe(false)
    expect(cal.isFirstTradingDayOf(d("2025-01-02"), "year")).toBe(true)
    expect(cal.isFirstTradingDayOf(d("2024-09-19"), "week")).toBe(true) // Thu after 추석 Mon–Wed
    expect(cal.isFirstTradingDayOf(d("2024-09-13"), "week")).toBe(false)
    expect(cal.isLastTradingDayOf(d("2026-12-30"), "year")).toBe(true)
  })

  test.prop([coveredDate, fc.constantFrom<CalendarPeriod>("week", "month", "quarter", "year")])(
    "exactly one last trading day per period, matching the precomputed flags",
    (date, period) => {
      const isLast = cal.isLastTradingDayOf(date, period)
      const next = cal.nextTradingDay(date)
      const quarter = (x: string) => `${x.slice(0, 4)}${Math.ceil(Number(x.slice(5, 7)) / 3)}`
      const daysSinceMonday = (dayOfWeek(date) + 6) % 7
      const samePeriod = period === "week" ? (Date.parse(next) - Date.parse(date)) / 86_400_000 + daysSinceMonday < 7
        : period === "month" ? next.slice(0, 7) === date.slice(0, 7)
        : period === "quarter" ? quarter(next) === quarter(date)
        : next.slice(0, 4) === date.slice(0, 4)
      expect(isLast).toBe(cal.isTradingDay(date) && !samePeriod)
    }
  )
})

describe("outside the table", () => {
  test("weekends and fixed-date closures only", () => {
    expect(cal.isTradingDay(d("2027-01-01"))).toBe(false)
    expect(cal.closureReasons(d("2027-01-01"))).toEqual(["new-year"])
    expect(cal.isTradingDay(d("2027-01-04"))).toBe(true)
    expect(cal.isTradingDay(d("2027-07-17"))).toBe(false) // Saturday anyway
    expect(cal.closureReasons(d("2027-12-31"))).toEqual(["year-end-closing"])
    expect(cal.closureReasons(d("2028-12-29"))).toEqual(["year-end-closing"]) // Fri; 12/31 is a Sunday
    expect(cal.nextTradingDay(d("2026-12-30"))).toBe("2027-01-04")
    expect(cal.previousTradingDay(d("2010-01-04"))).toBe("2009-12-30")
    expect(cal.settlementDate(d("2026-12-30"))).toBe("2027-01-05")
    expect(cal.tradingDaysBetween(d("2026-12-28"), d("2027-01-05"))).toEqual(["2026-12-28", "2026-12-29", "2026-12-30", "2027-01-04", "2027-01-05"])
    expect(cal.isFirstTradingDayOf(d("2027-01-04"), "year")).toBe(true)
  })
})

describe("extendWithHolidayCheck", () => {
  const rowsFor = (first: string, days: number, closed: ReadonlyArray<string>) =>
    datesFrom(first, addDays(d(first), days - 1)).map((x) => ({
      bass_dt: x.replaceAll("-", ""),
      opnd_yn: closed.includes(x) || dayOfWeek(x) === 0 || dayOfWeek(x) === 6 ? "N" : "Y"
    }))

  test("consecutive rows extend the coverage and override the fallback rules", () => {
    const rows = rowsFor("2027-01-01", 60, ["2027-01-01", "2027-02-08", "2027-02-09", "2027-03-01"]) // 설날 2027 on Mon–Tue
    const extended = Either.getOrThrow(extendWithHolidayCheck(cal, rows))
    expect(extended.coverage).toEqual({ first: "2010-01-01", last: "2027-03-01" })
    expect(extended.isTradingDay(d("2027-02-08"))).toBe(false)
    expect(extended.closureReasons(d("2027-02-08"))).toEqual(["announced-closure"])
    expect(extended.closureReasons(d("2027-03-01"))).toEqual(["independence-movement-day"])
    expect(extended.nextTradingDay(d("2027-02-05"))).toBe("2027-02-10")
    expect(cal.isTradingDay(d("2027-02-08"))).toBe(true) // the original is unchanged
  })

  test("a row can reopen a listed closure, or close a table day", () => {
    const extended = Either.getOrThrow(extendWithHolidayCheck(cal, [
      { bass_dt: "20241001", opnd_yn: "Y" },
      { bass_dt: "20241002", opnd_yn: "N" }
    ]))
    expect(extended.isTradingDay(d("2024-10-01"))).toBe(true)
    expect(extended.closureReasons(d("2024-10-01"))).toEqual([])
    expect(extended.isTradingDay(d("2024-10-02"))).toBe(false)
    expect(extended.coverage).toEqual(cal.coverage)
  })

  test("bad rows are typed errors naming the row and value", () => {
    const badDate = extendWithHolidayCheck(cal, [{ bass_dt: "20230230", opnd_yn: "Y" }])
    expect(Either.isLeft(badDate) && badDate.left).toBeInstanceOf(InvalidDomainValue)
    expect(Either.isLeft(badDate) && badDate.left.message).toMatch(/row 0 bass_dt.*2023-02-30/)
    const badFlag = extendWithHolidayCheck(cal, [{ bass_dt: "20240611", opnd_yn: "y" }, { bass_dt: "20240612", opnd_yn: "X" }])
    expect(Either.isLeft(badFlag) && badFlag.left.message).toMatch(/row 0 \(20240611\) opnd_yn: "y"/)
  })
})
