// kis-sim's injected faults seen through the KIS client and raw sockets (dropped order responses, HTTP 5xx, latency,
// duplicate and late notices), and a restart that keeps cash, positions, orders, fills, order numbers and the clock.
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Redacted } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import WebSocket from "ws"
import { basicQuotes, ordersAccount } from "../../src/kis/catalog/generated/index.js"
import { KisClient } from "../../src/kis/KisClient.js"
import { DEMO_ACCOUNT } from "../../src/sim/accounts.js"
import type { KisSimHandle } from "../../src/sim/server.js"
import { tempTokenDir } from "../support/kisLoopback.js"
import { rawCall, rawToken } from "./support/rawHttp.js"
import { CLIENT_ACCOUNT, clockTo, simClientLayer, startTestSim } from "./support/simHarness.js"

const withKis = <A, E>(sim: KisSimHandle, body: (k: KisClient) => Effect.Effect<A, E>) =>
  Effect.gen(function* () {
    const dir = yield* tempTokenDir
    return yield* Effect.provide(Effect.flatMap(KisClient, body), simClientLayer(sim.url, dir))
  })
const marketBuy = (k: KisClient, qty: number) =>
  k.call(ordersAccount.orderCash, { PDNO: "SYN001", ORD_DVSN: "01", ORD_QTY: String(qty), ORD_UNPR: "0" }, { variant: "buy" })
const todaysOrders = (k: KisClient) =>
  k.call(ordersAccount.inquireDailyCcld, {
    INQR_STRT_DT: "20240304", INQR_END_DT: "20240304", SLL_BUY_DVSN_CD: "00", ORD_GNO_BRNO: "", CCLD_DVSN: "00", INQR_DVSN: "00",
    INQR_DVSN_1: "", INQR_DVSN_3: "00", EXCG_ID_DVSN_CD: "KRX"
  }).pipe(Effect.map((r) => r.output1))
const quote = (k: KisClient) => k.call(basicQuotes.inquirePrice, { FID_COND_MRKT_DIV_CODE: "J", FID_INPUT_ISCD: "SYN001" })
const setFaults = (sim: KisSimHandle, body: unknown) => rawCall(sim.url, "POST", "/sim/admin/faults", {}, body)

const tempStateDir = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(path.join(tmpdir(), "kis-sim-state-"))),
  (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
)

