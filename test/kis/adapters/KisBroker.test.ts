// KisBroker on the wire, over the fake KIS server: TR ids and ORD_DVSN per intent, stop intents refused locally,
// rejections, lost responses (never resent), cancels with the original branch, paging and order-number padding.
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import type { Qty, Ticker, Won } from "../../../src/domain/Money.js"
import { KisBrokerLive, normalizeOrderNumber, sameOrderNumber } from "../../../src/kis/adapters/KisBroker.js"
import { Broker } from "../../../src/services/Broker.js"
import { intentOf } from "../../services/brokerContract.js"
import type { KisVariable } from "../../../src/kis/KisConfig.js"
import { dashed, fixedMarketClock } from "./support/fixedClock.js"
import { FAKE_TICKER, type FakeKis, type FakeKisOptions, fakeKisClient, PATHS, startFakeKis } from "./support/fakeKis.js"
import { test } from "@fast-check/vitest"
import fc from "fast-check"

const T = FAKE_TICKER as Ticker

/** Runs `body` with a Broker over a fresh fake (env overrides in `vars`). */
const withBroker = <A, E>(body: (broker: Broker["Type"], fake: FakeKis) => Effect.Effect<A, E>, options: FakeKisOptions = {}, vars: Partial<Record<KisVariable, string>> = {}) =>
  Effect.scoped(Effect.gen(function* () {
    const fake = yield* startFakeKis(options)
    const client = yield* fakeKisClient(fake, vars)
    const layer = KisBrokerLive.pipe(Layer.provide(Layer.merge(client, fixedMarketClock(dayOf(fake)))))
    return yield* Effect.flatMap(Broker, (broker) => body(broker, fake)).pipe(Effect.provide(layer))
  }))

const bodyOf = (fake: FakeKis, path: string, i = 0) => JSON.parse(fake.to(path)[i]!.body) as Record<string, string>
const dayOf = (fake: FakeKis) => dashed(fake.today)

describe("KisBroker.submit", () => {
  it.live("limit buys send ORD_DVSN 00 with the price, market sells 01 with 0, on the buy/sell TRs of the environment", () =>
    withBroker((broker, fake) => Effect.gen(function* () {
      const buy = intentOf(T, "buy", 7, { _tag: "limit", price: 70_100 as Won })
      yield* broker.submit(buy.id, buy.intent)
      fake.settle()
      const sell = intentOf(T, "sell", 2, { _tag: "market" })
      yield* broker.submit(sell.id, sell.intent)
      expect(fake.to(PATHS.order).map((r) => r.headers["tr_id"])).toEqual(["TTTC0012U", "TTTC0011U"])
      expect(bodyOf(fake, PATHS.order, 0)).toMatchObject({ PDNO: T, ORD_DVSN: "00", ORD_QTY: "7", ORD_UNPR: "70100", CANO: "87654321", ACNT_PRDT_CD: "01" })
      expect(bodyOf(fake, PATHS.order, 1)).toMatchObject({ ORD_DVSN: "01", ORD_QTY: "2", ORD_UNPR: "0" })
    })))

  it.live("uses the V… TRs on the mock server", () =>
    withBroker((broker, fake) => Effect.gen(function* () {
      const buy = intentOf(T, "buy", 1, { _tag: "market" })
      yield* broker.submit(buy.id, buy.intent)
      expect(fake.to(PATHS.order)[0]!.headers["tr_id"]).toBe("VTTC0012U")
    }), {}, { KIS_ENV: "mock" }))

  it.live("refuses stop intents locally with a clear reason: the engine triggers stops itself", () =>
    withBroker((broker, fake) => Effect.gen(function* () {
      const stop = intentOf(T, "sell", 1, { _tag: "stop", stopPrice: 65_000 as Won })
      const error = yield* Effect.flip(broker.submit(stop.id, stop.intent))
      expect(error).toMatchObject({ _tag: "BrokerRejected", code: "UNSUPPORTED-ORDER-TYPE" })
      expect(error.message).toMatch(/engine triggers them/)
      expect(fake.to(PATHS.order)).toHaveLength(0)
    })))

  it.live("a KIS rejection (rt_cd 1) is BrokerRejected with msg_cd and msg1", () =>
    withBroker((broker) => Effect.gen(function* () {
      const big = intentOf(T, "buy", 1_000, { _tag: "limit", price: 70_000 as Won })
      const error = yield* Effect.flip(broker.submit(big.id, big.intent))
      expect(error).toMatchObject({ _tag: "BrokerRejected", code: "APBK0919", message: "주문가능금액을 초과 했습니다" })
    })))

  it.live("a response lost after KIS accepted is OutcomeUnknown, sent exactly once, and the order shows up in dailyOrders", () =>
    withBroker((broker, fake) => Effect.gen(function* () {
      fake.nextOrderFault = "drop"
      const buy = intentOf(T, "buy", 3, { _tag: "limit", price: 60_000 as Won })
      const error = yield* Effect.flip(broker.submit(buy.id, buy.intent))
      expect(error).toMatchObject({ _tag: "OutcomeUnknown", id: buy.id })
      expect(fake.to(PATHS.order)).toHaveLength(1)
      const orders = yield* broker.dailyOrders(dayOf(fake))
      expect(orders).toHaveLength(1)
      expect(orders[0]).toMatchObject({ ticker: T, side: "buy", quantity: 3, remainingQuantity: 3 })
    })))

  it.live("a body without a KIS envelope after sending is OutcomeUnknown too", () =>
    withBroker((broker, fake) => Effect.gen(function* () {
      fake.nextOrderFault = "no-envelope"
      const buy = intentOf(T, "buy", 1, { _tag: "market" })
      expect((yield* Effect.flip(broker.submit(buy.id, buy.intent)))._tag).toBe("OutcomeUnknown")
      expect(fake.to(PATHS.order)).toHaveLength(1)
    })))

  it.live("a server that cannot be reached is BrokerUnavailable (provably not sent)", () =>
    Effect.gen(function* () {
      const closedPort = yield* Effect.scoped(Effect.map(startFakeKis(), (f) => f.server.url))
      const error = yield* withBroker((broker) => {
        const buy = intentOf(T, "buy", 1, { _tag: "market" })
        return Effect.flip(broker.submit(buy.id, buy.intent))
      }, {}, { KIS_BASE_URL: closedPort })
      expect(error._tag).toBe("BrokerUnavailable")
    }))
})

