// The Store adapter in memory: for backtests, benchmarks and tests. Same contract as the file store (checkpoint drops
// folded journal entries) without the disk; `MemoryStoreContents` lets a test inspect or pre-load what is "on disk".
import { Effect, Layer, Option } from "effect"
import { type JournalEntry, Store, type TradingState } from "../services/Store.js"

export interface MemoryStoreContents {
  snapshot: TradingState | undefined
  journal: Array<JournalEntry>
}

export const makeMemoryStore = (contents: MemoryStoreContents = { snapshot: undefined, journal: [] }) =>
  Store.of({
    load: Effect.sync(() => ({
      snapshot: Option.fromNullable(contents.snapshot),
      journal: contents.journal.filter((e) => e.seq > (contents.snapshot?.journalSeq ?? -1)),
      setAside: [],
      notes: []
    })),
    append: (entry) => Effect.sync(() => { contents.journal.push(entry) }),
    checkpoint: (state) =>
      Effect.sync(() => {
        contents.snapshot = state
        contents.journal = contents.journal.filter((e) => e.seq > state.journalSeq)
      }),
    location: "memory"
  })

export const MemoryStoreLive = (contents?: MemoryStoreContents): Layer.Layer<Store> => Layer.sync(Store, () => makeMemoryStore(contents))
