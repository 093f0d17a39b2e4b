// The intraday price path kis-sim replays for one symbol on one trading day, derived from its daily bar: the opening
// auction at the open, one trade a minute through both extremes, and the closing auction at the close. Pure.
import type { Instrument } from "../domain/Market.js"
import { roundToTick } from "../domain/krx/tick.js"
import { type SessionSchedule, windowOf } from "../domain/krx/sessions.js"
import type { Instant, TradeDate } from "../domain/Time.js"
import type { PricePath } from "../backtest/matching/pricePath.js"

/** A day's path: the matching engine's PricePath plus the instant of each point. */
export interface IntradayPath extends PricePath {
  readonly prices: Float64Array
  readonly volumes: Float64Array
  /** UTC instant of each point, ascending. */
  readonly times: Float64Array
  /** Index of the closing-auction point (the last one). */
  readonly closingAuctionIndex: number
}

export interface DailyBar {
  readonly open: number
  readonly high: number
  readonly low: number
  readonly close: number
  readonly volume: number
}

/** Shares of the day's volume traded in the opening and closing auctions; the rest spreads over the minutes. */
export const OPENING_AUCTION_SHARE = 0.05
export const CLOSING_AUCTION_SHARE = 0.1
const MINUTE_MS = 60_000

/**
 * The path of `bar` on `schedule`'s day. Continuous trading has one point a minute from the regular start (the
 * opening-auction print at the open) to the last minute before the closing auction; the path visits the low first on
 * an up day (close ≥ open) and the high first otherwise, at one third and two thirds of the session, then drifts to
 * the close. Every price is on the tick ladder and inside [low, high]; the closing-auction point trades at the close.
 */
export const intradayPath = (bar: DailyBar, schedule: SessionSchedule, instrument: Instrument): IntradayPath => {
  const regular = windowOf(schedule, "regular")
  const closing = windowOf(schedule, "closing-auction")
  if (regular === undefined) throw new RangeError(`no regular session on ${schedule.date}`)
  const minutes = Math.max(1, Math.round((regular.end - regular.start) / MINUTE_MS))
  const n = minutes + 1
  const prices = new Float64Array(n), volumes = new Float64Array(n), times = new Float64Array(n)
  const up = bar.close >= bar.open
  const first = up ? bar.low : bar.high, second = up ? bar.high : bar.low
  const a = Math.floor(minutes / 3), b = Math.floor((2 * minutes) / 3), last = minutes - 1
  const anchors: ReadonlyArray<readonly [number, number]> = [[0, bar.open], [a, first], [b, second], [last, bar.close]]
  const date: TradeDate = schedule.date
  const continuousVolume = bar.volume * (1 - OPENING_AUCTION_SHARE - CLOSING_AUCTION_SHARE) / minutes
  let seg = 0
  for (let k = 0; k < minutes; k++) {
    while (seg < anchors.length - 2 && k > anchors[seg + 1]![0]) seg++
    const [k0, p0] = anchors[seg]!, [k1, p1] = anchors[seg + 1]!
    const raw = k1 === k0 ? p1 : p0 + ((p1 - p0) * (k - k0)) / (k1 - k0)
    const onTick = k === 0 ? bar.open : k === last ? bar.close : roundToTick(raw, instrument, date)
    prices[k] = Math.min(bar.high, Math.max(bar.low, onTick))
    volumes[k] = continuousVolume + (k === 0 ? bar.volume * OPENING_AUCTION_SHARE : 0)
    times[k] = regular.start + k * MINUTE_MS
  }
  prices[minutes] = bar.close
  volumes[minutes] = bar.volume * CLOSING_AUCTION_SHARE
  times[minutes] = (closing?.end ?? regular.end) as Instant
  return { prices, volumes, times, closingAuctionIndex: minutes }
}

/** Index of the last point at or before `at`; -1 before the first. */
export const pointAt = (path: IntradayPath, at: number): number => {
  let lo = 0, hi = path.times.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (path.times[mid]! <= at) lo = mid + 1
    else hi = mid
  }
  return lo - 1
}
