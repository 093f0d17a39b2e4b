// The Broker port: sending, cancelling and inquiring orders and the account. Implemented by the simulated
// broker of backtests and by KisBroker over the KIS Open API (real, mock or kis-sim).
import { Context, type Effect, Schema } from "effect"
import { Qty, Ticker, Won } from "../domain/Money.js"
import { ClientOrderId, type OrderIntent, Side } from "../domain/Order.js"
import { Instant, TradeDate } from "../domain/Time.js"
import type { BrokerRejected, BrokerUnavailable, OutcomeUnknown } from "./errors.js"

/** The broker accepted an order (not filled yet): its order number and acceptance time. */
export const OrderAck = Schema.Struct({
  id: ClientOrderId,
  brokerOrderId: Schema.String,
  acceptedAt: Instant
})
export type OrderAck = typeof OrderAck.Type

/** One order as the broker reports it for the day (KIS inquire-daily-ccld row). */
export const BrokerOrder = Schema.Struct({
  brokerOrderId: Schema.String,
  /** The order this one revised or cancelled; absent for an original order. */
  originalBrokerOrderId: Schema.optional(Schema.String),
  ticker: Ticker,
  side: Side,
  kind: Schema.Literal("new", "revise", "cancel"),
  quantity: Qty,
  /** Limit price; 0 for market-type orders. */
  price: Won,
  filledQuantity: Qty,
  /** Average fill price (not rounded). */
  averageFillPrice: Schema.Number,
  remainingQuantity: Qty,
  cancelledQuantity: Qty,
  rejectedQuantity: Qty,
  orderedAt: Instant
})
export type BrokerOrder = typeof BrokerOrder.Type

/** One execution as the broker reports it (fill notice or polled fill). */
export const BrokerFill = Schema.Struct({
  brokerOrderId: Schema.String,
  ticker: Ticker,
  side: Side,
  quantity: Qty,
  price: Won,
  at: Instant
})
export type BrokerFill = typeof BrokerFill.Type

export const BrokerHolding = Schema.Struct({
  ticker: Ticker,
  quantity: Qty,
  /** Shares that can be sold now (held minus those in open sell orders). */
  sellableQuantity: Qty,
  averagePrice: Schema.Number,
  lastPrice: Won
})
export type BrokerHolding = typeof BrokerHolding.Type

/** The account as the broker sees it: the source of truth for reconciliation. */
export const AccountSnapshot = Schema.Struct({
  /** Cash available for orders, settled (D+2) basis, integer won. */
  cash: Won,
  holdings: Schema.Array(BrokerHolding),
  asOf: Instant
})
export type AccountSnapshot = typeof AccountSnapshot.Type

export class Broker extends Context.Tag("trader/Broker")<Broker, {
  /**
   * Sends the order once. BrokerRejected: refused, nothing open. BrokerUnavailable: provably not sent.
   * OutcomeUnknown: it may have reached the broker; reconcile with `dailyOrders`, never resend.
   */
  readonly submit: (id: ClientOrderId, intent: OrderIntent) => Effect.Effect<OrderAck, BrokerRejected | BrokerUnavailable | OutcomeUnknown>
  /**
   * Cancels the remaining quantity of an open order (all of it when `quantity` is absent). The cancel gets its own
   * broker order number, as on KIS. Same failure meanings as `submit`.
   */
  readonly cancel: (
    id: ClientOrderId,
    brokerOrderId: string,
    ticker: Ticker,
    quantity?: Qty
  ) => Effect.Effect<OrderAck, BrokerRejected | BrokerUnavailable | OutcomeUnknown>
  /** Orders of a trading day, with fills so far. Read-only and safe to retry. */
  readonly dailyOrders: (date: TradeDate) => Effect.Effect<ReadonlyArray<BrokerOrder>, BrokerUnavailable>
  /** Cash and holdings now. Read-only and safe to retry. */
  readonly account: Effect.Effect<AccountSnapshot, BrokerUnavailable>
}>() {}
