// Benjamin Graham's seven defensive-investor criteria (The Intelligent Investor, ch. 14) adapted to KRX, the
// net-net test and the two valuations (Graham number, net current asset value). Each criterion answers pass,
// fail or unknown (history too short or an amount missing) with the numbers behind the verdict; never a guess.
import type { FinancialStatement } from "../../src/domain/Fundamentals.js"
import type { Market } from "../../src/domain/Market.js"
import type { Ticker } from "../../src/domain/Money.js"
import type { TradeDate } from "../../src/domain/Time.js"
import { annualSeries, knownAt, latestStatement, type FiscalYearValue } from "../../src/strategy/fundamentals.js"
import type { AsOfView } from "../../src/strategy/Strategy.js"
import type { GrahamParams } from "./params.js"

export type CriterionStatus = "pass" | "fail" | "unknown"

export const CRITERIA = ["size", "financial", "stability", "dividends", "growth", "pe", "pb", "netnet"] as const
export type CriterionId = (typeof CRITERIA)[number]
/** The seven criteria of defensive mode (net-net is the other mode). */
export const DEFENSIVE_CRITERIA: ReadonlyArray<CriterionId> = ["size", "financial", "stability", "dividends", "growth", "pe", "pb"]

export interface CriterionResult {
  readonly id: CriterionId
  readonly status: CriterionStatus
  /** The numbers behind the verdict, e.g. "CR 2.31≥2, LTD 120억≤NCA 340억". */
  readonly detail: string
}

/** What the criteria read about one name at one date; everything already point-in-time. */
export interface GrahamInputs {
  readonly market: Market
  /** Latest close at or before the as-of date. */
  readonly price: number | undefined
  readonly shares: number | undefined
  /** The most recent statement: the balance sheet the criteria read. */
  readonly balance: FinancialStatement | undefined
  readonly netIncome: ReadonlyArray<FiscalYearValue>
  readonly dividendPerShare: ReadonlyArray<FiscalYearValue>
  readonly sharesByYear: ReadonlyArray<FiscalYearValue>
}

/** Builds the inputs from statements (filtered again by `availableFrom ≤ asOf`) and the latest price. */
export const grahamInputs = (
  statements: ReadonlyArray<FinancialStatement>,
  asOf: TradeDate,
  market: Market,
  price: number | undefined,
  shares: number | undefined
): GrahamInputs => {
  const known = knownAt(statements, asOf)
  const balance = latestStatement(known)
  return {
    market,
    price,
    shares: shares ?? balance?.sharesOutstanding,
    balance,
    netIncome: annualSeries(known, "netIncome"),
    dividendPerShare: annualSeries(known, "dividendPerShare"),
    sharesByYear: annualSeries(known, "sharesOutstanding")
  }
}

/** The inputs of one name as seen by a strategy view. */
export const grahamInputsFromView = (view: AsOfView, ticker: Ticker): GrahamInputs => {
  const bars = view.bars(ticker)
  const price = bars.length > 0 ? bars.close(bars.length - 1) : undefined
  return grahamInputs(view.statements(ticker), view.asOf, view.instrument(ticker).market, price, view.sharesOutstanding(ticker))
}

// ---- formatting of the numbers behind a verdict ----

/** Won in 억 (1e8) or 조 (1e12), the units Korean investors read. */
export const formatKrw = (won: number): string => {
  const abs = Math.abs(won)
  if (abs >= 1e12) return `${(won / 1e12).toFixed(abs >= 1e14 ? 0 : 2)}조`
  if (abs >= 1e8) return `${Math.round(won / 1e8).toLocaleString("en-US")}억`
  return `${Math.round(won).toLocaleString("en-US")}원`
}
const fmt = (n: number, digits = 2): string => (Number.isFinite(n) ? n.toFixed(digits) : String(n))
const pct = (n: number): string => `${(n * 100).toFixed(0)}%`

