// fetch-data against the fake KIS server: chart pages walked back ≤ 100 rows at a time, files the loader reads,
// no request at all for cached ranges, only missing ranges on extension, resume after an interrupted run.
import { describe, expect, it } from "@effect/vitest"
import { Command } from "@effect/cli"
import { NodeContext } from "@effect/platform-node"
import { ConfigProvider, Effect, Layer } from "effect"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { gunzipSync } from "node:zlib"
import { loadDataSet } from "../../src/backtest/data/load.js"
import { fetchDataCommand } from "../../src/cli/fetchData.js"
import type { Ticker } from "../../src/domain/Money.js"
import type { KisVariable } from "../../src/kis/KisConfig.js"
import { COVERAGE_FILE, fetchData, type FetchDataOptions } from "../../src/fetch/fetchData.js"
import { TEST_SECRETS } from "../support/kisLoopback.js"
import { FAKE_TICKER, type FakeKis, fakeKisClient, PATHS, startFakeKis } from "../kis/adapters/support/fakeKis.js"
import { dashed } from "../kis/adapters/support/fixedClock.js"

const T = FAKE_TICKER as Ticker

const tempDir = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(path.join(tmpdir(), "fetch-data-"))),
  (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
)

/** The fake, a data folder, and a runner that fetches into it with a fresh client each time (like separate runs). */
const setup = (vars: Partial<Record<KisVariable, string>> = {}) => Effect.gen(function* () {
  const fake = yield* startFakeKis()
  const dir = yield* tempDir
  const bars = fake.symbols[FAKE_TICKER]!.bars
  const client = yield* fakeKisClient(fake, vars)
  const run = (options: Partial<FetchDataOptions> = {}) =>
    fetchData({ symbols: [T], from: dashed(bars[20]!.date), to: dashed(bars[bars.length - 5]!.date), financials: true, dataDir: dir, ...options }).pipe(
      Effect.provide(Layer.merge(client, NodeContext.layer)))
  return { fake, dir, bars, run }
})

const savedDates = (dir: string): Array<string> => {
  const text = gunzipSync(readFileSync(path.join(dir, "daily", `${FAKE_TICKER}.json.gz`))).toString("utf8")
  return (JSON.parse(text) as { output2: Array<{ stck_bsop_date: string }> }).output2.map((r) => r.stck_bsop_date)
}
const chartCalls = (fake: FakeKis) => fake.to(PATHS.chart).map((r) => [r.query.get("FID_INPUT_DATE_1"), r.query.get("FID_INPUT_DATE_2")])

