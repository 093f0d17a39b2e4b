// Pure mappers from decoded KIS responses (strings everywhere) to domain values (integer won, shares, KST dates):
// quotes, daily bars, the listing, the account, buying power, daily orders and order receipts. Financial statements have one
// converter, shared with the backtest loader: statementsFromKis in src/backtest/data/statements.ts.
// A value that cannot be what the domain needs fails with KisDecodeError naming the endpoint and the field.
import { Either, Schema } from "effect"
import { KisUniverseRow, listingDateOf, MARKET_OF_KIS_ID } from "../backtest/data/kisWire.js"
import type { Bar, Quote } from "../domain/Bar.js"
import { ordinaryStock } from "../domain/Market.js"
import type { Qty, Ticker, Won } from "../domain/Money.js"
import { type Instant, kstInstant, type TradeDate } from "../domain/Time.js"
import type { AccountSnapshot, BrokerHolding, BrokerOrder } from "../services/Broker.js"
import type { Listing } from "../services/MarketData.js"
import { decodeErrorOf, lowerKeys } from "./catalog/define.js"
import { KisDecodeError } from "./errors.js"
import {
  DecimalFromString, KstClockTime, QtyFromString, TickerFromKis, TradeDateFromKis, WonFromDecimalString, WonFromString
} from "./schema/common.js"

const decodeWith = <A, I>(schema: Schema.Schema<A, I>, endpoint: string) => {
  const decode = Schema.decodeUnknownEither(schema, { errors: "first" })
  return (input: unknown, where = ""): Either.Either<A, KisDecodeError> =>
    Either.mapLeft(decode(input), (e) => {
      const err = decodeErrorOf(endpoint, e)
      return where === "" ? err : new KisDecodeError({ endpoint, field: `${where}.${err.field}`, issue: err.issue })
    })
}

const decodeAll = <A>(rows: ReadonlyArray<unknown>, decode: (row: unknown, where: string) => Either.Either<A, KisDecodeError>, block: string) =>
  Either.all(rows.map((row, i) => decode(row, `${block}[${i}]`)))

// ---------------------------------------------------------------------------------------------------------------
// inquire-price → Quote

const InquirePriceWire = Schema.Struct({
  stck_prpr: WonFromString,
  stck_oprc: WonFromString,
  stck_hgpr: WonFromString,
  stck_lwpr: WonFromString,
  acml_vol: QtyFromString,
  stck_sdpr: WonFromString
})
const decodeInquirePrice = decodeWith(InquirePriceWire, "inquirePrice")

/** The current-price block (`output`) as a Quote observed at `at`. */
export const toQuote = (ticker: Ticker, output: unknown, at: Instant): Either.Either<Quote, KisDecodeError> =>
  Either.map(decodeInquirePrice(output, "output"), (w) => ({
    ticker, price: w.stck_prpr, open: w.stck_oprc, high: w.stck_hgpr, low: w.stck_lwpr, volume: w.acml_vol, basePrice: w.stck_sdpr, at
  }))

// ---------------------------------------------------------------------------------------------------------------
// search-stock-info → universe row, Listing

const decodeUniverseRow = decodeWith(KisUniverseRow, "searchStockInfo")

/**
 * The `output` of search-stock-info as a `data/universe.json` row (blank fields are absent values, as the files
 * leave them out), so live trading reads a symbol exactly as the backtest loader reads the universe file.
 */
export const toUniverseRow = (output: Readonly<Record<string, string | undefined>> | undefined): Either.Either<KisUniverseRow, KisDecodeError> =>
  decodeUniverseRow(Object.fromEntries(Object.entries(output ?? {}).flatMap(([k, v]) => (v === undefined || v.trim() === "" ? [] : [[k, v.trim()]]))), "output")

/** The listing of a universe row: market, listing date and listed shares as the backtest loader takes them. */
export const toListing = (row: KisUniverseRow): Listing => ({
  name: row.prdt_abrv_name,
  instrument: ordinaryStock(MARKET_OF_KIS_ID[row.mket_id_cd]),
  listedOn: listingDateOf(row),
  sharesOutstanding: row.lstg_stqt
})

/** Fiscal year-end month of a universe row (`setl_mmdd`, "12" when absent), as the backtest loader reads it. */
export const fiscalYearEndMonthOf = (row: KisUniverseRow): number => Number(row.setl_mmdd?.slice(0, 2) ?? "12")

// ---------------------------------------------------------------------------------------------------------------
// inquire-daily-itemchartprice output2 → Bar[]

