// Engine invariants on generated histories: no look-ahead (cutting the data at any day changes no earlier
// decision, fill or equity point), and money is conserved (cash and equity follow from the fills alone).
import { fc, test } from "@fast-check/vitest"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import type { BacktestResult } from "../../src/backtest/BacktestResult.js"
import { REALISTIC_RULES } from "../../src/backtest/matching/matchOrder.js"
import { KRX_COSTS } from "../../src/domain/krx/costs.js"
import smaCross from "../../strategies/sma-cross/index.js"
import { BACKTEST_RISK_LIMITS } from "../../src/backtest/options.js"
import { runBacktest } from "../../src/backtest/runBacktest.js"
import { tradeDate } from "../../src/domain/Time.js"
import { backtestConfig, cutAt, generatedDataSet, randomTrader, recording, rewriteAfter, runSync, simSettings } from "./fixtures.js"

const REALISTIC = simSettings(KRX_COSTS, { ...REALISTIC_RULES, slippage: { _tag: "ticks", ticks: 1 } })

describe("look-ahead", () => {
  const setup = (seed: number, cut: number, useSma: boolean) => {
    const data = generatedDataSet(3, 120, seed)
    const days = [...data.bars.values()][0]!.dates
    return { data, days, last: days[cut]!, base: useSma ? smaCross : randomTrader, params: useSma ? { fast: 3, slow: 8 } : {} }
  }
  const upTo = <T extends { readonly date: string }>(xs: ReadonlyArray<T>, until: string) => xs.filter((x) => x.date <= until)
  const arbitraries: [fc.Arbitrary<number>, fc.Arbitrary<number>, fc.Arbitrary<boolean>, fc.Arbitrary<"next-open" | "close">] =
    [fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 5, max: 115 }), fc.boolean(), fc.constantFrom("next-open", "close")]

  test.prop(arbitraries, { numRuns: 15 })(
    "a run on data cut at any day makes the same decisions, fills and equity up to that day",
    (seed, cut, useSma, fill) => {
      const { data, days, last, base, params } = setup(seed, cut, useSma)
      const sim = { ...REALISTIC, fill }
      const full = recording(base)
      const part = recording(base)
      const a = runSync(data, backtestConfig(full.strategy, params, sim))
      const b = runSync(cutAt(data, last), backtestConfig(part.strategy, params, sim))
      for (const [asOf, decisions] of part.calls) expect(full.calls.get(asOf), asOf).toBe(decisions)
      expect(part.calls.size).toBe(cut)
      // No decision is made on a run's last day, so with close fills the cut day's own close fills are absent.
      const until = fill === "close" ? days[cut - 1]! : last
      expect(upTo(b.fills, until)).toEqual(upTo(a.fills, until))
      expect(upTo(b.equity, until)).toEqual(upTo(a.equity, until))
      expect(b.equity).toHaveLength(cut + 1)
    }
  )

  test.prop(arbitraries, { numRuns: 15 })(
    "rewriting every bar after a day changes no decision, fill or equity point up to that day",
    (seed, cut, useSma, fill) => {
      const { data, last, base, params } = setup(seed, cut, useSma)
      const sim = { ...REALISTIC, fill }
      const original = recording(base)
      const rewritten = recording(base)
      const a = runSync(data, backtestConfig(original.strategy, params, sim))
      const b = runSync(rewriteAfter(data, last, seed), backtestConfig(rewritten.strategy, params, sim))
      for (const [asOf, decisions] of original.calls) if (asOf <= last) expect(rewritten.calls.get(asOf), asOf).toBe(decisions)
      expect(upTo(b.fills, last)).toEqual(upTo(a.fills, last))
      expect(upTo(b.equity, last).map((p) => p.equity)).toEqual(upTo(a.equity, last).map((p) => p.equity))
    }
  )
})

