// What a backtest produces: the run's settings, the daily equity curve, every order, fill and round-trip
// trade, and strategy annotations. Metrics and the report are computed from this and nothing else.
import type { Ticker, Won } from "../domain/Money.js"
import type { OrderState, Side } from "../domain/Order.js"
import type { TradeDate } from "../domain/Time.js"

export interface EquityPoint {
  readonly date: TradeDate
  readonly cash: Won
  /** Cash plus holdings marked at the close. */
  readonly equity: Won
  /** Value of the benchmark scaled to start at the initial cash. */
  readonly benchmark: number
  /** Market value of holdings / equity, 0..1 (exposure). */
  readonly exposure: number
}

export interface OrderRecord {
  readonly id: string
  readonly ticker: Ticker
  readonly side: Side
  readonly type: "market" | "limit" | "stop"
  readonly quantity: number
  readonly limitPrice: Won | undefined
  readonly decidedOn: TradeDate
  readonly state: OrderState
  readonly filledQuantity: number
  readonly averageFillPrice: number
  readonly reason: string | undefined
}

/** What a fill traded: all that round trips and costs need. */
export interface FillTrade {
  readonly date: TradeDate
  readonly ticker: Ticker
  readonly side: Side
  readonly quantity: number
  readonly price: Won
  readonly commission: Won
  readonly tax: Won
}

export interface FillRecord extends FillTrade {
  readonly orderId: string
}

/** A round trip: shares bought then sold (FIFO). An open trade has undefined exit fields. */
export interface TradeRecord {
  readonly ticker: Ticker
  readonly entryDate: TradeDate
  readonly entryPrice: number
  readonly exitDate: TradeDate | undefined
  readonly exitPrice: number | undefined
  readonly quantity: number
  /** Net of commissions and taxes attributed to this trade; unrealized for an open trade (marked at the last close). */
  readonly pnl: Won
  readonly returnPct: number
  readonly holdingDays: number
}

export interface BacktestSettings {
  readonly strategy: string
  readonly params: Readonly<Record<string, unknown>>
  readonly from: TradeDate
  readonly to: TradeDate
  readonly initialCash: Won
  readonly symbols: ReadonlyArray<Ticker>
  readonly dataSource: string
  /** Every realism switch and cost setting, as used (printed in the report). */
  readonly assumptions: Readonly<Record<string, string | number | boolean>>
}

export interface BacktestResult {
  readonly settings: BacktestSettings
  readonly equity: ReadonlyArray<EquityPoint>
  readonly orders: ReadonlyArray<OrderRecord>
  readonly fills: ReadonlyArray<FillRecord>
  readonly trades: ReadonlyArray<TradeRecord>
  /** Strategy-exported series per ticker (e.g. reflexivity stage), by date. */
  readonly annotations: ReadonlyArray<{ readonly date: TradeDate; readonly ticker: Ticker; readonly series: string; readonly value: number | string }>
  /** Data warnings from loading, for the report. */
  readonly warnings: ReadonlyArray<string>
}
