// The live engine over a fake exchange: exactly-once orders across retries and crashes, unknown outcomes resolved
// against the broker's orders, fills booked once from polling and notices, recovery reports, exits, supervision.
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, FastCheck, Layer, Scope, TestClock } from "effect"
import type { Qty, Won } from "../../src/domain/Money.js"
import { clientOrderId, newOrder, type OrderIntent, transition } from "../../src/domain/Order.js"
import type { Instant, TradeDate } from "../../src/domain/Time.js"
import { kstInstant } from "../../src/domain/Time.js"
import { emptyTradingState, type JournalOrder } from "../../src/services/Store.js"
import { DEFAULT_RISK_LIMITS } from "../../src/risk/RiskLimits.js"
import type { AnyStrategy } from "../../src/strategy/Strategy.js"
import { TradingEngine, TradingEngineLive } from "../../src/live/TradingEngine.js"
import { MemoryStoreLive } from "../../src/persistence/MemoryStore.js"
import { emptyContents, engineOver, TEST_SETTINGS } from "./support/engineHarness.js"
import { fakeMarketLayer, fillOrder, makeExchange, placeDirect, SESSION_NOW, ticker } from "./support/fakeMarket.js"

const A = ticker("005930"), B = ticker("000660"), C = ticker("035420")

const intentOf = (over: Partial<OrderIntent> = {}): OrderIntent => ({
  strategy: "test",
  decidedAt: SESSION_NOW as Instant,
  ticker: A,
  side: "buy",
  quantity: 10 as Qty,
  type: { _tag: "limit", price: 70_000 as Won },
  ...over
})

/** The journal entry an earlier process wrote just before sending (then died). */
const pendingEntry = (intent: OrderIntent, at: number): JournalOrder => {
  const order = transition(newOrder(intent, at as Instant), { _tag: "Submit", at: at as Instant })
  if (order._tag === "Left") throw order.left
  return { order: order.right, tradeDate: "2026-11-25" as TradeDate, journaledAt: at as Instant, sentAt: at as Instant, chain: [] }
}

