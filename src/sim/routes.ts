// The KIS REST endpoints kis-sim serves: path, method, every TR id it accepts (current and retired generations, real
// and mock V-prefixed), whether the mock server offers it, and the handler that answers from the simulated exchange.
import { Either } from "effect"
import { fromKisDate, type TradeDate } from "../domain/Time.js"
import type { SimAccount, KisSimExchange } from "./exchange.js"
import { GATEWAY, orderAccepted, type Profile, rejection } from "./messages.js"
import { hasParam, header, param, type SimRequest } from "./request.js"
import { balanceReply, branchOf, dailyCcldReply, psblOrderReply, psblRvsecnclReply } from "./responses/account.js"
import { dividendReply, financialRatioReply, holidayReply, type RawFinance, statementReply, stockInfoReply } from "./responses/info.js"
import { dailyChartReply, dailyPriceReply, inquirePriceReply, quoteContext } from "./responses/quotes.js"
import { failure, type Reply, success } from "./responses/reply.js"

export interface RouteContext {
  readonly req: SimRequest
  readonly ex: KisSimExchange
  readonly account: SimAccount
  readonly profile: Profile
  readonly trId: string
  readonly finance: ReadonlyMap<string, RawFinance>
  /** Raw rows of the data folder's universe.json (search-stock-info fields), by code. */
  readonly universe: ReadonlyMap<string, Readonly<Record<string, string>>>
}

export interface Route {
  readonly path: string
  readonly method: "GET" | "POST"
  /** Accepted TR ids (case-sensitive, as KIS). */
  readonly trIds: ReadonlySet<string>
  /** Not offered by the KIS mock server: answered with 90000000 on the mock profile. */
  readonly realOnly: boolean
  /** An order: subject to the drop-response fault after it was accepted. */
  readonly isOrder: boolean
  readonly handle: (ctx: RouteContext) => Reply
}

/** A real TR id and its mock twin (leading T/J/C replaced by V, as the official sample derives it). */
const withMock = (...ids: ReadonlyArray<string>): ReadonlyArray<string> => ids.flatMap((id) => [id, `V${id.slice(1)}`])

const SELL_TRS = new Set(withMock("TTTC0011U", "TTTC0801U"))

/** Names the first required parameter that is missing, as KIS's OPSQ2002 does. */
const missing = (req: SimRequest, names: ReadonlyArray<string>): Reply | undefined => {
  const absent = names.find((n) => !hasParam(req, n))
  return absent === undefined ? undefined : failure({ code: GATEWAY.missingField.code, text: `${GATEWAY.missingField.text}(${absent})` })
}

/** The account parameters must name the account of the app key. */
const accountMismatch = (ctx: RouteContext): Reply | undefined =>
  missing(ctx.req, ["CANO", "ACNT_PRDT_CD"]) ??
    (param(ctx.req, "CANO").trim() !== ctx.account.cano || param(ctx.req, "ACNT_PRDT_CD").trim() !== ctx.account.productCode
      ? failure(GATEWAY.invalidAccount)
      : undefined)

const paging = (req: SimRequest) => ({ continuing: header(req, "tr_cont").toUpperCase() === "N" || param(req, "CTX_AREA_NK100").trim() !== "", nk: param(req, "CTX_AREA_NK100") })

/** A quote request: market division J (KRX), NX or UN, and a known code. */
const withQuote = (ctx: RouteContext, answer: (q: NonNullable<ReturnType<typeof quoteContext>>) => Reply): Reply => {
  const gap = missing(ctx.req, ["FID_COND_MRKT_DIV_CODE", "FID_INPUT_ISCD"])
  if (gap !== undefined) return gap
  if (!["J", "NX", "UN"].includes(param(ctx.req, "FID_COND_MRKT_DIV_CODE").trim().toUpperCase())) return failure(GATEWAY.invalidMarket)
  const q = quoteContext(ctx.ex, param(ctx.req, "FID_INPUT_ISCD").trim())
  return q === undefined ? failure(GATEWAY.invalidStock) : answer(q)
}

const dateParam = (raw: string, fallback: TradeDate): TradeDate => Either.getOrElse(fromKisDate(raw.trim()), () => fallback)

const orderReceipt = (ctx: RouteContext, odno: string, time: string, what: "buy" | "sell" | "revise" | "cancel"): Reply =>
  success(orderAccepted(ctx.profile, what), { output: { KRX_FWDG_ORD_ORGNO: branchOf(ctx.profile), ODNO: odno, ORD_TMD: time } })

