// Parameters of the Graham strategy, each with its default (see README.md for why these values on KRX).
// Decoded from a config object or from `--params k=v` strings.
import { Schema } from "effect"
import { SCHEDULES, intParam, literalParam, numberParam } from "../../src/strategy/params.js"

const positive = (n: number) => n > 0
const fraction = (n: number) => n > 0 && n <= 1

export const GrahamParams = Schema.Struct({
  /** `defensive`: the seven criteria; `netnet`: price below a fraction of net current asset value. */
  mode: literalParam(["defensive", "netnet"], "defensive"),
  rebalance: literalParam(SCHEDULES, "quarterly"),
  /** Defensive mode: how many of the seven criteria must pass (unknown does not count as passed). */
  minPassing: intParam(4, 1),

  /** 1. Adequate size: market capitalisation in won, by market (KONEX uses the KOSDAQ threshold). */
  minMarketCapKospi: numberParam(200_000_000_000, positive, "expected won > 0"),
  minMarketCapKosdaq: numberParam(100_000_000_000, positive, "expected won > 0"),
  /** 2. Strong financial condition: current ratio, and long-term debt ≤ this multiple of net current assets. */
  minCurrentRatio: numberParam(2, positive, "expected > 0"),
  maxLongTermDebtToNetCurrentAssets: numberParam(1, positive, "expected > 0"),
  /** 3. Earnings stability: positive net income in each of the last N fiscal years. */
  earningsYears: intParam(10, 1),
  /** 4. Dividend record: a dividend paid for each of the last M fiscal years. */
  dividendYears: intParam(10, 1),
  /** 5. Earnings growth over `growthYears`, comparing `averageYears`-year averages at both ends. */
  growthYears: intParam(10, 2),
  minEarningsGrowth: numberParam(0.33),
  /** 6/7. Years averaged for the earnings of P/E and of the Graham number. */
  averageYears: intParam(3, 1),
  maxPe: numberParam(15, positive, "expected > 0"),
  maxPb: numberParam(1.5, positive, "expected > 0"),
  maxPeTimesPb: numberParam(22.5, positive, "expected > 0"),

  /** Net-net: liquidation value = current assets × a + non-current assets × b − total liabilities. */
  netnetCurrentAssetsFactor: numberParam(1, (n) => n >= 0 && n <= 1, "expected 0..1"),
  netnetNonCurrentAssetsFactor: numberParam(0, (n) => n >= 0 && n <= 1, "expected 0..1"),
  /** Buy below this fraction of liquidation value (Graham: two thirds). */
  netnetMaxPriceToNcav: numberParam(2 / 3, positive, "expected > 0"),
  /** Net-net exit: sell once the price reaches this multiple of liquidation value. */
  netnetExitPriceToNcav: numberParam(1, positive, "expected > 0"),
  /** Defensive exit: sell once the price exceeds this multiple of the Graham number. */
  grahamNumberExitMultiple: numberParam(1.2, positive, "expected > 0"),

  weighting: literalParam(["equal", "score"], "equal"),
  maxNames: intParam(10, 1),
  /** Largest weight of one name, as a fraction of equity (the engine's risk rules cap again). */
  maxWeight: numberParam(0.2, fraction, "expected 0 < x ≤ 1"),
  /** Fraction of equity invested across the selected names. */
  investedFraction: numberParam(0.95, fraction, "expected 0 < x ≤ 1")
})
export type GrahamParams = typeof GrahamParams.Type

/** Every param at its default. */
export const defaultGrahamParams: GrahamParams = Schema.decodeUnknownSync(GrahamParams)({})
