// KisClient against a loopback KIS server: tokens (disk cache, refresh, EGW00133 waits, replay of reads only),
// retries of reads, never of orders, request deadlines, aborts on interruption, continuation paging, TR choice per
// environment, and no secret in any log.
import { describe, expect, it } from "@effect/vitest"
import { HttpClientRequest } from "@effect/platform"
import { Duration, Effect, Exit, Fiber, HashMap, Logger, LogLevel, Redacted, Ref, Schedule } from "effect"
import { readdirSync, statSync } from "node:fs"
import { createServer } from "node:http"
import path from "node:path"
import { basicQuotes, ordersAccount, stockInfo } from "../../src/kis/catalog/generated/index.js"
import { KisClient, RedactKisHeaders } from "../../src/kis/KisClient.js"
import {
  fastOptions, issueToken, kisClientLayer, kisError, ok, startKisLoopback, tempTokenDir, TEST_SECRETS
} from "../support/kisLoopback.js"

const PRICE = "/uapi/domestic-stock/v1/quotations/inquire-price"
const BALANCE = "/uapi/domestic-stock/v1/trading/inquire-balance"
const ORDER = "/uapi/domestic-stock/v1/trading/order-cash"
const TOKEN = "/oauth2/tokenP"

const priceOk = ok({ output: { stck_prpr: "71900", stck_oprc: "71000", stck_hgpr: "72000", stck_lwpr: "70900", acml_vol: "100", stck_sdpr: "71500" } })
const orderOk = ok({ msg_cd: "APBK0013", output: { KRX_FWDG_ORD_ORGNO: "06010", ODNO: "0001569157", ORD_TMD: "155211" } })
const buy = { PDNO: "005930", ORD_DVSN: "00", ORD_QTY: "1", ORD_UNPR: "71900" }

/**
 * A KIS server that issues tokens and never answers anything else; it lists the requests it leaves open, and those
 * whose connection the client closed.
 */
const startSilentKis = Effect.acquireRelease(
  Effect.async<{ readonly url: string; readonly unanswered: Array<string>; readonly abandoned: Array<string>; readonly close: () => void }>((resume) => {
    const unanswered: Array<string> = []
    const abandoned: Array<string> = []
    const server = createServer((req, res) => {
      req.resume()
      const path = req.url?.split("?")[0] ?? ""
      if (path === TOKEN) return req.on("end", () => res.end(JSON.stringify({ access_token: "silent-token", token_type: "Bearer", expires_in: 86_400 })))
      unanswered.push(path)
      res.on("close", () => abandoned.push(path))
    })
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const close = () => {
        server.closeAllConnections()
        server.close()
      }
      resume(Effect.succeed({ url: `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`, unanswered, abandoned, close }))
    })
  }),
  (silent) => Effect.sync(() => silent.close()))

const quote = Effect.flatMap(KisClient, (kis) => kis.call(basicQuotes.inquirePrice, { FID_COND_MRKT_DIV_CODE: "J", FID_INPUT_ISCD: "005930" }))
const order = Effect.flatMap(KisClient, (kis) => kis.call(ordersAccount.orderCash, buy, { variant: "buy" }))

