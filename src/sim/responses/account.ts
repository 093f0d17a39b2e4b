// Account inquiries in KIS shapes (keys exactly as the KIS documentation examples): inquire-balance, inquire-daily-ccld,
// inquire-psbl-order and inquire-psbl-rvsecncl, built from the simulated exchange's accounts and order rows.
import { HashMap } from "effect"
import { commission } from "../../domain/krx/costs.js"
import { averagePrice } from "../../domain/Portfolio.js"
import { fromKisDate, type TradeDate, toKisDate } from "../../domain/Time.js"
import { Either } from "effect"
import { affordableQuantity } from "../../engine/sizing.js"
import { DIVISIONS, remainingOf, type SimAccount, type KisSimExchange, type VenueOrder } from "../exchange.js"
import { INQUIRY_DONE, noData, type Profile } from "../messages.js"
import { dec, int, pad100, pageOf, pct, type Reply, success } from "./reply.js"

export const PAGE_SIZES: Record<Profile, { readonly balance: number; readonly dailyCcld: number; readonly psblRvsecncl: number }> = {
  real: { balance: 50, dailyCcld: 100, psblRvsecncl: 50 },
  mock: { balance: 20, dailyCcld: 15, psblRvsecncl: 50 }
}

export interface PageRequest {
  readonly continuing: boolean
  readonly nk: string
}

const nameOf = (ex: KisSimExchange, ticker: string): string => ex.market.info(ticker)?.name ?? ticker

/** inquire-balance: holdings (output1, paged) and the one-element summary array (output2). */
export const balanceReply = (ex: KisSimExchange, account: SimAccount, profile: Profile, page: PageRequest): Reply => {
  const today = ex.today
  const fills = ex.fillsOf(account, today)
  const positions = [...HashMap.values(account.book.positions)].sort((a, b) => a.ticker.localeCompare(b.ticker))
  const holdings = positions.map((p) => {
    const price = ex.markPrice(p.ticker)
    const value = p.quantity * price
    const bought = fills.filter((f) => f.ticker === p.ticker && f.side === "buy").reduce((s, f) => s + f.quantity, 0)
    const sold = fills.filter((f) => f.ticker === p.ticker && f.side === "sell").reduce((s, f) => s + f.quantity, 0)
    const c = ex.market.columns(p.ticker)
    const prev = ex.market.barAtOrBefore(p.ticker, today)
    const prevClose = c === undefined || prev < 0 ? price : c.dates[prev] === today && prev > 0 ? c.close[prev - 1]! : c.close[prev]!
    return {
      pdno: p.ticker, prdt_name: nameOf(ex, p.ticker), trad_dvsn_name: "현금", bfdy_buy_qty: "0", bfdy_sll_qty: "0",
      thdt_buyqty: int(bought), thdt_sll_qty: int(sold), hldg_qty: int(p.quantity),
      ord_psbl_qty: int(ex.sellableQuantity(account, p.ticker)), pchs_avg_pric: dec(averagePrice(p), 4),
      pchs_amt: int(p.costBasis), prpr: int(price), evlu_amt: int(value), evlu_pfls_amt: int(value - p.costBasis),
      evlu_pfls_rt: dec(pct(value - p.costBasis, p.costBasis), 2), evlu_erng_rt: dec(0, 8), loan_dt: "", loan_amt: "0",
      stln_slng_chgs: "0", expd_dt: "", fltt_rt: dec(pct(price - prevClose, prevClose), 8), bfdy_cprs_icdc: int(price - prevClose),
      item_mgna_rt_name: "", grta_rt_name: "", sbst_pric: int(Math.floor(price * 0.7)), stck_loan_unpr: dec(0, 4)
    }
  })
  const scts = holdings.reduce((s, h) => s + Number(h.evlu_amt), 0)
  const cost = positions.reduce((s, p) => s + p.costBasis, 0)
  const sum = (side: "buy" | "sell") => fills.filter((f) => f.side === side).reduce((s, f) => s + f.quantity * f.price, 0)
  const fees = fills.reduce((s, f) => s + f.commission + f.tax, 0)
  const cash = account.book.cash
  const total = scts + cash
  const summary = {
    dnca_tot_amt: int(account.dayOpenCash), nxdy_excc_amt: int(cash), prvs_rcdl_excc_amt: int(cash), cma_evlu_amt: "0",
    bfdy_buy_amt: "0", thdt_buy_amt: int(sum("buy")), nxdy_auto_rdpt_amt: "0", bfdy_sll_amt: "0", thdt_sll_amt: int(sum("sell")),
    d2_auto_rdpt_amt: "0", bfdy_tlex_amt: "0", thdt_tlex_amt: int(fees), tot_loan_amt: "0", scts_evlu_amt: int(scts),
    tot_evlu_amt: int(total), nass_amt: int(total), fncg_gld_auto_rdpt_yn: "", pchs_amt_smtl_amt: int(cost),
    evlu_amt_smtl_amt: int(scts), evlu_pfls_smtl_amt: int(scts - cost), tot_stln_slng_chgs: "0",
    bfdy_tot_asst_evlu_amt: int(account.previousEquity), asst_icdc_amt: int(total - account.previousEquity), asst_icdc_erng_rt: dec(0, 8)
  }
  const p = pageOf(holdings, PAGE_SIZES[profile].balance, page.continuing, page.nk)
  return success(INQUIRY_DONE, {
    ctx_area_fk100: pad100(`${account.cano}^${account.productCode}^N^N^01^01^N^`), ctx_area_nk100: p.nk,
    output1: p.rows, output2: [summary]
  }, p.trCont)
}

