// fetch-data: downloads daily charts, financial statements and universe rows from KIS into `data/` in exactly the
// files loadDataSet reads. Resumable: a coverage file records the date ranges already saved per symbol, each chart
// page is saved (atomically) as it arrives, and a rerun asks only for what is missing. Requests go through the one
// KisClient, so its rate limiter paces the download.
import { FileSystem, Path } from "@effect/platform"
import { Clock, Data, Effect, Either, Schema, Stream } from "effect"
import { gunzipSync, gzipSync } from "node:zlib"
import { KisChartRow, type KisChartRowWire, KisFinanceFile, KisUniverseRow, type KisUniverseRowWire } from "../backtest/data/kisWire.js"
import { KRX_CALENDAR } from "../domain/krx/calendar.js"
import type { Ticker } from "../domain/Money.js"
import { addDays, kstDateOf, kstTimeOf, type TradeDate } from "../domain/Time.js"
import { dailyChartPages, fetchFinanceFile, tradeDateOfKis } from "../kis/adapters/history.js"
import { stockInfo } from "../kis/catalog/index.js"
import { KisClient } from "../kis/KisClient.js"
import { atomicWrite } from "../persistence/atomicWrite.js"
import { addRange, type DateRange, missingRanges } from "./coverage.js"
import { type Progress, silentProgress } from "./progress.js"

/** A file in the data folder cannot be read or extended; names the file and what is wrong. */
export class FetchDataError extends Data.TaggedError("FetchDataError")<{ readonly file: string; readonly reason: string }> {
  override get message(): string {
    return `${this.file}: ${this.reason}`
  }
}

export interface FetchDataOptions {
  readonly symbols: ReadonlyArray<Ticker>
  readonly from: TradeDate
  /** Last day wanted; capped at the last finished trading session (today after 16:00 KST, else yesterday). */
  readonly to?: TradeDate
  readonly financials: boolean
  readonly dataDir: string
  readonly progress?: Progress
}

export interface SymbolReport {
  readonly ticker: Ticker
  readonly barsAdded: number
  readonly chartRequests: number
  readonly financials: "fetched" | "cached" | "not requested"
}

/** `fetch-coverage.json`: per symbol, the date ranges whose bars are all saved, and when statements were fetched. */
const CoverageFile = Schema.Struct({
  daily: Schema.Record({ key: Schema.String, value: Schema.Array(Schema.Struct({ from: Schema.String, to: Schema.String })) }),
  financials: Schema.Record({ key: Schema.String, value: Schema.String })
})
type Coverage = { daily: Record<string, ReadonlyArray<DateRange>>; financials: Record<string, string> }
export const COVERAGE_FILE = "fetch-coverage.json"

/** `data/daily/<code>.json[.gz]`: the `output2` rows of the chart pages, newest first. */
const ChartFile = Schema.Struct({ output2: Schema.Array(Schema.Unknown) })

/** After this KST time the day's bar is final; earlier, the latest complete bar is yesterday's. */
const SESSION_DONE = "160000"

const json = (text: string) => Either.try({ try: () => JSON.parse(text) as unknown, catch: (e) => (e instanceof Error ? e.message : String(e)) })

/** One JSON value per line inside the array: diff-friendly and what the shipped sample looks like. */
const lines = (rows: ReadonlyArray<unknown>) => rows.map((r) => JSON.stringify(r)).join(",\n")
const chartText = (rows: ReadonlyArray<KisChartRowWire>) => `{"output2":[\n${lines(rows)}\n]}\n`