const orderCash = (ctx: RouteContext): Reply => {
  const bad = accountMismatch(ctx) ?? missing(ctx.req, ["PDNO", "ORD_DVSN", "ORD_QTY", "ORD_UNPR"])
  if (bad !== undefined) return bad
  const side = SELL_TRS.has(ctx.trId) ? "sell" : "buy"
  const result = ctx.ex.submit(ctx.account, {
    ticker: param(ctx.req, "PDNO").trim(), side, division: param(ctx.req, "ORD_DVSN").trim(),
    quantity: param(ctx.req, "ORD_QTY"), price: param(ctx.req, "ORD_UNPR")
  })
  return Either.isLeft(result) ? failure(rejection(ctx.profile, result.left.reason)) : orderReceipt(ctx, result.right.odno, result.right.time, side)
}

const orderRvsecncl = (ctx: RouteContext): Reply => {
  const bad = accountMismatch(ctx) ?? missing(ctx.req, ["ORGN_ODNO", "RVSE_CNCL_DVSN_CD", "ORD_QTY"])
  if (bad !== undefined) return bad
  const action = param(ctx.req, "RVSE_CNCL_DVSN_CD").trim() === "02" ? "cancel" : "revise"
  const result = ctx.ex.reviseOrCancel(ctx.account, {
    originalOdno: param(ctx.req, "ORGN_ODNO"), action, quantity: param(ctx.req, "ORD_QTY"),
    all: param(ctx.req, "QTY_ALL_ORD_YN").trim().toUpperCase() === "Y", division: param(ctx.req, "ORD_DVSN"), price: param(ctx.req, "ORD_UNPR")
  })
  return Either.isLeft(result) ? failure(rejection(ctx.profile, result.left.reason)) : orderReceipt(ctx, result.right.odno, result.right.time, action)
}

const finance = (which: "balance_sheet" | "income_statement" | "ratio") => (ctx: RouteContext): Reply =>
  withQuote(ctx, (q) => {
    const quarterly = param(ctx.req, "FID_DIV_CLS_CODE").trim() === "1"
    const raw = ctx.finance.get(q.info.ticker)
    return which === "ratio"
      ? financialRatioReply(raw, quarterly, ctx.ex.today, q.info.sharesOutstanding ?? 0)
      : statementReply(raw, which, quarterly, ctx.ex.today)
  })

/** search-stock-info takes PDNO as the short code or KIS's 12-character form ("00000A000660"). */
const stockInfo = (ctx: RouteContext): Reply => {
  const gap = missing(ctx.req, ["PRDT_TYPE_CD", "PDNO"])
  if (gap !== undefined) return gap
  const code = param(ctx.req, "PDNO").trim().slice(-6)
  const info = ctx.ex.market.info(code)
  return info === undefined ? failure(GATEWAY.invalidStock) : stockInfoReply(info, ctx.universe.get(code)?.["setl_mmdd"])
}

const dividend = (ctx: RouteContext): Reply => {
  const gap = missing(ctx.req, ["CTS", "GB1", "F_DT", "T_DT", "SHT_CD", "HIGH_GB"])
  if (gap !== undefined) return gap
  const code = param(ctx.req, "SHT_CD").trim()
  const codes = code === "" ? [...ctx.ex.market.tickers].sort() : [code]
  const query = { codes, kind: param(ctx.req, "GB1").trim(), from: param(ctx.req, "F_DT").trim(), to: param(ctx.req, "T_DT").trim() }
  return dividendReply(ctx.finance, (c) => ctx.ex.market.info(c)?.name ?? c, query, ctx.ex.today)
}

const route = (
  method: "GET" | "POST",
  path: string,
  trIds: ReadonlyArray<string>,
  handle: (ctx: RouteContext) => Reply,
  options: { readonly realOnly?: boolean; readonly isOrder?: boolean } = {}
): Route => ({ method, path, trIds: new Set(trIds), realOnly: options.realOnly ?? false, isOrder: options.isOrder ?? false, handle })

const TRADING = "/uapi/domestic-stock/v1/trading"
const QUOTES = "/uapi/domestic-stock/v1/quotations"
const FINANCE = "/uapi/domestic-stock/v1/finance"
const KSD = "/uapi/domestic-stock/v1/ksdinfo"

