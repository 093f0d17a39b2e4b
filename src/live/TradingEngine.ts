// The live trading engine (paper and real money) over the Broker, MarketData, MarketClock and Store ports: write-ahead
// order journal, startup recovery by reconciliation, supervised price monitor / reconciler / strategy scheduler fibers.
import { Cause, Context, Data, Duration, Effect, Either, FiberSet, Layer, Schedule, type Scope, Stream } from "effect"
import type { TradingCalendar } from "../domain/krx/calendar.js"
import type { CostModel } from "../domain/krx/costs.js"
import { ordinaryStock } from "../domain/Market.js"
import type { Qty, Ticker, Won } from "../domain/Money.js"
import {
  type ClientOrderId,
  clientOrderId,
  type ExitLevels,
  isTerminal,
  newOrder,
  type Order,
  type OrderEvent,
  type OrderIntent,
  type OrderType,
  transition
} from "../domain/Order.js"
import { type Instant, kstDateOf, kstInstant, type TradeDate } from "../domain/Time.js"
import { exitTrigger, hasExits } from "../engine/exits.js"
import { type Execution, OrderGate, type RiskBook } from "../engine/OrderExecutor.js"
import { isDecisionDay, planDecision, type PlanBook, referencePrice, resolvePlan } from "../engine/runner.js"
import { buyCost } from "../risk/RiskContext.js"
import type { RiskLimits } from "../risk/RiskLimits.js"
import { Broker, type BrokerOrder } from "../services/Broker.js"
import type { BrokerUnavailable } from "../services/errors.js"
import { MarketClock } from "../services/MarketClock.js"
import { MarketData } from "../services/MarketData.js"
import { type Correction, emptyTradingState, type JournalOrder, type SetAside, Store, type StoreFailure, type TradingState } from "../services/Store.js"
import { type AnyStrategy, portfolioViewOf } from "../strategy/Strategy.js"
import {
  bookFill,
  equityOf,
  type FillContext,
  findOrder,
  foldJournal,
  isBlocked,
  liveOrders,
  markOf,
  pendingSell,
  positionQuantity,
  pruneForNewDay,
  unrealizedPnl,
  upsertOrder
} from "./ledger.js"
import { loadAsOfView } from "./liveView.js"
import { DEFAULT_RESOLUTION, orderNoKey, type ResolutionSettings } from "./orderResolution.js"
import { reconcile } from "./reconcile.js"

/** The steps of the order path, named so crash tests can stop the process at each one. */
export type OrderStep = "journaled" | "sent" | "acknowledged" | "filled"

export interface EngineSettings {
  readonly strategy: AnyStrategy | undefined
  readonly params: unknown
  /** Symbols the strategy decides over. */
  readonly universe: ReadonlyArray<Ticker>
  readonly riskLimits: RiskLimits | undefined
  readonly costs: CostModel
  readonly calendar: TradingCalendar
  /** KST wall-clock time `HHMMSS` at which a trading day's decision (on the previous close) is made. */
  readonly decisionTime: string
  readonly monitorEvery: Duration.Duration
  readonly reconcileEvery: Duration.Duration
  readonly schedulerEvery: Duration.Duration
  readonly resolution: ResolutionSettings
  /** Decide and log, never send. */
  readonly dryRun: boolean
  /** Realtime fill notices (KIS H0STCNI0), booked as they arrive; polling by the reconciler books whatever they miss. */
  readonly fillNotices?: Stream.Stream<FillNotice, unknown> | undefined
  /** Called after each step of the order path (crash tests stop the process here). */
  readonly onOrderStep?: ((step: OrderStep, id: ClientOrderId) => void) | undefined
}

/** `HHMMSS` as people read it: "084500" -> "08:45", "085030" -> "08:50:30". */
const wallClock = (hhmmss: string): string =>
  hhmmss.slice(4) === "00" ? `${hhmmss.slice(0, 2)}:${hhmmss.slice(2, 4)}` : `${hhmmss.slice(0, 2)}:${hhmmss.slice(2, 4)}:${hhmmss.slice(4)}`

