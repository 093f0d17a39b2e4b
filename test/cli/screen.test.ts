// The `screen` command's output: columns aligned in terminal width (Hangul takes two columns), every Graham
// criterion shown with its verdict and numbers, reflexivity stages, and bad params named.
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { displayWidth } from "../../src/backtest/report/format.js"
import { renderTable, screenText } from "../../src/cli/screen.js"
import { tradeDate } from "../../src/domain/Time.js"
import { barsFromCloses, dataSetOf, solidAnnuals, T1, T2 } from "../strategy/fixtures.js"

const solid = solidAnnuals(T1)
const data = dataSetOf(
  [barsFromCloses(T1, Array(300).fill(20_000), { from: "2024-05-01" }), barsFromCloses(T2, Array(300).fill(5_000), { from: "2024-05-01" })],
  solid,
  [{ ticker: T1, shares: 10_000_000, name: "삼성전자" }, { ticker: T2, shares: 1_000_000, name: "Short History Co", market: "KOSDAQ" }]
)
const ASOF = data.bars.get(T1)!.dates[299]!

describe("renderTable", () => {
  it("pads by display width so columns line up after Korean names", () => {
    const out = renderTable(["code", "name", "n"], [["005930", "삼성전자", "1"], ["000660", "SK하이닉스", "22"]], new Set([2]))
    const lines = out.split("\n")
    expect(lines.map(displayWidth)).toEqual(Array(4).fill(displayWidth(lines[1]!)))
    expect(lines[3]).toBe("000660  SK하이닉스  22")
    expect(lines[2]).toBe("005930  삼성전자     1")
  })
})

describe("screenText", () => {
  it("graham: one aligned row per name with each criterion's verdict and numbers", () => {
    const text = Either.getOrThrow(screenText("graham", data, ASOF, {}))
    const lines = text.split("\n")
    expect(lines[0]).toBe(`graham screen as of ${ASOF} (test fixture, 2 symbols), mode defensive`)
    const table = lines.slice(2)
    expect(new Set(table.slice(0, 2).map(displayWidth)).size).toBe(1)
    const [row1, row2] = table.slice(2)
    expect(row1).toContain("삼성전자")
    expect(row1).toContain("✓ CR 3.00≥2, LTD 500억≤NCA 2,000억")
    expect(row1).toContain("✓ P/E 11.1≤15")
    expect(row1).toMatch(/7\/7 .* buy$/)
    // no statements at all: size known, everything else insufficient data
    expect(row2).toContain("✗ cap 50억<1,000억 (KOSDAQ)")
    expect(row2).toContain("? insufficient data: 0/10 years")
    expect(row2).toMatch(/fails$/)
  })

  it("reflexivity: a stage per name", () => {
    const text = Either.getOrThrow(screenText("reflexivity", data, tradeDate(ASOF), {}))
    expect(text.split("\n").slice(4).map((l) => l.split(/\s{2,}/)[2])).toEqual(["none", "none"])
  })

  it("names a bad parameter", () => {
    const bad = screenText("graham", data, ASOF, { minPassing: "zero" })
    expect(Either.isLeft(bad) && bad.left.message).toMatch(/^bad --params for graham: .*minPassing/)
  })
})
