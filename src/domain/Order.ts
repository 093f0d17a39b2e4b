// Orders: what a strategy wants (OrderIntent), and the life of one order as an explicit state machine whose
// illegal transitions are rejected. Fills are the only way quantity and money move.
import { Data, Either, Schema } from "effect"
import { InvalidDomainValue, showValue } from "./errors.js"
import { Qty, Ticker, Won } from "./Money.js"
import { Instant } from "./Time.js"

export const Side = Schema.Literal("buy", "sell")
export type Side = typeof Side.Type

/**
 * How the order prices itself. `market` fills at the next available price; `limit` at the limit or better;
 * `stop` becomes a market order once the price touches `stopPrice` (sell stops trigger at or below, buy stops at or above).
 */
export const OrderType = Schema.Union(
  Schema.TaggedStruct("market", {}),
  Schema.TaggedStruct("limit", { price: Won }),
  Schema.TaggedStruct("stop", { stopPrice: Won })
)
export type OrderType = typeof OrderType.Type

/** Protective exits attached to an entry: absolute price levels. */
export const ExitLevels = Schema.Struct({
  stopLoss: Schema.optional(Won),
  takeProfit: Schema.optional(Won)
})
export type ExitLevels = typeof ExitLevels.Type

/** A decision to trade, before any broker has seen it. `decidedAt` plus the strategy name make it unique. */
export const OrderIntent = Schema.Struct({
  strategy: Schema.String,
  decidedAt: Instant,
  ticker: Ticker,
  side: Side,
  quantity: Qty,
  type: OrderType,
  exits: Schema.optional(ExitLevels),
  /** Free text for reports ("sma cross up", "stop-loss"). */
  reason: Schema.optional(Schema.String)
})
export type OrderIntent = typeof OrderIntent.Type

/** Deterministic identity of an intent: the same decision always maps to the same id (idempotency key). */
export const ClientOrderId = Schema.String.pipe(Schema.brand("ClientOrderId"))
export type ClientOrderId = typeof ClientOrderId.Type

/** What an id is derived from: the decision (strategy and instant) and what it orders. */
export type IdParts = Pick<OrderIntent, "strategy" | "decidedAt" | "ticker" | "side" | "quantity">

export const clientOrderId = (intent: IdParts): ClientOrderId =>
  // join builds one flat string: a template literal keeps a tree of parts, four times the memory per id kept.
  [decisionPrefix(intent.strategy, intent.decidedAt), intent.ticker, intent.side, intent.quantity].join(":") as ClientOrderId

/** `strategy:decidedAt`, kept for the last decision step: its orders share it, and printing the instant is slow. */
let prefixOf = { strategy: "", decidedAt: Number.NaN, prefix: "" }
const decisionPrefix = (strategy: string, decidedAt: number): string => {
  if (strategy !== prefixOf.strategy || decidedAt !== prefixOf.decidedAt) prefixOf = { strategy, decidedAt, prefix: `${strategy}:${decidedAt}` }
  return prefixOf.prefix
}

/** Whether two intents have the same client order id: the same strategy, instant, symbol, side and quantity. */
export const sameOrderId = (a: IdParts, b: IdParts): boolean =>
  a.decidedAt === b.decidedAt && a.ticker === b.ticker && a.quantity === b.quantity && a.side === b.side && a.strategy === b.strategy

/** The orders already sent, as the risk rules ask about them: was an intent with this one's id sent? */
export interface SentOrderLookup {
  readonly has: (intent: IdParts) => boolean
}

/**
 * The intents of the orders already sent, filed by decision instant and symbol. An intent is looked for among the
 * few of its own decision step and symbol by the parts of its id, so asking builds no id string.
 *
 * `forwardOnly` is for a caller whose decision instants never go back (a backtest): an id names its instant, so
 * once a later instant is filed no earlier one can recur, and only the latest instant's intents are kept. Asking
 * about an earlier instant then is a defect and throws.
 */
