// Frame codec: data-frame header and record splitting, JSON control frames (acks, PINGPONG, session errors) and
// registration requests, in both directions, with typed errors for everything malformed.
import { fc, test } from "@fast-check/vitest"
import { Either } from "effect"
import { describe, expect } from "vitest"
import {
  formatAck, formatDataFrame, formatPingPong, formatRegistration, formatSessionError, framePlaintext, parseControlFrame,
  parseDataFrame, parseRegistration, parseServerFrame, splitRecords
} from "../../../src/kis/realtime/frames.js"
import { randomNoticeCipher } from "../../../src/kis/realtime/noticeCipher.js"

const field = fc.string({ unit: fc.constantFrom(..."0123456789-.ABC가나 "), maxLength: 8 })
const reasonOf = <A>(result: Either.Either<A, { readonly reason: string }>) => (Either.isLeft(result) ? result.left.reason : "accepted")

describe("data frames", () => {
  test.prop([fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 40 }).chain((n) =>
    fc.array(fc.array(field, { minLength: n, maxLength: n }), { minLength: 1, maxLength: 20 }))])(
    "format then parse and split gives back N records of the TR's size",
    (_, records) => {
      const size = records[0]!.length
      const frame = Either.getOrThrow(parseDataFrame(formatDataFrame("H0STCNT0", records)))
      expect(frame).toMatchObject({ encrypted: false, trId: "H0STCNT0", count: records.length })
      expect(splitRecords(frame.trId, frame.payload, frame.count, [size])).toEqual(Either.right(records))
    }
  )

  test.prop([fc.array(fc.array(field, { minLength: 23, maxLength: 23 }), { minLength: 1, maxLength: 5 })])(
    "an encrypted frame decrypts with its cipher to the same records",
    (records) => {
      const cipher = randomNoticeCipher()
      const text = formatDataFrame("H0STCNI9", records, cipher)
      expect(text.startsWith(`1|H0STCNI9|${String(records.length).padStart(3, "0")}|`)).toBe(true)
      const frame = Either.getOrThrow(parseDataFrame(text))
      const plaintext = Either.getOrThrow(framePlaintext(frame, cipher))
      expect(splitRecords(frame.trId, plaintext, frame.count, [23, 26])).toEqual(Either.right(records))
    }
  )

  test("multi-record payloads are cut by the field count", () => {
    const payload = ["005930", "093354", "71900", "005930", "093355", "72000"].join("^")
    expect(splitRecords("X", payload, 2, [3])).toEqual(Either.right([["005930", "093354", "71900"], ["005930", "093355", "72000"]]))
    expect(reasonOf(splitRecords("H0STCNT0", payload, 2, [46]))).toBe("H0STCNT0: 6 fields do not make 2 record(s) of 46 fields")
    expect(reasonOf(splitRecords("H0STCNI0", "a^b", 1, [23, 26]))).toMatch(/23 or 26 fields/)
  })

  test("bad headers are typed errors naming the expected shape", () => {
    expect(reasonOf(parseDataFrame("2|H0STCNT0|001|x"))).toMatch(/expected <0\|1>/)
    expect(reasonOf(parseDataFrame("0|H0STCNT0|01|x"))).toMatch(/expected <0\|1>/)
    expect(reasonOf(parseDataFrame("0||001|x"))).toMatch(/expected <0\|1>/)
    expect(reasonOf(parseDataFrame("0|H0STCNT0|000|x"))).toBe("record count is 000")
    expect(reasonOf(framePlaintext(Either.getOrThrow(parseDataFrame("1|H0STCNI0|001|AAAA")), undefined))).toMatch(/before any ack/)
  })
})

