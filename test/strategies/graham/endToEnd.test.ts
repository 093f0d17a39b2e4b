// Graham end to end on the shipped sample data (documented defaults produce trades; decisions before a date do
// not depend on data after it) and on the shared real KRX set.
import { describe, expect, it } from "vitest"
import { tradeDate } from "../../../src/domain/Time.js"
import graham from "../../../strategies/graham/index.js"
import { runStrategyOn } from "../../strategy/runStrategy.js"
import { describeShared, sharedPath } from "../../support/shared.js"

const RANGE = { from: tradeDate("2016-01-01"), to: tradeDate("2018-12-31") }

describe("graham on the sample data", () => {
  let fullRun: ReturnType<typeof runStrategyOn> | undefined
  const full = () => (fullRun ??= runStrategyOn("data", graham, {}, RANGE))
  it("trades with the default params, buying first and selling only what it held", async () => {
    const r = await full()
    expect(r.fills.length).toBeGreaterThan(5)
    expect(r.fills.some((f) => f.side === "sell")).toBe(true)
    const held = new Map<string, number>()
    for (const f of r.fills) {
      const q = (held.get(f.ticker) ?? 0) + (f.side === "buy" ? f.quantity : -f.quantity)
      expect(q).toBeGreaterThanOrEqual(0)
      held.set(f.ticker, q)
    }
    // every order is a graham decision, except a buy whose rest the cash could not cover at the fill price
    const fromGraham = (o: (typeof r.orders)[number]) => /^(graham defensive: score|fails screen|above valuation|ranked below)/.test(o.reason ?? "")
    const cashShortBuy = (o: (typeof r.orders)[number]) => o.side === "buy" && /^not enough cash for the rest at \d+ won$/.test(o.reason ?? "")
    const unexplained = r.orders.filter((o) => !fromGraham(o) && !cashShortBuy(o))
    expect(unexplained.map((o) => `${o.decidedOn} ${o.ticker} ${o.reason}`)).toEqual([])
  })

  it("orders decided up to a date are the same when the data stops at that date", async () => {
    const cut = tradeDate("2017-09-30")
    const whole = await full()
    const truncated = await runStrategyOn("data", graham, {}, { from: RANGE.from, to: cut, loadTo: cut })
    // Decisions at the truncated run's last close have no next bar to fill on and are dropped by design.
    const lastDay = truncated.equity.at(-1)?.date ?? cut
    const upTo = (orders: typeof whole.orders) => orders.filter((o) => o.decidedOn < lastDay).map((o) => [o.decidedOn, o.ticker, o.side, o.quantity])
    expect(upTo(truncated.orders).length).toBeGreaterThan(0)
    expect(upTo(truncated.orders)).toEqual(upTo(whole.orders))
  })
})

describeShared("graham on the real KRX set", () => {
  it("runs in both modes over the shared history; the defensive screen finds names to buy", async () => {
    for (const mode of ["defensive", "netnet"]) {
      const r = await runStrategyOn(sharedPath("data", "krx"), graham, { mode }, { from: tradeDate("2018-01-01"), to: tradeDate("2021-12-31") })
      expect(r.equity.length).toBeGreaterThan(900)
      expect(r.equity.every((p) => Number.isFinite(p.equity) && p.equity > 0)).toBe(true)
      if (mode === "defensive") expect(r.fills.filter((f) => f.side === "buy").length).toBeGreaterThan(0)
    }
  })
})
