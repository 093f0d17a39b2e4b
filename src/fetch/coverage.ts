// Date ranges already downloaded per symbol, so fetch-data asks KIS only for what is missing: inclusive
// [from, to] intervals of calendar dates, kept sorted, disjoint and merged when they touch. Pure.
import { addDays, type TradeDate } from "../domain/Time.js"

export interface DateRange {
  readonly from: TradeDate
  readonly to: TradeDate
}

/** `ranges` plus `added`, sorted by start, overlapping or adjacent ranges merged. */
export const addRange = (ranges: ReadonlyArray<DateRange>, added: DateRange): Array<DateRange> => {
  if (added.to < added.from) return [...ranges]
  const all = [...ranges, added].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0))
  const out: Array<DateRange> = []
  for (const r of all) {
    const last = out[out.length - 1]
    if (last !== undefined && r.from <= addDays(last.to, 1)) {
      if (r.to > last.to) out[out.length - 1] = { from: last.from, to: r.to }
    } else out.push(r)
  }
  return out
}

/** The parts of `wanted` not inside any of `ranges` (sorted, disjoint), oldest first. */
export const missingRanges = (ranges: ReadonlyArray<DateRange>, wanted: DateRange): Array<DateRange> => {
  const out: Array<DateRange> = []
  let cursor = wanted.from
  for (const r of ranges.reduce<Array<DateRange>>((acc, x) => addRange(acc, x), [])) {
    if (cursor > wanted.to) break
    if (r.to < cursor) continue
    if (r.from > wanted.to) break
    if (r.from > cursor) out.push({ from: cursor, to: addDays(r.from, -1) })
    cursor = addDays(r.to, 1)
  }
  if (cursor <= wanted.to) out.push({ from: cursor, to: wanted.to })
  return out
}