describe("TradingEngine orders", () => {
  it.scoped("executing the same intent twice submits once", () =>
    Effect.gen(function* () {
      const ex = makeExchange()
      const engine = yield* engineOver(ex, emptyContents())
      expect((yield* engine.start)._tag).toBe("NEW")
      const first = yield* engine.execute(intentOf())
      const second = yield* engine.execute(intentOf())
      expect(first._tag).toBe("Sent")
      expect(second._tag).toBe("AlreadySent")
      expect(ex.received).toHaveLength(1)
    }))

  it.scoped.prop("any sequence of repeated intents sends each distinct intent exactly once", [FastCheck.array(FastCheck.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 20 })], ([picks]) =>
    Effect.gen(function* () {
      const ex = makeExchange(1e12)
      const engine = yield* engineOver(ex, emptyContents())
      yield* engine.start
      for (const k of picks) yield* engine.execute(intentOf({ quantity: (k + 1) as Qty }))
      expect(ex.received.length).toBe(new Set(picks).size)
      expect(new Set(ex.received.map((r) => r.id)).size).toBe(ex.received.length)
    }), { fastCheck: { numRuns: 25 } })

  it.scoped("a crash between the journal write and the send: the order is resolved as not sent, never resent", () =>
    Effect.gen(function* () {
      const ex = makeExchange()
      const intent = intentOf()
      const contents = emptyContents()
      contents.journal.push({ _tag: "OrderRecorded", seq: 1, order: pendingEntry(intent, ex.now - 1_000) })
      const engine = yield* engineOver(ex, contents)
      yield* engine.start
      expect((yield* engine.snapshot).orders[0]!.order.state).toBe("unknown") // inside the grace period
      ex.now += 31_000
      const corrections = yield* engine.reconcileNow
      expect(corrections).toContainEqual({ _tag: "OrderResolved", id: clientOrderId(intent), outcome: "not sent: no matching broker order" })
      const order = (yield* engine.snapshot).orders[0]!.order
      expect([order.state, order.reason]).toEqual(["rejected", "not sent"])
      expect((yield* engine.execute(intent))._tag).toBe("AlreadySent")
      expect(ex.received).toHaveLength(0)
    }))

  it.scoped("a crash after the send: the broker's order is matched, linked and its fill booked", () =>
    Effect.gen(function* () {
      const ex = makeExchange()
      const intent = intentOf()
      const contents = emptyContents()
      contents.journal.push({ _tag: "OrderRecorded", seq: 1, order: pendingEntry(intent, ex.now - 1_000) })
      const row = placeDirect(ex, intent)
      fillOrder(ex, row.brokerOrderId, 10, 70_000)
      const engine = yield* engineOver(ex, contents)
      const report = yield* engine.start
      expect(report._tag).toBe("RECONCILED")
      const order = (yield* engine.snapshot).orders[0]!
      expect(order.chain.map((l) => l.brokerOrderId)).toEqual([row.brokerOrderId])
      expect(order.order.state).toBe("filled")
      expect((yield* engine.positions).map((p) => [p.ticker, p.quantity])).toEqual([[A, 10]])
      expect((yield* engine.execute(intent))._tag).toBe("AlreadySent")
      expect(ex.rows).toHaveLength(1)
    }))

  it.scoped("several matching broker orders: the symbol is blocked and nothing is resent", () =>
    Effect.gen(function* () {
      const ex = makeExchange()
      const intent = intentOf()
      const contents = emptyContents()
      contents.journal.push({ _tag: "OrderRecorded", seq: 1, order: pendingEntry(intent, ex.now - 1_000) })
      placeDirect(ex, intent)
      placeDirect(ex, intent)
      const engine = yield* engineOver(ex, contents)
      const report = yield* engine.start
      expect(report._tag === "RECONCILED" && report.corrections.some((c) => c._tag === "SymbolBlocked" && c.ticker === A)).toBe(true)
      const refused = yield* engine.execute(intentOf({ quantity: 1 as Qty }))
      expect(refused._tag === "Refused" && refused.rule).toBe("blocked symbol")
      expect((yield* engine.status).blocked.map((b) => b.ticker)).toEqual([A])
      expect(ex.rows).toHaveLength(2)
    }))

  it.scoped("a lost acknowledgement leaves the outcome unknown until reconciliation finds the order", () =>
    Effect.gen(function* () {
      const ex = makeExchange()
      ex.faults.push("lose-acknowledgement")
      const engine = yield* engineOver(ex, emptyContents())
      yield* engine.start
      const result = yield* engine.execute(intentOf())
      expect(result._tag).toBe("OutcomeUnknown")
      yield* engine.reconcileNow
      const order = (yield* engine.snapshot).orders[0]!
      expect([order.order.state, order.chain[0]?.brokerOrderId]).toEqual(["accepted", ex.received[0]!.brokerOrderId])
      expect(ex.received).toHaveLength(1)
    }))

  it.scoped("broker rejections and provably unsent orders are final and journalled", () =>
    Effect.gen(function* () {
      const ex = makeExchange()
      ex.faults.push("reject", "unavailable")
      const engine = yield* engineOver(ex, emptyContents())
      yield* engine.start
      const r1 = yield* engine.execute(intentOf())
      const r2 = yield* engine.execute(intentOf({ quantity: 3 as Qty }))
      expect([r1._tag, r2._tag]).toEqual(["Refused", "Refused"])
      expect((yield* engine.snapshot).orders.map((o) => o.order.state)).toEqual(["rejected", "rejected"])
    }))
})

