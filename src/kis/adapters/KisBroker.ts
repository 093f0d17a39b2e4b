// The Broker port over the KIS Open API (real, mock or kis-sim): cash orders, cancels, the day's orders and the
// account, with every KIS failure mapped to what the caller may do next (record, retry, or reconcile).
import { Effect, Either, Layer, Ref } from "effect"
import type { Qty, Ticker } from "../../domain/Money.js"
import { type ClientOrderId, type OrderIntent, validateIntent } from "../../domain/Order.js"
import { addDays, kstDateOf, type TradeDate, toKisDate } from "../../domain/Time.js"
import { Broker, type OrderAck } from "../../services/Broker.js"
import { BrokerRejected, BrokerUnavailable, OutcomeUnknown } from "../../services/errors.js"
import { MarketClock } from "../../services/MarketClock.js"
import { ordersAccount } from "../catalog/index.js"
import type { KisOrderError, KisReadError } from "../errors.js"
import { KisClient } from "../KisClient.js"
import { type OrderReceipt, toAccountSnapshot, toBrokerOrders, toOrderReceipt, toReviseCancelReceipt } from "../mappers.js"

/** KIS order numbers are zero-padded on some servers and not on others ("0000008637" vs "8637"). */
export const normalizeOrderNumber = (odno: string): string => odno.trim().replace(/^0+(?=.)/, "")
export const sameOrderNumber = (a: string, b: string): boolean => normalizeOrderNumber(a) === normalizeOrderNumber(b)

/** ORD_DVSN of an intent: 00 limit, 01 market. */
export const orderDivisionOf = (type: OrderIntent["type"]): "00" | "01" | undefined =>
  type._tag === "limit" ? "00" : type._tag === "market" ? "01" : undefined

/**
 * Why stop intents are refused: KIS's stop-limit (ORD_DVSN 22) exists on real accounts only, is limit-priced and
 * cannot be cancelled by the engine's exit logic; the engine watches the price and sends a market order instead.
 */
export const STOP_NOT_ROUTED = "stop orders are not sent to KIS: the engine triggers them itself and sends a market order when the stop price is touched"

/** inquire-daily-ccld has one TR for the last three months and another for older days. */
const ccldVariantFor = (date: TradeDate, today: TradeDate) =>
  date >= addDays(today, -90) ? ("within_3_months" as const) : ("older_than_3_months" as const)

/** What cancel needs from the original order: its branch and order division. */
interface RoutedOrder {
  readonly branch: string
  readonly division: string
}

/** Read failures: nothing was changed at the broker, so the caller may retry later. */
const unavailable = (what: string) => (e: KisReadError) => new BrokerUnavailable({ message: `${what}: ${e.message}` })

/**
 * Order failures, by whether the order may have reached KIS. A KIS answer (rt_cd ≠ 0) is a rejection, except a
 * rejected token, which the gateway refuses before routing. A rate-limit answer is treated as unknown because KIS
 * does not document that the gateway never forwards such an order.
 */
const orderFailure = (id: ClientOrderId) => (e: KisOrderError): BrokerRejected | BrokerUnavailable | OutcomeUnknown => {
  switch (e._tag) {
    case "KisApiError":
      return /^EGW0012[123]$/.test(e.msgCode)
        ? new BrokerUnavailable({ message: e.message })
        : new BrokerRejected({ code: e.msgCode, message: e.msg1 })
    case "KisOutcomeUnknown":
    case "KisRateLimitError":
    case "KisDecodeError":
      return new OutcomeUnknown({ id, message: e.message })
    case "KisTransportError":
    case "KisAuthenticationError":
      return new BrokerUnavailable({ message: e.message })
    case "KisValidationError":
    case "KisNotOnMock":
      return new BrokerRejected({ code: e._tag, message: e.message })
  }
}