export const fetchData = Effect.fn("fetchData")(function* (options: FetchDataOptions) {
  const fs = yield* FileSystem.FileSystem
  const path = yield* Path.Path
  const kis = yield* KisClient
  const progress = options.progress ?? silentProgress
  const dir = options.dataDir
  const now = yield* Clock.currentTimeMillis
  const lastComplete = kstTimeOf(now) >= SESSION_DONE ? kstDateOf(now) : addDays(kstDateOf(now), -1)
  const to = options.to !== undefined && options.to < lastComplete ? options.to : lastComplete
  const fail = (file: string, reason: string) => new FetchDataError({ file, reason })
  const readText = (file: string) =>
    fs.readFile(file).pipe(
      Effect.map((bytes) => new TextDecoder().decode(bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes)),
      Effect.mapError((e) => fail(file, `cannot read: ${e.message}`)))
  const exists = (file: string) => fs.exists(file).pipe(Effect.orElseSucceed(() => false))
  const decodeFile = <A, I>(file: string, text: string, schema: Schema.Schema<A, I>) =>
    Either.flatMap(Either.mapLeft(json(text), (m) => fail(file, `not JSON: ${m}`)), (value) =>
      Either.mapLeft(Schema.decodeUnknownEither(schema)(value), (e) => fail(file, `unexpected content: ${e.message.split("\n")[0]}`)))

  // Coverage of earlier runs.
  const coverageFile = path.join(dir, COVERAGE_FILE)
  const coverage: Coverage = { daily: {}, financials: {} }
  if (yield* exists(coverageFile)) {
    const saved = yield* decodeFile(coverageFile, yield* readText(coverageFile), CoverageFile)
    Object.assign(coverage.financials, saved.financials)
    for (const [code, ranges] of Object.entries(saved.daily)) coverage.daily[code] = ranges as ReadonlyArray<DateRange>
  }
  const saveCoverage = Effect.suspend(() => atomicWrite(coverageFile, `${JSON.stringify(coverage, null, 1)}\n`))

  // The universe file: existing rows kept as they are, rows for new symbols appended.
  const universeFile = path.join(dir, "universe.json")
  const universe: Array<KisUniverseRowWire> = (yield* exists(universeFile))
    ? [...(yield* decodeFile(universeFile, yield* readText(universeFile), Schema.Array(Schema.encodedSchema(KisUniverseRow))))]
    : []
  const listed = new Set(universe.map((r) => r.pdno.slice(-6)))

  const reports: Array<SymbolReport> = []
  for (const ticker of options.symbols) {
    // Bars already saved (either file name the loader accepts), and the ranges they cover.
    const names = [`${ticker}.json.gz`, `${ticker}.json`].map((n) => path.join(dir, "daily", n))
    const present = yield* Effect.filter(names, exists)
    if (present.length > 1) return yield* fail(present[1]!, `second bar file for ${ticker} (also ${present[0]}); remove one`)
    const barFile = present[0] ?? names[0]!
    const byDate = new Map<string, KisChartRowWire>()
    if (present[0] !== undefined) {
      const file = yield* decodeFile(barFile, yield* readText(barFile), ChartFile)
      for (const [i, raw] of file.output2.entries()) {
        const row = yield* Either.mapLeft(Schema.decodeUnknownEither(KisChartRow)(raw), (e) => fail(barFile, `output2[${i}]: ${e.message.split("\n")[0]}`))
        byDate.set(row.stck_bsop_date.replaceAll("-", ""), yield* Either.mapLeft(Schema.encodeEither(KisChartRow)(row), (e) => fail(barFile, e.message)))
      }
    }
    if (coverage.daily[ticker] === undefined && byDate.size > 0) {
      const dates = [...byDate.keys()].sort()
      coverage.daily[ticker] = [{ from: tradeDateOfKis(dates[0]!), to: tradeDateOfKis(dates[dates.length - 1]!) }]
    }
    const missing = to < options.from ? [] : missingRanges(coverage.daily[ticker] ?? [], { from: options.from, to }).reverse()
    progress.expect(missing.reduce((n, r) => n + Math.max(1, Math.ceil(KRX_CALENDAR.tradingDaysBetween(r.from, r.to).length / 100)), 0))
    const before = byDate.size
    let chartRequests = 0
    for (const range of missing) {
      yield* dailyChartPages(kis, ticker, range.from, range.to).pipe(
        Stream.runForEach((page) => Effect.gen(function* () {
          chartRequests++
          for (const row of page.rows) byDate.set(row.stck_bsop_date, row)
          const rows = [...byDate.keys()].sort().reverse().map((d) => byDate.get(d)!)
          const text = chartText(rows)
          yield* atomicWrite(barFile, barFile.endsWith(".gz") ? gzipSync(text) : text)
          coverage.daily[ticker] = addRange(coverage.daily[ticker] ?? [], { from: page.coveredFrom, to: page.end })
          yield* saveCoverage
          progress.step(`${ticker} ${page.coveredFrom}`)
        })))
    }

    let financials: SymbolReport["financials"] = "not requested"
    if (options.financials) {
      const fetchedOn = coverage.financials[ticker]
      if (fetchedOn !== undefined && fetchedOn >= to) financials = "cached"
      else {
        progress.expect(1)
        const file = yield* fetchFinanceFile(kis, ticker, to)
        yield* Either.mapLeft(Schema.decodeUnknownEither(KisFinanceFile)(file), (e) => fail(`finance/${ticker}.json`, e.message.split("\n")[0] ?? ""))
        const text = `{"balance_sheet":{"annual":[\n${lines(file.balance_sheet.annual)}\n],"quarterly":[\n${lines(file.balance_sheet.quarterly)}\n]},\n` +
          `"income_statement":{"annual":[\n${lines(file.income_statement.annual)}\n],"quarterly":[\n${lines(file.income_statement.quarterly)}\n]},\n` +
          `"dividend":[\n${lines(file.dividend ?? [])}\n]}\n`
        yield* atomicWrite(path.join(dir, "finance", `${ticker}.json`), text)
        coverage.financials[ticker] = kstDateOf(now)
        yield* saveCoverage
        progress.step(`${ticker} statements`)
        financials = "fetched"
      }
    }

    if (!listed.has(ticker)) {
      universe.push(yield* universeRowOf(kis, ticker))
      listed.add(ticker)
      yield* atomicWrite(universeFile, `[\n${lines(universe)}\n]\n`)
    }
    reports.push({ ticker, barsAdded: byDate.size - before, chartRequests, financials })
  }
  progress.finish()
  return reports
})

