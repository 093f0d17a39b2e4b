// Financial statements as the engine and strategies use them: one row per fiscal period, amounts in won,
// with the date from which the statement may be known (point-in-time use, no look-ahead).
import { Schema } from "effect"
import { Ticker } from "./Money.js"
import { TradeDate } from "./Time.js"

/** `annual` statements cover a fiscal year; `quarter` statements a single three-month quarter (not year-to-date). */
export const PeriodType = Schema.Literal("annual", "quarter")
export type PeriodType = typeof PeriodType.Type

const Amount = Schema.optional(Schema.Number) // won; absent when the source has no value (KIS "99.99")

export const FinancialStatement = Schema.Struct({
  ticker: Ticker,
  periodType: PeriodType,
  /** Last day of the fiscal period (KIS `stac_yymm` month end). */
  periodEnd: TradeDate,
  /** First day the statement may be used: the actual filing date, or period end + the configured lag. */
  availableFrom: TradeDate,
  /** True when `availableFrom` is a real filing date rather than an estimate. */
  filingDateKnown: Schema.Boolean,
  revenue: Amount,
  operatingIncome: Amount,
  netIncome: Amount,
  totalAssets: Amount,
  currentAssets: Amount,
  totalLiabilities: Amount,
  currentLiabilities: Amount,
  /** Non-current (long-term) liabilities. */
  longTermLiabilities: Amount,
  totalEquity: Amount,
  sharesOutstanding: Amount,
  /** Dividend per share for the period, won. */
  dividendPerShare: Amount
})
export type FinancialStatement = typeof FinancialStatement.Type
