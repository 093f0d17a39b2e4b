// Realtime fill notices from kis-sim's WebSocket (encrypted H0STCNI0) booked by the engine before any polling; every
// notice duplicated by a kis-sim fault and then polled again is still booked once. A dropped WebSocket loses nothing.
import { NodeHttpClient } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer, Redacted } from "effect"
import type { Qty } from "../../src/domain/Money.js"
import { KRX_CALENDAR } from "../../src/domain/krx/calendar.js"
import { KisClient } from "../../src/kis/KisClient.js"
import { makeRealtimeClient } from "../../src/kis/realtime/RealtimeClient.js"
import { KisSimMarketClockLive } from "../../src/live/clocks.js"
import { engineFillNotices } from "../../src/live/kisNotices.js"
import { answerAdmin } from "../../src/sim/admin.js"
import { MarketClock } from "../../src/services/MarketClock.js"
import { kisClientLayer, tempTokenDir } from "../support/kisLoopback.js"
import { CLIENT_ACCOUNT, clockTo, startTestSim } from "../sim/support/simHarness.js"
import { ticker } from "./support/fakeMarket.js"
import { simEngine, tempStatePath } from "./support/simEngine.js"

const SYN1 = ticker("SYN001")

const waitUntil = <A>(probe: Effect.Effect<A>, done: (a: A) => boolean) =>
  Effect.gen(function* () {
    for (let i = 0; i < 300; i++) {
      const a = yield* probe
      if (done(a)) return a
      yield* Effect.sleep("10 millis")
    }
    return yield* probe
  })

describe("fill notices over kis-sim's WebSocket", () => {
  it.scopedLive("duplicated notices and a later poll book the fill once; a WebSocket drop is covered by polling", () =>
    Effect.gen(function* () {
      const sim = yield* startTestSim()
      const tokens = yield* tempTokenDir
      yield* clockTo(sim, "10:00")
      const services = yield* Layer.build(Layer.mergeAll(
        kisClientLayer(sim.url, tokens),
        KisSimMarketClockLive(sim.url, KRX_CALENDAR).pipe(Layer.provide(NodeHttpClient.layerUndici))
      ))
      const approval = Redacted.value(yield* Context.get(services, KisClient).approvalKey)
      const realtime = yield* makeRealtimeClient({ url: sim.wsUrl, approvalKey: Effect.succeed(approval), htsId: CLIENT_ACCOUNT.htsId })
      const engine = yield* simEngine(sim, tokens, tempStatePath(), { fillNotices: engineFillNotices(realtime, Context.get(services, MarketClock)) })
      yield* engine.start
      // the engine's fill-notice registration is in place before the order is sent
      const noticeRegistration = `H0STCNI0|${CLIENT_ACCOUNT.htsId}`
      expect(yield* waitUntil(Effect.sync(() => sim.hub.registrations), (r) => r.includes(noticeRegistration))).toContain(noticeRegistration)
      answerAdmin(sim.admin, "POST", "/sim/admin/faults", { duplicateNotices: true })
      const sent = yield* engine.buy(SYN1, 10 as Qty)
      expect(sent._tag).toBe("Sent")
      yield* clockTo(sim, "10:03")
      const booked = yield* waitUntil(engine.snapshot, (s) => s.orders[0]?.order.filledQuantity === 10)
      expect(booked.orders[0]!.order.filledQuantity).toBe(10) // from the notices alone: no reconciliation ran yet
      expect(booked.counters.reconciliations).toBe(1) // the startup one
      yield* engine.reconcileNow
      const after = yield* engine.snapshot
      expect(after.positions.map((p) => [p.ticker, p.quantity])).toEqual([[SYN1, 10]])

      // the WebSocket drops; a sell fills while it is down or reconnecting; polling books it
      answerAdmin(sim.admin, "POST", "/sim/admin/ws/terminate", {})
      yield* engine.sell(SYN1, 10 as Qty)
      yield* clockTo(sim, "10:06")
      yield* engine.reconcileNow
      yield* Effect.sleep("300 millis") // any late notice arrives and must be ignored
      const final = yield* engine.snapshot
      expect(final.positions).toEqual([])
      expect(final.orders.map((o) => [o.order.intent.side, o.order.filledQuantity, o.order.state])).toEqual([["buy", 10, "filled"], ["sell", 10, "filled"]])
      expect(final.lastReconciliation?.corrections.filter((c) => c._tag !== "CashMismatch")).toEqual([])
    }))
})
