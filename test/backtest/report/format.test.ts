// Number formatting: won with separators, signed percentages, n/a for undefined figures, terminal widths.
import { describe, expect, it } from "vitest"
import { displayWidth, formatCount, formatPct, formatQuantity, formatRatio, formatSignedPct, formatWon } from "../../../src/backtest/report/format.js"

describe("format", () => {
  it("won with thousands separators, rounded, sign before the symbol", () => {
    expect(formatWon(12_345_678)).toBe("₩12,345,678")
    expect(formatWon(-1_234.6)).toBe("-₩1,235")
    expect(formatWon(0)).toBe("₩0")
    expect(formatWon(null)).toBe("n/a")
  })
  it("percentages carry a sign; a value that rounds to zero has none", () => {
    expect(formatSignedPct(0.1234)).toBe("+12.34%")
    expect(formatSignedPct(-0.031)).toBe("-3.10%")
    expect(formatSignedPct(-0.00001)).toBe("0.00%")
    expect(formatSignedPct(0.0456, 1)).toBe("+4.6%")
    expect(formatSignedPct(null)).toBe("n/a")
    expect(formatPct(0.553)).toBe("55.3%")
  })
  it("ratios and counts", () => {
    expect(formatRatio(1234.5678)).toBe("1,234.57")
    expect(formatRatio(-0.5)).toBe("-0.50")
    expect(formatRatio(null)).toBe("n/a")
    expect(formatCount(1_234_567)).toBe("1,234,567")
    expect(formatQuantity(1, "trading day")).toBe("1 trading day")
    expect(formatQuantity(1_234, "fill")).toBe("1,234 fills")
  })
  it("Hangul takes two terminal columns, ₩ and ASCII one", () => {
    expect(displayWidth("삼성전자")).toBe(8)
    expect(displayWidth("SK하이닉스")).toBe(10)
    expect(displayWidth("₩1,000")).toBe(6)
  })
})
