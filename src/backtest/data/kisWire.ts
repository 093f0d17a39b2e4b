// Schemas of the history files in `data/`: subsets of KIS response shapes (KIS-API.md §8.2, §9, ksdinfo,
// search-stock-info), field names 1:1 with KIS and every value a string, so replay reads the live wire format.
import { ParseResult, Schema } from "effect"
import { parseDate } from "./numbers.js"
import type { TradeDate } from "../../domain/Time.js"

/** Digits with optional sign and all-zero fraction; the grammar of `parseWholeNumber`. */
export const WHOLE_NUMBER_PATTERN = /^-?\d+(\.0+)?$/
/** A KIS amount in 억원: digits, optional sign, up to 8 decimals; the grammar of `parseEokToWon`. */
export const EOK_PATTERN = /^-?\d+(\.\d{1,8})?$/
/** KIS writes this literal for an item it does not have (KIS-API.md §9). */
export const KIS_MISSING = "99.99"

export const WholeNumberFromString = Schema.String.pipe(
  Schema.pattern(WHOLE_NUMBER_PATTERN),
  Schema.compose(Schema.NumberFromString),
  Schema.compose(Schema.Int)
)

/** `YYYYMMDD` (KIS) or `YYYY-MM-DD`, a real calendar date, decoded to `YYYY-MM-DD`. */
export const DateFromKisString = Schema.transformOrFail(Schema.String, Schema.String, {
  strict: true,
  decode: (s, _, ast) => {
    const d = parseDate(s)
    return d === undefined
      ? ParseResult.fail(new ParseResult.Type(ast, s, "expected a real date YYYYMMDD or YYYY-MM-DD"))
      : ParseResult.succeed(d as string)
  },
  encode: (s) => ParseResult.succeed(s.replaceAll("-", ""))
})

/** One `output2` row of `inquire-daily-itemchartprice` (only the fields replay needs; others are ignored). */
export const KisChartRow = Schema.Struct({
  stck_bsop_date: DateFromKisString,
  stck_oprc: WholeNumberFromString,
  stck_hgpr: WholeNumberFromString,
  stck_lwpr: WholeNumberFromString,
  stck_clpr: WholeNumberFromString,
  acml_vol: WholeNumberFromString,
  acml_tr_pbmn: Schema.optional(WholeNumberFromString)
})
export type KisChartRowWire = typeof KisChartRow.Encoded

/** The KIS field of each bar column, in the order errors and the CSV header name them. */
export const CHART_FIELDS = {
  date: "stck_bsop_date",
  open: "stck_oprc",
  high: "stck_hgpr",
  low: "stck_lwpr",
  close: "stck_clpr",
  volume: "acml_vol"
} as const

/** An amount in 억원 as KIS writes it; `99.99` is kept as the string so the converter can read it as "missing". */
const Eok = Schema.String.pipe(Schema.filter((s) => s === KIS_MISSING || EOK_PATTERN.test(s), {
  message: () => `expected an amount in 억원 like "2589355.00" (or ${KIS_MISSING} for missing)`
}))
const OptionalEok = Schema.optional(Eok)
/** Not a KIS field: the DART receipt date (YYYYMMDD) of the report, when the data knows when it was filed. */
const FilingDate = Schema.optional(DateFromKisString)

/** A row of `finance/balance-sheet` (FHKST66430100). */
export const KisBalanceSheetRow = Schema.Struct({
  stac_yymm: Schema.String.pipe(Schema.pattern(/^\d{4}(0[1-9]|1[0-2])$/)),
  cras: OptionalEok,
  fxas: OptionalEok,
  total_aset: OptionalEok,
  flow_lblt: OptionalEok,
  fix_lblt: OptionalEok,
  total_lblt: OptionalEok,
  cpfn: OptionalEok,
  total_cptl: OptionalEok,
  rcept_dt: FilingDate
})
export type KisBalanceSheetRow = typeof KisBalanceSheetRow.Type

