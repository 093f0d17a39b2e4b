// The hand parsers of the loader accept exactly what the wire Schemas accept, with the same values.
import { fc, test } from "@fast-check/vitest"
import { Either, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { DateFromKisString, WholeNumberFromString } from "../../../src/backtest/data/kisWire.js"
import { makeDateCache, parseDate, parseEokToWon, parseWholeNumber } from "../../../src/backtest/data/numbers.js"

const decodeWhole = Schema.decodeUnknownEither(WholeNumberFromString)
const decodeDate = Schema.decodeUnknownEither(DateFromKisString)
const asOption = <A, E>(e: Either.Either<A, E>): A | undefined => (Either.isRight(e) ? e.right : undefined)

/** Strings near the grammar: digits, signs, dots, zeros, spaces, letters, a non-ASCII digit look-alike. */
const numberish = fc.stringOf(fc.constantFrom("0", "1", "5", "9", "-", ".", "0", " ", "e", "x", "+", "٣", "İ"), { maxLength: 22 })
const longDigits = fc.stringOf(fc.constantFrom("0", "9", "1"), { minLength: 14, maxLength: 20 })

describe("parseWholeNumber", () => {
  test.prop([fc.oneof(numberish, longDigits, fc.integer().map(String), fc.string())], { numRuns: 1000 })(
    "agrees with WholeNumberFromString on any string",
    (s) => {
      expect(parseWholeNumber(s)).toBe(asOption(decodeWhole(s)))
    }
  )

  it("reads the forms history files use and rejects the rest", () => {
    expect(parseWholeNumber("26799")).toBe(26799)
    expect(parseWholeNumber("26799.0")).toBe(26799)
    expect(parseWholeNumber("-5")).toBe(-5)
    for (const bad of ["", "-", "1.5", "1.", ".0", " 1", "1e3", "0x10", "NaN", "Infinity", "9007199254740993"]) {
      expect(parseWholeNumber(bad), bad).toBeUndefined()
    }
  })
})

describe("parseEokToWon", () => {
  test.prop([fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n })])("converts 억원 decimals to exact won", (won) => {
    const abs = won < 0n ? -won : won
    const text = `${won < 0n ? "-" : ""}${abs / 100_000_000n}.${String(abs % 100_000_000n).padStart(8, "0")}`
    expect(parseEokToWon(text)).toBe(Number(won) === 0 ? 0 : Number(won))
  })

  it("handles KIS amounts with and without decimals and rejects junk", () => {
    expect(parseEokToWon("2589355.00")).toBe(258_935_500_000_000)
    expect(parseEokToWon("8975")).toBe(897_500_000_000)
    expect(parseEokToWon("-12.5")).toBe(-1_250_000_000)
    for (const bad of ["", "1,000", "1.123456789", "abc", "1e3"]) expect(parseEokToWon(bad), bad).toBeUndefined()
  })
})

describe("dates", () => {
  const dateish = fc.oneof(
    fc.date({ min: new Date("1900-01-01"), max: new Date("2100-12-31"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
    fc.tuple(fc.integer({ min: 1990, max: 2030 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
      .map(([y, m, d]) => `${y}${String(m).padStart(2, "0")}${String(d).padStart(2, "0")}`),
    fc.stringOf(fc.constantFrom("2", "0", "1", "-", "3"), { maxLength: 11 })
  )
  test.prop([dateish], { numRuns: 1000 })("parseDate and the byte cache agree with DateFromKisString", (s) => {
    const expected = asOption(decodeDate(s))
    expect(parseDate(s)).toBe(expected)
    const bytes = new TextEncoder().encode(`x${s}y`)
    expect(makeDateCache().at(bytes, 1, bytes.length - 1)).toBe(expected)
  })

  it("shares one string per date across a load", () => {
    const cache = makeDateCache()
    const a = new TextEncoder().encode("20240510"), b = new TextEncoder().encode("2024-05-10")
    expect(cache.at(a, 0, 8)).toBe("2024-05-10")
    expect(cache.at(b, 0, 10)).toBe(cache.at(a, 0, 8))
    expect(cache.at(new TextEncoder().encode("20230229"), 0, 8)).toBeUndefined()
    expect(cache.at(new TextEncoder().encode("02220222"), 0, 8)).toBe(parseDate("02220222"))
  })
})
