// Point-in-time financial statements from the two supported sources: KIS finance rows (억원, quarterly income
// year-to-date, "99.99" for missing) and the fundamentals CSV of the shared KRX set (won, 3-month quarters).
import { Either } from "effect"
import type { FinancialStatement, PeriodType } from "../../domain/Fundamentals.js"
import type { Ticker } from "../../domain/Money.js"
import { addDays, type TradeDate } from "../../domain/Time.js"
import { dataLoadError, type DataLoadError } from "./DataLoadError.js"
import { KIS_MISSING, type KisBalanceSheetRow, type KisFinanceFile, type KisIncomeStatementRow } from "./kisWire.js"
import { parseDate, parseEokToWon, parseWholeNumber } from "./numbers.js"

/** How long after period end a statement is assumed known when the data has no filing date. */
export interface DisclosureLags {
  readonly annualLagDays: number
  readonly quarterlyLagDays: number
}
/** Korean rules: annual reports within 90 days of year end, quarterly reports within 45 days. */
export const DEFAULT_LAGS: DisclosureLags = { annualLagDays: 90, quarterlyLagDays: 45 }

const FLOW_FIELDS = ["revenue", "operatingIncome", "netIncome"] as const
type Flows = { -readonly [K in (typeof FLOW_FIELDS)[number]]: number | undefined }

/** Last day of month `yyyymm` ("202303" -> 2023-03-31). */
const monthEnd = (yyyymm: string): TradeDate => {
  const y = Number(yyyymm.slice(0, 4)), m = Number(yyyymm.slice(4, 6))
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10) as TradeDate
}

/** `yyyymm` shifted by `months`. */
const shiftMonth = (yyyymm: string, months: number): string => {
  const total = Number(yyyymm.slice(0, 4)) * 12 + Number(yyyymm.slice(4, 6)) - 1 + months
  return `${Math.floor(total / 12)}${String((total % 12) + 1).padStart(2, "0")}`
}

/** 억원 string -> won; the KIS placeholder `99.99` and absent items -> undefined. */
const eok = (s: string | undefined): number | undefined =>
  s === undefined || s === KIS_MISSING ? undefined : parseEokToWon(s)

const minus = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined || b === undefined ? undefined : a - b

/** When a statement becomes usable: its filing date if known, else period end + the lag of its kind. */
const availability = (
  periodEnd: TradeDate, filed: TradeDate | undefined, annualLag: boolean, lags: DisclosureLags
): Pick<FinancialStatement, "availableFrom" | "filingDateKnown"> =>
  filed !== undefined
    ? { availableFrom: filed, filingDateKnown: true }
    : { availableFrom: addDays(periodEnd, annualLag ? lags.annualLagDays : lags.quarterlyLagDays), filingDateKnown: false }

/** Orders statements oldest period first, an annual statement before the quarter ending the same day. */
const byPeriod = (a: FinancialStatement, b: FinancialStatement): number =>
  a.periodEnd < b.periodEnd ? -1 : a.periodEnd > b.periodEnd ? 1 : a.periodType === b.periodType ? 0 : a.periodType === "annual" ? -1 : 1

/**
 * KIS finance rows -> statements. Quarterly income rows are year-to-date within the fiscal year ending in
 * month `fiscalYearEndMonth`; a quarter's own flow is its YTD minus the previous quarter's YTD (undefined when
 * that row is missing). The fiscal-year-end quarter is disclosed with the annual report, so it gets the annual lag.
 * Dividends: the sum of common-share cash dividends whose record date falls inside the period (undefined when
 * the file has no dividend list at all).
 */
