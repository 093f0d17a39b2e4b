// Shape conformance: for every endpoint kis-sim serves, its answer has exactly the keys, nesting and value types
// (string vs number) of the KIS portal documentation example in ../shared/kis/fixtures/kis-portal-doc-examples.
import { expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { readFileSync } from "node:fs"
import { DEMO_ACCOUNT } from "../../src/sim/accounts.js"
import type { KisSimHandle } from "../../src/sim/server.js"
import { describeShared, sharedPath } from "../support/shared.js"
import { rawCall, type RawResponse, rawToken } from "./support/rawHttp.js"
import { clockTo, startTestSim } from "./support/simHarness.js"

const fixture = (name: string): string => readFileSync(sharedPath("kis", "fixtures", "kis-portal-doc-examples", name), "utf8")
const fixtureJson = (name: string): unknown => JSON.parse(fixture(`${name}.response.json`))

/** Keys (sorted), nesting and leaf types; an array is described by its first element. */
const shapeOf = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.length === 0 ? [] : [shapeOf(v[0])]
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, shapeOf((v as Record<string, unknown>)[k])]))
  }
  return typeof v
}

/** Keys of one `"block": { … }` or `"block": [ { … } ]` of a truncated example. */
const rawBlockKeys = (text: string, block: string): ReadonlyArray<string> => {
  const start = text.indexOf(`"${block}"`)
  const open = text.indexOf("{", start)
  const close = text.indexOf("}", open)
  return [...text.slice(open, close).matchAll(/"([^"]+)"\s*:/g)].map((m) => m[1]!).sort()
}

const [CANO, PRDT] = DEMO_ACCOUNT.accountNo.split("-") as [string, string]

interface Wire {
  readonly sim: KisSimHandle
  readonly token: string
  readonly get: (path: string, trId: string, query: Record<string, string>) => Effect.Effect<RawResponse>
  readonly post: (path: string, trId: string, body: Record<string, string>) => Effect.Effect<RawResponse>
}

const wire = Effect.gen(function* () {
  const sim = yield* startTestSim()
  yield* clockTo(sim, "10:30")
  const token = yield* rawToken(sim.url, DEMO_ACCOUNT.appKey, DEMO_ACCOUNT.appSecret)
  const headers = (trId: string) => ({
    "content-type": "application/json; charset=utf-8", authorization: `Bearer ${token}`, appkey: DEMO_ACCOUNT.appKey,
    appsecret: DEMO_ACCOUNT.appSecret, tr_id: trId, custtype: "P"
  })
  const w: Wire = {
    sim, token,
    get: (path, trId, query) => rawCall(sim.url, "GET", `${path}?${new URLSearchParams(query)}`, headers(trId)),
    post: (path, trId, body) => rawCall(sim.url, "POST", path, headers(trId), body)
  }
  return w
})

const T = "/uapi/domestic-stock/v1/trading"
const Q = "/uapi/domestic-stock/v1/quotations"
const F = "/uapi/domestic-stock/v1/finance"
const account = { CANO, ACNT_PRDT_CD: PRDT }
const stock = { FID_COND_MRKT_DIV_CODE: "J", FID_INPUT_ISCD: "SYN001" }

