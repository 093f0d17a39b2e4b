// Hand parsers for the numbers and dates of history files, working on bytes: the hot path of loading millions
// of bars. They accept exactly what the Schemas of kisWire.ts accept (property-tested against them).
import type { TradeDate } from "../../domain/Time.js"

const utf8 = new TextEncoder()

/**
 * The whole number written in `b[from, to)`: digits with an optional leading "-" and an optional all-zero
 * fraction ("123", "-5", "26799.0" as pandas writes integer columns that held a NaN). Anything else, or a
 * value beyond the safe-integer range -> undefined.
 */
export const wholeNumberAt = (b: Uint8Array, from: number, to: number): number | undefined => {
  let i = from
  const negative = i < to && b[i] === 45 /* - */
  if (negative) i++
  const digitsFrom = i
  let value = 0
  for (; i < to; i++) {
    const c = b[i]! - 48
    if (c < 0 || c > 9) break
    value = value * 10 + c
  }
  const digitsTo = i
  if (digitsTo === digitsFrom) return undefined
  if (i < to) {
    if (b[i] !== 46 /* . */ || i === to - 1) return undefined
    for (i++; i < to; i++) if (b[i] !== 48 /* 0 */) return undefined
  }
  if (digitsTo - digitsFrom > 15 && !Number.isSafeInteger(value)) return undefined
  return negative ? -value : value
}

/** `wholeNumberAt` over a whole string (non-ASCII characters never count as digits). */
export const parseWholeNumber = (s: string): number | undefined => {
  const b = utf8.encode(s)
  return wholeNumberAt(b, 0, b.length)
}

/**
 * A KIS amount in 억원 (10^8 won) as a decimal string ("2589355.00", "-12.5", "8975") converted exactly to
 * integer won. At most 8 decimals (1 won). Anything else -> undefined.
 */
export const parseEokToWon = (s: string): number | undefined => {
  const m = /^(-?)(\d+)(?:\.(\d{1,8}))?$/.exec(s)
  if (m === null) return undefined
  const whole = Number(m[2]) * 1e8 + Number((m[3] ?? "").padEnd(8, "0"))
  if (!Number.isSafeInteger(whole)) return undefined
  return m[1] === "-" ? -whole : whole
}

const DASHED = /^(\d{4})-(\d{2})-(\d{2})$/
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/

/** `YYYY-MM-DD` or `YYYYMMDD` (KIS) naming a real calendar date -> `YYYY-MM-DD`; anything else -> undefined. */
export const parseDate = (s: string): TradeDate | undefined => {
  const m = DASHED.exec(s) ?? COMPACT.exec(s)
  if (m === null) return undefined
  const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3])
  const t = new Date(Date.UTC(y, mo - 1, d))
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return undefined
  return `${m[1]}-${m[2]}-${m[3]}` as TradeDate
}

const digitsAt = (b: Uint8Array, from: number, n: number): number => {
  let v = 0
  for (let i = from; i < from + n; i++) {
    const c = b[i]! - 48
    if (c < 0 || c > 9) return -1
    v = v * 10 + c
  }
  return v
}

/** `YYYYMMDD` or `YYYY-MM-DD` in `b[from, to)` as the number yyyymmdd (not yet checked to be a real date), else -1. */
const ymdAt = (b: Uint8Array, from: number, to: number): number => {
  if (to - from === 8) return digitsAt(b, from, 8)
  if (to - from !== 10 || b[from + 4] !== 45 || b[from + 7] !== 45) return -1
  const y = digitsAt(b, from, 4), m = digitsAt(b, from + 5, 2), d = digitsAt(b, from + 8, 2)
  return y < 0 || m < 0 || d < 0 ? -1 : y * 10000 + m * 100 + d
}

/**
 * Dates of one load. Histories repeat the same few thousand dates across symbols, so each distinct date is
 * validated once and every column shares one string per date.
 */
export interface DateCache {
  /** The date written in `b[from, to)` (`YYYYMMDD` or `YYYY-MM-DD`), or undefined when it is not a real date. */
  readonly at: (b: Uint8Array, from: number, to: number) => TradeDate | undefined
}

export const makeDateCache = (): DateCache => {
  const seen = new Map<number, TradeDate | null>()
  return {
    at: (b, from, to) => {
      const ymd = ymdAt(b, from, to)
      if (ymd < 0) return undefined
      const hit = seen.get(ymd)
      if (hit !== undefined) return hit ?? undefined
      const parsed = parseDate(String(ymd).padStart(8, "0"))
      seen.set(ymd, parsed ?? null)
      return parsed
    }
  }
}
