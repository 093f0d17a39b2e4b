// Crash tests: the engine runs in a child process over kis-sim (in this process) and is SIGKILLed at each step of the
// order path, then restarted. Zero duplicate orders, zero lost fills, and local state equal to the broker's after.
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { spawn } from "node:child_process"
import { createInterface } from "node:readline"
import path from "node:path"
import type { OrderStep } from "../../src/live/TradingEngine.js"
import type { KisSimHandle } from "../../src/sim/server.js"
import { tempTokenDir } from "../support/kisLoopback.js"
import { clockTo, startTestSim } from "../sim/support/simHarness.js"
import { simBook, simOrders } from "./support/simAccount.js"
import { tempStatePath } from "./support/simEngine.js"

const CHILD = path.join(import.meta.dirname, "support", "crashChild.ts")

interface ChildRun {
  readonly killed: boolean
  readonly result: { report: string; executed: string; state: { cash: number; positions: Array<{ ticker: string; quantity: number }>; orders: Array<{ order: { state: string; filledQuantity: number; reason?: string } }> } } | undefined
}

/** Runs the engine process; once it has executed its intent, moves the market clock to `then` and lets it reconcile. */
const runChild = (sim: KisSimHandle, statePath: string, tokens: string, crashAt: OrderStep | "none", then: string) =>
  Effect.async<ChildRun>((resume) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, sim.url, statePath, tokens, crashAt], { stdio: ["pipe", "pipe", "inherit"] })
    let result: ChildRun["result"]
    createInterface({ input: child.stdout }).on("line", (line) => {
      if (line === "executed") {
        Effect.runSync(clockTo(sim, then))
        child.stdin.write("go\n")
      } else if (line.startsWith("{")) {
        result = JSON.parse(line)
      }
    })
    child.on("exit", (_code, signal) => resume(Effect.succeed({ killed: signal === "SIGKILL", result })))
  })

const STEPS: ReadonlyArray<OrderStep> = ["journaled", "sent", "acknowledged", "filled"]

describe("crash recovery over kis-sim", () => {
  it.scopedLive("a SIGKILL at each step of the order path: no duplicate order, no lost fill, state equal to the broker's", () =>
    Effect.forEach(STEPS, (step) =>
      Effect.gen(function* () {
        const sim = yield* startTestSim()
        const tokens = yield* tempTokenDir
        const statePath = tempStatePath()
        yield* clockTo(sim, "10:00")
        const crashed = yield* runChild(sim, statePath, tokens, step, "10:05")
        expect(crashed.killed, `killed at ${step}`).toBe(true)
        const after = yield* runChild(sim, statePath, tokens, "none", "10:10")
        const r = after.result!
        expect(r.executed, step).toBe("AlreadySent") // the restarted engine recognises the intent
        const order = r.state.orders[0]!.order
        if (step === "journaled") {
          expect(simOrders(sim), step).toHaveLength(0)
          expect([order.state, order.reason]).toEqual(["rejected", "not sent"])
        } else {
          expect(simOrders(sim), step).toHaveLength(1)
          expect(order.state, step).toBe("filled")
          expect(order.filledQuantity, step).toBe(10)
        }
        const broker = simBook(sim)
        expect(r.state.positions.map((p) => [p.ticker, p.quantity]), step).toEqual(broker.positions)
        expect(r.state.cash, step).toBe(broker.cash)
      }), { concurrency: 2, discard: true }), 240_000) // eight engine processes; each start loads the whole stack
})
