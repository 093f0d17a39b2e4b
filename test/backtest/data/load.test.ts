// loadDataSet over the three layouts: the shipped KIS-shape sample, plain CSV folders and the shared KRX set;
// options (symbols, window, lags, market), warnings for suspicious data, and typed errors for broken files.
import { NodeContext } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs"
import os from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"
import { afterAll } from "vitest"
import { loadDataSet, type LoadOptions } from "../../../src/backtest/data/load.js"
import { KRX_CALENDAR } from "../../../src/domain/krx/calendar.js"
import { ticker } from "../../../src/domain/Money.js"
import { type TradeDate, tradeDate } from "../../../src/domain/Time.js"
import { describeShared, sharedPath } from "../../support/shared.js"

const SAMPLE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../data")
const load = (dir: string, options?: LoadOptions) => loadDataSet(dir, options).pipe(Effect.provide(NodeContext.layer))
const loadEither = (dir: string, options?: LoadOptions) => Effect.either(load(dir, options))

const tmpRoot = mkdtempSync(path.join(os.tmpdir(), "load-test-"))
afterAll(() => rmSync(tmpRoot, { recursive: true, force: true }))
let dirCount = 0
/** A fresh folder holding `files` (path -> contents). */
const folder = (files: Record<string, string | Uint8Array>): string => {
  const dir = path.join(tmpRoot, `d${dirCount++}`)
  for (const [name, contents] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
    writeFileSync(path.join(dir, name), contents)
  }
  mkdirSync(dir, { recursive: true })
  return dir
}
const HEADER = "date,open,high,low,close,volume"

describe("loadDataSet: the shipped sample (KIS shapes)", () => {
  it.effect("loads every symbol of the universe with one bar per KRX trading day since listing", () => Effect.gen(function* () {
    const ds = yield* load(SAMPLE_DIR)
    expect(ds.symbols.length).toBeGreaterThanOrEqual(50)
    expect(new Set(ds.symbols.map((s) => s.instrument.market))).toEqual(new Set(["KOSPI", "KOSDAQ"]))
    const days = KRX_CALENDAR.tradingDaysBetween(tradeDate("2014-01-02"), tradeDate("2025-12-30"))
    for (const s of ds.symbols) {
      expect(s.ticker).toMatch(/^SYN\d{3}$/)
      expect(s.name).toMatch(/^Synthetic /)
      expect(s.sharesOutstanding).toBeGreaterThan(0)
      const bars = ds.bars.get(s.ticker)!
      const listed = s.listedOn! > days[0]! ? s.listedOn! : days[0]!
      expect(bars.dates).toEqual(days.filter((d) => d >= listed))
      const statements = ds.statements.get(s.ticker)!
      expect(statements.some((x) => x.periodType === "annual")).toBe(true)
      expect(statements.some((x) => x.periodType === "quarter")).toBe(true)
    }
    expect(ds.bars.get(ticker("SYN001"))!.length).toBe(days.length)
    // synthetic bars are on the ladder and complete: only limit moves are worth a warning
    expect(new Set(ds.warnings.map((w) => w.kind))).toEqual(new Set(["limit-move"]))
  }))

  it.effect("filters symbols, cuts the window and applies lags and a market override", () => Effect.gen(function* () {
    const ds = yield* load(SAMPLE_DIR, {
      symbols: ["SYN002", "SYN004"], from: tradeDate("2020-01-01"), to: tradeDate("2020-12-31"),
      annualLagDays: 60, quarterlyLagDays: 30, market: "KONEX"
    })
    expect(ds.symbols.map((s) => s.ticker)).toEqual(["SYN002", "SYN004"])
    expect(ds.symbols.every((s) => s.instrument.market === "KONEX")).toBe(true)
    const bars = ds.bars.get(ticker("SYN002"))!
    expect(bars.dates[0]).toBe("2020-01-02")
    expect(bars.dates[bars.length - 1]).toBe("2020-12-30")
    expect(bars.length).toBe(KRX_CALENDAR.tradingDaysBetween(tradeDate("2020-01-01"), tradeDate("2020-12-31")).length)
    const statements = ds.statements.get(ticker("SYN002"))!
    expect(statements.every((s) => s.availableFrom <= "2020-12-31")).toBe(true)
    expect(statements.find((s) => s.periodType === "annual" && s.periodEnd === "2019-12-31")!.availableFrom).toBe("2020-02-29")
    expect(statements.find((s) => s.periodType === "quarter" && s.periodEnd === "2020-06-30")!.availableFrom).toBe("2020-07-30")
  }))

  it.effect("fails on a symbol without a bar file", () => Effect.gen(function* () {
    const e = yield* Effect.flip(load(SAMPLE_DIR, { symbols: ["SYN999"] }))
    expect({ field: e.field, value: e.value }).toEqual({ field: "symbol", value: "SYN999" })
  }))
})

