// The simulated adapters of the three market ports over one replay: SimBroker (orders and account of the
// SimExchange), replayed MarketData and a MarketClock that reads the replay cursor instead of the wall clock.
import { Context, Effect, Either, Layer } from "effect"
import type { Bar, Quote } from "../domain/Bar.js"
import type { Qty, Ticker, Won } from "../domain/Money.js"
import { averagePrice } from "../domain/Portfolio.js"
import { type Instant, kstInstant, type TradeDate } from "../domain/Time.js"
import { Broker, type BrokerOrder } from "../services/Broker.js"
import { BrokerRejected, MarketDataUnavailable } from "../services/errors.js"
import { MarketClock } from "../services/MarketClock.js"
import { MarketData } from "../services/MarketData.js"
import type { SimOrder } from "./orderLog.js"
import { brokerOrderIdOf, type SimExchange } from "./SimExchange.js"
import { makeAsOfView } from "./asOfView.js"

/** The exchange of the current run; every simulated adapter reads it. */
export class SimExchangeRef extends Context.Tag("trader/SimExchange")<SimExchangeRef, SimExchange>() {}

const toBrokerOrder = (o: SimOrder): BrokerOrder => {
  const t = o.intent.type
  const open = o.state === "accepted" || o.state === "partially-filled"
  return {
    brokerOrderId: brokerOrderIdOf(o),
    ticker: o.intent.ticker,
    side: o.intent.side,
    kind: "new",
    quantity: o.intent.quantity,
    price: (t._tag === "limit" ? t.price : 0) as Won,
    filledQuantity: o.filled as Qty,
    averageFillPrice: o.filled === 0 ? 0 : o.filledNotional / o.filled,
    remainingQuantity: (open ? o.intent.quantity - o.filled : 0) as Qty,
    cancelledQuantity: (o.state === "cancelled" ? o.intent.quantity - o.filled : 0) as Qty,
    rejectedQuantity: 0 as Qty,
    orderedAt: o.acceptedAt
  }
}

export const SimBrokerLive = Layer.effect(
  Broker,
  Effect.map(SimExchangeRef, (exchange) =>
    Broker.of({
      submit: (id, intent) =>
        Effect.suspend(() => {
          const result = exchange.submit(id, intent)
          return Either.isRight(result)
            ? Effect.succeed({ id, brokerOrderId: brokerOrderIdOf(result.right), acceptedAt: result.right.acceptedAt })
            : Effect.fail(new BrokerRejected(result.left))
        }),
      cancel: (id, brokerOrderId) =>
        Effect.suspend(() => {
          const order = exchange.pending.find((o) => o.id === id && brokerOrderIdOf(o) === brokerOrderId)
          return order !== undefined && exchange.cancel(order.id)
            ? Effect.succeed({ id, brokerOrderId: `C${brokerOrderIdOf(order)}`, acceptedAt: kstInstant(exchange.replay.today, "153000") })
            : Effect.fail(new BrokerRejected({ code: "SIM-CANCEL", message: `order ${brokerOrderId} is not open` }))
        }),
      dailyOrders: (date) => Effect.sync(() => exchange.ordersPlacedOn(date).map(toBrokerOrder)),
      account: Effect.sync(() => {
        const book = exchange.portfolio
        const sells = new Map<Ticker, number>()
        for (const o of exchange.pending) {
          if (o.intent.side === "sell") sells.set(o.intent.ticker, (sells.get(o.intent.ticker) ?? 0) + o.intent.quantity - o.filled)
        }
        const holdings = [...book.positions].map(([ticker, p]) => ({
          ticker,
          quantity: p.quantity,
          sellableQuantity: Math.max(0, p.quantity - (sells.get(ticker) ?? 0)) as Qty,
          averagePrice: averagePrice(p),
          lastPrice: (exchange.replay.markPrice(ticker) ?? averagePrice(p)) as Won
        }))
        return { cash: book.cash, holdings, asOf: kstInstant(exchange.replay.today, "153000") }
      })
    }))
)

const unavailable = (ticker: string, message: string) => new MarketDataUnavailable({ ticker, message })

export const SimMarketDataLive = Layer.effect(
  MarketData,
  Effect.map(SimExchangeRef, ({ replay }) => {
    const symbolOf = (ticker: Ticker) => {
      const s = replay.symbol(ticker)
      return s === undefined ? Effect.fail(unavailable(ticker, `${ticker} is not in the replayed universe`)) : Effect.succeed(s)
    }
    return MarketData.of({
      quote: (ticker) =>
        Effect.flatMap(symbolOf(ticker), (s): Effect.Effect<Quote, MarketDataUnavailable> => {
          const c = replay.columns[s]!
          const n = replay.cursor[s]!
          if (n === 0) return Effect.fail(unavailable(ticker, `no bar of ${ticker} on or before ${replay.today}`))
          const i = n - 1
          return Effect.succeed({
            ticker,
            price: c.close[i]! as Won,
            open: c.open[i]! as Won,
            high: c.high[i]! as Won,
            low: c.low[i]! as Won,
            volume: c.volume[i]! as Qty,
            basePrice: (i > 0 ? c.close[i - 1]! : c.open[i]!) as Won,
            at: kstInstant(c.dates[i]!, "153000")
          })
        }),
      dailyBars: (ticker, from, to) =>
        Effect.map(symbolOf(ticker), (s) => {
          const c = replay.columns[s]!
          const out: Array<Bar> = []
          for (let i = 0; i < replay.cursor[s]!; i++) {
            const date = c.dates[i]!
            if (date < from || date > to) continue
            out.push({ date, open: c.open[i]! as Won, high: c.high[i]! as Won, low: c.low[i]! as Won, close: c.close[i]! as Won, volume: c.volume[i]! as Qty })
          }
          return out
        }),
      statements: (ticker) => Effect.sync(() => makeAsOfView(replay.index, replay.today).statements(ticker))
    })
  })
)

/** The replay's clock: the current replayed day at the close (15:30 KST), when decisions are made. */
export const SimMarketClockLive = Layer.effect(
  MarketClock,
  Effect.map(SimExchangeRef, ({ replay }) =>
    MarketClock.of({
      now: Effect.sync((): Instant => kstInstant(replay.today, "153000")),
      today: Effect.sync((): TradeDate => replay.today),
      phase: Effect.succeed("closed"),
      isTradingDay: (date) => replay.days.includes(date)
    }))
)

export const SimMarketLive = Layer.mergeAll(SimBrokerLive, SimMarketDataLive, SimMarketClockLive)
