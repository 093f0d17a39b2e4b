// History reads shared by KisMarketData and fetch-data: the daily chart walked backwards 100 rows per call
// (KIS pages charts by moving FID_INPUT_DATE_2, not by tr_cont), the four financial-statement calls and the
// KSD dividend schedule that covers their periods.
// Rows are validated with the schemas of the `data/` files, so what is cached is exactly what replay can load.
import { Effect, Either, Option, ParseResult, Schema, Stream } from "effect"
import {
  KisBalanceSheetRow, KisChartRow, type KisChartRowWire, type KisFinanceFileWire, KisIncomeStatementRow, KsdDividendRow
} from "../../backtest/data/kisWire.js"
import type { Ticker } from "../../domain/Money.js"
import { addDays, type TradeDate, toKisDate } from "../../domain/Time.js"
import { basicQuotes, stockInfo } from "../catalog/index.js"
import { KisDecodeError, type KisReadError } from "../errors.js"
import type { KisClient } from "../KisClient.js"

type Client = KisClient

/** KIS returns at most this many daily rows per chart call. */
export const CHART_PAGE_ROWS = 100

/** One chart call's rows (newest first, as KIS sends them) and the range that call covered. */
export interface ChartPage {
  readonly rows: ReadonlyArray<KisChartRowWire>
  /** The call asked for [from, end]; with `reachedStart` every trading day of [coveredFrom, end] is in `rows`. */
  readonly end: TradeDate
  readonly coveredFrom: TradeDate
  /** True on the last page: nothing older exists within the requested range. */
  readonly reachedStart: boolean
}

/** A KIS `YYYYMMDD` already validated by a row schema, as a TradeDate. */
export const tradeDateOfKis = (yyyymmdd: string): TradeDate => `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}` as TradeDate

const decodeChartRow = Schema.decodeUnknownEither(KisChartRow)
const encodeChartRow = Schema.encodeEither(KisChartRow)

/** A chart row checked against the data-file schema and reduced to its fields; names the symbol, date and field. */
const chartRowOf = (ticker: Ticker, raw: Readonly<Record<string, unknown>>, index: number): Either.Either<KisChartRowWire, KisDecodeError> => {
  const fields = Object.fromEntries(
    ["stck_bsop_date", "stck_oprc", "stck_hgpr", "stck_lwpr", "stck_clpr", "acml_vol", "acml_tr_pbmn"]
      .flatMap((k) => (raw[k] === undefined || raw[k] === "" ? [] : [[k, raw[k]]])))
  return decodeChartRow(fields).pipe(
    Either.flatMap((row) => encodeChartRow(row)),
    Either.mapLeft((e) => {
      const issue = ParseResult.ArrayFormatter.formatErrorSync(e)[0]
      return new KisDecodeError({
        endpoint: "inquireDailyItemchartprice",
        field: `${ticker} output2[${index}].${issue?.path.join(".") ?? "(row)"}`,
        issue: issue?.message ?? "invalid row"
      })
    }))
}

/**
 * Daily chart pages of [from, to], newest page first, adjusted prices (FID_ORG_ADJ_PRC 0 on this API). Each next
 * call ends the day before the oldest row received; the walk stops at `from` or at the first answer with fewer
 * than 100 rows (the start of the listing). Blank padding rows are dropped.
 */
export const dailyChartPages = (client: Client, ticker: Ticker, from: TradeDate, to: TradeDate): Stream.Stream<ChartPage, KisReadError> =>
  Stream.paginateEffect(to, (end): Effect.Effect<readonly [ChartPage, Option.Option<TradeDate>], KisReadError> =>
    Effect.gen(function* () {
      const response = yield* client.call(basicQuotes.inquireDailyItemchartprice, {
        FID_COND_MRKT_DIV_CODE: "J",
        FID_INPUT_ISCD: ticker,
        FID_INPUT_DATE_1: toKisDate(from),
        FID_INPUT_DATE_2: toKisDate(end),
        FID_PERIOD_DIV_CODE: "D",
        FID_ORG_ADJ_PRC: "0"
      })
      const rows: Array<KisChartRowWire> = []
      for (const [i, raw] of response.output2.entries()) {
        if ((raw.stck_bsop_date ?? "") === "") continue
        const row = yield* chartRowOf(ticker, raw, i)
        const date = row.stck_bsop_date
        if (date >= toKisDate(from) && date <= toKisDate(end)) rows.push(row)
      }
      rows.sort((a, b) => (a.stck_bsop_date < b.stck_bsop_date ? 1 : a.stck_bsop_date > b.stck_bsop_date ? -1 : 0))
      const oldest = rows[rows.length - 1]
      const oldestDate = oldest === undefined ? undefined : tradeDateOfKis(oldest.stck_bsop_date)
      // A call answers min(100, rows in range): a short answer means nothing older is left in the range.
      const reachedStart = oldestDate === undefined || oldestDate <= from || rows.length < CHART_PAGE_ROWS
      const page: ChartPage = { rows, end, coveredFrom: reachedStart ? from : oldestDate, reachedStart }
      return [page, reachedStart ? Option.none() : Option.some(addDays(oldestDate, -1))] as const
    }))