describe("KisClient tokens", () => {
  it.scopedLive("issues once, caches on disk (0600, hashed name) and reuses the token in a new client", () =>
    Effect.gen(function* () {
      const server = yield* startKisLoopback((r) => (r.path === PRICE ? priceOk : undefined))
      const dir = yield* tempTokenDir
      const layer = kisClientLayer(server.url, dir)
      yield* Effect.provide(Effect.zipRight(quote, quote), layer)
      yield* Effect.provide(quote, layer) // a second client (a restart) reads the cache
      expect(server.to(TOKEN)).toHaveLength(1)
      const files = readdirSync(dir)
      expect(files).toHaveLength(1)
      expect(files[0]).not.toContain(TEST_SECRETS.appKey)
      expect(statSync(path.join(dir, files[0]!)).mode & 0o777).toBe(0o600)
      const p = server.to(PRICE)[2]!
      expect(p.headers["authorization"]).toBe("Bearer loopback-token-1-eyJhbGciOi")
      expect(p.headers["appkey"]).toBe(TEST_SECRETS.appKey)
      expect(p.headers["tr_id"]).toBe("FHKST01010100")
      expect(p.headers["custtype"]).toBe("P")
    }))

  it.scopedLive("two clients sharing a token dir concurrently issue one token", () =>
    Effect.gen(function* () {
      const server = yield* startKisLoopback((r) => (r.path === PRICE ? priceOk : undefined))
      const dir = yield* tempTokenDir
      yield* Effect.all([Effect.provide(quote, kisClientLayer(server.url, dir)), Effect.provide(quote, kisClientLayer(server.url, dir))], { concurrency: 2 })
      expect(server.to(TOKEN)).toHaveLength(1)
    }))

  it.scopedLive("refreshes a token with less than 10 minutes left", () =>
    Effect.gen(function* () {
      const server = yield* startKisLoopback((r, s) => (r.path === TOKEN ? issueToken(s, 300) : r.path === PRICE ? priceOk : undefined))
      const dir = yield* tempTokenDir
      yield* Effect.provide(Effect.zipRight(quote, Effect.zipRight(Effect.sleep("80 millis"), quote)), kisClientLayer(server.url, dir))
      expect(server.to(TOKEN)).toHaveLength(2)
      expect(server.to(PRICE)[1]!.headers["authorization"]).toBe("Bearer loopback-token-2-eyJhbGciOi")
    }))

  it.scopedLive("waits out EGW00133 (HTTP 403) instead of asking again at once", () =>
    Effect.gen(function* () {
      const server = yield* startKisLoopback((r, s) =>
        r.path === TOKEN
          ? s.to(TOKEN).length === 1
            ? { status: 403, body: { error_code: "EGW00133", error_description: "접근토큰 발급 잠시 후 다시 시도하세요(1분당 1회)" } }
            : issueToken(s)
          : r.path === PRICE ? priceOk : undefined)
      const dir = yield* tempTokenDir
      yield* Effect.provide(quote, kisClientLayer(server.url, dir))
      const [first, second] = server.to(TOKEN)
      expect(server.to(TOKEN)).toHaveLength(2)
      expect(second!.at - first!.at).toBeGreaterThanOrEqual(290) // throttleWait is 300 ms in tests (61 s in production)
    }))

  it.scopedLive("invalid app key (EGW00103) is a KisAuthenticationError", () =>
    Effect.gen(function* () {
      const server = yield* startKisLoopback((r) =>
        r.path === TOKEN ? { status: 403, body: { error_code: "EGW00103", error_description: "유효하지 않은 AppKey입니다." } } : undefined)
      const dir = yield* tempTokenDir
      const exit = yield* Effect.exit(Effect.provide(quote, kisClientLayer(server.url, dir)))
      expect(exit).toStrictEqual(Exit.fail(expect.anything()))
      if (Exit.isFailure(exit)) expect(String(exit.cause)).toContain("EGW00103")
      expect(server.to(PRICE)).toHaveLength(0)
    }))

  it.scopedLive("an expired token (EGW00123) is refreshed once and a read replayed once", () =>
    Effect.gen(function* () {
      const server = yield* startKisLoopback((r, s) =>
        r.path === PRICE ? (s.to(PRICE).length === 1 ? kisError("EGW00123", "기간이 만료된 token 입니다.", 500) : priceOk) : undefined)
      const dir = yield* tempTokenDir
      const q = yield* Effect.provide(quote, kisClientLayer(server.url, dir))
      expect(q.output?.stck_prpr).toBe("71900")
      expect(server.to(TOKEN)).toHaveLength(2)
      expect(server.to(PRICE)).toHaveLength(2)
      expect(server.to(PRICE)[1]!.headers["authorization"]).toBe("Bearer loopback-token-2-eyJhbGciOi")
    }))

  it.scopedLive("an expired token on an order is not replayed", () =>
    Effect.gen(function* () {
      const server = yield* startKisLoopback((r) => (r.path === ORDER ? kisError("EGW00121", "유효하지 않은 token 입니다.", 500) : undefined))
      const dir = yield* tempTokenDir
      const err = yield* Effect.flip(Effect.provide(order, kisClientLayer(server.url, dir)))
      expect(err._tag).toBe("KisApiError")
      expect(server.to(ORDER)).toHaveLength(1)
    }))
})

