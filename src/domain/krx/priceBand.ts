// Daily price limits (가격제한폭): ±30 % of the base price, the width rounded down to the base price's tick,
// an off-grid upper limit rounded down and an off-grid lower limit rounded up (KIS-API.md §14.3).
import type { Instrument } from "../Market.js"
import type { Won } from "../Money.js"
import type { TradeDate } from "../Time.js"
import { isOnTick, roundDownToTick, roundUpToTick, tickSize } from "./tick.js"

export interface PriceBand {
  readonly base: Won
  readonly lower: Won
  readonly upper: Won
}

/** The band width as a fraction of the base price, in hundredths (30 = ±30 %). */
export const DEFAULT_BAND_PCT = 30

export const priceBand = (base: Won, instrument: Instrument, date: TradeDate, bandPct = DEFAULT_BAND_PCT): PriceBand => {
  const t = tickSize(base, instrument, date)
  const width = Math.floor(Math.floor((base * bandPct) / 100) / t) * t
  const rawUpper = base + width
  const rawLower = Math.max(1, base - width)
  const upper = isOnTick(rawUpper, instrument, date) ? rawUpper : roundDownToTick(rawUpper, instrument, date)
  const lower = isOnTick(rawLower, instrument, date) ? rawLower : roundUpToTick(rawLower, instrument, date)
  return { base, lower: Math.min(lower, base) as Won, upper: Math.max(upper, base) as Won }
}

export const withinBand = (price: number, band: PriceBand): boolean => price >= band.lower && price <= band.upper