/** Needs the market clock for "today" (order acknowledgements carry only a time; inquiries are per day). */
export const KisBrokerLive: Layer.Layer<Broker, never, KisClient | MarketClock> = Layer.effect(
  Broker,
  Effect.gen(function* () {
    const kis = yield* KisClient
    const venue = kis.settings.env === "mock" ? "KRX" : "ALL"
    /** Orders this process sent, by normalized number: cancel needs their branch and division. */
    const routed = yield* Ref.make(new Map<string, RoutedOrder>())
    const now = (yield* MarketClock).now

    const ack = (id: ClientOrderId, receipt: Either.Either<OrderReceipt, { readonly message: string }>, division: string) =>
      Either.match(receipt, {
        // KIS said yes (rt_cd 0) but the order number is unreadable: the order exists, reconcile to find it.
        onLeft: (e) => Effect.fail(new OutcomeUnknown({ id, message: `accepted, but the acknowledgement is unreadable: ${e.message}` })),
        onRight: (r) =>
          Ref.update(routed, (m) => new Map(m).set(normalizeOrderNumber(r.brokerOrderId), { branch: r.branch, division })).pipe(
            Effect.as<OrderAck>({ id, brokerOrderId: r.brokerOrderId, acceptedAt: r.acceptedAt }))
      })

    const dailyOrders = (date: TradeDate) =>
      Effect.gen(function* () {
        const today = kstDateOf(yield* now)
        const pages = yield* kis.collect(ordersAccount.inquireDailyCcld, {
          INQR_STRT_DT: toKisDate(date), INQR_END_DT: toKisDate(date), SLL_BUY_DVSN_CD: "00", ORD_GNO_BRNO: "",
          CCLD_DVSN: "00", INQR_DVSN: "01", INQR_DVSN_1: "", INQR_DVSN_3: "00", EXCG_ID_DVSN_CD: venue
        }, { variant: ccldVariantFor(date, today), maxPages: 200 })
        return yield* toBrokerOrders(pages.flatMap((p) => p.output1))
      }).pipe(Effect.mapError(unavailable(`daily orders of ${date}`)), Effect.withSpan("KisBroker.dailyOrders"))

    /** Branch and division of an order sent by an earlier process: from today's inquiry. */
    const lookUpRouted = (brokerOrderId: string, today: TradeDate) =>
      Effect.gen(function* () {
        const known = (yield* Ref.get(routed)).get(normalizeOrderNumber(brokerOrderId))
        if (known !== undefined) return known
        const pages = yield* kis.collect(ordersAccount.inquireDailyCcld, {
          INQR_STRT_DT: toKisDate(today), INQR_END_DT: toKisDate(today), SLL_BUY_DVSN_CD: "00", ORD_GNO_BRNO: "",
          ODNO: brokerOrderId, CCLD_DVSN: "00", INQR_DVSN: "01", INQR_DVSN_1: "", INQR_DVSN_3: "00", EXCG_ID_DVSN_CD: venue
        }, { variant: "within_3_months", maxPages: 200 }).pipe(Effect.mapError(unavailable(`looking up order ${brokerOrderId}`)))
        const row = pages.flatMap((p) => p.output1).find((r) => sameOrderNumber(r.odno ?? "", brokerOrderId))
        if (row === undefined) {
          return yield* Effect.fail(new BrokerRejected({ code: "ORDER-NOT-FOUND", message: `order ${brokerOrderId} is not among today's orders` }))
        }
        return { branch: row.ord_gno_brno ?? "", division: row.ord_dvsn_cd ?? "00" }
      })

    return Broker.of({
      submit: (id, intent) =>
        Effect.gen(function* () {
          const valid = validateIntent(intent)
          if (Either.isLeft(valid)) return yield* Effect.fail(new BrokerRejected({ code: "INVALID-INTENT", message: valid.left.message }))
          const division = orderDivisionOf(intent.type)
          if (division === undefined) return yield* Effect.fail(new BrokerRejected({ code: "UNSUPPORTED-ORDER-TYPE", message: STOP_NOT_ROUTED }))
          const response = yield* kis.call(ordersAccount.orderCash, {
            PDNO: intent.ticker,
            ORD_DVSN: division,
            ORD_QTY: String(intent.quantity),
            ORD_UNPR: intent.type._tag === "limit" ? String(intent.type.price) : "0",
            EXCG_ID_DVSN_CD: "KRX"
          }, { variant: intent.side }).pipe(Effect.mapError(orderFailure(id)))
          return yield* ack(id, toOrderReceipt(response.output, kstDateOf(yield* now)), division)
        }).pipe(Effect.withSpan("KisBroker.submit")),

      cancel: (id: ClientOrderId, brokerOrderId: string, _ticker: Ticker, quantity?: Qty) =>
        Effect.gen(function* () {
          const today = kstDateOf(yield* now)
          const original = yield* lookUpRouted(brokerOrderId, today)
          const all = quantity === undefined
          const response = yield* kis.call(ordersAccount.orderRvsecncl, {
            KRX_FWDG_ORD_ORGNO: original.branch,
            ORGN_ODNO: brokerOrderId,
            ORD_DVSN: original.division,
            RVSE_CNCL_DVSN_CD: "02",
            ORD_QTY: all ? "0" : String(quantity),
            ORD_UNPR: "0",
            QTY_ALL_ORD_YN: all ? "Y" : "N",
            EXCG_ID_DVSN_CD: "KRX"
          }).pipe(Effect.mapError(orderFailure(id)))
          return yield* ack(id, toReviseCancelReceipt(response.output, today), original.division)
        }).pipe(Effect.withSpan("KisBroker.cancel")),

      dailyOrders,

      account: Effect.gen(function* () {
        const pages = yield* kis.collect(ordersAccount.inquireBalance, {
          AFHR_FLPR_YN: "N", OFL_YN: "", INQR_DVSN: "02", UNPR_DVSN: "01", FUND_STTL_ICLD_YN: "N",
          FNCG_AMT_AUTO_RDPT_YN: "N", PRCS_DVSN: "00"
        }, { maxPages: 200 })
        return yield* toAccountSnapshot(pages, yield* now)
      }).pipe(Effect.mapError(unavailable("account balance")), Effect.withSpan("KisBroker.account"))
    })
  })
)
