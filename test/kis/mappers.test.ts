// Mappers from KIS wire strings to domain values, checked on KIS's own examples, on real captured bodies against
// the KRX daily data, and by properties of the strict string-to-number schemas. Statements go through the one
// KIS finance converter (statementsFromKis), exactly as KisMarketData calls it.
import { fc, test } from "@fast-check/vitest"
import { Either, ParseResult, Schema } from "effect"
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import type { Instant, TradeDate } from "../../src/domain/Time.js"
import type { Ticker } from "../../src/domain/Money.js"
import { kstInstant } from "../../src/domain/Time.js"
import { KisFinanceFile } from "../../src/backtest/data/kisWire.js"
import { DEFAULT_LAGS, statementsFromKis } from "../../src/backtest/data/statements.js"
import {
  fiscalYearEndMonthOf, toAccountSnapshot, toBars, toBrokerOrders, toBuyingPower, toListing, toOrderReceipt, toQuote, toReviseCancelReceipt,
  toUniverseRow
} from "../../src/kis/mappers.js"
import { DecimalFromString, QtyFromString, TradeDateFromKis, WonFromString } from "../../src/kis/schema/common.js"
import { describeShared, sharedPath } from "../support/shared.js"

/** A KIS body as the tests read it: blocks of string-valued rows. */
type Body = { readonly output: Row & ReadonlyArray<Row>; readonly output1: ReadonlyArray<Row>; readonly output2: ReadonlyArray<Row> }
type Row = Readonly<Record<string, unknown>>
const example = (name: string) =>
  JSON.parse(readFileSync(sharedPath("kis", "fixtures", "kis-portal-doc-examples", `${name}.response.json`), "utf8")) as Body
const captured = (name: string) => (JSON.parse(readFileSync(sharedPath("kis", "captured", name), "utf8")) as { response: Body }).response
const at = 1_700_000_000_000 as Instant
const samsung = "005930" as Ticker

describe("wire number schemas", () => {
  test.prop([fc.integer({ min: -1e12, max: 1e12 })])("WonFromString reads every integer string", (n) => {
    expect(Schema.decodeUnknownSync(WonFromString)(String(n))).toBe(n)
  })
  test.prop([fc.double({ noInteger: true, noDefaultInfinity: true, noNaN: true })])("WonFromString rejects fractions", (x) => {
    expect(Either.isLeft(Schema.decodeUnknownEither(WonFromString)(String(x)))).toBe(true)
  })
  it.each(["", "NaN", "Infinity", "1.5", "abc", "0x10", "1e3", " 1", "1 ", "+", "9007199254740993"])("integer schemas reject %j", (s) => {
    expect(Either.isLeft(Schema.decodeUnknownEither(WonFromString)(s))).toBe(true)
    expect(Either.isLeft(Schema.decodeUnknownEither(QtyFromString)(s))).toBe(true)
  })
  it.each(["", "NaN", "Infinity", "0x10", "1e3", ".5", "5.", " 0.31"])("decimals reject %j", (s) => {
    expect(Either.isLeft(Schema.decodeUnknownEither(DecimalFromString)(s))).toBe(true)
  })
  it("quantities are never negative; leading zeros and signs are plain text; decimals keep their fraction", () => {
    expect(Either.isLeft(Schema.decodeUnknownEither(QtyFromString)("-1"))).toBe(true)
    expect(Schema.decodeUnknownSync(WonFromString)("000003190")).toBe(3190)
    expect(Schema.decodeUnknownSync(WonFromString)("+100")).toBe(100)
    expect(Schema.decodeUnknownSync(DecimalFromString)("54388.4874")).toBe(54388.4874)
    expect(Schema.decodeUnknownSync(DecimalFromString)("-0.14")).toBe(-0.14)
  })
  it("KIS dates are real calendar days", () => {
    expect(Schema.decodeUnknownSync(TradeDateFromKis)("20240229")).toBe("2024-02-29")
    for (const bad of ["20230229", "2024-02-29", "2024021"]) expect(Either.isLeft(Schema.decodeUnknownEither(TradeDateFromKis)(bad))).toBe(true)
  })
})

