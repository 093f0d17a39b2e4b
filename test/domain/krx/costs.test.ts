// Tests of KRX trading costs: the dated sell-tax schedule by market and instrument, the settlement-date rule
// at year end (on the KRX calendar), exact flooring to the won, and the flat overrides.
import { fc, test } from "@fast-check/vitest"
import { describe, expect } from "vitest"
import { KRX_CALENDAR } from "../../../src/domain/krx/calendar.js"
import { commission, floorMul, KRX_COSTS, sellTax, sellTaxRate, ZERO_COSTS } from "../../../src/domain/krx/costs.js"
import { type Instrument, ordinaryStock } from "../../../src/domain/Market.js"
import { tradeDate } from "../../../src/domain/Time.js"
import { dateArb } from "../arbitraries.js"

const d = tradeDate
const kospi = ordinaryStock("KOSPI"), kosdaq = ordinaryStock("KOSDAQ"), konex = ordinaryStock("KONEX")
const taxOnSaleTraded = (instrument: Instrument, trade: string) => sellTaxRate(instrument, KRX_CALENDAR.settlementDate(d(trade)))

describe("sell-tax schedule", () => {
  test.each([
    ["2010-06-01", 0.003],
    ["2019-05-29", 0.003],
    ["2019-05-30", 0.0025],
    ["2020-12-31", 0.0025],
    ["2021-01-01", 0.0023],
    ["2022-12-31", 0.0023],
    ["2023-01-02", 0.002],
    ["2024-06-03", 0.0018],
    ["2025-06-02", 0.0015],
    ["2026-01-02", 0.002]
  ])("KOSPI and KOSDAQ stocks settling %s pay %s", (settlement, rate) => {
    expect(sellTaxRate(kospi, d(settlement))).toBe(rate)
    expect(sellTaxRate(kosdaq, d(settlement))).toBe(rate)
  })

  test("KONEX: 0.30 % until 2019-05-29, then 0.10 %", () => {
    expect(sellTaxRate(konex, d("2019-05-29"))).toBe(0.003)
    expect(sellTaxRate(konex, d("2019-05-30"))).toBe(0.001)
    expect(sellTaxRate(konex, d("2026-03-03"))).toBe(0.001)
  })

  test.prop([dateArb(), fc.constantFrom("KOSPI" as const, "KOSDAQ" as const, "KONEX" as const), fc.constantFrom("etf" as const, "etn" as const, "elw" as const)])(
    "funds, notes and warrants pay no sell tax",
    (date, market, kind) => {
      expect(sellTaxRate({ market, kind }, date)).toBe(0)
      expect(sellTax(10_000_000, { market, kind }, date, KRX_COSTS)).toBe(0)
    }
  )

  test("the rate follows the settlement date: the last two trading days of a year pay the next year's rate", () => {
    // 2024: last trading days 12-26, 12-27, 12-30 (12-31 is the year-end closing day)
    expect(taxOnSaleTraded(kospi, "2024-12-26")).toBe(0.0018)
    expect(taxOnSaleTraded(kospi, "2024-12-27")).toBe(0.0015)
    expect(taxOnSaleTraded(kospi, "2024-12-30")).toBe(0.0015)
    // 2025 → 2026, the rate goes back up
    expect(taxOnSaleTraded(kosdaq, "2025-12-26")).toBe(0.0015)
    expect(taxOnSaleTraded(kosdaq, "2025-12-29")).toBe(0.002)
    expect(taxOnSaleTraded(kosdaq, "2025-12-30")).toBe(0.002)
    // 2020 → 2021
    expect(taxOnSaleTraded(kospi, "2020-12-28")).toBe(0.0025)
    expect(taxOnSaleTraded(kospi, "2020-12-29")).toBe(0.0023)
  })
})

describe("charges floor to the won exactly", () => {
  test("decimal products that binary floating point gets wrong", () => {
    expect(20_000 * 0.00015).toBeLessThan(3) // why floorMul exists
    expect(commission(20_000, KRX_COSTS)).toBe(3)
    expect(floorMul(20_000, 0.00015)).toBe(3)
    expect(floorMul(19_999, 0.00015)).toBe(2)
    expect(floorMul(1_000_000, 0.0023)).toBe(2_300)
    expect(floorMul(10_000, 0.0018)).toBe(18)
    expect(floorMul(333, 0.003)).toBe(0)
    expect(sellTax(1_000_000, kospi, d("2025-03-04"), KRX_COSTS)).toBe(1_500)
    expect(sellTax(999_999, kospi, d("2025-03-04"), KRX_COSTS)).toBe(1_499)
  })

  test.prop([fc.integer({ min: 0, max: 1e13 }), fc.integer({ min: 0, max: 50_000 })])(
    "floorMul(amount, rate) is the exact floor of amount × rate for rates with up to 9 decimals",
    (amount, ratePerMillion) => {
      const rate = ratePerMillion / 1e7 // up to 0.5 %, 7 decimals
      const exact = (BigInt(amount) * BigInt(ratePerMillion)) / 10_000_000n
      expect(floorMul(amount, rate)).toBe(Number(exact))
    }
  )

  test("flat overrides and zero costs", () => {
    const flat = { commissionRate: 0.00015, flatTaxRate: 0.002 }
    expect(sellTax(1_000_000, kospi, d("2025-03-04"), flat)).toBe(2_000)
    expect(commission(1_000_000, ZERO_COSTS)).toBe(0)
    expect(sellTax(1_000_000, kospi, d("2025-03-04"), ZERO_COSTS)).toBe(0)
  })
})
