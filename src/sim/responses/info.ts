// Stock-info and calendar APIs in KIS shapes: finance/balance-sheet, income-statement and financial-ratio, and
// ksdinfo/dividend from the data folder's statement files (only what is known by the simulated date),
// search-stock-info from the universe, and chk-holiday from the KRX calendar.
import type { SymbolInfo } from "../../backtest/data/DataSet.js"
import { DEFAULT_LAGS } from "../../backtest/data/statements.js"
import { KRX_CALENDAR } from "../../domain/krx/calendar.js"
import { addDays, dayOfWeek, type TradeDate, toKisDate } from "../../domain/Time.js"
import { QUOTE_OK, STOCK_INFO_OK } from "../messages.js"
import { dec, type Reply, success } from "./reply.js"

/** Raw `data/finance/<code>.json`: KIS `output` rows of each statement, annual and quarterly, and the KSD dividend rows. */
export interface RawFinance {
  readonly balance_sheet?: { readonly annual?: ReadonlyArray<Record<string, string>>; readonly quarterly?: ReadonlyArray<Record<string, string>> }
  readonly income_statement?: { readonly annual?: ReadonlyArray<Record<string, string>>; readonly quarterly?: ReadonlyArray<Record<string, string>> }
  readonly dividend?: ReadonlyArray<Record<string, string>>
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

/** The `divi_kind` GB1 1 and 2 of ksdinfo/dividend select: year-end (결산), interim (중간); 0 selects every kind. */
const DIVIDEND_KINDS: Readonly<Record<string, ReadonlyArray<string>>> = { "1": ["결산"], "2": ["중간"] }

/** The query of ksdinfo/dividend: the symbols asked for (SHT_CD, or every symbol when it is blank), GB1, and the
 * record-date range (YYYYMMDD). */
export interface DividendQuery {
  readonly codes: ReadonlyArray<string>
  readonly kind: string
  readonly from: string
  readonly to: string
}

/**
 * ksdinfo/dividend (HHKDB669102C0): `output1` rows of dividends whose record date lies in [F_DT, T_DT] and on or
 * before the simulated date (the data holds no announcement dates), newest record date first, amounts zero-padded
 * as KIS writes them. The data has no face value, so face_val and the rates are zero.
 */
export const dividendReply = (
  finance: ReadonlyMap<string, RawFinance>, names: (code: string) => string, query: DividendQuery, today: TradeDate
): Reply => {
  const kinds = DIVIDEND_KINDS[query.kind]
  const last = toKisDate(today) < query.to ? toKisDate(today) : query.to
  const rows = query.codes.flatMap((code) => (finance.get(code)?.dividend ?? [])
    .filter((d) => {
      const date = d["record_date"] ?? ""
      return date >= query.from && date <= last && (kinds === undefined || kinds.includes(d["divi_kind"] ?? ""))
    })
    .map((d) => ({
      record_date: d["record_date"]!, sht_cd: code, isin_name: names(code), divi_kind: d["divi_kind"] ?? "", face_val: "000000000",
      per_sto_divi_amt: (d["per_sto_divi_amt"] ?? "0").trim().padStart(12, "0"), divi_rate: "  0.00", stk_divi_rate: "  0.00",
      divi_pay_dt: "", stk_div_pay_dt: "", odd_pay_dt: "", stk_kind: d["stk_kind"] ?? "보통", high_divi_gb: ""
    })))
  rows.sort((a, b) => (a.record_date === b.record_date ? a.sht_cd.localeCompare(b.sht_cd) : b.record_date.localeCompare(a.record_date)))
  return success(QUOTE_OK, { output1: rows })
}

/**
 * search-stock-info (CTPF1002R): the documentation example's keys, filled from the universe (code, name, market,
 * listed shares, listing date, fiscal year end); what the data does not hold is blank as KIS leaves it.
 */
export const stockInfoReply = (info: SymbolInfo, settlement: string | undefined): Reply => {
  const listed = info.listedOn === undefined ? "" : toKisDate(info.listedOn)
  const market = info.instrument.market
  const output = {
    pdno: `00000A${info.ticker}`, prdt_type_cd: "300", mket_id_cd: market === "KOSPI" ? "STK" : market === "KOSDAQ" ? "KSQ" : "KNX",
    scty_grp_id_cd: "ST", excg_dvsn_cd: market === "KOSPI" ? "02" : "03", setl_mmdd: settlement ?? "12",
    lstg_stqt: String(info.sharesOutstanding ?? 0), lstg_cptl_amt: "0", cpta: "0", papr: "0", issu_pric: "0", kospi200_item_yn: "N",
    scts_mket_lstg_dt: market === "KOSPI" ? listed : "", scts_mket_lstg_abol_dt: "",
    kosdaq_mket_lstg_dt: market === "KOSDAQ" ? listed : "", kosdaq_mket_lstg_abol_dt: "",
    frbd_mket_lstg_dt: market === "KONEX" ? listed : "", frbd_mket_lstg_abol_dt: "", reits_kind_cd: "", etf_dvsn_cd: "0",
    oilf_fund_yn: "N", idx_bztp_lcls_cd: "", idx_bztp_mcls_cd: "", idx_bztp_scls_cd: "", stck_kind_cd: "101", mfnd_opng_dt: "",
    mfnd_end_dt: "", dpsi_erlm_cncl_dt: "", etf_cu_qty: "0", prdt_name: info.name, prdt_name120: info.name, prdt_abrv_name: info.name,
    std_pdno: "", prdt_eng_name: info.name, prdt_eng_name120: info.name, prdt_eng_abrv_name: info.name, dpsi_aptm_erlm_yn: "Y",
    etf_txtn_type_cd: "", etf_type_cd: "", lstg_abol_dt: "", nwst_odst_dvsn_cd: "1", sbst_pric: "0", thco_sbst_pric: "0",
    thco_sbst_pric_chng_dt: "", tr_stop_yn: "N", admn_item_yn: "N", thdt_clpr: "0", bfdy_clpr: "0", clpr_chng_dt: "",
    std_idst_clsf_cd: "", std_idst_clsf_cd_name: "", idx_bztp_lcls_cd_name: "", idx_bztp_mcls_cd_name: "", idx_bztp_scls_cd_name: "",
    ocr_no: "", crfd_item_yn: "N", elec_scty_yn: "Y"
  }
  return success(STOCK_INFO_OK, { output })
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
