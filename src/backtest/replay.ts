// The replay cursor: the run's trading days (every date any universe symbol traded within [from, to]) and,
// per symbol, how many of its bars are visible on the current day. Advancing is a plain loop over an Int32Array.
import type { Ticker } from "../domain/Money.js"
import type { TradeDate } from "../domain/Time.js"
import type { AsOfView } from "../strategy/Strategy.js"
import { type DataSetIndex, makeAsOfView } from "./asOfView.js"
import type { BarColumns } from "./data/DataSet.js"

export class Replay {
  readonly days: ReadonlyArray<TradeDate>
  readonly tickers: ReadonlyArray<Ticker>
  readonly columns: ReadonlyArray<BarColumns>
  /** Per symbol: number of bars dated on or before the current day. */
  readonly cursor: Int32Array
  private readonly symbolIndex: ReadonlyMap<Ticker, number>
  private day = -1

  constructor(readonly index: DataSetIndex, from: TradeDate, to: TradeDate) {
    this.tickers = index.universe
    this.columns = this.tickers.map((t) => index.columns(t))
    this.symbolIndex = new Map(this.tickers.map((t, i) => [t, i] as const))
    const dates = new Set<TradeDate>()
    for (const c of this.columns) for (const d of c.dates) if (d >= from && d <= to) dates.add(d)
    this.days = [...dates].sort()
    this.cursor = new Int32Array(this.tickers.length)
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
    this.day++
    const today = this.days[this.day]!
    for (let s = 0; s < this.columns.length; s++) {
      const dates = this.columns[s]!.dates
      let c = this.cursor[s]!
      while (c < dates.length && dates[c]! <= today) c++
      this.cursor[s] = c
    }
    return true
  }

  symbol(ticker: Ticker): number | undefined {
    return this.symbolIndex.get(ticker)
  }

  /** Index of symbol `s`'s bar dated today, or -1 when it did not trade today. */
  barToday(s: number): number {
    const c = this.cursor[s]!
    return c > 0 && this.columns[s]!.dates[c - 1] === this.days[this.day] ? c - 1 : -1
  }

  /** The latest close visible today (undefined before the symbol's first bar). */
  lastClose(s: number): number | undefined {
    const c = this.cursor[s]!
    return c > 0 ? this.columns[s]!.close[c - 1] : undefined
  }

  /** The latest close of `ticker` visible today, for marking positions. */
  markPrice = (ticker: Ticker): number | undefined => {
    const s = this.symbolIndex.get(ticker)
    return s === undefined ? undefined : this.lastClose(s)
  }

  /** The strategy's view at today's close; it keeps its own copy of the cursors, so it never sees later bars. */
  view(): AsOfView {
    const cursor = this.cursor.slice()
    return makeAsOfView(this.index, this.today, (t) => {
      const s = this.symbolIndex.get(t)
      return s === undefined ? 0 : cursor[s]!
    })
  }
}