describe("KisClient OAuth helpers", () => {
  it.scopedLive("approval key request names the secret `secretkey`; revoke posts the token and forgets it", () =>
    Effect.gen(function* () {
      const server = yield* startKisLoopback((r) =>
        r.path === "/oauth2/Approval" ? { body: { approval_key: "a2585daf-8c09-4587-9fce-0123456789ab" } }
          : r.path === "/oauth2/revokeP" ? { body: { code: 200, message: "접근토큰 폐기에 성공하였습니다" } }
          : r.path === PRICE ? priceOk : undefined)
      const dir = yield* tempTokenDir
      yield* Effect.gen(function* () {
        const kis = yield* KisClient
        const key = yield* kis.approvalKey
        expect(Redacted.value(key)).toBe("a2585daf-8c09-4587-9fce-0123456789ab")
        yield* quote
        yield* kis.revokeToken
        yield* quote
      }).pipe(Effect.provide(kisClientLayer(server.url, dir)))
      expect(JSON.parse(server.to("/oauth2/Approval")[0]!.body)).toStrictEqual({
        grant_type: "client_credentials", appkey: TEST_SECRETS.appKey, secretkey: TEST_SECRETS.appSecret
      })
      expect(JSON.parse(server.to("/oauth2/revokeP")[0]!.body).token).toBe("loopback-token-1-eyJhbGciOi")
      expect(server.to(TOKEN)).toHaveLength(2)
      expect(readdirSync(dir).filter((f) => f.endsWith(".json"))).toHaveLength(1)
    }))

  it.scopedLive("with hashkeys on, an order carries the hash of its exact body", () =>
    Effect.gen(function* () {
      const server = yield* startKisLoopback((r) =>
        r.path === "/uapi/hashkey" ? { body: { BODY: JSON.parse(r.body), HASH: "ab".repeat(32) } } : r.path === ORDER ? orderOk : undefined)
      const dir = yield* tempTokenDir
      yield* Effect.provide(order, kisClientLayer(server.url, dir, {}, fastOptions({ useHashkey: true })))
      const [hash] = server.to("/uapi/hashkey")
      const [sent] = server.to(ORDER)
      expect(hash!.body).toBe(sent!.body)
      expect(sent!.headers["hashkey"]).toBe("ab".repeat(32))
      expect(hash!.headers["authorization"]).toBeUndefined()
    }))
})

