// Each Graham criterion on hand-built statements with known answers: pass, fail and insufficient data.
import { describe, expect, it } from "vitest"
import type { FinancialStatement } from "../../../src/domain/Fundamentals.js"
import type { Market } from "../../../src/domain/Market.js"
import { tradeDate } from "../../../src/domain/Time.js"
import {
  dividendCriterion,
  financialCriterion,
  grahamInputs,
  grahamNumber,
  growthCriterion,
  netCurrentAssetValue,
  netnetCriterion,
  pbCriterion,
  peCriterion,
  sizeCriterion,
  stabilityCriterion
} from "../../../strategies/graham/criteria.js"
import { defaultGrahamParams as P, type GrahamParams } from "../../../strategies/graham/params.js"
import { annuals, statement, T1 } from "../../strategy/fixtures.js"

const ASOF = tradeDate("2025-06-30")
const SHARES = 10_000_000
const inputs = (list: ReadonlyArray<FinancialStatement>, price: number | undefined = 10_000, market: Market = "KOSPI", shares: number | "none" = SHARES) =>
  grahamInputs(list, ASOF, market, price, shares === "none" ? undefined : shares)
const params = (over: Partial<GrahamParams> = {}): GrahamParams => ({ ...P, ...over })

/** Ten profitable years 2015–2024 with a dividend each year; net income grows from 100억 to 190억. */
const steady = (over: (y: number) => Partial<FinancialStatement> = () => ({})) =>
  annuals(T1, 2015, 2024, (y) => ({ netIncome: (10 + (y - 2015)) * 1e9, dividendPerShare: 100, ...over(y) }))

describe("1. adequate size", () => {
  it("passes at the KOSPI threshold, fails below it, uses the KOSDAQ threshold on KOSDAQ", () => {
    // market cap = 20,000 × 10M = 2,000억 = the KOSPI default exactly
    expect(sizeCriterion(inputs([], 20_000), P).status).toBe("pass")
    expect(sizeCriterion(inputs([], 19_999), P).status).toBe("fail")
    expect(sizeCriterion(inputs([], 10_000, "KOSDAQ"), P).status).toBe("pass")
    expect(sizeCriterion(inputs([], 9_999, "KOSDAQ"), P).detail).toContain("KOSDAQ")
  })
  it("is unknown without a share count or a price", () => {
    expect(sizeCriterion(inputs([], 20_000, "KOSPI", "none"), P)).toMatchObject({ status: "unknown", detail: "no share count" })
    expect(sizeCriterion(grahamInputs([], ASOF, "KOSPI", undefined, SHARES), P)).toMatchObject({ status: "unknown", detail: "no price" })
  })
  it("falls back to the latest statement's share count", () => {
    const list = [statement(T1, "2024-12-31", { sharesOutstanding: SHARES })]
    expect(sizeCriterion(inputs(list, 20_000, "KOSPI", "none"), P).status).toBe("pass")
  })
})

describe("2. strong financial condition", () => {
  const bs = (f: Partial<FinancialStatement>) => inputs([statement(T1, "2024-12-31", f)])
  it("passes with current ratio ≥ 2 and long-term debt ≤ net current assets", () => {
    const r = financialCriterion(bs({ currentAssets: 300, currentLiabilities: 100, longTermLiabilities: 200 }), P)
    expect(r.status).toBe("pass")
    expect(r.detail).toContain("CR 3.00≥2")
  })
  it("fails on a current ratio below 2, or on debt above net current assets", () => {
    expect(financialCriterion(bs({ currentAssets: 199, currentLiabilities: 100, longTermLiabilities: 0 }), P).status).toBe("fail")
    expect(financialCriterion(bs({ currentAssets: 300, currentLiabilities: 100, longTermLiabilities: 201 }), P).status).toBe("fail")
  })
  it("derives long-term debt as total − current liabilities when absent", () => {
    expect(financialCriterion(bs({ currentAssets: 300, currentLiabilities: 100, totalLiabilities: 301 }), P).status).toBe("fail")
    expect(financialCriterion(bs({ currentAssets: 300, currentLiabilities: 100, totalLiabilities: 300 }), P).status).toBe("pass")
  })
  it("is unknown without the amounts, but a known failing part still fails", () => {
    expect(financialCriterion(inputs([]), P).status).toBe("unknown")
    expect(financialCriterion(bs({ currentAssets: 300, currentLiabilities: 100 }), P).status).toBe("unknown")
    expect(financialCriterion(bs({ currentAssets: 150, currentLiabilities: 100 }), P).status).toBe("fail")
  })
  it("reads the latest balance sheet known at the date, not one published later", () => {
    const old = statement(T1, "2023-12-31", { currentAssets: 300, currentLiabilities: 100, longTermLiabilities: 0 })
    const unpublished = statement(T1, "2025-03-31", { availableFrom: tradeDate("2025-07-01"), currentAssets: 1, currentLiabilities: 100, longTermLiabilities: 0 })
    expect(financialCriterion(inputs([old, unpublished]), P).status).toBe("pass")
  })
})

