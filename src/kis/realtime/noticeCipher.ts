// AES-256-CBC of the encrypted realtime TRs (order/fill notices): key = the ack's 32-character `key` string as UTF-8
// bytes, IV = its 16-character `iv` string, payload base64, PKCS#7 padding. Both directions, so kis-sim reuses it.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto"
import { Either } from "effect"
import { MalformedRealtimeFrame } from "./errors.js"

/** The key/iv pair KIS hands out in the registration ack of an encrypted TR. */
export interface NoticeCipher {
  readonly key: string
  readonly iv: string
}

const KEY_BYTES = 32
const IV_BYTES = 16
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/** Checks the sizes AES-256-CBC needs; a wrong-sized key from an ack is a malformed frame, not a crash. */
export const makeNoticeCipher = (key: string, iv: string): Either.Either<NoticeCipher, MalformedRealtimeFrame> =>
  Buffer.byteLength(key, "utf8") !== KEY_BYTES || Buffer.byteLength(iv, "utf8") !== IV_BYTES
    ? Either.left(MalformedRealtimeFrame.quoting(
      `cipher key must be ${KEY_BYTES} bytes and iv ${IV_BYTES} bytes, got ${Buffer.byteLength(key, "utf8")} and ${Buffer.byteLength(iv, "utf8")}`, ""))
    : Either.right({ key, iv })

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
const randomText = (length: number): string =>
  Array.from(randomBytes(length), (b) => ALPHANUMERIC[b % ALPHANUMERIC.length]).join("")

/** A fresh key/iv of the shape KIS sends (ASCII letters and digits), for a server issuing acks. */
export const randomNoticeCipher = (): NoticeCipher => ({ key: randomText(KEY_BYTES), iv: randomText(IV_BYTES) })

const algorithmArgs = (cipher: NoticeCipher) =>
  ["aes-256-cbc", Buffer.from(cipher.key, "utf8"), Buffer.from(cipher.iv, "utf8")] as const

/** Encrypts a `^`-delimited record the way KIS does; returns base64. */
export const encryptNotice = (cipher: NoticeCipher, plaintext: string): string => {
  const aes = createCipheriv(...algorithmArgs(cipher))
  return Buffer.concat([aes.update(plaintext, "utf8"), aes.final()]).toString("base64")
}

/** Decrypts a base64 payload; a wrong key, broken padding or non-base64 text is a typed error. */
export const decryptNotice = (cipher: NoticeCipher, base64: string): Either.Either<string, MalformedRealtimeFrame> => {
  const fail = (reason: string) => Either.left(MalformedRealtimeFrame.quoting(reason, base64))
  if (base64.length === 0 || !BASE64.test(base64)) return fail("encrypted payload is not base64")
  try {
    const aes = createDecipheriv(...algorithmArgs(cipher))
    return Either.right(Buffer.concat([aes.update(Buffer.from(base64, "base64")), aes.final()]).toString("utf8"))
  } catch (error) {
    return fail(`cannot decrypt payload with the key of its registration ack (${(error as Error).message})`)
  }
}
