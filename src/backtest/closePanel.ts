// A day-major copy of a large universe's closes: row k holds every symbol's close on the k-th date of the universe's
// calendar. The replay marks, and a strategy walking the universe reads, today's and its windows' closes in memory
// order instead of hopping between per-symbol columns: on thousands of symbols that hopping bounds a backtest's speed.
import type { TradeDate } from "../domain/Time.js"
import type { BarColumns } from "./data/DataSet.js"

export interface ClosePanel {
  /** Symbols per row (the universe size). */
  readonly width: number
  /** `values[row * width + s]`: symbol s's close on the row's date (cells outside its bars are never read). */
  readonly values: Float64Array
  /** Per symbol, the row of its bar 0, or -1 when its bars skip calendar dates (it reads its own column). */
  readonly firstRow: Int32Array
}

/** Below this many symbols the columns stay in the processor's caches anyway: no panel. */
export const PANEL_MIN_SYMBOLS = 64
/** Above this many cells (8 bytes each) the copy would cost more memory than it saves time: no panel. */
export const PANEL_MAX_CELLS = 50_000_000
/**
 * The copy goes tile by tile, TILE symbols × TILE bars: a tile reads TILE short runs of columns and writes TILE short
 * runs of rows, few enough memory pages for the processor to keep their addresses at hand (a whole column of bars
 * at a time would write to a new page at every step).
 */
const TILE = 64

/**
 * The panel of `columns`, or undefined when the universe is small or the copy too large. A symbol is in the panel
 * when its bars fall on consecutive dates of the universe calendar (the union of every symbol's dates), so that its
 * bar i sits in row firstRow + i.
 */
export const buildClosePanel = (columns: ReadonlyArray<BarColumns>): ClosePanel | undefined => {
  const width = columns.length
  if (width < PANEL_MIN_SYMBOLS) return undefined
  const calendar = unionCalendar(columns)
  if (calendar.length * width > PANEL_MAX_CELLS) return undefined
  const rowOf = new Map<TradeDate, number>(calendar.map((d, k) => [d, k] as const))
  // Symbols usually share one dates array: each distinct array is placed once.
  const placed = new Map<ReadonlyArray<TradeDate>, number>()
  const firstRow = new Int32Array(width)
  for (let s = 0; s < width; s++) {
    const dates = columns[s]!.dates
    let row = placed.get(dates)
    if (row === undefined) {
      row = consecutiveFrom(dates, calendar, rowOf)
      placed.set(dates, row)
    }
    firstRow[s] = row
  }
  const values = new Float64Array(calendar.length * width)
  for (let first = 0; first < width; first += TILE) {
    const last = Math.min(width, first + TILE)
    let longest = 0
    for (let s = first; s < last; s++) longest = Math.max(longest, columns[s]!.length)
    for (let from = 0; from < longest; from += TILE) {
      const to = Math.min(longest, from + TILE)
      for (let s = first; s < last; s++) {
        const row = firstRow[s]!, { close, length } = columns[s]!
        if (row < 0) continue
        const end = Math.min(to, length)
        for (let i = from; i < end; i++) values[(row + i) * width + s] = close[i]!
      }
    }
  }
  return { width, values, firstRow }
}

/** The panel last built over a universe, filed under its first column (held weakly: it goes with its data set). */
const builtPanels = new WeakMap<BarColumns, { readonly columns: ReadonlyArray<BarColumns>; readonly panel: ClosePanel | undefined }>()

/**
 * The panel of `columns`, built once per universe of a loaded data set: repeated runs over the same columns (a
 * parameter sweep, a benchmark) share it, since loaded columns are never written. Only the universe run last is
 * kept per first column, so a sweep over ever-changing universes holds one panel, not one per universe.
 */
export const closePanelOf = (columns: ReadonlyArray<BarColumns>): ClosePanel | undefined => {
  if (columns.length < PANEL_MIN_SYMBOLS) return undefined
  const built = builtPanels.get(columns[0]!)
  if (built !== undefined && built.columns.length === columns.length && built.columns.every((c, s) => c === columns[s])) return built.panel
  const panel = buildClosePanel(columns)
  builtPanels.set(columns[0]!, { columns, panel })
  return panel
}

/** Every date of any symbol, ascending. */
const unionCalendar = (columns: ReadonlyArray<BarColumns>): ReadonlyArray<TradeDate> => {
  const distinct = new Set(columns.map((c) => c.dates))
  if (distinct.size === 1) return [...distinct][0]!
  const dates = new Set<TradeDate>()
  for (const list of distinct) for (const d of list) dates.add(d)
  return [...dates].sort()
}

/** The calendar row of `dates[0]` when `dates` are consecutive calendar dates, else -1 (an empty series: 0). */
const consecutiveFrom = (dates: ReadonlyArray<TradeDate>, calendar: ReadonlyArray<TradeDate>, rowOf: ReadonlyMap<TradeDate, number>): number => {
  if (dates.length === 0) return 0
  const first = rowOf.get(dates[0]!)
  if (first === undefined || first + dates.length > calendar.length) return -1
  for (let i = 1; i < dates.length; i++) if (calendar[first + i] !== dates[i]) return -1
  return first
}