describeShared("kis-sim answers have the keys and encodings of the KIS documentation examples", () => {
  it.scopedLive("OAuth, hashkey, orders, account inquiries, quotes, statements, holidays, stock info, dividends", () =>
    Effect.gen(function* () {
      const w = yield* wire
      const same = (response: RawResponse, name: string) => {
        expect(response.body.rt_cd ?? "0", `${name}: ${JSON.stringify(response.body).slice(0, 200)}`).toBe("0")
        expect(shapeOf(response.body), name).toEqual(shapeOf(fixtureJson(name)))
      }
      const buy = yield* w.post(`${T}/order-cash`, "TTTC0012U", { ...account, PDNO: "SYN001", ORD_DVSN: "01", ORD_QTY: "10", ORD_UNPR: "0" })
      same(buy, "020_order_cash")
      const q = (yield* w.get(`${Q}/inquire-price`, "FHKST01010100", stock)).body.output
      const resting = yield* w.post(`${T}/order-cash`, "TTTC0012U", { ...account, PDNO: "SYN001", ORD_DVSN: "00", ORD_QTY: "3", ORD_UNPR: q.stck_llam })
      same(yield* w.post(`${T}/order-rvsecncl`, "TTTC0013U", {
        ...account, KRX_FWDG_ORD_ORGNO: "", ORGN_ODNO: resting.body.output.ODNO, ORD_DVSN: "00", RVSE_CNCL_DVSN_CD: "01", ORD_QTY: "1",
        ORD_UNPR: String(Number(q.stck_llam) + Number(q.aspr_unit)), QTY_ALL_ORD_YN: "N"
      }), "013_order_rvsecncl")
      same(yield* w.get(`${T}/inquire-psbl-rvsecncl`, "TTTC0084R", { ...account, CTX_AREA_FK100: "", CTX_AREA_NK100: "", INQR_DVSN_1: "0", INQR_DVSN_2: "0" }), "023_inquire_psbl_rvsecncl")
      same(yield* w.get(`${T}/inquire-daily-ccld`, "TTTC0081R", {
        ...account, INQR_STRT_DT: "20240304", INQR_END_DT: "20240304", SLL_BUY_DVSN_CD: "00", INQR_DVSN: "00", PDNO: "", CCLD_DVSN: "00",
        ORD_GNO_BRNO: "", ODNO: "", INQR_DVSN_3: "00", INQR_DVSN_1: "", CTX_AREA_FK100: "", CTX_AREA_NK100: ""
      }), "022_inquire_daily_ccld")
      same(yield* w.get(`${T}/inquire-balance`, "TTTC8434R", {
        ...account, AFHR_FLPR_YN: "N", OFL_YN: "", INQR_DVSN: "02", UNPR_DVSN: "01", FUND_STTL_ICLD_YN: "N", FNCG_AMT_AUTO_RDPT_YN: "N",
        PRCS_DVSN: "00", CTX_AREA_FK100: "", CTX_AREA_NK100: ""
      }), "016_inquire_balance")
      same(yield* w.get(`${T}/inquire-psbl-order`, "TTTC8908R", { ...account, PDNO: "SYN001", ORD_UNPR: "0", ORD_DVSN: "01", CMA_EVLU_AMT_ICLD_YN: "N", OVRS_ICLD_YN: "N" }), "018_inquire_psbl_order")
      same(yield* w.get(`${Q}/inquire-price`, "FHKST01010100", stock), "029_inquire_price")
      same(yield* w.get(`${Q}/inquire-daily-price`, "FHKST01010400", { ...stock, FID_PERIOD_DIV_CODE: "D", FID_ORG_ADJ_PRC: "0000000001" }), "028_inquire_daily_price")
      same(yield* w.get(`${F}/balance-sheet`, "FHKST66430100", { ...stock, FID_DIV_CLS_CODE: "1" }), "107_finance_balance_sheet")
      same(yield* w.get(`${F}/income-statement`, "FHKST66430200", { ...stock, FID_DIV_CLS_CODE: "1" }), "101_finance_income_statement")
      same(yield* w.get(`${F}/financial-ratio`, "FHKST66430300", { ...stock, FID_DIV_CLS_CODE: "1" }), "088_finance_financial_ratio")
      same(yield* w.get(`${Q}/chk-holiday`, "CTCA0903R", { BASS_DT: "20240301", CTX_AREA_NK: "", CTX_AREA_FK: "" }), "076_chk_holiday")
      same(yield* w.get(`${Q}/search-stock-info`, "CTPF1002R", { PRDT_TYPE_CD: "300", PDNO: "SYN001" }), "103_search_stock_info")

      // The dividend example is truncated too: compare the keys of an output1 row, and KIS's zero-padded amounts.
      const dividends = yield* w.get("/uapi/domestic-stock/v1/ksdinfo/dividend", "HHKDB669102C0", {
        CTS: "", GB1: "0", F_DT: "20200101", T_DT: "20241231", SHT_CD: "SYN001", HIGH_GB: ""
      })
      expect(Object.keys(dividends.body).sort()).toEqual(["msg1", "msg_cd", "output1", "rt_cd"])
      expect(Object.keys(dividends.body.output1[0]).sort()).toEqual(rawBlockKeys(fixture("095_ksdinfo_dividend.response.raw.txt"), "output1"))
      expect(dividends.body.output1[0].per_sto_divi_amt).toMatch(/^\d{12}$/)

      // The chart example is truncated in the document (not JSON): compare the keys of its two blocks.
      const chart = yield* w.get(`${Q}/inquire-daily-itemchartprice`, "FHKST03010100", {
        ...stock, FID_INPUT_DATE_1: "20240101", FID_INPUT_DATE_2: "20240304", FID_PERIOD_DIV_CODE: "D", FID_ORG_ADJ_PRC: "0"
      })
      const text = fixture("039_inquire_daily_itemchartprice.response.raw.txt")
      // The document's example key "itewhol_loan_rmnd_ratem name" is a typo of the layout's itewhol_loan_rmnd_ratem.
      expect(Object.keys(chart.body.output1).sort()).toEqual(rawBlockKeys(text, "output1").map((k) => k.replace(" name", "")).sort())
      expect(Object.keys(chart.body.output2[0]).sort()).toEqual(rawBlockKeys(text, "output2"))
      expect(Object.keys(chart.body).sort()).toEqual(["msg1", "msg_cd", "output1", "output2", "rt_cd"])
      for (const row of [chart.body.output1, ...chart.body.output2]) expect(Object.values(row).every((v) => typeof v === "string")).toBe(true)
    }))

  it.scopedLive("tokenP, revokeP, Approval and hashkey bodies", () =>
    Effect.gen(function* () {
      const w = yield* wire
      const creds = { appkey: DEMO_ACCOUNT.appKey, appsecret: DEMO_ACCOUNT.appSecret }
      const approval = yield* rawCall(w.sim.url, "POST", "/oauth2/Approval", {}, { grant_type: "client_credentials", appkey: creds.appkey, secretkey: creds.appsecret })
      expect(shapeOf(approval.body)).toEqual(shapeOf(fixtureJson("002_oauth2_approval")))
      const hash = yield* rawCall(w.sim.url, "POST", "/uapi/hashkey", { "content-type": "application/json", ...creds }, { CANO, ACNT_PRDT_CD: PRDT, PDNO: "SYN001" })
      expect(Object.keys(hash.body).sort()).toEqual(Object.keys(fixtureJson("001_hashkey") as object).sort())
      expect(hash.body.HASH).toMatch(/^[0-9a-f]{64}$/)
      expect(hash.body.BODY).toEqual({ CANO, ACNT_PRDT_CD: PRDT, PDNO: "SYN001" })
      yield* rawCall(w.sim.url, "POST", "/sim/admin/limits", {}, { tokenIssueLimit: false })
      const token = yield* rawCall(w.sim.url, "POST", "/oauth2/tokenP", {}, { grant_type: "client_credentials", ...creds })
      expect(shapeOf(token.body)).toEqual(shapeOf(fixtureJson("004_oauth2_tokenP")))
      expect(token.body.access_token).toBe(w.token) // the same token within six hours
      expect(token.body.access_token_token_expired).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/)
      const revoke = yield* rawCall(w.sim.url, "POST", "/oauth2/revokeP", {}, { ...creds, token: w.token })
      expect(shapeOf(revoke.body)).toEqual(shapeOf(fixtureJson("003_oauth2_revokeP")))
    }))
})