const DailyBarWire = Schema.Struct({
  stck_bsop_date: TradeDateFromKis,
  stck_oprc: WonFromString,
  stck_hgpr: WonFromString,
  stck_lwpr: WonFromString,
  stck_clpr: WonFromString,
  acml_vol: QtyFromString
})
const decodeDailyBar = decodeWith(DailyBarWire, "inquireDailyItemchartprice")

/**
 * Daily chart rows (newest first on the wire) as bars, oldest first. KIS pads short answers with blank rows
 * (every field ""), which are skipped; any other unreadable row is an error.
 */
export const toBars = (rows: ReadonlyArray<Readonly<Record<string, unknown>>>): Either.Either<ReadonlyArray<Bar>, KisDecodeError> =>
  Either.map(
    Either.all(rows.flatMap((r, i) => ((r["stck_bsop_date"] ?? "") === "" ? [] : [decodeDailyBar(r, `output2[${i}]`)]))),
    (ws) => ws.map((w): Bar => ({ date: w.stck_bsop_date, open: w.stck_oprc, high: w.stck_hgpr, low: w.stck_lwpr, close: w.stck_clpr, volume: w.acml_vol }))
      .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))
  )

// ---------------------------------------------------------------------------------------------------------------
// inquire-balance → AccountSnapshot

const HoldingWire = Schema.Struct({
  pdno: TickerFromKis,
  hldg_qty: QtyFromString,
  ord_psbl_qty: QtyFromString,
  pchs_amt: WonFromDecimalString,
  prpr: WonFromString
})
const BalanceSummaryWire = Schema.Struct({ prvs_rcdl_excc_amt: WonFromDecimalString })
const decodeHolding = decodeWith(HoldingWire, "inquireBalance")
const decodeBalanceSummary = decodeWith(BalanceSummaryWire, "inquireBalance")

/**
 * Cash and holdings from every page of inquire-balance. Cash is the D+2 settled amount (`prvs_rcdl_excc_amt`:
 * today's buys are already deducted, unlike `dnca_tot_amt`). A stock held under several trade types (cash, margin)
 * is one holding; stocks sold out today (`hldg_qty` 0, listed until D+2) are dropped.
 */
export const toAccountSnapshot = (
  pages: ReadonlyArray<{ readonly output1: ReadonlyArray<unknown>; readonly output2: ReadonlyArray<unknown> }>,
  asOf: Instant
): Either.Either<AccountSnapshot, KisDecodeError> =>
  Either.gen(function* () {
    const last = pages[pages.length - 1]
    const summary = yield* decodeBalanceSummary(last?.output2[0], "output2[0]")
    const byTicker = new Map<Ticker, { quantity: number; sellable: number; cost: number; lastPrice: Won }>()
    for (const page of pages) {
      for (const w of yield* decodeAll(page.output1, decodeHolding, "output1")) {
        if (w.hldg_qty === 0) continue
        const prior = byTicker.get(w.pdno) ?? { quantity: 0, sellable: 0, cost: 0, lastPrice: w.prpr }
        byTicker.set(w.pdno, { quantity: prior.quantity + w.hldg_qty, sellable: prior.sellable + w.ord_psbl_qty, cost: prior.cost + w.pchs_amt, lastPrice: w.prpr })
      }
    }
    const holdings = [...byTicker].map(([ticker, h]): BrokerHolding => ({
      ticker,
      quantity: h.quantity as Qty,
      sellableQuantity: h.sellable as Qty,
      averagePrice: h.cost / h.quantity,
      lastPrice: h.lastPrice
    }))
    return { cash: summary.prvs_rcdl_excc_amt, holdings, asOf }
  })

// ---------------------------------------------------------------------------------------------------------------
// inquire-psbl-order → BuyingPower

const BuyingPowerWire = Schema.Struct({
  ord_psbl_cash: WonFromDecimalString,
  nrcvb_buy_amt: WonFromDecimalString,
  nrcvb_buy_qty: QtyFromString,
  max_buy_amt: WonFromDecimalString,
  max_buy_qty: QtyFromString
})
const decodeBuyingPower = decodeWith(BuyingPowerWire, "inquirePsblOrder")

/** What the account can buy: without margin (미수 not used) and with it. */
export interface BuyingPower {
  readonly orderableCash: Won
  readonly cashOnlyAmount: Won
  readonly cashOnlyQuantity: Qty
  readonly withMarginAmount: Won
  readonly withMarginQuantity: Qty
}

