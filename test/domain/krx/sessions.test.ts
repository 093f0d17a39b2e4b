// Tests of the KRX session table: phases of a normal day, the late-open special days, closed days,
// the dated pre-2016 table, overridable rules and validation of configured tables.
import { fc, test } from "@fast-check/vitest"
import { Either } from "effect"
import { describe, expect } from "vitest"
import { InvalidDomainValue } from "../../../src/domain/errors.js"
import { KRX_CALENDAR } from "../../../src/domain/krx/calendar.js"
import {
  activePhasesAt,
  COLLEGE_EXAM_DAYS,
  isOrderEntryOpen,
  KRX_SESSION_RULES,
  makeSessionTable,
  phaseAt,
  SESSIONS_SINCE_2016_08_01,
  sessionScheduleFor,
  windowOf
} from "../../../src/domain/krx/sessions.js"
import { type Instant, kstInstant, kstTimeOf, tradeDate } from "../../../src/domain/Time.js"

const d = tradeDate
const at = (date: string, hhmmss: string) => kstInstant(d(date), hhmmss)
const phaseOn = (date: string) => (hhmmss: string) => phaseAt(at(date, hhmmss))

describe("normal trading day", () => {
  test("phases by KST time (2024-06-14, a Friday)", () => {
    const p = phaseOn("2024-06-14")
    expect(p("082959")).toBe("closed")
    expect(p("083000")).toBe("opening-auction")
    expect(activePhasesAt(at("2024-06-14", "083500"))).toEqual(["opening-auction", "pre-open-after-hours"])
    expect(activePhasesAt(at("2024-06-14", "084000"))).toEqual(["opening-auction"])
    expect(p("090000")).toBe("regular")
    expect(p("151959")).toBe("regular")
    expect(p("152000")).toBe("closing-auction")
    expect(p("153000")).toBe("closed")
    expect(p("154000")).toBe("post-close-after-hours")
    expect(p("160000")).toBe("after-hours-single-price")
    expect(p("175959")).toBe("after-hours-single-price")
    expect(p("180000")).toBe("closed")
  })

  test("windows are UTC instants of the KST times", () => {
    const regular = windowOf(sessionScheduleFor(d("2024-06-14")), "regular")!
    expect(new Date(regular.start).toISOString()).toBe("2024-06-14T00:00:00.000Z")
    expect(new Date(regular.end).toISOString()).toBe("2024-06-14T06:20:00.000Z")
  })

  test("before 2016-08-01 regular trading ended at 14:50 and the close auction at 15:00", () => {
    const p = phaseOn("2015-06-12")
    expect(p("145000")).toBe("closing-auction")
    expect(p("150500")).toBe("closed")
    expect(phaseOn("2016-08-01")("150000")).toBe("regular")
  })
})