const result = (id: CriterionId, status: CriterionStatus, detail: string): CriterionResult => ({ id, status, detail })

/** Combines sub-tests: any known failure fails, else any unknown is unknown, else pass. */
const combine = (tests: ReadonlyArray<boolean | undefined>): CriterionStatus =>
  tests.includes(false) ? "fail" : tests.includes(undefined) ? "unknown" : "pass"

const marketCapOf = (inputs: GrahamInputs): number | undefined =>
  inputs.price === undefined || inputs.shares === undefined ? undefined : inputs.price * inputs.shares

/** The last `n` fiscal years' values (may be fewer when history is shorter). */
const lastYears = (series: ReadonlyArray<FiscalYearValue>, n: number): ReadonlyArray<FiscalYearValue> => series.slice(-n)

const averageOf = (years: ReadonlyArray<FiscalYearValue>): number | undefined => {
  let sum = 0
  for (const y of years) {
    if (y.value === undefined) return undefined
    sum += y.value
  }
  return years.length === 0 ? undefined : sum / years.length
}

/** Average net income of the last `averageYears` fiscal years; undefined when history is shorter or a value is missing. */
export const averageEarnings = (inputs: GrahamInputs, params: GrahamParams): number | undefined => {
  const years = lastYears(inputs.netIncome, params.averageYears)
  return years.length < params.averageYears ? undefined : averageOf(years)
}

// ---- the criteria ----

/** 1. Adequate size: market capitalisation at least the threshold of the name's market. */
export const sizeCriterion = (inputs: GrahamInputs, params: GrahamParams): CriterionResult => {
  const min = inputs.market === "KOSPI" ? params.minMarketCapKospi : params.minMarketCapKosdaq
  const cap = marketCapOf(inputs)
  if (cap === undefined) return result("size", "unknown", inputs.price === undefined ? "no price" : "no share count")
  return result("size", cap >= min ? "pass" : "fail", `cap ${formatKrw(cap)}${cap >= min ? "≥" : "<"}${formatKrw(min)} (${inputs.market})`)
}

/** 2. Strong financial condition: current ratio ≥ minimum and long-term debt ≤ k × net current assets. */
export const financialCriterion = (inputs: GrahamInputs, params: GrahamParams): CriterionResult => {
  const b = inputs.balance
  const ca = b?.currentAssets, cl = b?.currentLiabilities
  const ltd = b?.longTermLiabilities ??
    (b?.totalLiabilities !== undefined && cl !== undefined ? b.totalLiabilities - cl : undefined)
  const ratio = ca !== undefined && cl !== undefined ? (cl > 0 ? ca / cl : Infinity) : undefined
  const nca = ca !== undefined && cl !== undefined ? ca - cl : undefined
  const ratioOk = ratio === undefined ? undefined : ratio >= params.minCurrentRatio
  const debtOk = ltd === undefined || nca === undefined ? undefined : ltd <= params.maxLongTermDebtToNetCurrentAssets * nca
  const parts = [
    ratio === undefined ? "CR ?" : `CR ${fmt(ratio)}${ratioOk ? "≥" : "<"}${params.minCurrentRatio}`,
    ltd === undefined || nca === undefined ? "LTD/NCA ?" : `LTD ${formatKrw(ltd)}${debtOk ? "≤" : ">"}NCA ${formatKrw(nca)}`
  ]
  return result("financial", combine([ratioOk, debtOk]), parts.join(", "))
}

/** A record test over the last `years` fiscal years: fails on a known bad year, unknown when history is short. */
const recordCriterion = (
  id: CriterionId,
  series: ReadonlyArray<FiscalYearValue>,
  years: number,
  good: (v: number) => boolean,
  badLabel: string
): CriterionResult => {
  const window = lastYears(series, years)
  const bad = window.filter((y) => y.value !== undefined && !good(y.value))
  if (bad.length > 0) {
    const shown = bad.slice(-3).map((y) => y.year).join(",")
    return result(id, "fail", `${badLabel} ${shown}${bad.length > 3 ? ` +${bad.length - 3} more` : ""}`)
  }
  const known = window.filter((y) => y.value !== undefined).length
  if (known < years) return result(id, "unknown", `insufficient data: ${known}/${years} years`)
  return result(id, "pass", `${years}/${years} years (${window[0]!.year}-${window[window.length - 1]!.year})`)
}

