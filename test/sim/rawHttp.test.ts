// kis-sim driven the way an independent KIS client drives KIS: retired TR ids, `Authorization` capitalised, no custtype,
// lower-case query keys, an empty tr_cont; KIS response headers; gateway errors; the mock profile's codes and coverage.
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { DEMO_ACCOUNT } from "../../src/sim/accounts.js"
import { rawCall, rawToken } from "./support/rawHttp.js"
import { clockTo, startTestSim } from "./support/simHarness.js"

const ORDER = "/uapi/domestic-stock/v1/trading/order-cash"
const RVSECNCL = "/uapi/domestic-stock/v1/trading/order-rvsecncl"
const CCLD = "/uapi/domestic-stock/v1/trading/inquire-daily-ccld"
const PRICE = "/uapi/domestic-stock/v1/quotations/inquire-price"
const [CANO, PRDT] = DEMO_ACCOUNT.accountNo.split("-") as [string, string]

const pythonKisHeaders = (token: string, trId: string) => ({
  "Content-Type": "application/json",
  Authorization: `Bearer ${token}`,
  appkey: DEMO_ACCOUNT.appKey,
  appsecret: DEMO_ACCOUNT.appSecret,
  tr_id: trId,
  tr_cont: ""
})

describe("kis-sim over raw HTTP", () => {
  it.scopedLive("old TR ids, capitalised Authorization, no custtype, lower-case query keys; KIS header spelling", () =>
    Effect.gen(function* () {
      const sim = yield* startTestSim()
      yield* clockTo(sim, "09:40")
      const token = yield* rawToken(sim.url, DEMO_ACCOUNT.appKey, DEMO_ACCOUNT.appSecret)
      const order = yield* rawCall(sim.url, "POST", ORDER, pythonKisHeaders(token, "TTTC0802U"),
        { CANO, ACNT_PRDT_CD: PRDT, PDNO: "SYN002", ORD_DVSN: "01", ORD_QTY: "2", ORD_UNPR: "0" })
      expect(order.status).toBe(200)
      expect(order.body).toMatchObject({ rt_cd: "0", msg_cd: "APBK0013" })
      expect(Object.keys(order.body.output)).toEqual(["KRX_FWDG_ORD_ORGNO", "ODNO", "ORD_TMD"])
      expect(order.body.output.ODNO).toMatch(/^\d{10}$/)
      expect(order.body.output.ORD_TMD).toMatch(/^0940\d\d$/)
      const query = new URLSearchParams({
        cano: CANO, acnt_prdt_cd: PRDT, inqr_strt_dt: "20240304", inqr_end_dt: "20240304", sll_buy_dvsn_cd: "00", inqr_dvsn: "00",
        pdno: "", ccld_dvsn: "00", ord_gno_brno: "", odno: "", inqr_dvsn_3: "00", inqr_dvsn_1: "", ctx_area_fk100: "", ctx_area_nk100: ""
      })
      const ccld = yield* rawCall(sim.url, "GET", `${CCLD}?${query}`, pythonKisHeaders(token, "TTTC8001R"))
      expect(ccld.body.rt_cd).toBe("0")
      expect(ccld.body.output1[0]).toMatchObject({ odno: order.body.output.ODNO, pdno: "SYN002", tot_ccld_qty: "2" })
      expect(ccld.headerNames).toContain("Content-Type")
      expect(ccld.headerNames).not.toContain("content-type")
      expect(ccld.headerNames).toEqual(expect.arrayContaining(["tr_id", "tr_cont", "gt_uid"]))
      expect(ccld.headers["tr_id"]).toBe("TTTC8001R")
      expect(ccld.headers["tr_cont"]).toBe("D")
      const price = yield* rawCall(sim.url, "GET", `${PRICE}?fid_cond_mrkt_div_code=J&fid_input_iscd=SYN002`, pythonKisHeaders(token, "FHKST01010100"))
      expect(price.body.output.stck_shrn_iscd).toBe("SYN002")
      expect(Object.values(price.body.output).every((v) => typeof v === "string")).toBe(true)
      const charset = yield* rawCall(sim.url, "GET", `${PRICE}?FID_COND_MRKT_DIV_CODE=J&FID_INPUT_ISCD=SYN002`,
        { ...pythonKisHeaders(token, "FHKST01010100"), "Content-Type": "application/json; charset=utf-8", custtype: "P" })
      expect(charset.body.rt_cd).toBe("0")
    }))

  it.scopedLive("gateway errors: EGW00133 token throttle (403), EGW00121 invalid and EGW00123 expired tokens, EGW00201 (500), unknown TR", () =>
    Effect.gen(function* () {
      const sim = yield* startTestSim({ tokenIssueLimit: true, requestsPerSecond: 2 })
      const token = yield* rawToken(sim.url, DEMO_ACCOUNT.appKey, DEMO_ACCOUNT.appSecret)
      const again = yield* rawCall(sim.url, "POST", "/oauth2/tokenP", {}, { grant_type: "client_credentials", appkey: DEMO_ACCOUNT.appKey, appsecret: DEMO_ACCOUNT.appSecret })
      expect(again.status).toBe(403)
      expect(again.body).toEqual({ error_code: "EGW00133", error_description: "접근토큰 발급 잠시 후 다시 시도하세요(1분당 1회)" })
      const badSecret = yield* rawCall(sim.url, "POST", "/oauth2/tokenP", {}, { grant_type: "client_credentials", appkey: DEMO_ACCOUNT.appKey, appsecret: "nope" })
      expect(badSecret.body.error_code).toBe("EGW00105")
      const quote = (t: string, trId = "FHKST01010100") => rawCall(sim.url, "GET", `${PRICE}?FID_COND_MRKT_DIV_CODE=J&FID_INPUT_ISCD=SYN001`, pythonKisHeaders(t, trId))
      const burst = yield* Effect.all([quote(token), quote(token), quote(token), quote(token)])
      expect(burst.slice(0, 2).map((r) => r.body.rt_cd)).toEqual(["0", "0"])
      expect(burst[3]!.status).toBe(500)
      expect(burst[3]!.body).toMatchObject({ rt_cd: "1", msg_cd: "EGW00201" })
      yield* Effect.sleep("1100 millis")
      expect((yield* quote("not-a-token")).body.msg_cd).toBe("EGW00121")
      expect((yield* quote(token, "FHKST99999999")).body.msg_cd).toBe("OPSQ9999")
      const expire = yield* rawCall(sim.url, "POST", "/sim/admin/tokens/expire")
      expect(expire.status).toBe(200)
      yield* Effect.sleep("600 millis")
      const expired = yield* quote(token)
      expect(expired.status).toBe(500)
      expect(expired.body.msg_cd).toBe("EGW00123")
    }))

  it.scopedLive("mock profile: V TR ids, 90000000 for real-only APIs, mock order codes (40xx0000), admin clock over HTTP", () =>
    Effect.gen(function* () {
      const sim = yield* startTestSim({ profile: "mock" })
      const clock = yield* rawCall(sim.url, "POST", "/sim/admin/clock", {}, { to: "2024-03-04T10:15:00+09:00" })
      expect(clock.body).toMatchObject({ now: "2024-03-04T10:15:00+09:00", phase: "regular" })
      const token = yield* rawToken(sim.url, DEMO_ACCOUNT.appKey, DEMO_ACCOUNT.appSecret)
      const h = (trId: string) => pythonKisHeaders(token, trId)
      const notOnMock = yield* rawCall(sim.url, "GET", "/uapi/domestic-stock/v1/finance/balance-sheet?FID_DIV_CLS_CODE=0&fid_cond_mrkt_div_code=J&fid_input_iscd=SYN001", h("FHKST66430100"))
      expect(notOnMock.body).toEqual({ rt_cd: "1", msg_cd: "90000000", msg1: "모의투자에서는 해당업무가 제공되지 않습니다." })
      const q = (yield* rawCall(sim.url, "GET", `${PRICE}?FID_COND_MRKT_DIV_CODE=J&FID_INPUT_ISCD=SYN001`, h("FHKST01010100"))).body.output
      const order = yield* rawCall(sim.url, "POST", ORDER, h("VTTC0012U"), { CANO, ACNT_PRDT_CD: PRDT, PDNO: "SYN001", ORD_DVSN: "00", ORD_QTY: "5", ORD_UNPR: q.stck_llam })
      expect(order.body).toMatchObject({ rt_cd: "0", msg_cd: "40600000", output: { KRX_FWDG_ORD_ORGNO: "00950" } })
      const odno = order.body.output.ODNO as string
      const cancel = (orig: string, qty: string, all = "N") =>
        rawCall(sim.url, "POST", RVSECNCL, h("VTTC0803U"), {
          CANO, ACNT_PRDT_CD: PRDT, KRX_FWDG_ORD_ORGNO: "", ORGN_ODNO: orig, ORD_DVSN: "00", RVSE_CNCL_DVSN_CD: "02", ORD_QTY: qty, ORD_UNPR: "0", QTY_ALL_ORD_YN: all
        })
      expect((yield* cancel(odno, "9")).body).toMatchObject({ rt_cd: "1", msg_cd: "40430000" })
      expect((yield* cancel("0000777777", "1")).body).toMatchObject({ rt_cd: "1", msg_cd: "40320000" })
      expect((yield* cancel(odno.replace(/^0+/, ""), "0", "Y")).body).toMatchObject({ rt_cd: "0", msg_cd: "40630000" })
      expect((yield* cancel(odno, "1")).body).toMatchObject({ rt_cd: "1", msg_cd: "40330000", msg1: "모의투자 정정/취소할 수량이 없습니다" })
      yield* rawCall(sim.url, "POST", "/sim/admin/clock", {}, { advance: "6h" })
      const closed = yield* rawCall(sim.url, "POST", ORDER, h("VTTC0802U"), { CANO, ACNT_PRDT_CD: PRDT, PDNO: "SYN001", ORD_DVSN: "01", ORD_QTY: "1", ORD_UNPR: "0" })
      expect(closed.body).toMatchObject({ rt_cd: "1", msg_cd: "40570000", msg1: "모의투자 장종료 입니다." })
      const wrongAccount = yield* rawCall(sim.url, "POST", ORDER, h("VTTC0802U"), { CANO: "99999999", ACNT_PRDT_CD: PRDT, PDNO: "SYN001", ORD_DVSN: "01", ORD_QTY: "1", ORD_UNPR: "0" })
      expect(wrongAccount.body.msg_cd).toBe("OPSQ2000")
    }))
})
