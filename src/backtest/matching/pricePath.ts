// Price paths the matching engine fills orders against: a sequence of traded prices with the volume at each.
// A backtest derives a four-point path from a daily bar; a simulator may feed a finer intraday path.
import type { Instrument } from "../../domain/Market.js"
import { priceBand } from "../../domain/krx/priceBand.js"
import { tickSize } from "../../domain/krx/tick.js"
import type { Won } from "../../domain/Money.js"
import type { TradeDate } from "../../domain/Time.js"

/** Traded prices in time order and the shares traded at each point. */
export interface PricePath {
  readonly prices: ArrayLike<number>
  readonly volumes: ArrayLike<number>
}

/**
 * The pessimistic path of a daily bar for a long book: open, low, high, close. Visiting the low before the
 * high means a stop-loss and a take-profit reached on the same bar resolve as the stop-loss. The bar's volume
 * is spread evenly over the four points (only the total matters to the volume cap).
 */
export const barPath = (open: number, high: number, low: number, close: number, volume: number): PricePath =>
  writeBarPath({ prices: new Array<number>(4), volumes: new Array<number>(4) }, open, high, low, close, volume)

/** `barPath` written into a caller's four-point buffers (a backtest reuses one per order it matches). */
export const writeBarPath = <P extends { readonly prices: Array<number> | Float64Array; readonly volumes: Array<number> | Float64Array }>(
  path: P, open: number, high: number, low: number, close: number, volume: number
): P => {
  const v = volume / 4
  path.prices[0] = open
  path.prices[1] = low
  path.prices[2] = high
  path.prices[3] = close
  path.volumes[0] = path.volumes[1] = path.volumes[2] = path.volumes[3] = v
  return path
}

/** A single-point path: the close of a bar, carrying the bar's whole volume (same-bar close fills). */
export const closePath = (close: number, volume: number): PricePath => ({ prices: [close], volumes: [volume] })

export const pathVolume = (path: PricePath): number => {
  let v = 0
  for (let i = 0; i < path.volumes.length; i++) v += path.volumes[i]!
  return v
}

/** Whether a bar (or a finer period) traded only at its upper or lower price limit: nobody could buy, or sell. */
export interface LimitLock {
  readonly lockedUp: boolean
  readonly lockedDown: boolean
}

export const NOT_LOCKED: LimitLock = { lockedUp: false, lockedDown: false }

/** KRX widened the daily band from ±15 % to ±30 % on 2015-06-15. */
export const bandPctOn = (date: TradeDate): number => (date < "2015-06-15" ? 15 : 30)

/**
 * Detects a bar locked at a price limit: it traded at one price only, and that price is at the band computed
 * from the previous close. Split-adjusted history is off the tick ladder by rounding, so the price counts as at
 * the limit when within one tick or 0.5 % of it.
 */
export const limitLockOf = (
  high: number,
  low: number,
  previousClose: number | undefined,
  instrument: Instrument,
  date: TradeDate
): LimitLock => {
  if (previousClose === undefined || !(previousClose > 0) || high !== low) return NOT_LOCKED
  const band = priceBand(Math.round(previousClose) as Won, instrument, date, bandPctOn(date))
  const tolerance = (limit: number) => Math.max(tickSize(limit, instrument, date), limit * 0.005)
  return {
    lockedUp: high > previousClose && high >= band.upper - tolerance(band.upper),
    lockedDown: low < previousClose && low <= band.lower + tolerance(band.lower)
  }
}
