// Typed realtime records: encode→frame→decode is the identity for trades, books and notices (plain and encrypted,
// 23- and 26-field layouts), and bad values are typed errors naming TR, record, field index and name.
import { fc, test } from "@fast-check/vitest"
import { Either, Option } from "effect"
import { describe, expect } from "vitest"
import { formatDataFrame, parseDataFrame } from "../../../src/kis/realtime/frames.js"
import { randomNoticeCipher } from "../../../src/kis/realtime/noticeCipher.js"
import { kstInstant, tradeDate } from "../../../src/domain/Time.js"
import {
  brokerFillOf, decodeDataFrame, FillNoticeRecord, FrameRecords, noticeStockName, OrderBookRecord, TradeRecord
} from "../../../src/kis/realtime/records.js"
import { fillNoticeArb, orderBookArb, tradeArb } from "./support/arbitraries.js"

const decodeText = (text: string, cipher?: Parameters<typeof decodeDataFrame>[1]) =>
  parseDataFrame(text).pipe(Either.flatMap((frame) => decodeDataFrame(frame, cipher)))
const reasonOf = <A>(result: Either.Either<A, { readonly reason: string }>) => (Either.isLeft(result) ? result.left.reason : "accepted")

describe("typed realtime records", () => {
  test.prop([fc.array(tradeArb, { minLength: 1, maxLength: 12 })], { numRuns: 50 })("H0STCNT0: N trades survive one frame", (trades) => {
    const text = formatDataFrame("H0STCNT0", trades.map(TradeRecord.encode))
    expect(trades.map(TradeRecord.encode).every((r) => r.length === 46)).toBe(true)
    expect(decodeText(text)).toEqual(Either.right(FrameRecords.Trades({ values: trades })))
  })

  test.prop([fc.array(orderBookArb, { minLength: 1, maxLength: 6 })], { numRuns: 50 })("H0STASP0: N books survive one frame", (books) => {
    expect(books.map(OrderBookRecord.encode).every((r) => r.length === 59)).toBe(true)
    expect(decodeText(formatDataFrame("H0STASP0", books.map(OrderBookRecord.encode)))).toEqual(
      Either.right(FrameRecords.OrderBooks({ values: books })))
  })

  test.prop([fc.constantFrom(5 as const, 8 as const).chain((extra) => fc.array(fillNoticeArb(extra), { minLength: 1, maxLength: 4 })),
    fc.constantFrom("H0STCNI0", "H0STCNI9")], { numRuns: 50 })(
    "H0STCNI0/9: notices encrypted with node:crypto decode to the same values (23 and 26 fields)",
    (notices, trId) => {
      const cipher = randomNoticeCipher()
      const records = notices.map(FillNoticeRecord.encode)
      expect(records.every((r) => r.length === 23 || r.length === 26)).toBe(true)
      const text = formatDataFrame(trId, records, cipher)
      expect(text).not.toContain(notices[0]!.orderNo)
      expect(decodeText(text, cipher)).toEqual(Either.right(FrameRecords.FillNotices({ values: notices })))
    }
  )

  test("the stock name is read from index 24 (26 fields) or 21 (23 fields)", () => {
    const [n23, n26] = fc.sample(fillNoticeArb(5), 1).concat(fc.sample(fillNoticeArb(8), 1))
    expect(noticeStockName({ ...n23!, extraFields: ["", "", "", "하림", ""] })).toBe("하림")
    expect(noticeStockName({ ...n26!, extraFields: ["", "", "", "", "", "", "삼성전자", "70000"] })).toBe("삼성전자")
    expect(noticeStockName({ ...n23!, extraFields: ["", "", "", "", ""] })).toBeUndefined()
  })

  test.prop([fillNoticeArb(5)])("only accepted fills become broker fills, at the KST time of the notice", (notice) => {
    const fill = brokerFillOf(notice, tradeDate("2026-08-19"))
    if (notice.kind === "acknowledgement" || notice.rejected) {
      expect(fill).toBeUndefined()
      return
    }
    expect(fill).toEqual({
      brokerOrderId: notice.orderNo, ticker: notice.ticker, side: notice.side, quantity: notice.quantity, price: notice.price,
      at: kstInstant(tradeDate("2026-08-19"), notice.time)
    })
    expect(new Date(fill!.at).toISOString().slice(11, 19).replaceAll(":", "")).toBe(
      String((Number(notice.time.slice(0, 2)) + 15) % 24).padStart(2, "0") + notice.time.slice(2))
  })

  test("a blank original order number decodes to none", () => {
    const [notice] = fc.sample(fillNoticeArb(5), 1)
    const fields = [...FillNoticeRecord.encode({ ...notice!, originalOrderNo: Option.none() })]
    expect(fields[3]).toBe("")
    expect(Either.map(FillNoticeRecord.decode(fields), (n) => n.originalOrderNo)).toEqual(Either.right(Option.none()))
  })

  test("bad values name the TR, record, field index and name", () => {
    const [a, b] = fc.sample(tradeArb, 2)
    const second = [...TradeRecord.encode(b!)]
    second[12] = "1.5"
    expect(reasonOf(decodeText(formatDataFrame("H0STCNT0", [TradeRecord.encode(a!), second])))).toBe(
      `H0STCNT0 record 2 of 2: field 12 CNTG_VOL = "1.5": expected an integer`)
    second[12] = "NaN"
    expect(reasonOf(decodeText(formatDataFrame("H0STCNT0", [second])))).toMatch(/field 12 CNTG_VOL = "NaN"/)
    const badTime = [...TradeRecord.encode(a!)]
    badTime[1] = "246000"
    expect(reasonOf(decodeText(formatDataFrame("H0STCNT0", [badTime])))).toMatch(/field 1 STCK_CNTG_HOUR = "246000": expected a KST time/)
    const badDate = [...TradeRecord.encode(a!)]
    badDate[33] = "20230231"
    expect(reasonOf(decodeText(formatDataFrame("H0STCNT0", [badDate])))).toMatch(/field 33 BSOP_DATE = "20230231"/)
  })

  test("an unknown notice code or a wrong field count is an error, and never quotes account fields", () => {
    const cipher = randomNoticeCipher()
    const [notice] = fc.sample(fillNoticeArb(5), 1)
    const fields = [...FillNoticeRecord.encode({ ...notice!, accountNo: "9876543201" })]
    fields[13] = "7"
    const bad = reasonOf(decodeText(formatDataFrame("H0STCNI0", [fields], cipher), cipher))
    expect(bad).toMatch(/^H0STCNI0 record 1 of 1: field 13 CNTG_YN = "7"/)
    const error = decodeText(formatDataFrame("H0STCNI0", [fields], cipher), cipher)
    expect(Either.isLeft(error) && error.left.message).not.toContain("9876543201")
    const short = decodeText(formatDataFrame("H0STCNI0", [fields.slice(0, 20)], cipher), cipher)
    expect(reasonOf(short)).toMatch(/23 or 26 fields/)
    expect(Either.isLeft(short) && short.left.message).not.toContain("9876543201")
  })

  test("records of TRs without a typed layout are passed over, not misread", () => {
    expect(decodeText("0|H0STMKO0|001|005930^a^b")).toEqual(Either.right(FrameRecords.Unsupported({ trId: "H0STMKO0" })))
  })
})
