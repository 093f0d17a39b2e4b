// Fill rules of the matching engine on hand-made price paths: gaps, limit locks, volume caps, the pessimistic
// intrabar path, tick-aligned slippage.
import { describe, expect, it } from "vitest"
import { applySlippage, type MatchRules, matchOrder, REALISTIC_RULES, type RestingOrder } from "../../../src/backtest/matching/matchOrder.js"
import { barPath, limitLockOf, NOT_LOCKED } from "../../../src/backtest/matching/pricePath.js"
import { ordinaryStock } from "../../../src/domain/Market.js"
import type { Won } from "../../../src/domain/Money.js"
import type { OrderType } from "../../../src/domain/Order.js"
import { tradeDate } from "../../../src/domain/Time.js"
import { exitOrderType, firstExit } from "../../../src/engine/exits.js"

const KOSPI = ordinaryStock("KOSPI")
const date = tradeDate("2024-03-04")
const ctx = { date, instrument: KOSPI, lock: NOT_LOCKED }
const OPEN: MatchRules = { ...REALISTIC_RULES, volumeCap: undefined, limitLock: false }
const limit = (price: number): OrderType => ({ _tag: "limit", price: price as Won })
const stop = (price: number): OrderType => ({ _tag: "stop", stopPrice: price as Won })
const market: OrderType = { _tag: "market" }
const order = (side: "buy" | "sell", type: OrderType, remaining = 100): RestingOrder => ({ side, type, remaining })
const bar = (open: number, high: number, low: number, close: number, volume = 1_000_000) => barPath(open, high, low, close, volume)

describe("limit orders", () => {
  it("fill at the open when the bar gaps through the limit", () => {
    expect(matchOrder(order("buy", limit(10_000)), bar(9_800, 10_100, 9_700, 9_900), ctx, OPEN))
      .toEqual({ _tag: "Fill", quantity: 100, price: 9_800, pointIndex: 0 })
    expect(matchOrder(order("sell", limit(10_000)), bar(10_300, 10_400, 10_200, 10_250), ctx, OPEN))
      .toMatchObject({ price: 10_300, pointIndex: 0 })
  })
  it("fill at the limit when the bar trades through it, not when it only touches", () => {
    expect(matchOrder(order("buy", limit(9_750)), bar(9_800, 9_900, 9_700, 9_850), ctx, OPEN)).toMatchObject({ price: 9_750, pointIndex: 1 })
    expect(matchOrder(order("buy", limit(9_700)), bar(9_800, 9_900, 9_700, 9_850), ctx, OPEN)).toEqual({ _tag: "NoFill", reason: "not reached" })
    expect(matchOrder(order("buy", limit(9_700)), bar(9_800, 9_900, 9_700, 9_850), ctx, { ...OPEN, limitFill: "touch" }))
      .toMatchObject({ price: 9_700 })
  })
  it("never take slippage", () => {
    const slipping = { ...OPEN, slippage: { _tag: "ticks", ticks: 3 } as const }
    expect(matchOrder(order("buy", limit(10_000)), bar(9_800, 10_100, 9_700, 9_900), ctx, slipping)).toMatchObject({ price: 9_800 })
  })
})

describe("stop orders", () => {
  it("trigger at the stop (on the ladder) inside the bar, at the open on a gap", () => {
    expect(matchOrder(order("sell", stop(9_500)), bar(10_000, 10_100, 9_400, 9_600), ctx, OPEN)).toMatchObject({ price: 9_500, pointIndex: 1 })
    expect(matchOrder(order("sell", stop(9_500)), bar(9_300, 9_600, 9_200, 9_400), ctx, OPEN)).toMatchObject({ price: 9_300, pointIndex: 0 })
    expect(matchOrder(order("buy", stop(10_505)), bar(10_000, 10_600, 9_900, 10_550), ctx, OPEN)).toMatchObject({ price: 10_510, pointIndex: 2 })
    expect(matchOrder(order("buy", stop(11_000)), bar(10_000, 10_600, 9_900, 10_550), ctx, OPEN)).toMatchObject({ _tag: "NoFill" })
  })
})

