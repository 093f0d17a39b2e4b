// The Store adapter on disk: `state.json` (snapshot, replaced atomically) and `state.journal` (JSON lines, one fsync'd
// append per entry). Unreadable files are renamed aside with a timestamp, never deleted, and the engine rebuilds.
import { FileSystem, Path } from "@effect/platform"
import type { PlatformError } from "@effect/platform/Error"
import { Clock, Effect, Either, Exit, Layer, Option, ParseResult, Schema, Scope } from "effect"
import { homedir } from "node:os"
import { JournalEntry, type SetAside, Store, StoreFailure, type StoredState, TradingState } from "../services/Store.js"
import { atomicWrite } from "./atomicWrite.js"
import { migrateState } from "./migrations.js"

/** Default state file of an environment: ~/.stock-manager/<env>/state.json. */
export const defaultStatePath = (env: string): string => `${homedir()}/.stock-manager/${env}/state.json`

/** The journal that goes with a state file. */
export const journalPathOf = (statePath: string): string => statePath.replace(/\.json$/, "") + ".journal"

const decodeState = Schema.decodeUnknownEither(TradingState)
const decodeEntry = Schema.decodeUnknownEither(Schema.parseJson(JournalEntry))
const encodeEntry = Schema.encodeSync(Schema.parseJson(JournalEntry))
const encodeState = Schema.encodeSync(TradingState)

const failure = (operation: string, path: string) => (e: PlatformError | Error) =>
  new StoreFailure({ operation, path, message: e.message })

const stamp = (ms: number): string => new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z")

/** A snapshot's text → the state at STATE_VERSION (migrations applied, named in `applied`), or why it is unusable. */
export const parseSnapshot = (text: string): Either.Either<{ readonly state: TradingState; readonly applied: ReadonlyArray<string> }, string> => {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (e) {
    return Either.left(`not valid JSON (${(e as Error).message})`)
  }
  return Either.flatMap(migrateState(parsed), ({ state, applied }) =>
    Either.match(decodeState(state), {
      onLeft: (e) => Either.left(`does not match the state format: ${ParseResult.TreeFormatter.formatErrorSync(e).split("\n").slice(0, 4).join(" ")}`),
      onRight: (decoded) => Either.right({ state: decoded, applied })
    }))
}

export interface ParsedJournal {
  readonly entries: ReadonlyArray<JournalEntry>
  /** Bytes of an incomplete last line (a crash during an append), 0 when none. */
  readonly tornBytes: number
  /** 1-based number of the first damaged line; entries before it are kept. */
  readonly damagedLine: number | undefined
}

/** A journal's text → its entries, up to a torn last line or the first damaged line. */
export const parseJournal = (text: string): ParsedJournal => {
  const lines = text.split("\n")
  const torn = lines.pop() ?? ""
  const entries: Array<JournalEntry> = []
  for (const [i, line] of lines.entries()) {
    if (line.trim() === "") continue
    const entry = decodeEntry(line)
    if (Either.isLeft(entry)) return { entries, tornBytes: torn.length, damagedLine: i + 1 }
    entries.push(entry.right)
  }
  return { entries, tornBytes: torn.trim() === "" ? 0 : torn.length, damagedLine: undefined }
}

