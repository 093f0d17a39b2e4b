// Properties of the risk gate: caps, cash and holdings are never exceeded by accepted orders (singly or as a
// stream fed back as open orders), prices are legal, the order rate holds over any minute, the daily loss latch
// holds until the next session, an intent is accepted once, and maxAllowedQuantity is the exact boundary.
import { describe, expect } from "vitest"
import { fc, test } from "@fast-check/vitest"
import { Either } from "effect"
import { qty, won, type Ticker } from "../../src/domain/Money.js"
import { type ClientOrderId, type OrderType, SentOrders, type Side } from "../../src/domain/Order.js"
import { commission } from "../../src/domain/krx/costs.js"
import { withinBand } from "../../src/domain/krx/priceBand.js"
import { isOnTick, roundToTick } from "../../src/domain/krx/tick.js"
import { addDays, type Instant } from "../../src/domain/Time.js"
import { affordableQuantity, checkOrder, maxAllowedQuantity } from "../../src/risk/checkOrder.js"
import { bandOf, toOpenOrder, type RiskContext } from "../../src/risk/RiskContext.js"
import { DEFAULT_RISK_LIMITS } from "../../src/risk/RiskLimits.js"
import type { RiskRule } from "../../src/risk/RiskRejection.js"
import { lossLimitLatch } from "../../src/risk/rules.js"
import {
  baseContext,
  HYNIX,
  intentOf,
  limitOrder,
  NAVER,
  OPEN_TIME,
  SAMSUNG,
  scenarioArb,
  TRADE_DATE
} from "./riskArbitraries.js"

const MONEY_RULES: ReadonlyArray<RiskRule> = ["holdings", "cash", "position cap", "exposure cap"]

/** The test's own arithmetic: what a buy of q at fill price f adds, commission included. */
const spent = (q: number, f: number, ctx: RiskContext) => q * f + commission(q * f, ctx.costs)
const capOf = (equity: number, pct: number) => Math.max(0, Math.floor((equity * pct) / 100))
const sumOf = (xs: ReadonlyArray<number>) => xs.reduce((a, b) => a + b, 0)
const openBuyCash = (ctx: RiskContext, t?: Ticker) =>
  sumOf(ctx.openOrders.filter((o) => o.side === "buy" && (t === undefined || o.ticker === t)).map((o) => o.reservedCash))
const markedValue = (ctx: RiskContext, t?: Ticker) =>
  sumOf(ctx.holdings.filter((h) => t === undefined || h.ticker === t).map((h) => h.quantity * h.markPrice))

/** Fill prices an accepted buy can get: the lower limit, its limit (else the upper limit) and one in between. */
const possibleFills = (ctx: RiskContext): ReadonlyArray<number> => {
  const band = bandOf(ctx)
  const worst = ctx.intent.type._tag === "limit" ? ctx.intent.type.price : band.upper
  return [band.lower, roundToTick(Math.floor((band.lower + worst) / 2), ctx.instrument, ctx.tradeDate), worst]
}

