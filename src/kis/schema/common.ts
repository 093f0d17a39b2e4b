// Wire-value schemas shared by the KIS REST mappers and the realtime records: every KIS value is a string, and
// numbers must be plain decimal text ("71900", "-100", "000003190", "0.31"): "0x10", "1e3", " 1", "NaN" are refused,
// unlike Schema.NumberFromString alone. Integers for won and shares, finite decimals where KIS sends them.
import { Either, ParseResult, Schema } from "effect"
import { Qty, Ticker, Won } from "../../domain/Money.js"
import { fromKisDate, toKisDate, TradeDate } from "../../domain/Time.js"

const IntegerText = Schema.String.pipe(Schema.pattern(/^[+-]?\d+$/, { message: () => "expected an integer" }))
const DecimalText = Schema.String.pipe(Schema.pattern(/^[+-]?\d+(\.\d+)?$/, { message: () => "expected a decimal number" }))

/** Integer won, e.g. "71900", "-100", "000003190"; rejects "", "NaN", "1.5", "1e3". */
export const WonFromString = Schema.compose(Schema.compose(IntegerText, Schema.NumberFromString), Won)
/** Whole shares, e.g. "0000000001"; rejects "", "NaN", "1.5", "-1". */
export const QtyFromString = Schema.compose(Schema.compose(IntegerText, Schema.NumberFromString), Qty)
/** A decimal ("54388.4874", "0.31", "-0.14"); rejects "", "NaN", "Infinity", "1e3". */
export const DecimalFromString = Schema.compose(DecimalText, Schema.NumberFromString)
/** A decimal amount rounded to integer won, for amounts KIS sends with a fraction ("248750.0000"). */
export const WonFromDecimalString = Schema.transform(DecimalFromString, Won, {
  strict: true,
  decode: (n) => Math.round(n),
  encode: (n) => n
})
/** A KIS date `YYYYMMDD` (a real calendar date) as a TradeDate `YYYY-MM-DD`, and back. */
export const TradeDateFromKis = Schema.transformOrFail(Schema.String.pipe(Schema.pattern(/^\d{8}$/, { message: () => "expected a date YYYYMMDD" })), Schema.typeSchema(TradeDate), {
  strict: true,
  decode: (s, _, ast) => Either.mapLeft(fromKisDate(s), (e) => new ParseResult.Type(ast, s, e.message)),
  encode: (d) => ParseResult.succeed(toKisDate(d))
})
/** KST wall-clock time `HHMMSS` as KIS sends it (the date comes from elsewhere). */
export const KstClockTime = Schema.String.pipe(
  Schema.pattern(/^([01]\d|2[0-3])[0-5]\d[0-5]\d$/, { message: () => "expected a KST time HHMMSS" }),
  Schema.brand("KstClockTime")
)
export type KstClockTime = typeof KstClockTime.Type
/** A KRX short code as KIS sends it (sometimes padded with spaces). */
export const TickerFromKis = Schema.compose(Schema.Trim, Ticker)