describe("fetch-data", () => {
  it.scopedLive("walks the chart back 100 rows a call and writes files loadDataSet reads", () =>
    Effect.gen(function* () {
      const { fake, dir, bars, run } = yield* setup()
      const [report] = yield* run()
      const wanted = bars.slice(20, bars.length - 4)
      expect(report).toEqual({ ticker: T, barsAdded: wanted.length, chartRequests: 3, financials: "fetched" })
      const calls = chartCalls(fake)
      expect(calls[0]).toEqual([wanted[0]!.date, wanted[wanted.length - 1]!.date])
      expect(fake.to(PATHS.chart).every((r) => r.query.get("FID_ORG_ADJ_PRC") === "0" && r.query.get("FID_PERIOD_DIV_CODE") === "D")).toBe(true)
      // each later call ends the day before the oldest row of the previous answer
      expect(calls[1]).toEqual([wanted[0]!.date, addDay(wanted[wanted.length - 100]!.date, -1)])
      expect(calls[2]).toEqual([wanted[0]!.date, addDay(wanted[wanted.length - 200]!.date, -1)])
      expect(savedDates(dir)).toEqual(wanted.map((b) => b.date).reverse())

      const data = yield* loadDataSet(dir).pipe(Effect.provide(NodeContext.layer))
      const columns = data.bars.get(T)!
      expect(columns.dates).toEqual(wanted.map((b) => dashed(b.date)))
      expect([...columns.close]).toEqual(wanted.map((b) => b.close))
      expect(data.symbols[0]).toMatchObject({ ticker: T, name: "삼성전자", sharesOutstanding: 5_969_782_550 })
      expect(data.symbols[0]!.instrument.market).toBe("KOSPI")
      const annual = data.statements.get(T)!.filter((s) => s.periodType === "annual")
      expect(annual.map((s) => [s.periodEnd, s.revenue])).toEqual([["2022-12-31", 302_231_400_000_000], ["2023-12-31", 258_935_500_000_000]])
      expect(annual.map((s) => s.dividendPerShare)).toEqual([0, 722]) // the KSD dividends written beside the statements
      const q2 = data.statements.get(T)!.find((s) => s.periodType === "quarter" && s.periodEnd === "2024-06-30")
      expect(q2?.revenue).toBe((1_237_509 - 637_454) * 100_000_000) // year-to-date differenced
    }))

  it.scopedLive("paces its requests with the client's rate limiter", () =>
    Effect.gen(function* () {
      const { fake, run } = yield* setup({ KIS_REQUESTS_PER_SECOND: "10" })
      yield* run()
      const times = fake.server.requests.filter((r) => r.path !== "/oauth2/tokenP").map((r) => r.at)
      expect(times.length).toBe(3 + 4 + 1 + 1) // chart pages, statements, KSD dividends, stock info
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(90)
    }))

  it.scopedLive("a second run asks KIS nothing for what is cached", () =>
    Effect.gen(function* () {
      const { fake, run } = yield* setup()
      yield* run()
      const before = fake.server.requests.length
      const [again] = yield* run()
      expect(again).toEqual({ ticker: T, barsAdded: 0, chartRequests: 0, financials: "cached" })
      expect(fake.server.requests.length).toBe(before)
    }))

  it.scopedLive("a wider range fetches only the missing ends", () =>
    Effect.gen(function* () {
      const { fake, dir, bars, run } = yield* setup()
      yield* run({ financials: false })
      const first = chartCalls(fake).length
      // bars[length - 1] may be today's unfinished session, so the wider range ends one bar earlier
      yield* run({ from: dashed(bars[5]!.date), to: dashed(bars[bars.length - 2]!.date), financials: false })
      expect(chartCalls(fake).slice(first)).toEqual([
        [addDay(bars[bars.length - 5]!.date, 1), bars[bars.length - 2]!.date],
        [bars[5]!.date, addDay(bars[20]!.date, -1)]
      ])
      expect(savedDates(dir)).toEqual(bars.slice(5, -1).map((b) => b.date).reverse())
    }))

  it.scopedLive("an interrupted run keeps the pages it saved and the next run fetches only the rest", () =>
    Effect.gen(function* () {
      const { fake, dir, bars, run } = yield* setup()
      fake.failAfter = 1 // the first chart page is answered, then the server breaks
      const failed = yield* Effect.flip(run({ financials: false }))
      expect(failed._tag).toBe("KisTransportError")
      const firstPage = bars.slice(bars.length - 104, bars.length - 4).map((b) => b.date).reverse()
      expect(savedDates(dir)).toEqual(firstPage)
      const coverage = JSON.parse(readFileSync(path.join(dir, COVERAGE_FILE), "utf8")) as { daily: Record<string, unknown> }
      expect(coverage.daily[FAKE_TICKER]).toEqual([{ from: dashed(firstPage[firstPage.length - 1]!), to: dashed(bars[bars.length - 5]!.date) }])
      fake.failAfter = undefined
      const okBefore = fake.to(PATHS.chart).length
      const [resumed] = yield* run({ financials: false })
      expect(resumed!.chartRequests).toBe(2)
      expect(fake.to(PATHS.chart).slice(okBefore).every((r) => r.query.get("FID_INPUT_DATE_2")! < firstPage[firstPage.length - 1]!)).toBe(true)
      expect(savedDates(dir)).toEqual(bars.slice(20, bars.length - 4).map((b) => b.date).reverse())
    }))

  it.scopedLive("keeps existing universe rows and appends the new symbol", () =>
    Effect.gen(function* () {
      const { dir, run } = yield* setup()
      const existing = `{"pdno":"SYN001","prdt_abrv_name":"Synthetic Steel 01","mket_id_cd":"STK","setl_mmdd":"12"}`
      writeFileSync(path.join(dir, "universe.json"), `[\n${existing}\n]\n`)
      yield* run({ financials: false })
      const rows = JSON.parse(readFileSync(path.join(dir, "universe.json"), "utf8")) as Array<{ pdno: string }>
      expect(rows.map((r) => r.pdno)).toEqual(["SYN001", FAKE_TICKER])
      expect(readFileSync(path.join(dir, "universe.json"), "utf8")).toContain(existing)
    }))

  it.scopedLive("a broken bar file already in the folder is an error naming it, and nothing is fetched", () =>
    Effect.gen(function* () {
      const { fake, dir, run } = yield* setup()
      mkdirSync(path.join(dir, "daily"), { recursive: true })
      writeFileSync(path.join(dir, "daily", `${FAKE_TICKER}.json`), `{"output2":[{"stck_bsop_date":"20240101","stck_oprc":"x"}]}`)
      const error = yield* Effect.flip(run())
      expect(error._tag).toBe("FetchDataError")
      expect(error.message).toContain(`${FAKE_TICKER}.json`)
      expect(error.message).toContain("output2[0]")
      expect(fake.to(PATHS.chart)).toHaveLength(0)
      expect(existsSync(path.join(dir, "daily", `${FAKE_TICKER}.json.gz`))).toBe(false)
    }))
})

