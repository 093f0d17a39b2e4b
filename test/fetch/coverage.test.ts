// Coverage ranges of fetch-data: what is missing plus what is covered is exactly what was wanted, and merged
// ranges stay sorted, disjoint and non-adjacent, whatever order ranges are added in.
import { describe, expect } from "vitest"
import { test } from "@fast-check/vitest"
import fc from "fast-check"
import { addDays, type TradeDate } from "../../src/domain/Time.js"
import { addRange, type DateRange, missingRanges } from "../../src/fetch/coverage.js"

const BASE = "2020-01-01" as TradeDate
const range = fc.tuple(fc.nat(120), fc.nat(30)).map(([start, length]): DateRange => ({ from: addDays(BASE, start), to: addDays(BASE, start + length) }))
const days = (r: DateRange): Array<string> => {
  const out: Array<string> = []
  for (let d = r.from; d <= r.to; d = addDays(d, 1)) out.push(d)
  return out
}

describe("coverage", () => {
  test.prop([fc.array(range, { maxLength: 8 })])("merged ranges are sorted, disjoint, non-adjacent and cover the same days", (ranges) => {
    const merged = ranges.reduce<Array<DateRange>>(addRange, [])
    for (let i = 1; i < merged.length; i++) expect(addDays(merged[i - 1]!.to, 1) < merged[i]!.from).toBe(true)
    expect(new Set(merged.flatMap(days))).toEqual(new Set(ranges.flatMap(days)))
  })

  test.prop([fc.array(range, { maxLength: 8 }), range])("missing ∪ covered ⊇ wanted, missing ∩ covered = ∅, and adding the missing leaves nothing missing", (ranges, wanted) => {
    const covered = new Set(ranges.flatMap(days))
    const missing = missingRanges(ranges, wanted)
    const missingDays = missing.flatMap(days)
    expect(missingDays.filter((d) => covered.has(d))).toEqual([])
    expect(days(wanted).filter((d) => !covered.has(d))).toEqual(missingDays)
    expect(missingRanges(missing.reduce(addRange, ranges), wanted)).toEqual([])
  })

  test.prop([range])("nothing covered: the whole range is missing", (wanted) => {
    expect(missingRanges([], wanted)).toEqual([wanted])
  })
})