describe("checkOrder on one order", () => {
  test.prop([scenarioArb], { numRuns: 500 })("no accepted buy takes a position or the exposure over its cap, at any fill", ({ ctx, limits }) => {
    const result = checkOrder(ctx, limits)
    if (Either.isLeft(result) || ctx.intent.side !== "buy") return
    for (const f of possibleFills(ctx)) {
      const cost = spent(ctx.intent.quantity, f, ctx)
      expect(markedValue(ctx, SAMSUNG) + openBuyCash(ctx, SAMSUNG) + cost).toBeLessThanOrEqual(capOf(ctx.equity, limits.maxPositionPct))
      expect(markedValue(ctx) + openBuyCash(ctx) + cost).toBeLessThanOrEqual(capOf(ctx.equity, limits.maxExposurePct))
      expect(cost).toBeLessThanOrEqual(ctx.cash - openBuyCash(ctx))
    }
    expect(result.right.reservedCash).toBe(spent(ctx.intent.quantity, possibleFills(ctx)[2]!, ctx))
  })

  test.prop([scenarioArb], { numRuns: 300 })("no accepted sell exceeds the shares not promised to open sells", ({ ctx, limits }) => {
    const result = checkOrder(ctx, limits)
    if (Either.isLeft(result) || ctx.intent.side !== "sell") return
    const held = sumOf(ctx.holdings.filter((h) => h.ticker === SAMSUNG).map((h) => h.quantity))
    const promised = sumOf(ctx.openOrders.filter((o) => o.side === "sell" && o.ticker === SAMSUNG).map((o) => o.remainingQuantity))
    expect(ctx.intent.quantity + promised).toBeLessThanOrEqual(held)
    expect(result.right.reservedCash).toBe(0)
  })

  test.prop([scenarioArb], { numRuns: 300 })("accepted limit and stop prices are on tick and inside the band", ({ ctx, limits }) => {
    const result = checkOrder(ctx, limits)
    if (Either.isLeft(result)) return
    const type = ctx.intent.type
    if (type._tag === "market") {
      expect(limits.allowMarketOrders).toBe(true)
      return
    }
    const price = type._tag === "limit" ? type.price : type.stopPrice
    expect(isOnTick(price, ctx.instrument, ctx.tradeDate)).toBe(true)
    expect(withinBand(price, bandOf(ctx))).toBe(true)
  })

  test.prop([scenarioArb])("the same intent is never accepted twice", ({ ctx, limits }) => {
    const first = checkOrder(ctx, limits)
    if (Either.isLeft(first)) return
    const asSent = checkOrder({ ...ctx, sentOrders: new SentOrders([ctx.intent]) }, limits)
    const asLive = checkOrder({ ...ctx, openOrders: [...ctx.openOrders, toOpenOrder(ctx.intent, first.right)] }, limits)
    for (const again of [asSent, asLive]) {
      expect(Either.isLeft(again) && again.left.rule).toBe("duplicate intent")
    }
  })

  test.prop([scenarioArb], { numRuns: 400 })("maxAllowedQuantity passes and one share more fails a money rule", ({ ctx, limits }) => {
    const withQuantity = (n: number): RiskContext => ({ ...ctx, intent: { ...ctx.intent, quantity: qty(n) } })
    // also with one cap lifted, so that each of the others gets to bind
    for (const l of [limits, { ...limits, maxPositionPct: 100 }, { ...limits, maxExposurePct: 100 }]) {
      const q = maxAllowedQuantity(ctx, l)
      if (q > 0) expect(Either.isRight(checkOrder(withQuantity(q), l))).toBe(true)
      const oneMore = checkOrder(withQuantity(q + 1), l)
      expect(Either.isLeft(oneMore)).toBe(true)
      if (q > 0) expect(MONEY_RULES).toContain(Either.isLeft(oneMore) && oneMore.left.rule)
    }
  })

  test.prop([fc.integer({ min: 0, max: 1e10 }), fc.integer({ min: 1, max: 2_000_000 }), fc.constantFrom(0, 0.00015, 0.0140527 / 100, 0.005)])(
    "affordableQuantity is the largest q with q × price + commission within the budget",
    (budget, price, commissionRate) => {
      const costs = { commissionRate, flatTaxRate: undefined }
      const q = affordableQuantity(budget, price, costs)
      const cost = (n: number) => n * price + commission(n * price, costs)
      expect(cost(q)).toBeLessThanOrEqual(budget)
      expect(cost(q + 1)).toBeGreaterThan(budget)
    }
  )
})

