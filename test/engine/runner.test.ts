// The runner's pure half: decision days on the KRX calendar, decisions → plans → intents, cash sizing.
import { fc, test } from "@fast-check/vitest"
import { describe, expect, it } from "vitest"
import { KRX_CALENDAR } from "../../src/domain/krx/calendar.js"
import { commission, type CostModel, floorMul } from "../../src/domain/krx/costs.js"
import { qty, ticker, type Won } from "../../src/domain/Money.js"
import type { Instant } from "../../src/domain/Time.js"
import { tradeDate } from "../../src/domain/Time.js"
import { isDecisionDay, planDecision, type PlanBook, resolvePlan } from "../../src/engine/runner.js"
import { affordableQuantity } from "../../src/engine/sizing.js"

const A = ticker("005930")
const book = (held: number, pendingSell = 0, close = 10_000, equity = 1_000_000): PlanBook => ({
  equity,
  held: () => held,
  pendingSell: () => pendingSell,
  asOfClose: () => close
})
const market = { _tag: "market" } as const

describe("isDecisionDay", () => {
  it("follows the KRX calendar's period ends", () => {
    // 2024-09-13 (Fri) is followed by Chuseok closures: the week's last trading day is that Friday.
    expect(isDecisionDay("weekly", tradeDate("2024-09-13"), KRX_CALENDAR)).toBe(true)
    expect(isDecisionDay("weekly", tradeDate("2024-09-12"), KRX_CALENDAR)).toBe(false)
    // 2023-12-29 is the year-end closing day: the last trading day of December 2023 is the 28th.
    expect(isDecisionDay("monthly", tradeDate("2023-12-28"), KRX_CALENDAR)).toBe(true)
    expect(isDecisionDay("quarterly", tradeDate("2023-12-28"), KRX_CALENDAR)).toBe(true)
    expect(isDecisionDay("quarterly", tradeDate("2023-11-30"), KRX_CALENDAR)).toBe(false)
    expect(isDecisionDay("daily", tradeDate("2023-11-29"), KRX_CALENDAR)).toBe(true)
  })
})

describe("planDecision", () => {
  it("sizes targets at the as-of close and sells only free shares", () => {
    expect(planDecision({ _tag: "TargetWeight", ticker: A, weight: 0.25 }, book(10))).toMatchObject({ side: "buy", size: { _tag: "Shares", quantity: 15 } })
    expect(planDecision({ _tag: "TargetWeight", ticker: A, weight: 0 }, book(10, 4))).toMatchObject({ side: "sell", size: { quantity: 6 } })
    expect(planDecision({ _tag: "TargetQuantity", ticker: A, quantity: qty(10) }, book(10))).toBeUndefined()
    expect(planDecision({ _tag: "TargetQuantity", ticker: A, quantity: qty(3) }, book(10))).toMatchObject({ side: "sell", size: { quantity: 7 } })
    expect(planDecision({ _tag: "Sell", ticker: A, type: market }, book(10, 3))).toMatchObject({ size: { quantity: 7 } })
    expect(planDecision({ _tag: "Sell", ticker: A, quantity: qty(50), type: market }, book(10))).toMatchObject({ size: { quantity: 10 } })
    expect(planDecision({ _tag: "Sell", ticker: A, type: market }, book(0))).toBeUndefined()
    expect(planDecision({ _tag: "Buy", ticker: A, size: { _tag: "Cash" }, type: market }, book(0))).toMatchObject({ size: { _tag: "Cash", budget: undefined } })
  })
})

describe("cash sizing", () => {
  const costs: CostModel = { commissionRate: 0.00015, flatTaxRate: undefined }
  test.prop([fc.integer({ min: 0, max: 5e9 }), fc.integer({ min: 1, max: 2_000_000 }), fc.constantFrom(0, 0.00015, 0.003)])(
    "buys the largest whole quantity whose cost with commission fits",
    (cash, price, rate) => {
      const model = { commissionRate: rate, flatTaxRate: undefined }
      const q = affordableQuantity(cash, price, model)
      const cost = (n: number) => n * price + floorMul(n * price, rate)
      expect(q).toBeGreaterThanOrEqual(0)
      expect(cost(q)).toBeLessThanOrEqual(Math.max(cash, 0))
      expect(cost(q + 1)).toBeGreaterThan(cash)
    }
  )
  it("resolves a cash plan within the smaller of budget and free cash", () => {
    const plan = planDecision({ _tag: "Buy", ticker: A, size: { _tag: "Cash", amount: 100_000 as Won }, type: market }, book(0))!
    const intent = resolvePlan(plan, "s", 1 as Instant, 20_000, 1_000_000, costs)
    expect(intent?.quantity).toBe(4)
    expect(resolvePlan(plan, "s", 1 as Instant, 20_000, 50_000, costs)?.quantity).toBe(2)
    expect(resolvePlan(plan, "s", 1 as Instant, 20_000, 10_000, costs)).toBeUndefined()
    // 5 × 20,000 = 100,000 costs 100,015 with commission: one share fewer fits 100,000.
    expect(commission(100_000, costs)).toBe(15)
  })
})