const decodeRows = <A, I>(schema: Schema.Schema<A, I>, endpoint: string, ticker: Ticker, block: string) => {
  const decode = Schema.decodeUnknownEither(schema)
  const encode = Schema.encodeEither(schema)
  return (rows: ReadonlyArray<Readonly<Record<string, string | undefined>>>): Either.Either<Array<I>, KisDecodeError> =>
    Either.all(rows.map((raw, i) => {
      // Empty strings are absent values on the wire; the data files leave such fields out.
      const present = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v.trim() !== "").map(([k, v]) => [k, v!.trim()]))
      return decode(present).pipe(
        Either.flatMap((row) => encode(row)),
        Either.mapLeft((e) => {
          const issue = ParseResult.ArrayFormatter.formatErrorSync(e)[0]
          return new KisDecodeError({ endpoint, field: `${ticker} ${block}[${i}].${issue?.path.join(".") ?? "(row)"}`, issue: issue?.message ?? "invalid row" })
        }))
    }))
}

/** The first day of the fiscal period ending in the oldest `stac_yymm` of `rows` (12 months back), as YYYYMMDD. */
const oldestPeriodStart = (rows: ReadonlyArray<{ readonly stac_yymm: string }>): string | undefined => {
  let oldest: string | undefined
  for (const r of rows) if (oldest === undefined || r.stac_yymm < oldest) oldest = r.stac_yymm
  if (oldest === undefined) return undefined
  const months = Number(oldest.slice(0, 4)) * 12 + Number(oldest.slice(4, 6)) - 1 - 11
  return `${Math.floor(months / 12)}${String((months % 12) + 1).padStart(2, "0")}01`
}

/**
 * The balance sheet and income statement of a symbol, annual (FID_DIV_CLS_CODE 0) and quarterly (1), and its
 * cash dividends (ksdinfo/dividend, every kind, record dates from the start of the oldest statement period through
 * `through`), in the `data/finance/<code>.json` shape. Real KIS only: the mock server answers KisNotOnMock.
 */
export const fetchFinanceFile = (client: Client, ticker: Ticker, through: TradeDate): Effect.Effect<KisFinanceFileWire, KisReadError> =>
  Effect.gen(function* () {
    const query = (period: "0" | "1") => ({ FID_DIV_CLS_CODE: period, FID_COND_MRKT_DIV_CODE: "J", FID_INPUT_ISCD: ticker })
    const sheets = decodeRows(KisBalanceSheetRow, "balanceSheet", ticker, "output")
    const incomes = decodeRows(KisIncomeStatementRow, "incomeStatement", ticker, "output")
    const [bsAnnual, bsQuarter, isAnnual, isQuarter] = yield* Effect.all([
      client.call(stockInfo.balanceSheet, query("0")),
      client.call(stockInfo.balanceSheet, query("1")),
      client.call(stockInfo.incomeStatement, query("0")),
      client.call(stockInfo.incomeStatement, query("1"))
    ])
    const balance_sheet = { annual: yield* sheets(bsAnnual.output), quarterly: yield* sheets(bsQuarter.output) }
    const income_statement = { annual: yield* incomes(isAnnual.output), quarterly: yield* incomes(isQuarter.output) }
    const from = oldestPeriodStart([...balance_sheet.annual, ...balance_sheet.quarterly, ...income_statement.annual, ...income_statement.quarterly])
    if (from === undefined) return { balance_sheet, income_statement, dividend: [] }
    const answer = yield* client.call(stockInfo.dividend, { CTS: "", GB1: "0", F_DT: from, T_DT: toKisDate(through), SHT_CD: ticker, HIGH_GB: "" })
    // With SHT_CD set KIS lists that code only; other share classes have codes of their own.
    const rows = answer.output1.filter((r) => (r.sht_cd ?? "").trim() === "" || (r.sht_cd ?? "").trim() === ticker)
    const dividend = yield* decodeRows(KsdDividendRow, "dividend", ticker, "output1")(rows)
    return { balance_sheet, income_statement, dividend }
  })
