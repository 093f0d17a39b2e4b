// fast-check generators of realtime records as KIS sends them (digits, KST times, Korean names, masked accounts),
// shared by the codec properties and the client's integration tests.
import { fc } from "@fast-check/vitest"
import { Option } from "effect"
import type { Qty, Ticker, Won } from "../../../../src/domain/Money.js"
import type { TradeDate } from "../../../../src/domain/Time.js"
import type { FillNotice, OrderBook, Trade } from "../../../../src/kis/realtime/records.js"
import type { KstClockTime } from "../../../../src/kis/schema/common.js"

const digits = (length: number) => fc.stringMatching(new RegExp(`^\\d{${length}}$`))
export const tickerArb = fc.stringMatching(/^[0-9A-Z]{6}$/).map((s) => s as Ticker)
export const kstTimeArb = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 }))
  .map(([h, m, s]) => [h, m, s].map((n) => String(n).padStart(2, "0")).join("") as KstClockTime)
const dateArb = fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10) as TradeDate)
const priceArb = fc.integer({ min: 0, max: 5_000_000 }).map((n) => n as Won)
const signedWonArb = fc.integer({ min: -5_000_000, max: 5_000_000 }).map((n) => n as Won)
const qtyArb = fc.integer({ min: 0, max: 2_000_000_000 }).map((n) => n as Qty)
const pctArb = fc.integer({ min: -3000, max: 3000 }).map((n) => n / 100)
/** Text a KIS field may hold: anything but the `^` delimiter, including Korean. */
const fieldText = fc.string({ unit: fc.constantFrom(..."가나다라하림한투삼성전자 ABCxyz0189*-_()."), maxLength: 12 })

export const tradeArb: fc.Arbitrary<Trade> = fc.record({
  ticker: tickerArb, date: dateArb, time: kstTimeArb, price: priceArb, change: signedWonArb, changePct: pctArb,
  open: priceArb, high: priceArb, low: priceArb, bestAsk: priceArb, bestBid: priceArb, volume: qtyArb,
  accumulatedVolume: qtyArb, accumulatedValue: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }).map((n) => n as Won),
  initiator: fc.constantFrom("buy" as const, "sell" as const, "auction" as const), halted: fc.boolean(),
  sessionCode: digits(2), hourClass: fc.constantFrom("0", "A", "B", "C", "D")
})

const levelsArb = fc.array(fc.record({ price: priceArb, quantity: qtyArb }), { minLength: 10, maxLength: 10 })
export const orderBookArb: fc.Arbitrary<OrderBook> = fc.record({
  ticker: tickerArb, time: kstTimeArb, hourClass: fc.constantFrom("0", "A", "B"), asks: levelsArb, bids: levelsArb,
  totalAskQuantity: qtyArb, totalBidQuantity: qtyArb, expectedPrice: priceArb, expectedQuantity: qtyArb, accumulatedVolume: qtyArb
})

/** A notice in the observed 23-field layout (5 extra fields) or the documented 26-field one (8). */
export const fillNoticeArb = (extraFieldCount: 5 | 8): fc.Arbitrary<FillNotice> => fc.record({
  kind: fc.constantFrom("acknowledgement" as const, "fill" as const),
  orderNo: digits(10),
  originalOrderNo: fc.option(digits(10), { nil: undefined }).map(Option.fromNullable),
  side: fc.constantFrom("buy" as const, "sell" as const),
  revision: fc.constantFrom("new" as const, "revise" as const, "cancel" as const),
  orderDivision: fc.constantFrom("00", "01", "05"),
  condition: fc.constantFrom("none" as const, "IOC" as const, "FOK" as const),
  ticker: tickerArb, quantity: qtyArb, price: priceArb, time: kstTimeArb, rejected: fc.boolean(),
  acceptance: fc.constantFrom("received" as const, "confirmed" as const, "ioc-fok-cancelled" as const),
  branchNo: digits(5), orderQuantity: qtyArb, customerId: fieldText, accountNo: fc.constantFrom("***", "1234567801"),
  accountName: fieldText,
  extraFields: fc.array(fieldText, { minLength: extraFieldCount, maxLength: extraFieldCount })
})