describe("TradingEngine risk gate (shared with backtests)", () => {
  const limits = { ...DEFAULT_RISK_LIMITS, maxPositionPct: 100 }

  it.scoped("refuses orders outside trading hours and beyond cash, naming the rule; nothing reaches the broker", () =>
    Effect.gen(function* () {
      const ex = makeExchange(1_000_000)
      ex.quotes.set(A, 70_000)
      const engine = yield* engineOver(ex, emptyContents(), { riskLimits: limits })
      yield* engine.start
      const tooBig = yield* engine.execute(intentOf({ quantity: 100 as Qty }))
      expect(tooBig._tag === "Refused" && tooBig.rule).toBe("cash")
      ex.now = kstInstant("2026-11-25" as TradeDate, "200000")
      const late = yield* engine.execute(intentOf({ quantity: 1 as Qty }))
      expect(late._tag === "Refused" && late.rule).toBe("trading hours")
      expect(ex.received).toHaveLength(0)
    }))

  it.scoped("the daily loss latch survives a restart: only sells until the next session", () =>
    Effect.gen(function* () {
      const ex = makeExchange(10_000_000)
      ex.quotes.set(A, 70_000)
      const contents = emptyContents()
      const engine = yield* engineOver(ex, contents, { riskLimits: limits })
      yield* engine.start
      ex.cash = 9_000_000 // a 10 % loss on the day, as the broker reports it
      yield* engine.reconcileNow
      const buy = yield* engine.execute(intentOf({ quantity: 1 as Qty }))
      expect(buy._tag === "Refused" && buy.rule).toBe("daily loss")
      yield* engine.stop
      ex.cash = 10_000_000
      const restarted = yield* engineOver(ex, contents, { riskLimits: limits })
      yield* restarted.start
      const again = yield* restarted.execute(intentOf({ quantity: 2 as Qty }))
      expect(again._tag === "Refused" && again.rule).toBe("daily loss")
    }))
})

describe("TradingEngine fills", () => {
  it.scoped("a fill seen as a notice and by polling is booked once, in either order", () =>
    Effect.gen(function* () {
      const ex = makeExchange()
      const engine = yield* engineOver(ex, emptyContents())
      yield* engine.start
      const sent = yield* engine.execute(intentOf())
      if (sent._tag !== "Sent") throw new Error("not sent")
      const no = sent.ack.brokerOrderId
      fillOrder(ex, no, 4, 70_000)
      const notice = { brokerOrderId: no.replace(/^0+/, ""), quantity: 4, price: 70_000, at: ex.now as Instant, identity: `${no}:100001:4` }
      yield* engine.onFillNotice(notice)
      yield* engine.onFillNotice(notice)
      yield* engine.reconcileNow
      fillOrder(ex, no, 6, 70_100)
      yield* engine.reconcileNow // polling first this time
      yield* engine.onFillNotice({ ...notice, quantity: 6, price: 70_100, identity: `${no}:100002:6` })
      const state = yield* engine.snapshot
      expect(state.orders[0]!.order.filledQuantity).toBe(10)
      expect(state.positions).toEqual([expect.objectContaining({ ticker: A, quantity: 10, costBasis: 4 * 70_000 + 6 * 70_100 })])
      expect(state.lastReconciliation?.corrections).toEqual([])
    }))
})