describe("price-limit locks", () => {
  it("detect a bar that traded only at the upper or lower limit, tolerant of split adjustment", () => {
    expect(limitLockOf(13_000, 13_000, 10_000, KOSPI, date)).toEqual({ lockedUp: true, lockedDown: false })
    expect(limitLockOf(12_990, 12_990, 10_000, KOSPI, date)).toEqual({ lockedUp: true, lockedDown: false })
    expect(limitLockOf(7_000, 7_000, 10_000, KOSPI, date)).toEqual({ lockedUp: false, lockedDown: true })
    expect(limitLockOf(13_000, 12_000, 10_000, KOSPI, date)).toEqual(NOT_LOCKED)
    expect(limitLockOf(10_500, 10_500, 10_000, KOSPI, date)).toEqual(NOT_LOCKED)
    expect(limitLockOf(13_000, 13_000, undefined, KOSPI, date)).toEqual(NOT_LOCKED)
    // Before 2015-06-15 the band was ±15 %.
    expect(limitLockOf(11_500, 11_500, 10_000, KOSPI, tradeDate("2015-03-02")).lockedUp).toBe(true)
  })
  it("block buys on a limit-up bar and sells on a limit-down bar when the switch is on", () => {
    const up = bar(13_000, 13_000, 13_000, 13_000)
    const lockedUp = { ...ctx, lock: limitLockOf(13_000, 13_000, 10_000, KOSPI, date) }
    const rules = { ...OPEN, limitLock: true }
    expect(matchOrder(order("buy", market), up, lockedUp, rules)).toEqual({ _tag: "NoFill", reason: "limit locked" })
    expect(matchOrder(order("sell", market), up, lockedUp, rules)).toMatchObject({ _tag: "Fill", price: 13_000 })
    expect(matchOrder(order("buy", market), up, lockedUp, OPEN)).toMatchObject({ _tag: "Fill", price: 13_000 })
    const lockedDown = { ...ctx, lock: limitLockOf(7_000, 7_000, 10_000, KOSPI, date) }
    expect(matchOrder(order("sell", market), bar(7_000, 7_000, 7_000, 7_000), lockedDown, rules)).toEqual({ _tag: "NoFill", reason: "limit locked" })
  })
})

describe("volume cap", () => {
  it("fills at most the cap's share of the path volume", () => {
    const rules = { ...OPEN, volumeCap: 0.1 }
    expect(matchOrder(order("buy", market, 500), bar(10_000, 10_100, 9_900, 10_050, 1_000), ctx, rules)).toMatchObject({ quantity: 100 })
    expect(matchOrder(order("buy", market, 50), bar(10_000, 10_100, 9_900, 10_050, 1_000), ctx, rules)).toMatchObject({ quantity: 50 })
    expect(matchOrder(order("buy", market, 50), bar(10_000, 10_100, 9_900, 10_050, 5), ctx, rules)).toEqual({ _tag: "NoFill", reason: "no volume" })
  })
})

describe("slippage", () => {
  it("moves market fills against the trader by whole ticks, walking across ladder steps", () => {
    const ticks = (n: number) => ({ ...OPEN, slippage: { _tag: "ticks", ticks: n } as const })
    expect(matchOrder(order("buy", market), bar(10_000, 10_100, 9_900, 10_050), ctx, ticks(2))).toMatchObject({ price: 10_020 })
    expect(matchOrder(order("sell", market), bar(10_000, 10_100, 9_900, 10_050), ctx, ticks(2))).toMatchObject({ price: 9_980 })
    expect(applySlippage(19_990, "buy", { _tag: "ticks", ticks: 2 }, KOSPI, date)).toBe(20_050)
    expect(applySlippage(20_000, "sell", { _tag: "ticks", ticks: 1 }, KOSPI, date)).toBe(19_990)
  })
  it("rounds basis-point slippage onto the ladder, against the trader", () => {
    expect(applySlippage(10_000, "buy", { _tag: "bps", bps: 5 }, KOSPI, date)).toBe(10_010)
    expect(applySlippage(10_000, "sell", { _tag: "bps", bps: 5 }, KOSPI, date)).toBe(9_990)
  })
  it("keeps an off-ladder (adjusted) price within n ticks and lands on the ladder", () => {
    const p = applySlippage(10_003, "buy", { _tag: "ticks", ticks: 1 }, KOSPI, date)
    expect(p).toBe(10_010)
  })
})

describe("protective exits on the pessimistic path", () => {
  const levels = { stopLoss: 9_500 as Won, takeProfit: 10_500 as Won }
  it("resolve a bar that reaches both levels as the stop-loss (low before high)", () => {
    const path = bar(10_000, 10_600, 9_400, 10_200)
    const hit = firstExit(levels, path.prices)
    expect(hit).toEqual({ kind: "stop-loss", index: 1 })
    expect(matchOrder(order("sell", exitOrderType(levels, hit!.kind)), path, ctx, OPEN, hit!.index)).toMatchObject({ price: 9_500 })
  })
  it("take the take-profit when only the high reaches it, and the open on gaps", () => {
    const up = bar(10_000, 10_600, 9_800, 10_200)
    const hit = firstExit(levels, up.prices)
    expect(hit).toEqual({ kind: "take-profit", index: 2 })
    expect(matchOrder(order("sell", exitOrderType(levels, "take-profit")), up, ctx, OPEN, hit!.index)).toMatchObject({ price: 10_500 })
    const gapDown = bar(9_300, 9_600, 9_200, 9_400)
    expect(matchOrder(order("sell", exitOrderType(levels, "stop-loss")), gapDown, ctx, OPEN, firstExit(levels, gapDown.prices)!.index))
      .toMatchObject({ price: 9_300, pointIndex: 0 })
    const gapUp = bar(10_700, 10_800, 10_600, 10_750)
    expect(matchOrder(order("sell", exitOrderType(levels, "take-profit")), gapUp, ctx, OPEN, 0)).toMatchObject({ price: 10_700 })
  })
})