/** A row of `finance/income-statement` (FHKST66430200); quarterly rows are year-to-date sums. */
export const KisIncomeStatementRow = Schema.Struct({
  stac_yymm: Schema.String.pipe(Schema.pattern(/^\d{4}(0[1-9]|1[0-2])$/)),
  sale_account: OptionalEok,
  sale_cost: OptionalEok,
  sale_totl_prfi: OptionalEok,
  bsop_prti: OptionalEok,
  op_prfi: OptionalEok,
  thtr_ntin: OptionalEok,
  rcept_dt: FilingDate
})
export type KisIncomeStatementRow = typeof KisIncomeStatementRow.Type

/** A row of `ksdinfo/dividend` output1: one dividend decision (cash per share in won). */
export const KsdDividendRow = Schema.Struct({
  record_date: DateFromKisString,
  sht_cd: Schema.optional(Schema.String),
  divi_kind: Schema.optional(Schema.String),
  per_sto_divi_amt: Schema.Trim.pipe(Schema.compose(WholeNumberFromString)),
  stk_kind: Schema.optional(Schema.String)
})
export type KsdDividendRow = typeof KsdDividendRow.Type

/** Annual (`FID_DIV_CLS_CODE=0`) and quarterly (`=1`) `output` arrays of one statement API. */
const ByPeriod = <S extends Schema.Schema.AnyNoContext>(row: S) =>
  Schema.Struct({ annual: Schema.Array(row), quarterly: Schema.Array(row) })

/** `data/finance/<code>.json[.gz]`: both statements, both period kinds, and the KSD dividend rows. */
export const KisFinanceFile = Schema.Struct({
  balance_sheet: ByPeriod(KisBalanceSheetRow),
  income_statement: ByPeriod(KisIncomeStatementRow),
  /** Absent = dividends unknown; an empty list = no dividends paid. */
  dividend: Schema.optional(Schema.Array(KsdDividendRow))
})
export type KisFinanceFile = typeof KisFinanceFile.Type
export type KisFinanceFileWire = typeof KisFinanceFile.Encoded

/** KIS market id of `search-stock-info.mket_id_cd`. */
export const MARKET_OF_KIS_ID = { STK: "KOSPI", KSQ: "KOSDAQ", KNX: "KONEX" } as const

/** A row of `data/universe.json`: the `output` of `search-stock-info` (CTPF1002R), fields replay needs. */
export const KisUniverseRow = Schema.Struct({
  /** Short code; KIS pads it to 12 characters ("00000A000660"), the last 6 are the code. */
  pdno: Schema.String.pipe(Schema.pattern(/^[0-9A-Z]{6}$|^[0-9A-Z]{6}[0-9A-Z]{6}$/)),
  prdt_abrv_name: Schema.String,
  mket_id_cd: Schema.Literal("STK", "KSQ", "KNX"),
  /** Fiscal year-end month, "12" for most companies. */
  setl_mmdd: Schema.optional(Schema.String.pipe(Schema.pattern(/^(0[1-9]|1[0-2])(\d{2})?$/))),
  lstg_stqt: Schema.optional(WholeNumberFromString),
  scts_mket_lstg_dt: Schema.optional(Schema.String),
  kosdaq_mket_lstg_dt: Schema.optional(Schema.String)
})
export type KisUniverseRow = typeof KisUniverseRow.Type
export type KisUniverseRowWire = typeof KisUniverseRow.Encoded
export const KisUniverseFile = Schema.Array(KisUniverseRow)

/** The listing date of a universe row (the field of its own market), if it is a real date. */
export const listingDateOf = (row: KisUniverseRow): TradeDate | undefined => {
  const raw = row.mket_id_cd === "KSQ" ? row.kosdaq_mket_lstg_dt : row.scts_mket_lstg_dt
  return raw === undefined || raw === "" ? undefined : parseDate(raw)
}
