// A corrupt or unknown-version state file: the engine keeps it aside, says so in the recovery report, and rebuilds
// its book from the broker; the write-ahead journal next to it still prevents resending its orders.
import { NodeContext } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { makeTradingEngine } from "../../src/live/TradingEngine.js"
import { FileStoreLive } from "../../src/persistence/FileStore.js"
import { TEST_SETTINGS } from "./support/engineHarness.js"
import { fakeMarketLayer, makeExchange, ticker } from "./support/fakeMarket.js"

const A = ticker("005930")

const engineOnFile = (file: string, ex: ReturnType<typeof makeExchange>) =>
  Effect.gen(function* () {
    const services = yield* Layer.build(Layer.mergeAll(fakeMarketLayer(ex), FileStoreLive(file).pipe(Layer.provide(NodeContext.layer))))
    return yield* makeTradingEngine(TEST_SETTINGS).pipe(Effect.provide(services))
  }).pipe(Effect.orDie)

describe("recovery from an unreadable state file", () => {
  for (const [name, contents] of [["corrupt", "{\"version\":1,\"cash\":12"], ["unknown-version", "{\"version\":7}"]] as const) {
    it.scoped(`a ${name} file is set aside and the book is rebuilt from the broker`, () =>
      Effect.gen(function* () {
        const file = path.join(mkdtempSync(path.join(tmpdir(), "live-corrupt-")), "state.json")
        writeFileSync(file, contents)
        const ex = makeExchange(3_000_000)
        ex.holdings.set(A, { quantity: 4, cost: 280_000 })
        const engine = yield* engineOnFile(file, ex)
        const report = yield* engine.start
        expect(report._tag).toBe("RECONCILED")
        if (report._tag !== "RECONCILED") return
        expect(report.setAside).toHaveLength(1)
        expect(readFileSync(report.setAside[0]!.movedTo, "utf8")).toBe(contents)
        expect(report.corrections).toEqual(expect.arrayContaining([{ _tag: "OrphanPosition", ticker: A, brokerQuantity: 4 }]))
        const state = yield* engine.snapshot
        expect([state.cash, state.positions.map((p) => [p.ticker, p.quantity, p.costBasis])]).toEqual([3_000_000, [[A, 4, 280_000]]])
        expect(existsSync(file)).toBe(true) // the rebuilt state is saved in its place
      }))
  }
})