describe("checkOrder on a stream of orders fed back as open orders", () => {
  const attemptArb = fc.record({
    t: fc.constantFrom(SAMSUNG, HYNIX, NAVER),
    side: fc.constantFrom<Side>("buy", "sell"),
    quantity: fc.integer({ min: 1, max: 400 }),
    priceOffset: fc.integer({ min: -30, max: 30 }),
    market: fc.boolean()
  })

  test.prop([
    fc.array(attemptArb, { maxLength: 40 }),
    fc.integer({ min: 0, max: 30_000_000 }),
    fc.integer({ min: 5, max: 100 }),
    fc.integer({ min: 0, max: 20_000_000 })
  ])(
    "open buys never hold back more than the cash, nor open sells more than the holdings",
    (attempts, cash, positionPct, unsettled) => {
      const held: ReadonlyMap<Ticker, number> = new Map([[SAMSUNG, 300], [HYNIX, 50]])
      const holdings = [...held].map(([t, n]) => ({ ticker: t, quantity: qty(n), markPrice: won(10_000) }))
      const start = baseContext({ intent: intentOf(SAMSUNG, "buy", 1, limitOrder(10_000)), cash: won(cash), holdings })
      // sale proceeds not yet settled count in the broker's equity but are not deposit cash
      let ctx: RiskContext = { ...start, equity: won(start.equity + unsettled) }
      const limits = { ...DEFAULT_RISK_LIMITS, maxPositionPct: positionPct, maxOrdersPerMinute: 1_000 }
      attempts.forEach((a, i) => {
        const type: OrderType = a.market ? { _tag: "market" } : limitOrder(roundToTick(10_000 + a.priceOffset * 100, ctx.instrument, TRADE_DATE))
        const intent = intentOf(a.t, a.side, a.quantity, type, i)
        const result = checkOrder({ ...ctx, intent }, limits)
        if (Either.isRight(result)) ctx = { ...ctx, openOrders: [...ctx.openOrders, toOpenOrder(intent, result.right)] }
      })
      expect(openBuyCash(ctx)).toBeLessThanOrEqual(cash)
      expect(markedValue(ctx) + openBuyCash(ctx)).toBeLessThanOrEqual(ctx.equity)
      for (const t of [SAMSUNG, HYNIX, NAVER]) {
        expect(markedValue(ctx, t) + openBuyCash(ctx, t)).toBeLessThanOrEqual(Math.max(markedValue(ctx, t), capOf(ctx.equity, positionPct)))
        const sold = sumOf(ctx.openOrders.filter((o) => o.side === "sell" && o.ticker === t).map((o) => o.remainingQuantity))
        expect(sold).toBeLessThanOrEqual(held.get(t) ?? 0)
      }
    }
  )

  test.prop([
    fc.array(fc.integer({ min: 0, max: 600_000 }), { maxLength: 120 }),
    fc.integer({ min: 1, max: 12 }),
    fc.boolean()
  ])("accepted orders never exceed the per-minute cap in any 60-second window", (offsets, cap, inOrder) => {
    const times = inOrder ? [...offsets].sort((a, b) => a - b) : offsets
    const limits = { ...DEFAULT_RISK_LIMITS, maxOrdersPerMinute: cap }
    const accepted: Array<Instant> = []
    times.forEach((offset, i) => {
      const now = (OPEN_TIME + offset) as Instant
      const ctx = baseContext({ intent: intentOf(SAMSUNG, "buy", 1, limitOrder(10_000), i), now, recentOrderTimes: accepted })
      if (Either.isRight(checkOrder(ctx, limits))) accepted.push(now)
    })
    // the busiest window [s, s + 60 s) can be taken to start at an accepted order
    for (const start of accepted) {
      expect(accepted.filter((t) => t >= start && t < start + 60_000).length).toBeLessThanOrEqual(cap)
    }
    if (times.length > 0) expect(accepted.length).toBeGreaterThan(0)
  })

  test.prop([fc.array(fc.record({ pick: fc.integer({ min: 0, max: 4 }), at: fc.integer({ min: 0, max: 1_000 }) }), { maxLength: 30 })])(
    "an intent offered many times is accepted at most once",
    (offers) => {
      const pool = [0, 1, 2, 3, 4].map((k) => intentOf(k % 2 === 0 ? SAMSUNG : HYNIX, "buy", 1 + k, limitOrder(10_000), 1_000 * k))
      const sent = new SentOrders()
      const acceptedIds: Array<ClientOrderId> = []
      for (const { pick, at } of offers) {
        const ctx = baseContext({ intent: pool[pick]!, now: (OPEN_TIME + at) as Instant, sentOrders: sent })
        const result = checkOrder(ctx, DEFAULT_RISK_LIMITS)
        if (Either.isRight(result)) {
          acceptedIds.push(result.right.id)
          sent.add(pool[pick]!)
        }
      }
      expect(new Set(acceptedIds).size).toBe(acceptedIds.length)
    }
  )

  const stepArb = fc.record({
    nextDay: fc.boolean(),
    /** Equity relative to the start of the day: it dips through the limit and recovers within a day. */
    dayChange: fc.double({ min: -0.08, max: 0.04, noNaN: true }),
    side: fc.constantFrom<Side>("buy", "sell")
  })

  test.prop([fc.array(stepArb, { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 5 })])(
    "after a daily-loss breach only sells pass until the next session",
    (steps, lossPct) => {
      const limits = { ...DEFAULT_RISK_LIMITS, dailyLossLimitPct: lossPct, maxOrdersPerMinute: 1_000 }
      const holdings = [{ ticker: SAMSUNG, quantity: qty(1_000), markPrice: won(10_000) }]
      let date = TRADE_DATE, equity = 20_000_000_000, startOfDay = equity
      let latch: RiskContext["lossLimitBreachedOn"] = undefined
      let breachedToday = false
      steps.forEach((step, i) => {
        if (step.nextDay && i > 0) {
          date = addDays(date, 1)
          startOfDay = equity
          breachedToday = false
        }
        equity = Math.round(startOfDay * (1 + step.dayChange))
        const loss = startOfDay - equity
        if (loss > 0 && loss >= Math.floor((startOfDay * lossPct) / 100)) breachedToday = true
        const intent = intentOf(SAMSUNG, step.side, 1, limitOrder(10_000), i)
        const ctx = baseContext({
          intent, tradeDate: date, holdings, cash: won(10_000_000_000), lossLimitBreachedOn: latch
        })
        const marked = { ...ctx, equity: won(equity), startOfDayEquity: won(startOfDay) }
        latch = lossLimitLatch(marked, limits)
        const result = checkOrder({ ...marked, lossLimitBreachedOn: latch }, limits)
        if (breachedToday && step.side === "buy") expect(Either.isLeft(result) && result.left.rule).toBe("daily loss")
        else expect(Either.isRight(result)).toBe(true)
      })
    }
  )
})
