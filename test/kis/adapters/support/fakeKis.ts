// A stateful fake KIS server on 127.0.0.1 for adapter and fetch-data tests: one account and a small market speaking
// the KIS wire format of order-cash, order-rvsecncl, inquire-daily-ccld, inquire-balance (both tr_cont-paged),
// inquire-price, the daily chart (≤ 100 rows per call), balance-sheet, income-statement, ksdinfo/dividend and
// search-stock-info.
import { NodeContext } from "@effect/platform-node"
import { Effect, Layer, type Scope } from "effect"
import { KisClient } from "../../../../src/kis/KisClient.js"
import type { KisVariable } from "../../../../src/kis/KisConfig.js"
import { type KisLoopback, kisClientLayer, kisError, type LoopbackReply, type LoopbackRequest, ok, startKisLoopback, tempTokenDir, TEST_SECRETS } from "../../../support/kisLoopback.js"

export const PATHS = {
  order: "/uapi/domestic-stock/v1/trading/order-cash",
  cancel: "/uapi/domestic-stock/v1/trading/order-rvsecncl",
  ccld: "/uapi/domestic-stock/v1/trading/inquire-daily-ccld",
  balance: "/uapi/domestic-stock/v1/trading/inquire-balance",
  price: "/uapi/domestic-stock/v1/quotations/inquire-price",
  chart: "/uapi/domestic-stock/v1/quotations/inquire-daily-itemchartprice",
  balanceSheet: "/uapi/domestic-stock/v1/finance/balance-sheet",
  incomeStatement: "/uapi/domestic-stock/v1/finance/income-statement",
  stockInfo: "/uapi/domestic-stock/v1/quotations/search-stock-info",
  dividend: "/uapi/domestic-stock/v1/ksdinfo/dividend"
} as const

/** A daily bar as the chart API sends it (prices as numbers here, strings on the wire). */
export interface FakeBar {
  readonly date: string // YYYYMMDD
  readonly open: number
  readonly high: number
  readonly low: number
  readonly close: number
  readonly volume: number
}

export interface FakeSymbol {
  readonly name: string
  readonly market: "STK" | "KSQ"
  price: number
  readonly base: number
  /** Ascending by date. */
  readonly bars: ReadonlyArray<FakeBar>
  readonly finance?: {
    readonly balanceSheet: { readonly annual: ReadonlyArray<Record<string, string>>; readonly quarterly: ReadonlyArray<Record<string, string>> }
    readonly incomeStatement: { readonly annual: ReadonlyArray<Record<string, string>>; readonly quarterly: ReadonlyArray<Record<string, string>> }
    /** ksdinfo/dividend output1 rows, as KIS writes them (zero-padded amounts). */
    readonly dividends: ReadonlyArray<Record<string, string>>
  }
}

interface FakeOrder {
  readonly odno: string
  readonly orgnOdno: string
  readonly branch: string
  readonly ticker: string
  readonly side: "buy" | "sell"
  readonly division: string
  readonly quantity: number
  readonly price: number
  readonly kind: "new" | "cancel"
  readonly time: string
  filled: number
  filledAmount: number
  cancelled: number
}

export interface FakeKisOptions {
  readonly cash?: number
  readonly symbols?: Record<string, FakeSymbol>
  /** Rows per page of the tr_cont-paged inquiries. */
  readonly pageSize?: number
  /** KST date of "today" (YYYYMMDD). */
  readonly today?: string
  /** Pad order numbers to 10 digits (real KIS) or not (older mock captures). */
  readonly padOrderNumbers?: boolean
}

export interface FakeKis {
  readonly server: KisLoopback
  readonly today: string
  cash: number
  readonly holdings: Map<string, { quantity: number; cost: number }>
  readonly orders: Array<FakeOrder>
  readonly symbols: Record<string, FakeSymbol>
  /** Answers the next order-cash like this instead of processing it ("drop" = accept it, then lose the response). */
  nextOrderFault: "drop" | "no-envelope" | undefined
  /** Fails every request (HTTP 500, no envelope) once this many requests have been answered. */
  failAfter: number | undefined
  /** Fills every marketable open order at the current price (commission 0.015 %, sell tax 0.2 %, floored). */
  readonly settle: () => void
  /** Requests to a path. */
  readonly to: (path: string) => ReadonlyArray<LoopbackRequest>
}

