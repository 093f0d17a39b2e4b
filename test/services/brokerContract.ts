// The Broker port's contract: behaviour every adapter (SimBroker, KisBroker over a fake KIS, KisBroker over kis-sim)
// must show. Each adapter supplies a fresh layer per test: the Broker plus a ContractMarket to drive its market.
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Exit, type Layer } from "effect"
import type { Qty, Ticker, Won } from "../../src/domain/Money.js"
import type { ClientOrderId, OrderIntent, OrderType, Side } from "../../src/domain/Order.js"
import type { Instant, TradeDate } from "../../src/domain/Time.js"
import { sameOrderNumber } from "../../src/kis/adapters/KisBroker.js"
import { Broker, type BrokerOrder } from "../../src/services/Broker.js"

/** What the contract needs to know about, and do to, the market behind a broker. */
export class ContractMarket extends Context.Tag("test/ContractMarket")<ContractMarket, {
  /** The trading day orders sent now belong to. */
  readonly today: Effect.Effect<TradeDate>
  readonly ticker: Ticker
  /** A code the broker does not list. */
  readonly unlisted: Ticker
  /** A valid limit price (on tick, inside the band) low enough that a buy there rests unfilled. */
  readonly restingBuyPrice: Won
  readonly initialCash: Won
  /** Lets the market trade: marketable open orders fill. */
  readonly settle: Effect.Effect<void>
}>() {}

let sequence = 0
export const intentOf = (ticker: Ticker, side: Side, quantity: number, type: OrderType): { id: ClientOrderId; intent: OrderIntent } => {
  const intent: OrderIntent = { strategy: "contract", decidedAt: (1_700_000_000_000 + sequence++) as Instant, ticker, side, quantity: quantity as Qty, type }
  return { id: `contract:${intent.decidedAt}:${ticker}:${side}` as ClientOrderId, intent }
}

const related = (orders: ReadonlyArray<BrokerOrder>, brokerOrderId: string) =>
  orders.filter((o) => sameOrderNumber(o.brokerOrderId, brokerOrderId) || (o.originalBrokerOrderId !== undefined && sameOrderNumber(o.originalBrokerOrderId, brokerOrderId)))

