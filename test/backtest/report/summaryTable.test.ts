// The terminal summary: every metric row present, values right-aligned to one column, Korean names measured
// in terminal columns.
import { describe, expect, it } from "vitest"
import { computeMetrics } from "../../../src/backtest/metrics.js"
import { displayWidth } from "../../../src/backtest/report/format.js"
import { metricSections } from "../../../src/backtest/report/metricSections.js"
import { formatSummaryTable } from "../../../src/backtest/report/summaryTable.js"
import { syntheticRun } from "./syntheticRun.js"

describe("formatSummaryTable", () => {
  const { result } = syntheticRun()
  const korean = { ...result, settings: { ...result.settings, strategy: "반사성 전략" } }
  const text = formatSummaryTable(computeMetrics(korean), korean)
  const lines = text.split("\n")
  const rows = lines.filter((l) => l.startsWith("  "))

  it("shows the header, the period and every section", () => {
    expect(lines[1]).toBe("Backtest  반사성 전략")
    expect(text).toContain("Period    2024-01-02 → 2024-07-01 (130 trading days)")
    for (const title of ["Returns", "Risk", "Trades", "Activity and costs"]) expect(lines).toContain(title)
    expect(rows.map((r) => r.trim().split(/ {3,}/)[0])).toEqual(metricSections(computeMetrics(korean)).flatMap((s) => s.rows.map(([label]) => label)))
  })

  it("right-aligns every value to the same terminal column", () => {
    const widths = new Set(rows.map(displayWidth))
    expect(widths.size).toBe(1)
    expect(text).toMatch(/\n {2}Initial cash +₩50,000,000\n/)
    expect(text).toMatch(/\n {2}Total return +[+-]\d+\.\d\d%\n/)
  })

  it("the rules span the widest line", () => {
    const rule = lines[0]!
    expect(rule).toMatch(/^─+$/)
    expect(lines[lines.length - 1]).toBe(rule)
    expect(Math.max(...lines.map(displayWidth))).toBe(displayWidth(rule))
  })
})
