// Time: market dates are KST calendar dates (YYYY-MM-DD); instants inside the system are UTC epoch milliseconds.
import { Either, Schema } from "effect"
import { InvalidDomainValue, showValue } from "./errors.js"

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/

const isRealDate = (s: string): boolean => {
  const m = DATE_RE.exec(s)
  if (m === null) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const t = new Date(Date.UTC(y, mo - 1, d))
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d
}

/** A KST calendar date `YYYY-MM-DD` (a trading day or any other day on the Korean calendar). */
export const TradeDate = Schema.String.pipe(
  Schema.filter(isRealDate, { message: () => "expected a real calendar date YYYY-MM-DD" }),
  Schema.brand("TradeDate")
)
export type TradeDate = typeof TradeDate.Type

/** A UTC instant in epoch milliseconds. */
export const Instant = Schema.Number.pipe(Schema.int(), Schema.brand("Instant"))
export type Instant = typeof Instant.Type

export const makeTradeDate = (value: unknown, field = "date"): Either.Either<TradeDate, InvalidDomainValue> =>
  typeof value === "string" && isRealDate(value)
    ? Either.right(value as TradeDate)
    : Either.left(new InvalidDomainValue({ field, value: showValue(value), rule: "must be a calendar date YYYY-MM-DD" }))

/** Unchecked cast for a date string already validated. */
export const tradeDate = (s: string): TradeDate => s as TradeDate

/** KST is UTC+9 all year (Korea has no daylight saving time). */
export const KST_OFFSET_MS = 9 * 3600 * 1000
const DAY_MS = 86_400_000

/** The KST calendar date of a UTC instant. */
export const kstDateOf = (instant: number): TradeDate =>
  new Date(instant + KST_OFFSET_MS).toISOString().slice(0, 10) as TradeDate

/** The KST wall-clock time `HHMMSS` of a UTC instant. */
export const kstTimeOf = (instant: number): string => {
  const iso = new Date(instant + KST_OFFSET_MS).toISOString()
  return iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19)
}

/** `YYYYMMDD` (KIS wire form) ↔ `YYYY-MM-DD`. */
export const toKisDate = (date: TradeDate): string => date.replaceAll("-", "")
export const fromKisDate = (yyyymmdd: string, field = "YYYYMMDD date"): Either.Either<TradeDate, InvalidDomainValue> =>
  makeTradeDate(/^\d{8}$/.test(yyyymmdd) ? `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}` : yyyymmdd, field)

const digitAt = (s: string, i: number): number => s.charCodeAt(i) - 48

/**
 * Days from 1970-01-01 to a date, by arithmetic on its digits: no Date object and no allocation, for code that
 * counts days between many dates (round trips of a long backtest). Years are counted from March, so the leap day
 * falls at the end of one (the days-from-civil method).
 */
export const epochDayOf = (date: TradeDate): number => {
  const month = digitAt(date, 5) * 10 + digitAt(date, 6)
  const day = digitAt(date, 8) * 10 + digitAt(date, 9)
  const year = digitAt(date, 0) * 1000 + digitAt(date, 1) * 100 + digitAt(date, 2) * 10 + digitAt(date, 3) - (month <= 2 ? 1 : 0)
  const era = Math.floor(year / 400)
  const yearOfEra = year - era * 400
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  return era * 146_097 + dayOfEra - 719_468
}

/** The UTC instant of a KST wall-clock time on a date; `hhmmss` like "090000". */
export const kstInstant = (date: TradeDate, hhmmss = "000000"): Instant => {
  const h = digitAt(hhmmss, 0) * 10 + digitAt(hhmmss, 1)
  const mi = digitAt(hhmmss, 2) * 10 + digitAt(hhmmss, 3)
  const s = digitAt(hhmmss, 4) * 10 + digitAt(hhmmss, 5)
  return (epochDayOf(date) * DAY_MS + ((h * 60 + mi) * 60 + s) * 1000 - KST_OFFSET_MS) as Instant
}

/** Day of week of a calendar date, 0 = Sunday … 6 = Saturday. */
export const dayOfWeek = (date: TradeDate): number => new Date(`${date}T00:00:00Z`).getUTCDay()

/** Adds calendar days to a date. */
export const addDays = (date: TradeDate, days: number): TradeDate =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10) as TradeDate
