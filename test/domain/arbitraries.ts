// fast-check generators for domain values shared by the domain tests: instruments, KST dates, ladder prices.
import { fc } from "@fast-check/vitest"
import type { Instrument } from "../../src/domain/Market.js"
import { addDays, type TradeDate, tradeDate } from "../../src/domain/Time.js"

export const instrumentArb: fc.Arbitrary<Instrument> = fc.record({
  market: fc.constantFrom("KOSPI" as const, "KOSDAQ" as const, "KONEX" as const),
  kind: fc.constantFrom("stock" as const, "etf" as const, "etn" as const, "elw" as const)
})

/** Any date from `first` to `last` inclusive (defaults span both tick ladders). */
export const dateArb = (first = "2010-01-01", last = "2026-12-31"): fc.Arbitrary<TradeDate> => {
  const days = Math.round((Date.parse(last) - Date.parse(first)) / 86_400_000)
  return fc.integer({ min: 0, max: days }).map((n) => addDays(tradeDate(first), n))
}

/** Prices across every ladder band, integers and fractions (slippage produces fractions). */
export const priceArb: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: 1, max: 3_000_000 }),
  fc.double({ min: 1, max: 3_000_000, noNaN: true }),
  fc.constantFrom(999, 1_000, 1_001, 1_999, 2_000, 4_995, 5_000, 9_990, 10_000, 19_990, 20_000, 49_950, 50_000,
    99_900, 100_000, 199_900, 200_000, 499_500, 500_000, 501_000)
)
