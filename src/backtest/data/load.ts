// loadDataSet: reads a history folder once, validates every row, and returns the columnar DataSet replay uses.
// Layouts: `data/` (KIS shapes), a folder of plain <code>.csv bars, or daily/ + fundamentals/ (shared KRX set).
import { FileSystem, Path } from "@effect/platform"
import { Effect, Either, ParseResult, Schema } from "effect"
import { promisify } from "node:util"
import { gunzip } from "node:zlib"
import type { FinancialStatement } from "../../domain/Fundamentals.js"
import { type Market, ordinaryStock } from "../../domain/Market.js"
import type { Ticker } from "../../domain/Money.js"
import { addDays, type TradeDate } from "../../domain/Time.js"
import { KRX_CALENDAR } from "../../domain/krx/calendar.js"
import { type ParsedBars, parseCsvBars, parseJsonText, parseKisChartBars } from "./bars.js"
import type { BarColumns, DataSet, DataWarning, SymbolInfo } from "./DataSet.js"
import { DataLoadError, dataLoadError } from "./DataLoadError.js"
import { KisFinanceFile, KisUniverseFile, type KisUniverseRow, listingDateOf, MARKET_OF_KIS_ID } from "./kisWire.js"
import { makeDateCache } from "./numbers.js"
import { DEFAULT_LAGS, type DisclosureLags, statementsFromKis, statementsFromKrxCsv } from "./statements.js"
import { barWarnings } from "./warnings.js"

export interface LoadOptions {
  /** Load only these codes (each must have a bar file). Default: every bar file of the folder. */
  readonly symbols?: ReadonlyArray<string>
  /** Keep bars dated on or after this day. Statements are all kept (trailing figures need history). */
  readonly from?: TradeDate
  /** Keep bars, and statements available, on or before this day. */
  readonly to?: TradeDate
  /** Days after fiscal year end an annual statement without a filing date becomes usable (default 90). */
  readonly annualLagDays?: number
  /** Days after quarter end a quarterly statement without a filing date becomes usable (default 45). */
  readonly quarterlyLagDays?: number
  /** Market of every symbol, overriding the universe file (default: universe file, else KOSPI). */
  readonly market?: Market
}

const BAR_FILE = /^([0-9A-Z]{6})\.(csv|json|json\.gz)$/
const LOAD_CONCURRENCY = 8
const gunzipAsync = promisify(gunzip)

type Fs = FileSystem.FileSystem

/** Reads a file's bytes, gunzipping them when they are gzip (by magic bytes). */
const readBytes = (fs: Fs, file: string) =>
  fs.readFile(file).pipe(
    Effect.mapError((e) => dataLoadError(file, undefined, undefined, undefined, `cannot read: ${e.message}`)),
    Effect.flatMap((bytes) => bytes[0] === 0x1f && bytes[1] === 0x8b
      ? Effect.tryPromise({
        try: () => gunzipAsync(bytes),
        catch: (e) => dataLoadError(file, undefined, undefined, undefined, `corrupt gzip: ${e instanceof Error ? e.message : String(e)}`)
      })
      : Effect.succeed(bytes)))

const utf8 = new TextDecoder()
const readText = (fs: Fs, file: string) => Effect.map(readBytes(fs, file), (bytes) => utf8.decode(bytes))

const isDirectory = (fs: Fs, dir: string) =>
  fs.stat(dir).pipe(Effect.map((s) => s.type === "Directory"), Effect.orElseSucceed(() => false))

/** The first file among `candidates` that exists. */
const firstExisting = (fs: Fs, candidates: ReadonlyArray<string>) =>
  Effect.findFirst(candidates, (f) => fs.exists(f).pipe(Effect.orElseSucceed(() => false)))

/** A Schema decode failure -> DataLoadError naming the array element (row) and field of its first issue. */
const fromParseError = (file: string, input: unknown, error: ParseResult.ParseError): DataLoadError => {
  const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
  const path = issue?.path ?? []
  let value: unknown = input
  for (const key of path) value = typeof value === "object" && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined
  const lastIndex = [...path].reverse().find((k): k is number => typeof k === "number")
  const lastKey = [...path].reverse().find((k): k is string => typeof k === "string")
  return dataLoadError(
    file, lastIndex === undefined ? undefined : lastIndex + 1, lastKey,
    value === undefined ? undefined : JSON.stringify(value), `${issue?.message ?? "invalid"} (at ${path.join(".") || "top level"})`)
}