/** Builds the file store for `statePath`; the journal's append handle lives as long as the scope. */
export const makeFileStore = (statePath: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const journalPath = journalPathOf(statePath)
    yield* fs.makeDirectory(path.dirname(statePath), { recursive: true }).pipe(Effect.mapError(failure("create folder", statePath)))
    const lock = yield* Effect.makeSemaphore(1)
    /** Entries appended since the last checkpoint (or found on load): what a checkpoint keeps of the journal. */
    let pending: Array<JournalEntry> = []
    let handle: FileSystem.File | undefined
    let handleScope: Scope.CloseableScope | undefined
    yield* Effect.addFinalizer(() => (handleScope === undefined ? Effect.void : Scope.close(handleScope, Exit.void)))

    /** (Re)opens the append handle; the previous one is closed first (after a rewrite it points at a replaced file). */
    const openJournal = Effect.gen(function* () {
      if (handleScope !== undefined) yield* Scope.close(handleScope, Exit.void)
      const scope = yield* Scope.make()
      handleScope = scope
      handle = yield* fs.open(journalPath, { flag: "a" }).pipe(Scope.extend(scope), Effect.mapError(failure("open journal", journalPath)))
    })

    const moveAside = (file: string, reason: string) =>
      Effect.gen(function* () {
        const movedTo = `${file}.corrupt-${stamp(yield* Clock.currentTimeMillis)}`
        yield* fs.rename(file, movedTo).pipe(Effect.mapError(failure("move aside", file)))
        return { file, movedTo, reason } satisfies SetAside
      })

    const readIfExists = (file: string) =>
      fs.exists(file).pipe(
        Effect.flatMap((exists) => (exists ? Effect.map(fs.readFileString(file), Option.some) : Effect.succeed(Option.none<string>()))),
        Effect.mapError(failure("read", file))
      )

    const loadSnapshot = Effect.gen(function* () {
      const setAside: Array<SetAside> = []
      const notes: Array<string> = []
      const text = yield* readIfExists(statePath)
      if (Option.isNone(text)) return { snapshot: Option.none<TradingState>(), setAside, notes }
      const parsed = parseSnapshot(text.value)
      if (Either.isLeft(parsed)) {
        setAside.push(yield* moveAside(statePath, parsed.left))
        return { snapshot: Option.none<TradingState>(), setAside, notes }
      }
      for (const m of parsed.right.applied) notes.push(`state migrated: ${m}`)
      return { snapshot: Option.some(parsed.right.state), setAside, notes }
    })

    const loadJournal = Effect.gen(function* () {
      const setAside: Array<SetAside> = []
      const notes: Array<string> = []
      const text = yield* readIfExists(journalPath)
      if (Option.isNone(text)) return { entries: [] as ReadonlyArray<JournalEntry>, setAside, notes }
      const parsed = parseJournal(text.value)
      if (parsed.tornBytes > 0) notes.push(`journal: dropped an incomplete last line (${parsed.tornBytes} bytes, a crash during an append)`)
      // keep what came before any damage; the damaged file is kept aside for inspection
      if (parsed.damagedLine !== undefined) setAside.push(yield* moveAside(journalPath, `line ${parsed.damagedLine} is not a journal entry`))
      const entries = parsed.entries
      return { entries, setAside, notes }
    })

    const write = (target: string, contents: string) =>
      atomicWrite(target, contents).pipe(Effect.provideService(FileSystem.FileSystem, fs), Effect.provideService(Path.Path, path))

    const rewriteJournal = (entries: ReadonlyArray<JournalEntry>) =>
      write(journalPath, entries.map((e) => encodeEntry(e) + "\n").join("")).pipe(
        Effect.mapError(failure("rewrite journal", journalPath)),
        Effect.zipRight(openJournal)
      )

    const load: Effect.Effect<StoredState, StoreFailure> = lock.withPermits(1)(Effect.gen(function* () {
      const snap = yield* loadSnapshot
      const journal = yield* loadJournal
      const after = Option.match(snap.snapshot, { onNone: () => -1, onSome: (s) => s.journalSeq })
      pending = journal.entries.filter((e) => e.seq > after)
      // a torn line or a damaged journal is dropped from the file now, so later appends start on a clean line
      if (journal.notes.length > 0 || journal.setAside.length > 0) yield* rewriteJournal(pending)
      else yield* openJournal
      return {
        snapshot: snap.snapshot,
        journal: pending,
        setAside: [...snap.setAside, ...journal.setAside],
        notes: [...snap.notes, ...journal.notes]
      }
    }))

    const append = (entry: JournalEntry): Effect.Effect<void, StoreFailure> =>
      lock.withPermits(1)(Effect.gen(function* () {
        if (handle === undefined) yield* openJournal
        const file = handle!
        yield* file.writeAll(new TextEncoder().encode(encodeEntry(entry) + "\n")).pipe(
          Effect.zipRight(file.sync),
          Effect.mapError(failure("append", journalPath))
        )
        pending.push(entry)
      }))

    const checkpoint = (state: TradingState): Effect.Effect<void, StoreFailure> =>
      lock.withPermits(1)(Effect.gen(function* () {
        yield* write(statePath, JSON.stringify(encodeState(state), null, 1)).pipe(Effect.mapError(failure("save", statePath)))
        const rest = pending.filter((e) => e.seq > state.journalSeq)
        if (rest.length !== pending.length || rest.length === 0) {
          pending = rest
          yield* rewriteJournal(rest)
        }
      }))

    return Store.of({ load, append, checkpoint, location: statePath })
  })

/** The file store as a layer (needs FileSystem and Path, e.g. NodeContext.layer). */
export const FileStoreLive = (statePath: string): Layer.Layer<Store, StoreFailure, FileSystem.FileSystem | Path.Path> =>
  Layer.scoped(Store, makeFileStore(statePath))
