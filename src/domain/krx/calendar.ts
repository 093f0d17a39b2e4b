// The KRX trading calendar: which dates the market is open, stepping by trading days, T+2 settlement and
// period ends for strategy schedules. Arrays are precomputed over the covered years so every query is O(1) there.
import { Either } from "effect"
import { InvalidDomainValue, showValue } from "../errors.js"
import { addDays, dayOfWeek, fromKisDate, type TradeDate } from "../Time.js"
import { CLOSURE_TABLE_FIRST_YEAR, CLOSURE_TABLE_LAST_YEAR, type ClosureReason, KRX_WEEKDAY_CLOSURES } from "./holidays.js"

/** Calendar periods a strategy schedule can key on. */
export type CalendarPeriod = "week" | "month" | "quarter" | "year"

/** The dates a calendar decides from its table; see `TradingCalendar.coverage`. */
export interface CalendarCoverage {
  readonly first: TradeDate
  readonly last: TradeDate
}

/** What a calendar is built from, kept on it so it can be extended (`extendWithHolidayCheck`). */
export interface CalendarSpec {
  readonly coverage: CalendarCoverage
  /** Weekdays the market is closed, with reasons. */
  readonly closures: ReadonlyMap<TradeDate, ReadonlyArray<ClosureReason>>
  /** Dates confirmed open that every rule yields to (a weekend session, a KIS `opnd_yn = "Y"`). */
  readonly confirmedOpen: ReadonlySet<TradeDate>
}

/**
 * A trading calendar. Inside `coverage` it knows every closure. Outside it, it assumes weekends and the
 * fixed-date closures only (1/1, 3/1, 5/1, 5/5, 6/6, 8/15, 10/3, 10/9 from 2013, 7/17 until 2007 and from 2026,
 * 12/25, and the year-end closing day); lunar holidays, elections and substitute or temporary holidays
 * outside the table are unknown, so extend it with KIS `chk-holiday` rows before relying on such dates.
 */
export interface TradingCalendar extends CalendarSpec {
  readonly isTradingDay: (date: TradeDate) => boolean
  /** Why a weekday is closed; empty for trading days and weekends. */
  readonly closureReasons: (date: TradeDate) => ReadonlyArray<ClosureReason>
  /** The first trading day strictly after `date`. */
  readonly nextTradingDay: (date: TradeDate) => TradeDate
  /** The last trading day strictly before `date`. */
  readonly previousTradingDay: (date: TradeDate) => TradeDate
  /**
   * The n-th trading day after (n > 0) or before (n < 0) `date`; n = 0 gives `date` itself when it is a
   * trading day, else the next one. Throws `InvalidDomainValue` for a non-integer n (a programming error).
   */
  readonly addTradingDays: (date: TradeDate, n: number) => TradeDate
  /** Every trading day in [from, to], ascending; empty when from > to. */
  readonly tradingDaysBetween: (from: TradeDate, to: TradeDate) => ReadonlyArray<TradeDate>
  /** KRX settles on T+2 trading days; the year-end closing day is not a settlement day either. */
  readonly settlementDate: (tradeDate: TradeDate) => TradeDate
  readonly isFirstTradingDayOf: (date: TradeDate, period: CalendarPeriod) => boolean
  readonly isLastTradingDayOf: (date: TradeDate, period: CalendarPeriod) => boolean
  readonly isLastTradingDayOfWeek: (date: TradeDate) => boolean
  readonly isLastTradingDayOfMonth: (date: TradeDate) => boolean
  readonly isLastTradingDayOfQuarter: (date: TradeDate) => boolean
}

const FIXED_DATE_CLOSURES: ReadonlyMap<string, ClosureReason> = new Map<string, ClosureReason>([
  ["01-01", "new-year"],
  ["03-01", "independence-movement-day"],
  ["05-01", "labour-day"],
  ["05-05", "childrens-day"],
  ["06-06", "memorial-day"],
  ["08-15", "liberation-day"],
  ["10-03", "national-foundation-day"],
  ["12-25", "christmas"]
])

/** The closure a weekday outside the table gets from fixed-date rules alone. */
const fixedDateClosure = (date: TradeDate, weekday: number): ClosureReason | undefined => {
  const monthDay = date.slice(5)
  const year = Number(date.slice(0, 4))
  const fixed = FIXED_DATE_CLOSURES.get(monthDay)
  if (fixed !== undefined) return fixed
  if (monthDay === "10-09" && year >= 2013) return "hangul-day"
  if (monthDay === "07-17" && (year <= 2007 || year >= 2026)) return "constitution-day"
  // 12/31, or the Friday before it when it falls on a weekend
  if (monthDay === "12-31" || (weekday === 5 && (monthDay === "12-29" || monthDay === "12-30"))) return "year-end-closing"
  return undefined
}

const isWeekend = (weekday: number): boolean => weekday === 0 || weekday === 6

const PERIOD_BITS: Readonly<Record<CalendarPeriod, number>> = { week: 1, month: 2, quarter: 4, year: 8 }
const PERIODS: ReadonlyArray<CalendarPeriod> = ["week", "month", "quarter", "year"]

