// Bar files -> validated columns: the plain CSV of FinanceDataReader/pykrx users and the KIS daily-chart JSON.
// Both are scanned as bytes (no per-row objects or strings); one row check for both: real date in order, whole
// numbers, positive prices, low ≤ open, close ≤ high, volume ≥ 0.
import { Either } from "effect"
import type { TradeDate } from "../../domain/Time.js"
import { dataLoadError, type DataLoadError } from "./DataLoadError.js"
import { CHART_FIELDS } from "./kisWire.js"
import { type DateCache, wholeNumberAt } from "./numbers.js"

/** Parsed bars of one file in ascending date order, with the 1-based source row of each bar. */
export interface ParsedBars {
  readonly dates: Array<TradeDate>
  readonly open: Float64Array
  readonly high: Float64Array
  readonly low: Float64Array
  readonly close: Float64Array
  readonly volume: Float64Array
  readonly rows: Int32Array
}

/** Column order everywhere in this module: date, open, high, low, close, volume. */
const COLUMNS = ["date", "open", "high", "low", "close", "volume"] as const
const KIS_NAMES: ReadonlyArray<string> = COLUMNS.map((c) => CHART_FIELDS[c])

/** Header aliases: FinanceDataReader (Date, Open, …), pykrx (날짜, 시가, …) and KIS field names. */
const CSV_ALIASES: Readonly<Record<string, number>> = {
  date: 0, 날짜: 0, stck_bsop_date: 0,
  open: 1, 시가: 1, stck_oprc: 1,
  high: 2, 고가: 2, stck_hgpr: 2,
  low: 3, 저가: 3, stck_lwpr: 3,
  close: 4, 종가: 4, stck_clpr: 4,
  volume: 5, 거래량: 5, acml_vol: 5
}

const utf8 = new TextDecoder()

/**
 * Accumulates one file's bars into columns sized for the file's row count. A scanner points `start`/`end`
 * at the six raw values of a row in `bytes` (start = -1: value absent) and calls `accept`; the first broken
 * rule becomes the file's error.
 */
class BarSink {
  readonly dates: Array<TradeDate>
  readonly open: Float64Array
  readonly high: Float64Array
  readonly low: Float64Array
  readonly close: Float64Array
  readonly volume: Float64Array
  readonly rows: Int32Array
  length = 0
  readonly start = new Int32Array(6)
  readonly end = new Int32Array(6)
  private readonly nums = new Float64Array(6)

  constructor(
    private readonly file: string,
    private readonly names: ReadonlyArray<string>,
    private readonly dateCache: DateCache,
    capacity: number,
    /** +1: the file must ascend (oldest first); -1: descend (newest first, as KIS pages); 0: the first two rows decide. */
    private order: 1 | -1 | 0
  ) {
    this.dates = new Array<TradeDate>(capacity)
    this.open = new Float64Array(capacity)
    this.high = new Float64Array(capacity)
    this.low = new Float64Array(capacity)
    this.close = new Float64Array(capacity)
    this.volume = new Float64Array(capacity)
    this.rows = new Int32Array(capacity)
  }

  private fail(row: number, k: number, value: string | undefined, reason: string): DataLoadError {
    return dataLoadError(this.file, row, this.names[k], value, reason)
  }

  private raw(bytes: Uint8Array, k: number): string {
    return JSON.stringify(utf8.decode(bytes.subarray(this.start[k]!, this.end[k]!)))
  }