describe("KisClient requests", () => {
  it.scopedLive("retries a read on EGW00201 sent as HTTP 500 and on a 502 without envelope", () =>
    Effect.gen(function* () {
      const server = yield* startKisLoopback((r, s) => {
        if (r.path !== PRICE) return undefined
        const n = s.to(PRICE).length
        return n === 1 ? kisError("EGW00201", "초당 거래건수를 초과하였습니다.", 500) : n === 2 ? { status: 502, body: "<html>bad gateway</html>" } : priceOk
      })
      const dir = yield* tempTokenDir
      const q = yield* Effect.provide(quote, kisClientLayer(server.url, dir))
      expect(q.msg1).toBe("정상처리 되었습니다.")
      expect(server.to(PRICE)).toHaveLength(3)
    }))

  it.scopedLive("never retries an order: EGW00201 fails once, a dropped response is KisOutcomeUnknown", () =>
    Effect.gen(function* () {
      const limited = yield* startKisLoopback((r) => (r.path === ORDER ? kisError("EGW00201", "초당 거래건수를 초과하였습니다.", 500) : undefined))
      const dir = yield* tempTokenDir
      const e1 = yield* Effect.flip(Effect.provide(order, kisClientLayer(limited.url, dir)))
      expect(e1._tag).toBe("KisRateLimitError")
      expect(limited.to(ORDER)).toHaveLength(1)

      const dropping = yield* startKisLoopback((r) => (r.path === ORDER ? "drop" : undefined))
      const e2 = yield* Effect.flip(Effect.provide(order, kisClientLayer(dropping.url, dir)))
      expect(e2._tag).toBe("KisOutcomeUnknown")
      expect(dropping.to(ORDER)).toHaveLength(1)
      expect(JSON.parse(dropping.to(ORDER)[0]!.body)).toStrictEqual({ CANO: "87654321", ACNT_PRDT_CD: "01", ...buy })
      expect(dropping.to(ORDER)[0]!.headers["tr_id"]).toBe("TTTC0012U")

      const garbled = yield* startKisLoopback((r) => (r.path === ORDER ? { status: 500, body: "Internal Server Error" } : undefined))
      const e3 = yield* Effect.flip(Effect.provide(order, kisClientLayer(garbled.url, dir)))
      expect(e3._tag).toBe("KisOutcomeUnknown")
      expect(garbled.to(ORDER)).toHaveLength(1)
    }))

  it.scopedLive("unanswered requests end at their own deadlines: a read times out after its retries, an order is KisOutcomeUnknown", () =>
    Effect.gen(function* () {
      const silent = yield* startSilentKis
      const dir = yield* tempTokenDir
      const options = fastOptions({ requestTimeout: Duration.millis(300), readRetry: Schedule.recurs(1) })
      const started = Date.now()
      const elapsed = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.map(effect, (a) => [a, Date.now() - started] as const)
      const [[read, readAt], [placed, placedAt]] = yield* Effect.all([
        elapsed(Effect.flip(quote)),
        elapsed(Effect.flip(Effect.zipRight(Effect.sleep("100 millis"), order)))
      ], { concurrency: 2 }).pipe(Effect.provide(kisClientLayer(silent.url, dir, {}, options)))
      expect(read._tag === "KisTransportError" && [read.reason, read.beforeSend]).toStrictEqual(["timed out", false])
      expect(placed._tag === "KisOutcomeUnknown" && placed.reason).toBe("no response in time")
      expect(silent.unanswered.filter((p) => p === PRICE)).toHaveLength(2) // sent, timed out, retried once
      expect(silent.unanswered.filter((p) => p === ORDER)).toHaveLength(1) // never retried
      expect(placedAt).toBeGreaterThanOrEqual(100 + 300)
      expect(placedAt).toBeLessThan(readAt) // its deadline is its own, not the earlier read's
      expect(readAt).toBeGreaterThanOrEqual(2 * 300)
    }))

  it.scopedLive("interrupting a call aborts its request on the wire", () =>
    Effect.gen(function* () {
      const silent = yield* startSilentKis
      const dir = yield* tempTokenDir
      yield* Effect.gen(function* () {
        const waiting = yield* Effect.fork(order)
        while (silent.unanswered.length === 0) yield* Effect.sleep("5 millis")
        expect(silent.abandoned).toHaveLength(0)
        yield* Fiber.interrupt(waiting)
        for (let waited = 0; silent.abandoned.length === 0 && waited < 2000; waited += 5) yield* Effect.sleep("5 millis")
        expect(silent.abandoned).toStrictEqual([ORDER]) // long before the 5 s request deadline
      }).pipe(Effect.provide(kisClientLayer(silent.url, dir)))
    }))

  it.scopedLive("an order to a closed port is a KisTransportError that provably never left", () =>
    Effect.gen(function* () {
      const dir = yield* tempTokenDir
      const closedUrl = yield* Effect.scoped(Effect.map(startKisLoopback(() => undefined), (s) => s.url))
      const e = yield* Effect.flip(Effect.provide(order, kisClientLayer(closedUrl, dir)))
      // The token request fails first here: still nothing about the order can have been sent.
      expect(e._tag).toBe("KisTransportError")
      if (e._tag === "KisTransportError") expect(e.beforeSend).toBe(true)
    }))

  it.scopedLive("parses an order response's upper-case keys", () =>
    Effect.gen(function* () {
      const server = yield* startKisLoopback((r) => (r.path === ORDER ? orderOk : undefined))
      const dir = yield* tempTokenDir
      const res = yield* Effect.provide(order, kisClientLayer(server.url, dir))
      expect(res.output?.odno).toBe("0001569157")
      expect(res.output?.krx_fwdg_ord_orgno).toBe("06010")
    }))

  it.scopedLive("a business rejection with rt_cd 1 is a KisApiError with trimmed msg1", () =>
    Effect.gen(function* () {
      const server = yield* startKisLoopback((r) => (r.path === ORDER ? kisError("APBK0919", "주문가능금액을 초과 했습니다    ") : undefined))
      const dir = yield* tempTokenDir
      const e = yield* Effect.flip(Effect.provide(order, kisClientLayer(server.url, dir)))
      expect(e._tag === "KisApiError" && [e.msgCode, e.msg1, e.trId]).toStrictEqual(["APBK0919", "주문가능금액을 초과 했습니다", "TTTC0012U"])
    }))

  it.scopedLive("pages with tr_cont F/M/D, feeding ctx_area_* back and sending tr_cont N", () =>
    Effect.gen(function* () {
      const server = yield* startKisLoopback((r, s) => {
        if (r.path !== BALANCE) return undefined
        const n = ((s.to(BALANCE).length - 1) % 3) + 1 // each collect sees pages 1, 2, 3
        return ok({
          ctx_area_fk100: `fk-${n}   `, ctx_area_nk100: `nk-${n}   `,
          output1: [{ pdno: "005930", hldg_qty: String(n) }], output2: [{ dnca_tot_amt: "1000" }]
        }, { tr_cont: n === 1 ? "F" : n === 2 ? "M" : "D" })
      })
      const dir = yield* tempTokenDir
      const params = { AFHR_FLPR_YN: "N", OFL_YN: "", INQR_DVSN: "02", UNPR_DVSN: "01", FUND_STTL_ICLD_YN: "N", FNCG_AMT_AUTO_RDPT_YN: "N", PRCS_DVSN: "00" }
      const pages = yield* Effect.provide(Effect.flatMap(KisClient, (k) => k.collect(ordersAccount.inquireBalance, params)), kisClientLayer(server.url, dir))
      expect(pages.map((p) => p.output1[0]?.hldg_qty)).toStrictEqual(["1", "2", "3"])
      const sent = server.to(BALANCE)
      expect(sent.map((r) => r.headers["tr_cont"])).toStrictEqual([undefined, "N", "N"])
      expect(sent.map((r) => r.query.get("CTX_AREA_FK100"))).toStrictEqual(["", "fk-1   ", "fk-2   "])
      expect(sent[0]!.query.get("CANO")).toBe("87654321")

      const capped = yield* Effect.flip(Effect.provide(
        Effect.flatMap(KisClient, (k) => k.collect(ordersAccount.inquireBalance, params, { maxPages: 1 })), kisClientLayer(server.url, dir)))
      expect(capped._tag === "KisValidationError" && capped.field).toBe("maxPages")
    }))

  it.scopedLive("chooses mock TRs on mock, answers KisNotOnMock and KisValidationError without sending", () =>
    Effect.gen(function* () {
      const server = yield* startKisLoopback((r) => (r.path === BALANCE ? ok({ output1: [], output2: [] }) : undefined))
      const dir = yield* tempTokenDir
      const mock = kisClientLayer(server.url, dir, { KIS_ENV: "mock" })
      const params = { AFHR_FLPR_YN: "N", OFL_YN: "", INQR_DVSN: "02", UNPR_DVSN: "01", FUND_STTL_ICLD_YN: "N", FNCG_AMT_AUTO_RDPT_YN: "N", PRCS_DVSN: "00" }
      yield* Effect.provide(Effect.flatMap(KisClient, (k) => k.call(ordersAccount.inquireBalance, params)), mock)
      expect(server.to(BALANCE)[0]!.headers["tr_id"]).toBe("VTTC8434R")
      const notOnMock = yield* Effect.flip(Effect.provide(
        Effect.flatMap(KisClient, (k) => k.call(stockInfo.balanceSheet, { FID_DIV_CLS_CODE: "0", FID_COND_MRKT_DIV_CODE: "J", FID_INPUT_ISCD: "005930" })), mock))
      expect(notOnMock._tag).toBe("KisNotOnMock")
      const missing = yield* Effect.flip(Effect.provide(
        Effect.flatMap(KisClient, (k) => k.call(basicQuotes.inquirePrice, { FID_COND_MRKT_DIV_CODE: "J" } as never)), mock))
      expect(missing._tag === "KisValidationError" && missing.field).toBe("FID_INPUT_ISCD")
      expect(server.requests.filter((r) => r.path !== TOKEN && r.path !== BALANCE)).toHaveLength(0)
    }))

  it.scopedLive("no log line or error message carries the app key, secret, token or account number", () =>
    Effect.gen(function* () {
      const lines = yield* Ref.make<ReadonlyArray<string>>([])
      const capture = Logger.make(({ message, annotations, cause }) => {
        const text = `${String(message)} ${JSON.stringify([...HashMap.toEntries(annotations)])} ${String(cause)}`
        Effect.runSync(Ref.update(lines, (ls) => [...ls, text]))
      })
      const server = yield* startKisLoopback((r, s) =>
        r.path === PRICE ? (s.to(PRICE).length === 1 ? kisError("EGW00123", "expired", 500) : priceOk)
          : r.path === ORDER ? "drop" : undefined)
      const dir = yield* tempTokenDir
      const run = Effect.gen(function* () {
        yield* quote
        const e = yield* Effect.flip(order)
        yield* Effect.logError("order failed", e)
        const kis = yield* KisClient
        yield* Effect.logInfo("settings", kis.settings)
        // What a user would log while debugging: a request with the KIS credential headers.
        yield* Effect.logDebug(HttpClientRequest.get(server.url, { headers: { appkey: TEST_SECRETS.appKey, appsecret: TEST_SECRETS.appSecret } }))
      })
      yield* run.pipe(
        Effect.provide(kisClientLayer(server.url, dir)),
        Effect.provide(Logger.replace(Logger.defaultLogger, capture)),
        Effect.provide(RedactKisHeaders),
        Logger.withMinimumLogLevel(LogLevel.All)
      )
      const all = (yield* Ref.get(lines)).join("\n")
      expect(all.length).toBeGreaterThan(0)
      expect(all).toContain("EGW00123")
      for (const secret of [TEST_SECRETS.appKey, TEST_SECRETS.appSecret, "87654321", "loopback-token-"]) expect(all).not.toContain(secret)
    }))
})
