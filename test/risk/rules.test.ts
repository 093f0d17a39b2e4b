// Each risk rule on hand-computed numbers, the exact wording of its rejection, and a property that every
// rejection names its rule and carries the figures that broke it.
import { describe, expect, it } from "vitest"
import { fc, test } from "@fast-check/vitest"
import { Either, Schema } from "effect"
import { qty, ticker, won } from "../../src/domain/Money.js"
import { clientOrderId, type OrderType, SentOrders } from "../../src/domain/Order.js"
import { ZERO_COSTS } from "../../src/domain/krx/costs.js"
import { kstInstant, tradeDate, type Instant } from "../../src/domain/Time.js"
import { checkOrder, maxAllowedQuantity } from "../../src/risk/checkOrder.js"
import { bandOf, buyCost, worstPrice, type RiskContext } from "../../src/risk/RiskContext.js"
import { DEFAULT_RISK_LIMITS, type RiskLimits } from "../../src/risk/RiskLimits.js"
import { RiskRejection } from "../../src/risk/RiskRejection.js"
import { lossLimitLatch } from "../../src/risk/rules.js"
import { baseContext, HYNIX, intentOf, limitOrder, OPEN_TIME, SAMSUNG, scenarioArb, TRADE_DATE } from "./riskArbitraries.js"

const MARKET: OrderType = { _tag: "market" }

const rejectionOf = (ctx: RiskContext, limits: RiskLimits = DEFAULT_RISK_LIMITS): string => {
  const result = checkOrder(ctx, limits)
  if (Either.isRight(result)) throw new Error(`expected a rejection, got approval ${JSON.stringify(result.right)}`)
  return result.left.message
}
const passes = (ctx: RiskContext, limits: RiskLimits = DEFAULT_RISK_LIMITS): boolean => Either.isRight(checkOrder(ctx, limits))