export const DEFAULT_ENGINE_SETTINGS: Omit<EngineSettings, "strategy" | "params" | "universe" | "riskLimits" | "costs" | "calendar"> = {
  decisionTime: "084500",
  monitorEvery: Duration.seconds(2),
  reconcileEvery: Duration.seconds(60),
  schedulerEvery: Duration.seconds(15),
  resolution: DEFAULT_RESOLUTION,
  dryRun: false
}

export type RecoveryReport =
  /** No saved state: the account is taken from the broker as it stands (its cash, positions and orders). */
  | { readonly _tag: "NEW"; readonly corrections: ReadonlyArray<Correction>; readonly notes: ReadonlyArray<string> }
  | { readonly _tag: "CLEAN"; readonly notes: ReadonlyArray<string> }
  | {
    readonly _tag: "RECONCILED"
    readonly corrections: ReadonlyArray<Correction>
    readonly setAside: ReadonlyArray<SetAside>
    readonly notes: ReadonlyArray<string>
  }
  /** No trading: the reason says what failed (broker unreachable, state unwritable). */
  | { readonly _tag: "FAILED"; readonly reason: string }

/** What one order call returns: the shared executor's outcomes, plus an outcome to be settled by reconciliation. */
export type LiveExecution = Execution | { readonly _tag: "OutcomeUnknown"; readonly id: ClientOrderId; readonly message: string }

export interface PositionView {
  readonly ticker: Ticker
  readonly quantity: Qty
  readonly averagePrice: number
  readonly lastPrice: number | undefined
  readonly unrealizedPnl: number
  readonly exits: ExitLevels | undefined
}

export interface EngineStatus {
  readonly running: boolean
  readonly recovery: RecoveryReport | undefined
  readonly cash: Won
  readonly equity: Won
  readonly realizedPnl: Won
  readonly unrealizedPnl: number
  readonly positions: ReadonlyArray<PositionView>
  readonly openOrders: ReadonlyArray<Order>
  readonly blocked: TradingState["blocked"]
  readonly lastReconciliation: TradingState["lastReconciliation"]
  readonly counters: TradingState["counters"]
  /** Restarts of each supervised fiber after a crash. */
  readonly restarts: Readonly<Record<string, number>>
}

export interface TradingEngineApi {
  /** Loads state, reconciles with the broker, and (unless FAILED) starts the fibers. Trading waits for this. */
  readonly start: Effect.Effect<RecoveryReport>
  /** Stops new decisions, lets in-flight sends settle, saves state. Idempotent; also run when the scope closes. */
  readonly stop: Effect.Effect<void>
  readonly buy: (ticker: Ticker, quantity: Qty, type?: OrderType, exits?: ExitLevels) => Effect.Effect<LiveExecution, EngineNotReady | StoreFailure>
  readonly sell: (ticker: Ticker, quantity: Qty, type?: OrderType) => Effect.Effect<LiveExecution, EngineNotReady | StoreFailure>
  /** Executes an intent exactly once (the same intent again is a no-op). */
  readonly execute: (intent: OrderIntent) => Effect.Effect<LiveExecution, EngineNotReady | StoreFailure>
  /** Books a realtime fill notice (H0STCNI0); notices seen twice, or already polled, are ignored. */
  readonly onFillNotice: (notice: FillNotice) => Effect.Effect<void, StoreFailure>
  /** One reconciliation now (the reconciler fiber runs the same code). */
  readonly reconcileNow: Effect.Effect<ReadonlyArray<Correction>, BrokerUnavailable | StoreFailure>
  /** One strategy decision step now, if one is due (what the scheduler fiber runs). */
  readonly decideIfDue: Effect.Effect<DecisionOutcome, EngineNotReady | StoreFailure>
  /** One price-monitor pass now. */
  readonly monitorOnce: Effect.Effect<void>
  readonly positions: Effect.Effect<ReadonlyArray<PositionView>>
  readonly status: Effect.Effect<EngineStatus>
  /** A copy of the state as it would be saved. */
  readonly snapshot: Effect.Effect<TradingState>
}

export interface FillNotice {
  readonly brokerOrderId: string
  readonly quantity: number
  readonly price: number
  readonly at: Instant
  /** A key unique to this notice (order number, time, quantity, price). */
  readonly identity: string
}