describe("loadDataSet: plain CSV folders", () => {
  it.effect("reads <code>.csv files with KOSPI as the default market", () => Effect.gen(function* () {
    const dir = folder({
      "000001.csv": `${HEADER}\n2024-01-02,100,110,90,105,10\n2024-01-03,105,106,100,101,0\n`,
      "000002.csv": `${HEADER}\n2024-01-02,5000,5100,4900,5000,10\n`,
      "README.md": "not a bar file"
    })
    const ds = yield* load(dir)
    expect(ds.symbols.map((s) => [s.ticker, s.name, s.instrument.market, s.listedOn])).toEqual([
      ["000001", "000001", "KOSPI", undefined], ["000002", "000002", "KOSPI", undefined]
    ])
    expect(ds.bars.get(ticker("000001"))!.length).toBe(2)
    expect(ds.statements.get(ticker("000001"))).toEqual([])
  }))

  it.effect("symbols with the same dates share one date list; symbols with other dates keep their own", () => Effect.gen(function* () {
    const rows = (dates: ReadonlyArray<string>) => `${HEADER}\n${dates.map((d) => `${d},100,110,90,105,10`).join("\n")}\n`
    const dir = folder({
      "000001.csv": rows(["2024-01-02", "2024-01-03", "2024-01-04"]),
      "000002.csv": rows(["2024-01-02", "2024-01-03", "2024-01-04"]),
      "000003.csv": rows(["2024-01-02", "2024-01-04", "2024-01-05"]),
      "000004.csv": rows(["2024-01-02", "2024-01-03", "2024-01-04"]),
      "000005.csv": rows(["2024-01-02", "2024-01-03", "2024-01-05"])
    })
    const ds = yield* load(dir)
    const datesOf = (code: string) => ds.bars.get(ticker(code))!.dates
    expect(datesOf("000002")).toBe(datesOf("000001"))
    expect(datesOf("000004")).toBe(datesOf("000001"))
    expect(datesOf("000003")).not.toBe(datesOf("000001"))
    expect([...datesOf("000003")]).toEqual(["2024-01-02", "2024-01-04", "2024-01-05"])
    expect([...datesOf("000004")]).toEqual(["2024-01-02", "2024-01-03", "2024-01-04"])
    // same first and last date and length as 000003, another day between
    expect(datesOf("000005")).not.toBe(datesOf("000003"))
    expect([...datesOf("000005")]).toEqual(["2024-01-02", "2024-01-03", "2024-01-05"])
  }))

  it.effect("warns about limit moves, zero volume, missing trading days, closed days and off-tick prices", () => Effect.gen(function* () {
    const dir = folder({
      "000001.csv": [HEADER,
        "2024-01-02,1000,1000,1000,1000,10",
        "2024-01-03,1300,1300,1300,1300,10", // +30 %, the upper limit
        "2024-01-04,1300,1300,1300,1300,0", // no trades
        "2024-01-08,1300,1300,1300,1300,5", // 2024-01-05 missing
        "2024-02-10,1300,1300,1300,1300,5", // Seollal, a Saturday: market closed
        "2024-02-13,20001,20001,20001,20001,5" // off the 50-won tick; beyond the band
      ].join("\n")
    })
    const ds = yield* load(dir)
    const seen = ds.warnings.map((w) => [w.kind, w.row, w.date])
    expect(seen).toContainEqual(["limit-move", 3, "2024-01-03"])
    expect(seen).toContainEqual(["zero-volume", 4, "2024-01-04"])
    expect(seen).toContainEqual(["gap", 5, "2024-01-08"])
    expect(seen).toContainEqual(["gap", 6, "2024-02-10"])
    expect(seen).toContainEqual(["off-tick", 7, "2024-02-13"])
    expect(ds.warnings.find((w) => w.row === 7 && w.kind === "limit-move")!.message).toContain("beyond")
    expect(ds.warnings.every((w) => w.file.endsWith("000001.csv") && w.ticker === "000001")).toBe(true)
  }))
})

