// The order executor shared by backtest and live: one deterministic id per intent, at most one submission per
// id (a repeat is a no-op), and the risk rules checked in this one place before anything reaches the broker.
// The admission logic is a plain object (OrderGate) so a backtest's per-day batch calls it synchronously;
// the OrderExecutor service wraps the same gate around the Broker port.
import { Context, Effect, Either } from "effect"
import type { CostModel } from "../domain/krx/costs.js"
import { type ClientOrderId, clientOrderId, type IdParts, type OrderIntent, SentOrders } from "../domain/Order.js"
import type { Instant, TradeDate } from "../domain/Time.js"
import { checkOrder } from "../risk/checkOrder.js"
import type { RiskContext } from "../risk/RiskContext.js"
import type { RiskLimits } from "../risk/RiskLimits.js"
import { lossLimitLatch } from "../risk/rules.js"
import { Broker, type OrderAck } from "../services/Broker.js"
import type { BrokerUnavailable, OutcomeUnknown } from "../services/errors.js"

/** How orders are vetted: the risk limits (undefined = risk rules off) and the cost model they cost orders with. */
export interface ExecutionPolicyShape {
  readonly riskLimits: RiskLimits | undefined
  readonly costs: CostModel
}
export class ExecutionPolicy extends Context.Tag("trader/ExecutionPolicy")<ExecutionPolicy, ExecutionPolicyShape>() {}

/** The book and market facts the risk rules need, supplied by the caller only when the rules are on. */
export type RiskBook = Omit<RiskContext, "intent" | "now" | "tradeDate" | "recentOrderTimes" | "sentOrders" | "lossLimitBreachedOn" | "costs">

export type Execution =
  | { readonly _tag: "Sent"; readonly id: ClientOrderId; readonly ack: OrderAck }
  /** The same intent was executed before: nothing sent again. */
  | { readonly _tag: "AlreadySent"; readonly id: ClientOrderId }
  /** Refused by a risk rule or by the broker; final, nothing is open. */
  | { readonly _tag: "Refused"; readonly id: ClientOrderId; readonly rule: string; readonly message: string }

/**
 * The gate's verdict before the broker: send it (journalled now; its id is `clientOrderId(intent)`, built by a caller
 * that needs it), or the final answer.
 */
export type Admission =
  | { readonly _tag: "Admitted" }
  | Extract<Execution, { readonly _tag: "AlreadySent" | "Refused" }>

const ADMITTED: Admission = { _tag: "Admitted" }

const ORDER_RATE_MEMORY_MS = 60_000

/** When an order is sent (the order-rate window) and the trading day it is for (ticks, band, loss limit). */
export interface Timing {
  readonly now: Instant
  readonly tradeDate: TradeDate
}

export interface GateSeed {
  /** Intents of the orders already journalled: their ids are never admitted again. */
  readonly sent?: Iterable<IdParts>
  readonly recentOrderTimes?: ReadonlyArray<Instant>
  readonly lossLimitBreachedOn?: TradeDate | undefined
  /** Decision instants never go back (a backtest): the journal keeps only the latest one's intents (`SentOrders`). */
  readonly forwardOnly?: boolean
}

/**
 * The executor's state and rules without the broker: the in-memory journal of intents sent, the recent order times
 * and the daily-loss latch. `admit` journals an admitted intent before returning, so the caller must then submit
 * it exactly once; anything it returns other than Admitted is final.
 */
export class OrderGate {
  private readonly journal: SentOrders
  private recent: Array<Instant>
  private lossLimitBreachedOn: TradeDate | undefined

  /** `seed`: what a restarted live engine already knows from its durable journal (intents sent, recent sends, the latch). */
  constructor(private readonly policy: ExecutionPolicyShape, seed: GateSeed = {}) {
    this.journal = new SentOrders(seed.sent, seed.forwardOnly)
    this.recent = [...(seed.recentOrderTimes ?? [])]
    this.lossLimitBreachedOn = seed.lossLimitBreachedOn
  }

  /** The trading day the daily loss limit was breached on, as of the last check (persisted by the live engine). */
  get lossLimitLatch(): TradeDate | undefined {
    return this.lossLimitBreachedOn
  }

  admit(intent: OrderIntent, at: Timing, riskBook: () => RiskBook): Admission {
    if (this.journal.has(intent)) return { _tag: "AlreadySent", id: clientOrderId(intent) }
    const refused = this.refusal(intent, at, riskBook)
    if (refused !== undefined) return refused
    this.journal.add(intent)
    return ADMITTED
  }

  /** The risk verdict on an intent, or undefined when the rules are off or pass it. */
  private refusal(intent: OrderIntent, at: Timing, riskBook: () => RiskBook): Admission | undefined {
    const limits = this.policy.riskLimits
    if (limits === undefined) return undefined
    this.recent = this.recent.filter((t) => at.now - t < ORDER_RATE_MEMORY_MS)
    const ctx: RiskContext = {
      ...riskBook(),
      intent,
      now: at.now,
      tradeDate: at.tradeDate,
      recentOrderTimes: this.recent,
      sentOrders: this.journal,
      lossLimitBreachedOn: this.lossLimitBreachedOn,
      costs: this.policy.costs
    }
    this.lossLimitBreachedOn = lossLimitLatch(ctx, limits)
    const verdict = checkOrder(ctx, limits)
    if (Either.isLeft(verdict)) return { _tag: "Refused", id: clientOrderId(intent), rule: verdict.left.rule, message: verdict.left.message }
    this.recent.push(at.now)
    return undefined
  }
}

/** The executor over the Broker port; its journal is in memory for the life of the layer. */
export class OrderExecutor extends Effect.Service<OrderExecutor>()("trader/OrderExecutor", {
  effect: Effect.gen(function* () {
    const broker = yield* Broker
    const gate = new OrderGate(yield* ExecutionPolicy)

    /**
     * Executes an intent at most once. OutcomeUnknown / BrokerUnavailable from the broker pass through: the id
     * stays journalled, so a retry of the same intent never sends a second order.
     */
    const execute = (intent: OrderIntent, at: Timing, riskBook: () => RiskBook): Effect.Effect<Execution, OutcomeUnknown | BrokerUnavailable> =>
      Effect.suspend(() => {
        const admission = gate.admit(intent, at, riskBook)
        if (admission._tag !== "Admitted") return Effect.succeed(admission)
        const id = clientOrderId(intent)
        return broker.submit(id, intent).pipe(
          Effect.map((ack): Execution => ({ _tag: "Sent", id, ack })),
          Effect.catchTag("BrokerRejected", (e) => Effect.succeed<Execution>({ _tag: "Refused", id, rule: e.code, message: e.message }))
        )
      })

    return { execute } as const
  })
}) {}