describe("fetch-data command", () => {
  const cli = Command.run(fetchDataCommand, { name: "stock-manager", version: "test" })
  it.scopedLive("without credentials for real KIS the error names the missing variable", () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      const error = yield* Effect.flip(cli(["node", "fetch-data", "--symbols", "005930", "--from", "2020-01-01", "--data-dir", dir]).pipe(
        Effect.provide(NodeContext.layer),
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["KIS_ENV", "real"]])))))
      expect(error).toMatchObject({ _tag: "KisConfigurationError", variable: "KIS_APP_KEY" })
    }))

  it.scopedLive("downloads with settings from KIS_* variables into --data-dir", () =>
    Effect.gen(function* () {
      const fake = yield* startFakeKis()
      const dir = yield* tempDir
      const tokens = yield* tempDir
      const bars = fake.symbols[FAKE_TICKER]!.bars
      yield* cli(["node", "fetch-data", "--symbols", `${FAKE_TICKER}, 000660`, "--from", dashed(bars[200]!.date), "--to", dashed(bars[240]!.date), "--data-dir", dir]).pipe(
        Effect.provide(NodeContext.layer),
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([
          ["KIS_ENV", "real"], ["KIS_APP_KEY", TEST_SECRETS.appKey], ["KIS_APP_SECRET", TEST_SECRETS.appSecret],
          ["KIS_ACCOUNT_NO", TEST_SECRETS.account], ["KIS_BASE_URL", fake.server.url], ["KIS_TOKEN_DIR", tokens]
        ]))))
      const data = yield* loadDataSet(dir).pipe(Effect.provide(NodeContext.layer))
      expect(data.symbols.map((s) => s.ticker)).toEqual(["000660", FAKE_TICKER])
      expect(data.bars.get(T)!.length).toBe(41)
      expect(existsSync(path.join(dir, "finance"))).toBe(false) // --financials not given
    }))

  it.scopedLive("rejects a malformed symbol before doing anything", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(cli(["node", "fetch-data", "--symbols", "005930,12ab", "--from", "2020-01-01"]).pipe(Effect.provide(NodeContext.layer)))
      expect(String((error as { _tag?: string })._tag)).toMatch(/Validation|InvalidValue/)
    }))
})

const addDay = (yyyymmdd: string, days: number): string =>
  new Date(Date.UTC(Number(yyyymmdd.slice(0, 4)), Number(yyyymmdd.slice(4, 6)) - 1, Number(yyyymmdd.slice(6, 8)) + days)).toISOString().slice(0, 10).replaceAll("-", "")
