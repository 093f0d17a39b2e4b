// Typed realtime records: KIS field names (1:1 with the docs) mapped to domain values by Schema, in both directions,
// so the client decodes `^`-delimited records and kis-sim encodes them with the same definitions.
import { Data, Either, ParseResult, Schema } from "effect"
import { Qty, Ticker, Won } from "../../domain/Money.js"
import { Side } from "../../domain/Order.js"
import { kstInstant, type TradeDate } from "../../domain/Time.js"
import type { BrokerFill } from "../../services/Broker.js"
import { MalformedRealtimeFrame } from "./errors.js"
import {
  FILL_NOTICE_FIELD_COUNTS, FILL_NOTICE_FIELDS, FILL_NOTICE_TRUSTED_FIELDS, isFillNoticeTrId, ORDER_BOOK_FIELDS,
  OrderBookTrId, TRADE_FIELDS, TradeTrId
} from "./fields.js"
import { type DataFrame, framePlaintext, splitRecords } from "./frames.js"
import type { NoticeCipher } from "./noticeCipher.js"
import { DecimalFromString, KstClockTime, QtyFromString, TradeDateFromKis, WonFromString } from "../schema/common.js"

/** A domain property read from (and written to) the KIS field `name`. */
const field = <S extends Schema.Schema.Any>(name: string, schema: S) =>
  Schema.propertySignature(schema).pipe(Schema.fromKey(name))

// ---- H0STCNT0 trade ----

/** One KRX trade print (H0STCNT0). `change` is signed against the previous close. */
export const Trade = Schema.Struct({
  ticker: field("MKSC_SHRN_ISCD", Ticker),
  date: field("BSOP_DATE", TradeDateFromKis),
  time: field("STCK_CNTG_HOUR", KstClockTime),
  price: field("STCK_PRPR", WonFromString),
  change: field("PRDY_VRSS", WonFromString),
  changePct: field("PRDY_CTRT", DecimalFromString),
  open: field("STCK_OPRC", WonFromString),
  high: field("STCK_HGPR", WonFromString),
  low: field("STCK_LWPR", WonFromString),
  bestAsk: field("ASKP1", WonFromString),
  bestBid: field("BIDP1", WonFromString),
  /** Shares in this trade. */
  volume: field("CNTG_VOL", QtyFromString),
  /** Shares traded so far today. */
  accumulatedVolume: field("ACML_VOL", QtyFromString),
  /** Won traded so far today. */
  accumulatedValue: field("ACML_TR_PBMN", WonFromString),
  /** Which side crossed the spread: 1 buy-initiated, 5 sell-initiated, 3 pre-open auction. */
  initiator: field("CCLD_DVSN", Schema.transformLiterals(["1", "buy"], ["5", "sell"], ["3", "auction"])),
  halted: field("TRHT_YN", Schema.transformLiterals(["Y", true], ["N", false])),
  /** NEW_MKOP_CLS_CODE, e.g. "20" regular session, normal trade. */
  sessionCode: field("NEW_MKOP_CLS_CODE", Schema.String),
  /** HOUR_CLS_CODE: "0" regular, "A"–"D" expected (auction) prices. */
  hourClass: field("HOUR_CLS_CODE", Schema.String)
})
export type Trade = typeof Trade.Type

// ---- H0STASP0 order book ----

const LEVELS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const
type Level = (typeof LEVELS)[number]
const levelFields = <P extends string, S extends Schema.Schema.Any>(prefix: P, schema: S) =>
  Object.fromEntries(LEVELS.map((i) => [`${prefix}${i}`, schema])) as Record<`${P}${Level}`, S>

const OrderBookWire = Schema.Struct({
  MKSC_SHRN_ISCD: Ticker,
  BSOP_HOUR: KstClockTime,
  HOUR_CLS_CODE: Schema.String,
  ...levelFields("ASKP", WonFromString),
  ...levelFields("BIDP", WonFromString),
  ...levelFields("ASKP_RSQN", QtyFromString),
  ...levelFields("BIDP_RSQN", QtyFromString),
  TOTAL_ASKP_RSQN: QtyFromString,
  TOTAL_BIDP_RSQN: QtyFromString,
  ANTC_CNPR: WonFromString,
  ANTC_CNQN: QtyFromString,
  ACML_VOL: QtyFromString
})

