// Quotes in KIS shapes (keys exactly as the KIS documentation examples): inquire-price, inquire-daily-itemchartprice and
// inquire-daily-price, from the replay as of the simulated instant: today's row is the partial bar traded so far.
import { tickSize } from "../../domain/krx/tick.js"
import { addDays, type TradeDate, toKisDate } from "../../domain/Time.js"
import type { BarColumns, SymbolInfo } from "../../backtest/data/DataSet.js"
import type { FinancialStatement } from "../../domain/Fundamentals.js"
import type { KisSimExchange } from "../exchange.js"
import type { Snapshot } from "../market.js"
import { QUOTE_OK } from "../messages.js"
import { changeSign, dec, int, pct, type Reply, success } from "./reply.js"

/** A daily row as the quote APIs see it (history bars plus today's partial bar). */
interface Row {
  readonly date: TradeDate
  readonly open: number
  readonly high: number
  readonly low: number
  readonly close: number
  readonly volume: number
  readonly value: number
}

/** Traded value of a history bar: the data keeps only volume, so volume × the typical price. */
const valueOf = (c: BarColumns, i: number): number => Math.round((c.volume[i]! * (c.high[i]! + c.low[i]! + c.close[i]!)) / 3)

/** Rows dated ≤ today, ascending; today's partial bar replaces today's history bar (no look-ahead). */
const rowsUpTo = (ex: KisSimExchange, ticker: string): ReadonlyArray<Row> => {
  const c = ex.market.columns(ticker)
  if (c === undefined) return []
  const today = ex.today
  const last = ex.market.barAtOrBefore(ticker, today)
  const rows: Array<Row> = []
  for (let i = 0; i <= last; i++) {
    if (c.dates[i] === today) break
    rows.push({ date: c.dates[i]!, open: c.open[i]!, high: c.high[i]!, low: c.low[i]!, close: c.close[i]!, volume: c.volume[i]!, value: valueOf(c, i) })
  }
  const now = todaySnapshot(ex, ticker)
  if (now !== undefined && now.point >= 0) {
    rows.push({ date: today, open: now.open, high: now.high, low: now.low, close: now.price, volume: now.volume, value: now.value })
  }
  return rows
}

const todaySnapshot = (ex: KisSimExchange, ticker: string): Snapshot | undefined => {
  const day = ex.market.day(ticker, ex.today)
  return day === undefined ? undefined : ex.market.snapshot(day, ex.now)
}

/** The latest annual statement known on `date` (point in time), for EPS/BPS. */
const latestAnnual = (statements: ReadonlyArray<FinancialStatement> | undefined, date: TradeDate): FinancialStatement | undefined => {
  let found: FinancialStatement | undefined
  for (const s of statements ?? []) if (s.periodType === "annual" && s.availableFrom <= date) found = s
  return found
}

interface Valuation {
  readonly shares: number
  readonly eps: number
  readonly bps: number
}

const valuationOf = (ex: KisSimExchange, info: SymbolInfo): Valuation => {
  const s = latestAnnual(ex.market.data.statements.get(info.ticker), ex.today)
  const shares = info.sharesOutstanding ?? s?.sharesOutstanding ?? 0
  return {
    shares,
    eps: shares > 0 && s?.netIncome !== undefined ? s.netIncome / shares : 0,
    bps: shares > 0 && s?.totalEquity !== undefined ? s.totalEquity / shares : 0
  }
}

/** Range statistics over rows with date ≥ since: highest/lowest close-range and their dates. */
const rangeOf = (rows: ReadonlyArray<Row>, since: TradeDate) => {
  let hi = 0, lo = Infinity, hiDate = "", loDate = ""
  for (const r of rows) {
    if (r.date < since) continue
    if (r.high > hi) { hi = r.high; hiDate = toKisDate(r.date) }
    if (r.low < lo) { lo = r.low; loDate = toKisDate(r.date) }
  }
  return { hi, lo: Number.isFinite(lo) ? lo : 0, hiDate, loDate }
}

export interface QuoteContext {
  readonly info: SymbolInfo
  readonly rows: ReadonlyArray<Row>
  readonly price: number
  readonly base: number
  readonly upper: number
  readonly lower: number
  readonly today: Row | undefined
  readonly previous: Row | undefined
}

/** What every quote API needs about one symbol now; undefined for an unknown code. */
export const quoteContext = (ex: KisSimExchange, ticker: string): QuoteContext | undefined => {
  const info = ex.market.info(ticker)
  if (info === undefined) return undefined
  const rows = rowsUpTo(ex, ticker)
  const day = ex.market.day(ticker, ex.today)
  const last = rows[rows.length - 1]
  const today = last?.date === ex.today ? last : undefined
  const previous = today === undefined ? last : rows[rows.length - 2]
  const base = day?.base ?? previous?.close ?? 0
  return {
    info, rows, price: today?.close ?? base, base,
    upper: day?.band.upper ?? base, lower: day?.band.lower ?? base, today, previous
  }
}