describe("3. earnings stability", () => {
  it("passes with a profit in each of the last 10 years", () => {
    expect(stabilityCriterion(inputs(steady()), P)).toMatchObject({ status: "pass", detail: "10/10 years (2015-2024)" })
  })
  it("fails on a loss in any of them", () => {
    expect(stabilityCriterion(inputs(steady((y) => (y === 2019 ? { netIncome: -1 } : {}))), P)).toMatchObject({ status: "fail", detail: "loss in 2019" })
  })
  it("is insufficient data with fewer years, unless a known year already fails", () => {
    const short = steady().slice(-6)
    expect(stabilityCriterion(inputs(short), P)).toMatchObject({ status: "unknown", detail: "insufficient data: 6/10 years" })
    expect(stabilityCriterion(inputs(short), params({ earningsYears: 6 })).status).toBe("pass")
    expect(stabilityCriterion(inputs(steady((y) => (y === 2024 ? { netIncome: 0 } : {})).slice(-3)), P).status).toBe("fail")
  })
  it("counts only years already published at the date", () => {
    const withUnpublished = [...steady().slice(-9), statement(T1, "2025-03-31", { availableFrom: tradeDate("2025-07-01"), netIncome: 5 })]
    expect(stabilityCriterion(inputs(withUnpublished), P).status).toBe("unknown")
  })
})

describe("4. dividend record", () => {
  it("passes with a dividend every year, fails on a skipped one, unknown when short or unreported", () => {
    expect(dividendCriterion(inputs(steady()), P).status).toBe("pass")
    expect(dividendCriterion(inputs(steady((y) => (y === 2022 ? { dividendPerShare: 0 } : {}))), P).status).toBe("fail")
    expect(dividendCriterion(inputs(steady().slice(-4)), P).status).toBe("unknown")
    expect(dividendCriterion(inputs(steady((y) => (y === 2016 ? { dividendPerShare: undefined } : {}))), P).status).toBe("unknown")
  })
})

describe("5. earnings growth", () => {
  it("compares three-year averages at both ends of ten years: 10,11,12 → 17,18,19 is +64 %", () => {
    expect(growthCriterion(inputs(steady()), P)).toMatchObject({ status: "pass", detail: "NI 64%≥33% over 10y" })
  })
  it("fails below 33 %, and when the starting average is not positive", () => {
    const flat = steady((y) => ({ netIncome: y >= 2022 ? 13e9 : 10e9 })) // +30 %
    expect(growthCriterion(inputs(flat), P).status).toBe("fail")
    const fromLoss = steady((y) => ({ netIncome: y <= 2017 ? -1e8 : 5e8 }))
    expect(growthCriterion(inputs(fromLoss), P).status).toBe("fail")
  })
  it("is insufficient data with less than ten years", () => {
    expect(growthCriterion(inputs(steady().slice(1)), P)).toMatchObject({ status: "unknown", detail: "insufficient data: 9/10 years" })
  })
  it("uses per-share earnings when every year has a share count, so dilution can fail it", () => {
    const diluted = steady((y) => ({ sharesOutstanding: y >= 2022 ? 2 * SHARES : SHARES }))
    expect(growthCriterion(inputs(diluted), P)).toMatchObject({ status: "fail", detail: "EPS -18%<33% over 10y" })
  })
})