/** A price level of the book; price 0 with quantity 0 marks an empty level. */
export const BookLevel = Schema.Struct({ price: Won, quantity: Qty })
export type BookLevel = typeof BookLevel.Type

const BookDomain = Schema.Struct({
  ticker: Ticker,
  time: KstClockTime,
  hourClass: Schema.String,
  /** Ten levels each, best first. */
  asks: Schema.Array(BookLevel).pipe(Schema.itemsCount(10)),
  bids: Schema.Array(BookLevel).pipe(Schema.itemsCount(10)),
  totalAskQuantity: Qty,
  totalBidQuantity: Qty,
  /** Expected auction price and quantity (0 outside auctions). */
  expectedPrice: Won,
  expectedQuantity: Qty,
  accumulatedVolume: Qty
})

/** The 10-level KRX book (H0STASP0). */
export const OrderBook = Schema.transform(OrderBookWire, Schema.typeSchema(BookDomain), {
  strict: true,
  decode: (w) => ({
    ticker: w.MKSC_SHRN_ISCD,
    time: w.BSOP_HOUR,
    hourClass: w.HOUR_CLS_CODE,
    asks: LEVELS.map((i) => ({ price: w[`ASKP${i}`], quantity: w[`ASKP_RSQN${i}`] })),
    bids: LEVELS.map((i) => ({ price: w[`BIDP${i}`], quantity: w[`BIDP_RSQN${i}`] })),
    totalAskQuantity: w.TOTAL_ASKP_RSQN,
    totalBidQuantity: w.TOTAL_BIDP_RSQN,
    expectedPrice: w.ANTC_CNPR,
    expectedQuantity: w.ANTC_CNQN,
    accumulatedVolume: w.ACML_VOL
  }),
  encode: (b) => {
    const side = (levels: ReadonlyArray<BookLevel>, pricePrefix: string, qtyPrefix: string) =>
      Object.fromEntries(LEVELS.flatMap((i) => {
        const level = levels[i - 1] ?? { price: 0 as Won, quantity: 0 as Qty }
        return [[`${pricePrefix}${i}`, level.price], [`${qtyPrefix}${i}`, level.quantity]]
      }))
    return {
      MKSC_SHRN_ISCD: b.ticker,
      BSOP_HOUR: b.time,
      HOUR_CLS_CODE: b.hourClass,
      ...(side(b.asks, "ASKP", "ASKP_RSQN") as Record<`ASKP${Level}`, Won> & Record<`ASKP_RSQN${Level}`, Qty>),
      ...(side(b.bids, "BIDP", "BIDP_RSQN") as Record<`BIDP${Level}`, Won> & Record<`BIDP_RSQN${Level}`, Qty>),
      TOTAL_ASKP_RSQN: b.totalAskQuantity,
      TOTAL_BIDP_RSQN: b.totalBidQuantity,
      ANTC_CNPR: b.expectedPrice,
      ANTC_CNQN: b.expectedQuantity,
      ACML_VOL: b.accumulatedVolume
    }
  }
})
export type OrderBook = typeof OrderBook.Type

// ---- H0STCNI0 / H0STCNI9 order and fill notices ----

/**
 * One order/fill notice. `kind` "acknowledgement" (CNTG_YN 1: order, revise, cancel or reject accepted by the
 * exchange) carries the *order* quantity/price in `quantity`/`price`; "fill" (CNTG_YN 2) carries this fill's.
 */
