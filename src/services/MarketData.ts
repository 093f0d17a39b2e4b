// The MarketData port: quotes, daily bars and financial statements. Backed by the replay of `data/` in
// backtests and by the KIS quote APIs in paper and live trading.
import { Context, type Effect } from "effect"
import type { Bar, Quote } from "../domain/Bar.js"
import type { FinancialStatement } from "../domain/Fundamentals.js"
import type { Instrument } from "../domain/Market.js"
import type { Ticker } from "../domain/Money.js"
import type { TradeDate } from "../domain/Time.js"
import type { MarketDataUnavailable } from "./errors.js"

/** What the exchange lists about a symbol: its name, market and kind, listing date and listed shares. */
export interface Listing {
  readonly name: string
  readonly instrument: Instrument
  readonly listedOn: TradeDate | undefined
  readonly sharesOutstanding: number | undefined
}

export class MarketData extends Context.Tag("trader/MarketData")<MarketData, {
  /** The latest quote as of the market clock. Read-only, safe to retry. */
  readonly quote: (ticker: Ticker) => Effect.Effect<Quote, MarketDataUnavailable>
  /** Daily bars with `from ≤ date ≤ to`, ascending, never past the market clock's today. */
  readonly dailyBars: (ticker: Ticker, from: TradeDate, to: TradeDate) => Effect.Effect<ReadonlyArray<Bar>, MarketDataUnavailable>
  /** Statements available as of the market clock (point in time), oldest period first. */
  readonly statements: (ticker: Ticker) => Effect.Effect<ReadonlyArray<FinancialStatement>, MarketDataUnavailable>
  /** The symbol's listing as of today, where the source offers one (KIS search-stock-info); views use defaults without. */
  readonly listing?: (ticker: Ticker) => Effect.Effect<Listing, MarketDataUnavailable>
}>() {}
