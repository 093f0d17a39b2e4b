// The project's KIS client (src/kis) against kis-sim over real loopback HTTP: OAuth, orders (fills, rejections,
// revise/cancel chains), account inquiries with paging, quotes, statements, dividends, stock info and the holiday
// calendar.
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Redacted } from "effect"
import { basicQuotes, ordersAccount, sectorMisc, stockInfo } from "../../src/kis/catalog/generated/index.js"
import { KisClient } from "../../src/kis/KisClient.js"
import type { KisVariable } from "../../src/kis/KisConfig.js"
import { fastOptions, tempTokenDir } from "../support/kisLoopback.js"
import { CLIENT_ACCOUNT, clockTo, simClientLayer, startTestSim } from "./support/simHarness.js"

const kis = <A, E>(url: string, body: (k: KisClient) => Effect.Effect<A, E>, vars: Partial<Record<KisVariable, string>> = {}) =>
  Effect.gen(function* () {
    const dir = yield* tempTokenDir
    return yield* Effect.provide(Effect.flatMap(KisClient, body), simClientLayer(url, dir, vars))
  })

const TICKER = "SYN001"
const price = (k: KisClient, ticker = TICKER) =>
  k.call(basicQuotes.inquirePrice, { FID_COND_MRKT_DIV_CODE: "J", FID_INPUT_ISCD: ticker }).pipe(Effect.map((r) => r.output!))
const buy = (k: KisClient, qty: number, dvsn: string, unitPrice: number, ticker = TICKER) =>
  k.call(ordersAccount.orderCash, { PDNO: ticker, ORD_DVSN: dvsn, ORD_QTY: String(qty), ORD_UNPR: String(unitPrice) }, { variant: "buy" })
const sell = (k: KisClient, qty: number, dvsn: string, unitPrice: number, ticker = TICKER) =>
  k.call(ordersAccount.orderCash, { PDNO: ticker, ORD_DVSN: dvsn, ORD_QTY: String(qty), ORD_UNPR: String(unitPrice) }, { variant: "sell" })
const balance = (k: KisClient) =>
  k.collect(ordersAccount.inquireBalance, {
    AFHR_FLPR_YN: "N", INQR_DVSN: "02", UNPR_DVSN: "01", FUND_STTL_ICLD_YN: "N", FNCG_AMT_AUTO_RDPT_YN: "N", PRCS_DVSN: "00"
  })
const dailyCcld = (k: KisClient, day = "20240304") =>
  k.collect(ordersAccount.inquireDailyCcld, {
    INQR_STRT_DT: day, INQR_END_DT: day, SLL_BUY_DVSN_CD: "00", ORD_GNO_BRNO: "", CCLD_DVSN: "00", INQR_DVSN: "00",
    INQR_DVSN_1: "", INQR_DVSN_3: "00", EXCG_ID_DVSN_CD: "KRX"
  })
const rvsecncl = (k: KisClient, odno: string, code: "01" | "02", qty: number, unitPrice: number, all = false) =>
  k.call(ordersAccount.orderRvsecncl, {
    KRX_FWDG_ORD_ORGNO: "06010", ORGN_ODNO: odno, ORD_DVSN: "00", RVSE_CNCL_DVSN_CD: code, ORD_QTY: String(qty),
    ORD_UNPR: String(unitPrice), QTY_ALL_ORD_YN: all ? "Y" : "N"
  })
const failureOf = <A, E>(e: Effect.Effect<A, E>) =>
  Effect.map(Effect.exit(e), (exit) => (Exit.isFailure(exit) && exit.cause._tag === "Fail" ? (exit.cause.error as { msgCode?: string; msg1?: string; _tag: string }) : undefined))