/** 3. Earnings stability: positive net income in each of the last N years. */
export const stabilityCriterion = (inputs: GrahamInputs, params: GrahamParams): CriterionResult =>
  recordCriterion("stability", inputs.netIncome, params.earningsYears, (v) => v > 0, "loss in")

/** 4. Dividend record: a dividend for each of the last M years. */
export const dividendCriterion = (inputs: GrahamInputs, params: GrahamParams): CriterionResult =>
  recordCriterion("dividends", inputs.dividendPerShare, params.dividendYears, (v) => v > 0, "no dividend in")

/**
 * 5. Earnings growth: the average of the last `averageYears` years vs that of the first `averageYears` of the
 * last `growthYears` years. Per share when every year in the span has a share count (dilution counts), else
 * total net income. A non-positive starting average fails: growth from a loss is not the growth Graham meant.
 */
export const growthCriterion = (inputs: GrahamInputs, params: GrahamParams): CriterionResult => {
  const span = lastYears(inputs.netIncome, params.growthYears)
  if (span.length < params.growthYears) return result("growth", "unknown", `insufficient data: ${span.length}/${params.growthYears} years`)
  const shares = new Map(inputs.sharesByYear.map((y) => [y.year, y.value]))
  const perShare = span.every((y) => (shares.get(y.year) ?? 0) > 0)
  const values = span.map((y): FiscalYearValue => ({
    ...y,
    value: y.value === undefined ? undefined : perShare ? y.value / shares.get(y.year)! : y.value
  }))
  const n = Math.min(params.averageYears, Math.floor(params.growthYears / 2))
  const start = averageOf(values.slice(0, n)), end = averageOf(values.slice(-n))
  if (start === undefined || end === undefined) return result("growth", "unknown", "earnings missing in the span")
  const unit = perShare ? "EPS" : "NI"
  if (start <= 0) return result("growth", "fail", `${unit} avg ${span[0]!.year}.. ≤ 0`)
  const growth = end / start - 1
  return result("growth", growth >= params.minEarningsGrowth ? "pass" : "fail",
    `${unit} ${pct(growth)}${growth >= params.minEarningsGrowth ? "≥" : "<"}${pct(params.minEarningsGrowth)} over ${params.growthYears}y`)
}

/** Price / average earnings: undefined when unknown, NaN-free; `Infinity` when the average is not positive. */
export const priceEarnings = (inputs: GrahamInputs, params: GrahamParams): number | undefined => {
  const cap = marketCapOf(inputs), avg = averageEarnings(inputs, params)
  if (cap === undefined || avg === undefined) return undefined
  return avg > 0 ? cap / avg : Infinity
}

/** Price / book: undefined when unknown; `Infinity` for non-positive equity. */
export const priceBook = (inputs: GrahamInputs): number | undefined => {
  const cap = marketCapOf(inputs), equity = inputs.balance?.totalEquity
  if (cap === undefined || equity === undefined) return undefined
  return equity > 0 ? cap / equity : Infinity
}

/** 6. Moderate P/E on the average earnings of the last `averageYears` years. */
export const peCriterion = (inputs: GrahamInputs, params: GrahamParams): CriterionResult => {
  const pe = priceEarnings(inputs, params)
  if (pe === undefined) return result("pe", "unknown", marketCapOf(inputs) === undefined ? "no market cap" : `insufficient data: < ${params.averageYears} years`)
  if (pe === Infinity) return result("pe", "fail", `${params.averageYears}y avg earnings ≤ 0`)
  return result("pe", pe <= params.maxPe ? "pass" : "fail", `P/E ${fmt(pe, 1)}${pe <= params.maxPe ? "≤" : ">"}${params.maxPe}`)
}

