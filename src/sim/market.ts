// The replayed market behind kis-sim: daily bars of the loaded data set looked up by date, the intraday path of each
// symbol and day (built once, cached for the current day), and what a quote shows at an instant (no look-ahead).
import type { BarColumns, DataSet, SymbolInfo } from "../backtest/data/DataSet.js"
import { bandPctOn, limitLockOf, type LimitLock } from "../backtest/matching/pricePath.js"
import { KRX_CALENDAR } from "../domain/krx/calendar.js"
import { type PriceBand, priceBand } from "../domain/krx/priceBand.js"
import { sessionScheduleFor } from "../domain/krx/sessions.js"
import type { Ticker, Won } from "../domain/Money.js"
import type { TradeDate } from "../domain/Time.js"
import { type IntradayPath, intradayPath, pointAt } from "./intradayPath.js"

/** One symbol's day as the exchange trades it. */
export interface SymbolDay {
  readonly ticker: Ticker
  readonly info: SymbolInfo
  readonly date: TradeDate
  readonly path: IntradayPath
  /** Base price (기준가): the previous close, or the open on the first day of the data. */
  readonly base: Won
  readonly band: PriceBand
  readonly lock: LimitLock
  /** Index of the bar in the symbol's columns. */
  readonly bar: number
}

/** What has traded so far today at an instant: the partial daily bar. `point` is -1 before the open. */
export interface Snapshot {
  readonly day: SymbolDay
  readonly point: number
  readonly price: number
  readonly open: number
  readonly high: number
  readonly low: number
  readonly volume: number
  /** Won traded so far (price × shares summed over the points). */
  readonly value: number
}

export class MarketReplay {
  private readonly byTicker = new Map<Ticker, { readonly info: SymbolInfo; readonly columns: BarColumns; readonly index: ReadonlyMap<TradeDate, number> }>()
  private cacheDate: TradeDate | undefined
  private readonly cache = new Map<Ticker, SymbolDay | null>()
  /** First and last dates with any bar. */
  readonly firstDate: TradeDate
  readonly lastDate: TradeDate

  constructor(readonly data: DataSet) {
    let first: TradeDate | undefined, last: TradeDate | undefined
    for (const info of data.symbols) {
      const columns = data.bars.get(info.ticker)
      if (columns === undefined || columns.length === 0) continue
      this.byTicker.set(info.ticker, { info, columns, index: new Map(columns.dates.map((d, i) => [d, i])) })
      const a = columns.dates[0]!, b = columns.dates[columns.length - 1]!
      if (first === undefined || a < first) first = a
      if (last === undefined || b > last) last = b
    }
    if (first === undefined || last === undefined) throw new RangeError(`data set ${data.source} has no bars`)
    this.firstDate = first
    this.lastDate = last
  }

  get tickers(): ReadonlyArray<Ticker> {
    return [...this.byTicker.keys()]
  }
  info(ticker: string): SymbolInfo | undefined {
    return this.byTicker.get(ticker as Ticker)?.info
  }
  columns(ticker: string): BarColumns | undefined {
    return this.byTicker.get(ticker as Ticker)?.columns
  }

  /** Index of the last bar dated on or before `date`; -1 when none. */
  barAtOrBefore(ticker: string, date: TradeDate): number {
    const s = this.byTicker.get(ticker as Ticker)
    if (s === undefined) return -1
    const exact = s.index.get(date)
    if (exact !== undefined) return exact
    let lo = 0, hi = s.columns.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (s.columns.dates[mid]! <= date) lo = mid + 1
      else hi = mid
    }
    return lo - 1
  }

  /** The symbol's trading day on `date`, or undefined when it has no bar that day (halted, not listed, holiday). */
  day(ticker: string, date: TradeDate): SymbolDay | undefined {
    if (this.cacheDate !== date) {
      this.cache.clear()
      this.cacheDate = date
    }
    const cached = this.cache.get(ticker as Ticker)
    if (cached !== undefined) return cached ?? undefined
    const built = this.build(ticker as Ticker, date)
    this.cache.set(ticker as Ticker, built ?? null)
    return built
  }

  private build(ticker: Ticker, date: TradeDate): SymbolDay | undefined {
    const s = this.byTicker.get(ticker)
    const bar = s?.index.get(date)
    if (s === undefined || bar === undefined) return undefined
    const c = s.columns
    const schedule = sessionScheduleFor(date, KRX_CALENDAR)
    if (schedule.windows.length === 0) return undefined
    const base = Math.round(bar > 0 ? c.close[bar - 1]! : c.open[bar]!) as Won
    const instrument = s.info.instrument
    return {
      ticker,
      info: s.info,
      date,
      path: intradayPath({ open: c.open[bar]!, high: c.high[bar]!, low: c.low[bar]!, close: c.close[bar]!, volume: c.volume[bar]! }, schedule, instrument),
      base,
      band: priceBand(base, instrument, date, bandPctOn(date)),
      lock: limitLockOf(c.high[bar]!, c.low[bar]!, bar > 0 ? c.close[bar - 1] : undefined, instrument, date),
      bar
    }
  }

  /** The partial bar of `day` at instant `at`. Before the open it shows the base price and no volume. */
  snapshot(day: SymbolDay, at: number): Snapshot {
    const p = day.path
    const point = pointAt(p, at)
    if (point < 0) return { day, point, price: day.base, open: 0, high: 0, low: 0, volume: 0, value: 0 }
    let high = 0, low = Infinity, volume = 0, value = 0
    for (let i = 0; i <= point; i++) {
      const px = p.prices[i]!
      if (px > high) high = px
      if (px < low) low = px
      volume += p.volumes[i]!
      value += px * p.volumes[i]!
    }
    return { day, point, price: p.prices[point]!, open: p.prices[0]!, high, low, volume: Math.round(volume), value: Math.round(value) }
  }
}