export const FillNotice = Schema.Struct({
  kind: field("CNTG_YN", Schema.transformLiterals(["1", "acknowledgement"], ["2", "fill"])),
  /** KIS order number (ODER_NO, 10 digits); revise and cancel get their own. */
  orderNo: field("ODER_NO", Schema.String),
  /** The order a revise/cancel refers to (OODER_NO); none for a new order. */
  originalOrderNo: field("OODER_NO", Schema.OptionFromNonEmptyTrimmedString),
  side: field("SELN_BYOV_CLS", Schema.transformLiterals(["01", "sell" as Side], ["02", "buy" as Side])),
  revision: field("RCTF_CLS", Schema.transformLiterals(["0", "new"], ["1", "revise"], ["2", "cancel"])),
  /** ODER_KIND: the ORD_DVSN code of the order ("00" limit, "01" market, …). */
  orderDivision: field("ODER_KIND", Schema.String),
  condition: field("ODER_COND", Schema.transformLiterals(["0", "none"], ["1", "IOC"], ["2", "FOK"])),
  ticker: field("STCK_SHRN_ISCD", Ticker),
  quantity: field("CNTG_QTY", QtyFromString),
  price: field("CNTG_UNPR", WonFromString),
  time: field("STCK_CNTG_HOUR", KstClockTime),
  rejected: field("RFUS_YN", Schema.transformLiterals(["0", false], ["1", true])),
  /** ACPT_YN: 1 received, 2 confirmed, 3 cancelled by IOC/FOK. */
  acceptance: field("ACPT_YN", Schema.transformLiterals(["1", "received"], ["2", "confirmed"], ["3", "ioc-fok-cancelled"])),
  branchNo: field("BRNC_NO", Schema.String),
  orderQuantity: field("ODER_QTY", QtyFromString),
  /** Customer, account and name arrive masked (`***`) on some servers; kept verbatim. */
  customerId: field("CUST_ID", Schema.String),
  accountNo: field("ACNT_NO", Schema.String),
  accountName: field("ACNT_NAME", Schema.String),
  /** Fields 18 and up, verbatim: their meaning differs between the 23-field (observed) and 26-field (documented) layouts. */
  extraFields: Schema.Array(Schema.String)
})
export type FillNotice = typeof FillNotice.Type

/** Best-effort stock name: index 24 in the documented 26-field layout, 21 in the observed 23-field one. */
export const noticeStockName = (notice: FillNotice): string | undefined =>
  notice.extraFields[notice.extraFields.length === 8 ? 6 : 3] || undefined

/** The execution a notice reports, dated on the KST trading day it arrived; none for acknowledgements and refusals. */
export const brokerFillOf = (notice: FillNotice, date: TradeDate): BrokerFill | undefined =>
  notice.kind === "fill" && !notice.rejected
    ? {
      brokerOrderId: notice.orderNo,
      ticker: notice.ticker,
      side: notice.side,
      quantity: notice.quantity,
      price: notice.price,
      at: kstInstant(date, notice.time)
    }
    : undefined

// ---- records ↔ typed values ----

/** Positional record ↔ typed value for one TR layout. */
export interface RecordCodec<A> {
  readonly decode: (fields: ReadonlyArray<string>) => Either.Either<A, string>
  readonly encode: (value: A) => ReadonlyArray<string>
  /** Fields safe to quote in an error (never account or customer fields). */
  readonly excerpt: (fields: ReadonlyArray<string>) => string
}

const recordCodec = <A, I extends Readonly<Record<string, unknown>>>(
  schema: Schema.Schema<A, I>,
  names: ReadonlyArray<string>,
  excerptIndices: ReadonlyArray<number>,
  extrasFrom?: number
): RecordCodec<A> => {
  const decodeNamed = Schema.decodeUnknownEither(schema, { errors: "first" })
  const encodeNamed = Schema.encodeSync(schema)
  const named = extrasFrom ?? names.length
  return {
    decode: (fields) => {
      const record: Record<string, unknown> = {}
      for (let i = 0; i < named; i++) record[names[i]!] = fields[i]
      if (extrasFrom !== undefined) record["extraFields"] = fields.slice(extrasFrom)
      return Either.mapLeft(decodeNamed(record), (e) => {
        const issue = ParseResult.ArrayFormatter.formatErrorSync(e)[0]
        const name = String(issue?.path[0] ?? "")
        const index = names.indexOf(name)
        return index < 0
          ? `${name || "record"}: ${issue?.message ?? "invalid"}`
          : `field ${index} ${name} = ${JSON.stringify(fields[index] ?? null)}: ${issue?.message ?? "invalid"}`
      })
    },
    encode: (value) => {
      const record = encodeNamed(value) as Record<string, unknown>
      const head = names.slice(0, named).map((name) => String(record[name] ?? ""))
      return extrasFrom === undefined ? head : [...head, ...(record["extraFields"] as ReadonlyArray<string>)]
    },
    excerpt: (fields) => excerptIndices.map((i) => fields[i] ?? "").join("^")
  }
}

