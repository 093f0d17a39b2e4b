// What `status` and `live` print: positions with P&L and exits, open orders with their broker numbers, blocked
// symbols, the last reconciliation and fiber restarts; and the three kinds of recovery report.
import { describe, expect, it } from "@effect/vitest"
import type { Qty, Won } from "../../src/domain/Money.js"
import { newOrder } from "../../src/domain/Order.js"
import type { Instant, TradeDate } from "../../src/domain/Time.js"
import { describeRecovery, formatStatus } from "../../src/live/statusReport.js"
import { emptyTradingState, type TradingState } from "../../src/services/Store.js"
import { SESSION_NOW, ticker } from "./support/fakeMarket.js"

const A = ticker("005930")

describe("formatStatus", () => {
  it("shows the book, open orders, blocks, the last reconciliation and restarts", () => {
    const order = newOrder({ strategy: "s", decidedAt: SESSION_NOW as Instant, ticker: A, side: "sell", quantity: 5 as Qty, type: { _tag: "limit", price: 75_000 as Won } }, SESSION_NOW as Instant)
    const state: TradingState = {
      ...emptyTradingState(SESSION_NOW as Instant),
      cash: 1_000_000 as Won,
      positions: [{ ticker: A, quantity: 10 as Qty, costBasis: 700_000 as Won, openedOn: "2026-11-20" as TradeDate, lastPrice: 72_000 as Won, exits: { stopLoss: 65_000 as Won } }],
      orders: [{ order: { ...order, state: "accepted" }, tradeDate: "2026-11-25" as TradeDate, journaledAt: SESSION_NOW as Instant, chain: [{ brokerOrderId: "0000000042", kind: "new", at: SESSION_NOW as Instant }] }],
      blocked: [{ ticker: A, reason: "two candidate orders", since: SESSION_NOW as Instant }],
      lastReconciliation: { at: SESSION_NOW as Instant, corrections: [{ _tag: "OrphanPosition", ticker: A, brokerQuantity: 10 as Qty }], brokerCash: 1_000_000 as Won, brokerPositions: 1 },
      counters: { reconciliations: 3, corrections: 1, fiberRestarts: { priceMonitor: 2 } }
    }
    const text = formatStatus(state)
    expect(text).toContain("equity 1,720,000 won")
    expect(text).toContain("unrealized 20,000 won")
    expect(text).toMatch(/005930\s+10 @\s+70,000\s+last\s+72,000\s+P&L\s+20,000\s+stop 65,000/)
    expect(text).toContain("sell 5 005930 @ 75,000  accepted  filled 0  broker #0000000042")
    expect(text).toContain("005930: two candidate orders")
    expect(text).toContain("1 correction(s) (3 runs, 1 corrections in total)")
    expect(text).toContain("priceMonitor ×2")
  })
})

describe("describeRecovery", () => {
  it("names the outcome and every correction", () => {
    expect(describeRecovery({ _tag: "CLEAN", notes: [] })).toContain("CLEAN")
    expect(describeRecovery({ _tag: "FAILED", reason: "BrokerUnavailable: down" })).toBe("recovery FAILED: BrokerUnavailable: down — not trading")
    const text = describeRecovery({
      _tag: "RECONCILED",
      corrections: [{ _tag: "CashMismatch", local: 5 as Won, broker: 7 as Won }],
      setAside: [{ file: "/s/state.json", movedTo: "/s/state.json.corrupt-20261127T090000Z", reason: "not valid JSON" }],
      notes: []
    })
    expect(text).toContain("cash 5 won locally, 7 won at the broker")
    expect(text).toContain("kept as /s/state.json.corrupt-20261127T090000Z")
  })

  it("a new state lists what it took from the broker, the cash aside (the status shows it)", () => {
    const text = describeRecovery({
      _tag: "NEW",
      corrections: [{ _tag: "CashMismatch", local: 0 as Won, broker: 7 as Won }, { _tag: "OrphanPosition", ticker: ticker("005930"), brokerQuantity: 3 as Qty }],
      notes: []
    })
    expect(text.split("\n")).toEqual([
      "recovery NEW: no saved state; starting from the broker's account as it stands",
      "  005930: held at the broker (3) but not locally — adopted"
    ])
  })
})