  /**
   * Validates and stores the row whose values `start`/`end` point at; returns the error, if any. Skipped:
   * rows with an empty date (KIS pads short pages with them) and trading-halt rows (open, high, low and volume
   * 0, close = the standing price), which leave a gap that the calendar check reports.
   */
  accept(bytes: Uint8Array, row: number): DataLoadError | undefined {
    const { start, end, nums } = this
    if (start[0]! >= 0 && start[0] === end[0]) return undefined
    for (let k = 0; k < 6; k++) if (start[k]! < 0) return this.fail(row, k, undefined, "missing value")
    const date = this.dateCache.at(bytes, start[0]!, end[0]!)
    if (date === undefined) return this.fail(row, 0, this.raw(bytes, 0), "not a real date (YYYY-MM-DD or YYYYMMDD)")
    for (let k = 1; k < 6; k++) {
      const n = wholeNumberAt(bytes, start[k]!, end[k]!)
      if (n === undefined) return this.fail(row, k, this.raw(bytes, k), "not a whole number")
      nums[k] = n
    }
    const o = nums[1]!, h = nums[2]!, l = nums[3]!, c = nums[4]!, v = nums[5]!
    if (o === 0 && h === 0 && l === 0 && v === 0 && c > 0) return undefined
    for (let k = 1; k <= 4; k++) if (nums[k]! <= 0) return this.fail(row, k, String(nums[k]), "price must be positive")
    if (v < 0) return this.fail(row, 5, String(v), "volume must not be negative")
    if (h < l) return this.fail(row, 2, String(h), `high is below low ${l}`)
    if (l > o || l > c) return this.fail(row, 3, String(l), `low is above open ${o} or close ${c}`)
    if (h < o || h < c) return this.fail(row, 2, String(h), `high is below open ${o} or close ${c}`)
    const i = this.length
    if (i > 0) {
      const prev = this.dates[i - 1]!
      if (date === prev) return this.fail(row, 0, date, "duplicate date")
      if (this.order === 0) this.order = date > prev ? 1 : -1
      if ((date > prev ? 1 : -1) !== this.order) {
        const want = this.order === 1 ? "ascending (oldest first)" : "descending (newest first)"
        return this.fail(row, 0, date, `dates must be strictly ${want}; previous row is ${prev}`)
      }
    }
    this.dates[i] = date
    this.open[i] = o; this.high[i] = h; this.low[i] = l; this.close[i] = c; this.volume[i] = v
    this.rows[i] = row
    this.length = i + 1
    return undefined
  }

  /** The bars in ascending order, trimmed to their count. */
  finish(): ParsedBars {
    const n = this.length
    const bars: ParsedBars = {
      dates: this.dates.length === n ? this.dates : this.dates.slice(0, n),
      open: this.open.slice(0, n), high: this.high.slice(0, n), low: this.low.slice(0, n),
      close: this.close.slice(0, n), volume: this.volume.slice(0, n), rows: this.rows.slice(0, n)
    }
    if (this.order === -1) {
      bars.dates.reverse(); bars.open.reverse(); bars.high.reverse(); bars.low.reverse()
      bars.close.reverse(); bars.volume.reverse(); bars.rows.reverse()
    }
    return bars
  }
}

const countByte = (b: Uint8Array, byte: number): number => {
  let n = 0
  for (let i = b.indexOf(byte); i >= 0; i = b.indexOf(byte, i + 1)) n++
  return n
}

/**
 * A plain CSV with a header naming date, open, high, low, close, volume (any order, any case, extra columns
 * ignored; FinanceDataReader, pykrx and KIS names accepted), one bar a line, oldest first. Row = line number.
 */
export const parseCsvBars = (file: string, bytes: Uint8Array, dateCache: DateCache): Either.Either<ParsedBars, DataLoadError> => {
  let headerEnd = bytes.indexOf(10)
  if (headerEnd < 0) headerEnd = bytes.length
  const header = utf8.decode(bytes.subarray(0, headerEnd)).replace(/^\uFEFF/, "").replace(/\r$/, "").split(",")
  const columnOfCell = new Int8Array(header.length).fill(-1)
  const found = new Set<number>()
  header.forEach((name, i) => {
    const k = CSV_ALIASES[name.trim().toLowerCase()]
    if (k !== undefined && !found.has(k)) { columnOfCell[i] = k; found.add(k) }
  })
  const missing = COLUMNS.find((_, k) => !found.has(k))
  if (missing !== undefined) {
    return Either.left(dataLoadError(file, 1, missing, undefined, `missing column (header is "${header.join(",")}")`))
  }
  const sink = new BarSink(file, COLUMNS, dateCache, countByte(bytes, 10) + 1, 1)
  const { start, end } = sink
  let line = 1
  for (let pos = headerEnd + 1; pos < bytes.length; pos++) {
    line++
    let lineEnd = bytes.indexOf(10, pos)
    if (lineEnd < 0) lineEnd = bytes.length
    const contentEnd = lineEnd > pos && bytes[lineEnd - 1] === 13 ? lineEnd - 1 : lineEnd
    if (contentEnd > pos) {
      start.fill(-1)
      let cell = 0, cellStart = pos
      for (let i = pos; i <= contentEnd; i++) {
        if (i === contentEnd || bytes[i] === 44 /* , */) {
          const k = cell < columnOfCell.length ? columnOfCell[cell]! : -1
          if (k >= 0) { start[k] = cellStart; end[k] = i }
          cell++
          cellStart = i + 1
        }
      }
      const err = sink.accept(bytes, line)
      if (err !== undefined) return Either.left(err)
    }
    pos = lineEnd
  }
  return Either.right(sink.finish())
}

