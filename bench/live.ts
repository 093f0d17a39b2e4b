// Live-engine overhead, network excluded (an in-memory broker answers at once): per-order latency of the engine's order
// path (quote, risk check, write-ahead journal, acknowledgement) with an in-memory and an fsync'd file store; cost of a
// journal append vs a full snapshot rewrite; recovery time with 100 positions and 1,000 journal entries. Prints JSON.
import { NodeContext } from "@effect/platform-node"
import { Effect, Layer, Logger, LogLevel } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { KRX_CALENDAR } from "../src/domain/krx/calendar.js"
import { KRX_COSTS } from "../src/domain/krx/costs.js"
import type { Qty, Ticker, Won } from "../src/domain/Money.js"
import { newOrder, type OrderIntent } from "../src/domain/Order.js"
import { kstDateOf, type Instant } from "../src/domain/Time.js"
import { DEFAULT_ENGINE_SETTINGS, makeTradingEngine } from "../src/live/TradingEngine.js"
import { FileStoreLive, makeFileStore } from "../src/persistence/FileStore.js"
import { MemoryStoreLive } from "../src/persistence/MemoryStore.js"
import { DEFAULT_RISK_LIMITS } from "../src/risk/RiskLimits.js"
import { emptyTradingState, type JournalEntry, type Store, type TradingState } from "../src/services/Store.js"
import { fakeMarketLayer, fillOrder, makeExchange, SESSION_NOW } from "../test/live/support/fakeMarket.js"

const ORDERS = 2_000
const settings = {
  ...DEFAULT_ENGINE_SETTINGS,
  strategy: undefined,
  params: {},
  universe: [],
  riskLimits: { ...DEFAULT_RISK_LIMITS, maxOrdersPerMinute: Number.MAX_SAFE_INTEGER, maxPositionPct: 100 },
  costs: KRX_COSTS,
  calendar: KRX_CALENDAR
}

const SYMBOLS = 20 // a realistic book: tens of names, not hundreds
const symbol = (i: number) => String(100_000 + (i % SYMBOLS)).padStart(6, "0") as Ticker
const intent = (i: number): OrderIntent => ({
  strategy: "bench",
  decidedAt: (SESSION_NOW + i) as Instant,
  ticker: symbol(i),
  side: "buy",
  quantity: 1 as Qty,
  type: { _tag: "limit", price: 10_000 as Won }
})