describe("KisBroker.cancel", () => {
  it.live("cancels all with RVSE_CNCL_DVSN_CD 02, QTY_ALL_ORD_YN Y and the branch of the acknowledgement", () =>
    withBroker((broker, fake) => Effect.gen(function* () {
      const buy = intentOf(T, "buy", 5, { _tag: "limit", price: 60_000 as Won })
      const ack = yield* broker.submit(buy.id, buy.intent)
      yield* broker.cancel(buy.id, ack.brokerOrderId, T)
      expect(bodyOf(fake, PATHS.cancel)).toMatchObject({
        ORGN_ODNO: ack.brokerOrderId, KRX_FWDG_ORD_ORGNO: "06010", RVSE_CNCL_DVSN_CD: "02", QTY_ALL_ORD_YN: "Y", ORD_QTY: "0", ORD_UNPR: "0", ORD_DVSN: "00"
      })
      expect(fake.to(PATHS.ccld)).toHaveLength(0) // the branch came from the acknowledgement
    })))

  it.live("a partial cancel sends QTY_ALL_ORD_YN N with the quantity and leaves the rest open", () =>
    withBroker((broker, fake) => Effect.gen(function* () {
      const buy = intentOf(T, "buy", 5, { _tag: "limit", price: 60_000 as Won })
      const ack = yield* broker.submit(buy.id, buy.intent)
      yield* broker.cancel(buy.id, ack.brokerOrderId, T, 2 as Qty)
      expect(bodyOf(fake, PATHS.cancel)).toMatchObject({ QTY_ALL_ORD_YN: "N", ORD_QTY: "2" })
      const orders = yield* broker.dailyOrders(dayOf(fake))
      expect(orders.find((o) => o.kind === "new")?.remainingQuantity).toBe(3)
      expect(orders.find((o) => o.kind === "cancel")).toMatchObject({ cancelledQuantity: 2, originalBrokerOrderId: ack.brokerOrderId })
    })))

  it.live("an order sent by an earlier process is cancelled with the branch found by inquire-daily-ccld, unpadded numbers too", () =>
    Effect.scoped(Effect.gen(function* () {
      const fake = yield* startFakeKis({ padOrderNumbers: false, pageSize: 1 })
      const firstProcess = KisBrokerLive.pipe(Layer.provide(Layer.merge(yield* fakeKisClient(fake), fixedMarketClock(dayOf(fake)))))
      const secondProcess = KisBrokerLive.pipe(Layer.provide(Layer.merge(yield* fakeKisClient(fake), fixedMarketClock(dayOf(fake)))))
      const buy = intentOf(T, "buy", 2, { _tag: "market" })
      const other = intentOf(T, "buy", 1, { _tag: "limit", price: 60_000 as Won })
      const ack = yield* Effect.flatMap(Broker, (b) => Effect.zipLeft(b.submit(buy.id, buy.intent), b.submit(other.id, other.intent))).pipe(Effect.provide(firstProcess))
      expect(ack.brokerOrderId).toBe("1")
      yield* Effect.flatMap(Broker, (b) => b.cancel(buy.id, `000000000${ack.brokerOrderId}`, T)).pipe(Effect.provide(secondProcess))
      expect(fake.to(PATHS.ccld)[0]!.query.get("ODNO")).toBe("0000000001")
      expect(bodyOf(fake, PATHS.cancel)).toMatchObject({ KRX_FWDG_ORD_ORGNO: "06010", ORD_DVSN: "01" })
    })))

  it.live("cancelling an order KIS does not know is rejected without sending a cancel", () =>
    withBroker((broker, fake) => Effect.gen(function* () {
      const error = yield* Effect.flip(broker.cancel(intentOf(T, "buy", 1, { _tag: "market" }).id, "0000004242", T))
      expect(error).toMatchObject({ _tag: "BrokerRejected", code: "ORDER-NOT-FOUND" })
      expect(fake.to(PATHS.cancel)).toHaveLength(0)
    })))
})