export const statementsFromKis = (
  ticker: Ticker, file: KisFinanceFile, fiscalYearEndMonth: number, lags: DisclosureLags
): Array<FinancialStatement> => {
  const dividends = file.dividend?.filter((d) => d.stk_kind === undefined || d.stk_kind === "보통")
  const dividendIn = (from: TradeDate, to: TradeDate): number | undefined => {
    if (dividends === undefined) return undefined
    let sum = 0
    for (const d of dividends) if (d.record_date > from && d.record_date <= to) sum += d.per_sto_divi_amt
    return sum
  }
  const build = (
    periodType: PeriodType, sheets: ReadonlyArray<KisBalanceSheetRow>, incomes: ReadonlyArray<KisIncomeStatementRow>
  ): Array<FinancialStatement> => {
    const sheetOf = new Map(sheets.map((r) => [r.stac_yymm, r]))
    const incomeOf = new Map(incomes.map((r) => [r.stac_yymm, r]))
    const ytd = (yymm: string): Flows => {
      const r = incomeOf.get(yymm)
      return { revenue: eok(r?.sale_account), operatingIncome: eok(r?.bsop_prti), netIncome: eok(r?.thtr_ntin) }
    }
    const keys = [...new Set([...sheetOf.keys(), ...incomeOf.keys()])].sort()
    return keys.map((yymm) => {
      const sheet = sheetOf.get(yymm), income = incomeOf.get(yymm)
      const periodEnd = monthEnd(yymm)
      const monthsIntoYear = ((((Number(yymm.slice(4, 6)) - fiscalYearEndMonth - 1) % 12) + 12) % 12) + 1
      let flows = ytd(yymm)
      if (periodType === "quarter" && monthsIntoYear > 3) {
        const before = ytd(shiftMonth(yymm, -3))
        flows = {
          revenue: minus(flows.revenue, before.revenue),
          operatingIncome: minus(flows.operatingIncome, before.operatingIncome),
          netIncome: minus(flows.netIncome, before.netIncome)
        }
      }
      const filed = income?.rcept_dt ?? sheet?.rcept_dt
      const periodStart = monthEnd(shiftMonth(yymm, periodType === "annual" ? -12 : -3))
      return {
        ticker,
        periodType,
        periodEnd,
        ...availability(periodEnd, filed as TradeDate | undefined, periodType === "annual" || monthsIntoYear === 12, lags),
        ...flows,
        totalAssets: eok(sheet?.total_aset),
        currentAssets: eok(sheet?.cras),
        totalLiabilities: eok(sheet?.total_lblt),
        currentLiabilities: eok(sheet?.flow_lblt),
        longTermLiabilities: eok(sheet?.fix_lblt),
        totalEquity: eok(sheet?.total_cptl),
        sharesOutstanding: undefined,
        dividendPerShare: dividendIn(periodStart, periodEnd)
      }
    })
  }
  return [
    ...build("annual", file.balance_sheet.annual, file.income_statement.annual),
    ...build("quarter", file.balance_sheet.quarterly, file.income_statement.quarterly)
  ].sort(byPeriod)
}

/** Splits one CSV line, honouring double-quoted cells (the `source` column holds commas). */
const splitCsvLine = (line: string): Array<string> => {
  if (!line.includes("\"")) return line.split(",")
  const cells: Array<string> = []
  let cell = "", quoted = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!
    if (quoted) {
      if (ch === "\"" && line[i + 1] === "\"") { cell += "\""; i++ }
      else if (ch === "\"") quoted = false
      else cell += ch
    } else if (ch === "\"") quoted = true
    else if (ch === ",") { cells.push(cell); cell = "" }
    else cell += ch
  }
  cells.push(cell)
  return cells
}

const KRX_REQUIRED = ["period_type", "period_end", "report_date_est"] as const
const KRX_AMOUNTS = {
  revenue: "revenue",
  operatingIncome: "operating_income",
  netIncome: "net_income",
  totalAssets: "total_assets",
  currentAssets: "current_assets",
  totalLiabilities: "total_liabilities",
  currentLiabilities: "current_liabilities",
  totalEquity: "total_equity",
  dividendPerShare: "dps"
} as const

/** Statements of a shared-KRX fundamentals CSV, plus the latest listed-share count of its SNAPSHOT rows. */
export interface KrxFundamentals {
  readonly statements: Array<FinancialStatement>
  readonly latestShares: number | undefined
}

