// Reflexivity end to end on the shipped sample data (trades, stage annotations for the report, decisions before
// a date independent of later data) and on the shared real KRX set.
import { describe, expect, it } from "vitest"
import { tradeDate } from "../../../src/domain/Time.js"
import { STAGES } from "../../../strategies/reflexivity/cycle.js"
import reflexivity from "../../../strategies/reflexivity/index.js"
import { runStrategyOn } from "../../strategy/runStrategy.js"
import { describeShared, sharedPath } from "../../support/shared.js"

const RANGE = { from: tradeDate("2017-01-01"), to: tradeDate("2018-12-31") }

describe("reflexivity on the sample data", () => {
  let fullRun: ReturnType<typeof runStrategyOn> | undefined
  const full = () => (fullRun ??= runStrategyOn("data", reflexivity, {}, RANGE))
  it("trades, exits only on invalidation, and annotates a stage for every name and day", async () => {
    const r = await full()
    expect(r.fills.filter((f) => f.side === "buy").length).toBeGreaterThan(0)
    const filled = r.orders.filter((o) => o.state === "filled")
    expect(filled.every((o) => /^(inception|acceleration|testing): asymmetry|^thesis invalidated: /.test(o.reason ?? ""))).toBe(true)
    // entries never ask for more than the cash there is
    expect(r.orders.filter((o) => o.reason?.startsWith("not enough cash"))).toEqual([])
    const stages = r.annotations.filter((a) => a.series === "stage")
    expect(new Set(stages.map((a) => a.date)).size).toBeGreaterThanOrEqual(r.equity.length - 1)
    expect(stages.length).toBeGreaterThan(0.9 * r.equity.length * r.settings.symbols.length)
    expect(stages.every((a) => (STAGES as ReadonlyArray<unknown>).includes(a.value))).toBe(true)
    expect(new Set(stages.map((a) => a.value)).size).toBeGreaterThanOrEqual(5)
  })

  it("orders decided up to a date are the same when the data stops at that date", async () => {
    const cut = tradeDate("2018-03-30")
    const whole = await full()
    const truncated = await runStrategyOn("data", reflexivity, {}, { from: RANGE.from, to: cut, loadTo: cut })
    const upTo = (orders: typeof whole.orders) => orders.filter((o) => o.decidedOn < cut).map((o) => [o.decidedOn, o.ticker, o.side, o.quantity])
    expect(upTo(truncated.orders).length).toBeGreaterThan(0)
    expect(upTo(truncated.orders)).toEqual(upTo(whole.orders))
  })
})

describeShared("reflexivity on the real KRX set", () => {
  it("detects stages and trades over the shared history", async () => {
    const r = await runStrategyOn(sharedPath("data", "krx"), reflexivity, {}, { from: tradeDate("2019-01-01"), to: tradeDate("2021-12-31") })
    expect(r.equity.every((p) => Number.isFinite(p.equity) && p.equity > 0)).toBe(true)
    expect(r.fills.length).toBeGreaterThan(0)
    expect(new Set(r.annotations.map((a) => a.value)).size).toBeGreaterThanOrEqual(4)
  })
})