export const TradeRecord = recordCodec(Trade, TRADE_FIELDS, [0, 1, 2])
export const OrderBookRecord = recordCodec(OrderBook, ORDER_BOOK_FIELDS, [0, 1])
/** Quotes only order number, ticker and time in errors: the leading fields identify the customer and account. */
export const FillNoticeRecord = recordCodec(FillNotice, FILL_NOTICE_FIELDS, [2, 8, 11], FILL_NOTICE_TRUSTED_FIELDS)

/** Decodes every record of a frame, naming the TR and the record index of the first bad one. */
export const decodeRecords = <A>(
  codec: RecordCodec<A>,
  trId: string,
  records: ReadonlyArray<ReadonlyArray<string>>
): Either.Either<ReadonlyArray<A>, MalformedRealtimeFrame> => {
  const out: Array<A> = []
  for (let i = 0; i < records.length; i++) {
    const decoded = codec.decode(records[i]!)
    if (Either.isLeft(decoded)) {
      return Either.left(MalformedRealtimeFrame.quoting(`${trId} record ${i + 1} of ${records.length}: ${decoded.left}`, codec.excerpt(records[i]!)))
    }
    out.push(decoded.right)
  }
  return Either.right(out)
}

/** The typed records of one data frame. */
export type FrameRecords = Data.TaggedEnum<{
  Trades: { readonly values: ReadonlyArray<Trade> }
  OrderBooks: { readonly values: ReadonlyArray<OrderBook> }
  FillNotices: { readonly values: ReadonlyArray<FillNotice> }
  /** A TR this module has no typed layout for; its records are left alone. */
  Unsupported: { readonly trId: string }
}>
export const FrameRecords = Data.taggedEnum<FrameRecords>()

/** Decodes a data frame of H0STCNT0, H0STASP0 or H0STCNI0/9; `cipher` is the key/iv from the TR's ack. */
export const decodeDataFrame = (
  frame: DataFrame,
  cipher: NoticeCipher | undefined
): Either.Either<FrameRecords, MalformedRealtimeFrame> => {
  const typed = <A>(codec: RecordCodec<A>, sizes: ReadonlyArray<number>) =>
    framePlaintext(frame, cipher).pipe(
      Either.flatMap((plaintext) =>
        Either.mapLeft(splitRecords(frame.trId, plaintext, frame.count, sizes), (e) =>
          // decrypted notices start with customer id and account number: never quote them
          frame.encrypted ? new MalformedRealtimeFrame({ reason: e.reason, excerpt: "(decrypted payload withheld)" }) : e)),
      Either.flatMap((records) => decodeRecords(codec, frame.trId, records)))
  if (frame.trId === TradeTrId) return Either.map(typed(TradeRecord, [TRADE_FIELDS.length]), (values) => FrameRecords.Trades({ values }))
  if (frame.trId === OrderBookTrId) {
    return Either.map(typed(OrderBookRecord, [ORDER_BOOK_FIELDS.length]), (values) => FrameRecords.OrderBooks({ values }))
  }
  if (isFillNoticeTrId(frame.trId)) {
    return Either.map(typed(FillNoticeRecord, FILL_NOTICE_FIELD_COUNTS), (values) => FrameRecords.FillNotices({ values }))
  }
  return Either.right(FrameRecords.Unsupported({ trId: frame.trId }))
}