describe("kis-sim faults", () => {
  it.scopedLive("a dropped order response is an unknown outcome for the client, yet the order exists at the exchange", () =>
    Effect.gen(function* () {
      const sim = yield* startTestSim()
      yield* clockTo(sim, "09:45")
      expect((yield* setFaults(sim, { dropOrderResponses: 1 })).body.dropOrderResponses).toBe(1)
      const out = yield* withKis(sim, (k) => Effect.gen(function* () {
        const lost = yield* Effect.exit(marketBuy(k, 3))
        return { lost, rows: yield* todaysOrders(k) }
      }))
      expect(Exit.isFailure(out.lost) && out.lost.cause._tag === "Fail" && out.lost.cause.error._tag).toBe("KisOutcomeUnknown")
      expect(out.rows).toHaveLength(1)
      expect(out.rows[0]).toMatchObject({ ord_qty: "3", tot_ccld_qty: "3" })
      expect(sim.faults.dropOrderResponses).toBe(0)
    }))

  it.scopedLive("HTTP 5xx answers are retried by reads; latency delays every answer", () =>
    Effect.gen(function* () {
      const sim = yield* startTestSim()
      yield* setFaults(sim, { httpErrors: 2, httpErrorStatus: 503, latencyMs: 120 })
      const started = Date.now()
      const out = yield* withKis(sim, (k) => quote(k))
      expect(out.output?.stck_shrn_iscd).toBe("SYN001")
      expect(sim.faults.httpErrors).toBe(0)
      expect(Date.now() - started).toBeGreaterThanOrEqual(3 * 120) // token + two failures + the answer
      const cleared = yield* rawCall(sim.url, "DELETE", "/sim/admin/faults")
      expect(cleared.body.latencyMs).toBe(0)
    }))

  it.scopedLive("duplicate notices arrive twice; late notices arrive after the order's HTTP answer", () =>
    Effect.gen(function* () {
      const sim = yield* startTestSim()
      yield* clockTo(sim, "10:00")
      const token = yield* rawToken(sim.url, CLIENT_ACCOUNT.appKey, CLIENT_ACCOUNT.appSecret)
      const approval = yield* withKis(sim, (k) => Effect.map(k.approvalKey, Redacted.value))
      const frames: Array<{ readonly text: string; readonly at: number }> = []
      const ws = yield* Effect.acquireRelease(
        Effect.async<WebSocket>((resume) => {
          const s = new WebSocket(sim.wsUrl)
          s.on("message", (d) => frames.push({ text: d.toString(), at: Date.now() }))
          s.once("open", () => resume(Effect.succeed(s)))
        }),
        (s) => Effect.sync(() => s.terminate()))
      ws.send(JSON.stringify({ header: { approval_key: approval, custtype: "P", tr_type: "1", "content-type": "utf-8" }, body: { input: { tr_id: "H0STCNI0", tr_key: CLIENT_ACCOUNT.htsId } } }))
      yield* Effect.sleep("100 millis")
      yield* setFaults(sim, { duplicateNotices: true, noticeDelayMs: 300 })
      const [cano, prdt] = CLIENT_ACCOUNT.accountNo.split("-") as [string, string]
      const order = yield* rawCall(sim.url, "POST", "/uapi/domestic-stock/v1/trading/order-cash",
        { authorization: `Bearer ${token}`, appkey: CLIENT_ACCOUNT.appKey, appsecret: CLIENT_ACCOUNT.appSecret, tr_id: "TTTC0012U" },
        { CANO: cano, ACNT_PRDT_CD: prdt, PDNO: "SYN001", ORD_DVSN: "01", ORD_QTY: "1", ORD_UNPR: "0" })
      const answeredAt = Date.now()
      expect(order.body.rt_cd).toBe("0")
      const noticesSoFar = () => frames.filter((f) => f.text.startsWith("1|H0STCNI0|001|"))
      // the notices come 300 ms after the order; a loaded machine may take longer, so wait for them (up to 5 s)
      for (let waited = 0; noticesSoFar().length < 4 && waited < 5_000; waited += 20) yield* Effect.sleep("20 millis")
      yield* Effect.sleep("200 millis") // and a little longer: no fifth one may follow
      const notices = noticesSoFar()
      expect(notices).toHaveLength(4) // acknowledgement and fill, each twice
      expect(notices[0]!.text).toBe(notices[1]!.text)
      expect(notices.every((n) => n.at >= answeredAt)).toBe(true)
    }))
})

describe("kis-sim restart", () => {
  it.scopedLive("state under --state survives a restart: cash, positions, orders, fills, order numbers, clock", () =>
    Effect.gen(function* () {
      const stateDir = yield* tempStateDir
      const first = yield* Effect.scoped(Effect.gen(function* () {
        const sim = yield* startTestSim({ stateDir })
        yield* clockTo(sim, "11:00")
        const receipt = yield* withKis(sim, (k) => marketBuy(k, 4))
        const account = sim.exchange.accountOfAppKey(CLIENT_ACCOUNT.appKey)!
        return { odno: receipt.output!.odno!, cash: account.book.cash, now: sim.exchange.now, fills: sim.exchange.fills.length }
      }))
      const sim = yield* startTestSim({ stateDir })
      const account = sim.exchange.accountOfAppKey(CLIENT_ACCOUNT.appKey)!
      expect(account.book.cash).toBe(first.cash)
      expect(sim.exchange.now).toBe(first.now)
      expect(sim.exchange.fills).toHaveLength(first.fills)
      const out = yield* withKis(sim, (k) => Effect.gen(function* () {
        const next = yield* marketBuy(k, 1)
        return { next, rows: yield* todaysOrders(k) }
      }))
      expect(Number(out.next.output!.odno)).toBe(Number(first.odno) + 1)
      expect(out.rows.map((r) => r.odno).sort()).toEqual([first.odno, out.next.output!.odno].sort())
      expect(sim.exchange.accountOfAppKey(DEMO_ACCOUNT.appKey)!.book.cash).toBe(DEMO_ACCOUNT.cash)
    }))
})