/** inquire-price (FHKST01010100): the 82-field snapshot. */
export const inquirePriceReply = (ex: KisSimExchange, q: QuoteContext): Reply => {
  const { info, rows, price, base, upper, lower, today, previous } = q
  const v = valuationOf(ex, info)
  const date = ex.today
  const tick = tickSize(price > 0 ? price : 1, info.instrument, date)
  const change = price - base
  const volume = today?.volume ?? 0
  const d250 = rangeOf(rows.slice(-250), "0000-01-01" as TradeDate)
  const w52 = rangeOf(rows, addDays(date, -364))
  const year = rangeOf(rows, `${date.slice(0, 4)}-01-01` as TradeDate)
  const p = previous ?? { high: base, low: base, close: base, open: base }
  const pivot = (p.high + p.low + p.close) / 3
  const demark = p.close < p.open ? p.high + 2 * p.low + p.close : p.close > p.open ? 2 * p.high + p.low + p.close : p.high + p.low + 2 * p.close
  const vsRate = (x: number) => dec(pct(price - x, x), 2)
  return success(QUOTE_OK, {
    output: {
      iscd_stat_cls_code: "55", marg_rate: "20.00", rprs_mrkt_kor_name: info.instrument.market, bstp_kor_isnm: "", temp_stop_yn: "N",
      oprc_rang_cont_yn: "N", clpr_rang_cont_yn: "N", crdt_able_yn: "Y", grmn_rate_cls_code: "40", elw_pblc_yn: "N",
      stck_prpr: int(price), prdy_vrss: int(change), prdy_vrss_sign: changeSign(price, base, upper, lower), prdy_ctrt: dec(pct(change, base), 2),
      acml_tr_pbmn: int(today?.value ?? 0), acml_vol: int(volume), prdy_vrss_vol_rate: dec(pct(volume, previous?.volume ?? 0), 2),
      stck_oprc: int(today?.open ?? 0), stck_hgpr: int(today?.high ?? 0), stck_lwpr: int(today?.low ?? 0), stck_mxpr: int(upper),
      stck_llam: int(lower), stck_sdpr: int(base), wghn_avrg_stck_prc: dec(volume === 0 ? 0 : (today?.value ?? 0) / volume, 2),
      hts_frgn_ehrt: "0.00", frgn_ntby_qty: "0", pgtr_ntby_qty: "0",
      pvt_scnd_dmrs_prc: int(pivot + (p.high - p.low)), pvt_frst_dmrs_prc: int(2 * pivot - p.low), pvt_pont_val: int(pivot),
      pvt_frst_dmsp_prc: int(2 * pivot - p.high), pvt_scnd_dmsp_prc: int(pivot - (p.high - p.low)),
      dmrs_val: int(demark / 2 - p.low), dmsp_val: int(demark / 2 - p.high), cpfn: "0", rstc_wdth_prc: int(upper - base),
      stck_fcam: "0", stck_sspr: int(Math.floor(base * 0.7)), aspr_unit: int(tick), hts_deal_qty_unit_val: "1", lstn_stcn: int(v.shares),
      hts_avls: int((price * v.shares) / 1e8), per: dec(v.eps > 0 ? price / v.eps : 0, 2), pbr: dec(v.bps > 0 ? price / v.bps : 0, 2),
      stac_month: "12", vol_tnrt: dec(pct(volume, v.shares), 2), eps: dec(v.eps, 2), bps: dec(v.bps, 2),
      d250_hgpr: int(d250.hi), d250_hgpr_date: d250.hiDate, d250_hgpr_vrss_prpr_rate: vsRate(d250.hi),
      d250_lwpr: int(d250.lo), d250_lwpr_date: d250.loDate, d250_lwpr_vrss_prpr_rate: vsRate(d250.lo),
      stck_dryy_hgpr: int(year.hi), dryy_hgpr_vrss_prpr_rate: vsRate(year.hi), dryy_hgpr_date: year.hiDate,
      stck_dryy_lwpr: int(year.lo), dryy_lwpr_vrss_prpr_rate: vsRate(year.lo), dryy_lwpr_date: year.loDate,
      w52_hgpr: int(w52.hi), w52_hgpr_vrss_prpr_ctrt: vsRate(w52.hi), w52_hgpr_date: w52.hiDate,
      w52_lwpr: int(w52.lo), w52_lwpr_vrss_prpr_ctrt: vsRate(w52.lo), w52_lwpr_date: w52.loDate,
      whol_loan_rmnd_rate: "0.00", ssts_yn: "Y", stck_shrn_iscd: info.ticker, fcam_cnnm: "0", cpfn_cnnm: "0 억",
      frgn_hldn_qty: "0", vi_cls_code: "N", ovtm_vi_cls_code: "N", last_ssts_cntg_qty: "0", invt_caful_yn: "N",
      mrkt_warn_cls_code: "00", short_over_yn: "N", sltr_yn: "N"
    }
  })
}

const periodKey = (date: TradeDate, period: string): string => {
  if (period === "Y") return date.slice(0, 4)
  if (period === "M") return date.slice(0, 7)
  if (period === "W") {
    const t = Date.parse(`${date}T00:00:00Z`)
    const monday = t - ((new Date(t).getUTCDay() + 6) % 7) * 86_400_000
    return String(monday)
  }
  return date
}

