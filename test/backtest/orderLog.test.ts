// The exchange's columnar logs give back every order and fill as they were entered and changed, across the
// columns' growth, with ids derived from the intents unless the sender gave one, for symbols in the universe or not.
import { fc, test } from "@fast-check/vitest"
import { expect } from "vitest"
import type { Qty, Ticker } from "../../src/domain/Money.js"
import { type ClientOrderId, clientOrderId, type OrderIntent, OrderState } from "../../src/domain/Order.js"
import { type Instant, kstDateOf, type TradeDate } from "../../src/domain/Time.js"
import { FillLog, OrderLog, RunRecords, SimOrder } from "../../src/backtest/orderLog.js"

const row = fc.record({
  givenId: fc.option(fc.constantFrom("stop-loss:2024-01-02:005930", "port-1"), { nil: undefined }),
  ticker: fc.constantFrom("005930", "000660", "999990"),
  side: fc.constantFrom("buy" as const, "sell" as const),
  quantity: fc.integer({ min: 1, max: 10_000 }),
  day: fc.integer({ min: 0, max: 30 }),
  limit: fc.option(fc.integer({ min: 1, max: 500_000 }), { nil: undefined }),
  finalState: fc.constantFrom(...OrderState.literals),
  fills: fc.array(fc.record({ quantity: fc.integer({ min: 1, max: 100 }), price: fc.integer({ min: 1, max: 500_000 }) }), { maxLength: 2 })
})

test.prop([fc.array(row, { minLength: 260, maxLength: 700 })], { numRuns: 20 })(
  "records give back every order and fill entered, in order, with ids given or derived, and the trades the fills",
  (rows) => {
    const universe = ["005930", "000660"] as Array<Ticker>
    const days = ["2024-02-01", "2024-02-02"] as Array<TradeDate>
    const orders = new OrderLog(universe, days)
    const fills = new FillLog()
    const expectedFills: Array<{ order: number; quantity: number; price: number }> = []
    rows.forEach((r, k) => {
      const intent: OrderIntent = {
        strategy: "prop",
        decidedAt: (1_700_000_000_000 + r.day * 86_400_000) as Instant,
        ticker: r.ticker as Ticker,
        side: r.side,
        quantity: r.quantity as Qty,
        type: r.limit === undefined ? { _tag: "market" } : { _tag: "limit", price: r.limit as never },
        reason: "why"
      }
      const index = orders.add({
        id: r.givenId as ClientOrderId | undefined,
        intent,
        symbol: universe.indexOf(r.ticker as Ticker),
        sequence: k + 1,
        placedDay: k % 2,
        acceptedAt: intent.decidedAt,
        eligibleFrom: r.day,
        state: "accepted",
        reason: undefined
      })
      const order = new SimOrder(orders, index, intent)
      for (const f of r.fills) {
        fills.add(index, "2024-02-01" as TradeDate, f.quantity, f.price, 15, 0)
        order.filled += f.quantity
        order.filledNotional += f.quantity * f.price
        expectedFills.push({ order: index, ...f })
      }
      order.state = r.finalState
      if (r.finalState === "cancelled") order.reason = "gone"
    })
    const out = new RunRecords(orders, fills)
    expect(out.orders).toHaveLength(rows.length)
    rows.forEach((r, k) => {
      const o = out.orders[k]!
      const filled = r.fills.reduce((a, f) => a + f.quantity, 0)
      expect(o.id).toBe(r.givenId ?? clientOrderId({ strategy: "prop", decidedAt: (1_700_000_000_000 + r.day * 86_400_000) as Instant, ticker: r.ticker as Ticker, side: r.side, quantity: r.quantity as Qty }))
      expect([o.ticker, o.side, o.quantity, o.state, o.filledQuantity]).toEqual([r.ticker, r.side, r.quantity, r.finalState, filled])
      expect(o.type).toBe(r.limit === undefined ? "market" : "limit")
      expect(o.limitPrice).toBe(r.limit)
      expect(o.reason).toBe(r.finalState === "cancelled" ? "gone" : "why")
      expect(o.decidedOn).toBe(kstDateOf((1_700_000_000_000 + r.day * 86_400_000) as Instant))
      expect(orders.placedOnAt(k)).toBe(days[k % 2])
      expect(new SimOrder(orders, k, orders.intentAt(k)).id).toBe(o.id)
    })
    expect(out.fills.map((f) => [f.orderId, f.quantity, f.price])).toEqual(expectedFills.map((f) => [out.orders[f.order]!.id, f.quantity, f.price]))
    expect([...out.trades()]).toEqual(out.fills.map(({ orderId: _, ...trade }) => trade))
  }
)