/**
 * The fundamentals CSV of the shared KRX set: FY rows -> annual, Q rows -> quarter (flows there are already
 * 3-month values), money already in won. `report_date_est` (a statutory deadline, not a filing date) becomes
 * `availableFrom` with `filingDateKnown = false`. SNAPSHOT rows only contribute listed shares; KIS_RATIO rows
 * are ignored.
 */
export const statementsFromKrxCsv = (
  file: string, text: string, ticker: Ticker, lags: DisclosureLags
): Either.Either<KrxFundamentals, DataLoadError> => {
  const lines = text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l))
  const header = splitCsvLine(lines[0] ?? "")
  const col = new Map(header.map((h, i) => [h.trim(), i]))
  for (const name of [...KRX_REQUIRED, ...Object.values(KRX_AMOUNTS)]) {
    if (!col.has(name)) return Either.left(dataLoadError(file, 1, name, undefined, "missing column"))
  }
  const statements: Array<FinancialStatement> = []
  const seen = new Set<string>()
  let latestShares: { date: string; shares: number } | undefined
  for (let li = 1; li < lines.length; li++) {
    if (lines[li] === "") continue
    const cells = splitCsvLine(lines[li]!)
    const cell = (name: string): string => cells[col.get(name) ?? -1] ?? ""
    const type = cell("period_type")
    const periodEnd = parseDate(cell("period_end"))
    if (type === "SNAPSHOT") {
      const shares = cell("shares_outstanding")
      if (shares !== "" && periodEnd !== undefined && (latestShares === undefined || periodEnd > latestShares.date)) {
        const n = parseWholeNumber(shares)
        if (n === undefined || n <= 0) return Either.left(dataLoadError(file, li + 1, "shares_outstanding", shares, "not a positive whole number"))
        latestShares = { date: periodEnd, shares: n }
      }
      continue
    }
    if (type !== "FY" && type !== "Q") continue
    if (periodEnd === undefined) return Either.left(dataLoadError(file, li + 1, "period_end", cell("period_end"), "not a real date"))
    const periodType: PeriodType = type === "FY" ? "annual" : "quarter"
    if (seen.has(`${periodType}${periodEnd}`)) return Either.left(dataLoadError(file, li + 1, "period_end", periodEnd, `second ${type} row for this period`))
    seen.add(`${periodType}${periodEnd}`)
    const amounts: Partial<Record<keyof typeof KRX_AMOUNTS, number>> = {}
    for (const [key, name] of Object.entries(KRX_AMOUNTS) as Array<[keyof typeof KRX_AMOUNTS, string]>) {
      const raw = cell(name)
      if (raw === "") continue
      const n = parseWholeNumber(raw)
      if (n === undefined) return Either.left(dataLoadError(file, li + 1, name, raw, "not a whole number of won"))
      amounts[key] = n
    }
    const rawReport = cell("report_date_est")
    const estimated = rawReport === "" ? undefined : parseDate(rawReport)
    if (rawReport !== "" && estimated === undefined) return Either.left(dataLoadError(file, li + 1, "report_date_est", rawReport, "not a real date"))
    statements.push({
      ticker,
      periodType,
      periodEnd,
      ...(estimated === undefined
        ? availability(periodEnd, undefined, periodType === "annual", lags)
        : { availableFrom: estimated, filingDateKnown: false }),
      revenue: amounts.revenue,
      operatingIncome: amounts.operatingIncome,
      netIncome: amounts.netIncome,
      totalAssets: amounts.totalAssets,
      currentAssets: amounts.currentAssets,
      totalLiabilities: amounts.totalLiabilities,
      currentLiabilities: amounts.currentLiabilities,
      longTermLiabilities: minus(amounts.totalLiabilities, amounts.currentLiabilities),
      totalEquity: amounts.totalEquity,
      sharesOutstanding: undefined,
      dividendPerShare: amounts.dividendPerShare
    })
  }
  return Either.right({ statements: statements.sort(byPeriod), latestShares: latestShares?.shares })
}