export class SentOrders implements SentOrderLookup {
  /** Per decision instant and symbol, the one intent sent (the usual case) or every one sent. */
  private readonly byDecision = new Map<Instant, Map<Ticker, IdParts | Array<IdParts>>>()
  /** The last decision instant asked about and its intents: a decision step asks about many orders of one instant. */
  private lastInstant = Number.NaN
  private lastBySymbol: Map<Ticker, IdParts | Array<IdParts>> | undefined
  private latestInstant = Number.NEGATIVE_INFINITY

  constructor(sent: Iterable<IdParts> = [], private readonly forwardOnly = false) {
    for (const intent of sent) this.add(intent)
  }

  has(intent: IdParts): boolean {
    const filed = this.filedAt(intent.decidedAt)?.get(intent.ticker)
    if (filed === undefined) return false
    return Array.isArray(filed) ? filed.some((f) => sameOrderId(f, intent)) : sameOrderId(filed, intent)
  }

  add(intent: IdParts): void {
    let bySymbol = this.filedAt(intent.decidedAt)
    if (bySymbol === undefined) {
      if (this.forwardOnly) this.byDecision.clear()
      this.byDecision.set(intent.decidedAt, bySymbol = new Map())
      this.lastBySymbol = bySymbol
      this.latestInstant = Math.max(this.latestInstant, intent.decidedAt)
    }
    const filed = bySymbol.get(intent.ticker)
    if (filed === undefined) bySymbol.set(intent.ticker, intent)
    else if (Array.isArray(filed)) {
      if (!filed.some((f) => sameOrderId(f, intent))) filed.push(intent)
    } else if (!sameOrderId(filed, intent)) bySymbol.set(intent.ticker, [filed, intent])
  }

  private filedAt(decidedAt: Instant): Map<Ticker, IdParts | Array<IdParts>> | undefined {
    if (decidedAt !== this.lastInstant) {
      if (this.forwardOnly && decidedAt < this.latestInstant) {
        throw new Error(`order journal: a decision at ${decidedAt} came after one at ${this.latestInstant}, but this journal only moves forward`)
      }
      this.lastInstant = decidedAt
      this.lastBySymbol = this.byDecision.get(decidedAt)
    }
    return this.lastBySymbol
  }
}

/** Validates the parts of an intent that the schema's types cannot: a positive quantity, positive prices. */
export const validateIntent = (intent: OrderIntent): Either.Either<OrderIntent, InvalidDomainValue> => {
  if (!Number.isSafeInteger(intent.quantity) || intent.quantity <= 0) {
    return Either.left(new InvalidDomainValue({ field: "quantity", value: showValue(intent.quantity), rule: "must be a whole number of shares > 0" }))
  }
  const price = intent.type._tag === "limit" ? intent.type.price : intent.type._tag === "stop" ? intent.type.stopPrice : 1
  if (!Number.isSafeInteger(price) || price <= 0) {
    return Either.left(new InvalidDomainValue({ field: "price", value: showValue(price), rule: "must be a positive integer number of won" }))
  }
  return Either.right(intent)
}

export const OrderState = Schema.Literal(
  "new",
  "pending-submit",
  "accepted",
  "partially-filled",
  "filled",
  "cancelled",
  "rejected",
  "unknown"
)
export type OrderState = typeof OrderState.Type

export const TERMINAL_STATES: ReadonlySet<OrderState> = new Set(["filled", "cancelled", "rejected"])
export const isTerminal = (s: OrderState): boolean => TERMINAL_STATES.has(s)

/** An order and what has happened to it so far. */
export const Order = Schema.Struct({
  id: ClientOrderId,
  intent: OrderIntent,
  state: OrderState,
  /** The broker's order number once accepted (KIS `ODNO`); revisions replace it. */
  brokerOrderId: Schema.optional(Schema.String),
  filledQuantity: Qty,
  /** Sum of fill price × quantity, to derive the average fill price exactly. */
  filledNotional: Won,
  reason: Schema.optional(Schema.String),
  updatedAt: Instant
})
export type Order = typeof Order.Type

