// Bar files: the byte scanners read CSV and KIS chart JSON into ascending columns, the fast JSON path and the
// JSON.parse path give identical results, and every broken row becomes a DataLoadError naming file, row and field.
import { fc, test } from "@fast-check/vitest"
import { Either, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { type ParsedBars, parseCsvBars, parseKisChartBars } from "../../../src/backtest/data/bars.js"
import type { DataLoadError } from "../../../src/backtest/data/DataLoadError.js"
import { KisChartRow } from "../../../src/backtest/data/kisWire.js"
import { makeDateCache } from "../../../src/backtest/data/numbers.js"
import type { TradeDate } from "../../../src/domain/Time.js"

const bytes = (s: string) => new TextEncoder().encode(s)
const csv = (s: string) => parseCsvBars("a.csv", bytes(s), makeDateCache())
const chart = (s: string) => parseKisChartBars("a.json", bytes(s), makeDateCache())
const errorOf = <A>(e: Either.Either<A, DataLoadError>): DataLoadError => {
  if (Either.isRight(e)) throw new Error("expected a DataLoadError")
  return e.left
}
const ok = (e: Either.Either<ParsedBars, DataLoadError>): ParsedBars => {
  if (Either.isLeft(e)) throw new Error(e.left.message)
  return e.right
}

const HEADER = "date,open,high,low,close,volume"

describe("parseCsvBars", () => {
  it("reads FinanceDataReader-style files in any column order, CRLF and blank lines included", () => {
    const bars = ok(csv("Date,Close,Open,High,Low,Volume,Change\r\n2015-01-02,26600,26799,26799,26540,8774950,0.01\r\n\r\n2015-01-05,26660,26720,26720,26260,10139500,0\r\n"))
    expect(bars.dates).toEqual(["2015-01-02", "2015-01-05"])
    expect([...bars.open]).toEqual([26799, 26720])
    expect([...bars.close]).toEqual([26600, 26660])
    expect([...bars.volume]).toEqual([8774950, 10139500])
    expect([...bars.rows]).toEqual([2, 4])
  })

  it("accepts pykrx Korean headers", () => {
    expect(ok(csv("날짜,시가,고가,저가,종가,거래량\n2024-05-10,80400,81100,78900,79200,16976124")).close[0]).toBe(79200)
  })

  const cases: ReadonlyArray<readonly [string, string, number, string, string]> = [
    ["a bad number", `${HEADER}\n2015-01-02,100,110,90,100,10\n2015-01-05,1O0,110,90,100,10`, 3, "open", "whole number"],
    ["a fractional price", `${HEADER}\n2015-01-02,100.5,110,90,100,10`, 2, "open", "whole number"],
    ["descending dates", `${HEADER}\n2015-01-05,100,110,90,100,10\n2015-01-02,100,110,90,100,10`, 3, "date", "ascending"],
    ["a duplicate date", `${HEADER}\n2015-01-05,100,110,90,100,10\n2015-01-05,100,110,90,100,10`, 3, "date", "duplicate"],
    ["high below low", `${HEADER}\n2015-01-02,100,80,90,100,10`, 2, "high", "below low"],
    ["close above high", `${HEADER}\n2015-01-02,100,105,90,106,10`, 2, "high", "below open"],
    ["a zero price", `${HEADER}\n2015-01-02,0,105,90,100,10`, 2, "open", "positive"],
    ["negative volume", `${HEADER}\n2015-01-02,100,105,90,100,-1`, 2, "volume", "negative"],
    ["an impossible date", `${HEADER}\n2015-02-30,100,105,90,100,1`, 2, "date", "real date"],
    ["a short row", `${HEADER}\n2015-01-02,100,105,90`, 2, "close", "missing"],
    ["a missing column", "date,open,high,low,close\n2015-01-02,100,105,90,100", 1, "volume", "missing column"]
  ]
  for (const [what, text, row, field, reason] of cases) {
    it(`names file, row and field for ${what}`, () => {
      const e = errorOf(csv(text))
      expect(e._tag).toBe("DataLoadError")
      expect({ file: e.file, row: e.row, field: e.field }).toEqual({ file: "a.csv", row, field })
      expect(e.reason).toContain(reason)
    })
  }
})

/** A KIS row with the fields KIS sends (values as strings). */
const kisRow = (d: string, o: number, h: number, l: number, c: number, v: number) => ({
  stck_bsop_date: d.replaceAll("-", ""), stck_oprc: String(o), stck_hgpr: String(h), stck_lwpr: String(l),
  stck_clpr: String(c), acml_vol: String(v), acml_tr_pbmn: String(v * c), flng_cls_code: "00", mod_yn: "N"
})

describe("parseKisChartBars", () => {
  it("reads newest-first output2 into ascending columns with output2 positions as rows", () => {
    const text = JSON.stringify({ output2: [kisRow("2024-05-10", 80400, 81100, 78900, 79200, 16976124), kisRow("2024-05-09", 79000, 80000, 78000, 79700, 100)] })
    const bars = ok(chart(text))
    expect(bars.dates).toEqual(["2024-05-09", "2024-05-10"])
    expect([...bars.close]).toEqual([79700, 79200])
    expect([...bars.rows]).toEqual([2, 1])
  })

  it("accepts oldest-first files and an empty output2", () => {
    const text = JSON.stringify({ output2: [kisRow("2024-05-09", 1, 1, 1, 1, 0), kisRow("2024-05-10", 2, 2, 2, 2, 0)] })
    expect(ok(chart(text)).dates).toEqual(["2024-05-09", "2024-05-10"])
    expect(ok(chart('{"output2":[]}')).dates).toEqual([])
  })

  it("skips KIS padding rows (empty date) and trading-halt rows (open/high/low/volume 0)", () => {
    const padding = { stck_bsop_date: "", stck_oprc: "", stck_hgpr: "", stck_lwpr: "", stck_clpr: "", acml_vol: "" }
    const rows = [kisRow("2024-05-10", 5, 6, 4, 5, 9), kisRow("2024-05-09", 0, 0, 0, 5, 0), kisRow("2024-05-08", 5, 5, 5, 5, 1), padding]
    for (const text of [JSON.stringify({ output2: rows }), JSON.stringify({ output2: rows, note: "\u0041" })]) {
      const bars = ok(chart(text))
      expect(bars.dates).toEqual(["2024-05-08", "2024-05-10"])
      expect([...bars.rows]).toEqual([3, 1])
    }
    expect(ok(csv(`${HEADER}\n2024-05-08,5,5,5,5,1\n2024-05-09,0,0,0,5,0`)).dates).toEqual(["2024-05-08"])
  })

  it("names the line where truncated or malformed JSON stops", () => {
    const text = `{"output2":[\n${JSON.stringify(kisRow("2024-05-10", 1, 1, 1, 1, 0))},\n{"stck_bsop_date":"2024`
    const e = errorOf(chart(text))
    expect({ file: e.file, row: e.row, field: e.field }).toEqual({ file: "a.json", row: 3, field: "json" })
    expect(e.reason).toContain("malformed JSON")
    expect(errorOf(chart('{"output2":[{"a":1},]}')).row).toBe(1)
  })

  it("rejects numbers sent as JSON numbers and rows that are not objects", () => {
    const e = errorOf(chart(JSON.stringify({ output2: [{ ...kisRow("2024-05-10", 1, 1, 1, 1, 0), stck_clpr: 1 }] })))
    expect({ row: e.row, field: e.field }).toEqual({ row: 1, field: "stck_clpr" })
    expect(errorOf(chart('{"output2":[1]}')).row).toBe(1)
    expect(errorOf(chart('{"output":[]}')).field).toBe("output2")
  })

  /** Rows of a random history, optionally broken in one place. */
  const historyArb = fc.record({
    n: fc.integer({ min: 0, max: 25 }),
    prices: fc.array(fc.tuple(fc.integer({ min: 1, max: 500_000 }), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 50 }), fc.nat(10_000_000)), { minLength: 25, maxLength: 25 }),
    descending: fc.boolean(),
    breakAt: fc.option(fc.record({
      row: fc.nat(24),
      field: fc.constantFrom("stck_bsop_date", "stck_oprc", "stck_hgpr", "stck_lwpr", "stck_clpr", "acml_vol"),
      value: fc.constantFrom("", "1.5", "-3", "0", "abc", "20230229", "2015-01-05", "99999999999999999999", undefined)
    }), { nil: undefined })
  })
  test.prop([historyArb], { numRuns: 300 })("the byte scanner and the JSON.parse path agree", (h) => {
    const rows: Array<Record<string, string | undefined>> = []
    for (let i = 0; i < h.n; i++) {
      const [base, up, down, vol] = h.prices[i]!
      const date = new Date(Date.UTC(2015, 0, 2 + i)).toISOString().slice(0, 10)
      const low = Math.max(1, base - down), high = base + up
      rows.push(kisRow(date, base, high, low, Math.min(high, base + (up >> 1)), vol))
    }
    if (h.descending) rows.reverse()
    if (h.breakAt !== undefined && h.breakAt.row < rows.length) {
      const row = rows[h.breakAt.row]!
      if (h.breakAt.value === undefined) delete row[h.breakAt.field]
      else row[h.breakAt.field] = h.breakAt.value
    }
    const plain = JSON.stringify({ output2: rows })
    // an escaped character anywhere sends the file down the JSON.parse path
    const escaped = JSON.stringify({ output2: rows.map((r) => ({ ...r, revl_issu_reas: "\u0001" })) }, null, 1)
    const fast = chart(plain), slow = chart(escaped)
    // the wire Schema of a row accepts exactly the rows the scanner reads, with the same values
    // (rows the loader skips by design, KIS padding with an empty date, are left out of the comparison)
    const decoded = rows.map((r) => Schema.decodeUnknownEither(KisChartRow)(r))
    if (Either.isRight(fast)) {
      const byDate = new Map(fast.right.dates.map((d, i) => [d, i]))
      for (const [k, d] of decoded.entries()) {
        if (rows[k]!["stck_bsop_date"] === "") continue
        const row = Either.getOrThrow(d), i = byDate.get(row.stck_bsop_date as TradeDate)!
        expect([row.stck_oprc, row.stck_hgpr, row.stck_lwpr, row.stck_clpr, row.acml_vol])
          .toEqual([fast.right.open[i], fast.right.high[i], fast.right.low[i], fast.right.close[i], fast.right.volume[i]])
      }
    } else if (fast.left.reason.includes("whole number") || fast.left.reason.includes("real date") || fast.left.reason.includes("missing")) {
      expect(Either.isLeft(decoded[fast.left.row! - 1]!)).toBe(true)
    }
    if (Either.isRight(fast) && Either.isRight(slow)) {
      expect(fast.right).toEqual(slow.right)
      expect(fast.right.dates.length).toBe(rows.filter((r) => r["stck_bsop_date"] !== "").length)
      for (let i = 1; i < fast.right.dates.length; i++) expect(fast.right.dates[i]! > fast.right.dates[i - 1]!).toBe(true)
    } else {
      const a = errorOf(fast), b = errorOf(slow)
      expect({ row: a.row, field: a.field, value: a.value, reason: a.reason }).toEqual({ row: b.row, field: b.field, value: b.value, reason: b.reason })
    }
  })
})
