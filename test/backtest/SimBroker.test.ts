// The simulated adapters through their ports: orders, fills and the account via Broker; bars and quotes via
// MarketData never past the replay day; the clock reads the replay cursor. Remainders of capped orders.
import { Effect, Either, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { indexDataSet } from "../../src/backtest/asOfView.js"
import { REALISTIC_RULES } from "../../src/backtest/matching/matchOrder.js"
import { Replay } from "../../src/backtest/replay.js"
import { SimExchangeRef, SimMarketLive } from "../../src/backtest/SimBroker.js"
import { SimExchange } from "../../src/backtest/SimExchange.js"
import { ZERO_COSTS } from "../../src/domain/krx/costs.js"
import { qty, type Won } from "../../src/domain/Money.js"
import type { ClientOrderId, OrderIntent } from "../../src/domain/Order.js"
import { type Instant, tradeDate } from "../../src/domain/Time.js"
import { Broker } from "../../src/services/Broker.js"
import { MarketClock } from "../../src/services/MarketClock.js"
import { MarketData } from "../../src/services/MarketData.js"
import { dataSetOf, NO_REALISM, randomBars, simSettings, symbolCode, tradingDays } from "./fixtures.js"

const A = symbolCode(1)
const days = tradingDays(10)
const bars = randomBars(A, days, 3)
const data = dataSetOf([bars])

const setup = (rules = NO_REALISM, remainder: "keep" | "cancel" = "keep") => {
  const replay = new Replay(indexDataSet(data), tradeDate(days[0]!), tradeDate(days[9]!))
  const exchange = new SimExchange(replay, simSettings(ZERO_COSTS, rules, { remainder }), 10_000_000 as Won)
  const layer = SimMarketLive.pipe(Layer.provide(Layer.succeed(SimExchangeRef, exchange)))
  const run = <A, E>(effect: Effect.Effect<A, E, Broker | MarketData | MarketClock>) => Effect.runSync(Effect.provide(effect, layer))
  return { replay, exchange, run }
}

const buy = (quantity: number): OrderIntent => ({
  strategy: "t", decidedAt: 1 as Instant, ticker: A, side: "buy", quantity: qty(quantity), type: { _tag: "market" }
})

describe("SimBroker", () => {
  it("accepts an order before the open, fills it at the open and books it in the account", () => {
    const { replay, exchange, run } = setup()
    replay.advance()
    exchange.openDay()
    const ack = run(Effect.flatMap(Broker, (b) => b.submit("o1" as ClientOrderId, buy(10))))
    expect(ack.id).toBe("o1")
    exchange.matchDay()
    const account = run(Effect.flatMap(Broker, (b) => b.account))
    expect(account.holdings).toMatchObject([{ ticker: A, quantity: 10, averagePrice: bars.open[0] }])
    expect(account.cash).toBe(10_000_000 - 10 * bars.open[0]!)
    const orders = run(Effect.flatMap(Broker, (b) => b.dailyOrders(tradeDate(days[0]!))))
    expect(orders).toMatchObject([{ filledQuantity: 10, remainingQuantity: 0, averageFillPrice: bars.open[0] }])
    // The same id again is refused, not filled twice.
    const again = Effect.runSync(Effect.either(Effect.provide(Effect.flatMap(Broker, (b) => b.submit("o1" as ClientOrderId, buy(10))),
      SimMarketLive.pipe(Layer.provide(Layer.succeed(SimExchangeRef, exchange))))))
    expect(Either.isLeft(again)).toBe(true)
  })

  it("sends after the close wait for the next bar", () => {
    const { replay, exchange, run } = setup()
    replay.advance()
    exchange.openDay()
    exchange.matchDay()
    run(Effect.flatMap(Broker, (b) => b.submit("o2" as ClientOrderId, buy(5))))
    expect(exchange.records().fills).toHaveLength(0)
    replay.advance()
    exchange.openDay()
    exchange.matchDay()
    expect(exchange.records().fills).toMatchObject([{ date: days[1], price: bars.open[1], quantity: 5 }])
  })

  it("keeps or cancels what a volume cap left unfilled", () => {
    const capped = { ...REALISTIC_RULES, limitLock: false, volumeCap: 1e-6 }
    for (const remainder of ["keep", "cancel"] as const) {
      const { replay, exchange } = setup(capped, remainder)
      replay.advance()
      exchange.openDay()
      expect(Math.floor(bars.volume[0]! * 1e-6)).toBe(0)
      exchange.submit("o3" as ClientOrderId, buy(3))
      exchange.matchDay()
      // Volumes under a million shares give a cap of 0 shares: nothing fills, the order waits either way.
      expect(exchange.records().fills).toHaveLength(0)
      expect(exchange.pending).toHaveLength(1)
    }
    const small = { ...REALISTIC_RULES, limitLock: false, volumeCap: 0.001 }
    for (const remainder of ["keep", "cancel"] as const) {
      const { replay, exchange } = setup(small, remainder)
      replay.advance()
      exchange.openDay()
      const cap = Math.floor(bars.volume[0]! * 0.001)
      expect(cap).toBeGreaterThan(7)
      exchange.submit("o4" as ClientOrderId, buy(cap + 7))
      exchange.matchDay()
      expect(exchange.records().fills.map((f) => f.quantity)).toEqual([cap])
      replay.advance()
      exchange.openDay()
      exchange.matchDay()
      expect(exchange.records().fills.map((f) => f.quantity)).toEqual(remainder === "keep" ? [cap, 7] : [cap])
      expect(exchange.records().orders[0]!.state).toBe(remainder === "keep" ? "filled" : "cancelled")
    }
  })
})

describe("replayed MarketData and MarketClock", () => {
  it("serve nothing after the replay day", () => {
    const { replay, run } = setup()
    for (let i = 0; i < 4; i++) replay.advance()
    const got = run(Effect.gen(function* () {
      const md = yield* MarketData
      const clock = yield* MarketClock
      return {
        bars: yield* md.dailyBars(A, tradeDate("2000-01-01"), tradeDate("2099-01-01")),
        quote: yield* md.quote(A),
        today: yield* clock.today
      }
    }))
    expect(got.today).toBe(days[3])
    expect(got.bars.map((b) => b.date)).toEqual(days.slice(0, 4))
    expect(got.quote).toMatchObject({ price: bars.close[3], basePrice: bars.close[2] })
  })
})