describe("special and closed days", () => {
  test("non-trading days are closed all day", () => {
    expect(sessionScheduleFor(d("2024-09-17")).kind).toBe("closed") // 추석
    expect(phaseOn("2024-09-17")("100000")).toBe("closed")
    expect(phaseOn("2024-06-15")("100000")).toBe("closed") // Saturday
  })

  test("the first trading day of the year opens at 10:00 and closes as usual", () => {
    const schedule = sessionScheduleFor(d("2025-01-02"))
    expect(schedule.kind).toBe("first-trading-day-of-year")
    const p = phaseOn("2025-01-02")
    expect(p("090000")).toBe("closed")
    expect(p("093000")).toBe("opening-auction")
    expect(p("095959")).toBe("opening-auction")
    expect(p("100000")).toBe("regular")
    expect(p("152000")).toBe("closing-auction")
    expect(p("154000")).toBe("post-close-after-hours")
    expect(sessionScheduleFor(d("2025-01-03")).kind).toBe("normal")
  })

  test("exam day: 10:00–16:30, after-hours an hour later but still ending at 18:00", () => {
    const schedule = sessionScheduleFor(d("2024-11-14"))
    expect(schedule.kind).toBe("exam-day")
    const times = (phase: "regular" | "closing-auction" | "post-close-after-hours" | "after-hours-single-price" | "pre-open-after-hours") => {
      const w = windowOf(schedule, phase)!
      return [kstTimeOf(w.start), kstTimeOf(w.end)]
    }
    expect(times("pre-open-after-hours")).toEqual(["093000", "094000"])
    expect(times("regular")).toEqual(["100000", "162000"])
    expect(times("closing-auction")).toEqual(["162000", "163000"])
    expect(times("post-close-after-hours")).toEqual(["164000", "170000"])
    expect(times("after-hours-single-price")).toEqual(["170000", "180000"])
  })

  test("every exam day 2010–2026 is a trading day with a late schedule; 2017 has both the planned and the held day", () => {
    expect(COLLEGE_EXAM_DAYS.map((x) => x.slice(0, 4))).toEqual(
      ["2010", "2011", "2012", "2013", "2014", "2015", "2016", "2017", "2017", "2018", "2019", "2020", "2021", "2022", "2023", "2024", "2025", "2026"]
    )
    for (const day of COLLEGE_EXAM_DAYS) {
      expect(KRX_CALENDAR.isTradingDay(day)).toBe(true)
      expect(sessionScheduleFor(day).kind).toBe("exam-day")
      expect(phaseAt(kstInstant(day, "093000"))).not.toBe("regular")
    }
  })
})

describe("rules are data", () => {
  test("an overriding table takes effect from its date", () => {
    const longer = Either.getOrThrow(makeSessionTable([
      { phase: "pre-open-after-hours", start: "07:00", end: "08:00" },
      ...SESSIONS_SINCE_2016_08_01.filter((w) => w.phase !== "after-hours-single-price" && w.phase !== "pre-open-after-hours"),
      { phase: "after-hours-single-price", start: "16:00", end: "20:00" }
    ]))
    const rules = { ...KRX_SESSION_RULES, tables: [...KRX_SESSION_RULES.tables, { from: "2026-06-29", table: longer }] }
    expect(phaseAt(at("2026-06-29", "190000"), KRX_CALENDAR, rules)).toBe("after-hours-single-price")
    expect(phaseAt(at("2026-06-29", "071000"), KRX_CALENDAR, rules)).toBe("pre-open-after-hours")
    expect(phaseAt(at("2026-06-26", "190000"), KRX_CALENDAR, rules)).toBe("closed")
  })

  test("bad tables are typed errors naming the window", () => {
    const check = (windows: unknown, pattern: RegExp) => {
      const r = makeSessionTable(windows)
      expect(Either.isLeft(r) && r.left).toBeInstanceOf(InvalidDomainValue)
      expect(Either.isLeft(r) && r.left.message).toMatch(pattern)
    }
    check([], /session table: \[\]/)
    check([{ phase: "lunch", start: "12:00", end: "13:00" }], /session table\[0\].*lunch.*phase must be one of/)
    check([{ phase: "regular", start: "9:00", end: "15:20" }], /session table\[0\].*start must be HH:MM/)
    check([{ phase: "regular", start: "15:20", end: "09:00" }], /start must be before end/)
    check([{ phase: "closing-auction", start: "15:20", end: "15:30" }], /needs a regular window/)
  })
})

describe("phase properties", () => {
  const instant = fc.integer({ min: Date.UTC(2010, 0, 1), max: Date.UTC(2026, 11, 31) }).map((n) => n as Instant)

  test.prop([instant])("closed exactly outside the day's windows; order entry open exactly when not closed", (t) => {
    const phase = phaseAt(t)
    expect(isOrderEntryOpen(phase)).toBe(phase !== "closed")
    const hhmmss = kstTimeOf(t)
    if (hhmmss < "073000" || hhmmss >= "180000") expect(phase).toBe("closed")
    if (phase === "regular") expect(hhmmss >= "090000" && hhmmss < "162000").toBe(true)
  })
})