const DAY_MS = 86_400_000
const dayNumber = (date: TradeDate): number => Date.parse(`${date}T00:00:00Z`) / DAY_MS

/** A key equal for two dates exactly when they fall in the same period (weeks run Monday to Sunday). */
const periodKey = (date: TradeDate, period: CalendarPeriod): string | number => {
  switch (period) {
    case "year":
      return date.slice(0, 4)
    case "month":
      return date.slice(0, 7)
    case "quarter":
      return `${date.slice(0, 4)}Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3)}`
    case "week":
      return dayNumber(date) - ((dayOfWeek(date) + 6) % 7)
  }
}

/** Builds a calendar and precomputes its lookups over the coverage. */
export const makeTradingCalendar = (spec: CalendarSpec): TradingCalendar => {
  const { coverage, closures, confirmedOpen } = spec

  const ruleSaysOpen = (date: TradeDate, inCoverage: boolean): boolean => {
    if (confirmedOpen.has(date)) return true
    const weekday = dayOfWeek(date)
    if (isWeekend(weekday) || closures.has(date)) return false
    return inCoverage || fixedDateClosure(date, weekday) === undefined
  }

  // offset of each covered date, its open flag, and how many trading days precede it
  const offsetOf = new Map<string, number>()
  const openFlags: Array<number> = []
  const tradingBeforeList: Array<number> = []
  const tradingDays: Array<TradeDate> = []
  for (let d = coverage.first, i = 0; d <= coverage.last; d = addDays(d, 1), i++) {
    offsetOf.set(d, i)
    tradingBeforeList.push(tradingDays.length)
    const open = ruleSaysOpen(d, true)
    openFlags.push(open ? 1 : 0)
    if (open) tradingDays.push(d)
  }
  const isOpenAt = Uint8Array.from(openFlags)
  const tradingBefore = Int32Array.from(tradingBeforeList)

  const isTradingDay = (date: TradeDate): boolean => {
    const i = offsetOf.get(date)
    return i === undefined ? ruleSaysOpen(date, false) : isOpenAt[i] === 1
  }

  const stepUntilOpen = (date: TradeDate, direction: 1 | -1): TradeDate => {
    let d = addDays(date, direction)
    while (!isTradingDay(d)) d = addDays(d, direction)
    return d
  }

  const nextTradingDay = (date: TradeDate): TradeDate => {
    const i = offsetOf.get(date)
    if (i !== undefined) {
      const found = tradingDays[tradingBefore[i]! + isOpenAt[i]!]
      if (found !== undefined) return found
    }
    return stepUntilOpen(date, 1)
  }

  const previousTradingDay = (date: TradeDate): TradeDate => {
    const i = offsetOf.get(date)
    if (i !== undefined) {
      const found = tradingDays[tradingBefore[i]! - 1]
      if (found !== undefined) return found
    }
    return stepUntilOpen(date, -1)
  }

  const addTradingDays = (date: TradeDate, n: number): TradeDate => {
    if (!Number.isSafeInteger(n)) {
      throw new InvalidDomainValue({ field: "trading-day count", value: showValue(n), rule: "must be an integer" })
    }
    if (n === 0) return isTradingDay(date) ? date : nextTradingDay(date)
    const i = offsetOf.get(date)
    if (i !== undefined) {
      const found = tradingDays[n > 0 ? tradingBefore[i]! + isOpenAt[i]! - 1 + n : tradingBefore[i]! + n]
      if (found !== undefined) return found
    }
    let d = date
    for (let k = 0; k < Math.abs(n); k++) d = n > 0 ? nextTradingDay(d) : previousTradingDay(d)
    return d
  }

  const tradingDaysBetween = (from: TradeDate, to: TradeDate): ReadonlyArray<TradeDate> => {
    if (from > to) return []
    const i = offsetOf.get(from), j = offsetOf.get(to)
    if (i !== undefined && j !== undefined) return tradingDays.slice(tradingBefore[i]!, tradingBefore[j]! + isOpenAt[j]!)
    const out: Array<TradeDate> = []
    for (let d = addTradingDays(from, 0); d <= to; d = nextTradingDay(d)) out.push(d)
    return out
  }

  const computeIsLast = (date: TradeDate, period: CalendarPeriod): boolean =>
    isTradingDay(date) && periodKey(nextTradingDay(date), period) !== periodKey(date, period)
  const computeIsFirst = (date: TradeDate, period: CalendarPeriod): boolean =>
    isTradingDay(date) && periodKey(previousTradingDay(date), period) !== periodKey(date, period)

  // bits per covered date: low nibble = last of week/month/quarter/year, high nibble = first of them;
  // built on first use, since most calendars (tests, extensions) never ask
  let periodFlags: Uint8Array | undefined
  const buildPeriodFlags = (): Uint8Array => {
    const flags = new Uint8Array(isOpenAt.length)
    const n = tradingDays.length
    for (const p of PERIODS) {
      const bit = PERIOD_BITS[p]
      let key = n > 0 ? periodKey(previousTradingDay(tradingDays[0]!), p) : ""
      for (let k = 0; k <= n; k++) {
        const day = k < n ? tradingDays[k]! : nextTradingDay(tradingDays[n - 1]!)
        const dayKey = periodKey(day, p)
        if (dayKey !== key) {
          if (k > 0) flags[offsetOf.get(tradingDays[k - 1]!)!]! |= bit
          if (k < n) flags[offsetOf.get(day)!]! |= bit << 4
        }
        key = dayKey
      }
    }
    return flags
  }
  const hasPeriodFlag = (date: TradeDate, bit: number, compute: () => boolean): boolean => {
    const i = offsetOf.get(date)
    if (i === undefined) return compute()
    periodFlags ??= buildPeriodFlags()
    return (periodFlags[i]! & bit) !== 0
  }
  const isLastTradingDayOf = (date: TradeDate, period: CalendarPeriod): boolean =>
    hasPeriodFlag(date, PERIOD_BITS[period], () => computeIsLast(date, period))
  const isFirstTradingDayOf = (date: TradeDate, period: CalendarPeriod): boolean =>
    hasPeriodFlag(date, PERIOD_BITS[period] << 4, () => computeIsFirst(date, period))

  const closureReasons = (date: TradeDate): ReadonlyArray<ClosureReason> => {
    if (confirmedOpen.has(date)) return []
    const listed = closures.get(date)
    if (listed !== undefined) return listed
    const weekday = dayOfWeek(date)
    if (offsetOf.has(date) || isWeekend(weekday)) return []
    const fixed = fixedDateClosure(date, weekday)
    return fixed === undefined ? [] : [fixed]
  }

  return {
    coverage,
    closures,
    confirmedOpen,
    isTradingDay,
    closureReasons,
    nextTradingDay,
    previousTradingDay,
    addTradingDays,
    tradingDaysBetween,
    settlementDate: (tradeDate) => addTradingDays(tradeDate, 2),
    isFirstTradingDayOf,
    isLastTradingDayOf,
    isLastTradingDayOfWeek: (date) => isLastTradingDayOf(date, "week"),
    isLastTradingDayOfMonth: (date) => isLastTradingDayOf(date, "month"),
    isLastTradingDayOfQuarter: (date) => isLastTradingDayOf(date, "quarter")
  }
}

