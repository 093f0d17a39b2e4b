// In-memory fakes of the Broker, MarketData and MarketClock ports for live-engine tests: a tiny exchange that
// records every submission, fills on command, and can misbehave the ways KIS does (rejects, drops acknowledgements).
import { Effect, Layer } from "effect"
import type { Bar } from "../../../src/domain/Bar.js"
import { KRX_CALENDAR } from "../../../src/domain/krx/calendar.js"
import { phaseAt } from "../../../src/domain/krx/sessions.js"
import type { Qty, Ticker, Won } from "../../../src/domain/Money.js"
import type { ClientOrderId, OrderIntent } from "../../../src/domain/Order.js"
import { type Instant, kstDateOf, kstInstant, type TradeDate } from "../../../src/domain/Time.js"
import { Broker, type BrokerOrder, type OrderAck } from "../../../src/services/Broker.js"
import { BrokerRejected, BrokerUnavailable, MarketDataUnavailable, OutcomeUnknown } from "../../../src/services/errors.js"
import { MarketClock } from "../../../src/services/MarketClock.js"
import { MarketData } from "../../../src/services/MarketData.js"

/** How the next submission behaves. */
export type SubmitFault =
  | "reject"
  | "unavailable"
  /** The order reaches the exchange but the answer is lost. */
  | "lose-acknowledgement"
  /** The request dies before reaching the exchange, and the caller cannot tell. */
  | "lose-request"

export interface FakeExchangeState {
  now: number
  cash: number
  holdings: Map<Ticker, { quantity: number; cost: number }>
  rows: Array<BrokerOrder>
  /** Every order that reached the exchange, with the id the client gave it. */
  received: Array<{ id: ClientOrderId; intent: OrderIntent; brokerOrderId: string }>
  faults: Array<SubmitFault>
  quotes: Map<Ticker, number>
  bars: Map<Ticker, ReadonlyArray<Bar>>
  accountFails: boolean
  nextOrderNo: number
}

export const ticker = (s: string) => s as Ticker

/** A weekday trading session: 2026-11-25 10:00 KST, continuous trading. */
export const SESSION_NOW = kstInstant("2026-11-25" as TradeDate, "100000")

export const makeExchange = (cash = 10_000_000, now: number = SESSION_NOW): FakeExchangeState => ({
  now,
  cash,
  holdings: new Map(),
  rows: [],
  received: [],
  faults: [],
  quotes: new Map(),
  bars: new Map(),
  accountFails: false,
  nextOrderNo: 1
})

const row = (ex: FakeExchangeState, intent: OrderIntent): BrokerOrder => ({
  brokerOrderId: String(ex.nextOrderNo++).padStart(10, "0"),
  ticker: intent.ticker,
  side: intent.side,
  kind: "new",
  quantity: intent.quantity,
  price: (intent.type._tag === "limit" ? intent.type.price : 0) as Won,
  filledQuantity: 0 as Qty,
  averageFillPrice: 0,
  remainingQuantity: intent.quantity,
  cancelledQuantity: 0 as Qty,
  rejectedQuantity: 0 as Qty,
  orderedAt: ex.now as Instant
})

/** Places an order on the exchange directly (as if another program or a lost request had sent it). */
export const placeDirect = (ex: FakeExchangeState, intent: OrderIntent): BrokerOrder => {
  const r = row(ex, intent)
  ex.rows.push(r)
  return r
}

/** Fills `quantity` more of an order at `price`, moving the account like a broker does (no fees in the fake). */
export const fillOrder = (ex: FakeExchangeState, brokerOrderId: string, quantity: number, price: number): void => {
  const i = ex.rows.findIndex((r) => r.brokerOrderId === brokerOrderId)
  const r = ex.rows[i]!
  const filled = r.filledQuantity + quantity
  ex.rows[i] = {
    ...r,
    filledQuantity: filled as Qty,
    averageFillPrice: (r.averageFillPrice * r.filledQuantity + price * quantity) / filled,
    remainingQuantity: (r.quantity - filled) as Qty
  }
  const h = ex.holdings.get(r.ticker) ?? { quantity: 0, cost: 0 }
  if (r.side === "buy") {
    ex.holdings.set(r.ticker, { quantity: h.quantity + quantity, cost: h.cost + quantity * price })
    ex.cash -= quantity * price
  } else {
    const left = h.quantity - quantity
    ex.holdings.set(r.ticker, { quantity: left, cost: left === 0 ? 0 : Math.round((h.cost * left) / h.quantity) })
    ex.cash += quantity * price
  }
}

