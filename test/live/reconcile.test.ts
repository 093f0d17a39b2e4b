// Pure reconciliation and order resolution: after reconciling, local positions and cash equal the broker's whatever
// they were; an unknown order matches one row, no row (after the grace period) or is ambiguous; rows are never shared.
import { describe, expect, it } from "@effect/vitest"
import { test } from "@fast-check/vitest"
import fc from "fast-check"
import { KRX_CALENDAR } from "../../src/domain/krx/calendar.js"
import { ZERO_COSTS } from "../../src/domain/krx/costs.js"
import { ordinaryStock } from "../../src/domain/Market.js"
import type { Qty, Won } from "../../src/domain/Money.js"
import { newOrder, type OrderIntent } from "../../src/domain/Order.js"
import type { Instant, TradeDate } from "../../src/domain/Time.js"
import { chainProgress, resolveUnknown } from "../../src/live/orderResolution.js"
import { reconcile } from "../../src/live/reconcile.js"
import type { BrokerOrder } from "../../src/services/Broker.js"
import { emptyTradingState, type JournalOrder } from "../../src/services/Store.js"
import { SESSION_NOW, ticker } from "./support/fakeMarket.js"

const TICKERS = ["005930", "000660", "035420", "051910"].map(ticker)
const TODAY = "2026-11-25" as TradeDate
const fills = { costs: ZERO_COSTS, instrumentOf: () => ordinaryStock("KOSPI"), settlementDate: KRX_CALENDAR.settlementDate }

const book = fc.dictionary(fc.constantFrom(...TICKERS), fc.integer({ min: 0, max: 1_000 }))

describe("reconcile", () => {
  test.prop([book, book, fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 0, max: 1e9 })])(
    "positions and cash always end equal to the broker's; each difference is one correction",
    (local, broker, localCash, brokerCash) => {
      const state = {
        ...emptyTradingState(0 as Instant),
        cash: localCash as Won,
        positions: Object.entries(local).filter(([, q]) => q > 0).map(([t, q]) => ({ ticker: ticker(t), quantity: q as Qty, costBasis: (q * 1_000) as Won, openedOn: TODAY }))
      }
      const holdings = Object.entries(broker).map(([t, q]) => ({ ticker: ticker(t), quantity: q as Qty, sellableQuantity: q as Qty, averagePrice: 1_000, lastPrice: 1_000 as Won }))
      const result = reconcile(state, {
        account: { cash: brokerCash as Won, holdings, asOf: SESSION_NOW as Instant },
        rows: [], now: SESSION_NOW as Instant, today: TODAY, inFlight: new Set(), resolution: { graceMs: 1, skewMs: 0 }, fills
      })
      const held = (m: Record<string, number>) => Object.entries(m).filter(([, q]) => q > 0).map(([t, q]) => `${t}:${q}`).sort()
      expect(result.state.positions.map((p) => `${p.ticker}:${p.quantity}`).sort()).toEqual(held(broker))
      expect(result.state.cash).toBe(brokerCash)
      const differing = new Set([...Object.keys(local), ...Object.keys(broker)].filter((t) => (local[t] ?? 0) !== (broker[t] ?? 0)))
      expect(result.corrections.filter((c) => c._tag !== "CashMismatch")).toHaveLength(differing.size)
      expect(result.corrections.some((c) => c._tag === "CashMismatch")).toBe(localCash !== brokerCash)
    })
})

const intent: OrderIntent = { strategy: "t", decidedAt: SESSION_NOW as Instant, ticker: TICKERS[0]!, side: "buy", quantity: 10 as Qty, type: { _tag: "limit", price: 70_000 as Won } }
const entry = (at: number): JournalOrder => ({ order: { ...newOrder(intent, at as Instant), state: "unknown" }, tradeDate: TODAY, journaledAt: at as Instant, sentAt: at as Instant, chain: [] })
const row = (no: string, over: Partial<BrokerOrder> = {}): BrokerOrder => ({
  brokerOrderId: no, ticker: intent.ticker, side: "buy", kind: "new", quantity: 10 as Qty, price: 70_000 as Won,
  filledQuantity: 0 as Qty, averageFillPrice: 0, remainingQuantity: 10 as Qty, cancelledQuantity: 0 as Qty, rejectedQuantity: 0 as Qty,
  orderedAt: (SESSION_NOW + 1_000) as Instant, ...over
})
const settings = { graceMs: 30_000, skewMs: 2_000 }

describe("resolveUnknown", () => {
  it("matches the one row with the same symbol, side, quantity, price, placed after the journal entry", () => {
    const rows = [row("1", { price: 69_900 as Won }), row("2", { side: "sell" }), row("3", { orderedAt: (SESSION_NOW - 60_000) as Instant }), row("4")]
    expect(resolveUnknown(entry(SESSION_NOW), rows, new Set(), SESSION_NOW)).toEqual({ _tag: "Matched", row: rows[3] })
  })
  it("waits during the grace period, then declares the order not sent", () => {
    expect(resolveUnknown(entry(SESSION_NOW), [], new Set(), SESSION_NOW + 29_999, settings)._tag).toBe("Waiting")
    expect(resolveUnknown(entry(SESSION_NOW), [], new Set(), SESSION_NOW + 30_000, settings)._tag).toBe("NotSent")
  })
  it("several candidates are ambiguous; a row claimed by another order is no candidate", () => {
    const rows = [row("0000000007"), row("8")]
    expect(resolveUnknown(entry(SESSION_NOW), rows, new Set(), SESSION_NOW)._tag).toBe("Ambiguous")
    expect(resolveUnknown(entry(SESSION_NOW), rows, new Set(["7"]), SESSION_NOW)).toEqual({ _tag: "Matched", row: rows[1] })
  })
})

describe("chainProgress", () => {
  it("follows a revision to its new number and sums fills over the chain", () => {
    const e = { ...entry(SESSION_NOW), chain: [{ brokerOrderId: "0000000001", kind: "new" as const, at: SESSION_NOW as Instant }] }
    const rows = [
      row("1", { filledQuantity: 4 as Qty, averageFillPrice: 70_000, remainingQuantity: 0 as Qty }),
      row("2", { kind: "revise", originalBrokerOrderId: "0000000001", quantity: 6 as Qty, price: 69_000 as Won, filledQuantity: 6 as Qty, averageFillPrice: 69_000, remainingQuantity: 0 as Qty })
    ]
    const p = chainProgress(e, rows)
    expect(p.links.map((l) => [l.brokerOrderId, l.kind])).toEqual([["0000000001", "new"], ["2", "revise"]])
    expect([p.filledQuantity, p.filledNotional, p.state]).toEqual([10, 4 * 70_000 + 6 * 69_000, "filled"])
  })
  it("a cancel of the unfilled rest leaves the order cancelled with its partial fill", () => {
    const e = { ...entry(SESSION_NOW), chain: [{ brokerOrderId: "1", kind: "new" as const, at: SESSION_NOW as Instant }] }
    const rows = [
      row("1", { filledQuantity: 3 as Qty, averageFillPrice: 70_000, remainingQuantity: 0 as Qty, cancelledQuantity: 7 as Qty }),
      row("2", { kind: "cancel", originalBrokerOrderId: "1", quantity: 7 as Qty, remainingQuantity: 0 as Qty })
    ]
    const p = chainProgress(e, rows)
    expect([p.filledQuantity, p.state, p.links.length]).toEqual([3, "cancelled", 2])
  })
})
