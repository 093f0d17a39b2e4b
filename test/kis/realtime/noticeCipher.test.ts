// AES-256-CBC notice cipher: node:crypto round trip, KIS key/iv conventions, and typed failures for bad input.
import { fc, test } from "@fast-check/vitest"
import { createCipheriv } from "node:crypto"
import { Either } from "effect"
import { describe, expect } from "vitest"
import type { MalformedRealtimeFrame } from "../../../src/kis/realtime/errors.js"
import { decryptNotice, encryptNotice, makeNoticeCipher, randomNoticeCipher } from "../../../src/kis/realtime/noticeCipher.js"

const cipherArb = fc.record({
  key: fc.stringMatching(/^[A-Za-z0-9]{32}$/),
  iv: fc.stringMatching(/^[A-Za-z0-9]{16}$/)
})

const reasonOf = (result: Either.Either<string, MalformedRealtimeFrame>) => Either.isLeft(result) ? result.left.reason : "decoded"

describe("noticeCipher", () => {
  test.prop([cipherArb, fc.string({ unit: "grapheme", maxLength: 300 })])("decrypt(encrypt(x)) = x", (cipher, text) => {
    expect(decryptNotice(cipher, encryptNotice(cipher, text))).toEqual(Either.right(text))
  })

  test("uses the key and iv strings' UTF-8 bytes with PKCS#7 padding, base64 encoded", () => {
    const cipher = { key: "abcdefghijklmnopabcdefghijklmnop", iv: "0123456789abcdef" }
    const aes = createCipheriv("aes-256-cbc", Buffer.from(cipher.key), Buffer.from(cipher.iv))
    const expected = Buffer.concat([aes.update("a^b^하림", "utf8"), aes.final()]).toString("base64")
    expect(encryptNotice(cipher, "a^b^하림")).toBe(expected)
    expect(Buffer.from(expected, "base64").length % 16).toBe(0)
  })

  test("a wrong key, broken padding or non-base64 payload is a typed error", () => {
    const cipher = randomNoticeCipher()
    const other = randomNoticeCipher()
    const sealed = encryptNotice(cipher, "HTS ID^1234567801^0000002891")
    const wrongKey = decryptNotice(other, sealed)
    // a wrong key fails the padding check almost always; when it happens to pass, the text is garbage, not the original
    expect(Either.isLeft(wrongKey) || Either.getOrThrow(wrongKey) !== "HTS ID^1234567801^0000002891").toBe(true)
    expect(reasonOf(decryptNotice(cipher, "not base64!"))).toMatch(/not base64/)
    expect(reasonOf(decryptNotice(cipher, sealed.slice(0, 8)))).toMatch(/cannot decrypt/)
  })

  test("key and iv sizes are checked when an ack hands them out", () => {
    expect(Either.isRight(makeNoticeCipher("k".repeat(32), "i".repeat(16)))).toBe(true)
    expect(Either.isLeft(makeNoticeCipher("short", "i".repeat(16)))).toBe(true)
    expect(Either.isLeft(makeNoticeCipher("k".repeat(32), "i".repeat(15)))).toBe(true)
    const fresh = randomNoticeCipher()
    expect([fresh.key.length, fresh.iv.length]).toEqual([32, 16])
    expect(fresh.key).toMatch(/^[A-Za-z0-9]+$/)
  })
})