export interface DailyCcldQuery {
  readonly from: string
  readonly to: string
  readonly side: string
  readonly ticker: string
  readonly odno: string
  readonly filled: string
  readonly newestFirst: boolean
}

const sideName = (o: VenueOrder): string => {
  const side = o.side === "buy" ? "BUY" : "SELL"
  return o.kind === "cancel" ? `${side} CANCEL*` : o.kind === "revise" ? `${side} AMEND*` : side
}

const dateOr = (raw: string, fallback: TradeDate): TradeDate => Either.getOrElse(fromKisDate(raw.trim()), () => fallback)

/** inquire-daily-ccld: one row per order, revision and cancel (output1, paged) and the totals (output2). */
export const dailyCcldReply = (ex: KisSimExchange, account: SimAccount, profile: Profile, q: DailyCcldQuery, page: PageRequest): Reply => {
  const today = ex.today
  const from = dateOr(q.from, today), to = dateOr(q.to, today)
  let rows = ex.ordersOf(account, from, to).filter((o) =>
    (q.side === "01" ? o.side === "sell" : q.side === "02" ? o.side === "buy" : true) &&
    (q.ticker.trim() === "" || o.ticker === q.ticker.trim()) &&
    (q.odno.trim() === "" || Number(o.odno) === Number(q.odno)) &&
    (q.filled === "01" ? o.filled > 0 : q.filled === "02" ? remainingOf(o) > 0 : true))
  rows = q.newestFirst ? [...rows].reverse() : rows
  const wire = rows.map((o) => ({
    ord_dt: toKisDate(o.date), ord_gno_brno: branchOf(profile), odno: o.odno, orgn_odno: o.originalOdno,
    ord_dvsn_name: DIVISIONS[o.division]?.name ?? o.division, sll_buy_dvsn_cd: o.side === "sell" ? "01" : "02",
    sll_buy_dvsn_cd_name: sideName(o), pdno: o.ticker, prdt_name: nameOf(ex, o.ticker), ord_qty: int(o.quantity),
    ord_unpr: int(o.price), ord_tmd: o.time, tot_ccld_qty: int(o.filled), avg_prvs: int(o.filled === 0 ? 0 : o.filledAmount / o.filled),
    cncl_yn: o.kind === "cancel" ? "Y" : "", tot_ccld_amt: int(o.filledAmount), loan_dt: "", ordr_empno: "OpnAPI",
    ord_dvsn_cd: o.division, cncl_cfrm_qty: int(o.kind === "cancel" ? o.cancelled : 0), rmn_qty: int(remainingOf(o)), rjct_qty: "0",
    ccld_cndt_name: DIVISIONS[o.division]?.condition === "IOC" ? "IOC" : DIVISIONS[o.division]?.condition === "FOK" ? "FOK" : "없음",
    inqr_ip_addr: "", cpbc_ordp_ord_rcit_dvsn_cd: "", cpbc_ordp_infm_mthd_dvsn_cd: "", infm_tmd: "", ctac_tlno: "",
    prdt_type_cd: "300", excg_dvsn_cd: "02", cpbc_ordp_mtrl_dvsn_cd: "", ord_orgno: branchOf(profile), rsvn_ord_end_dt: ""
  }))
  const fills = rows.filter((o) => o.kind !== "cancel")
  const totQty = fills.reduce((s, o) => s + o.filled, 0)
  const totAmt = fills.reduce((s, o) => s + o.filledAmount, 0)
  const fees = ex.fills.filter((f) => f.account === account.id && f.date >= from && f.date <= to).reduce((s, f) => s + f.commission + f.tax, 0)
  const p = pageOf(wire, PAGE_SIZES[profile].dailyCcld, page.continuing, page.nk)
  return success(wire.length === 0 ? noData(profile) : INQUIRY_DONE, {
    ctx_area_fk100: pad100(`${account.cano}^${account.productCode}^${toKisDate(from)}^${toKisDate(to)}^ ^${q.side || "00"}^${q.filled || "00"}^`),
    ctx_area_nk100: p.nk,
    output1: p.rows,
    output2: {
      tot_ord_qty: int(fills.reduce((s, o) => s + o.quantity, 0)), tot_ccld_qty: int(totQty), tot_ccld_amt: int(totAmt),
      prsm_tlex_smtl: int(fees), pchs_avg_pric: dec(totQty === 0 ? 0 : totAmt / totQty, 4)
    }
  }, p.trCont)
}

