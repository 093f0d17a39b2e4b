// The strategy contract: a pure module that turns an as-of view of the market and its portfolio into decisions.
// Strategies never import Effect services or adapters, so the same file runs in backtest, paper and live trading.
import type { Schema } from "effect"
import type { FinancialStatement } from "../domain/Fundamentals.js"
import type { Instrument } from "../domain/Market.js"
import type { Qty, Ticker, Won } from "../domain/Money.js"
import type { ExitLevels, OrderType } from "../domain/Order.js"
import type { TradeDate } from "../domain/Time.js"

/** When a strategy decides: after the close of every trading day, or of the last trading day of each week/month/quarter. */
export type DecisionSchedule = "daily" | "weekly" | "monthly" | "quarterly"

/**
 * Daily bars of one symbol up to and including the as-of day. Index 0 is the oldest bar, `length - 1` the
 * latest one at or before the as-of day. Reading an index ≥ `length` throws a RangeError: the future cannot
 * be read. Accessors instead of arrays keep the per-day view allocation-free in long backtests. A series serves
 * the decision it was obtained for: ask the view again in the next one (a backtest reuses series objects and
 * throws when an old one is read).
 */
export interface BarSeries {
  readonly ticker: Ticker
  readonly length: number
  readonly date: (i: number) => TradeDate
  readonly open: (i: number) => number
  readonly high: (i: number) => number
  readonly low: (i: number) => number
  readonly close: (i: number) => number
  readonly volume: (i: number) => number
  /** The closes `[0, length)` as a new typed-array view, for indicator maths. */
  readonly closes: () => Float64Array
}

/** Everything a strategy may know at a decision time, and nothing after it. */
export interface AsOfView {
  /** The trading day whose close the decision is made at (KST). */
  readonly asOf: TradeDate
  /** Symbols of the run's universe, in a stable order. */
  readonly universe: ReadonlyArray<Ticker>
  readonly instrument: (ticker: Ticker) => Instrument
  /** Bars up to and including `asOf`; an empty series for a symbol not yet listed. */
  readonly bars: (ticker: Ticker) => BarSeries
  /** The bars of every universe symbol, in `universe` order: for a scan of the whole universe (one call, not one per symbol). */
  readonly universeBars: () => ReadonlyArray<BarSeries>
  /** Statements already available at `asOf` (availableFrom ≤ asOf), oldest period first. */
  readonly statements: (ticker: Ticker) => ReadonlyArray<FinancialStatement>
  /** Listed shares at `asOf`, when known. */
  readonly sharesOutstanding: (ticker: Ticker) => number | undefined
  /**
   * An opaque token naming the history this view is cut from: every view of one backtest run carries the same
   * token and no other data does. A strategy may key incremental indicator state by it (a bar index then always
   * means the same bar); absent = recompute from the bars.
   */
  readonly history?: object
}

/** One holding as the strategy sees it. */
export interface Holding {
  readonly ticker: Ticker
  readonly quantity: Qty
  readonly averagePrice: number
  /** Trading day of the first buy of the current holding. */
  readonly openedOn: TradeDate
}

/** What the strategy sees of its own book. */
export interface PortfolioView {
  readonly cash: Won
  /** Cash plus holdings marked at the as-of close. */
  readonly equity: Won
  readonly holdings: ReadonlyArray<Holding>
  /** The holding of one ticker, without a walk over every holding (a book can hold most of a large universe). */
  readonly holding: (ticker: Ticker) => Holding | undefined
  /** Orders sent but not yet filled or cancelled. */
  readonly openOrders: ReadonlyArray<{ readonly ticker: Ticker; readonly side: "buy" | "sell"; readonly quantity: Qty }>
}

/** A PortfolioView over a list of holdings, its lookup built from the list. */
export const portfolioViewOf = (view: Omit<PortfolioView, "holding">): PortfolioView => {
  const byTicker = new Map(view.holdings.map((h) => [h.ticker, h] as const))
  return { ...view, holding: (ticker) => byTicker.get(ticker) }
}

/** How many shares a buy asks for: a fixed count, or as many as a cash amount buys at the execution price. */
export type BuySize =
  | { readonly _tag: "Shares"; readonly quantity: Qty }
  /** Spend up to `amount` won (all available cash when absent) including the buy commission. */
  | { readonly _tag: "Cash"; readonly amount?: Won }

/** A strategy's output. The engine turns each into zero or one order through the same risk rules everywhere. */
export type Decision =
  | {
    readonly _tag: "Buy"
    readonly ticker: Ticker
    readonly size: BuySize
    readonly type: OrderType
    readonly exits?: ExitLevels
    readonly reason?: string
  }
  | {
    readonly _tag: "Sell"
    readonly ticker: Ticker
    /** Shares to sell; absent = the whole holding. */
    readonly quantity?: Qty
    readonly type: OrderType
    readonly reason?: string
  }
  /** Rebalance the holding to a share count (buying or selling the difference at market). */
  | { readonly _tag: "TargetQuantity"; readonly ticker: Ticker; readonly quantity: Qty; readonly reason?: string }
  /** Rebalance the holding to a fraction of equity, sized at the as-of close. */
  | { readonly _tag: "TargetWeight"; readonly ticker: Ticker; readonly weight: number; readonly reason?: string }

/** Extra series a strategy exports for its report (e.g. the reflexivity stage of each name). */
export interface StrategyAnnotation {
  readonly ticker: Ticker
  readonly series: string
  readonly value: number | string
}

export interface DecisionResult {
  readonly decisions: ReadonlyArray<Decision>
  readonly annotations?: ReadonlyArray<StrategyAnnotation>
}

/**
 * A strategy. `Params` is decoded from user input (`--params k=v`) by `params`, which supplies defaults.
 * `decide` must be a pure function of its arguments: same inputs, same decisions.
 */
export interface Strategy<Params> {
  readonly name: string
  readonly description: string
  readonly params: Schema.Schema<Params, any>
  readonly schedule: (params: Params) => DecisionSchedule
  /** Symbols the strategy trades; absent = every symbol of the data set. */
  readonly universe?: (params: Params) => ReadonlyArray<Ticker> | undefined
  /** Bars of history needed before the first decision is meaningful. */
  readonly warmupBars?: (params: Params) => number
  readonly decide: (view: AsOfView, portfolio: PortfolioView, params: Params) => DecisionResult
}

/** Erases the params type for registries; each strategy keeps its own typed module. */
export type AnyStrategy = Strategy<any>
