// Market time of kis-sim: where a replay starts, how far a speed-driven clock moves for elapsed wall time (skipping
// nights, weekends and holidays straight to the next trading day's pre-open), and the admin clock's durations. Pure.
import { KRX_CALENDAR } from "../domain/krx/calendar.js"
import { sessionScheduleFor } from "../domain/krx/sessions.js"
import { type Instant, kstDateOf, kstInstant, type TradeDate } from "../domain/Time.js"

/** First and last instants of a trading day's sessions (08:30 and 18:00 on a normal day). */
export const sessionSpan = (date: TradeDate): { readonly start: Instant; readonly end: Instant } | undefined => {
  const windows = sessionScheduleFor(date, KRX_CALENDAR).windows
  if (windows.length === 0) return undefined
  return {
    start: Math.min(...windows.map((w) => w.start)) as Instant,
    end: Math.max(...windows.map((w) => w.end)) as Instant
  }
}

/** The pre-open of the first trading day on or after `date`. */
export const replayStart = (date: TradeDate): Instant => {
  const day = KRX_CALENDAR.isTradingDay(date) ? date : KRX_CALENDAR.nextTradingDay(date)
  return sessionSpan(day)?.start ?? kstInstant(day, "083000")
}

/**
 * Market time after `elapsedMs` of wall time at `speed` (market ms per wall ms). Past the day's last session the clock
 * jumps to the next trading day's first session (at most one day per step, so no trading day is skipped); it never
 * passes the end of `lastDate`'s sessions.
 */
export const advanceBySpeed = (now: Instant, elapsedMs: number, speed: number, lastDate: TradeDate): Instant => {
  const stop = sessionSpan(lastDate)?.end ?? kstInstant(lastDate, "180000")
  const t = Math.min(now + elapsedMs * speed, stop)
  const date = kstDateOf(now)
  const span = sessionSpan(date)
  if ((span === undefined || t >= span.end) && date < lastDate) {
    const next = KRX_CALENDAR.nextTradingDay(date)
    const start = sessionSpan(next)?.start
    if (next <= lastDate && start !== undefined) return Math.min(start, stop) as Instant
  }
  return t as Instant
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** "90s", "30m", "2h", "1d", "250ms" or a number of milliseconds; undefined when malformed. */
export const parseDuration = (u: unknown): number | undefined => {
  if (typeof u === "number") return Number.isFinite(u) && u >= 0 ? u : undefined
  if (typeof u !== "string") return undefined
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(u)
  return m === null ? undefined : Number(m[1]) * UNITS[m[2]!]!
}
