// Wire-value schemas shared by the KIS mappers: every KIS value is a string, so numbers are parsed with
// NumberFromString and then constrained (integers for won and shares, finite decimals where KIS sends them).
import { Schema } from "effect"
import { Qty, Ticker, Won } from "../../domain/Money.js"
import { TradeDate } from "../../domain/Time.js"

/** Integer won from a string: rejects "", "NaN", "1.5". */
export const WonFromString = Schema.compose(Schema.NumberFromString, Won)
/** Whole shares from a string: rejects "", "NaN", "1.5", "-1". */
export const QtyFromString = Schema.compose(Schema.NumberFromString, Qty)
/** A finite decimal ("54388.4874", "0.31"); rejects "", "NaN", "Infinity". */
export const DecimalFromString = Schema.compose(Schema.NumberFromString, Schema.Finite)
/** A decimal amount rounded to integer won, for amounts KIS sends with a fraction ("248750.0000"). */
export const WonFromDecimalString = Schema.transform(DecimalFromString, Won, {
  strict: true,
  decode: (n) => Math.round(n),
  encode: (n) => n
})
/** A KIS date `YYYYMMDD` as a TradeDate `YYYY-MM-DD`. */
export const TradeDateFromKis = Schema.transform(Schema.String.pipe(Schema.pattern(/^\d{8}$/)), TradeDate, {
  strict: true,
  decode: (s) => `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`,
  encode: (s) => s.replaceAll("-", "")
})
/** A KIS time of day `HHMMSS`. */
export const KisTime = Schema.String.pipe(Schema.pattern(/^([01]\d|2[0-3])[0-5]\d[0-5]\d$/))
/** A KRX short code as KIS sends it (sometimes padded with spaces). */
export const TickerFromKis = Schema.compose(Schema.Trim, Ticker)
