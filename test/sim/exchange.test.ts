// Properties of kis-sim's market and exchange without HTTP: intraday paths stay inside the bar on the tick ladder, and
// any sequence of orders, revisions, cancels and clock moves keeps the books conserved and every order consistent.
import { NodeContext } from "@effect/platform-node"
import { test } from "@fast-check/vitest"
import { Effect, Either, HashMap } from "effect"
import fc from "fast-check"
import { beforeAll, expect } from "vitest"
import { ordinaryStock } from "../../src/domain/Market.js"
import { KRX_CALENDAR } from "../../src/domain/krx/calendar.js"
import { KRX_COSTS } from "../../src/domain/krx/costs.js"
import { sessionScheduleFor } from "../../src/domain/krx/sessions.js"
import { isOnTick } from "../../src/domain/krx/tick.js"
import { realizedPnl } from "../../src/domain/Portfolio.js"
import { type Instant, kstInstant, tradeDate } from "../../src/domain/Time.js"
import { DEMO_ACCOUNT } from "../../src/sim/accounts.js"
import { remainingOf, KisSimExchange } from "../../src/sim/exchange.js"
import { intradayPath } from "../../src/sim/intradayPath.js"
import { MarketReplay } from "../../src/sim/market.js"
import { DEFAULT_SIM_RULES } from "../../src/sim/server.js"
import { testDataSet } from "./support/simHarness.js"

const KOSPI = ordinaryStock("KOSPI")
const DAY = tradeDate("2024-03-04")

/** A valid daily bar on the tick ladder: low ≤ open, close ≤ high. */
const barArb = fc.integer({ min: 1_000, max: 400_000 }).chain((mid) => {
  const snap = (p: number) => {
    let x = Math.max(1, Math.round(p))
    while (!isOnTick(x, KOSPI, DAY)) x--
    return x
  }
  return fc.tuple(fc.double({ min: 0, max: 0.3, noNaN: true }), fc.double({ min: 0, max: 0.3, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 5_000_000 }))
    .map(([up, down, o, c, volume]) => {
      const high = snap(mid * (1 + up)), low = snap(mid * (1 - down))
      const between = (f: number) => snap(low + (high - low) * f)
      return { open: Math.max(low, between(o)), close: Math.max(low, between(c)), high, low, volume }
    })
})

test.prop([barArb])("an intraday path starts at the open, ends at the close, stays in [low, high] on the ladder and visits both extremes", (bar) => {
  const path = intradayPath(bar, sessionScheduleFor(DAY, KRX_CALENDAR), KOSPI)
  const prices = [...path.prices]
  expect(prices[0]).toBe(bar.open)
  expect(prices[path.closingAuctionIndex]).toBe(bar.close)
  expect(prices.every((p) => p >= bar.low && p <= bar.high && isOnTick(p, KOSPI, DAY))).toBe(true)
  expect(Math.max(...prices)).toBe(bar.high)
  expect(Math.min(...prices)).toBe(bar.low)
  expect([...path.times].every((t, i, ts) => i === 0 || t > ts[i - 1]!)).toBe(true)
  expect(path.times[0]).toBe(kstInstant(DAY, "090000"))
  expect(path.times[path.closingAuctionIndex]).toBe(kstInstant(DAY, "153000"))
  expect([...path.volumes].reduce((a, b) => a + b, 0)).toBeCloseTo(bar.volume, 3)
})

let market: MarketReplay
beforeAll(async () => {
  market = new MarketReplay(await Effect.runPromise(testDataSet().pipe(Effect.provide(NodeContext.layer))))
})

type Step =
  | { readonly _tag: "order"; readonly ticker: string; readonly side: "buy" | "sell"; readonly division: string; readonly qty: number; readonly ticks: number }
  | { readonly _tag: "cancel" | "revise"; readonly pick: number; readonly qty: number; readonly all: boolean; readonly ticks: number }
  | { readonly _tag: "wait"; readonly minutes: number }

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    _tag: fc.constant("order" as const), ticker: fc.constantFrom("SYN001", "SYN002", "SYN003"), side: fc.constantFrom("buy" as const, "sell" as const),
    division: fc.constantFrom("00", "01", "03", "11", "12", "13"), qty: fc.integer({ min: 1, max: 400 }), ticks: fc.integer({ min: -15, max: 15 })
  }),
  fc.record({ _tag: fc.constantFrom("cancel" as const, "revise" as const), pick: fc.nat(), qty: fc.integer({ min: 1, max: 50 }), all: fc.boolean(), ticks: fc.integer({ min: -15, max: 15 }) }),
  fc.record({ _tag: fc.constant("wait" as const), minutes: fc.integer({ min: 1, max: 120 }) })
)

test.prop([fc.array(stepArb, { maxLength: 40 })], { numRuns: 60 })(
  "cash + cost basis − realized P&L + fees + taxes is conserved; no negative cash or position; fills add up per order",
  (steps) => {
    const ex = new KisSimExchange(market, [{ ...DEMO_ACCOUNT, cash: 20_000_000 }], { profile: "real", rules: DEFAULT_SIM_RULES, costs: KRX_COSTS }, kstInstant(DAY, "083000"))
    const account = ex.accountOfAppKey(DEMO_ACCOUNT.appKey)!
    const priceFor = (ticker: string, ticks: number) => {
      const day = market.day(ticker, ex.today)!
      const px = market.snapshot(day, ex.now).price
      let p = px + ticks * 10
      while (!isOnTick(p, day.info.instrument, day.date) && p > 1) p--
      return p
    }
    for (const step of steps) {
      if (step._tag === "wait") ex.advanceTo(Math.min(ex.now + step.minutes * 60_000, kstInstant(DAY, "160000")) as Instant)
      else if (step._tag === "order") {
        ex.submit(account, { ticker: step.ticker, side: step.side, division: step.division, quantity: String(step.qty), price: String(priceFor(step.ticker, step.ticks)) })
      } else {
        const open = ex.openOrdersOf(account)
        const target = open[step.pick % Math.max(1, open.length)]
        if (target === undefined) continue
        const result = ex.reviseOrCancel(account, {
          originalOdno: target.odno, action: step._tag, quantity: String(step.qty), all: step.all, division: "00",
          price: String(priceFor(target.ticker, step.ticks))
        })
        if (Either.isRight(result)) expect(Number(result.right.odno)).toBeGreaterThan(Number(target.odno))
      }
      const book = account.book
      const cost = HashMap.reduce(book.positions, 0, (a, p) => a + p.costBasis)
      expect(book.cash + cost - realizedPnl(book) + book.commissionsPaid + book.taxesPaid).toBe(20_000_000)
      expect(book.cash).toBeGreaterThanOrEqual(0)
      expect(HashMap.every(book.positions, (p) => p.quantity > 0)).toBe(true)
    }
    for (const o of ex.orders) {
      expect(remainingOf(o)).toBeGreaterThanOrEqual(0)
      const filled = ex.fills.filter((f) => f.odno === o.odno).reduce((a, f) => a + f.quantity, 0)
      expect(filled).toBe(o.filled)
    }
  }
)