describe("risk rules on exact numbers", () => {
  it("position cap: names the position value, its share of equity and the cap", () => {
    const ctx = baseContext({ intent: intentOf(SAMSUNG, "buy", 20, limitOrder(60_000)), basePrice: won(60_000), cash: won(5_000_000), costs: ZERO_COSTS })
    expect(rejectionOf(ctx)).toBe(
      "position cap: 1,200,000 won in 005930 after this buy would be 24.0 % of equity 5,000,000 won; cap 20 % = 1,000,000 won"
    )
    expect(maxAllowedQuantity(ctx, DEFAULT_RISK_LIMITS)).toBe(16)
  })

  it("cash: a market buy is costed at the upper limit with commission", () => {
    const limits = { ...DEFAULT_RISK_LIMITS, maxPositionPct: 100 }
    const buy = (q: number) => baseContext({ intent: intentOf(SAMSUNG, "buy", q, MARKET), cash: won(1_000_000) })
    expect(bandOf(buy(1)).upper).toBe(13_000)
    expect(passes(buy(76), limits)).toBe(true) // 988,000 + 148 commission
    expect(rejectionOf(buy(77), limits)).toBe(
      "cash: buying 77 × 13,000 won (the upper limit, reserved for a market buy) costs 1,001,150 won with commission; " +
        "1,000,000 won is free (1,000,000 won cash − 0 won held back by open buys)"
    )
    expect(maxAllowedQuantity(buy(1), limits)).toBe(76)
  })

  it("cash: open buys hold their reservation back", () => {
    const limits = { ...DEFAULT_RISK_LIMITS, maxPositionPct: 100 }
    const open = { id: clientOrderId(intentOf(HYNIX, "buy", 50, limitOrder(10_000))), ticker: HYNIX, side: "buy" as const, remainingQuantity: qty(50), reservedCash: won(500_075) }
    const ctx = baseContext({ intent: intentOf(SAMSUNG, "buy", 50, limitOrder(10_000)), cash: won(1_000_000), openOrders: [open] })
    expect(rejectionOf(ctx, limits)).toBe(
      "cash: buying 50 × 10,000 won costs 500,075 won with commission; 499,925 won is free (1,000,000 won cash − 500,075 won held back by open buys)"
    )
    expect(maxAllowedQuantity(ctx, limits)).toBe(49)
  })

  it("holdings: no sell beyond the shares not already in open sells", () => {
    const holdings = [{ ticker: SAMSUNG, quantity: qty(100), markPrice: won(10_000) }]
    const openSell = { id: "earlier-sell" as RiskContext["openOrders"][number]["id"], ticker: SAMSUNG, side: "sell" as const, remainingQuantity: qty(30), reservedCash: won(0) }
    const sell = (q: number) => baseContext({ intent: intentOf(SAMSUNG, "sell", q, MARKET), holdings, openOrders: [openSell] })
    expect(passes(sell(70))).toBe(true)
    expect(rejectionOf(sell(71))).toBe("holdings: selling 71 shares of 005930 but only 70 are free (100 held, 30 in open sells)")
    expect(maxAllowedQuantity(sell(1), DEFAULT_RISK_LIMITS)).toBe(70)
  })

  it("exposure cap: counts every position and open buy", () => {
    const limits = { ...DEFAULT_RISK_LIMITS, maxPositionPct: 25, maxExposurePct: 50 }
    const holdings = [{ ticker: HYNIX, quantity: qty(500), markPrice: won(10_000) }]
    const ctx = baseContext({ intent: intentOf(SAMSUNG, "buy", 300, limitOrder(10_000)), cash: won(10_000_000), holdings })
    expect(ctx.equity).toBe(15_000_000)
    expect(rejectionOf(ctx, limits)).toBe(
      "exposure cap: 8,000,450 won in positions and open buys after this buy would be 53.3 % of equity 15,000,000 won; cap 50 % = 7,500,000 won"
    )
    expect(maxAllowedQuantity(ctx, limits)).toBe(249) // 249 × 10,000 + 373 = 2,490,373 ≤ 2,500,000 < 2,500,375
  })

  it("price: off the tick ladder, outside the band, and a stop price is held to the same rules", () => {
    const at = (type: OrderType) => baseContext({ intent: intentOf(SAMSUNG, "buy", 1, type) })
    expect(rejectionOf(at(limitOrder(10_005)))).toBe("price: limit price 10,005 won is off the tick ladder: the tick at this price on 2024-03-05 is 10 won")
    expect(rejectionOf(at(limitOrder(13_050)))).toBe("price: limit price 13,050 won is outside the day's band 7,000–13,000 won (base 10,000 won ±30 %)")
    expect(rejectionOf(at({ _tag: "stop", stopPrice: won(6_990) }))).toBe(
      "price: stop price 6,990 won is outside the day's band 7,000–13,000 won (base 10,000 won ±30 %)"
    )
    expect(passes(at(limitOrder(13_000)))).toBe(true)
    expect(passes(at(limitOrder(7_000)))).toBe(true)
    // the pre-2023 KOSPI ladder had 50-won ticks from 10,000
    expect(rejectionOf({ ...at(limitOrder(10_010)), tradeDate: tradeDate("2022-06-15") })).toBe(
      "price: limit price 10,010 won is off the tick ladder: the tick at this price on 2022-06-15 is 50 won"
    )
  })

  it("order rate: the window is 60 s either side of now, exclusive", () => {
    const limits = { ...DEFAULT_RISK_LIMITS, maxOrdersPerMinute: 3 }
    const withTimes = (offsets: ReadonlyArray<number>) =>
      baseContext({ intent: intentOf(SAMSUNG, "buy", 1, limitOrder(10_000)), recentOrderTimes: offsets.map((d) => (OPEN_TIME + d) as Instant) })
    expect(rejectionOf(withTimes([-59_999, -30_000, -1]), limits)).toBe("order rate: 3 orders already sent within 60 s of this one; cap 3 per minute")
    expect(passes(withTimes([-60_000, -30_000, -1]), limits)).toBe(true)
    expect(passes(withTimes([-30_000, -1]), limits)).toBe(true)
  })

  it("daily loss: a breach stops buys for the rest of the day, even after equity recovers", () => {
    const holdings = [{ ticker: SAMSUNG, quantity: qty(100), markPrice: won(10_000) }]
    const at = (side: "buy" | "sell", equity: number, date = TRADE_DATE, latch: RiskContext["lossLimitBreachedOn"] = undefined) => ({
      ...baseContext({ intent: intentOf(SAMSUNG, side, 1, limitOrder(10_000)), cash: won(20_000_000), holdings, tradeDate: date, lossLimitBreachedOn: latch }),
      equity: won(equity),
      startOfDayEquity: won(10_000_000)
    })
    expect(passes(at("buy", 9_700_001))).toBe(true)
    expect(rejectionOf(at("buy", 9_700_000))).toBe(
      "daily loss: equity 9,700,000 won is 300,000 won (3.0 %) below start-of-day 10,000,000 won; limit 3 % = 300,000 won, breached on 2024-03-05: only sells until the next session"
    )
    expect(passes(at("sell", 9_700_000))).toBe(true)
    const latch = lossLimitLatch(at("buy", 9_700_000), DEFAULT_RISK_LIMITS)
    expect(latch).toBe(TRADE_DATE)
    expect(rejectionOf(at("buy", 10_100_000, TRADE_DATE, latch))).toBe(
      "daily loss: equity 10,100,000 won is back to start-of-day 10,000,000 won or above; limit 3 % = 300,000 won, breached on 2024-03-05: only sells until the next session"
    )
    const nextDay = tradeDate("2024-03-06")
    expect(passes(at("buy", 10_000_000, nextDay, latch))).toBe(true)
    expect(lossLimitLatch(at("buy", 10_000_000, nextDay, latch), DEFAULT_RISK_LIMITS)).toBeUndefined()
  })

  it("duplicate intent, trading hours, order type, symbol and quantity", () => {
    const intent = intentOf(SAMSUNG, "buy", 1, limitOrder(10_000), 42)
    expect(rejectionOf(baseContext({ intent, sentOrders: new SentOrders([intent]) }))).toBe(
      "duplicate intent: prop:42:005930:buy:1 was already sent; an intent is submitted at most once"
    )
    const evening = baseContext({ intent, phase: "after-hours-single-price", now: kstInstant(TRADE_DATE, "161000") })
    expect(rejectionOf(evening)).toBe(
      "trading hours: the market is in phase after-hours-single-price at 16:10:00 KST on 2024-03-05; orders are taken in opening-auction, regular, closing-auction"
    )
    expect(passes(evening, { ...DEFAULT_RISK_LIMITS, enforceTradingHours: false })).toBe(true)
    expect(rejectionOf(baseContext({ intent: intentOf(SAMSUNG, "buy", 1, MARKET) }), { ...DEFAULT_RISK_LIMITS, allowMarketOrders: false })).toBe(
      "order type: market orders are disabled by allowMarketOrders = false; send a limit order"
    )
    expect(rejectionOf(baseContext({ intent: intentOf(ticker("5930"), "buy", 1, limitOrder(10_000)) }))).toBe(
      "symbol: \"5930\" is not a 6-character KRX code like 005930"
    )
    expect(rejectionOf(baseContext({ intent: intentOf(SAMSUNG, "buy", 0, limitOrder(10_000)) }))).toBe("quantity: 0 shares: must be a whole number > 0")
    expect(rejectionOf(baseContext({ intent: intentOf(SAMSUNG, "buy", 1.5, limitOrder(10_000)) }))).toBe("quantity: 1.5 shares: must be a whole number > 0")
  })

  it("a rejection survives the order journal's encoding", () => {
    const result = checkOrder(baseContext({ intent: intentOf(SAMSUNG, "buy", 0, limitOrder(10_000)) }), DEFAULT_RISK_LIMITS)
    if (Either.isRight(result)) throw new Error("expected a rejection")
    const encoded = Schema.encodeSync(RiskRejection)(result.left)
    expect(JSON.parse(JSON.stringify(encoded))).toEqual({ _tag: "RiskRejection", rule: "quantity", detail: "0 shares: must be a whole number > 0" })
    expect(Schema.decodeUnknownSync(RiskRejection)(encoded).message).toBe(result.left.message)
  })
})

