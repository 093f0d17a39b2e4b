// Stock-info and calendar APIs in KIS shapes: finance/balance-sheet, income-statement and financial-ratio from the data
// folder's statement files (only periods disclosed by the simulated date), and chk-holiday from the KRX calendar.
import { DEFAULT_LAGS } from "../../backtest/data/statements.js"
import { KRX_CALENDAR } from "../../domain/krx/calendar.js"
import { addDays, dayOfWeek, type TradeDate, toKisDate } from "../../domain/Time.js"
import { QUOTE_OK } from "../messages.js"
import { dec, type Reply, success } from "./reply.js"

/** Raw `data/finance/<code>.json`: KIS `output` rows of each statement, annual and quarterly. */
export interface RawFinance {
  readonly balance_sheet?: { readonly annual?: ReadonlyArray<Record<string, string>>; readonly quarterly?: ReadonlyArray<Record<string, string>> }
  readonly income_statement?: { readonly annual?: ReadonlyArray<Record<string, string>>; readonly quarterly?: ReadonlyArray<Record<string, string>> }
}

export const BALANCE_SHEET_FIELDS = [
  "stac_yymm", "cras", "fxas", "total_aset", "flow_lblt", "fix_lblt", "total_lblt", "cpfn", "cfp_surp", "prfi_surp", "total_cptl"
] as const
export const INCOME_STATEMENT_FIELDS = [
  "stac_yymm", "sale_account", "sale_cost", "sale_totl_prfi", "depr_cost", "sell_mang", "bsop_prti", "bsop_non_ernn", "bsop_non_expn",
  "op_prfi", "spec_prfi", "spec_loss", "thtr_ntin"
] as const

/** KIS's literal for an item it does not have. */
const MISSING = "99.99"

/** The day a period's figures may be known: the filing date when the data has one, else period end + the usual lag. */
const availableFrom = (row: Record<string, string>, quarterly: boolean): string => {
  const filed = row["rcept_dt"]
  if (filed !== undefined && /^\d{8}$/.test(filed)) return `${filed.slice(0, 4)}-${filed.slice(4, 6)}-${filed.slice(6, 8)}`
  const yyyymm = row["stac_yymm"] ?? "000001"
  const end = new Date(Date.UTC(Number(yyyymm.slice(0, 4)), Number(yyyymm.slice(4, 6)), 0)).toISOString().slice(0, 10) as TradeDate
  return addDays(end, quarterly ? DEFAULT_LAGS.quarterlyLagDays : DEFAULT_LAGS.annualLagDays)
}

/** Rows known on `today`, newest first, with exactly `fields` (absent items as "99.99"). */
const knownRows = (
  rows: ReadonlyArray<Record<string, string>> | undefined,
  fields: ReadonlyArray<string>,
  quarterly: boolean,
  today: TradeDate
): ReadonlyArray<Record<string, string>> =>
  (rows ?? [])
    .filter((r) => availableFrom(r, quarterly) <= today)
    .sort((a, b) => (b["stac_yymm"] ?? "").localeCompare(a["stac_yymm"] ?? ""))
    .map((r) => Object.fromEntries(fields.map((f) => [f, r[f] ?? MISSING])))

export const statementReply = (
  raw: RawFinance | undefined,
  which: "balance_sheet" | "income_statement",
  quarterly: boolean,
  today: TradeDate
): Reply => {
  const fields = which === "balance_sheet" ? BALANCE_SHEET_FIELDS : INCOME_STATEMENT_FIELDS
  const rows = raw?.[which]?.[quarterly ? "quarterly" : "annual"]
  return success(QUOTE_OK, { output: knownRows(rows, fields, quarterly, today) })
}

const num = (s: string | undefined): number | undefined => (s === undefined || s === MISSING || s === "" ? undefined : Number(s))
const growth = (now: number | undefined, before: number | undefined): string =>
  now === undefined || before === undefined || before <= 0 || now <= 0 ? "0.00" : dec(((now - before) / before) * 100, 2)

/**
 * financial-ratio (FHKST66430300), derived from the statements: growth against the same period a year earlier, ROE,
 * per-share figures (amounts are 억원, shares whole), reserve ratio and liability ratio.
 */
export const financialRatioReply = (raw: RawFinance | undefined, quarterly: boolean, today: TradeDate, shares: number): Reply => {
  const kind = quarterly ? "quarterly" : "annual"
  const income = knownRows(raw?.income_statement?.[kind], INCOME_STATEMENT_FIELDS, quarterly, today)
  const balance = knownRows(raw?.balance_sheet?.[kind], BALANCE_SHEET_FIELDS, quarterly, today)
  const byPeriod = new Map(income.map((r) => [r["stac_yymm"]!, r]))
  const perShare = (eok: number | undefined) => (eok === undefined || shares <= 0 ? 0 : (eok * 1e8) / shares)
  const output = balance.map((b) => {
    const period = b["stac_yymm"]!
    const i = byPeriod.get(period)
    const prior = byPeriod.get(String(Number(period.slice(0, 4)) - 1) + period.slice(4))
    const equity = num(b["total_cptl"]), capital = num(b["cpfn"]), liabilities = num(b["total_lblt"])
    const netIncome = num(i?.["thtr_ntin"])
    return {
      stac_yymm: period,
      grs: growth(num(i?.["sale_account"]), num(prior?.["sale_account"])),
      bsop_prfi_inrt: growth(num(i?.["bsop_prti"]), num(prior?.["bsop_prti"])),
      ntin_inrt: growth(netIncome, num(prior?.["thtr_ntin"])),
      roe_val: dec(equity !== undefined && equity > 0 && netIncome !== undefined ? (netIncome / equity) * 100 : 0, 2),
      eps: dec(perShare(netIncome), 2),
      sps: String(Math.round(perShare(num(i?.["sale_account"])))),
      bps: dec(perShare(equity), 2),
      rsrv_rate: dec(equity !== undefined && capital !== undefined && capital > 0 ? ((equity - capital) / capital) * 100 : 0, 2),
      lblt_rate: dec(equity !== undefined && equity > 0 && liabilities !== undefined ? (liabilities / equity) * 100 : 0, 2)
    }
  })
  return success(QUOTE_OK, { output })
}

export const HOLIDAY_ROWS = 24

/** chk-holiday (CTCA0903R): 24 calendar days from BASS_DT; the continuation keys carry the next date. */
export const holidayReply = (from: TradeDate): Reply => {
  const output = []
  let d = from
  for (let i = 0; i < HOLIDAY_ROWS; i++, d = addDays(d, 1)) {
    const weekday = dayOfWeek(d)
    const open = KRX_CALENDAR.isTradingDay(d)
    const yearEnd = KRX_CALENDAR.closureReasons(d).some((r) => r === "year-end-closing")
    output.push({
      bass_dt: toKisDate(d), wday_dvsn_cd: `0${weekday + 1}`, bzdy_yn: open || yearEnd ? "Y" : "N", tr_day_yn: "Y",
      opnd_yn: open ? "Y" : "N", sttl_day_yn: open ? "Y" : "N"
    })
  }
  return success(QUOTE_OK, { ctx_area_nk: toKisDate(d).padEnd(20, " "), ctx_area_fk: toKisDate(from).padEnd(20, " "), output }, "D")
}
