// The KIS portal's own realtime examples (H0STCNT0, H0STASP0, H0STCNI0) and the endpoint catalog's field layouts,
// decoded with the production codec. The document wraps data lines, so lines are joined before splitting on `^`.
import { Either, Option } from "effect"
import { readFileSync } from "node:fs"
import { expect, it } from "vitest"
import {
  FILL_NOTICE_FIELDS, FillNoticeTrIds, ORDER_BOOK_FIELDS, OrderBookTrId, TRADE_FIELDS, TradeTrId
} from "../../../src/kis/realtime/fields.js"
import {
  formatDataFrame, formatRegistration, parseControlFrame, parseDataFrame, parseRegistration, parseServerFrame
} from "../../../src/kis/realtime/frames.js"
import { encryptNotice } from "../../../src/kis/realtime/noticeCipher.js"
import { decodeDataFrame, FrameRecords, noticeStockName } from "../../../src/kis/realtime/records.js"
import { describeShared, sharedPath } from "../../support/shared.js"

const examples = (name: string) => sharedPath("kis", "fixtures", "kis-portal-doc-examples", name)

/** Splits a `.raw.txt` example into its JSON ack and its data records (one per `# output…` heading, lines joined). */
const readWsExample = (file: string) => {
  const [head, ...outputs] = readFileSync(examples(file), "utf8").split(/^# output[^\n]*\n/m)
  return { ack: head!.slice(head!.indexOf("{")).trim(), records: outputs.map((o) => o.trim().split("\n").join("")) }
}

const decodeJoined = (trId: string, recordLine: string) =>
  parseDataFrame(`0|${trId}|001|${recordLine}`).pipe(
    Either.flatMap((frame) => decodeDataFrame(frame, undefined)),
    Either.getOrThrow)

describeShared("KIS portal realtime examples", () => {
  it("field layouts match endpoints.json ws_fields for H0STCNT0, H0STASP0 and H0STCNI0", () => {
    const catalog = JSON.parse(readFileSync(sharedPath("kis", "endpoints.json"), "utf8")) as {
      endpoints: ReadonlyArray<{ tr_id_real: string; tr_id_mock: string | null; response: { ws_fields?: ReadonlyArray<{ name: string }> } }>
    }
    const names = (trId: string) => catalog.endpoints.find((e) => e.tr_id_real === trId)?.response.ws_fields?.map((f) => f.name)
    expect(names(TradeTrId)).toEqual([...TRADE_FIELDS])
    expect(names(OrderBookTrId)).toEqual([...ORDER_BOOK_FIELDS])
    expect(names("H0STCNI0")).toEqual([...FILL_NOTICE_FIELDS])
    expect(catalog.endpoints.find((e) => e.tr_id_real === "H0STCNI0")?.tr_id_mock).toBe(FillNoticeTrIds[1])
  })

  it("H0STCNT0: the ack and the wrapped trade line decode", () => {
    const { ack, records } = readWsExample("172_ccnl_krx.response.raw.txt")
    expect(Either.getOrThrow(parseServerFrame(ack))).toMatchObject({
      _tag: "Ack", trId: "H0STCNT0", trKey: "005930", outcome: "subscribed", encrypted: false,
      cipher: { iv: "0123456789abcdef", key: "abcdefghijklmnopabcdefghijklmnop" }
    })
    expect(records).toHaveLength(1)
    const decoded = decodeJoined("H0STCNT0", records[0]!)
    if (decoded._tag !== "Trades") throw new Error(decoded._tag)
    expect(decoded.values).toEqual([{
      ticker: "005930", date: "2023-06-12", time: "093354", price: 71900, change: -100, changePct: -0.14,
      open: 72100, high: 72400, low: 71700, bestAsk: 71900, bestBid: 71800, volume: 1, accumulatedVolume: 3052507,
      accumulatedValue: 219853241700, initiator: "buy", halted: false, sessionCode: "20", hourClass: "0"
    }])
  })

  it("H0STASP0: the wrapped 59-field book decodes into ten levels a side", () => {
    const { records } = readWsExample("178_asking_price_krx.response.raw.txt")
    const decoded = decodeJoined("H0STASP0", records[0]!)
    if (decoded._tag !== "OrderBooks") throw new Error(decoded._tag)
    const book = decoded.values[0]!
    expect(book).toMatchObject({ ticker: "005930", time: "093730", totalAskQuantity: 1159362, totalBidQuantity: 2095167, accumulatedVolume: 3159115 })
    expect(book.asks.map((l) => l.price)).toEqual([71900, 72000, 72100, 72200, 72300, 72400, 72500, 72600, 72700, 72800])
    expect(book.bids.map((l) => l.price)).toEqual([71800, 71700, 71600, 71500, 71400, 71300, 71200, 71100, 71000, 70900])
    expect(book.asks[0]!.quantity).toBe(91918)
    expect(book.bids[9]!.quantity).toBe(158171)
  })

  it("H0STCNI0: both 23-field example notices decode after AES round trip with the example key/iv", () => {
    const { ack, records } = readWsExample("165_ccnl_notice.response.raw.txt")
    const parsedAck = Either.getOrThrow(parseControlFrame(ack))
    if (parsedAck._tag !== "Ack" || parsedAck.cipher === undefined) throw new Error("expected an ack with key/iv")
    expect(records.map((r) => r.split("^").length)).toEqual([23, 23])
    const notices = records.map((record) => {
      const frame = Either.getOrThrow(parseDataFrame(`1|H0STCNI0|001|${encryptNotice(parsedAck.cipher!, record)}`))
      const decoded = Either.getOrThrow(decodeDataFrame(frame, parsedAck.cipher))
      if (decoded._tag !== "FillNotices") throw new Error(decoded._tag)
      return decoded.values[0]!
    })
    expect(notices[0]).toMatchObject({
      kind: "acknowledgement", orderNo: "0000002891", originalOrderNo: Option.none(), side: "buy", revision: "new",
      orderDivision: "01", condition: "none", ticker: "136480", quantity: 1, price: 0, time: "094941", rejected: false,
      acceptance: "received", branchNo: "06010", orderQuantity: 1, accountNo: "1234567801"
    })
    expect(notices[1]).toMatchObject({ kind: "fill", orderDivision: "00", quantity: 1, price: 3190, acceptance: "confirmed" })
    expect(notices.map(noticeStockName)).toEqual(["하림", "하림"])
    // the same records as one two-record frame
    const both = parseDataFrame(formatDataFrame("H0STCNI0", records.map((r) => r.split("^")), parsedAck.cipher))
      .pipe(Either.flatMap((f) => decodeDataFrame(f, parsedAck.cipher)), Either.getOrThrow)
    expect(both).toEqual(FrameRecords.FillNotices({ values: notices }))
  })

  it("the example registration requests parse and re-format to the same JSON", () => {
    for (const file of ["165_ccnl_notice.request.json", "172_ccnl_krx.request.json", "178_asking_price_krx.request.json"]) {
      const text = readFileSync(examples(file), "utf8")
      const registration = Either.getOrThrow(parseRegistration(text))
      expect(registration.action).toBe("register")
      expect(JSON.parse(formatRegistration(registration))).toEqual(JSON.parse(text))
    }
  })

  it("the UNVERIFIED JSON 'execution notices' are not KIS frames and are refused with a typed error", () => {
    for (const file of ["execution_notice_buy.json", "execution_notice_partial_sell.json"]) {
      const text = readFileSync(sharedPath("kis", "fixtures", "stock-manager-kis_live-UNVERIFIED", file), "utf8")
      const parsed = parseServerFrame(text)
      expect(Either.isLeft(parsed) && parsed.left._tag).toBe("MalformedRealtimeFrame")
    }
  })
})