export const FAKE_TICKER = "005930"
export const FAKE_UNLISTED = "999999"
const BRANCH = "06010"

/** A deterministic bar history on weekdays up to `lastDate` (YYYYMMDD), `count` bars. */
export const weekdayBars = (count: number, lastDate: string, start = 50_000): Array<FakeBar> => {
  const out: Array<FakeBar> = []
  let t = Date.UTC(Number(lastDate.slice(0, 4)), Number(lastDate.slice(4, 6)) - 1, Number(lastDate.slice(6, 8)))
  let price = start
  while (out.length < count) {
    const d = new Date(t)
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) {
      const date = d.toISOString().slice(0, 10).replaceAll("-", "")
      const open = price, close = price + ((out.length * 37) % 7 - 3) * 100
      out.push({ date, open, high: Math.max(open, close) + 100, low: Math.min(open, close) - 100, close, volume: 1_000 + out.length })
      price = Math.max(1_000, close + ((out.length * 13) % 5 - 2) * 100)
    }
    t -= 86_400_000
  }
  return out.reverse()
}

export const defaultSymbols = (today: string): Record<string, FakeSymbol> => ({
  [FAKE_TICKER]: {
    name: "삼성전자", market: "STK", price: 70_000, base: 70_000, bars: weekdayBars(250, today, 60_000),
    finance: {
      balanceSheet: {
        annual: [
          { stac_yymm: "202312", cras: "1959366.00", fxas: "2599371.00", total_aset: "4558737.00", flow_lblt: "757195.00", fix_lblt: "165087.00", total_lblt: "922281.00", cpfn: "8975.00", cfp_surp: "99.99", prfi_surp: "3460000.00", total_cptl: "3636456.00" },
          { stac_yymm: "202212", cras: "2181632.00", fxas: "2302341.00", total_aset: "4484245.00", flow_lblt: "783448.00", fix_lblt: "153300.00", total_lblt: "936749.00", cpfn: "8975.00", cfp_surp: "99.99", prfi_surp: "3378000.00", total_cptl: "3547496.00" }
        ],
        quarterly: [
          { stac_yymm: "202406", cras: "2100000.00", total_aset: "4700000.00", flow_lblt: "800000.00", fix_lblt: "170000.00", total_lblt: "970000.00", total_cptl: "3730000.00" },
          { stac_yymm: "202403", cras: "2000000.00", total_aset: "4600000.00", flow_lblt: "780000.00", fix_lblt: "160000.00", total_lblt: "940000.00", total_cptl: "3660000.00" }
        ]
      },
      incomeStatement: {
        annual: [
          { stac_yymm: "202312", sale_account: "2589355.00", sale_cost: "1803886.00", sale_totl_prfi: "785469.00", depr_cost: "99.99", bsop_prti: "65670.00", op_prfi: "110000.00", thtr_ntin: "154871.00" },
          { stac_yymm: "202212", sale_account: "3022314.00", sale_cost: "1900418.00", sale_totl_prfi: "1121896.00", depr_cost: "99.99", bsop_prti: "433766.00", op_prfi: "464000.00", thtr_ntin: "556541.00" }
        ],
        quarterly: [
          { stac_yymm: "202406", sale_account: "1237509.00", bsop_prti: "170000.00", thtr_ntin: "200000.00" },
          { stac_yymm: "202403", sale_account: "637454.00", bsop_prti: "66000.00", thtr_ntin: "67000.00" }
        ]
      },
      dividends: [
        { record_date: "20240331", sht_cd: FAKE_TICKER, isin_name: "삼성전자", divi_kind: "분기", face_val: "000000100", per_sto_divi_amt: "000000000361", divi_rate: "361.00", stk_divi_rate: "  0.00", divi_pay_dt: "2024/05/20", stk_div_pay_dt: "", odd_pay_dt: "", stk_kind: "보통", high_divi_gb: "" },
        { record_date: "20231231", sht_cd: FAKE_TICKER, isin_name: "삼성전자", divi_kind: "결산", face_val: "000000100", per_sto_divi_amt: "000000000361", divi_rate: "361.00", stk_divi_rate: "  0.00", divi_pay_dt: "2024/04/19", stk_div_pay_dt: "", odd_pay_dt: "", stk_kind: "보통", high_divi_gb: "" },
        { record_date: "20230930", sht_cd: FAKE_TICKER, isin_name: "삼성전자", divi_kind: "분기", face_val: "000000100", per_sto_divi_amt: "000000000361", divi_rate: "361.00", stk_divi_rate: "  0.00", divi_pay_dt: "2023/11/20", stk_div_pay_dt: "", odd_pay_dt: "", stk_kind: "보통", high_divi_gb: "" },
        { record_date: "20211231", sht_cd: FAKE_TICKER, isin_name: "삼성전자", divi_kind: "결산", face_val: "000000100", per_sto_divi_amt: "000000000361", divi_rate: "361.00", stk_divi_rate: "  0.00", divi_pay_dt: "2022/04/20", stk_div_pay_dt: "", odd_pay_dt: "", stk_kind: "보통", high_divi_gb: "" }
      ]
    }
  },
  "000660": { name: "SK하이닉스", market: "STK", price: 128_500, base: 128_500, bars: weekdayBars(40, today, 120_000) }
})