// ---- KIS chart JSON ----

/** The line (1-based) of a character offset in `text`. */
const lineAt = (text: string, offset: number): number => {
  let line = 1
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++
  return line
}

/** JSON.parse with a syntax error turned into a DataLoadError naming the line where parsing stopped. */
export const parseJsonText = (file: string, text: string): Either.Either<unknown, DataLoadError> => {
  try {
    return Either.right(JSON.parse(text) as unknown)
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e)
    const pos = /position (\d+)/.exec(msg)
    const line = lineAt(text, pos === null ? text.length : Number(pos[1]))
    return Either.left(dataLoadError(file, line, "json", undefined, `malformed JSON (${msg})`))
  }
}

const NAME_BYTES = KIS_NAMES.map((n) => new TextEncoder().encode(n))
const OUTPUT2 = new TextEncoder().encode("output2")

const sameBytes = (b: Uint8Array, from: number, to: number, name: Uint8Array): boolean => {
  if (to - from !== name.length) return false
  for (let i = 0; i < name.length; i++) if (b[from + i] !== name[i]) return false
  return true
}

/** Index of the first non-whitespace byte at or after `i`. */
const skipSpace = (b: Uint8Array, i: number): number => {
  for (;;) {
    const c = b[i]
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return i
    i++
  }
}

/** Index of the closing quote of the string whose content starts at `i` (the file has no escapes), or -1. */
const stringEnd = (b: Uint8Array, i: number): number => b.indexOf(34, i)

/** The chart fields grouped by name length, so a key is compared only with names as long as it. */
const FIELDS_BY_LENGTH: ReadonlyArray<ReadonlyArray<number>> = Array.from({ length: 32 }, (_, n) =>
  NAME_BYTES.flatMap((name, k) => (name.length === n ? [k] : [])))

/** Which of the six chart fields the key `b[from, to)` names, or -1. */
const fieldIndex = (b: Uint8Array, from: number, to: number): number => {
  const candidates = FIELDS_BY_LENGTH[to - from]
  if (candidates === undefined) return -1
  for (const k of candidates) if (sameBytes(b, from, to, NAME_BYTES[k]!)) return k
  return -1
}

/** Marks a shape the byte scanner does not handle; the JSON.parse path then reads the file. */
const NOT_PLAIN = "not-plain" as const

/**
 * Fast path for `{"output2":[{...},...]}` whose row values are plain strings without escapes (what KIS sends
 * and the sample stores). Anything else -> NOT_PLAIN, and `parseKisChartBars` falls back to JSON.parse.
 */
