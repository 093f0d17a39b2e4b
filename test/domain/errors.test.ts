// Bad input to every domain constructor and validator yields a typed InvalidDomainValue whose message
// names the field and shows the offending value.
import { Either } from "effect"
import { describe, expect, test } from "vitest"
import type { Bar } from "../../src/domain/Bar.js"
import { validateBar } from "../../src/domain/Bar.js"
import { InvalidDomainValue, showValue } from "../../src/domain/errors.js"
import { makeTickPrice } from "../../src/domain/krx/tick.js"
import { makeInstrumentKind, makeMarket, ordinaryStock } from "../../src/domain/Market.js"
import { makeQty, makeTicker, makeWon, qty, ticker, won } from "../../src/domain/Money.js"
import type { Fill, OrderIntent } from "../../src/domain/Order.js"
import { validateIntent } from "../../src/domain/Order.js"
import { applyFill, emptyPortfolio } from "../../src/domain/Portfolio.js"
import { fromKisDate, type Instant, makeTradeDate, tradeDate } from "../../src/domain/Time.js"

/** Asserts a Left InvalidDomainValue whose message matches every pattern. */
const expectInvalid = (result: Either.Either<unknown, unknown>, ...patterns: ReadonlyArray<RegExp>) => {
  expect(Either.isLeft(result)).toBe(true)
  const error = (result as Either.Left<unknown, unknown>).left
  expect(error).toBeInstanceOf(InvalidDomainValue)
  expect((error as InvalidDomainValue)._tag).toBe("InvalidDomainValue")
  for (const p of patterns) expect((error as InvalidDomainValue).message).toMatch(p)
}

const bar: Bar = { date: tradeDate("2024-06-14"), open: won(100), high: won(110), low: won(90), close: won(105), volume: qty(1_000) }
const intent: OrderIntent = {
  strategy: "s", decidedAt: 0 as Instant, ticker: ticker("005930"), side: "buy", quantity: qty(1), type: { _tag: "market" }
}
const fill: Fill = {
  orderId: "o" as Fill["orderId"], ticker: ticker("005930"), side: "buy", quantity: qty(1), price: won(100),
  commission: won(0), tax: won(0), at: 0 as Instant
}

describe("InvalidDomainValue from every constructor", () => {
  test("money, quantities, tickers", () => {
    expectInvalid(makeWon(1.5), /invalid won: 1\.5/)
    expectInvalid(makeWon(Number.NaN, "cash"), /invalid cash: NaN/)
    expectInvalid(makeWon("100"), /"100"/)
    expectInvalid(makeQty(-3), /invalid quantity: -3/)
    expectInvalid(makeQty(Number.POSITIVE_INFINITY), /Infinity/)
    expectInvalid(makeTicker("5930"), /invalid ticker: "5930"/)
    expectInvalid(makeTicker("00593a"), /"00593a"/)
    expect(makeQty(0)).toEqual(Either.right(0))
    expect(makeWon(-5)).toEqual(Either.right(-5))
  })

  test("dates", () => {
    expectInvalid(makeTradeDate("2023-02-30"), /invalid date: "2023-02-30"/)
    expectInvalid(makeTradeDate("2024-6-1"), /"2024-6-1"/)
    expectInvalid(makeTradeDate(20240614), /20240614/)
    expectInvalid(fromKisDate("20230230"), /YYYYMMDD date: "2023-02-30"/)
    expectInvalid(fromKisDate("2024061"), /"2024061"/)
    expect(makeTradeDate("2024-02-29")).toEqual(Either.right("2024-02-29"))
  })

  test("markets and instrument kinds", () => {
    expectInvalid(makeMarket("NASDAQ"), /invalid market: "NASDAQ"/)
    expectInvalid(makeMarket(undefined), /market: undefined/)
    expectInvalid(makeInstrumentKind("bond"), /instrument kind: "bond"/)
  })

  test("tick prices", () => {
    const kospi = ordinaryStock("KOSPI"), date = tradeDate("2024-06-14")
    expectInvalid(makeTickPrice(70_050, kospi, date), /invalid price: 70050/, /tick is 100 won/)
    expectInvalid(makeTickPrice(Number.NaN, kospi, date, "limit price"), /invalid limit price: NaN/)
    expectInvalid(makeTickPrice(-100, kospi, date), /-100/)
    expectInvalid(makeTickPrice(102, { market: "KOSPI", kind: "etf" }, date), /102/, /tick is 5 won/)
    expect(makeTickPrice(70_100, kospi, date)).toEqual(Either.right(70_100))
  })

  test("bars", () => {
    expectInvalid(validateBar({ ...bar, open: won(Number.NaN) }), /"open":"NaN"/, /positive integers/)
    expectInvalid(validateBar({ ...bar, low: won(-1) }), /"low":-1/)
    expectInvalid(validateBar({ ...bar, high: won(100), close: won(105) }), /low ≤ open, close ≤ high/)
    expectInvalid(validateBar({ ...bar, volume: qty(-1) }), /volume/)
    expectInvalid(validateBar({ ...bar, date: tradeDate("2023-02-30") }, "005930 row 7"), /005930 row 7/, /"2023-02-30"/)
    expect(validateBar(bar)).toEqual(Either.right(bar))
  })

  test("order intents", () => {
    expectInvalid(validateIntent({ ...intent, quantity: qty(0) }), /invalid quantity: 0/)
    expectInvalid(validateIntent({ ...intent, quantity: qty(-5) }), /-5/)
    expectInvalid(validateIntent({ ...intent, quantity: qty(Number.NaN) }), /NaN/)
    expectInvalid(validateIntent({ ...intent, type: { _tag: "limit", price: won(0) } }), /invalid price: 0/)
    expectInvalid(validateIntent({ ...intent, type: { _tag: "stop", stopPrice: won(99.5) } }), /99\.5/)
  })

  test("fills", () => {
    const p = emptyPortfolio(won(1_000_000))
    expectInvalid(applyFill(p, { ...fill, quantity: qty(-1) }), /fill quantity: -1/)
    expectInvalid(applyFill(p, { ...fill, price: won(Number.NaN) }), /fill price: NaN/)
    expectInvalid(applyFill(p, { ...fill, commission: won(-1) }), /fill commission: -1/)
    expectInvalid(applyFill(p, { ...fill, tax: won(0.5) }), /fill tax: 0\.5/)
    expectInvalid(applyFill(p, { ...fill, side: "sell" }), /sell quantity: 1/, /exceeds the 0 shares of 005930/)
  })

  test("showValue renders anything, keeping NaN visible inside objects", () => {
    expect(showValue({ a: Number.NaN, b: Number.NEGATIVE_INFINITY })).toBe('{"a":"NaN","b":"-Infinity"}')
    expect(showValue(undefined)).toBe("undefined")
    const cyclic: Record<string, unknown> = {}
    cyclic["self"] = cyclic
    expect(showValue(cyclic)).toBe("[object Object]")
  })
})