/** Aggregates daily rows into weeks, months or years (D keeps them); each period is dated by its last trading day. */
const periodRows = (rows: ReadonlyArray<Row>, period: string): ReadonlyArray<Row> => {
  if (period !== "W" && period !== "M" && period !== "Y") return rows
  const out: Array<Row> = []
  let key = ""
  for (const r of rows) {
    const k = periodKey(r.date, period)
    const last = out[out.length - 1]
    if (last !== undefined && k === key) {
      out[out.length - 1] = { date: r.date, open: last.open, high: Math.max(last.high, r.high), low: Math.min(last.low, r.low), close: r.close, volume: last.volume + r.volume, value: last.value + r.value }
    } else {
      out.push(r)
      key = k
    }
  }
  return out
}

export const CHART_MAX_ROWS = 100
export const DAILY_PRICE_ROWS = 30

/** inquire-daily-itemchartprice (FHKST03010100): snapshot (output1) and ≤ 100 rows newest first ending at date 2. */
export const dailyChartReply = (ex: KisSimExchange, q: QuoteContext, from: TradeDate, to: TradeDate, period: string): Reply => {
  const all = periodRows(q.rows, period)
  const picked: Array<{ readonly row: Row; readonly prevClose: number }> = []
  for (let i = all.length - 1; i >= 0 && picked.length < CHART_MAX_ROWS; i--) {
    const r = all[i]!
    if (r.date > to) continue
    if (r.date < from) break
    picked.push({ row: r, prevClose: all[i - 1]?.close ?? r.open })
  }
  const { info, price, base, upper, lower, today, previous } = q
  const v = valuationOf(ex, info)
  const tick = tickSize(price > 0 ? price : 1, info.instrument, ex.today)
  const volume = today?.volume ?? 0
  return success(QUOTE_OK, {
    output1: {
      prdy_vrss: int(price - base), prdy_vrss_sign: changeSign(price, base, upper, lower), prdy_ctrt: dec(pct(price - base, base), 2),
      stck_prdy_clpr: int(base), acml_vol: int(volume), acml_tr_pbmn: int(today?.value ?? 0), hts_kor_isnm: info.name,
      stck_prpr: int(price), stck_shrn_iscd: info.ticker, prdy_vol: int(previous?.volume ?? 0), stck_mxpr: int(upper), stck_llam: int(lower),
      stck_oprc: int(today?.open ?? 0), stck_hgpr: int(today?.high ?? 0), stck_lwpr: int(today?.low ?? 0),
      stck_prdy_oprc: int(previous?.open ?? 0), stck_prdy_hgpr: int(previous?.high ?? 0), stck_prdy_lwpr: int(previous?.low ?? 0),
      askp: int(price + tick), bidp: int(price), prdy_vrss_vol: int(volume - (previous?.volume ?? 0)), vol_tnrt: dec(pct(volume, v.shares), 2),
      stck_fcam: "0", lstn_stcn: int(v.shares), cpfn: "0", hts_avls: int((price * v.shares) / 1e8),
      per: dec(v.eps > 0 ? price / v.eps : 0, 2), eps: dec(v.eps, 2), pbr: dec(v.bps > 0 ? price / v.bps : 0, 2), itewhol_loan_rmnd_ratem: "0.00"
    },
    output2: picked.map(({ row, prevClose }) => ({
      stck_bsop_date: toKisDate(row.date), stck_clpr: int(row.close), stck_oprc: int(row.open), stck_hgpr: int(row.high),
      stck_lwpr: int(row.low), acml_vol: int(row.volume), acml_tr_pbmn: int(row.value), flng_cls_code: "00", prtt_rate: "0.00",
      mod_yn: "N", prdy_vrss_sign: changeSign(row.close, prevClose), prdy_vrss: int(row.close - prevClose), revl_issu_reas: ""
    }))
  })
}

/** inquire-daily-price (FHKST01010400): the last 30 days, weeks or months, newest first. */
export const dailyPriceReply = (q: QuoteContext, period: string): Reply => {
  const all = periodRows(q.rows, period === "W" || period === "M" ? period : "D")
  const out = []
  for (let i = all.length - 1; i >= 0 && out.length < DAILY_PRICE_ROWS; i--) {
    const r = all[i]!, prev = all[i - 1]
    const prevClose = prev?.close ?? r.open
    out.push({
      stck_bsop_date: toKisDate(r.date), stck_oprc: int(r.open), stck_hgpr: int(r.high), stck_lwpr: int(r.low), stck_clpr: int(r.close),
      acml_vol: int(r.volume), prdy_vrss_vol_rate: dec(prev === undefined ? 0 : pct(r.volume - prev.volume, prev.volume), 2),
      prdy_vrss: int(r.close - prevClose), prdy_vrss_sign: changeSign(r.close, prevClose), prdy_ctrt: dec(pct(r.close - prevClose, prevClose), 2),
      hts_frgn_ehrt: "0.00", frgn_ntby_qty: "0", flng_cls_code: "00", acml_prtt_rate: "0.00"
    })
  }
  return success(QUOTE_OK, { output: out })
}