/**
 * The universe row of a symbol from search-stock-info (name, market, fiscal year end, listed shares, listing date).
 * That API is real-only: on the mock server the row says only the code and KOSPI.
 */
const universeRowOf = (kis: KisClient, ticker: Ticker) =>
  kis.call(stockInfo.searchStockInfo, { PRDT_TYPE_CD: "300", PDNO: ticker }).pipe(
    Effect.map((r): KisUniverseRowWire => {
      const o = r.output ?? {}
      const pick = (k: keyof typeof o) => (o[k] === undefined || o[k]!.trim() === "" ? {} : { [k]: o[k]!.trim() })
      return {
        pdno: ticker,
        prdt_abrv_name: o.prdt_abrv_name?.trim() || ticker,
        mket_id_cd: o.mket_id_cd === "KSQ" || o.mket_id_cd === "KNX" ? o.mket_id_cd : "STK",
        ...pick("setl_mmdd"), ...pick("lstg_stqt"), ...pick("scts_mket_lstg_dt"), ...pick("kosdaq_mket_lstg_dt")
      }
    }),
    Effect.catchTag("KisNotOnMock", () => Effect.succeed<KisUniverseRowWire>({ pdno: ticker, prdt_abrv_name: ticker, mket_id_cd: "STK" })),
    Effect.flatMap((row) =>
      Either.mapLeft(Schema.decodeUnknownEither(KisUniverseRow)(row), (e) => new FetchDataError({ file: "universe.json", reason: `${ticker}: ${e.message.split("\n")[0]}` })).pipe(
        Either.map(() => row)))
  )