export const fakeBroker = (ex: FakeExchangeState) =>
  Broker.of({
    submit: (id, intent) =>
      Effect.suspend((): Effect.Effect<OrderAck, BrokerRejected | BrokerUnavailable | OutcomeUnknown> => {
        const fault = ex.faults.shift()
        if (fault === "reject") return Effect.fail(new BrokerRejected({ code: "APBK0919", message: "주문가능금액을 초과 했습니다" }))
        if (fault === "unavailable") return Effect.fail(new BrokerUnavailable({ message: "connection refused" }))
        if (fault === "lose-request") return Effect.fail(new OutcomeUnknown({ id, message: "socket hang up" }))
        const r = placeDirect(ex, intent)
        ex.received.push({ id, intent, brokerOrderId: r.brokerOrderId })
        if (fault === "lose-acknowledgement") return Effect.fail(new OutcomeUnknown({ id, message: "timeout after send" }))
        return Effect.succeed({ id, brokerOrderId: r.brokerOrderId, acceptedAt: ex.now as Instant })
      }),
    cancel: (id, brokerOrderId) =>
      Effect.suspend((): Effect.Effect<OrderAck, BrokerRejected> => {
        const i = ex.rows.findIndex((r) => r.brokerOrderId === brokerOrderId && r.remainingQuantity > 0)
        if (i < 0) return Effect.fail(new BrokerRejected({ code: "40330000", message: "정정/취소할 수량이 없습니다" }))
        const r = ex.rows[i]!
        ex.rows[i] = { ...r, remainingQuantity: 0 as Qty, cancelledQuantity: r.remainingQuantity }
        const c: BrokerOrder = { ...r, brokerOrderId: String(ex.nextOrderNo++).padStart(10, "0"), originalBrokerOrderId: r.brokerOrderId, kind: "cancel", quantity: r.remainingQuantity, filledQuantity: 0 as Qty, remainingQuantity: 0 as Qty, orderedAt: ex.now as Instant }
        ex.rows.push(c)
        return Effect.succeed({ id, brokerOrderId: c.brokerOrderId, acceptedAt: ex.now as Instant })
      }),
    dailyOrders: (date) => Effect.sync(() => ex.rows.filter((r) => kstDateOf(r.orderedAt) === date)),
    account: Effect.suspend(() =>
      ex.accountFails
        ? Effect.fail(new BrokerUnavailable({ message: "inquire-balance: connection refused" }))
        : Effect.succeed({
          cash: ex.cash as Won,
          holdings: [...ex.holdings].map(([t, h]) => ({
            ticker: t,
            quantity: h.quantity as Qty,
            sellableQuantity: h.quantity as Qty,
            averagePrice: h.quantity === 0 ? 0 : h.cost / h.quantity,
            lastPrice: (ex.quotes.get(t) ?? 0) as Won
          })),
          asOf: ex.now as Instant
        }))
  })

export const fakeMarketData = (ex: FakeExchangeState) =>
  MarketData.of({
    quote: (t) =>
      Effect.suspend(() => {
        const price = ex.quotes.get(t)
        return price === undefined
          ? Effect.fail(new MarketDataUnavailable({ ticker: t, message: "no quote" }))
          : Effect.succeed({ ticker: t, price: price as Won, open: price as Won, high: price as Won, low: price as Won, volume: 0 as Qty, basePrice: price as Won, at: ex.now as Instant })
      }),
    dailyBars: (t, from, to) => Effect.sync(() => (ex.bars.get(t) ?? []).filter((b) => b.date >= from && b.date <= to)),
    statements: () => Effect.succeed([])
  })

export const fakeClock = (ex: FakeExchangeState) =>
  MarketClock.of({
    now: Effect.sync(() => ex.now as Instant),
    today: Effect.sync(() => kstDateOf(ex.now)),
    phase: Effect.sync(() => phaseAt(ex.now as Instant)),
    isTradingDay: (d) => KRX_CALENDAR.isTradingDay(d)
  })

/** The three market ports over one fake exchange. */
export const fakeMarketLayer = (ex: FakeExchangeState) =>
  Layer.mergeAll(
    Layer.succeed(Broker, fakeBroker(ex)),
    Layer.succeed(MarketData, fakeMarketData(ex)),
    Layer.succeed(MarketClock, fakeClock(ex))
  )