/** 7. Moderate P/B: P/B ≤ maximum, or P/E × P/B ≤ the product limit (22.5). */
export const pbCriterion = (inputs: GrahamInputs, params: GrahamParams): CriterionResult => {
  const pb = priceBook(inputs)
  if (pb === undefined) return result("pb", "unknown", marketCapOf(inputs) === undefined ? "no market cap" : "no equity")
  if (pb === Infinity) return result("pb", "fail", "equity ≤ 0")
  if (pb <= params.maxPb) return result("pb", "pass", `P/B ${fmt(pb)}≤${params.maxPb}`)
  const pe = priceEarnings(inputs, params)
  if (pe === undefined) return result("pb", "unknown", `P/B ${fmt(pb)}>${params.maxPb}, P/E ?`)
  const product = pe * pb
  return result("pb", product <= params.maxPeTimesPb ? "pass" : "fail",
    `P/B ${fmt(pb)}, P/E×P/B ${Number.isFinite(product) ? fmt(product, 1) : "∞"}${product <= params.maxPeTimesPb ? "≤" : ">"}${params.maxPeTimesPb}`)
}

/** Liquidation value: current assets × a + non-current assets × b − total liabilities (won); undefined if unknown. */
export const netCurrentAssetValue = (inputs: GrahamInputs, params: GrahamParams): number | undefined => {
  const b = inputs.balance
  if (b?.currentAssets === undefined || b.totalLiabilities === undefined) return undefined
  const nonCurrent = params.netnetNonCurrentAssetsFactor === 0 ? 0
    : b.totalAssets === undefined ? undefined : b.totalAssets - b.currentAssets
  if (nonCurrent === undefined) return undefined
  return b.currentAssets * params.netnetCurrentAssetsFactor + nonCurrent * params.netnetNonCurrentAssetsFactor - b.totalLiabilities
}

/** Net-net: market cap at most `netnetMaxPriceToNcav` × liquidation value. */
export const netnetCriterion = (inputs: GrahamInputs, params: GrahamParams): CriterionResult => {
  const ncav = netCurrentAssetValue(inputs, params), cap = marketCapOf(inputs)
  if (ncav === undefined || cap === undefined) return result("netnet", "unknown", ncav === undefined ? "no NCAV" : "no market cap")
  if (ncav <= 0) return result("netnet", "fail", `NCAV ${formatKrw(ncav)} ≤ 0`)
  const ratio = cap / ncav
  return result("netnet", ratio <= params.netnetMaxPriceToNcav ? "pass" : "fail",
    `cap/NCAV ${fmt(ratio)}${ratio <= params.netnetMaxPriceToNcav ? "≤" : ">"}${fmt(params.netnetMaxPriceToNcav)}`)
}

/** Graham number per share √(22.5 × EPS × BVPS), EPS from average earnings; undefined unless both are positive. */
export const grahamNumber = (inputs: GrahamInputs, params: GrahamParams): number | undefined => {
  const avg = averageEarnings(inputs, params), equity = inputs.balance?.totalEquity, shares = inputs.shares
  if (avg === undefined || equity === undefined || shares === undefined || shares <= 0 || avg <= 0 || equity <= 0) return undefined
  return Math.sqrt(params.maxPeTimesPb * (avg / shares) * (equity / shares))
}

/** All eight criteria, in table order. */
export const evaluateCriteria = (inputs: GrahamInputs, params: GrahamParams): ReadonlyArray<CriterionResult> => [
  sizeCriterion(inputs, params),
  financialCriterion(inputs, params),
  stabilityCriterion(inputs, params),
  dividendCriterion(inputs, params),
  growthCriterion(inputs, params),
  peCriterion(inputs, params),
  pbCriterion(inputs, params),
  netnetCriterion(inputs, params)
]
