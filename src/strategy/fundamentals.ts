// Point-in-time selection of financial statements for strategies: what was known at a date (by availableFrom,
// never period end), the latest balance sheet, one value per fiscal year, and trailing-four-quarter sums.
import type { FinancialStatement } from "../domain/Fundamentals.js"
import type { TradeDate } from "../domain/Time.js"

/** Amounts that accumulate over a period (summed across quarters). */
export type FlowField = "revenue" | "operatingIncome" | "netIncome" | "dividendPerShare"
/** Amounts measured at the period end (taken from the last quarter of a year). */
export type StockField =
  | "totalAssets"
  | "currentAssets"
  | "totalLiabilities"
  | "currentLiabilities"
  | "longTermLiabilities"
  | "totalEquity"
  | "sharesOutstanding"

const FLOW_FIELDS: ReadonlySet<string> = new Set<FlowField>(["revenue", "operatingIncome", "netIncome", "dividendPerShare"])

const periodKey = (s: FinancialStatement): string => `${s.periodType}:${s.periodEnd}`

/** True when `list` is already what `knownAt` would return: all available, by period end, one per period. */
const alreadyKnown = (list: ReadonlyArray<FinancialStatement>, asOf: TradeDate): boolean => {
  for (let i = 0; i < list.length; i++) {
    const s = list[i]!
    if (s.availableFrom > asOf) return false
    if (i === 0) continue
    const prev = list[i - 1]!
    if (prev.periodEnd > s.periodEnd) return false
    // Same period end: at most one annual and one quarter, annual first.
    if (prev.periodEnd === s.periodEnd && (prev.periodType === s.periodType || prev.periodType === "quarter")) return false
  }
  return true
}

/**
 * The statements known at `asOf`: `availableFrom ≤ asOf`, ordered by period end (annual before quarter on the
 * same day). When a period was published twice (a restatement), the later publication known at `asOf` wins.
 * Strategies call this even on a view's already-filtered list, so a leaky source cannot leak the future; a list
 * that is already in that form (the usual case) is returned as is after one pass.
 */
export const knownAt = (statements: ReadonlyArray<FinancialStatement>, asOf: TradeDate): ReadonlyArray<FinancialStatement> => {
  if (alreadyKnown(statements, asOf)) return statements
  const byPeriod = new Map<string, FinancialStatement>()
  for (const s of statements) {
    if (s.availableFrom > asOf) continue
    const prior = byPeriod.get(periodKey(s))
    if (prior === undefined || s.availableFrom >= prior.availableFrom) byPeriod.set(periodKey(s), s)
  }
  return [...byPeriod.values()].sort((a, b) =>
    a.periodEnd < b.periodEnd ? -1 : a.periodEnd > b.periodEnd ? 1 : a.periodType === b.periodType ? 0 : a.periodType === "annual" ? -1 : 1
  )
}

/** The statement with the latest period end (an annual one when it ties with a quarter): the current balance sheet. */
export const latestStatement = (known: ReadonlyArray<FinancialStatement>): FinancialStatement | undefined => {
  let best: FinancialStatement | undefined
  for (const s of known) {
    if (best === undefined || s.periodEnd > best.periodEnd || (s.periodEnd === best.periodEnd && s.periodType === "annual")) best = s
  }
  return best
}

const monthIndex = (d: TradeDate): number => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7)) - 1

/** One fiscal year's value of a field; `value` is undefined when the source lacks it. */
export interface FiscalYearValue {
  /** The fiscal year, named by the calendar year its period ends in. */
  readonly year: number
  readonly periodEnd: TradeDate
  readonly value: number | undefined
}

/**
 * One value of `field` per fiscal year, oldest first, for the unbroken run of consecutive years ending at the
 * latest complete one (an older year separated by a missing year is dropped: "the last N years" must be the
 * last N). A year comes from its annual statement; without one, from its four quarters (flows summed, stock
 * amounts from the last quarter). The fiscal year ends in the month of the annual statements (December if none).
 */
export const annualSeries = (known: ReadonlyArray<FinancialStatement>, field: FlowField | StockField): ReadonlyArray<FiscalYearValue> => {
  const flow = FLOW_FIELDS.has(field)
  const annualEnd = latestStatement(known.filter((s) => s.periodType === "annual"))
  const yearEndMonth = annualEnd === undefined ? 11 : monthIndex(annualEnd.periodEnd) % 12
  const fiscalYearOf = (d: TradeDate): number => {
    const m = monthIndex(d)
    return Math.floor(m / 12) + (m % 12 > yearEndMonth ? 1 : 0)
  }
  const years = new Map<number, FiscalYearValue>()
  const quarters = new Map<number, Array<FinancialStatement>>()
  for (const s of known) {
    const year = fiscalYearOf(s.periodEnd)
    if (s.periodType === "annual") years.set(year, { year, periodEnd: s.periodEnd, value: s[field] })
    else {
      const list = quarters.get(year) ?? []
      list.push(s)
      quarters.set(year, list)
    }
  }
  for (const [year, list] of quarters) {
    if (years.has(year) || list.length !== 4) continue
    const last = list[list.length - 1]!
    let value: number | undefined = flow ? 0 : last[field]
    if (flow) {
      for (const q of list) {
        const v = q[field]
        value = v === undefined || value === undefined ? undefined : value + v
      }
    }
    years.set(year, { year, periodEnd: last.periodEnd, value })
  }
  const sorted = [...years.values()].sort((a, b) => a.year - b.year)
  let start = sorted.length - 1
  while (start > 0 && sorted[start - 1]!.year === sorted[start]!.year - 1) start--
  return sorted.slice(Math.max(0, start))
}

/** A sum over four consecutive quarters and the period end of the last of them. */
export interface TrailingSum {
  readonly periodEnd: TradeDate
  readonly value: number
}

/**
 * Sum of a flow over four consecutive quarters ending `quartersBack` quarters before the latest known quarter
 * (0 = the trailing twelve months, 4 = the same window a year earlier). Undefined when a quarter in the window
 * is missing, not three months after the previous one, or lacks the field.
 */
export const trailingFourQuarters = (
  known: ReadonlyArray<FinancialStatement>,
  field: FlowField,
  quartersBack = 0
): TrailingSum | undefined => {
  const quarters = known.filter((s) => s.periodType === "quarter")
  const last = quarters.length - 1 - quartersBack
  if (last - 3 < 0) return undefined
  let value = 0
  for (let i = last - 3; i <= last; i++) {
    const q = quarters[i]!
    if (i > last - 3 && monthIndex(q.periodEnd) - monthIndex(quarters[i - 1]!.periodEnd) !== 3) return undefined
    const v = q[field]
    if (v === undefined) return undefined
    value += v
  }
  if (quartersBack > 0 && monthIndex(quarters[quarters.length - 1]!.periodEnd) - monthIndex(quarters[last]!.periodEnd) !== 3 * quartersBack) {
    return undefined
  }
  return { periodEnd: quarters[last]!.periodEnd, value }
}