export type DecisionOutcome =
  | { readonly _tag: "NotDue"; readonly why: string }
  | { readonly _tag: "Decided"; readonly asOf: TradeDate; readonly results: ReadonlyArray<LiveExecution> }

/** An order was asked for while the engine cannot trade (not started, recovery FAILED, stopping). */
export class EngineNotReady extends Data.TaggedError("EngineNotReady")<{ readonly message: string }> {}

export class TradingEngine extends Context.Tag("trader/TradingEngine")<TradingEngine, TradingEngineApi>() {}

/** Restart policy of a crashed background fiber: 1, 2, 4, 8, 16, then every 30 s, jittered. */
export const Backoff = Schedule.exponential("1 second").pipe(Schedule.union(Schedule.spaced("30 seconds")), Schedule.jittered)

const DECISION_TIME_OF_CLOSE = "153000"
const ORDER_RATE_WINDOW_MS = 60_000

export const makeTradingEngine = (settings: EngineSettings): Effect.Effect<TradingEngineApi, never, Broker | MarketData | MarketClock | Store | Scope.Scope> =>
  Effect.gen(function* () {
    const broker = yield* Broker
    const data = yield* MarketData
    const clock = yield* MarketClock
    const store = yield* Store
    const fibers = yield* FiberSet.make()
    const lock = yield* Effect.makeSemaphore(1)

    let state: TradingState = emptyTradingState(0 as Instant)
    let seq = 0
    let recovery: RecoveryReport | undefined
    let running = false
    let stopping = false
    const inFlight = new Set<ClientOrderId>()
    /** Every id in the journal, for the idempotency check, kept in step with `state`. */
    let journalled = new Set<ClientOrderId>()
    let gate = new OrderGate({ riskLimits: settings.riskLimits, costs: settings.costs })
    const restarts: Record<string, number> = {}
    const lastQuote = new Map<Ticker, { price: number; base: number; date: TradeDate }>()
    const noticeFilled = new Map<ClientOrderId, number>()

    const fillContext: FillContext = {
      costs: settings.costs,
      instrumentOf: () => ordinaryStock("KOSPI"),
      settlementDate: (d) => settings.calendar.settlementDate(d)
    }
    const serialized = lock.withPermits(1)
    const probe = (step: OrderStep, id: ClientOrderId) => Effect.sync(() => settings.onOrderStep?.(step, id))

    const journal = (entry: JournalOrder) =>
      Effect.gen(function* () {
        seq += 1
        yield* store.append({ _tag: "OrderRecorded", seq, order: entry })
        state = { ...upsertOrder(state, entry), journalSeq: seq }
        journalled.add(entry.order.id)
      })

    const checkpoint = Effect.gen(function* () {
      state = { ...state, journalSeq: seq, updatedAt: yield* clock.now, counters: { ...state.counters, fiberRestarts: { ...restarts } } }
      yield* store.checkpoint(state)
    })

    const step = (entry: JournalOrder, event: OrderEvent): JournalOrder =>
      Either.match(transition(entry.order, event), {
        onLeft: () => entry, // the broker already moved it on (a fill seen before the acknowledgement)
        onRight: (order) => ({ ...entry, order })
      })

    // ---- the day: start-of-day equity and the loss-limit latch roll over on a new trading day
    const rollDay = (today: TradeDate) => {
      if (state.day?.tradeDate === today) return
      state = { ...pruneForNewDay(state, today), day: { tradeDate: today, startOfDayEquity: equityOf(state) } }
      journalled = new Set(state.orders.map((o) => o.order.id))
    }

    // ---- orders
    /** Send times of the journal's orders within the order-rate window before `now`. */
    const recentSends = (now: Instant): Array<Instant> => {
      const recent: Array<Instant> = []
      for (let i = state.orders.length - 1; i >= 0; i--) {
        const o = state.orders[i]!
        if (now - o.journaledAt >= ORDER_RATE_WINDOW_MS) break // journalled in time order
        if (o.sentAt !== undefined) recent.push(o.sentAt)
      }
      return recent
    }

    /** The book and market facts the shared gate's risk rules check an order of `ticker` against. */
    const riskBook = (ticker: Ticker, phase: RiskBook["phase"]): RiskBook => {
      const openOrders: Array<RiskBook["openOrders"][number]> = []
      for (const o of state.orders) {
        if (isTerminal(o.order.state)) continue
        const remaining = o.order.intent.quantity - o.order.filledQuantity
        const t = o.order.intent.type
        const price = t._tag === "limit" ? t.price : lastQuote.get(o.order.intent.ticker)?.price ?? 0
        openOrders.push({
          id: o.order.id,
          ticker: o.order.intent.ticker,
          side: o.order.intent.side,
          remainingQuantity: remaining as Qty,
          reservedCash: (o.order.intent.side === "buy" ? buyCost(remaining, price, settings.costs) : 0) as Won
        })
      }
      return {
        instrument: fillContext.instrumentOf(ticker),
        basePrice: Math.round(lastQuote.get(ticker)?.base ?? 0) as Won,
        phase,
        cash: state.cash,
        equity: equityOf(state),
        startOfDayEquity: state.day?.startOfDayEquity ?? equityOf(state),
        holdings: state.positions.map((p) => ({ ticker: p.ticker, quantity: p.quantity, markPrice: Math.round(markOf(p)) as Won })),
        openOrders
      }
    }

    /** Vets and journals the intent under the lock; returns the journal entry to send, or the final answer. */
    const admit = (intent: OrderIntent) =>
      serialized(Effect.gen(function* () {
        const id = clientOrderId(intent)
        if (!running || stopping) return yield* new EngineNotReady({ message: recovery?._tag === "FAILED" ? `recovery failed: ${recovery.reason}` : "the engine is not running" })
        if (journalled.has(id)) return { _tag: "AlreadySent", id } as const
        if (isBlocked(state, intent.ticker)) {
          const why = state.blocked.find((b) => b.ticker === intent.ticker)!.reason
          return { _tag: "Refused", id, rule: "blocked symbol", message: why } as const
        }
        const now = yield* clock.now
        const today = yield* clock.today
        rollDay(today)
        const phase = yield* clock.phase
        // the same gate as backtests: idempotency, every risk rule, the order-rate window and the daily-loss latch
        const admission = gate.admit(intent, { now, tradeDate: today }, () => riskBook(intent.ticker, phase))
        const latch = gate.lossLimitLatch
        if (state.day !== undefined && latch !== state.day.lossLimitBreachedOn) {
          const { lossLimitBreachedOn: _, ...day } = state.day
          state = { ...state, day: latch === undefined ? day : { ...day, lossLimitBreachedOn: latch } }
        }
        if (admission._tag !== "Admitted") return admission
        if (settings.dryRun) return { _tag: "Refused", id, rule: "dry run", message: "--dry-run: logged, not sent" } as const
        const entry = step({ order: newOrder(intent, now), tradeDate: today, journaledAt: now, sentAt: now, chain: [] }, { _tag: "Submit", at: now })
        yield* journal(entry) // write-ahead: durable before the network
        inFlight.add(id)
        return { _tag: "Send", entry } as const
      }))

    /**
     * Sends once; the send and its recording are not interruptible, so stopping lets an in-flight order settle. The
     * send's time limit is the adapter's (KisClient's request timeout ends in OutcomeUnknown): a second timer here
     * would cost a fiber per order for nothing.
     */
    const send = (entry: JournalOrder): Effect.Effect<LiveExecution, StoreFailure> => {
      const id = entry.order.id
      const record = (f: (current: JournalOrder, at: Instant) => JournalOrder) =>
        serialized(Effect.gen(function* () {
          const at = yield* clock.now
          yield* journal(f(findOrder(state, id) ?? entry, at))
        }))
      return Effect.gen(function* () {
        yield* probe("journaled", id)
        const outcome = yield* broker.submit(id, entry.order.intent).pipe(
          Effect.either
        )
        yield* probe("sent", id)
        if (Either.isRight(outcome)) {
          const ack = outcome.right
          yield* record((o) => ({
            ...step(o, { _tag: "Accept", brokerOrderId: ack.brokerOrderId, at: ack.acceptedAt }),
            chain: o.chain.some((l) => l.brokerOrderId === ack.brokerOrderId) ? o.chain : [...o.chain, { brokerOrderId: ack.brokerOrderId, kind: "new", at: ack.acceptedAt }]
          }))
          yield* probe("acknowledged", id)
          return { _tag: "Sent", id, ack } satisfies LiveExecution
        }
        const e = outcome.left
        switch (e._tag) {
          case "BrokerRejected":
            yield* record((o, at) => step(o, { _tag: "Reject", reason: `${e.code} ${e.message}`, at }))
            return { _tag: "Refused", id, rule: e.code, message: e.message } satisfies LiveExecution
          case "BrokerUnavailable":
            yield* record((o, at) => step(o, { _tag: "Reject", reason: `not sent: ${e.message}`, at }))
            return { _tag: "Refused", id, rule: "broker unavailable", message: e.message } satisfies LiveExecution
          case "OutcomeUnknown":
            yield* record((o, at) => step(o, { _tag: "LoseTrack", reason: e.message, at }))
            yield* Effect.logWarning("order outcome unknown: reconciliation will match it against the broker's orders").pipe(Effect.annotateLogs({ id, reason: e.message }))
            return { _tag: "OutcomeUnknown", id, message: e.message } satisfies LiveExecution
        }
      }).pipe(
        Effect.ensuring(Effect.sync(() => inFlight.delete(id))),
        Effect.uninterruptible
      )
    }

    /** The risk rules need the day's base price (the ±30 % band): quote symbols the monitor has not seen today. */
    const ensureQuote = (ticker: Ticker) =>
      Effect.gen(function* () {
        if (settings.riskLimits === undefined || lastQuote.get(ticker)?.date === (yield* clock.today)) return
        const q = yield* data.quote(ticker).pipe(Effect.option)
        if (q._tag === "Some") lastQuote.set(ticker, { price: q.value.price, base: q.value.basePrice, date: kstDateOf(q.value.at) })
      })

    const execute = (intent: OrderIntent): Effect.Effect<LiveExecution, EngineNotReady | StoreFailure> =>
      Effect.zipRight(ensureQuote(intent.ticker), admit(intent)).pipe(Effect.flatMap((admitted) => (admitted._tag === "Send" ? send(admitted.entry) : Effect.succeed(admitted)))).pipe(
        Effect.tap((r) => Effect.logInfo(`order ${r._tag}`).pipe(Effect.annotateLogs({ id: r.id, ticker: intent.ticker, side: intent.side, quantity: intent.quantity, reason: intent.reason ?? "" })))
      )

    const manualIntent = (ticker: Ticker, side: "buy" | "sell", quantity: Qty, type: OrderType, exits?: ExitLevels) =>
      Effect.map(clock.now, (now): OrderIntent => ({
        strategy: "manual",
        decidedAt: now,
        ticker,
        side,
        quantity,
        type,
        ...(exits === undefined ? {} : { exits })
      }))

    // ---- reconciliation
    /** Brings the state to the broker's; `adopting`: a new state taking the account as it is, not a difference to warn of. */
    const reconcileWith = (adopting: boolean) => Effect.gen(function* () {
      const account = yield* broker.account
      const today = yield* clock.today
      const dates = new Set<TradeDate>([today, ...liveOrders(state).map((o) => o.tradeDate)])
      const rows: Array<BrokerOrder> = []
      for (const d of [...dates].sort()) rows.push(...(yield* broker.dailyOrders(d)))
      return yield* serialized(Effect.gen(function* () {
        const now = yield* clock.now
        const result = reconcile(state, { account, rows, now, today, inFlight, resolution: settings.resolution, fills: fillContext })
        state = result.state
        rollDay(today)
        for (const f of result.fills) yield* probe("filled", f.orderId)
        if (result.corrections.length > 0) {
          yield* (adopting
            ? Effect.logInfo("new state: the broker's account taken as it stands")
            : Effect.logWarning(`reconciliation corrected ${result.corrections.length} difference(s) to the broker's`)).pipe(
            Effect.annotateLogs({ corrections: JSON.stringify(result.corrections) })
          )
        }
        yield* checkpoint
        return result.corrections
      }))
    }).pipe(Effect.withSpan("TradingEngine.reconcile"))
    const reconcileNow = reconcileWith(false)

    // ---- fill notices
    const onFillNotice = (notice: FillNotice) =>
      serialized(Effect.gen(function* () {
        const entry = state.orders.find((o) => o.chain.some((l) => orderNoKey(l.brokerOrderId) === orderNoKey(notice.brokerOrderId)))
        if (entry === undefined) return // not ours, or before the acknowledgement: polling will book it
        const key = `notice:${notice.identity}`
        if (state.processedFills.includes(key)) return
        const seen = (noticeFilled.get(entry.order.id) ?? 0) + notice.quantity
        noticeFilled.set(entry.order.id, seen)
        const booked = bookFill(state, entry.order.id, { key, cumulative: seen, price: notice.price, at: notice.at }, fillContext)
        if (booked._tag === "Duplicate") return
        state = booked.state
        yield* probe("filled", entry.order.id)
        yield* checkpoint
      }))

    // ---- price monitor: marks positions, fires stop-loss / take-profit through the executor
    const monitorOnce = Effect.gen(function* () {
      const tickers = state.positions.filter((p) => p.quantity > 0).map((p) => p.ticker)
      for (const ticker of tickers) {
        const quote = yield* data.quote(ticker).pipe(Effect.option)
        if (quote._tag === "None") continue
        const q = quote.value
        lastQuote.set(ticker, { price: q.price, base: q.basePrice, date: kstDateOf(q.at) })
        const exit = yield* serialized(Effect.sync(() => {
          state = { ...state, positions: state.positions.map((p) => (p.ticker === ticker ? { ...p, lastPrice: q.price } : p)) }
          const p = state.positions.find((x) => x.ticker === ticker)
          if (p === undefined || !hasExits(p.exits) || isBlocked(state, ticker)) return undefined
          const kind = exitTrigger(p.exits, q.price)
          const free = p.quantity - pendingSell(state, ticker)
          return kind === undefined || free <= 0 ? undefined : { kind, levels: p.exits, free }
        }))
        if (exit === undefined) continue
        // live, a crossed stop is sold at market at once; a take-profit keeps its limit, as the backtest's exit order
        const type: OrderType = exit.kind === "stop-loss" ? { _tag: "market" } : { _tag: "limit", price: exit.levels.takeProfit! }
        yield* execute({
          strategy: `${settings.strategy?.name ?? "manual"}/${exit.kind}`,
          decidedAt: (Math.floor(q.at / 1000) * 1000) as Instant,
          ticker,
          side: "sell",
          quantity: exit.free as Qty,
          type,
          reason: exit.kind
        }).pipe(Effect.catchAll((e) => Effect.logWarning(`exit order not placed: ${e.message}`)))
      }
    }).pipe(Effect.withSpan("TradingEngine.monitor"))

    // ---- strategy scheduler
    const decideIfDue: Effect.Effect<DecisionOutcome, EngineNotReady | StoreFailure> = Effect.gen(function* () {
      const strategy = settings.strategy
      if (strategy === undefined) return { _tag: "NotDue", why: "no strategy" } as const
      const today = yield* clock.today
      if (!clock.isTradingDay(today)) return { _tag: "NotDue", why: `${today} is not a trading day` } as const
      const now = yield* clock.now
      if (now < kstInstant(today, settings.decisionTime)) return { _tag: "NotDue", why: `before the decision time ${wallClock(settings.decisionTime)} KST` } as const
      const phase = yield* clock.phase
      if (settings.riskLimits !== undefined && settings.riskLimits.enforceTradingHours && !settings.riskLimits.orderPhases.includes(phase)) {
        return { _tag: "NotDue", why: `market phase ${phase} takes no orders` } as const
      }
      const asOf = settings.calendar.previousTradingDay(today)
      const recorded = state.lastDecision
      let intents: ReadonlyArray<OrderIntent>
      if (recorded !== undefined && recorded.asOf >= asOf) {
        // decided before (maybe before a crash): finish its intents; sent ones are no-ops by their ids
        if (recorded.intents.every((i) => findOrder(state, clientOrderId(i)) !== undefined)) return { _tag: "NotDue", why: `decision on ${asOf} done` } as const
        intents = recorded.intents
      } else {
        const decided = isDecisionDay(strategy.schedule(settings.params), asOf, settings.calendar) ? yield* decide(strategy, asOf) : []
        // no data, no decision, and nothing recorded: the next pass tries again
        if (decided === undefined) return { _tag: "NotDue", why: `market data for the decision on ${asOf} is unavailable` } as const
        intents = decided
        yield* serialized(Effect.gen(function* () {
          seq += 1
          const decision = { asOf, intents }
          yield* store.append({ _tag: "DecisionRecorded", seq, decision })
          state = { ...state, lastDecision: decision, journalSeq: seq }
        }))
      }
      const results: Array<LiveExecution> = []
      for (const intent of intents) results.push(yield* execute(intent))
      return { _tag: "Decided", asOf, results } as const
    })

    const decide = (strategy: AnyStrategy, asOf: TradeDate) =>
      Effect.gen(function* () {
        const warmup = strategy.warmupBars?.(settings.params) ?? 250
        const view = yield* loadAsOfView(settings.universe, asOf, warmup).pipe(
          Effect.provideService(MarketData, data),
          Effect.catchAll((e) => Effect.as(Effect.logWarning(`no decision on ${asOf}: ${e.message}`), undefined))
        )
        if (view === undefined) return undefined
        const closeOf = (t: Ticker) => {
          const s = view.bars(t)
          return s.length > 0 ? s.close(s.length - 1) : undefined
        }
        const equity = state.positions.reduce((sum, p) => sum + p.quantity * (closeOf(p.ticker) ?? markOf(p)), state.cash as number)
        const portfolio = portfolioViewOf({
          cash: state.cash,
          equity: Math.round(equity) as Won,
          holdings: state.positions.map((p) => ({ ticker: p.ticker, quantity: p.quantity, averagePrice: p.quantity === 0 ? 0 : p.costBasis / p.quantity, openedOn: p.openedOn })),
          openOrders: liveOrders(state).map((o) => ({ ticker: o.order.intent.ticker, side: o.order.intent.side, quantity: (o.order.intent.quantity - o.order.filledQuantity) as Qty }))
        })
        const book: PlanBook = { equity, held: (t) => positionQuantity(state, t), pendingSell: (t) => pendingSell(state, t), asOfClose: closeOf }
        const decidedAt = kstInstant(asOf, DECISION_TIME_OF_CLOSE)
        const intents: Array<OrderIntent> = []
        let freeCash = state.cash as number
        for (const decision of strategy.decide(view, portfolio, settings.params).decisions) {
          const plan = planDecision(decision, book)
          const close = plan === undefined ? undefined : closeOf(plan.ticker)
          if (plan === undefined || close === undefined) continue
          const price = referencePrice(plan.type, close)
          const intent = resolvePlan(plan, strategy.name, decidedAt, price, freeCash, settings.costs)
          if (intent === undefined) continue
          if (intent.side === "buy") freeCash -= buyCost(intent.quantity, price, settings.costs)
          intents.push(intent)
        }
        return intents
      })

    // ---- supervision (STYLE.md §8): body → catch typed failures → repeat; a crash restarts the loop with backoff
    const supervise = <E>(name: string, body: Effect.Effect<unknown, E>, every: Duration.Duration) =>
      body.pipe(
        Effect.catchAll((e) => Effect.logWarning(`${name} pass failed`, e)),
        Effect.repeat(Schedule.spaced(every)),
        Effect.sandbox, // a defect is a crash too: retry sees it as a failure
        Effect.tapError((cause) =>
          Effect.sync(() => { restarts[name] = (restarts[name] ?? 0) + 1 }).pipe(
            Effect.zipRight(Effect.logError(`${name} crashed; restarting`, Cause.pretty(cause)))
          )),
        Effect.retry({ schedule: Backoff, while: (cause) => !Cause.isInterruptedOnly(cause) }),
        Effect.annotateLogs({ fiber: name }),
        FiberSet.run(fibers)
      )

    const start: Effect.Effect<RecoveryReport> = Effect.gen(function* () {
      if (recovery !== undefined) return recovery
      const loaded = yield* store.load
      const now = yield* clock.now
      const base = loaded.snapshot._tag === "Some" ? loaded.snapshot.value : emptyTradingState(now)
      state = foldJournal(base, loaded.journal)
      seq = state.journalSeq
      journalled = new Set(state.orders.map((o) => o.order.id))
      gate = new OrderGate({ riskLimits: settings.riskLimits, costs: settings.costs }, {
        sent: state.orders.map((o) => o.order.intent),
        recentOrderTimes: recentSends(now),
        lossLimitBreachedOn: state.day?.lossLimitBreachedOn
      })
      const notes = [...loaded.notes, ...loaded.setAside.map((s) => `state ${s.file} set aside as ${s.movedTo}: ${s.reason}; rebuilding from the broker`)]
      for (const n of notes) yield* Effect.logWarning(n)
      // orders journalled by an earlier process and never acknowledged may have reached the broker
      for (const o of state.orders) {
        if (o.order.state === "pending-submit") state = upsertOrder(state, step(o, { _tag: "LoseTrack", reason: "process ended during the send", at: now }))
      }
      const isNew = loaded.snapshot._tag === "None" && loaded.journal.length === 0 && loaded.setAside.length === 0
      const corrections = yield* reconcileWith(isNew)
      running = true
      const report: RecoveryReport = isNew
        ? { _tag: "NEW", corrections, notes }
        : corrections.length === 0 && loaded.setAside.length === 0 && loaded.snapshot._tag === "Some"
        ? { _tag: "CLEAN", notes }
        : { _tag: "RECONCILED", corrections, setAside: loaded.setAside, notes }
      return report
    }).pipe(
      Effect.catchAll((e) => Effect.succeed<RecoveryReport>({ _tag: "FAILED", reason: `${e._tag}: ${e.message}` })),
      Effect.tap((report) => Effect.sync(() => { recovery = report })),
      Effect.tap((report) =>
        report._tag === "FAILED"
          ? Effect.logError(`recovery FAILED, not trading: ${report.reason}`)
          : Effect.all([
            supervise("reconciler", Effect.delay(reconcileNow, settings.reconcileEvery), Duration.zero),
            supervise("priceMonitor", monitorOnce, settings.monitorEvery),
            supervise("scheduler", decideIfDue, settings.schedulerEvery),
            settings.fillNotices === undefined ? Effect.void
              // a notice stream ends only when its client gives up: the restart opens a new one
              : supervise("fillNotices", Stream.runForEach(settings.fillNotices, onFillNotice), Duration.seconds(1))
          ], { discard: true }))
    )

    const stop = Effect.gen(function* () {
      if (!running || stopping) return
      stopping = true
      yield* FiberSet.clear(fibers) // sends in progress are uninterruptible: they finish and are journalled first
      yield* serialized(checkpoint).pipe(Effect.catchAll((e) => Effect.logError(`could not save state on stop: ${e.message}`)))
      running = false
    })
    yield* Effect.addFinalizer(() => stop)

    const positions = Effect.sync(() =>
      state.positions.map((p): PositionView => ({
        ticker: p.ticker,
        quantity: p.quantity,
        averagePrice: p.quantity === 0 ? 0 : p.costBasis / p.quantity,
        lastPrice: p.lastPrice,
        unrealizedPnl: unrealizedPnl(p),
        exits: p.exits
      })))

    return {
      start,
      stop,
      execute,
      buy: (ticker, quantity, type = { _tag: "market" }, exits) => Effect.flatMap(manualIntent(ticker, "buy", quantity, type, exits), execute),
      sell: (ticker, quantity, type = { _tag: "market" }) => Effect.flatMap(manualIntent(ticker, "sell", quantity, type), execute),
      onFillNotice,
      reconcileNow,
      decideIfDue,
      monitorOnce,
      positions,
      snapshot: Effect.sync(() => ({ ...state, journalSeq: seq })),
      status: Effect.map(positions, (ps): EngineStatus => ({
        running,
        recovery,
        cash: state.cash,
        equity: equityOf(state),
        realizedPnl: state.realizedPnl,
        unrealizedPnl: ps.reduce((s, p) => s + p.unrealizedPnl, 0),
        positions: ps,
        openOrders: liveOrders(state).map((o) => o.order),
        blocked: state.blocked,
        lastReconciliation: state.lastReconciliation,
        counters: state.counters,
        restarts: { ...restarts }
      }))
    } satisfies TradingEngineApi
  })

export const TradingEngineLive = (settings: EngineSettings) => Layer.scoped(TradingEngine, makeTradingEngine(settings))
