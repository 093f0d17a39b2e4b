// Chaos: a rate-limit storm. kis-sim's gateway allows the engine's app key 4 requests a second while the engine's own
// KIS client allows 200, so a burst of reconciliations and orders meets EGW00201 (HTTP 500 with the KIS envelope). Reads
// retry through it; an order refused that way is never resent but settled by reconciliation; the books agree after.
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Schedule } from "effect"
import type { Qty } from "../../src/domain/Money.js"
import type { OrderIntent } from "../../src/domain/Order.js"
import { kstInstant } from "../../src/domain/Time.js"
import type { KisSimHandle } from "../../src/sim/server.js"
import { fastOptions, tempTokenDir } from "../support/kisLoopback.js"
import { clockTo, startTestSim, TEST_DAY } from "../sim/support/simHarness.js"
import { ticker } from "./support/fakeMarket.js"
import { postSimAdmin, simBook, simOrders } from "./support/simAccount.js"
import { simEngine, tempStatePath } from "./support/simEngine.js"

const SYN1 = ticker("SYN001")
const STORM_REQUESTS_PER_SECOND = 4
const CONCURRENT_RECONCILIATIONS = 6

/** A read backoff that outlasts the storm (a few seconds); the default test schedule gives up within ~0.2 s. */
const patientReads = fastOptions({
  readRetry: Schedule.exponential("20 millis").pipe(
    Schedule.union(Schedule.spaced("200 millis")),
    Schedule.jittered,
    Schedule.intersect(Schedule.recurs(40))
  )
})

/** Six distinct buys (distinct ids and quantities, so reconciliation can never confuse two of them). */
const STORM_INTENTS: ReadonlyArray<OrderIntent> = Array.from({ length: 6 }, (_, i) => ({
  strategy: "storm",
  decidedAt: kstInstant(TEST_DAY, `0959${String(i).padStart(2, "0")}`),
  ticker: ticker(`SYN00${(i % 3) + 1}`),
  side: "buy",
  quantity: (i + 1) as Qty,
  type: { _tag: "market" }
}))

/** Counts the requests kis-sim's gateway refuses with EGW00201 (observation only: each answer is unchanged). */
const countRateLimited = (sim: KisSimHandle): (() => number) => {
  let refused = 0
  const admit = sim.gateway.admit.bind(sim.gateway)
  sim.gateway.admit = (appKey, now) => {
    const admitted = admit(appKey, now)
    if (!admitted) refused++
    return admitted
  }
  return () => refused
}

describe("TradingEngine through a rate-limit storm at kis-sim", () => {
  it.scopedLive("reads retry through EGW00201, refused orders are never resent, and the books agree after", () =>
    Effect.gen(function* () {
      const sim = yield* startTestSim()
      const tokens = yield* tempTokenDir
      yield* clockTo(sim, "10:00")
      const engine = yield* simEngine(sim, tokens, tempStatePath(), {}, patientReads)
      expect((yield* engine.start)._tag).toBe("NEW")
      const beforeStorm = yield* engine.buy(SYN1, 10 as Qty) // fills at once at kis-sim; the engine learns it in the storm
      expect(beforeStorm._tag).toBe("Sent")
      const rateLimited = countRateLimited(sim)
      yield* postSimAdmin(sim, "/sim/admin/limits", { requestsPerSecond: STORM_REQUESTS_PER_SECOND })

      // the reconciliations drain the gateway's bucket and keep it empty; the orders are sent into that
      const reads = yield* Effect.fork(Effect.all(Array.from({ length: CONCURRENT_RECONCILIATIONS }, () => engine.reconcileNow), { concurrency: "unbounded" }))
      yield* Effect.sleep("30 millis")
      const results = yield* Effect.all(STORM_INTENTS.map(engine.execute), { concurrency: "unbounded" })
      yield* Fiber.join(reads) // fails the test if any read gave up
      const refusedOrders = results.filter((r) => r._tag === "OutcomeUnknown")
      const sentOrders = results.filter((r) => r._tag === "Sent")
      expect(refusedOrders.length + sentOrders.length).toBe(STORM_INTENTS.length)
      expect(refusedOrders.length).toBeGreaterThan(0)
      expect(refusedOrders.every((r) => r.message.includes("EGW00201"))).toBe(true)
      expect(rateLimited() - refusedOrders.length, "reads refused with EGW00201, then retried").toBeGreaterThan(0)
      expect(simOrders(sim)).toHaveLength(1 + sentOrders.length) // each accepted order once; no refused one resent
      const duringStorm = (yield* engine.snapshot).orders
      const stateOf = (orders: typeof duringStorm, id: string) => orders.find((o) => o.order.id === id)!.order
      const booked = stateOf(duringStorm, beforeStorm.id)
      expect([booked.state, booked.filledQuantity], "the fill was read through the storm").toEqual(["filled", 10])
      for (const r of refusedOrders) expect(stateOf(duringStorm, r.id).state, "left to reconciliation").toBe("unknown")

      // asking again during the storm sends nothing: every intent is journalled
      const again = yield* Effect.all(STORM_INTENTS.map(engine.execute))
      expect(again.map((r) => r._tag)).toEqual(STORM_INTENTS.map(() => "AlreadySent"))

      yield* postSimAdmin(sim, "/sim/admin/limits", { requestsPerSecond: null })
      yield* clockTo(sim, "10:05") // past the grace period in which a refused order could still have shown up
      yield* engine.reconcileNow
      const after = (yield* engine.snapshot).orders
      for (const r of refusedOrders) {
        const o = stateOf(after, r.id)
        expect([o.state, o.reason], r.id).toEqual(["rejected", "not sent"]) // matched against inquire-daily-ccld: none
      }
      for (const r of sentOrders) {
        const o = stateOf(after, r.id)
        expect([o.state, o.filledQuantity], r.id).toEqual(["filled", o.intent.quantity])
      }
      expect(simOrders(sim)).toHaveLength(1 + sentOrders.length)
      const broker = simBook(sim)
      const byTicker = (a: ReadonlyArray<unknown>, b: ReadonlyArray<unknown>) => String(a[0]).localeCompare(String(b[0]))
      expect((yield* engine.positions).map((p) => [p.ticker, p.quantity]).sort(byTicker)).toEqual([...broker.positions].sort(byTicker))
      expect((yield* engine.status).cash).toBe(broker.cash)
    }), 30_000)
})