describe("TradingEngine recovery", () => {
  it.scoped("reconciliation corrects orphan, missing and mismatched positions and cash to the broker's", () =>
    Effect.gen(function* () {
      const ex = makeExchange(5_000_000)
      ex.holdings.set(B, { quantity: 5, cost: 500_000 })
      ex.holdings.set(C, { quantity: 7, cost: 1_400_000 })
      const base = emptyTradingState(0 as Instant)
      const contents = emptyContents()
      contents.snapshot = {
        ...base,
        cash: 6_000_000 as Won,
        positions: [
          { ticker: A, quantity: 10 as Qty, costBasis: 700_000 as Won, openedOn: "2026-11-20" as TradeDate },
          { ticker: C, quantity: 3 as Qty, costBasis: 600_000 as Won, openedOn: "2026-11-20" as TradeDate, exits: { stopLoss: 150_000 as Won } }
        ]
      }
      const engine = yield* engineOver(ex, contents)
      const report = yield* engine.start
      expect(report._tag).toBe("RECONCILED")
      if (report._tag !== "RECONCILED") return
      expect(report.corrections).toEqual(expect.arrayContaining([
        { _tag: "MissingPosition", ticker: A, localQuantity: 10 },
        { _tag: "QuantityMismatch", ticker: C, localQuantity: 3, brokerQuantity: 7 },
        { _tag: "OrphanPosition", ticker: B, brokerQuantity: 5 },
        { _tag: "CashMismatch", local: 6_000_000, broker: 5_000_000 }
      ]))
      const state = yield* engine.snapshot
      expect(state.positions.map((p) => [p.ticker, p.quantity, p.costBasis]).sort()).toEqual([[B, 5, 500_000], [C, 7, 1_400_000]].sort())
      expect(state.positions.find((p) => p.ticker === C)?.exits).toEqual({ stopLoss: 150_000 }) // levels survive a correction
      expect(state.cash).toBe(5_000_000)
      expect((yield* engine.status).counters.corrections).toBe(4)
      // a second start over the saved state finds nothing to correct
      yield* engine.stop
      const again = yield* engineOver(ex, contents)
      expect((yield* again.start)._tag).toBe("CLEAN")
    }))

  it.scoped("an unreachable broker makes recovery FAILED and the engine refuses to trade", () =>
    Effect.gen(function* () {
      const ex = makeExchange()
      ex.accountFails = true
      const engine = yield* engineOver(ex, emptyContents())
      const report = yield* engine.start
      expect(report._tag).toBe("FAILED")
      const refused = yield* Effect.exit(engine.execute(intentOf()))
      expect(Exit.isFailure(refused)).toBe(true)
      expect(ex.received).toHaveLength(0)
    }))

  it.scoped("stop saves the state; the next engine loads the same book", () =>
    Effect.gen(function* () {
      const ex = makeExchange()
      const contents = emptyContents()
      const scope = yield* Scope.make()
      const engine = yield* engineOver(ex, contents).pipe(Scope.extend(scope))
      yield* engine.start
      const sent = yield* engine.execute(intentOf())
      if (sent._tag !== "Sent") throw new Error("not sent")
      fillOrder(ex, sent.ack.brokerOrderId, 10, 70_000)
      yield* engine.reconcileNow
      yield* Scope.close(scope, Exit.void) // the scope's end runs stop
      expect(contents.snapshot?.positions.map((p) => p.quantity)).toEqual([10])
      expect(contents.journal).toEqual([])
      const next = yield* engineOver(ex, contents)
      expect((yield* next.start)._tag).toBe("CLEAN")
    }))
})

describe("TradingEngineLive", () => {
  it.scoped("as a scoped layer: closing its scope stops the engine and saves the state", () =>
    Effect.gen(function* () {
      const ex = makeExchange()
      const contents = emptyContents()
      const layer = TradingEngineLive(TEST_SETTINGS).pipe(
        Layer.provide(Layer.mergeAll(fakeMarketLayer(ex), MemoryStoreLive(contents)))
      )
      yield* Effect.scoped(Effect.gen(function* () {
        const engine = yield* TradingEngine
        yield* engine.start
        yield* engine.execute(intentOf())
      }).pipe(Effect.provide(layer)))
      expect(contents.snapshot?.orders.map((o) => o.order.state)).toEqual(["accepted"])
      expect(contents.journal).toEqual([])
    }))
})

