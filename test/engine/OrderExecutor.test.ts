// The executor sends each intent at most once, checks the risk rules in one place, and reports refusals.
import { it } from "@effect/vitest"
import { fc } from "@fast-check/vitest"
import { Effect, Layer, Ref } from "effect"
import { expect } from "vitest"
import { KRX_COSTS } from "../../src/domain/krx/costs.js"
import { ordinaryStock } from "../../src/domain/Market.js"
import { qty, ticker, type Won } from "../../src/domain/Money.js"
import type { ClientOrderId, OrderIntent } from "../../src/domain/Order.js"
import { type Instant, tradeDate } from "../../src/domain/Time.js"
import { ExecutionPolicy, OrderExecutor, type RiskBook } from "../../src/engine/OrderExecutor.js"
import { DEFAULT_RISK_LIMITS, type RiskLimits } from "../../src/risk/RiskLimits.js"
import { Broker } from "../../src/services/Broker.js"
import { BrokerRejected } from "../../src/services/errors.js"

const intent = (n: number, side: "buy" | "sell" = "buy"): OrderIntent => ({
  strategy: "t",
  decidedAt: (1_700_000_000_000 + n) as Instant,
  ticker: ticker("005930"),
  side,
  quantity: qty(1 + (n % 5)),
  type: { _tag: "market" }
})
const at = { now: 1_700_000_000_000 as Instant, tradeDate: tradeDate("2024-03-04") }
const riskBook = (): RiskBook => ({
  instrument: ordinaryStock("KOSPI"),
  basePrice: 10_000 as Won,
  phase: "regular",
  cash: 1_000_000 as Won,
  equity: 1_000_000 as Won,
  startOfDayEquity: 1_000_000 as Won,
  holdings: [],
  openOrders: []
})

const executorWith = (sent: Ref.Ref<ReadonlyArray<ClientOrderId>>, riskLimits: RiskLimits | undefined, reject = false) =>
  OrderExecutor.Default.pipe(
    Layer.provide(Layer.succeed(ExecutionPolicy, { riskLimits, costs: KRX_COSTS })),
    Layer.provide(Layer.mock(Broker, {
      submit: (id) =>
        reject
          ? Effect.fail(new BrokerRejected({ code: "40310000", message: "market closed" }))
          : Effect.as(Ref.update(sent, (xs) => [...xs, id]), { id, brokerOrderId: "1", acceptedAt: at.now })
    }))
  )

it.effect.prop("executing any sequence of intents, with repeats, submits each distinct intent once",
  [fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 40 })],
  ([ns]) =>
    Effect.gen(function* () {
      const sent = yield* Ref.make<ReadonlyArray<ClientOrderId>>([])
      const executor = yield* Effect.provide(OrderExecutor, executorWith(sent, undefined))
      const outcomes = yield* Effect.forEach(ns, (n) => executor.execute(intent(n), at, riskBook))
      const ids = yield* Ref.get(sent)
      expect(new Set(ids).size).toBe(ids.length)
      expect(ids.length).toBe(new Set(ns).size)
      expect(outcomes.filter((o) => o._tag === "AlreadySent")).toHaveLength(ns.length - new Set(ns).size)
    }), { fastCheck: { numRuns: 30 } })

it.effect("refuses through the risk rules before the broker sees the order", () =>
  Effect.gen(function* () {
    const sent = yield* Ref.make<ReadonlyArray<ClientOrderId>>([])
    const executor = yield* Effect.provide(OrderExecutor, executorWith(sent, { ...DEFAULT_RISK_LIMITS, enforceTradingHours: false }))
    const outcome = yield* executor.execute(intent(1, "sell"), at, riskBook)
    expect(outcome).toMatchObject({ _tag: "Refused", rule: "holdings" })
    expect(yield* Ref.get(sent)).toEqual([])
  }))

it.effect("reports a broker rejection as a refusal and does not resend it", () =>
  Effect.gen(function* () {
    const sent = yield* Ref.make<ReadonlyArray<ClientOrderId>>([])
    const executor = yield* Effect.provide(OrderExecutor, executorWith(sent, undefined, true))
    expect(yield* executor.execute(intent(2), at, riskBook)).toMatchObject({ _tag: "Refused", rule: "40310000" })
    expect(yield* executor.execute(intent(2), at, riskBook)).toMatchObject({ _tag: "AlreadySent" })
  }))