/** The KRX calendar from the closure table (2010-01-01 … 2026-12-31). */
export const KRX_CALENDAR: TradingCalendar = makeTradingCalendar({
  coverage: {
    first: `${CLOSURE_TABLE_FIRST_YEAR}-01-01` as TradeDate,
    last: `${CLOSURE_TABLE_LAST_YEAR}-12-31` as TradeDate
  },
  closures: new Map(KRX_WEEKDAY_CLOSURES.map((c) => [c.date, c.reasons])),
  confirmedOpen: new Set()
})

/** One row of KIS `chk-holiday` (CTCA0903R) as far as the calendar needs it; other fields are ignored. */
export interface HolidayCheckRow {
  readonly bass_dt: string
  /** "Y" when the market opens that day: the field KIS says decides whether orders are possible. */
  readonly opnd_yn: string
}

/**
 * A calendar with KIS `chk-holiday` rows applied: each row's `opnd_yn` overrides the table for its date, and
 * rows that continue the coverage without a gap (KIS lists consecutive calendar days) extend it.
 */
export const extendWithHolidayCheck = (
  calendar: TradingCalendar,
  rows: ReadonlyArray<HolidayCheckRow>
): Either.Either<TradingCalendar, InvalidDomainValue> => {
  const closures = new Map(calendar.closures)
  const confirmedOpen = new Set(calendar.confirmedOpen)
  const rowDates = new Set<TradeDate>()
  for (const [index, row] of rows.entries()) {
    const parsed = fromKisDate(row.bass_dt, `chk-holiday row ${index} bass_dt`)
    if (Either.isLeft(parsed)) return Either.left(parsed.left)
    const date = parsed.right
    if (row.opnd_yn === "Y") {
      closures.delete(date)
      confirmedOpen.add(date)
    } else if (row.opnd_yn === "N") {
      confirmedOpen.delete(date)
      const weekday = dayOfWeek(date)
      if (!isWeekend(weekday) && !closures.has(date)) closures.set(date, [fixedDateClosure(date, weekday) ?? "announced-closure"])
    } else {
      return Either.left(new InvalidDomainValue({
        field: `chk-holiday row ${index} (${row.bass_dt}) opnd_yn`,
        value: showValue(row.opnd_yn),
        rule: "must be \"Y\" or \"N\""
      }))
    }
    rowDates.add(date)
  }
  let { first, last } = calendar.coverage
  while (rowDates.has(addDays(last, 1))) last = addDays(last, 1)
  while (rowDates.has(addDays(first, -1))) first = addDays(first, -1)
  return Either.right(makeTradingCalendar({ coverage: { first, last }, closures, confirmedOpen }))
}
