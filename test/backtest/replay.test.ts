// The replay cursor on ragged histories (symbols listing late, skipping days, ending early, bars outside the
// run; symbols sharing one dates array, which advance as a group): after every advance each symbol shows exactly the
// bars dated on or before the day, as barsUpTo counts them.
import { fc, test } from "@fast-check/vitest"
import { expect } from "vitest"
import { barsUpTo, indexDataSet } from "../../src/backtest/asOfView.js"
import { PANEL_MIN_SYMBOLS } from "../../src/backtest/closePanel.js"
import { Replay } from "../../src/backtest/replay.js"
import { tradeDate } from "../../src/domain/Time.js"
import { dataSetOf, randomBars, symbolCode, tradingDays } from "./fixtures.js"

test.prop([fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 })], { numRuns: 30 })(
  "cursor, today's bar and latest close agree with the dates of every symbol",
  (seed, symbols, skipFirst, skipLast) => {
    const all = tradingDays(120)
    const data = dataSetOf(Array.from({ length: symbols }, (_, s) => {
      const dates = all.slice((seed + s * 7) % 30, all.length - ((seed >> 3) + s * 11) % 30).filter((_, i) => (i * (s + 3) + seed) % 9 !== 0)
      return randomBars(symbolCode(s), dates, seed + s)
    }))
    const replay = new Replay(indexDataSet(data), tradeDate(all[skipFirst]!), tradeDate(all[all.length - 1 - skipLast]!))
    const columns = [...data.bars.values()]
    while (replay.advance()) {
      const universeBars = replay.view().universeBars()
      expect(universeBars).toHaveLength(columns.length)
      for (const c of columns) {
        const s = replay.symbol(c.ticker)!
        const n = barsUpTo(c, replay.today)
        expect(universeBars[s]!.length).toBe(n)
        expect(universeBars[s]!.ticker).toBe(c.ticker)
        expect(replay.cursor[s]).toBe(n)
        expect(replay.barToday(s)).toBe(n > 0 && c.dates[n - 1] === replay.today ? n - 1 : -1)
        expect(replay.lastClose(s)).toBe(n > 0 ? c.close[n - 1] : undefined)
        expect(replay.view().bars(c.ticker).length).toBe(n)
      }
    }
  }
)

test.prop([fc.integer({ min: 1, max: 10_000 })], { numRuns: 5 })(
  "on a universe large enough for the close panel, marks and views read the same closes as the columns",
  (seed) => {
    const all = tradingDays(90)
    // Most symbols trade every day; some list late or end early (still in the panel); some skip days (not in it).
    const data = dataSetOf(Array.from({ length: PANEL_MIN_SYMBOLS + 8 }, (_, s) => {
      const dates = s % 5 === 1 ? all.slice(s % 20) : s % 5 === 2 ? all.slice(0, all.length - (s % 17)) : s % 5 === 3 ? all.filter((_, i) => (i + s + seed) % 7 !== 0) : all
      return randomBars(symbolCode(s), dates, seed + s)
    }))
    const replay = new Replay(indexDataSet(data), tradeDate(all[0]!), tradeDate(all[all.length - 1]!))
    const columns = [...data.bars.values()]
    while (replay.advance()) {
      const view = replay.view()
      for (const c of columns) {
        const s = replay.symbol(c.ticker)!
        const n = barsUpTo(c, replay.today)
        expect(replay.lastClose(s)).toBe(n > 0 ? c.close[n - 1] : undefined)
        const series = view.bars(c.ticker)
        for (let i = Math.max(0, n - 3); i < n; i++) expect(series.close(i)).toBe(c.close[i])
        const scanned = view.universeBars()[s]!
        for (let i = Math.max(0, n - 3); i < n; i++) expect([scanned.close(i), scanned.date(i)]).toEqual([c.close[i], c.dates[i]])
      }
    }
  }
)

/** `symbols` on one shared dates array (with three ragged others, if asked), checked after every advance. */
const checkGroup = (seed: number, skipFirst: number, symbols: number, withOthers: boolean) => {
  const all = tradingDays(60)
  const shared = all.filter((_, i) => (i + seed) % 11 !== 0).map(tradeDate)
  const data = dataSetOf(Array.from({ length: symbols + (withOthers ? 3 : 0) }, (_, s) =>
    s < symbols ? { ...randomBars(symbolCode(s), shared, seed + s), dates: shared } : randomBars(symbolCode(s), all.slice(s % 7, all.length - (s % 5)), seed + s)))
  const replay = new Replay(indexDataSet(data), tradeDate(all[skipFirst]!), tradeDate(all[all.length - 1]!))
  const columns = [...data.bars.values()]
  while (replay.advance()) {
    for (const c of columns) {
      const s = replay.symbol(c.ticker)!
      const n = barsUpTo(c, replay.today)
      expect([replay.cursor[s], replay.lastClose(s), replay.barToday(s)])
        .toEqual([n, n > 0 ? c.close[n - 1] : undefined, n > 0 && c.dates[n - 1] === replay.today ? n - 1 : -1])
    }
  }
}

test.prop([fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 0, max: 20 })], { numRuns: 4 })(
  "symbols on one dates array advance as a group, with or without the panel, alone or beside others",
  (seed, skipFirst) => {
    for (const [symbols, withOthers] of [[3, false], [3, true], [PANEL_MIN_SYMBOLS + 2, false], [PANEL_MIN_SYMBOLS + 2, true]] as const) {
      checkGroup(seed, skipFirst, symbols, withOthers)
    }
  }
)

test("a view and its series serve one decision: after the next view both throw instead of showing later bars", () => {
  const all = tradingDays(40)
  const data = dataSetOf([randomBars(symbolCode(0), all, 1), randomBars(symbolCode(1), all, 2)])
  const replay = new Replay(indexDataSet(data), tradeDate(all[0]!), tradeDate(all[all.length - 1]!))
  replay.advance()
  replay.advance()
  const first = replay.view()
  const series = first.bars(symbolCode(0))
  expect(series.length).toBe(2)
  expect(series.close(1)).toBe(data.bars.get(symbolCode(0))!.close[1])
  replay.advance()
  const second = replay.view()
  expect(() => series.close(1)).toThrow(RangeError)
  expect(() => series.closes()).toThrow(RangeError)
  expect(() => first.bars(symbolCode(0))).toThrow(RangeError)
  expect(() => first.universeBars()).toThrow(RangeError)
  expect(second.bars(symbolCode(0)).length).toBe(3)
  expect(second.universeBars().map((b) => b.length)).toEqual([3, 3])
})