describe("control frames", () => {
  test("a success ack of an encrypted TR carries encrypt Y and the cipher", () => {
    const cipher = randomNoticeCipher()
    const ack = Either.getOrThrow(parseControlFrame(formatAck({ trId: "H0STCNI0", trKey: "myhts", msgCode: "OPSP0000", cipher })))
    expect(ack).toMatchObject({ _tag: "Ack", trId: "H0STCNI0", trKey: "myhts", outcome: "subscribed", encrypted: true, cipher })
  })

  test("ack outcomes follow the OPSP code", () => {
    const outcome = (msgCode: Parameters<typeof formatAck>[0]["msgCode"]) => {
      const frame = Either.getOrThrow(parseControlFrame(formatAck({ trId: "H0STCNT0", trKey: "005930", msgCode })))
      return frame._tag === "Ack" ? `${frame.outcome} ${frame.msg1}` : frame._tag
    }
    expect(outcome("OPSP0000")).toBe("subscribed SUBSCRIBE SUCCESS")
    expect(outcome("OPSP0002")).toBe("subscribed ALREADY IN SUBSCRIBE")
    expect(outcome("OPSP0001")).toBe("unsubscribed UNSUBSCRIBE SUCCESS")
    expect(outcome("OPSP0008")).toBe("rejected MAX SUBSCRIBE OVER")
    expect(outcome("OPSP8991")).toBe("rejected invalid tr_id")
  })

  test("OPSP8996 (app key in use) is a session error, header tr_id (null), rt_cd 9", () => {
    const text = formatSessionError("OPSP8996")
    expect(JSON.parse(text)).toMatchObject({ header: { tr_id: "(null)" }, body: { rt_cd: "9", msg_cd: "OPSP8996" } })
    expect(parseServerFrame(text)).toEqual(Either.right({ _tag: "SessionError", msgCode: "OPSP8996", msg1: "ALREADY IN USE appkey" }))
  })

  test("PINGPONG keeps its exact text for the echo", () => {
    const text = formatPingPong("20260827090000")
    expect(parseServerFrame(text)).toEqual(Either.right({ _tag: "PingPong", text }))
  })

  test("malformed control frames are typed errors", () => {
    expect(reasonOf(parseControlFrame("{not json"))).toBe("neither a data frame nor JSON")
    expect(reasonOf(parseControlFrame(JSON.stringify({ header: { tr_id: "H0STCNT0" } })))).toMatch(/has no body/)
    expect(reasonOf(parseControlFrame(JSON.stringify({ body: {} })))).toMatch(/header/)
    const shortKey = JSON.stringify({
      header: { tr_id: "H0STCNI0", tr_key: "x", encrypt: "Y" },
      body: { rt_cd: "0", msg_cd: "OPSP0000", msg1: "SUBSCRIBE SUCCESS", output: { key: "abc", iv: "0123456789abcdef" } }
    })
    expect(reasonOf(parseControlFrame(shortKey))).toMatch(/32 bytes/)
    const refused = parseControlFrame(shortKey.replace('"H0STCNI0"', "7"))
    expect(Either.isLeft(refused) && refused.left.message).not.toMatch(/abc|0123456789abcdef/) // never quote key or iv
  })
})

describe("registration requests", () => {
  test.prop([fc.constantFrom("register" as const, "release" as const), fc.constantFrom("P" as const, "B" as const),
    fc.uuid(), fc.stringMatching(/^H0[A-Z0-9]{6}$/), fc.stringMatching(/^[0-9A-Za-z]{1,12}$/)])(
    "format then parse is the identity; tr_type is 1 to register, 2 to release",
    (action, custType, approvalKey, trId, trKey) => {
      const text = formatRegistration({ approvalKey, custType, action, trId, trKey })
      expect(parseRegistration(text)).toEqual(Either.right({ approvalKey, custType, action, trId, trKey }))
      expect(JSON.parse(text)).toEqual({
        header: { approval_key: approvalKey, custtype: custType, tr_type: action === "register" ? "1" : "2", "content-type": "utf-8" },
        body: { input: { tr_id: trId, tr_key: trKey } }
      })
    }
  )

  test("a bad registration is a typed error that does not echo the approval key", () => {
    const text = JSON.stringify({
      header: { approval_key: "secret-approval", custtype: "P", tr_type: "0", "content-type": "utf-8" },
      body: { input: { tr_id: "H0STCNT0", tr_key: "005930" } }
    })
    const result = parseRegistration(text)
    expect(Either.isLeft(result)).toBe(true)
    expect(Either.isLeft(result) && result.left.message).not.toContain("secret-approval")
  })
})