const decodeJsonFile = <A, I>(file: string, text: string, schema: Schema.Schema<A, I>) =>
  Either.flatMap(parseJsonText(file, text), (json) =>
    Either.mapLeft(Schema.decodeUnknownEither(schema)(json), (e) => fromParseError(file, json, e)))

/** Index of the first date ≥ `date` in ascending `dates`. */
const lowerBound = (dates: ReadonlyArray<TradeDate>, date: TradeDate): number => {
  let lo = 0, hi = dates.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (dates[mid]! < date) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Columns of `parsed` restricted to [from, to], with the source rows of the kept bars. */
const window = (ticker: Ticker, parsed: ParsedBars, from?: TradeDate, to?: TradeDate) => {
  const a = from === undefined ? 0 : lowerBound(parsed.dates, from)
  const b = to === undefined ? parsed.dates.length : lowerBound(parsed.dates, addDays(to, 1))
  const whole = a === 0 && b === parsed.dates.length
  const columns: BarColumns = {
    ticker,
    length: b - a,
    dates: whole ? parsed.dates : parsed.dates.slice(a, b),
    open: parsed.open.subarray(a, b),
    high: parsed.high.subarray(a, b),
    low: parsed.low.subarray(a, b),
    close: parsed.close.subarray(a, b),
    volume: parsed.volume.subarray(a, b)
  }
  return { columns, rows: parsed.rows.subarray(a, b) }
}

/**
 * The columns with identical date lists sharing one array (dates are interned strings, so comparing is cheap):
 * symbols on one calendar then advance together in a replay, and the lists are stored once.
 */
const shareDates = (columns: ReadonlyArray<BarColumns>): Array<BarColumns> => {
  const known = new Map<string, Array<ReadonlyArray<TradeDate>>>()
  return columns.map((c) => {
    if (c.length === 0) return c
    const key = `${c.dates[0]}/${c.dates[c.length - 1]}/${c.length}`
    const lists = known.get(key) ?? []
    const same = lists.find((list) => list.every((d, i) => d === c.dates[i]))
    if (same !== undefined) return { ...c, dates: same }
    known.set(key, [...lists, c.dates])
    return c
  })
}

/**
 * Loads a history folder. Fails with the first DataLoadError (file, row, field, value) found; suspicious but
 * legal data ends up in `warnings`. Needs FileSystem and Path (NodeContext.layer).
 */
export const loadDataSet = Effect.fn("loadDataSet")(function* (dir: string, options: LoadOptions = {}) {
  const fs = yield* FileSystem.FileSystem
  const path = yield* Path.Path
  const lags: DisclosureLags = {
    annualLagDays: options.annualLagDays ?? DEFAULT_LAGS.annualLagDays,
    quarterlyLagDays: options.quarterlyLagDays ?? DEFAULT_LAGS.quarterlyLagDays
  }
  if (!(yield* isDirectory(fs, dir))) return yield* dataLoadError(dir, undefined, undefined, undefined, "not a folder")
  const dailyDir = path.join(dir, "daily")
  const barDir = (yield* isDirectory(fs, dailyDir)) ? dailyDir : dir

  const barFiles = new Map<string, string>()
  for (const name of (yield* fs.readDirectory(barDir).pipe(Effect.orElseSucceed(() => []))).sort()) {
    const m = BAR_FILE.exec(name)
    if (m === null) continue
    const prior = barFiles.get(m[1]!)
    if (prior !== undefined) {
      return yield* dataLoadError(path.join(barDir, name), undefined, undefined, undefined, `second bar file for ${m[1]} (also ${prior})`)
    }
    barFiles.set(m[1]!, name)
  }
  if (barFiles.size === 0) {
    return yield* dataLoadError(barDir, undefined, undefined, undefined, "no bar files named <code>.csv, <code>.json or <code>.json.gz")
  }

  const universeFile = path.join(dir, "universe.json")
  const universe = new Map<string, { readonly row: KisUniverseRow; readonly index: number }>()
  if (yield* fs.exists(universeFile).pipe(Effect.orElseSucceed(() => false))) {
    const rows = yield* decodeJsonFile(universeFile, yield* readText(fs, universeFile), KisUniverseFile)
    rows.forEach((row, index) => universe.set(row.pdno.slice(-6), { row, index }))
  }

  const wanted = options.symbols ?? [...new Set([...barFiles.keys(), ...universe.keys()])].sort()
  for (const code of wanted) {
    if (barFiles.has(code)) continue
    const listed = universe.get(code)
    return yield* listed === undefined
      ? dataLoadError(barDir, undefined, "symbol", code, "no bar file for this symbol")
      : dataLoadError(universeFile, listed.index + 1, "pdno", code, `listed in the universe but ${barDir} has no bar file for it`)
  }

  const dates = makeDateCache()
  const loaded = yield* Effect.forEach(wanted, (code) => Effect.gen(function* () {
    const ticker = code as Ticker
    const barFile = path.join(barDir, barFiles.get(code)!)
    const bytes = yield* readBytes(fs, barFile)
    const parsed = yield* (barFile.endsWith(".csv") ? parseCsvBars : parseKisChartBars)(barFile, bytes, dates)
    const listed = universe.get(code)?.row
    const kisFinance = yield* firstExisting(fs, [path.join(dir, "finance", `${code}.json`), path.join(dir, "finance", `${code}.json.gz`)])
    const krxFinance = path.join(dir, "fundamentals", `${code}.csv`)
    let statements: Array<FinancialStatement> = []
    let sharesFromStatements: number | undefined
    if (kisFinance._tag === "Some") {
      const finance = yield* decodeJsonFile(kisFinance.value, yield* readText(fs, kisFinance.value), KisFinanceFile)
      statements = statementsFromKis(ticker, finance, Number(listed?.setl_mmdd?.slice(0, 2) ?? "12"), lags)
    } else if (yield* fs.exists(krxFinance).pipe(Effect.orElseSucceed(() => false))) {
      const krx = yield* statementsFromKrxCsv(krxFinance, yield* readText(fs, krxFinance), ticker, lags)
      statements = krx.statements
      sharesFromStatements = krx.latestShares
    }
    if (options.to !== undefined) {
      const to = options.to
      statements = statements.filter((s) => s.availableFrom <= to)
    }
    const market: Market = options.market ?? (listed === undefined ? "KOSPI" : MARKET_OF_KIS_ID[listed.mket_id_cd])
    const info: SymbolInfo = {
      ticker,
      name: listed?.prdt_abrv_name ?? code,
      instrument: ordinaryStock(market),
      listedOn: listed === undefined ? undefined : listingDateOf(listed),
      sharesOutstanding: listed?.lstg_stqt ?? sharesFromStatements
    }
    return { info, barFile, statements, ...window(ticker, parsed, options.from, options.to) }
  }), { concurrency: LOAD_CONCURRENCY })

  let first: TradeDate | undefined, last: TradeDate | undefined
  for (const { columns } of loaded) {
    if (columns.length === 0) continue
    const a = columns.dates[0]!, b = columns.dates[columns.length - 1]!
    if (first === undefined || a < first) first = a
    if (last === undefined || b > last) last = b
  }
  const tradingDays = first === undefined || last === undefined ? [] : KRX_CALENDAR.tradingDaysBetween(first, last)
  const calendar = new Map(tradingDays.map((d, i) => [d, i]))
  const warnings: Array<DataWarning> = []
  for (const { info, barFile, columns, rows } of loaded) {
    for (const w of barWarnings(barFile, info.ticker, info.instrument, columns, rows, calendar)) warnings.push(w)
  }
  const columns = shareDates(loaded.map((l) => l.columns))
  const dataSet: DataSet = {
    source: dir,
    symbols: loaded.map((l) => l.info),
    bars: new Map(loaded.map((l, i) => [l.info.ticker, columns[i]!])),
    statements: new Map(loaded.map((l) => [l.info.ticker, l.statements])),
    warnings
  }
  return dataSet
})