describe("statements from KIS rows", () => {
  const financeFile = (income: { annual?: ReadonlyArray<unknown>; quarterly?: ReadonlyArray<unknown> }, balance: typeof income = {}) =>
    Schema.decodeUnknownEither(KisFinanceFile)({
      balance_sheet: { annual: balance.annual ?? [], quarterly: balance.quarterly ?? [] },
      income_statement: { annual: income.annual ?? [], quarterly: income.quarterly ?? [] }
    })
  const quarterly = (rows: ReadonlyArray<[string, string]>) =>
    Either.map(financeFile({ quarterly: rows.map(([stac_yymm, sale_account]) => ({ stac_yymm, sale_account })) }), (file) =>
      statementsFromKis(samsung, file, 12, DEFAULT_LAGS))

  it("turns year-to-date quarterly income into single quarters, 억원 into won, 99.99 into missing", () => {
    const s = Either.getOrThrow(quarterly([["202306", "1237509.00"], ["202303", "637454.00"], ["202309", "99.99"], ["202312", "2589355.00"]]))
    expect(s.map((x) => [x.periodEnd, x.revenue])).toStrictEqual([
      ["2023-03-31", 63_745_400_000_000],
      ["2023-06-30", 60_005_500_000_000],
      ["2023-09-30", undefined],
      ["2023-12-31", undefined] // the previous quarter is missing, so the single quarter is unknown
    ])
    expect(s[0]!.availableFrom).toBe("2023-05-15")
  })

  it("a bad amount is an error naming the field", () => {
    const e = Either.getLeft(quarterly([["202303", "lots"]]))
    expect(e._tag === "Some" && ParseResult.ArrayFormatter.formatErrorSync(e.value)[0]?.path).toStrictEqual(["income_statement", "quarterly", 0, "sale_account"])
  })
})

/** Captured annual balance-sheet and income-statement bodies as the finance file KisMarketData builds. */
const financeFileOf = (balance: ReadonlyArray<unknown>, income: ReadonlyArray<unknown>) =>
  Schema.decodeUnknownEither(KisFinanceFile)({ balance_sheet: { annual: balance, quarterly: [] }, income_statement: { annual: income, quarterly: [] } })