describe("kis-sim with the KIS client", () => {
  it.scopedLive("OAuth: token, approval key (secretkey), revocation, and orders sent with a hashkey", () =>
    Effect.gen(function* () {
      const sim = yield* startTestSim()
      yield* clockTo(sim, "09:05")
      const dir = yield* tempTokenDir
      const out = yield* Effect.provide(Effect.flatMap(KisClient, (k) => Effect.gen(function* () {
        const token = Redacted.value(yield* k.accessToken)
        const approval = Redacted.value(yield* k.approvalKey)
        const receipt = yield* buy(k, 1, "01", 0)
        yield* k.revokeToken
        return { token, approval, receipt }
      })), simClientLayer(sim.url, dir, {}, fastOptions({ useHashkey: true })))
      expect(out.token.split(".")).toHaveLength(3)
      expect(out.approval).toHaveLength(36)
      expect(sim.gateway.appKeyOfApproval(out.approval)).toBe(CLIENT_ACCOUNT.appKey)
      expect(out.receipt.output?.odno).toMatch(/^\d{10}$/)
      expect(sim.gateway.checkToken(out.token, Date.now())._tag).toBe("Invalid") // revoked
    }))

  it.scopedLive("a market buy fills at the current path price; balance and daily-ccld show it", () =>
    Effect.gen(function* () {
      const sim = yield* startTestSim()
      yield* clockTo(sim, "09:30")
      const out = yield* kis(sim.url, (k) => Effect.gen(function* () {
        const quote = yield* price(k)
        const receipt = yield* buy(k, 10, "01", 0)
        const pages = yield* balance(k)
        const orders = yield* dailyCcld(k)
        return { quote, receipt, pages, orders }
      }))
      expect(out.receipt.output?.odno).toMatch(/^\d{10}$/)
      expect(out.receipt.output?.krx_fwdg_ord_orgno).toBe("06010")
      const px = Number(out.quote.stck_prpr)
      const holding = out.pages[0]!.output1.find((h) => h.pdno === TICKER)!
      expect(holding.hldg_qty).toBe("10")
      expect(Number(holding.pchs_amt)).toBe(10 * px)
      const summary = out.pages[0]!.output2[0]!
      const fee = Math.floor(10 * px * 0.00015)
      expect(Number(summary.prvs_rcdl_excc_amt)).toBe(CLIENT_ACCOUNT.cash - 10 * px - fee)
      expect(Number(summary.dnca_tot_amt)).toBe(CLIENT_ACCOUNT.cash) // KIS: deposit does not deduct today's buys
      const row = out.orders[0]!.output1.find((r) => r.odno === out.receipt.output?.odno)!
      expect(row).toMatchObject({ tot_ccld_qty: "10", rmn_qty: "0", sll_buy_dvsn_cd: "02", pdno: TICKER, ord_dvsn_cd: "01" })
    }))

  it.scopedLive("a resting limit buy fills exactly when the day's path trades through it, else lapses at the close", () =>
    Effect.gen(function* () {
      const sim = yield* startTestSim()
      yield* clockTo(sim, "09:30")
      const result = yield* kis(sim.url, (k) => Effect.gen(function* () {
        const q = yield* price(k)
        const tick = Number(q.aspr_unit)
        const limits = [Number(q.stck_prpr) - 2 * tick, Number(q.stck_prpr) - 20 * tick]
        const receipts = []
        for (const l of limits) receipts.push(yield* buy(k, 5, "00", l))
        return { limits, odnos: receipts.map((r) => r.output!.odno!) }
      }))
      yield* clockTo(sim, "15:40")
      const { orders, daily } = yield* kis(sim.url, (k) => Effect.all({
        orders: dailyCcld(k),
        daily: k.call(basicQuotes.inquireDailyPrice, { FID_COND_MRKT_DIV_CODE: "J", FID_INPUT_ISCD: TICKER, FID_PERIOD_DIV_CODE: "D", FID_ORG_ADJ_PRC: "1" })
      }))
      const low = Number(daily.output[0]!.stck_lwpr)
      expect(daily.output[0]!.stck_bsop_date).toBe("20240304")
      result.limits.forEach((limit, i) => {
        const row = orders[0]!.output1.find((r) => r.odno === result.odnos[i])!
        expect(row.tot_ccld_qty).toBe(low < limit ? "5" : "0")
        if (low < limit) expect(row.avg_prvs).toBe(String(limit))
        expect(row.rmn_qty).toBe("0") // filled, or lapsed at the close
      })
    }))

  it.scopedLive("revise and cancel answer with new order numbers; partial cancel leaves the rest open", () =>
    Effect.gen(function* () {
      const sim = yield* startTestSim()
      yield* clockTo(sim, "09:10")
      const out = yield* kis(sim.url, (k) => Effect.gen(function* () {
        const q = yield* price(k)
        const low = Number(q.stck_llam)
        const tick = Number(q.aspr_unit)
        const original = (yield* buy(k, 10, "00", low)).output!.odno!
        const revised = (yield* rvsecncl(k, original, "01", 10, low + tick)).output!.odno!
        const partial = (yield* rvsecncl(k, revised, "02", 4, 0)).output!.odno!
        const open = yield* k.collect(ordersAccount.inquirePsblRvsecncl, { INQR_DVSN_1: "0", INQR_DVSN_2: "0" })
        const rest = (yield* rvsecncl(k, revised, "02", 0, 0, true)).output!.odno!
        const again = yield* failureOf(rvsecncl(k, revised, "02", 1, 0))
        const unknown = yield* failureOf(rvsecncl(k, "0009999999", "02", 1, 0))
        const rows = yield* dailyCcld(k)
        return { original, revised, partial, rest, open, again, unknown, rows }
      }))
      expect(new Set([out.original, out.revised, out.partial, out.rest]).size).toBe(4)
      const openRow = out.open[0]!.output.find((r) => r.odno === out.revised)!
      expect(openRow).toMatchObject({ psbl_qty: "6", orgn_odno: out.original })
      expect(out.again?.msg1).toContain("정정/취소할 수량이 없습니다")
      expect(out.unknown?.msg1).toContain("원주문번호가 존재하지 않습니다")
      const rows = out.rows[0]!.output1
      const cancel = rows.find((r) => r.odno === out.partial)!
      expect(cancel).toMatchObject({ orgn_odno: out.revised, cncl_yn: "Y", ord_qty: "4" })
      expect(rows.find((r) => r.odno === out.revised)!.rmn_qty).toBe("0")
      expect(rows.find((r) => r.odno === out.original)!.rmn_qty).toBe("0")
    }))

  it.scopedLive("rejections carry the documented keywords: session, tick, band, cash, holdings", () =>
    Effect.gen(function* () {
      const sim = yield* startTestSim()
      yield* clockTo(sim, "10:00")
      const out = yield* kis(sim.url, (k) => Effect.gen(function* () {
        const q = yield* price(k)
        const tick = Number(q.aspr_unit)
        const px = Number(q.stck_prpr)
        return {
          offTick: yield* failureOf(buy(k, 1, "00", px + 1)),
          band: yield* failureOf(buy(k, 1, "00", Number(q.stck_mxpr) + 10 * tick)),
          cash: yield* failureOf(buy(k, 1_000_000, "00", px)),
          holdings: yield* failureOf(sell(k, 1, "00", px)),
          unknown: yield* failureOf(buy(k, 1, "01", 0, "ZZZ999"))
        }
      }))
      expect(out.offTick?.msg1).toContain("호가단위")
      expect(out.band?.msg1).toContain("상/하한가")
      expect(out.cash?.msg1).toContain("주문가능금액")
      expect(out.holdings?.msg1).toContain("주문가능수량")
      expect(out.unknown?.msgCode).toBe("APBK0656")
      yield* clockTo(sim, "16:30")
      const late = yield* kis(sim.url, (k) => failureOf(buy(k, 1, "01", 0)))
      expect(late?.msg1).toContain("장운영시간")
      yield* clockTo(sim, "08:20", "2024-03-05")
      const early = yield* kis(sim.url, (k) => failureOf(buy(k, 1, "01", 0)))
      expect(early?.msg1).toContain("장운영시간")
    }))

  it.scopedLive("inquire-psbl-order sizes a buy with commission; a full-size buy is then accepted and one more is not", () =>
    Effect.gen(function* () {
      const sim = yield* startTestSim()
      yield* clockTo(sim, "11:00")
      const out = yield* kis(sim.url, (k) => Effect.gen(function* () {
        const q = yield* price(k)
        const px = Number(q.stck_prpr)
        const power = (yield* k.call(ordersAccount.inquirePsblOrder, { PDNO: TICKER, ORD_UNPR: String(px), ORD_DVSN: "00", CMA_EVLU_AMT_ICLD_YN: "N", OVRS_ICLD_YN: "N" })).output!
        const qty = Number(power.nrcvb_buy_qty)
        const ok = yield* buy(k, qty, "00", px)
        const more = yield* failureOf(buy(k, 1, "00", px))
        return { px, power, qty, ok, more }
      }))
      expect(Number(out.power.ord_psbl_cash)).toBe(CLIENT_ACCOUNT.cash)
      expect(out.qty * out.px + Math.floor(out.qty * out.px * 0.00015)).toBeLessThanOrEqual(CLIENT_ACCOUNT.cash)
      expect((out.qty + 1) * out.px + Math.floor((out.qty + 1) * out.px * 0.00015)).toBeGreaterThan(CLIENT_ACCOUNT.cash)
      expect(out.ok.output?.odno).toMatch(/^\d{10}$/)
      expect(out.more?.msg1).toContain("주문가능금액")
    }))

  it.scopedLive("quotes: inquire-price band and tick, daily chart ≤ 100 rows newest first without look-ahead, daily price 30 rows", () =>
    Effect.gen(function* () {
      const sim = yield* startTestSim()
      yield* clockTo(sim, "08:45")
      const before = yield* kis(sim.url, (k) => price(k))
      yield* clockTo(sim, "13:00")
      const out = yield* kis(sim.url, (k) => Effect.all({
        q: price(k),
        chart: k.call(basicQuotes.inquireDailyItemchartprice, {
          FID_COND_MRKT_DIV_CODE: "J", FID_INPUT_ISCD: TICKER, FID_INPUT_DATE_1: "20230101", FID_INPUT_DATE_2: "20251231",
          FID_PERIOD_DIV_CODE: "D", FID_ORG_ADJ_PRC: "0"
        }),
        weekly: k.call(basicQuotes.inquireDailyItemchartprice, {
          FID_COND_MRKT_DIV_CODE: "J", FID_INPUT_ISCD: TICKER, FID_INPUT_DATE_1: "20240101", FID_INPUT_DATE_2: "20240304",
          FID_PERIOD_DIV_CODE: "W", FID_ORG_ADJ_PRC: "0"
        }),
        daily: k.call(basicQuotes.inquireDailyPrice, { FID_COND_MRKT_DIV_CODE: "J", FID_INPUT_ISCD: TICKER, FID_PERIOD_DIV_CODE: "D", FID_ORG_ADJ_PRC: "0000000001" })
      }))
      expect(before.acml_vol).toBe("0")
      expect(before.stck_prpr).toBe(before.stck_sdpr) // before the open: the base price
      const base = Number(out.q.stck_sdpr)
      expect(Number(out.q.stck_mxpr)).toBeLessThanOrEqual(Math.floor(base * 1.3))
      expect(Number(out.q.stck_llam)).toBeGreaterThanOrEqual(Math.ceil(base * 0.7))
      expect(out.q.aspr_unit).toBe(Number(out.q.stck_prpr) < 20_000 ? "10" : "50")
      const rows = out.chart.output2
      expect(rows).toHaveLength(100)
      expect(rows[0]!.stck_bsop_date).toBe("20240304")
      expect(rows[0]!.stck_clpr).toBe(out.q.stck_prpr) // today's partial bar, not the day's close
      expect(rows.every((r, i) => i === 0 || r.stck_bsop_date! < rows[i - 1]!.stck_bsop_date!)).toBe(true)
      expect(out.weekly.output2.length).toBeLessThanOrEqual(10)
      expect(out.daily.output).toHaveLength(30)
    }))

  it.scopedLive("statements are point in time; chk-holiday follows the KRX calendar", () =>
    Effect.gen(function* () {
      const sim = yield* startTestSim()
      const out = yield* kis(sim.url, (k) => Effect.all({
        bs: k.call(stockInfo.balanceSheet, { FID_DIV_CLS_CODE: "0", FID_COND_MRKT_DIV_CODE: "J", FID_INPUT_ISCD: TICKER }),
        is: k.call(stockInfo.incomeStatement, { FID_DIV_CLS_CODE: "1", FID_COND_MRKT_DIV_CODE: "J", FID_INPUT_ISCD: TICKER }),
        ratio: k.call(stockInfo.financialRatio, { FID_DIV_CLS_CODE: "0", FID_COND_MRKT_DIV_CODE: "J", FID_INPUT_ISCD: TICKER }),
        holidays: k.call(sectorMisc.chkHoliday, { BASS_DT: "20240301" })
      }))
      expect(out.bs.output[0]!.stac_yymm).toBe("202212") // FY2023 is known only 90 days after its end (2024-03-30)
      expect(out.is.output[0]!.stac_yymm).toBe("202312") // Q4 2023 is known 45 days after its end (2024-02-14)
      expect(out.bs.output.map((r) => Object.keys(r).length)).toContain(11)
      expect(out.ratio.output.length).toBeGreaterThan(0)
      const days = new Map(out.holidays.output.map((r) => [r.bass_dt, r.opnd_yn]))
      expect(days.get("20240301")).toBe("N") // 삼일절
      expect(days.get("20240302")).toBe("N") // Saturday
      expect(days.get("20240304")).toBe("Y")
    }))

  it.scopedLive("ksdinfo/dividend lists record dates up to the simulated day; search-stock-info answers from universe.json", () =>
    Effect.gen(function* () {
      const sim = yield* startTestSim({}, 4)
      const dividends = (code: string, kind: string) =>
        (k: KisClient) => k.call(stockInfo.dividend, { CTS: "", GB1: kind, F_DT: "20200101", T_DT: "20251231", SHT_CD: code, HIGH_GB: "" })
      const out = yield* kis(sim.url, (k) => Effect.all({
        all: dividends(TICKER, "0")(k),
        interim: dividends(TICKER, "2")(k),
        everyone: dividends("", "1")(k),
        kospi: k.call(stockInfo.searchStockInfo, { PRDT_TYPE_CD: "300", PDNO: TICKER }),
        kosdaq: k.call(stockInfo.searchStockInfo, { PRDT_TYPE_CD: "300", PDNO: "00000ASYN004" })
      }))
      // the sim is on 2024-03-04: the 2024 and 2025 year-end dividends are not known yet
      expect(out.all.output1.map((r) => [r.record_date, r.sht_cd, r.divi_kind, r.per_sto_divi_amt, r.stk_kind])).toEqual([
        ["20231231", "SYN001", "결산", "000000000920", "보통"],
        ["20221231", "SYN001", "결산", "000000000670", "보통"],
        ["20211231", "SYN001", "결산", "000000000500", "보통"],
        ["20201231", "SYN001", "결산", "000000000490", "보통"]
      ])
      expect(out.interim.output1).toEqual([]) // GB1 2: interim dividends only; the sample pays year-end ones
      expect(new Set(out.everyone.output1.map((r) => r.sht_cd))).toEqual(new Set(["SYN001", "SYN002", "SYN003", "SYN004"]))
      expect(out.everyone.output1.every((r, i, rs) => i === 0 || r.record_date! <= rs[i - 1]!.record_date!)).toBe(true)
      expect(out.kospi.output).toMatchObject({
        pdno: "00000ASYN001", mket_id_cd: "STK", setl_mmdd: "12", lstg_stqt: "110229000", scts_mket_lstg_dt: "20020315", prdt_abrv_name: "Synthetic Steel 01"
      })
      expect(out.kosdaq.output).toMatchObject({ pdno: "00000ASYN004", mket_id_cd: "KSQ", lstg_stqt: "28623000", kosdaq_mket_lstg_dt: "19950215", scts_mket_lstg_dt: "" })
    }))

  it.scopedLive("ksdinfo/dividend and search-stock-info are real-only: the mock profile answers 90000000", () =>
    Effect.gen(function* () {
      const sim = yield* startTestSim({ profile: "mock" })
      const errors = yield* kis(sim.url, (k) => Effect.all([
        failureOf(k.call(stockInfo.dividend, { CTS: "", GB1: "0", F_DT: "20200101", T_DT: "20241231", SHT_CD: TICKER, HIGH_GB: "" })),
        failureOf(k.call(stockInfo.searchStockInfo, { PRDT_TYPE_CD: "300", PDNO: TICKER }))
      ]), { KIS_ENV: "mock" })
      expect(errors.map((e) => e?._tag)).toEqual(["KisNotOnMock", "KisNotOnMock"])
    }))

  it.scopedLive("paging on the mock profile: 15 daily-ccld rows and 20 holdings a page, all collected", () =>
    Effect.gen(function* () {
      const sim = yield* startTestSim({ profile: "mock" }, 22)
      yield* clockTo(sim, "10:00")
      const out = yield* kis(sim.url, (k) => Effect.gen(function* () {
        for (let i = 1; i <= 22; i++) yield* buy(k, 1, "01", 0, `SYN${String(i).padStart(3, "0")}`)
        return { orders: yield* dailyCcld(k), holdings: yield* balance(k) }
      }), { KIS_ENV: "mock" })
      expect(out.orders.map((p) => p.output1.length)).toEqual([15, 7])
      expect(out.holdings.map((p) => p.output1.length)).toEqual([20, 2])
      expect(new Set(out.holdings.flatMap((p) => p.output1.map((h) => h.pdno))).size).toBe(22)
    }))
})
