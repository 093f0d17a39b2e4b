// The live engine against kis-sim over loopback HTTP (KisBroker, KisMarketData, the simulator's clock, a state file):
// orders fill and reconcile to the simulated account, restarts recover CLEAN, dropped acknowledgements and 5xx storms
// never produce a second order.
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { Qty } from "../../src/domain/Money.js"
import type { KisSimHandle } from "../../src/sim/server.js"
import { tempTokenDir } from "../support/kisLoopback.js"
import { clockTo, startTestSim } from "../sim/support/simHarness.js"
import { ticker } from "./support/fakeMarket.js"
import { postSimAdmin, simOrders } from "./support/simAccount.js"
import { simEngine, tempStatePath } from "./support/simEngine.js"

const SYN1 = ticker("SYN001")

const faults = (sim: KisSimHandle, patch: Record<string, unknown>) => postSimAdmin(sim, "/sim/admin/faults", patch)

describe("TradingEngine over kis-sim", () => {
  it.scopedLive("buys, books the fill from the broker, and a restarted engine recovers CLEAN", () =>
    Effect.gen(function* () {
      const sim = yield* startTestSim()
      const tokens = yield* tempTokenDir
      const statePath = tempStatePath()
      yield* clockTo(sim, "10:00")
      const engine = yield* simEngine(sim, tokens, statePath)
      const first = yield* engine.start
      expect(first._tag).toBe("NEW") // a new state file: the cash comes from the broker
      const sent = yield* engine.buy(SYN1, 10 as Qty)
      expect(sent._tag).toBe("Sent")
      yield* clockTo(sim, "10:05")
      yield* engine.reconcileNow
      const positions = yield* engine.positions
      expect(positions.map((p) => [p.ticker, p.quantity])).toEqual([[SYN1, 10]])
      const status = yield* engine.status
      expect(status.openOrders).toEqual([])
      yield* engine.stop
      const again = yield* simEngine(sim, tokens, statePath)
      expect((yield* again.start)._tag).toBe("CLEAN")
      expect(simOrders(sim)).toHaveLength(1)
    }))

  it.scopedLive("a dropped order acknowledgement is resolved by matching the daily orders; nothing is resent", () =>
    Effect.gen(function* () {
      const sim = yield* startTestSim()
      const tokens = yield* tempTokenDir
      yield* clockTo(sim, "10:00")
      const engine = yield* simEngine(sim, tokens, tempStatePath())
      yield* engine.start
      yield* faults(sim, { dropOrderResponses: 1 })
      const sent = yield* engine.buy(SYN1, 5 as Qty)
      expect(sent._tag).toBe("OutcomeUnknown")
      yield* engine.reconcileNow
      const order = (yield* engine.snapshot).orders[0]!
      expect(order.chain).toHaveLength(1)
      expect(["accepted", "filled", "partially-filled"]).toContain(order.order.state)
      yield* engine.execute(order.order.intent)
      expect(simOrders(sim)).toHaveLength(1)
    }))

  it.scopedLive("reconciliation survives a storm of 5xx answers (reads retry; orders are never retried)", () =>
    Effect.gen(function* () {
      const sim = yield* startTestSim()
      const tokens = yield* tempTokenDir
      yield* clockTo(sim, "10:00")
      const engine = yield* simEngine(sim, tokens, tempStatePath())
      yield* engine.start
      yield* faults(sim, { httpErrors: 3, httpErrorStatus: 500 })
      yield* engine.reconcileNow
      yield* faults(sim, { httpErrors: 0 })
      expect((yield* engine.status).counters.reconciliations).toBe(2)
    }))
})