export const ROUTES: ReadonlyArray<Route> = [
  route("POST", `${TRADING}/order-cash`, withMock("TTTC0011U", "TTTC0012U", "TTTC0801U", "TTTC0802U"), orderCash, { isOrder: true }),
  route("POST", `${TRADING}/order-rvsecncl`, withMock("TTTC0013U", "TTTC0803U"), orderRvsecncl, { isOrder: true }),
  route("GET", `${TRADING}/inquire-psbl-rvsecncl`, ["TTTC0084R", "TTTC8036R"], (ctx) =>
    accountMismatch(ctx) ?? psblRvsecnclReply(ctx.ex, ctx.account, ctx.profile, param(ctx.req, "INQR_DVSN_2").trim(), paging(ctx.req)), { realOnly: true }),
  route("GET", `${TRADING}/inquire-daily-ccld`, withMock("TTTC0081R", "CTSC9215R", "TTTC8001R", "CTSC9115R"), (ctx) =>
    accountMismatch(ctx) ?? dailyCcldReply(ctx.ex, ctx.account, ctx.profile, {
      from: param(ctx.req, "INQR_STRT_DT"), to: param(ctx.req, "INQR_END_DT"), side: param(ctx.req, "SLL_BUY_DVSN_CD").trim(),
      ticker: param(ctx.req, "PDNO"), odno: param(ctx.req, "ODNO"), filled: param(ctx.req, "CCLD_DVSN").trim(),
      newestFirst: param(ctx.req, "INQR_DVSN").trim() !== "01"
    }, paging(ctx.req))),
  route("GET", `${TRADING}/inquire-balance`, withMock("TTTC8434R"), (ctx) =>
    accountMismatch(ctx) ?? balanceReply(ctx.ex, ctx.account, ctx.profile, paging(ctx.req))),
  route("GET", `${TRADING}/inquire-psbl-order`, withMock("TTTC8908R"), (ctx) =>
    accountMismatch(ctx) ?? psblOrderReply(ctx.ex, ctx.account, param(ctx.req, "PDNO"), param(ctx.req, "ORD_UNPR"))),
  route("GET", `${QUOTES}/inquire-price`, ["FHKST01010100"], (ctx) => withQuote(ctx, (q) => inquirePriceReply(ctx.ex, q))),
  route("GET", `${QUOTES}/inquire-daily-itemchartprice`, ["FHKST03010100"], (ctx) =>
    withQuote(ctx, (q) => {
      const today = ctx.ex.today
      const to = dateParam(param(ctx.req, "FID_INPUT_DATE_2"), today)
      return dailyChartReply(ctx.ex, q, dateParam(param(ctx.req, "FID_INPUT_DATE_1"), "1900-01-01" as TradeDate), to > today ? today : to,
        param(ctx.req, "FID_PERIOD_DIV_CODE").trim().toUpperCase() || "D")
    })),
  route("GET", `${QUOTES}/inquire-daily-price`, ["FHKST01010400"], (ctx) =>
    withQuote(ctx, (q) => dailyPriceReply(q, param(ctx.req, "FID_PERIOD_DIV_CODE").trim().toUpperCase() || "D"))),
  route("GET", `${FINANCE}/balance-sheet`, ["FHKST66430100"], finance("balance_sheet"), { realOnly: true }),
  route("GET", `${FINANCE}/income-statement`, ["FHKST66430200"], finance("income_statement"), { realOnly: true }),
  route("GET", `${FINANCE}/financial-ratio`, ["FHKST66430300"], finance("ratio"), { realOnly: true }),
  route("GET", `${KSD}/dividend`, ["HHKDB669102C0"], dividend, { realOnly: true }),
  route("GET", `${QUOTES}/search-stock-info`, ["CTPF1002R"], stockInfo, { realOnly: true }),
  route("GET", `${QUOTES}/chk-holiday`, ["CTCA0903R"], (ctx) => {
    const gap = missing(ctx.req, ["BASS_DT"])
    return gap ?? holidayReply(dateParam(param(ctx.req, "CTX_AREA_NK").trim() || param(ctx.req, "BASS_DT"), ctx.ex.today))
  }, { realOnly: true })
]

const byPath = new Map(ROUTES.map((r) => [r.path, r]))
export const routeOf = (path: string): Route | undefined => byPath.get(path.replace(/\/+$/, ""))
