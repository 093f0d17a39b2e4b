// The order executor shared by backtest and live: one deterministic id per intent, at most one submission per
// id (a repeat is a no-op), and the risk rules checked in this one place before anything reaches the broker.
import { Context, Effect, Either } from "effect"
import type { CostModel } from "../domain/krx/costs.js"
import { type ClientOrderId, clientOrderId, type OrderIntent } from "../domain/Order.js"
import type { Instant, TradeDate } from "../domain/Time.js"
import { checkOrder } from "../risk/checkOrder.js"
import type { RiskContext } from "../risk/RiskContext.js"
import type { RiskLimits } from "../risk/RiskLimits.js"
import { lossLimitLatch } from "../risk/rules.js"
import { Broker, type OrderAck } from "../services/Broker.js"
import type { BrokerUnavailable, OutcomeUnknown } from "../services/errors.js"

/** How orders are vetted: the risk limits (undefined = risk rules off) and the cost model they cost orders with. */
export class ExecutionPolicy extends Context.Tag("trader/ExecutionPolicy")<ExecutionPolicy, {
  readonly riskLimits: RiskLimits | undefined
  readonly costs: CostModel
}>() {}

/** The book and market facts the risk rules need, supplied by the caller only when the rules are on. */
export type RiskBook = Omit<RiskContext, "intent" | "now" | "tradeDate" | "recentOrderTimes" | "submittedIds" | "lossLimitBreachedOn" | "costs">

export type Execution =
  | { readonly _tag: "Sent"; readonly id: ClientOrderId; readonly ack: OrderAck }
  /** The same intent was executed before: nothing sent again. */
  | { readonly _tag: "AlreadySent"; readonly id: ClientOrderId }
  /** Refused by a risk rule or by the broker; final, nothing is open. */
  | { readonly _tag: "Refused"; readonly id: ClientOrderId; readonly rule: string; readonly message: string }

const ORDER_RATE_MEMORY_MS = 60_000

/** When an order is sent (the order-rate window) and the trading day it is for (ticks, band, loss limit). */
export interface Timing {
  readonly now: Instant
  readonly tradeDate: TradeDate
}

/** The executor over the Broker port; its journal is in memory for the life of the layer. */
export class OrderExecutor extends Effect.Service<OrderExecutor>()("trader/OrderExecutor", {
  effect: Effect.gen(function* () {
    const broker = yield* Broker
    const policy = yield* ExecutionPolicy
    const journal = new Set<ClientOrderId>()
    let recent: Array<Instant> = []
    let lossLimitBreachedOn: TradeDate | undefined

    /** The risk verdict on an intent, or undefined when the rules are off or pass it. */
    const refusal = (intent: OrderIntent, id: ClientOrderId, at: Timing, riskBook: () => RiskBook): Execution | undefined => {
      if (policy.riskLimits === undefined) return undefined
      recent = recent.filter((t) => at.now - t < ORDER_RATE_MEMORY_MS)
      const ctx: RiskContext = {
        ...riskBook(),
        intent,
        now: at.now,
        tradeDate: at.tradeDate,
        recentOrderTimes: recent,
        submittedIds: journal,
        lossLimitBreachedOn,
        costs: policy.costs
      }
      lossLimitBreachedOn = lossLimitLatch(ctx, policy.riskLimits)
      const verdict = checkOrder(ctx, policy.riskLimits)
      if (Either.isLeft(verdict)) return { _tag: "Refused", id, rule: verdict.left.rule, message: verdict.left.message }
      recent.push(at.now)
      return undefined
    }

    /**
     * Executes an intent at most once. OutcomeUnknown / BrokerUnavailable from the broker pass through: the id
     * stays journalled, so a retry of the same intent never sends a second order.
     */
    const execute = (intent: OrderIntent, at: Timing, riskBook: () => RiskBook): Effect.Effect<Execution, OutcomeUnknown | BrokerUnavailable> =>
      Effect.suspend(() => {
        const id = clientOrderId(intent)
        if (journal.has(id)) return Effect.succeed<Execution>({ _tag: "AlreadySent", id })
        const refused = refusal(intent, id, at, riskBook)
        if (refused !== undefined) return Effect.succeed(refused)
        journal.add(id)
        return broker.submit(id, intent).pipe(
          Effect.map((ack): Execution => ({ _tag: "Sent", id, ack })),
          Effect.catchTag("BrokerRejected", (e) => Effect.succeed<Execution>({ _tag: "Refused", id, rule: e.code, message: e.message }))
        )
      })

    return { execute } as const
  })
}) {}
