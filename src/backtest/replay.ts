// The replay cursor: the run's trading days (every date any universe symbol traded within [from, to]) and,
// per symbol, how many of its bars are visible on the current day. Each bar's date is turned into a day number
// once, and symbols sharing one dates array advance as one group, so a day's advance is one step per group plus a
// copy of the new cursor and closes to its members (one row copy when the group is the whole universe).
import type { Ticker } from "../domain/Money.js"
import type { TradeDate } from "../domain/Time.js"
import type { AsOfView } from "../strategy/Strategy.js"
import { type DataSetIndex, makeAsOfView, SeriesPool } from "./asOfView.js"
import { closePanelOf, type ClosePanel } from "./closePanel.js"
import type { BarColumns } from "./data/DataSet.js"

/** Symbols with one dates array: they see the same number of bars every day. */
interface CursorGroup {
  /** The day key of each bar (`dayKeys`). */
  readonly keys: Int32Array
  /** Universe positions, ascending. */
  readonly members: Int32Array
  /** The members' panel row of bar 0, or -1 when they read their own close columns. */
  readonly firstRow: number
  /** Bars visible today. */
  cursor: number
}

export class Replay {
  readonly days: ReadonlyArray<TradeDate>
  readonly tickers: ReadonlyArray<Ticker>
  readonly columns: ReadonlyArray<BarColumns>
  /** Per symbol: number of bars dated on or before the current day. */
  readonly cursor: Int32Array
  /** The cursors as of the latest view: a view and its series read only these (`view`). */
  private readonly viewCursors: Int32Array
  /** Per symbol: the close of its latest visible bar (meaningful where `cursor` > 0); dense, for daily marking. */
  readonly latestClose: Float64Array
  /** Per symbol and bar: its day key (`dayKeys`): visible on day d when ≤ 2d + 1, dated on day d when = 2d + 1. */
  private readonly dayOfBar: ReadonlyArray<Int32Array>
  private readonly groups: ReadonlyArray<CursorGroup>
  private readonly symbolIndex: ReadonlyMap<Ticker, number>
  private readonly seriesPool: SeriesPool
  /** The universe's closes day-major (large universes only): where each day's marking and the views read them. */
  private readonly panel: ClosePanel | undefined
  private day = -1

  constructor(readonly index: DataSetIndex, from: TradeDate, to: TradeDate) {
    this.tickers = index.universe
    this.columns = index.universeColumns
    this.symbolIndex = index.position
    // Symbols usually share one calendar, and often one dates array: each distinct array is read once.
    const membersOf = new Map<ReadonlyArray<TradeDate>, Array<number>>()
    this.columns.forEach((c, s) => {
      const members = membersOf.get(c.dates)
      if (members === undefined) membersOf.set(c.dates, [s])
      else members.push(s)
    })
    const dates = new Set<TradeDate>()
    for (const list of membersOf.keys()) for (const d of list) if (d >= from && d <= to) dates.add(d)
    this.days = [...dates].sort()
    const dayNumbers = new Map<ReadonlyArray<TradeDate>, Int32Array>()
    for (const list of membersOf.keys()) dayNumbers.set(list, dayKeys(list, this.days))
    this.dayOfBar = this.columns.map((c) => dayNumbers.get(c.dates)!)
    this.cursor = new Int32Array(this.tickers.length)
    this.viewCursors = new Int32Array(this.tickers.length)
    this.latestClose = new Float64Array(this.tickers.length)
    this.panel = closePanelOf(this.columns)
    this.groups = [...membersOf].map(([list, members]): CursorGroup => ({
      keys: dayNumbers.get(list)!,
      members: Int32Array.from(members),
      firstRow: this.panel?.firstRow[members[0]!] ?? -1,
      cursor: 0
    }))
    this.seriesPool = new SeriesPool(this.columns, this.panel)
  }

  get dayIndex(): number {
    return this.day
  }
  get today(): TradeDate {
    return this.days[this.day]!
  }
  get isLastDay(): boolean {
    return this.day === this.days.length - 1
  }

  /** Moves to the next trading day; false when the run is over. */
  advance(): boolean {
    if (this.day + 1 >= this.days.length) return false
    const visible = 2 * ++this.day + 1
    for (const group of this.groups) {
      const { keys, members, firstRow } = group
      let c = group.cursor
      while (c < keys.length && keys[c]! <= visible) c++
      if (c === group.cursor) continue
      group.cursor = c
      const panel = this.panel
      if (members.length === this.columns.length && firstRow >= 0) {
        // the whole universe on one calendar: today's closes are one panel row
        this.cursor.fill(c)
        this.latestClose.set(panel!.values.subarray((firstRow + c - 1) * panel!.width, (firstRow + c) * panel!.width))
        continue
      }
      for (let m = 0; m < members.length; m++) {
        const s = members[m]!
        this.cursor[s] = c
        this.latestClose[s] = firstRow >= 0 ? panel!.values[(firstRow + c - 1) * panel!.width + s]! : this.columns[s]!.close[c - 1]!
      }
    }
    return true
  }

  symbol(ticker: Ticker): number | undefined {
    return this.symbolIndex.get(ticker)
  }

  /** Index of symbol `s`'s bar dated today, or -1 when it did not trade today. */
  barToday(s: number): number {
    const c = this.cursor[s]!
    return c > 0 && this.dayOfBar[s]![c - 1] === 2 * this.day + 1 ? c - 1 : -1
  }

  /** The latest close visible today (undefined before the symbol's first bar). */
  lastClose(s: number): number | undefined {
    return this.cursor[s]! > 0 ? this.latestClose[s] : undefined
  }

  /** The latest close of `ticker` visible today, for marking positions. */
  markPrice = (ticker: Ticker): number | undefined => {
    const s = this.symbolIndex.get(ticker)
    return s === undefined ? undefined : this.lastClose(s)
  }

  /**
   * The strategy's view at today's close. It reads a copy of the cursors taken now, so it never sees later bars, and
   * it serves until the next view is made (which takes the next copy into the same buffer).
   */
  view(): AsOfView {
    this.viewCursors.set(this.cursor)
    return makeAsOfView(this.index, this.today, { cursors: this.viewCursors, pool: this.seriesPool })
  }
}

/**
 * The day key of each of `dates` against the run's ascending `days`: 2k + 1 for a bar dated days[k], 2k for a bar
 * dated between days[k − 1] and days[k] (before the run: 0; after it: 2·days.length, never visible).
 */
const dayKeys = (dates: ReadonlyArray<TradeDate>, days: ReadonlyArray<TradeDate>): Int32Array => {
  const keys = new Int32Array(dates.length)
  let k = 0
  for (let i = 0; i < dates.length; i++) {
    const date = dates[i]!
    if (i > 0 && date < dates[i - 1]!) k = 0 // out of order: search again from the start
    while (k < days.length && days[k]! < date) k++
    keys[i] = k < days.length && days[k] === date ? 2 * k + 1 : 2 * k
  }
  return keys
}