describe("loadDataSet: broken files are DataLoadErrors naming file and row", () => {
  const expectError = (dir: string, file: string, row: number | undefined, field?: string) =>
    Effect.gen(function* () {
      const result = yield* loadEither(dir)
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isRight(result)) return
      const e = result.left
      expect(e._tag).toBe("DataLoadError")
      expect(e.file).toBe(path.join(dir, file))
      expect(e.row).toBe(row)
      if (field !== undefined) expect(e.field).toBe(field)
      expect(e.message).toContain(path.join(dir, file))
    })

  it.effect("a bad number in a CSV", () =>
    expectError(folder({ "000001.csv": `${HEADER}\n2024-01-02,100,110,90,105,10\n2024-01-03,1x5,106,100,101,5` }), "000001.csv", 3, "open"))
  it.effect("descending dates in a CSV", () =>
    expectError(folder({ "000001.csv": `${HEADER}\n2024-01-03,100,110,90,105,10\n2024-01-02,100,110,90,105,10` }), "000001.csv", 3, "date"))
  it.effect("high below low in a gzipped KIS file", () =>
    expectError(folder({ "daily/000001.json.gz": gzipSync('{"output2":[{"stck_bsop_date":"20240102","stck_oprc":"100","stck_hgpr":"80","stck_lwpr":"90","stck_clpr":"100","acml_vol":"1"}]}') }),
      "daily/000001.json.gz", 1, "stck_hgpr"))
  it.effect("a missing column", () =>
    expectError(folder({ "daily/000001.csv": "date,open,high,low,close\n2024-01-02,100,110,90,105" }), "daily/000001.csv", 1, "volume"))
  it.effect("truncated JSON", () =>
    expectError(folder({ "daily/000001.json": '{"output2":[\n{"stck_bsop_date":"20240102","stck_oprc":"100",' }), "daily/000001.json", 2, "json"))
  it.effect("a corrupt gzip stream", () =>
    expectError(folder({ "daily/000001.json.gz": Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3) }), "daily/000001.json.gz", undefined))
  it.effect("a bad amount in a KIS finance file", () =>
    expectError(folder({
      "daily/000001.csv": `${HEADER}\n2024-01-02,100,110,90,105,10`,
      "finance/000001.json": JSON.stringify({ balance_sheet: { annual: [], quarterly: [] }, income_statement: { annual: [{ stac_yymm: "202312" }, { stac_yymm: "202212", thtr_ntin: "12억" }], quarterly: [] } })
    }), "finance/000001.json", 2, "thtr_ntin"))
  it.effect("a universe entry without bars", () =>
    expectError(folder({
      "daily/000001.csv": `${HEADER}\n2024-01-02,100,110,90,105,10`,
      "universe.json": JSON.stringify([{ pdno: "000001", prdt_abrv_name: "A", mket_id_cd: "STK" }, { pdno: "000002", prdt_abrv_name: "B", mket_id_cd: "KSQ" }])
    }), "universe.json", 2, "pdno"))
  it.effect("a folder without bar files", () => Effect.gen(function* () {
    const e = yield* Effect.flip(load(folder({ "notes.txt": "x" })))
    expect(e.reason).toContain("no bar files")
    expect((yield* Effect.flip(load(path.join(tmpRoot, "absent")))).reason).toBe("not a folder")
  }))
})

describeShared("loadDataSet on the shared KRX set", () => {
  const krx = sharedPath("data", "krx")
  it.effect("reads daily/ + fundamentals/ with the documented row counts", () => Effect.gen(function* () {
    const ds = yield* load(krx)
    expect(ds.symbols.length).toBe(27)
    let rows = 0
    for (const b of ds.bars.values()) rows += b.length
    expect(rows).toBe(73_657)
    const samsung = ds.bars.get(ticker("005930"))!
    expect(samsung.length).toBe(2746)
    expect([samsung.dates[0], samsung.open[0], samsung.high[0], samsung.low[0], samsung.close[0], samsung.volume[0]])
      .toEqual(["2015-01-02", 26799, 26799, 26540, 26600, 8774950])
    const i = samsung.dates.indexOf(tradeDate("2024-05-10"))
    expect([samsung.open[i], samsung.high[i], samsung.low[i], samsung.close[i], samsung.volume[i]]).toEqual([80400, 81100, 78900, 79200, 16976124])
    expect(ds.bars.get(ticker("207940"))!.dates[0]).toBe("2016-11-10")
    expect(ds.symbols.find((s) => s.ticker === "005930")!.sharesOutstanding).toBe(5_919_637_922)
    const fy2016 = ds.statements.get(ticker("005930"))!.find((s) => s.periodType === "annual" && s.periodEnd === "2016-12-31")!
    expect(fy2016).toMatchObject({ revenue: 201_866_700_000_000, availableFrom: "2017-03-31", filingDateKnown: false })
    // the documented halt around the 50:1 split shows up as a gap
    expect(ds.warnings).toContainEqual(expect.objectContaining({ ticker: "005930", kind: "gap", date: "2018-05-04" }))
  }))

  it.effect("reads the daily/ folder alone as plain CSV, with a window", () => Effect.gen(function* () {
    const from = tradeDate("2020-01-01"), to: TradeDate = tradeDate("2020-12-31")
    const ds = yield* load(path.join(krx, "daily"), { symbols: ["005930", "000660"], from, to })
    const samsung = ds.bars.get(ticker("005930"))!
    expect(samsung.dates[0]).toBe("2020-01-02")
    expect(samsung.dates[samsung.length - 1]).toBe("2020-12-30")
    expect(ds.statements.get(ticker("005930"))).toEqual([])
  }))
})