/** Cash and holdings rebuilt from the fills alone, day by day, must match the equity curve exactly. */
const checkConservation = (result: BacktestResult, closeOn: (ticker: string, date: string) => number | undefined) => {
  let cash = result.settings.initialCash as number
  const held = new Map<string, number>()
  let f = 0
  for (const point of result.equity) {
    while (f < result.fills.length && result.fills[f]!.date <= point.date) {
      const x = result.fills[f++]!
      const notional = x.quantity * x.price
      const q = (held.get(x.ticker) ?? 0) + (x.side === "buy" ? x.quantity : -x.quantity)
      expect(q, `${x.ticker} on ${x.date}`).toBeGreaterThanOrEqual(0)
      held.set(x.ticker, q)
      cash += x.side === "buy" ? -notional - x.commission : notional - x.commission - x.tax
      expect(Number.isInteger(x.price) && Number.isInteger(x.commission) && Number.isInteger(x.tax)).toBe(true)
    }
    expect(point.cash, point.date).toBe(cash)
    expect(cash).toBeGreaterThanOrEqual(0)
    let value = cash
    for (const [t, q] of held) value += q * (closeOn(t, point.date) ?? 0)
    expect(point.equity, point.date).toBe(value)
  }
  expect(f).toBe(result.fills.length)
}

describe("SimBroker accounting", () => {
  test.prop([fc.integer({ min: 1, max: 10_000 }), fc.constantFrom<"keep" | "cancel">("keep", "cancel"), fc.constantFrom<"next-open" | "close">("next-open", "close")], { numRuns: 20 })(
    "cash and equity change only by fills, commissions and taxes",
    (seed, remainder, fill) => {
      const data = generatedDataSet(4, 150, seed)
      const closeOn = (t: string, date: string) => {
        const c = data.bars.get(t as never)!
        let i = -1
        while (i + 1 < c.length && c.dates[i + 1]! <= date) i++
        return i < 0 ? undefined : c.close[i]
      }
      const result = runSync(data, backtestConfig(randomTrader, {}, { ...REALISTIC, remainder, fill }))
      expect(result.fills.length).toBeGreaterThan(10)
      checkConservation(result, closeOn)
      // Every order ends in a final state and its fills add up.
      for (const o of result.orders) {
        expect(["filled", "cancelled"]).toContain(o.state)
        const filled = result.fills.filter((x) => x.orderId === o.id).reduce((s, x) => s + x.quantity, 0)
        expect(filled).toBe(o.filledQuantity)
      }
    }
  )

  it("exercises exits, partial fills and cancelled remainders", () => {
    const result = runSync(generatedDataSet(4, 250, 42), backtestConfig(randomTrader, {}, { ...REALISTIC, remainder: "cancel" }))
    const reasons = new Set(result.orders.map((o) => o.reason))
    expect(reasons.has("stop-loss") || reasons.has("take-profit")).toBe(true)
    expect(result.orders.some((o) => o.state === "cancelled" && o.filledQuantity > 0)).toBe(true)
  })
})

describe("risk rules in a backtest", () => {
  it("refuse orders that break a limit and record why, without touching the book", () => {
    const data = generatedDataSet(3, 200, 9)
    const params = { fast: 3, slow: 8 }
    const free = runSync(data, backtestConfig(smaCross, params, REALISTIC))
    const capped = runSync(data, backtestConfig(smaCross, params, REALISTIC, { riskLimits: { ...BACKTEST_RISK_LIMITS, maxPositionPct: 10 } }))
    const refused = capped.orders.filter((o) => o.state === "rejected")
    expect(refused.length).toBeGreaterThan(0)
    expect(refused[0]!.reason).toMatch(/cap/)
    expect(capped.fills.filter((f) => f.side === "buy").length).toBeLessThan(free.fills.filter((f) => f.side === "buy").length)
    for (const f of capped.fills) expect(refused.some((o) => o.id === f.orderId)).toBe(false)
  })
})

describe("a run that cannot start", () => {
  it("names the range asked for and keeps a large universe to one line", () => {
    const data = generatedDataSet(40, 30, 7)
    const run = Effect.runSync(Effect.flip(runBacktest(data, backtestConfig(smaCross, { fast: 3, slow: 8 }, REALISTIC, { from: tradeDate("2099-01-02") }))))
    expect(run._tag).toBe("BacktestSetupError")
    expect(run.message).toMatch(/^no trading day of \d{6}, \d{6}, \d{6} … \d{6} \(40 symbols\) from 2099-01-02$/)
  })
})