describe("KisBroker inquiries", () => {
  it.live("dailyOrders reads every page (tr_cont F → N) and keeps KIS order numbers", () =>
    withBroker((broker, fake) => Effect.gen(function* () {
      for (let i = 0; i < 5; i++) {
        const o = intentOf(T, "buy", 1 + i, { _tag: "limit", price: 60_000 as Won })
        yield* broker.submit(o.id, o.intent)
      }
      const orders = yield* broker.dailyOrders(dayOf(fake))
      expect(orders.map((o) => o.quantity)).toEqual([1, 2, 3, 4, 5])
      expect(orders.every((o) => o.kind === "new" && o.brokerOrderId.length === 10)).toBe(true)
      const pages = fake.to(PATHS.ccld)
      expect(pages).toHaveLength(3)
      expect(pages.map((p) => p.headers["tr_cont"] ?? "")).toEqual(["", "N", "N"])
      expect(pages[0]!.query.get("INQR_STRT_DT")).toBe(fake.today)
    }), { pageSize: 2 }))

  it.live("account: cash is the D+2 settled amount, holdings from every page, sold-out rows skipped, sellable = ord_psbl_qty", () =>
    withBroker((broker, fake) => Effect.gen(function* () {
      fake.holdings.set("005930", { quantity: 10, cost: 650_000 })
      fake.holdings.set("000660", { quantity: 0, cost: 0 })
      fake.holdings.set("035720", { quantity: 3, cost: 150_000 })
      const sell = intentOf(T, "sell", 4, { _tag: "limit", price: 99_000 as Won })
      yield* broker.submit(sell.id, sell.intent)
      const account = yield* broker.account
      expect(account.cash).toBe(fake.cash)
      expect(account.holdings.map((h) => [h.ticker, h.quantity, h.sellableQuantity, h.averagePrice])).toEqual([
        ["005930", 10, 6, 65_000], ["035720", 3, 3, 50_000]
      ])
      expect(fake.to(PATHS.balance)).toHaveLength(2)
    }), { pageSize: 2 }))

  it.live("a failing inquiry is BrokerUnavailable naming what was asked", () =>
    withBroker((broker, fake) => Effect.gen(function* () {
      fake.failAfter = 0
      const error = yield* Effect.flip(broker.account)
      expect(error._tag).toBe("BrokerUnavailable")
      expect(error.message).toMatch(/^account balance: /)
    })))
})

describe("order numbers", () => {
  test.prop([fc.integer({ min: 0, max: 9_999_999_999 }), fc.integer({ min: 0, max: 10 })])(
    "padding with zeros never changes an order number's identity", (n, extra) => {
      const plain = String(n)
      const padded = "0".repeat(extra) + plain
      expect(sameOrderNumber(plain, padded)).toBe(true)
      expect(normalizeOrderNumber(padded)).toBe(plain)
      expect(sameOrderNumber(plain, String(n + 1))).toBe(false)
    })
})