describeShared("mappers on KIS examples and captured bodies", () => {
  it("inquire-price → Quote", () => {
    const q = Either.getOrThrow(toQuote(samsung, example("029_inquire_price").output, at))
    expect(q).toStrictEqual({ ticker: samsung, price: 128500, open: 128500, high: 130000, low: 128500, volume: 2669075, basePrice: 128500, at })
  })

  it("daily chart rows → bars equal to the KRX daily file", () => {
    const body = captured("kgcrom+finance-clue/test_openkis_domestic_quote__test_domestic_stock_period_price.json")
    const bars = Either.getOrThrow(toBars(body.output2))
    const csv = new Map(readFileSync(sharedPath("data", "krx", "daily", "005930.csv"), "utf8").trim().split("\n").slice(1)
      .map((l) => l.split(",")).map(([d, ...v]) => [d!, v.map(Number)]))
    expect(bars.length).toBeGreaterThan(0)
    expect(bars.map((b) => b.date)).toStrictEqual([...bars.map((b) => b.date)].sort())
    let compared = 0
    for (const b of bars) {
      const row = csv.get(b.date)
      if (row === undefined) continue
      compared++
      expect([b.open, b.high, b.low, b.close, b.volume], b.date).toStrictEqual(row)
    }
    expect(compared).toBe(bars.length)
    const hynix = Either.getOrThrow(toBars(captured("kis_portal_example_inquire-daily-itemchartprice_000660.json").output2))
    expect(hynix).toStrictEqual([{ date: "2022-05-09", open: 107000, high: 109000, low: 106500, close: 107500, volume: 2203472 }])
  })

  it("inquire-balance → one holding per stock, D+2 cash", () => {
    const body = example("016_inquire_balance")
    const snap = Either.getOrThrow(toAccountSnapshot([{ output1: body.output1, output2: body.output2 }], at))
    expect(snap.cash).toBe(346455)
    expect(snap.holdings).toHaveLength(1)
    const h = snap.holdings[0]!
    expect([h.ticker, h.quantity, h.sellableQuantity, h.lastPrice]).toStrictEqual(["009150", 1660, 1614, 0])
    expect(h.averagePrice).toBeCloseTo((224424497 + 369000) / 1660, 6)
  })

  it("inquire-psbl-order → buying power", () => {
    expect(Either.getOrThrow(toBuyingPower(example("018_inquire_psbl_order").output))).toStrictEqual({
      orderableCash: 741191178, cashOnlyAmount: 107177377, cashOnlyQuantity: 1531, withMarginAmount: 1482382356, withMarginQuantity: 21176
    })
  })

  it("inquire-daily-ccld → broker orders (a rejected buy)", () => {
    const orders = Either.getOrThrow(toBrokerOrders(example("022_inquire_daily_ccld").output1))
    expect(orders.length).toBeGreaterThan(0)
    expect(orders[0]).toStrictEqual({
      brokerOrderId: "0001568197", ticker: "009150", side: "buy", kind: "new", quantity: 10, price: 150000, filledQuantity: 0,
      averageFillPrice: 0, remainingQuantity: 0, cancelledQuantity: 0, rejectedQuantity: 10, orderedAt: kstInstant("2022-01-03" as TradeDate, "170100")
    })
  })

  it("order-cash and order-rvsecncl → receipts with the new order number", () => {
    const today = "2024-01-02" as TradeDate
    expect(Either.getOrThrow(toOrderReceipt(example("020_order_cash").output, today)))
      .toStrictEqual({ brokerOrderId: "0001569157", branch: "06010", acceptedAt: kstInstant(today, "155211") })
    expect(Either.getOrThrow(toReviseCancelReceipt([{ KRX_FWDG_ORD_ORGNO: "06010", ODNO: "0001569139", ORD_TMD: "131438" }], today)).brokerOrderId)
      .toBe("0001569139")
  })

  it("balance sheet + income statement (captured) → a statement in won with 99.99 missing", () => {
    const bs = captured("kgcrom+finance-clue/test_openkis_domestic_financial__test_balance_sheet.json").output
    const is = captured("kgcrom+finance-clue/test_openkis_domestic_financial__test_income_statement.json").output
    const [s] = statementsFromKis(samsung, Either.getOrThrow(financeFileOf(bs, is)), 12, DEFAULT_LAGS)
    expect(s).toMatchObject({
      periodEnd: "2024-03-31", totalAssets: 470_899_800_000_000, currentAssets: 208_544_300_000_000, totalEquity: 371_916_100_000_000,
      revenue: 71_915_600_000_000, operatingIncome: 6_606_000_000_000, netIncome: 6_754_700_000_000
    })
  })

  it("search-stock-info → the universe row and listing the backtest loader reads (12-character pdno, blanks absent)", () => {
    const row = Either.getOrThrow(toUniverseRow(example("103_search_stock_info").output as Readonly<Record<string, string>>))
    expect(row).toStrictEqual({
      pdno: "00000A000660", prdt_abrv_name: "SK하이닉스", mket_id_cd: "STK", setl_mmdd: "12", lstg_stqt: 728_002_365, scts_mket_lstg_dt: "19961226"
    })
    expect(toListing(row)).toStrictEqual({ name: "SK하이닉스", instrument: { market: "KOSPI", kind: "stock" }, listedOn: "1996-12-26", sharesOutstanding: 728_002_365 })
    expect(fiscalYearEndMonthOf(row)).toBe(12)
    expect(Either.isLeft(toUniverseRow({ pdno: "000660", prdt_abrv_name: "X", mket_id_cd: "ZZZ" }))).toBe(true)
  })
})
