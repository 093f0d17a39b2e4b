// KRX trading sessions in KST: the phase table of a trading day as data (dated and overridable), the special
// days that shift it (the first trading day of a year, the college entrance exam day), and the phase at an instant.
import { Either, Schema } from "effect"
import { InvalidDomainValue, showValue } from "../errors.js"
import { type Instant, kstDateOf, kstInstant, type TradeDate, tradeDate } from "../Time.js"
import { KRX_CALENDAR, type TradingCalendar } from "./calendar.js"

/** The phases of a KRX trading day (KIS-API.md §14.1), plus "closed" for everything outside them. */
export const SessionPhase = Schema.Literal(
  "closed",
  "pre-open-after-hours",
  "opening-auction",
  "regular",
  "closing-auction",
  "post-close-after-hours",
  "after-hours-single-price"
)
export type SessionPhase = typeof SessionPhase.Type
export type MarketPhase = Exclude<SessionPhase, "closed">

/** One phase over the KST wall-clock window [start, end), times "HH:MM" or "HH:MM:SS". */
export interface SessionWindow {
  readonly phase: MarketPhase
  readonly start: string
  readonly end: string
}

/**
 * The windows of one kind of day. Windows may overlap (the opening auction book fills while the pre-open
 * after-hours session trades); the phase reported for an instant is the first listed window containing it.
 */
export type SessionTable = ReadonlyArray<SessionWindow>

/** Since 2016-08-01, when KRX extended the regular session by 30 minutes (KIS-API.md §14.1). */
export const SESSIONS_SINCE_2016_08_01: SessionTable = [
  { phase: "regular", start: "09:00", end: "15:20" },
  { phase: "closing-auction", start: "15:20", end: "15:30" },
  { phase: "opening-auction", start: "08:30", end: "09:00" },
  { phase: "pre-open-after-hours", start: "08:30", end: "08:40" },
  { phase: "post-close-after-hours", start: "15:40", end: "16:00" },
  { phase: "after-hours-single-price", start: "16:00", end: "18:00" }
]

/** Before 2016-08-01: regular trading closed at 15:00 (after-hours windows from press reports of the time, unconfirmed). */
export const SESSIONS_BEFORE_2016_08_01: SessionTable = [
  { phase: "regular", start: "09:00", end: "14:50" },
  { phase: "closing-auction", start: "14:50", end: "15:00" },
  { phase: "opening-auction", start: "08:00", end: "09:00" },
  { phase: "pre-open-after-hours", start: "07:30", end: "08:30" },
  { phase: "post-close-after-hours", start: "15:10", end: "15:30" },
  { phase: "after-hours-single-price", start: "15:10", end: "18:00" }
]

/** How a special day moves the normal table. */
export interface SessionShift {
  /** Minutes added to every time up to and including the start of regular trading. */
  readonly openDelayMinutes: number
  /** Minutes added to every later time. */
  readonly closeDelayMinutes: number
  /** Keep the end of the day's last window (KRX keeps after-hours ending at 18:00 on exam days). */
  readonly keepDayEnd: boolean
}

/** College entrance exam (수능) days 2010–2026. 2017-11-16 kept its announced late hours although the exam moved to 11-23. */
export const COLLEGE_EXAM_DAYS: ReadonlyArray<TradeDate> = ([
  "2010-11-18", "2011-11-10", "2012-11-08", "2013-11-07", "2014-11-13", "2015-11-12", "2016-11-17", "2017-11-16",
  "2017-11-23", "2018-11-15", "2019-11-14", "2020-12-03", "2021-11-18", "2022-11-17", "2023-11-16", "2024-11-14",
  "2025-11-13", "2026-11-19"
] as const).map(tradeDate)

/** Everything that decides a day's sessions; override any part (e.g. a new KRX timetable from its start date). */
export interface SessionRules {
  /** Normal-day tables with the date each takes effect, ascending. */
  readonly tables: ReadonlyArray<{ readonly from: string; readonly table: SessionTable }>
  /** The first trading day of a year opens an hour late (opening ceremony); the close is unchanged. */
  readonly firstTradingDayOfYear: SessionShift
  /** The exam day opens and closes an hour late; after-hours still ends at 18:00. */
  readonly examDay: SessionShift
  readonly examDays: ReadonlySet<string>
}

export const KRX_SESSION_RULES: SessionRules = {
  tables: [
    { from: "0000-01-01", table: SESSIONS_BEFORE_2016_08_01 },
    { from: "2016-08-01", table: SESSIONS_SINCE_2016_08_01 }
  ],
  firstTradingDayOfYear: { openDelayMinutes: 60, closeDelayMinutes: 0, keepDayEnd: false },
  examDay: { openDelayMinutes: 60, closeDelayMinutes: 60, keepDayEnd: true },
  examDays: new Set(COLLEGE_EXAM_DAYS)
}

const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/
const MARKET_PHASES: ReadonlyArray<string> = SessionPhase.literals.filter((p) => p !== "closed")

const secondsOf = (hhmmss: string): number => {
  const m = TIME_RE.exec(hhmmss)!
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0)
}