/** Thousands grouping done by the runtime, independent of the module's own formatter. */
const grouped = (n: number) => n.toLocaleString("en-US")
const sum = (xs: ReadonlyArray<number>) => xs.reduce((a, b) => a + b, 0)

/** The figures a rejection of each money or price rule must quote, from the test's own arithmetic. */
const expectedFigures = (ctx: RiskContext, limits: RiskLimits, rule: string): ReadonlyArray<string> => {
  const q = ctx.intent.quantity
  const reservedAll = sum(ctx.openOrders.filter((o) => o.side === "buy").map((o) => o.reservedCash))
  const reservedSelf = sum(ctx.openOrders.filter((o) => o.side === "buy" && o.ticker === SAMSUNG).map((o) => o.reservedCash))
  const markedSelf = sum(ctx.holdings.filter((h) => h.ticker === SAMSUNG).map((h) => h.quantity * h.markPrice))
  const markedAll = sum(ctx.holdings.map((h) => h.quantity * h.markPrice))
  const cost = ctx.intent.side === "buy" ? buyCost(q, worstPrice(ctx), ctx.costs) : 0
  const capWon = (pct: number) => Math.floor((Math.max(0, ctx.equity) * pct) / 100)
  switch (rule) {
    case "cash":
      return [grouped(q), grouped(worstPrice(ctx)), grouped(cost), grouped(ctx.cash - reservedAll), grouped(reservedAll)]
    case "holdings": {
      const held = sum(ctx.holdings.filter((h) => h.ticker === SAMSUNG).map((h) => h.quantity))
      const promised = sum(ctx.openOrders.filter((o) => o.side === "sell" && o.ticker === SAMSUNG).map((o) => o.remainingQuantity))
      return [grouped(q), grouped(held - promised), grouped(held), grouped(promised)]
    }
    case "position cap":
      return [grouped(markedSelf + reservedSelf + cost), grouped(capWon(limits.maxPositionPct)), `${limits.maxPositionPct} %`]
    case "exposure cap":
      return [grouped(markedAll + reservedAll + cost), grouped(capWon(limits.maxExposurePct)), `${limits.maxExposurePct} %`]
    case "price": {
      const type = ctx.intent.type
      return [grouped(type._tag === "limit" ? type.price : type._tag === "stop" ? type.stopPrice : ctx.basePrice)]
    }
    case "order type":
      return [ctx.intent.type._tag]
    default:
      throw new Error(`no expected figures for rule ${rule}`)
  }
}

test.prop([scenarioArb, fc.integer({ min: 0, max: 40 })], { numRuns: 300 })(
  "every rejection names its rule and quotes the figures that broke it",
  ({ ctx, limits }, sodLossPct) => {
    const result = checkOrder(ctx, limits)
    if (Either.isLeft(result)) {
      expect(result.left.message.startsWith(`${result.left.rule}: `)).toBe(true)
      for (const figure of expectedFigures(ctx, limits, result.left.rule)) expect(result.left.message).toContain(figure)
    }
    // the same order after a loss today: a daily-loss rejection quotes the equity, the loss and the limit
    const sod = Math.round((ctx.equity * 100) / (100 - sodLossPct))
    const losing = { ...ctx, startOfDayEquity: won(sod) }
    const again = checkOrder(losing, limits)
    if (Either.isLeft(again) && again.left.rule === "daily loss") {
      for (const n of [ctx.equity, sod - ctx.equity, sod, Math.floor((sod * limits.dailyLossLimitPct) / 100)]) {
        expect(again.left.message).toContain(grouped(n))
      }
    }
  }
)