describe("6. moderate P/E", () => {
  // average net income 2022–2024 = 180억; market cap 2,000억 → P/E 11.1; 3,000억 → 16.7
  it("passes at ≤ 15 on three-year average earnings and fails above", () => {
    expect(peCriterion(inputs(steady(), 20_000), P)).toMatchObject({ status: "pass", detail: "P/E 11.1≤15" })
    expect(peCriterion(inputs(steady(), 30_000), P).status).toBe("fail")
  })
  it("fails on non-positive average earnings; unknown with fewer than three years", () => {
    expect(peCriterion(inputs(steady((y) => (y >= 2022 ? { netIncome: -1e8 } : {}))), P).status).toBe("fail")
    expect(peCriterion(inputs(steady().slice(-2)), P).status).toBe("unknown")
  })
})

describe("7. moderate P/B", () => {
  const withEquity = (equity: number) => [...steady().slice(0, -1), statement(T1, "2024-12-31", { netIncome: 19e9, totalEquity: equity })]
  it("passes at P/B ≤ 1.5", () => {
    expect(pbCriterion(inputs(withEquity(2000e8), 20_000), P)).toMatchObject({ status: "pass", detail: "P/B 1.00≤1.5" })
  })
  it("passes above 1.5 when P/E × P/B ≤ 22.5, fails otherwise", () => {
    // P/B 1.8, P/E 11.1 → 20.0
    expect(pbCriterion(inputs(withEquity(2000e8 / 1.8), 20_000), P).status).toBe("pass")
    // P/B 2.5, P/E 11.1 → 27.8
    expect(pbCriterion(inputs(withEquity(800e8), 20_000), P).status).toBe("fail")
  })
  it("is unknown without equity, or above 1.5 with P/E unknown; fails on negative equity", () => {
    expect(pbCriterion(inputs(steady()), P).status).toBe("unknown")
    expect(pbCriterion(inputs([statement(T1, "2024-12-31", { totalEquity: 100e8 })], 20_000), P).status).toBe("unknown")
    expect(pbCriterion(inputs([statement(T1, "2024-12-31", { totalEquity: -1 })]), P).status).toBe("fail")
  })
})

describe("net-net and valuations", () => {
  const bs = (f: Partial<FinancialStatement>) => [statement(T1, "2024-12-31", f)]
  it("passes below two thirds of NCAV, fails above, fails on negative NCAV, unknown without amounts", () => {
    // NCAV = 500억 − 200억 = 300억; cap at 10,000 × 10M = 1,000억 → fail; at 1,900 → 190억 ≤ 200억 → pass
    const sheet = bs({ currentAssets: 500e8, totalLiabilities: 200e8, totalAssets: 900e8 })
    expect(netnetCriterion(inputs(sheet, 1_900), P).status).toBe("pass")
    expect(netnetCriterion(inputs(sheet, 2_100), P).status).toBe("fail")
    expect(netnetCriterion(inputs(bs({ currentAssets: 100, totalLiabilities: 200 })), P).status).toBe("fail")
    expect(netnetCriterion(inputs(bs({ currentAssets: 100 })), P).status).toBe("unknown")
  })
  it("applies the haircuts: current assets × a + non-current × b − liabilities", () => {
    const sheet = inputs(bs({ currentAssets: 500, totalLiabilities: 200, totalAssets: 900 }))
    expect(netCurrentAssetValue(sheet, P)).toBe(300)
    expect(netCurrentAssetValue(sheet, params({ netnetCurrentAssetsFactor: 0.5, netnetNonCurrentAssetsFactor: 0.25 }))).toBe(250 + 100 - 200)
    expect(netCurrentAssetValue(inputs(bs({ currentAssets: 500, totalLiabilities: 200 })), params({ netnetNonCurrentAssetsFactor: 0.1 }))).toBeUndefined()
  })
  it("Graham number = √(22.5 × EPS × BVPS) from average earnings; undefined for losses", () => {
    // EPS = 180억 / 10M = 1,800, BVPS = 1,000억 / 10M = 10,000 → √(22.5 × 1,800 × 10,000) = 20,125
    const list = [...steady().slice(0, -1), statement(T1, "2024-12-31", { netIncome: 19e9, totalEquity: 1000e8 })]
    expect(grahamNumber(inputs(list), P)).toBeCloseTo(Math.sqrt(22.5 * 1_800 * 10_000), 6)
    expect(grahamNumber(inputs(steady((y) => ({ netIncome: y >= 2022 ? -1 : 1, totalEquity: 1 }))), P)).toBeUndefined()
  })
})
