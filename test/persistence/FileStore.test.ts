// The file store: snapshot + journal round trip, torn journal lines, corrupt and unknown-version files moved aside
// (kept, never deleted), v0 → v1 migration from a fixture, and atomic replacement that a killed writer cannot tear.
import { NodeContext } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Option } from "effect"
import { spawn } from "node:child_process"
import { appendFileSync, copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import type { Qty, Ticker, Won } from "../../src/domain/Money.js"
import type { Instant, TradeDate } from "../../src/domain/Time.js"
import { journalPathOf, makeFileStore } from "../../src/persistence/FileStore.js"
import { migrateState } from "../../src/persistence/migrations.js"
import { emptyTradingState, type JournalEntry, type TradingState } from "../../src/services/Store.js"

const freshDir = () => mkdtempSync(path.join(tmpdir(), "store-"))
const stateWith = (cash: number, seq = 0): TradingState => ({ ...emptyTradingState(1_764_000_000_000 as Instant), cash: cash as Won, journalSeq: seq })
const decision = (seq: number): JournalEntry => ({ _tag: "DecisionRecorded", seq, decision: { asOf: "2026-11-24" as TradeDate, intents: [] } })

const withStore = <A, E>(file: string, f: (store: Effect.Effect.Success<ReturnType<typeof makeFileStore>>) => Effect.Effect<A, E>) =>
  Effect.scoped(Effect.flatMap(makeFileStore(file), f)).pipe(Effect.provide(NodeContext.layer))

describe("FileStore", () => {
  it.effect("a checkpoint and the entries appended after it load back; the checkpoint drops folded entries", () =>
    Effect.gen(function* () {
      const file = path.join(freshDir(), "state.json")
      yield* withStore(file, (store) =>
        Effect.gen(function* () {
          expect(Option.isNone((yield* store.load).snapshot)).toBe(true)
          yield* store.append(decision(1))
          yield* store.checkpoint(stateWith(100, 1))
          yield* store.append(decision(2))
          yield* store.append(decision(3))
        }))
      const loaded = yield* withStore(file, (store) => store.load)
      expect(Option.getOrThrow(loaded.snapshot).cash).toBe(100)
      expect(loaded.journal.map((e) => e.seq)).toEqual([2, 3])
      expect(readFileSync(journalPathOf(file), "utf8").trim().split("\n")).toHaveLength(2)
    }))

  it.effect("a torn last journal line (crash during an append) is dropped with a note; earlier entries survive", () =>
    Effect.gen(function* () {
      const file = path.join(freshDir(), "state.json")
      yield* withStore(file, (store) => Effect.zipRight(store.load, store.append(decision(1))))
      appendFileSync(journalPathOf(file), '{"_tag":"DecisionRec')
      const loaded = yield* withStore(file, (store) => store.load)
      expect(loaded.journal.map((e) => e.seq)).toEqual([1])
      expect(loaded.notes.join()).toContain("incomplete last line")
      // and the next append starts on a clean line
      yield* withStore(file, (store) => Effect.zipRight(store.load, store.append(decision(2))))
      expect((yield* withStore(file, (store) => store.load)).journal.map((e) => e.seq)).toEqual([1, 2])
    }))

  for (const [name, contents, reason] of [
    ["corrupt JSON", "{ \"version\": 1, \"cash\": ", "not valid JSON"],
    ["an unknown version", JSON.stringify({ ...stateWith(5), version: 99 }), "version 99 is newer"],
    ["a wrong shape", JSON.stringify({ ...stateWith(5), cash: "lots" }), "does not match the state format"]
  ] as const) {
    it.effect(`a state file with ${name} is moved aside with a timestamp, kept, and reported`, () =>
      Effect.gen(function* () {
        const dir = freshDir()
        const file = path.join(dir, "state.json")
        writeFileSync(file, contents)
        const loaded = yield* withStore(file, (store) => store.load)
        expect(Option.isNone(loaded.snapshot)).toBe(true)
        expect(loaded.setAside).toHaveLength(1)
        expect(loaded.setAside[0]!.reason).toContain(reason)
        expect(loaded.setAside[0]!.movedTo).toMatch(/state\.json\.corrupt-\d{8}T\d{6}Z$/)
        expect(readFileSync(loaded.setAside[0]!.movedTo, "utf8")).toBe(contents)
        expect(readdirSync(dir)).not.toContain("state.json")
      }))
  }

  it.effect("a v0 state file is migrated to v1 on load", () =>
    Effect.gen(function* () {
      const dir = freshDir()
      const file = path.join(dir, "state.json")
      copyFileSync(path.join(import.meta.dirname, "fixtures", "state-v0.json"), file)
      const loaded = yield* withStore(file, (store) => store.load)
      const state = Option.getOrThrow(loaded.snapshot)
      expect(loaded.notes.join()).toContain("v0 → v1")
      expect(state.version).toBe(1)
      expect(state.positions).toEqual([
        { ticker: "005930" as Ticker, quantity: 20 as Qty, costBasis: 1_405_010 as Won, openedOn: "2025-11-27", exits: { stopLoss: 65_000, takeProfit: 80_000 } },
        { ticker: "000660" as Ticker, quantity: 3 as Qty, costBasis: 450_000 as Won, openedOn: "2026-11-02" }
      ])
      expect(state.orders[0]!.chain).toEqual([{ brokerOrderId: "0000001234", kind: "new", at: 1_764_205_200_000 }])
      expect(state.orders[0]!.order.state).toBe("filled")
    }))

  it("migration refuses versions it has no path for", () => {
    expect(migrateState({ version: -1 })).toEqual(Either.left("no migration from version -1"))
    expect(migrateState([1, 2])._tag).toBe("Left")
  })

  it("a writer killed in the middle of replacing the snapshot leaves the old file or the new one, never a torn one", async () => {
    const file = path.join(freshDir(), "state.json")
    const script = path.join(import.meta.dirname, "support", "writeForever.ts")
    for (const delayMs of [120]) {
      const child = spawn(process.execPath, ["--import", "tsx", script, file], { stdio: ["ignore", "pipe", "inherit"] })
      // wait until the child is replacing the file in its loop, then kill it at an arbitrary moment
      await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()))
      await new Promise((resolve) => setTimeout(resolve, delayMs))
      child.kill("SIGKILL")
      await new Promise((resolve) => child.once("exit", resolve))
      const state = JSON.parse(readFileSync(file, "utf8")) as { cash: number; positions: Array<unknown> }
      expect(state.cash).toBeGreaterThan(0)
      expect(state.positions).toHaveLength(state.cash) // each version is internally consistent
    }
  }, 60_000)
})