const percentile = (sorted: ReadonlyArray<number>, p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
const us = (ms: number) => Math.round(ms * 1000 * 10) / 10

/** Per-order latency of `engine.execute` over a fresh engine on `store`. */
const orderPath = (store: Layer.Layer<Store, unknown>) =>
  Effect.scoped(Effect.gen(function* () {
    const ex = makeExchange(1e15)
    for (let i = 0; i < SYMBOLS; i++) ex.quotes.set(symbol(i), 10_000)
    const ctx = yield* Layer.build(Layer.mergeAll(fakeMarketLayer(ex), store))
    const engine = yield* makeTradingEngine(settings).pipe(Effect.provide(ctx))
    yield* engine.start
    const times: Array<number> = []
    for (let i = 0; i < ORDERS; i++) {
      const t0 = performance.now()
      const r = yield* engine.execute(intent(i))
      times.push(performance.now() - t0)
      if (r._tag !== "Sent") throw new Error(`order ${i}: ${JSON.stringify(r)}`)
      if (i % 50 === 49) {
        // a day's order flow: orders fill and are reconciled, so open orders stay few while the journal grows
        for (const row of ex.rows) if (row.remainingQuantity > 0) fillOrder(ex, row.brokerOrderId, row.remainingQuantity, 10_000)
        yield* engine.reconcileNow
      }
    }
    const first = times.slice(0, 200).sort((a, b) => a - b)
    const sorted = [...times].sort((a, b) => a - b)
    return { orders: ORDERS, p50_us: us(percentile(sorted, 50)), p99_us: us(percentile(sorted, 99)), first200_p50_us: us(percentile(first, 50)) }
  }))

const tmp = () => mkdtempSync(path.join(tmpdir(), "bench-live-"))

/** A state with `positions` holdings and `entries` journal entries after its snapshot, and a broker that agrees. */
const recovery = (positions: number, entries: number) =>
  Effect.gen(function* () {
    const dir = tmp()
    const file = path.join(dir, "state.json")
    const ex = makeExchange(50_000_000)
    const base: TradingState = {
      ...emptyTradingState(SESSION_NOW as Instant),
      cash: 50_000_000 as Won,
      positions: Array.from({ length: positions }, (_, i) => {
        ex.holdings.set(symbol(i), { quantity: 10, cost: 100_000 })
        return { ticker: symbol(i), quantity: 10 as Qty, costBasis: 100_000 as Won, openedOn: kstDateOf(SESSION_NOW) }
      })
    }
    yield* Effect.scoped(Effect.gen(function* () {
      const store = yield* makeFileStore(file)
      yield* store.load
      yield* store.checkpoint(base)
      for (let i = 1; i <= entries; i++) {
        const o = newOrder(intent(i), SESSION_NOW as Instant)
        const entry: JournalEntry = {
          _tag: "OrderRecorded",
          seq: i,
          order: { order: { ...o, state: "rejected", reason: "bench" }, tradeDate: kstDateOf(SESSION_NOW), journaledAt: SESSION_NOW as Instant, chain: [] }
        }
        yield* store.append(entry)
      }
    }))
    const t0 = performance.now()
    const report = yield* Effect.scoped(Effect.gen(function* () {
      const ctx = yield* Layer.build(Layer.mergeAll(fakeMarketLayer(ex), FileStoreLive(file)))
      const engine = yield* makeTradingEngine(settings).pipe(Effect.provide(ctx))
      return yield* engine.start
    }))
    const ms = performance.now() - t0
    rmSync(dir, { recursive: true, force: true })
    return { positions, journalEntries: entries, recovery: report._tag, ms: Math.round(ms * 10) / 10 }
  })

/** One fsync'd journal append vs one atomic snapshot rewrite of a state holding `orders` orders. */
const writeCosts = (orders: number) =>
  Effect.gen(function* () {
    const dir = tmp()
    const file = path.join(dir, "state.json")
    const state: TradingState = {
      ...emptyTradingState(SESSION_NOW as Instant),
      orders: Array.from({ length: orders }, (_, i) => ({
        order: newOrder(intent(i), SESSION_NOW as Instant), tradeDate: kstDateOf(SESSION_NOW), journaledAt: SESSION_NOW as Instant, chain: []
      }))
    }
    const result = yield* Effect.scoped(Effect.gen(function* () {
      const store = yield* makeFileStore(file)
      yield* store.load
      const time = (n: number, f: (i: number) => Effect.Effect<void, unknown>) =>
        Effect.gen(function* () {
          const t0 = performance.now()
          for (let i = 0; i < n; i++) yield* f(i)
          return (performance.now() - t0) / n
        })
      const append = yield* time(200, (i) => store.append({ _tag: "OrderRecorded", seq: i + 1, order: state.orders[i % orders]! }))
      const snapshot = yield* time(50, (i) => store.checkpoint({ ...state, journalSeq: 200 + i }))
      return { stateOrders: orders, appendFsync_us: us(append), snapshotAtomicWrite_us: us(snapshot) }
    }))
    rmSync(dir, { recursive: true, force: true })
    return result
  })

const main = Effect.gen(function* () {
  const memory = yield* orderPath(MemoryStoreLive())
  const dir = tmp()
  const file = yield* orderPath(FileStoreLive(path.join(dir, "state.json")).pipe(Layer.provide(NodeContext.layer)))
  rmSync(dir, { recursive: true, force: true })
  return {
    node: process.version,
    orderPath: { memoryStore: memory, fileStoreFsync: file },
    journalVsSnapshot: yield* writeCosts(1_000),
    recovery: yield* recovery(100, 1_000)
  }
}).pipe(Effect.provide(NodeContext.layer), Logger.withMinimumLogLevel(LogLevel.None)) // log output would pollute the JSON

Effect.runPromise(main).then((r) => console.log(JSON.stringify(r, null, 2)))