/** What can happen to an order. */
export type OrderEvent = Data.TaggedEnum<{
  Submit: { readonly at: Instant }
  Accept: { readonly brokerOrderId: string; readonly at: Instant }
  Fill: { readonly quantity: Qty; readonly price: Won; readonly at: Instant }
  Cancel: { readonly reason: string; readonly at: Instant }
  Reject: { readonly reason: string; readonly at: Instant }
  /** The outcome of a send is not known (timeout, dropped response, crash after send). */
  LoseTrack: { readonly reason: string; readonly at: Instant }
}>
export const OrderEvent = Data.taggedEnum<OrderEvent>()

export class IllegalOrderTransition extends Schema.TaggedError<IllegalOrderTransition>()("IllegalOrderTransition", {
  id: Schema.String,
  from: OrderState,
  event: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `order ${this.id}: ${this.event} is not allowed in state ${this.from} (${this.detail})`
  }
}

/** Which events each state accepts; anything else is illegal. Terminal states accept none. */
const ALLOWED: Record<OrderState, ReadonlyArray<OrderEvent["_tag"]>> = {
  "new": ["Submit", "Reject"],
  "pending-submit": ["Accept", "Reject", "LoseTrack", "Fill"],
  "accepted": ["Fill", "Cancel", "Reject", "LoseTrack"],
  "partially-filled": ["Fill", "Cancel", "LoseTrack"],
  "unknown": ["Accept", "Fill", "Cancel", "Reject"],
  "filled": [],
  "cancelled": [],
  "rejected": []
}

export const newOrder = (intent: OrderIntent, at: Instant): Order => ({
  id: clientOrderId(intent),
  intent,
  state: "new",
  filledQuantity: 0 as Qty,
  filledNotional: 0 as Won,
  updatedAt: at
})

/** Applies one event; returns the new order or the reason the transition is illegal. */
export const transition = (order: Order, event: OrderEvent): Either.Either<Order, IllegalOrderTransition> => {
  const illegal = (detail: string) =>
    Either.left(new IllegalOrderTransition({ id: order.id, from: order.state, event: event._tag, detail }))
  if (!ALLOWED[order.state].includes(event._tag)) return illegal("not a legal transition")
  switch (event._tag) {
    case "Submit":
      return Either.right({ ...order, state: "pending-submit", updatedAt: event.at })
    case "Accept":
      return Either.right({
        ...order,
        state: order.filledQuantity > 0 ? "partially-filled" : "accepted",
        brokerOrderId: event.brokerOrderId,
        updatedAt: event.at
      })
    case "Fill": {
      if (!Number.isSafeInteger(event.quantity) || event.quantity <= 0) return illegal(`fill quantity ${event.quantity} must be > 0`)
      if (!Number.isSafeInteger(event.price) || event.price <= 0) return illegal(`fill price ${event.price} must be a positive integer`)
      const filled = order.filledQuantity + event.quantity
      if (filled > order.intent.quantity) {
        return illegal(`fill of ${event.quantity} would exceed the order quantity ${order.intent.quantity} (already ${order.filledQuantity})`)
      }
      return Either.right({
        ...order,
        state: filled === order.intent.quantity ? "filled" : "partially-filled",
        filledQuantity: filled as Qty,
        filledNotional: (order.filledNotional + event.quantity * event.price) as Won,
        updatedAt: event.at
      })
    }
    case "Cancel":
      return Either.right({ ...order, state: "cancelled", reason: event.reason, updatedAt: event.at })
    case "Reject":
      return Either.right({ ...order, state: "rejected", reason: event.reason, updatedAt: event.at })
    case "LoseTrack":
      return Either.right({ ...order, state: "unknown", reason: event.reason, updatedAt: event.at })
  }
}

/** Average fill price in won (not rounded: an average of integer prices need not be an integer). */
export const averageFillPrice = (order: Order): number =>
  order.filledQuantity === 0 ? 0 : order.filledNotional / order.filledQuantity

/** One execution: quantity at a price, with the costs charged on it. */
export const Fill = Schema.Struct({
  orderId: ClientOrderId,
  ticker: Ticker,
  side: Side,
  quantity: Qty,
  price: Won,
  commission: Won,
  tax: Won,
  at: Instant
})
export type Fill = typeof Fill.Type