/** Validates a session table from configuration: known phases, well-formed times, start before end. */
export const makeSessionTable = (windows: unknown, field = "session table"): Either.Either<SessionTable, InvalidDomainValue> => {
  if (!Array.isArray(windows) || windows.length === 0) {
    return Either.left(new InvalidDomainValue({ field, value: showValue(windows), rule: "must be a non-empty list of windows" }))
  }
  for (const [i, w] of (windows as ReadonlyArray<Partial<Record<keyof SessionWindow, unknown>>>).entries()) {
    const bad = (rule: string) => Either.left(new InvalidDomainValue({ field: `${field}[${i}]`, value: showValue(w), rule }))
    if (typeof w !== "object" || w === null) return bad("must be { phase, start, end }")
    if (!MARKET_PHASES.includes(w.phase as string)) return bad(`phase must be one of ${MARKET_PHASES.join(", ")}`)
    if (typeof w.start !== "string" || !TIME_RE.test(w.start)) return bad("start must be HH:MM or HH:MM:SS")
    if (typeof w.end !== "string" || !TIME_RE.test(w.end)) return bad("end must be HH:MM or HH:MM:SS")
    if (secondsOf(w.start) >= secondsOf(w.end)) return bad("start must be before end")
  }
  if (!windows.some((w: SessionWindow) => w.phase === "regular")) {
    return Either.left(new InvalidDomainValue({ field, value: showValue(windows), rule: "needs a regular window" }))
  }
  return Either.right(windows as SessionTable)
}

/** Which kind of day a date is for the session rules. */
export type DayKind = "closed" | "normal" | "first-trading-day-of-year" | "exam-day"

/** A phase over the UTC instants [start, end). */
export interface ScheduledWindow {
  readonly phase: MarketPhase
  readonly start: Instant
  readonly end: Instant
}

export interface SessionSchedule {
  readonly date: TradeDate
  readonly kind: DayKind
  /** In the table's precedence order; empty on a closed day. */
  readonly windows: ReadonlyArray<ScheduledWindow>
}

const NO_SHIFT: SessionShift = { openDelayMinutes: 0, closeDelayMinutes: 0, keepDayEnd: false }

const tableOn = (date: TradeDate, rules: SessionRules): SessionTable => {
  let table = rules.tables[0]?.table ?? []
  for (const t of rules.tables) {
    if (date >= t.from) table = t.table
    else break
  }
  return table
}

const dayKindOf = (date: TradeDate, calendar: TradingCalendar, rules: SessionRules): DayKind => {
  if (!calendar.isTradingDay(date)) return "closed"
  if (rules.examDays.has(date)) return "exam-day"
  if (calendar.isFirstTradingDayOf(date, "year")) return "first-trading-day-of-year"
  return "normal"
}

/** The session windows of a date: empty on a day the calendar says is closed. */
export const sessionScheduleFor = (
  date: TradeDate,
  calendar: TradingCalendar = KRX_CALENDAR,
  rules: SessionRules = KRX_SESSION_RULES
): SessionSchedule => {
  const kind = dayKindOf(date, calendar, rules)
  if (kind === "closed") return { date, kind, windows: [] }
  const shift = kind === "exam-day" ? rules.examDay : kind === "first-trading-day-of-year" ? rules.firstTradingDayOfYear : NO_SHIFT
  const table = tableOn(date, rules)
  const regularStart = secondsOf(table.find((w) => w.phase === "regular")?.start ?? "00:00")
  const dayEnd = Math.max(...table.map((w) => secondsOf(w.end)))
  const midnight = kstInstant(date)
  const at = (hhmmss: string): Instant => {
    const s = secondsOf(hhmmss)
    const moved = shift.keepDayEnd && s === dayEnd ? s
      : s + 60 * (s <= regularStart ? shift.openDelayMinutes : shift.closeDelayMinutes)
    return (midnight + moved * 1000) as Instant
  }
  return { date, kind, windows: table.map((w) => ({ phase: w.phase, start: at(w.start), end: at(w.end) })) }
}

/** Every phase in force at an instant (overlapping windows), in precedence order. */
export const activePhasesAt = (
  instant: Instant,
  calendar: TradingCalendar = KRX_CALENDAR,
  rules: SessionRules = KRX_SESSION_RULES
): ReadonlyArray<MarketPhase> =>
  sessionScheduleFor(kstDateOf(instant), calendar, rules).windows
    .filter((w) => instant >= w.start && instant < w.end)
    .map((w) => w.phase)

/** The phase at an instant: the first window containing it, or "closed" (always on non-trading days). */
export const phaseAt = (
  instant: Instant,
  calendar: TradingCalendar = KRX_CALENDAR,
  rules: SessionRules = KRX_SESSION_RULES
): SessionPhase => activePhasesAt(instant, calendar, rules)[0] ?? "closed"

/** The window of one phase on a schedule, if the day has it. */
export const windowOf = (schedule: SessionSchedule, phase: MarketPhase): ScheduledWindow | undefined =>
  schedule.windows.find((w) => w.phase === phase)

/** Whether KRX accepts orders in a phase (each open phase accepts its own order kinds; closed accepts none). */
export const isOrderEntryOpen = (phase: SessionPhase): boolean => phase !== "closed"
