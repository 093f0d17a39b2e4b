// The day-major close panel: every symbol whose bars fall on consecutive calendar dates is copied into its rows
// exactly, the others are left out (and read their own columns), and small universes get no panel at all; runs over
// the same universe share one panel, any other universe gets its own.
import { fc, test } from "@fast-check/vitest"
import { expect } from "vitest"
import { buildClosePanel, closePanelOf, PANEL_MIN_SYMBOLS } from "../../src/backtest/closePanel.js"
import { randomBars, symbolCode, tradingDays } from "./fixtures.js"

test("a universe below the threshold gets no panel", () => {
  const dates = tradingDays(10)
  expect(buildClosePanel(Array.from({ length: PANEL_MIN_SYMBOLS - 1 }, (_, s) => randomBars(symbolCode(s), dates, s)))).toBeUndefined()
})

test.prop([fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 0, max: 20 })], { numRuns: 20 })(
  "consecutive histories are copied cell for cell; histories with gaps are left out",
  (seed, extra) => {
    const all = tradingDays(60)
    const columns = Array.from({ length: PANEL_MIN_SYMBOLS + extra }, (_, s) => {
      const kind = (s + seed) % 4
      const dates = kind === 0 ? all : kind === 1 ? all.slice(s % 25) : kind === 2 ? all.slice(0, 60 - (s % 25)) : all.filter((_, i) => i % (3 + (s % 4)) !== 1)
      return randomBars(symbolCode(s), dates, seed + s)
    })
    const panel = buildClosePanel(columns)!
    expect(panel.width).toBe(columns.length)
    columns.forEach((c, s) => {
      const row = panel.firstRow[s]!
      if ((s + seed) % 4 === 3) return expect(row).toBe(-1)
      expect(row).toBe(all.indexOf(c.dates[0]!))
      for (let i = 0; i < c.length; i++) expect(panel.values[(row + i) * panel.width + s]).toBe(c.close[i])
    })
  }
)

test("runs over the same columns share one panel; another universe over the same first column gets its own", () => {
  const dates = tradingDays(40)
  const columns = Array.from({ length: PANEL_MIN_SYMBOLS + 1 }, (_, s) => randomBars(symbolCode(s), dates, s))
  const first = closePanelOf(columns)!
  expect(closePanelOf([...columns])).toBe(first)
  const fewer = closePanelOf(columns.slice(0, -1))!
  expect(fewer).not.toBe(first)
  expect(fewer.width).toBe(PANEL_MIN_SYMBOLS)
  const swapped = [columns[0]!, columns[2]!, columns[1]!, ...columns.slice(3)]
  const other = closePanelOf(swapped)!
  expect(other).not.toBe(first)
  expect(other.values[1]).toBe(columns[2]!.close[0])
  expect(closePanelOf(columns.slice(0, PANEL_MIN_SYMBOLS - 1))).toBeUndefined()
})
