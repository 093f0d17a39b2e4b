// Daily bars and quotes: the price facts strategies and fill models read. Prices integer won, volume in shares.
import { Either, Schema } from "effect"
import { InvalidDomainValue, showValue } from "./errors.js"
import { Qty, Ticker, Won } from "./Money.js"
import { Instant, makeTradeDate, TradeDate } from "./Time.js"

export const Bar = Schema.Struct({
  date: TradeDate,
  open: Won,
  high: Won,
  low: Won,
  close: Won,
  volume: Qty
})
export type Bar = typeof Bar.Type

/** Checks a bar's own consistency: positive prices, low ≤ open, close ≤ high, non-negative volume. */
export const validateBar = (bar: Bar, where = "bar"): Either.Either<Bar, InvalidDomainValue> => {
  const bad = (rule: string) =>
    Either.left(new InvalidDomainValue({ field: where, value: showValue(bar), rule }))
  if (Either.isLeft(makeTradeDate(bar.date))) return bad(`date ${showValue(bar.date)} must be a calendar date YYYY-MM-DD`)
  const prices = [bar.open, bar.high, bar.low, bar.close]
  if (prices.some((p) => !Number.isSafeInteger(p) || p <= 0)) return bad("prices must be positive integers")
  if (!Number.isSafeInteger(bar.volume) || bar.volume < 0) return bad("volume must be a non-negative integer")
  if (bar.low > Math.min(bar.open, bar.close) || bar.high < Math.max(bar.open, bar.close)) {
    return bad("must satisfy low ≤ open, close ≤ high")
  }
  return Either.right(bar)
}

/** A point-in-time quote of one symbol. */
export const Quote = Schema.Struct({
  ticker: Ticker,
  price: Won,
  open: Won,
  high: Won,
  low: Won,
  volume: Qty,
  /** Base price of the day (normally the previous close); the ±30 % band is computed from it. */
  basePrice: Won,
  at: Instant
})
export type Quote = typeof Quote.Type