export const brokerContract = (name: string, makeLayer: () => Layer.Layer<Broker | ContractMarket, unknown>) =>
  describe(`Broker contract: ${name}`, () => {
    const run = <A, E>(body: Effect.Effect<A, E, Broker | ContractMarket>) => Effect.provide(body, makeLayer())

    it.live("a fresh account has the initial cash and no holdings", () =>
      run(Effect.gen(function* () {
        const broker = yield* Broker
        const market = yield* ContractMarket
        const account = yield* broker.account
        expect(account.cash).toBe(market.initialCash)
        expect(account.holdings).toEqual([])
      })))

    it.live("a resting limit buy is acknowledged and listed as an open new order", () =>
      run(Effect.gen(function* () {
        const broker = yield* Broker
        const market = yield* ContractMarket
        const day = yield* market.today
        const { id, intent } = intentOf(market.ticker, "buy", 3, { _tag: "limit", price: market.restingBuyPrice })
        const ack = yield* broker.submit(id, intent)
        expect(ack.id).toBe(id)
        expect(ack.brokerOrderId).not.toBe("")
        const [order, ...others] = related(yield* broker.dailyOrders(day), ack.brokerOrderId)
        expect(others).toEqual([])
        expect(order).toMatchObject({
          ticker: market.ticker, side: "buy", kind: "new", quantity: 3, price: market.restingBuyPrice,
          filledQuantity: 0, remainingQuantity: 3, rejectedQuantity: 0
        })
      })))

    it.live("cancel ends a resting order: nothing remains, the whole quantity is cancelled, cash is untouched", () =>
      run(Effect.gen(function* () {
        const broker = yield* Broker
        const market = yield* ContractMarket
        const day = yield* market.today
        const { id, intent } = intentOf(market.ticker, "buy", 4, { _tag: "limit", price: market.restingBuyPrice })
        const ack = yield* broker.submit(id, intent)
        const cancelAck = yield* broker.cancel(id, ack.brokerOrderId, market.ticker)
        expect(sameOrderNumber(cancelAck.brokerOrderId, ack.brokerOrderId)).toBe(false)
        const rows = related(yield* broker.dailyOrders(day), ack.brokerOrderId)
        const original = rows.find((o) => sameOrderNumber(o.brokerOrderId, ack.brokerOrderId))
        expect(original?.remainingQuantity).toBe(0)
        expect(original?.filledQuantity).toBe(0)
        expect(rows.reduce((a, o) => a + o.cancelledQuantity, 0)).toBe(4)
        yield* market.settle
        expect((yield* broker.account).cash).toBe(market.initialCash)
      })))

    it.live("cancelling an order that is no longer open is rejected", () =>
      run(Effect.gen(function* () {
        const broker = yield* Broker
        const market = yield* ContractMarket
        const { id, intent } = intentOf(market.ticker, "buy", 1, { _tag: "limit", price: market.restingBuyPrice })
        const ack = yield* broker.submit(id, intent)
        yield* broker.cancel(id, ack.brokerOrderId, market.ticker)
        const again = yield* Effect.exit(broker.cancel(id, ack.brokerOrderId, market.ticker))
        expect(Exit.isFailure(again) && again.cause._tag === "Fail" ? again.cause.error._tag : "no failure").toBe("BrokerRejected")
      })))

    it.live("an order for a symbol the broker does not list is rejected", () =>
      run(Effect.gen(function* () {
        const broker = yield* Broker
        const market = yield* ContractMarket
        const { id, intent } = intentOf(market.unlisted, "buy", 1, { _tag: "market" })
        const error = yield* Effect.flip(broker.submit(id, intent))
        expect(error._tag).toBe("BrokerRejected")
      })))

    it.live("a market buy fills when the market trades; the account holds it and paid at least its notional", () =>
      run(Effect.gen(function* () {
        const broker = yield* Broker
        const market = yield* ContractMarket
        const day = yield* market.today
        const { id, intent } = intentOf(market.ticker, "buy", 10, { _tag: "market" })
        const ack = yield* broker.submit(id, intent)
        yield* market.settle
        const order = related(yield* broker.dailyOrders(day), ack.brokerOrderId)[0]
        expect(order).toMatchObject({ filledQuantity: 10, remainingQuantity: 0 })
        const account = yield* broker.account
        const holding = account.holdings.find((h) => h.ticker === market.ticker)
        expect(holding).toMatchObject({ quantity: 10, sellableQuantity: 10 })
        expect(holding!.averagePrice).toBeCloseTo(order!.averageFillPrice, 6)
        const paid = market.initialCash - account.cash
        expect(paid).toBeGreaterThanOrEqual(10 * order!.averageFillPrice)
        expect(paid).toBeLessThanOrEqual(10 * order!.averageFillPrice * 1.01)
      })))

    it.live("selling the whole holding removes it from the account", () =>
      run(Effect.gen(function* () {
        const broker = yield* Broker
        const market = yield* ContractMarket
        const buy = intentOf(market.ticker, "buy", 5, { _tag: "market" })
        yield* broker.submit(buy.id, buy.intent)
        yield* market.settle
        const sell = intentOf(market.ticker, "sell", 5, { _tag: "market" })
        yield* broker.submit(sell.id, sell.intent)
        yield* market.settle
        const account = yield* broker.account
        expect(account.holdings.find((h) => h.ticker === market.ticker)).toBeUndefined()
        expect(account.cash).toBeLessThanOrEqual(market.initialCash * 1.5)
        expect(account.cash).toBeGreaterThan(0)
      })))
  })