const s = (n: number): string => String(n)
const page = <A>(rows: ReadonlyArray<A>, req: LoopbackRequest, size: number) => {
  const offset = Number((req.query.get("CTX_AREA_NK100") ?? "").trim() || "0")
  const slice = rows.slice(offset, offset + size)
  const more = offset + size < rows.length
  return { slice, more, next: String(offset + size).padEnd(100, " ") }
}

/** Starts the fake for the scope. Everything runs in the request handler, synchronously. */
export const startFakeKis = (options: FakeKisOptions = {}): Effect.Effect<FakeKis, never, Scope.Scope> =>
  Effect.gen(function* () {
    const today = options.today ?? new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10).replaceAll("-", "")
    const pageSize = options.pageSize ?? 100
    const pad = options.padOrderNumbers ?? true
    let nextNumber = 1
    let clock = 90_000
    const symbols = options.symbols ?? defaultSymbols(today)
    const [cano, product] = TEST_SECRETS.account.split("-") as [string, string]
    let answered = 0

    const fake = {} as FakeKis
    const openOf = (o: FakeOrder) => o.kind === "new" ? o.quantity - o.filled - o.cancelled : 0
    const newOrder = (fields: Omit<FakeOrder, "odno" | "time" | "filled" | "filledAmount" | "cancelled">): FakeOrder => {
      const odno = pad ? String(nextNumber++).padStart(10, "0") : String(nextNumber++)
      const order: FakeOrder = { ...fields, odno, time: String(clock++).padStart(6, "0"), filled: 0, filledAmount: 0, cancelled: 0 }
      fake.orders.push(order)
      return order
    }
    const receipt = (o: FakeOrder, code: string, msg: string): LoopbackReply =>
      ok({ msg_cd: code, msg1: msg, output: { KRX_FWDG_ORD_ORGNO: o.branch, ODNO: o.odno, ORD_TMD: o.time } })
    const accountOk = (body: Record<string, string>) => body["CANO"] === cano && body["ACNT_PRDT_CD"] === product

    const handle = (req: LoopbackRequest): LoopbackReply | undefined => {
      const q = (k: string) => req.query.get(k) ?? req.query.get(k.toLowerCase()) ?? ""
      switch (req.path) {
        case PATHS.order: {
          const body = JSON.parse(req.body) as Record<string, string>
          if (!accountOk(body)) return kisError("OPSQ2000", "ERROR : INPUT INVALID_CHECK_ACNO")
          const trId = String(req.headers["tr_id"] ?? "")
          const side = /0012U$/.test(trId) ? "buy" : /0011U$/.test(trId) ? "sell" : undefined
          if (side === undefined) return kisError("OPSQ9999", "tr_id not found")
          const sym = symbols[body["PDNO"] ?? ""]
          if (sym === undefined) return kisError("APBK0656", "종목코드 오류입니다.")
          const quantity = Number(body["ORD_QTY"]), price = Number(body["ORD_UNPR"])
          const division = body["ORD_DVSN"] ?? ""
          if (division !== "00" && division !== "01") return kisError("APBK1234", "주문구분 오류입니다.")
          if (side === "buy") {
            const reserved = fake.orders.filter((o) => o.side === "buy").reduce((a, o) => a + openOf(o) * (o.price || Math.round(sym.base * 1.3)), 0)
            if (quantity * (division === "01" ? Math.round(sym.base * 1.3) : price) + reserved > fake.cash) return kisError("APBK0919", "주문가능금액을 초과 했습니다")
          } else {
            const held = fake.holdings.get(body["PDNO"]!)?.quantity ?? 0
            const selling = fake.orders.filter((o) => o.side === "sell" && o.ticker === body["PDNO"]).reduce((a, o) => a + openOf(o), 0)
            if (quantity > held - selling) return kisError("APBK0918", "주문가능수량을 초과하였습니다")
          }
          const order = newOrder({ orgnOdno: "", branch: BRANCH, ticker: body["PDNO"]!, side, division, quantity, price, kind: "new" })
          const fault = fake.nextOrderFault
          fake.nextOrderFault = undefined
          if (fault === "drop") return "drop"
          if (fault === "no-envelope") return { status: 502, body: "<html>Bad Gateway</html>" }
          return receipt(order, "APBK0013", "주문 전송 완료 되었습니다.")
        }
        case PATHS.cancel: {
          const body = JSON.parse(req.body) as Record<string, string>
          if (!accountOk(body)) return kisError("OPSQ2000", "ERROR : INPUT INVALID_CHECK_ACNO")
          const original = fake.orders.find((o) => o.kind === "new" && Number(o.odno) === Number(body["ORGN_ODNO"]))
          if (original === undefined) return kisError("40320000", "원주문번호가 존재하지 않습니다")
          if (body["RVSE_CNCL_DVSN_CD"] !== "02") return kisError("APBK9999", "정정은 지원하지 않습니다")
          const open = openOf(original)
          if (open === 0) return kisError("40330000", "모의투자 정정/취소할 수량이 없습니다")
          const all = body["QTY_ALL_ORD_YN"] === "Y"
          const quantity = all ? open : Number(body["ORD_QTY"])
          if (quantity > open) return kisError("40430000", "취소수량이 취소가능수량을 초과합니다")
          original.cancelled += quantity
          const cancel = newOrder({ orgnOdno: original.odno, branch: BRANCH, ticker: original.ticker, side: original.side, division: original.division, quantity, price: 0, kind: "cancel" })
          cancel.cancelled = quantity
          return receipt(cancel, "APBK0013", "주문 전송 완료 되었습니다.")
        }
        case PATHS.ccld: {
          const odno = q("ODNO")
          const rows = fake.orders
            .filter(() => q("INQR_STRT_DT") <= today && today <= q("INQR_END_DT"))
            .filter((o) => odno === "" || Number(o.odno) === Number(odno))
            .map((o) => ({
              ord_dt: today, ord_gno_brno: o.branch, odno: o.odno, orgn_odno: o.orgnOdno, ord_dvsn_cd: o.division,
              ord_dvsn_name: o.division === "01" ? "시장가" : "지정가", sll_buy_dvsn_cd: o.side === "sell" ? "01" : "02",
              sll_buy_dvsn_cd_name: `${o.kind === "cancel" ? "" : "현금"}${o.side === "sell" ? "매도" : "매수"}${o.kind === "cancel" ? "취소" : ""}`,
              pdno: o.ticker, prdt_name: symbols[o.ticker]?.name ?? "", ord_qty: s(o.quantity), ord_unpr: s(o.price), ord_tmd: o.time,
              tot_ccld_qty: s(o.filled), tot_ccld_amt: s(o.filledAmount), avg_prvs: o.filled === 0 ? "0" : (o.filledAmount / o.filled).toFixed(4),
              cncl_yn: o.kind === "cancel" ? "Y" : "N", cnc_cfrm_qty: s(o.kind === "cancel" ? o.cancelled : 0), rmn_qty: s(openOf(o)), rjct_qty: "0"
            }))
          const p = page(rows, req, pageSize)
          const sum = (f: (o: FakeOrder) => number) => s(fake.orders.reduce((a, o) => a + f(o), 0))
          return ok({
            msg_cd: p.more ? "KIOK0500" : "KIOK0460", output1: p.slice, ctx_area_fk100: "".padEnd(100, " "), ctx_area_nk100: p.next,
            output2: { tot_ord_qty: sum((o) => o.quantity), tot_ccld_qty: sum((o) => o.filled), tot_ccld_amt: sum((o) => o.filledAmount), prsm_tlex_smtl: "0", pchs_avg_pric: "0" }
          }, { tr_cont: p.more ? "F" : "D" })
        }
        case PATHS.balance: {
          const rows = [...fake.holdings].map(([ticker, h]) => {
            const selling = fake.orders.filter((o) => o.side === "sell" && o.ticker === ticker).reduce((a, o) => a + openOf(o), 0)
            const px = symbols[ticker]?.price ?? 0
            return {
              pdno: ticker, prdt_name: symbols[ticker]?.name ?? "", hldg_qty: s(h.quantity), ord_psbl_qty: s(h.quantity - selling),
              pchs_avg_pric: h.quantity === 0 ? "0" : (h.cost / h.quantity).toFixed(4), pchs_amt: s(h.cost), prpr: s(px), evlu_amt: s(px * h.quantity)
            }
          })
          const p = page(rows, req, pageSize)
          const securities = rows.reduce((a, r) => a + Number(r.evlu_amt), 0)
          return ok({
            msg_cd: "KIOK0510", output1: p.slice, ctx_area_fk100: "".padEnd(100, " "), ctx_area_nk100: p.next,
            output2: [{ dnca_tot_amt: s(fake.cash + 123_456), prvs_rcdl_excc_amt: s(fake.cash), scts_evlu_amt: s(securities), tot_evlu_amt: s(fake.cash + securities), nass_amt: s(fake.cash + securities) }]
          }, { tr_cont: p.more ? "F" : "D" })
        }
        case PATHS.price: {
          const sym = symbols[q("FID_INPUT_ISCD")]
          if (sym === undefined) return kisError("MCA05918", "종목코드 오류입니다.")
          const last = sym.bars[sym.bars.length - 1]
          return ok({
            output: {
              stck_prpr: s(sym.price), stck_oprc: s(last?.open ?? sym.price), stck_hgpr: s(Math.max(sym.price, last?.high ?? 0)),
              stck_lwpr: s(Math.min(sym.price, last?.low ?? sym.price)), acml_vol: s(last?.volume ?? 0), stck_sdpr: s(sym.base),
              stck_mxpr: s(Math.round(sym.base * 1.3)), stck_llam: s(Math.round(sym.base * 0.7)), stac_month: "12", rprs_mrkt_kor_name: "KOSPI200"
            }
          })
        }
        case PATHS.chart: {
          const sym = symbols[q("FID_INPUT_ISCD")]
          if (sym === undefined) return kisError("MCA05918", "종목코드 오류입니다.")
          const from = q("FID_INPUT_DATE_1"), to = q("FID_INPUT_DATE_2")
          const rows = sym.bars.filter((b) => b.date >= from && b.date <= to).slice(-100).reverse().map((b) => ({
            stck_bsop_date: b.date, stck_clpr: s(b.close), stck_oprc: s(b.open), stck_hgpr: s(b.high), stck_lwpr: s(b.low),
            acml_vol: s(b.volume), acml_tr_pbmn: s(b.volume * b.close), flng_cls_code: "00", prtt_rate: "0.00", mod_yn: "N", prdy_vrss_sign: "3", prdy_vrss: "0", revl_issu_reas: ""
          }))
          return ok({ output1: { hts_kor_isnm: sym.name, stck_prpr: s(sym.price), stck_shrn_iscd: q("FID_INPUT_ISCD") }, output2: rows })
        }
        case PATHS.balanceSheet:
        case PATHS.incomeStatement: {
          const finance = symbols[q("FID_INPUT_ISCD")]?.finance
          if (finance === undefined) return ok({ msg_cd: "KIOK0560", msg1: "조회할 내용이 없습니다", output: [] })
          const statement = req.path === PATHS.balanceSheet ? finance.balanceSheet : finance.incomeStatement
          return ok({ output: q("FID_DIV_CLS_CODE") === "1" ? statement.quarterly : statement.annual })
        }
        case PATHS.dividend: {
          const rows = symbols[q("SHT_CD")]?.finance?.dividends ?? []
          return ok({ output1: rows.filter((r) => r["record_date"]! >= q("F_DT") && r["record_date"]! <= q("T_DT")) })
        }
        case PATHS.stockInfo: {
          const code = q("PDNO")
          const sym = symbols[code]
          if (sym === undefined) return kisError("MCA05918", "종목코드 오류입니다.")
          return ok({
            output: {
              pdno: `00000A${code}`, prdt_type_cd: "300", mket_id_cd: sym.market, setl_mmdd: "12", lstg_stqt: "5969782550",
              prdt_abrv_name: sym.name, scts_mket_lstg_dt: sym.market === "STK" ? "19750611" : "", kosdaq_mket_lstg_dt: sym.market === "KSQ" ? "20010101" : ""
            }
          })
        }
        default:
          return undefined
      }
    }

    const server = yield* startKisLoopback((req) => {
      if (req.path === "/oauth2/tokenP") return undefined
      if (fake.failAfter !== undefined && answered >= fake.failAfter) return { status: 500, body: "<html>down</html>" }
      answered++
      return handle(req)
    })

    Object.assign(fake, {
      server,
      today,
      cash: options.cash ?? 10_000_000,
      holdings: new Map(),
      orders: [],
      symbols,
      nextOrderFault: undefined,
      failAfter: undefined,
      to: (p: string) => server.to(p),
      settle: () => {
        for (const o of fake.orders) {
          const open = openOf(o)
          const sym = symbols[o.ticker]
          if (open === 0 || sym === undefined) continue
          const px = sym.price
          const marketable = o.division === "01" || (o.side === "buy" ? o.price >= px : o.price <= px)
          if (!marketable) continue
          const notional = open * px
          const fee = Math.floor(notional * 0.00015)
          const h = fake.holdings.get(o.ticker) ?? { quantity: 0, cost: 0 }
          if (o.side === "buy") {
            fake.cash -= notional + fee
            fake.holdings.set(o.ticker, { quantity: h.quantity + open, cost: h.cost + notional })
          } else {
            fake.cash += notional - fee - Math.floor(notional * 0.002)
            const avg = h.quantity === 0 ? 0 : h.cost / h.quantity
            fake.holdings.set(o.ticker, { quantity: h.quantity - open, cost: Math.round(avg * (h.quantity - open)) })
          }
          o.filled += open
          o.filledAmount += notional
        }
      }
    } satisfies Partial<FakeKis>)
    return fake
  })

/** KisClient over the fake (KIS_ENV real unless overridden), with a temporary token directory. */
export const fakeKisClient = (fake: FakeKis, vars: Partial<Record<KisVariable, string>> = {}): Effect.Effect<Layer.Layer<KisClient>, never, Scope.Scope> =>
  Effect.map(tempTokenDir, (dir) => kisClientLayer(fake.server.url, dir, vars).pipe(Layer.provide(NodeContext.layer), Layer.orDie))
