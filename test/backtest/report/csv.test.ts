// CSV output: RFC 4180 quoting round-trips any text (commas, quotes, line breaks, Korean), and each file has
// one row per record with the documented columns.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { equityCsv, fillsCsv, ordersCsv, toCsv, tradesCsv } from "../../../src/backtest/report/csv.js"
import { syntheticRun } from "./syntheticRun.js"

/** A strict RFC 4180 reader, enough to check what toCsv writes. */
const parseCsv = (text: string): Array<Array<string>> => {
  const rows: Array<Array<string>> = []
  let row: Array<string> = [], field = "", i = 0, quoted = false
  while (i < text.length) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue }
      if (c === '"') { quoted = false; i++; continue }
      field += c; i++; continue
    }
    if (c === '"') { quoted = true; i++ }
    else if (c === ",") { row.push(field); field = ""; i++ }
    else if (c === "\r" && text[i + 1] === "\n") { row.push(field); rows.push(row); row = []; field = ""; i += 2 }
    else { field += c; i++ }
  }
  return rows
}

describe("csv", () => {
  test.prop([fc.array(fc.array(fc.string({ unit: "binary" }), { minLength: 2, maxLength: 2 }), { maxLength: 8 })])(
    "any text round-trips through toCsv",
    (rows) => {
      expect(parseCsv(toCsv(["a", "b"], rows))).toEqual([["a", "b"], ...rows])
    })

  it("quotes only fields that need it and leaves missing values empty", () => {
    expect(toCsv(["x", "y", "z"], [["삼성전자", 'say "hi", twice', undefined], [1.5, null, true]]))
      .toBe('x,y,z\r\n삼성전자,"say ""hi"", twice",\r\n1.5,,true\r\n')
  })

  it("writes one row per record", () => {
    const { result } = syntheticRun()
    const trades = parseCsv(tradesCsv(result))
    expect(trades[0]).toEqual(["ticker", "entryDate", "entryPrice", "exitDate", "exitPrice", "quantity", "pnl", "returnPct", "holdingDays"])
    expect(trades.length).toBe(result.trades.length + 1)
    expect(trades.find((r) => r[3] === "")?.[0]).toBe("005930") // the open trade has no exit
    expect(parseCsv(equityCsv(result)).length).toBe(result.equity.length + 1)
    expect(parseCsv(fillsCsv(result)).slice(1).map((r) => Number(r[5]) * Number(r[4])))
      .toEqual(result.fills.map((f) => f.price * f.quantity))
    const orders = parseCsv(ordersCsv(result))
    expect(orders.length).toBe(result.orders.length + 1)
    expect(orders[1]![10]).toBe(result.orders[0]!.reason) // reasons with commas, quotes and newlines survive
  })
})