/** KRX_FWDG_ORD_ORGNO / ord_gno_brno: "06010" in the real examples, "00950" on mock. */
export const branchOf = (profile: Profile): string => (profile === "real" ? "06010" : "00950")

/** inquire-psbl-order: orderable cash and the quantity it buys at the given (or current) price. */
export const psblOrderReply = (ex: KisSimExchange, account: SimAccount, ticker: string, price: string): Reply => {
  const cash = ex.availableCash(account)
  const t = ticker.trim()
  const day = t === "" ? undefined : ex.market.day(t, ex.today)
  const given = Number(price)
  const unit = Number.isFinite(given) && given > 0 ? given : t === "" ? 0 : day?.band.upper ?? ex.markPrice(t)
  const qty = unit > 0 ? affordableQuantity(cash, unit, ex.settings.costs) : 0
  const amount = qty * unit + (qty > 0 ? commission(qty * unit, ex.settings.costs) : 0)
  return success(INQUIRY_DONE, {
    output: {
      ord_psbl_cash: int(cash), ord_psbl_sbst: "0", ruse_psbl_amt: "0", fund_rpch_chgs: "0", psbl_qty_calc_unpr: int(unit),
      nrcvb_buy_amt: int(amount), nrcvb_buy_qty: int(qty), max_buy_amt: int(amount), max_buy_qty: int(qty), cma_evlu_amt: "0",
      ovrs_re_use_amt_wcrc: "0", ord_psbl_frcr_amt_wcrc: "0"
    }
  })
}

/** inquire-psbl-rvsecncl: today's open orders with the quantity that can still be revised or cancelled. */
export const psblRvsecnclReply = (ex: KisSimExchange, account: SimAccount, profile: Profile, sideFilter: string, page: PageRequest): Reply => {
  const rows = ex.openOrdersOf(account)
    .filter((o) => (sideFilter === "1" ? o.side === "sell" : sideFilter === "2" ? o.side === "buy" : true))
    .map((o) => ({
      ord_gno_brno: branchOf(profile), odno: o.odno, orgn_odno: o.originalOdno, ord_dvsn_name: DIVISIONS[o.division]?.name ?? o.division,
      pdno: o.ticker, prdt_name: nameOf(ex, o.ticker), rvse_cncl_dvsn_name: o.kind === "revise" ? `${o.side === "buy" ? "BUY" : "SELL"} AMEND*` : "",
      ord_qty: int(o.quantity), ord_unpr: int(o.price), ord_tmd: o.time, tot_ccld_qty: int(o.filled), tot_ccld_amt: int(o.filledAmount),
      psbl_qty: int(remainingOf(o)), sll_buy_dvsn_cd: o.side === "sell" ? "01" : "02", ord_dvsn_cd: o.division, mgco_aptm_odno: ""
    }))
  const p = pageOf(rows, PAGE_SIZES[profile].psblRvsecncl, page.continuing, page.nk)
  return success(rows.length === 0 ? noData(profile) : INQUIRY_DONE, {
    ctx_area_fk100: pad100(`${account.cano}^${account.productCode}^`), ctx_area_nk100: p.nk, output: p.rows
  }, p.trCont)
}