const scanPlainChart = (file: string, b: Uint8Array, dateCache: DateCache): ParsedBars | DataLoadError | typeof NOT_PLAIN => {
  if (b.indexOf(92 /* \\ */) >= 0) return NOT_PLAIN
  let i = skipSpace(b, 0)
  if (b[i] !== 123) return NOT_PLAIN
  i = skipSpace(b, i + 1)
  if (b[i] !== 34) return NOT_PLAIN
  let close = stringEnd(b, i + 1)
  if (close < 0 || !sameBytes(b, i + 1, close, OUTPUT2)) return NOT_PLAIN
  i = skipSpace(b, close + 1)
  if (b[i] !== 58) return NOT_PLAIN
  i = skipSpace(b, i + 1)
  if (b[i] !== 91) return NOT_PLAIN
  const sink = new BarSink(file, KIS_NAMES, dateCache, countByte(b, 123), 0)
  const { start, end } = sink
  i = skipSpace(b, i + 1)
  if (b[i] === 93) i = skipSpace(b, i + 1)
  else {
    for (let row = 1; ; row++) {
      if (b[i] !== 123) return NOT_PLAIN
      start.fill(-1)
      i = skipSpace(b, i + 1)
      if (b[i] === 125) i = skipSpace(b, i + 1)
      else {
        for (;;) {
          if (b[i] !== 34) return NOT_PLAIN
          const keyFrom = i + 1
          const keyTo = stringEnd(b, keyFrom)
          if (keyTo < 0) return NOT_PLAIN
          i = skipSpace(b, keyTo + 1)
          if (b[i] !== 58) return NOT_PLAIN
          i = skipSpace(b, i + 1)
          if (b[i] !== 34) return NOT_PLAIN
          close = stringEnd(b, i + 1)
          if (close < 0) return NOT_PLAIN
          const k = fieldIndex(b, keyFrom, keyTo)
          if (k >= 0) { start[k] = i + 1; end[k] = close }
          i = skipSpace(b, close + 1)
          const sep = b[i]
          i = skipSpace(b, i + 1)
          if (sep === 125) break
          if (sep !== 44) return NOT_PLAIN
        }
      }
      const err = sink.accept(b, row)
      if (err !== undefined) return err
      const sep = b[i]
      i = skipSpace(b, i + 1)
      if (sep === 93) break
      if (sep !== 44) return NOT_PLAIN
    }
  }
  if (b[i] !== 125) return NOT_PLAIN
  return skipSpace(b, i + 1) === b.length ? sink.finish() : NOT_PLAIN
}

/**
 * A KIS chart file `{"output2": [...]}`: rows newest first as KIS pages them (oldest first is accepted too;
 * the first two rows fix the direction and every later row must follow it). Row in errors = output2 index + 1.
 */
export const parseKisChartBars = (file: string, bytes: Uint8Array, dateCache: DateCache): Either.Either<ParsedBars, DataLoadError> => {
  const fast = scanPlainChart(file, bytes, dateCache)
  if (fast !== NOT_PLAIN) return fast instanceof Error ? Either.left(fast) : Either.right(fast)
  return Either.flatMap(parseJsonText(file, utf8.decode(bytes)), (json) => readChartRows(file, json, dateCache))
}

/** The general path over parsed JSON (escaped strings, extra top-level keys): same rules, same errors. */
const readChartRows = (file: string, json: unknown, dateCache: DateCache): Either.Either<ParsedBars, DataLoadError> => {
  const rows = typeof json === "object" && json !== null ? (json as { output2?: unknown }).output2 : undefined
  if (!Array.isArray(rows)) return Either.left(dataLoadError(file, undefined, "output2", undefined, "expected {\"output2\": [rows]}"))
  const sink = new BarSink(file, KIS_NAMES, dateCache, rows.length, 0)
  const encoder = new TextEncoder()
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as Record<string, unknown> | null
    if (typeof row !== "object" || row === null || Array.isArray(row)) {
      return Either.left(dataLoadError(file, r + 1, undefined, JSON.stringify(row), "row is not an object"))
    }
    // lay the six values end to end in one buffer so the shared byte check reads them
    let text = ""
    for (let k = 0; k < 6; k++) {
      const v = row[KIS_NAMES[k]!]
      if (v !== undefined && typeof v !== "string") {
        return Either.left(dataLoadError(file, r + 1, KIS_NAMES[k], JSON.stringify(v), "KIS sends every value as a string"))
      }
      sink.start[k] = v === undefined ? -1 : encoder.encode(text).length
      text += v ?? ""
      sink.end[k] = encoder.encode(text).length
    }
    const err = sink.accept(encoder.encode(text), r + 1)
    if (err !== undefined) return Either.left(err)
  }
  return Either.right(sink.finish())
}