export const toBuyingPower = (output: unknown): Either.Either<BuyingPower, KisDecodeError> =>
  Either.map(decodeBuyingPower(output, "output"), (w) => ({
    orderableCash: w.ord_psbl_cash,
    cashOnlyAmount: w.nrcvb_buy_amt,
    cashOnlyQuantity: w.nrcvb_buy_qty,
    withMarginAmount: w.max_buy_amt,
    withMarginQuantity: w.max_buy_qty
  }))

// ---------------------------------------------------------------------------------------------------------------
// inquire-daily-ccld output1 → BrokerOrder[]

const DailyOrderWire = Schema.Struct({
  ord_dt: TradeDateFromKis,
  ord_tmd: KstClockTime,
  odno: Schema.String,
  orgn_odno: Schema.optionalWith(Schema.String, { default: () => "" }),
  pdno: TickerFromKis,
  sll_buy_dvsn_cd: Schema.Literal("01", "02"),
  sll_buy_dvsn_cd_name: Schema.optionalWith(Schema.String, { default: () => "" }),
  ord_dvsn_name: Schema.optionalWith(Schema.String, { default: () => "" }),
  cncl_yn: Schema.optionalWith(Schema.String, { default: () => "" }),
  ord_qty: QtyFromString,
  ord_unpr: WonFromDecimalString,
  tot_ccld_qty: QtyFromString,
  avg_prvs: DecimalFromString,
  rmn_qty: QtyFromString,
  rjct_qty: QtyFromString,
  // The layout says cnc_cfrm_qty, the documentation example cncl_cfrm_qty.
  cnc_cfrm_qty: Schema.optional(QtyFromString),
  cncl_cfrm_qty: Schema.optional(QtyFromString)
})
const decodeDailyOrder = decodeWith(DailyOrderWire, "inquireDailyCcld")

/** The day's orders; a row with an original order number is a revision or (when flagged or named so) a cancel. */
export const toBrokerOrders = (rows: ReadonlyArray<unknown>): Either.Either<ReadonlyArray<BrokerOrder>, KisDecodeError> =>
  Either.map(decodeAll(rows, decodeDailyOrder, "output1"), (ws) =>
    ws.map((w): BrokerOrder => {
      const original = w.orgn_odno.trim()
      const isCancel = w.cncl_yn === "Y" || /취소|cancel/i.test(`${w.sll_buy_dvsn_cd_name} ${w.ord_dvsn_name}`)
      return {
        brokerOrderId: w.odno,
        ...(original === "" ? {} : { originalBrokerOrderId: original }),
        ticker: w.pdno,
        side: w.sll_buy_dvsn_cd === "01" ? "sell" : "buy",
        kind: original === "" ? "new" : isCancel ? "cancel" : "revise",
        quantity: w.ord_qty,
        price: w.ord_unpr,
        filledQuantity: w.tot_ccld_qty,
        averageFillPrice: w.avg_prvs,
        remainingQuantity: w.rmn_qty,
        cancelledQuantity: w.cnc_cfrm_qty ?? w.cncl_cfrm_qty ?? (0 as Qty),
        rejectedQuantity: w.rjct_qty,
        orderedAt: kstInstant(w.ord_dt, w.ord_tmd)
      }
    }))

// ---------------------------------------------------------------------------------------------------------------
// order-cash / order-rvsecncl output → OrderReceipt

const OrderReceiptWire = Schema.Struct({
  krx_fwdg_ord_orgno: Schema.String,
  odno: Schema.String.pipe(Schema.pattern(/^\d+$/)),
  ord_tmd: KstClockTime
})

/** KIS's acknowledgement of an order, revision or cancel: its (new) order number and branch. */
export interface OrderReceipt {
  readonly brokerOrderId: string
  /** Branch that routed the order (`KRX_FWDG_ORD_ORGNO`); needed to revise or cancel it. */
  readonly branch: string
  readonly acceptedAt: Instant
}

const receiptMapper = (endpoint: string) => {
  const decode = decodeWith(OrderReceiptWire, endpoint)
  /** `output` may be the object or an array of one, keys in any case; `today` is the KST trading date. */
  return (output: unknown, today: TradeDate): Either.Either<OrderReceipt, KisDecodeError> =>
    Either.map(decode(lowerKeys(Array.isArray(output) ? output[0] : output), "output"), (w) => ({
      brokerOrderId: w.odno, branch: w.krx_fwdg_ord_orgno, acceptedAt: kstInstant(today, w.ord_tmd)
    }))
}
/** order-cash acknowledgement. */
export const toOrderReceipt = receiptMapper("orderCash")
/** order-rvsecncl acknowledgement (the revision or cancel has its own new order number). */
export const toReviseCancelReceipt = receiptMapper("orderRvsecncl")
