// The benchmark a run is compared with: an equal-weight buy-and-hold of the universe, or an index series read
// from a CSV file (`date,close`), either scaled to start at the run's initial cash.
import { Effect } from "effect"
import * as FileSystem from "@effect/platform/FileSystem"
import { DataLoadError } from "./data/DataLoadError.js"
import type { TradeDate } from "../domain/Time.js"
import type { Replay } from "./replay.js"

/** Benchmark value on each replay day, given the day index after `replay.advance()`. */
export interface Benchmark {
  readonly valueOn: (replay: Replay) => number
}

/**
 * Equal weight at the first visible close of each symbol: a symbol not yet trading counts as cash until its first
 * bar, then as bought at that close. The value is the initial cash times the mean of the per-symbol growth.
 */
export const equalWeightBenchmark = (initialCash: number): Benchmark => {
  let entry: Float64Array | undefined
  return {
    valueOn: (replay) => {
      const n = replay.columns.length
      if (n === 0) return initialCash
      entry ??= new Float64Array(n)
      let sum = 0
      const { cursor, latestClose } = replay
      for (let s = 0; s < n; s++) {
        if (cursor[s] === 0) {
          sum += 1
          continue
        }
        const close = latestClose[s]!
        if (entry[s] === 0) entry[s] = close
        sum += close / entry[s]!
      }
      return (initialCash * sum) / n
    }
  }
}

/** An index series: its last close on or before each day, relative to its last close on or before the first day. */
export const seriesBenchmark = (initialCash: number, dates: ReadonlyArray<TradeDate>, closes: ReadonlyArray<number>): Benchmark => {
  let i = -1
  let base: number | undefined
  return {
    valueOn: (replay) => {
      while (i + 1 < dates.length && dates[i + 1]! <= replay.today) i++
      const close = i >= 0 ? closes[i]! : undefined
      if (close === undefined) return initialCash
      base ??= close
      return (initialCash * close) / base
    }
  }
}

/** Reads a `date,close` CSV (header optional, dates YYYY-MM-DD or YYYYMMDD), ascending by date. */
export const readBenchmarkCsv = (file: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const text = yield* fs.readFileString(file).pipe(
      Effect.mapError((e) => new DataLoadError({ file, row: undefined, field: undefined, value: undefined, reason: `cannot read the benchmark file: ${e.message}` }))
    )
    const rows: Array<readonly [TradeDate, number]> = []
    const lines = text.split(/\r?\n/)
    for (let n = 0; n < lines.length; n++) {
      const line = lines[n]!.trim()
      if (line === "" || (n === 0 && /[a-z]/i.test(line))) continue
      const [rawDate, rawClose] = line.split(",")
      const date = (rawDate ?? "").replace(/^(\d{4})(\d{2})(\d{2})$/, "$1-$2-$3")
      const close = Number(rawClose)
      const bad = (field: string, value: string | undefined, reason: string) =>
        Effect.fail(new DataLoadError({ file, row: n + 1, field, value, reason }))
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return yield* bad("date", rawDate, "expected YYYY-MM-DD or YYYYMMDD")
      if (!Number.isFinite(close) || close <= 0) return yield* bad("close", rawClose, "expected a positive number")
      if (rows.length > 0 && rows[rows.length - 1]![0] >= date) return yield* bad("date", rawDate, "dates must be strictly ascending")
      rows.push([date as TradeDate, close])
    }
    if (rows.length === 0) return yield* Effect.fail(new DataLoadError({ file, row: undefined, field: undefined, value: undefined, reason: "no rows" }))
    return { dates: rows.map((r) => r[0]), closes: rows.map((r) => r[1]) }
  })