describe("TradingEngine monitor and supervision", () => {
  it.scoped("a stop-loss crossing sells the holding once, at market", () =>
    Effect.gen(function* () {
      const ex = makeExchange()
      ex.quotes.set(A, 70_000)
      const engine = yield* engineOver(ex, emptyContents())
      yield* engine.start
      const sent = yield* engine.execute(intentOf({ exits: { stopLoss: 65_000 as Won, takeProfit: 80_000 as Won } }))
      if (sent._tag !== "Sent") throw new Error("not sent")
      fillOrder(ex, sent.ack.brokerOrderId, 10, 70_000)
      yield* engine.reconcileNow
      yield* engine.monitorOnce
      expect(ex.received).toHaveLength(1)
      ex.quotes.set(A, 64_900)
      ex.now += 2_000
      yield* engine.monitorOnce
      ex.now += 2_000
      yield* engine.monitorOnce // the open sell already covers the holding
      expect(ex.received.map((r) => [r.intent.side, r.intent.quantity, r.intent.type._tag, r.intent.reason])).toEqual([
        ["buy", 10, "limit", undefined],
        ["sell", 10, "market", "stop-loss"]
      ])
      expect((yield* engine.positions)[0]?.unrealizedPnl).toBe(10 * (64_900 - 70_000))
    }))

  it.scoped("a crashed monitor fiber is restarted with backoff and the restarts are counted", () =>
    Effect.gen(function* () {
      const ex = makeExchange()
      ex.holdings.set(A, { quantity: 1, cost: 70_000 })
      const engine = yield* engineOver(ex, emptyContents())
      yield* engine.start
      ex.quotes.get = () => { throw new Error("quote source exploded") } // a defect inside the monitor's pass
      yield* TestClock.adjust("2 seconds")
      yield* TestClock.adjust("1 minute")
      const restarts = (yield* engine.status).restarts["priceMonitor"] ?? 0
      expect(restarts).toBeGreaterThanOrEqual(2)
    }))
})

describe("TradingEngine strategy schedule", () => {
  const buyTen: AnyStrategy = {
    name: "buy-ten",
    description: "buys ten shares of the first symbol on every decision",
    params: undefined as never,
    schedule: () => "daily",
    decide: (view) => ({ decisions: view.bars(view.universe[0]!).length > 0 ? [{ _tag: "Buy", ticker: view.universe[0]!, size: { _tag: "Shares", quantity: 10 as Qty }, type: { _tag: "market" } }] : [] })
  }

  it.scoped("decides once per trading day on the previous close, and a restarted engine does not decide again", () =>
    Effect.gen(function* () {
      const ex = makeExchange(10_000_000, kstInstant("2026-11-25" as TradeDate, "084000"))
      ex.bars.set(A, [{ date: "2026-11-24" as TradeDate, open: 70_000 as Won, high: 70_000 as Won, low: 70_000 as Won, close: 70_000 as Won, volume: 1 as Qty }])
      const contents = emptyContents()
      const settings = { strategy: buyTen, universe: [A] }
      const engine = yield* engineOver(ex, contents, settings)
      yield* engine.start
      const early = yield* engine.decideIfDue // 08:40, before 08:45
      expect(early._tag === "NotDue" && early.why).toBe("before the decision time 08:45 KST")
      ex.now = kstInstant("2026-11-25" as TradeDate, "085000")
      const decided = yield* engine.decideIfDue
      expect(decided._tag === "Decided" && [decided.asOf, decided.results.map((r) => r._tag)]).toEqual(["2026-11-24", ["Sent"]])
      expect(ex.received[0]!.intent.decidedAt).toBe(kstInstant("2026-11-24" as TradeDate, "153000"))
      expect((yield* engine.decideIfDue)._tag).toBe("NotDue")
      yield* engine.stop
      const restarted = yield* engineOver(ex, contents, settings)
      yield* restarted.start
      expect((yield* restarted.decideIfDue)._tag).toBe("NotDue")
      expect(ex.received).toHaveLength(1)
    }))

  it.scoped("skips holidays", () =>
    Effect.gen(function* () {
      const ex = makeExchange(10_000_000, kstInstant("2026-12-25" as TradeDate, "100000"))
      const engine = yield* engineOver(ex, emptyContents(), { strategy: buyTen, universe: [A] })
      yield* engine.start
      const outcome = yield* engine.decideIfDue
      expect(outcome._tag === "NotDue" && outcome.why).toContain("not a trading day")
    }))
})
