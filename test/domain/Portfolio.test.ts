// Properties of portfolio accounting: over any sequence of fills, money is conserved (cash + cost basis −
// realized P&L + commissions + taxes = initial cash), positions never go negative, and oversells are rejected.
import { fc, test } from "@fast-check/vitest"
import { Either, HashMap } from "effect"
import { describe, expect } from "vitest"
import { InvalidDomainValue } from "../../src/domain/errors.js"
import { ticker, won } from "../../src/domain/Money.js"
import type { Fill } from "../../src/domain/Order.js"
import {
  applyFill,
  averagePrice,
  costBasisTotal,
  emptyPortfolio,
  heldQuantity,
  type Portfolio,
  realizedPnl
} from "../../src/domain/Portfolio.js"

const TICKERS = ["005930", "000660", "035420"].map(ticker)

const fillArb: fc.Arbitrary<Fill> = fc.record({
  orderId: fc.constant("o" as Fill["orderId"]),
  ticker: fc.constantFrom(...TICKERS),
  side: fc.constantFrom("buy" as const, "sell" as const),
  quantity: fc.integer({ min: 1, max: 500 }).map((n) => n as Fill["quantity"]),
  price: fc.integer({ min: 1, max: 900_000 }).map(won),
  commission: fc.integer({ min: 0, max: 5_000 }).map(won),
  tax: fc.integer({ min: 0, max: 5_000 }).map(won),
  at: fc.constant(0 as Fill["at"])
})

const ledgerTotal = (p: Portfolio): number =>
  p.cash + costBasisTotal(p) - realizedPnl(p) + p.commissionsPaid + p.taxesPaid

const sellAll = (p: Portfolio, t: (typeof TICKERS)[number], price: number): Fill => ({
  orderId: "close" as Fill["orderId"], ticker: t, side: "sell", quantity: heldQuantity(p, t) as Fill["quantity"],
  price: won(price), commission: won(0), tax: won(0), at: 0 as Fill["at"]
})

describe("applyFill", () => {
  test.prop([fc.integer({ min: 0, max: 1e10 }), fc.array(fillArb, { maxLength: 60 })])(
    "conserves money and never produces a negative or empty position",
    (initialCash, fills) => {
      let p = emptyPortfolio(won(initialCash))
      const held = new Map<string, number>()
      for (const fill of fills) {
        const before = held.get(fill.ticker) ?? 0
        const result = applyFill(p, fill)
        if (fill.side === "sell" && fill.quantity > before) {
          expect(Either.isLeft(result)).toBe(true)
          continue
        }
        p = Either.getOrThrow(result)
        held.set(fill.ticker, before + (fill.side === "buy" ? fill.quantity : -fill.quantity))
        expect(ledgerTotal(p)).toBe(initialCash)
        for (const [t, pos] of HashMap.toEntries(p.positions)) {
          expect(pos.quantity).toBeGreaterThan(0)
          expect(pos.quantity).toBe(held.get(t))
          expect(Number.isSafeInteger(pos.costBasis) && pos.costBasis >= 0).toBe(true)
        }
      }
      // closing everything at cost leaves realized P&L equal to −(fees) only through cash
      for (const t of TICKERS) {
        if (heldQuantity(p, t) > 0) p = Either.getOrThrow(applyFill(p, sellAll(p, t, 1)))
      }
      expect(HashMap.size(p.positions)).toBe(0)
      expect(p.cash - initialCash).toBe(realizedPnl(p) - p.commissionsPaid - p.taxesPaid)
    }
  )

  test("partial sells release cost at the average price; the last share releases the rest", () => {
    const t = TICKERS[0]!
    const buy = (qty: number, price: number): Fill => ({ ...sellAll(emptyPortfolio(won(0)), t, price), side: "buy", quantity: qty as Fill["quantity"] })
    let p = emptyPortfolio(won(1_000_000))
    p = Either.getOrThrow(applyFill(p, buy(2, 100)))
    p = Either.getOrThrow(applyFill(p, buy(1, 101)))
    expect(averagePrice(HashMap.unsafeGet(p.positions, t))).toBeCloseTo(301 / 3)
    p = Either.getOrThrow(applyFill(p, { ...buy(1, 110), side: "sell", commission: won(1), tax: won(2) }))
    const pos = HashMap.unsafeGet(p.positions, t)
    expect(pos.costBasis).toBe(201) // 301 − round(301 / 3)
    expect(pos.realizedPnl).toBe(110 - 100)
    expect(p.cash).toBe(1_000_000 - 301 + 110 - 3)
    p = Either.getOrThrow(applyFill(p, { ...buy(2, 90), side: "sell" }))
    expect(HashMap.has(p.positions, t)).toBe(false)
    expect(p.closedPnl).toBe(10 + 180 - 201)
  })

  test("overselling is a typed error that names the holding", () => {
    const r = applyFill(emptyPortfolio(won(0)), sellAll(emptyPortfolio(won(0)), TICKERS[1]!, 100))
    expect(Either.isLeft(r)).toBe(true) // quantity 0
    const oversell = applyFill(emptyPortfolio(won(0)), { ...sellAll(emptyPortfolio(won(0)), TICKERS[1]!, 100), quantity: 3 as Fill["quantity"] })
    expect(Either.isLeft(oversell) && oversell.left).toBeInstanceOf(InvalidDomainValue)
    expect(Either.isLeft(oversell) && oversell.left.message).toMatch(/sell quantity: 3 .*0 shares of 000660/)
  })
})
