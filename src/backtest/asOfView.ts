// The as-of view of a loaded DataSet: what a strategy may see at the close of one trading day and nothing later.
// Cheap to build per day: bar series are accessor objects over the shared columns, bounded by a cursor.
import type { FinancialStatement } from "../domain/Fundamentals.js"
import type { Instrument } from "../domain/Market.js"
import { ordinaryStock } from "../domain/Market.js"
import type { Ticker } from "../domain/Money.js"
import type { TradeDate } from "../domain/Time.js"
import type { AsOfView, BarSeries } from "../strategy/Strategy.js"
import type { ClosePanel } from "./closePanel.js"
import type { BarColumns, DataSet, SymbolInfo } from "./data/DataSet.js"

/** Number of bars of `columns` dated at or before `asOf` (binary search over the ascending dates). */
export const barsUpTo = (columns: BarColumns, asOf: TradeDate): number => {
  let lo = 0, hi = columns.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (columns.dates[mid]! <= asOf) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Number of statements available at `asOf` (those with `availableFrom ≤ asOf`). */
const statementsUpTo = (list: ReadonlyArray<FinancialStatement>, asOf: TradeDate): number => {
  let n = 0
  for (const s of list) if (s.availableFrom <= asOf) n++
  return n
}

const EMPTY_COLUMNS = (ticker: Ticker): BarColumns => ({
  ticker,
  length: 0,
  dates: [],
  open: new Float64Array(0),
  high: new Float64Array(0),
  low: new Float64Array(0),
  close: new Float64Array(0),
  volume: new Float64Array(0)
})

/** Which decision a pooled series currently serves; `epoch` moves on with every new view of the pool. */
interface Validity {
  epoch: number
}

/** Series outside a pool are never re-pointed, so they stay valid. */
const ALWAYS: Validity = { epoch: 0 }

/** Where a series reads its closes: bar i's close is `values[start + i * stride]`. */
interface CloseSource {
  readonly values: Float64Array
  readonly start: number
  readonly stride: number
}

/**
 * A BarSeries over the first `length` bars of `columns`; reading at or past `length` throws a RangeError.
 * A runner's pool re-points one series per symbol at each new view instead of allocating one per symbol per
 * day; a series read after a newer view has been made without re-pointing it throws, so it can never show a
 * later decision's bars where an earlier one's were expected.
 */
class BoundedSeries implements BarSeries {
  /** The dates and close source, kept on the series itself: a long run's indicators read them for every symbol. */
  private readonly dates: ReadonlyArray<TradeDate>
  private readonly closeValues: Float64Array
  private readonly closeStart: number
  private readonly closeStride: number

  constructor(
    private readonly columns: BarColumns,
    public length: number,
    private readonly validity: Validity = ALWAYS,
    public epoch = 0,
    /** A pool's close panel cells for this symbol; default its own close column. */
    closes: CloseSource = { values: columns.close, start: 0, stride: 1 }
  ) {
    this.dates = columns.dates
    this.closeValues = closes.values
    this.closeStart = closes.start
    this.closeStride = closes.stride
  }
  get ticker(): Ticker {
    return this.columns.ticker
  }
  /** Bar `i` when it may be read now; else throws why not. One test on the path every read takes. */
  private at(i: number): number {
    if (this.epoch !== this.validity.epoch || i >>> 0 !== i || i >= this.length) this.refuse(i)
    return i
  }
  private refuse(i: number): never {
    if (this.epoch !== this.validity.epoch) {
      throw new RangeError(`a bar series of ${this.columns.ticker} was read after its decision; ask the current view for it again`)
    }
    throw new RangeError(`bar ${i} of ${this.columns.ticker} is outside [0, ${this.length}) as of this view`)
  }
  // Prototype methods, not per-instance closures.
  date(i: number): TradeDate {
    return this.dates[this.at(i)]!
  }
  open(i: number): number {
    return this.columns.open[this.at(i)]!
  }
  high(i: number): number {
    return this.columns.high[this.at(i)]!
  }
  low(i: number): number {
    return this.columns.low[this.at(i)]!
  }
  close(i: number): number {
    return this.closeValues[this.closeStart + this.at(i) * this.closeStride]!
  }
  volume(i: number): number {
    return this.columns.volume[this.at(i)]!
  }
  closes(): Float64Array {
    if (this.epoch !== this.validity.epoch) this.refuse(0)
    return this.columns.close.subarray(0, this.length)
  }
}

/**
 * One reusable series per universe symbol for a runner's successive views (`makeAsOfView` with cursors): a long
 * backtest then allocates nothing per symbol per day. Given the universe's close panel, the series read closes
 * from it.
 */
export class SeriesPool {
  private readonly validity: Validity = { epoch: 0 }
  private readonly series: Array<BoundedSeries>
  constructor(columns: ReadonlyArray<BarColumns>, panel: ClosePanel | undefined) {
    this.series = columns.map((c, s) => {
      const row = panel?.firstRow[s] ?? -1
      return panel === undefined || row < 0
        ? new BoundedSeries(c, 0, this.validity, -1)
        : new BoundedSeries(c, 0, this.validity, -1, { values: panel.values, start: row * panel.width + s, stride: panel.width })
    })
  }
  /** Starts a new view: every series handed out before becomes unreadable until handed out again. */
  nextView(): number {
    return ++this.validity.epoch
  }
  isCurrent(epoch: number): boolean {
    return epoch === this.validity.epoch
  }
  /** The series of universe position `p`, re-pointed at its first `length` bars for the current view. */
  seriesAt(p: number, length: number): BarSeries {
    const s = this.series[p]!
    s.length = length
    s.epoch = this.validity.epoch
    return s
  }
  /** Every series, each re-pointed at its first `lengths[p]` bars for the current view (one pass, in memory order). */
  everySeries(lengths: Int32Array): ReadonlyArray<BarSeries> {
    for (let p = 0; p < this.series.length; p++) this.seriesAt(p, lengths[p]!)
    return this.series
  }
}

/** Lookups shared by every day's view of one data set: built once per run. */
export interface DataSetIndex {
  readonly dataSet: DataSet
  readonly universe: ReadonlyArray<Ticker>
  readonly info: ReadonlyMap<Ticker, SymbolInfo>
  readonly columns: (ticker: Ticker) => BarColumns
  /** Position of each universe symbol in `universe`. */
  readonly position: ReadonlyMap<Ticker, number>
  /** The columns of each universe symbol, by position. */
  readonly universeColumns: ReadonlyArray<BarColumns>
  /** The views' `history` token: one per index, so per run and its data. */
  readonly history: object
}

export const indexDataSet = (dataSet: DataSet, universe?: ReadonlyArray<Ticker>): DataSetIndex => {
  const info = new Map(dataSet.symbols.map((s) => [s.ticker, s] as const))
  const empties = new Map<Ticker, BarColumns>()
  const symbols = universe ?? [...dataSet.bars.keys()].sort()
  const columns = (ticker: Ticker): BarColumns => {
    const c = dataSet.bars.get(ticker)
    if (c !== undefined) return c
    let e = empties.get(ticker)
    if (e === undefined) {
      e = EMPTY_COLUMNS(ticker)
      empties.set(ticker, e)
    }
    return e
  }
  return {
    dataSet,
    universe: symbols,
    info,
    columns,
    position: new Map(symbols.map((t, i) => [t, i] as const)),
    universeColumns: symbols.map(columns),
    history: Object.freeze({})
  }
}

/** What a runner advancing per-symbol cursors passes: the bar counts as of the view, and its series pool. */
export interface RunnerCursors {
  /** Per universe position, the number of bars at or before `asOf` (must agree with `barsUpTo`; kept by the view). */
  readonly cursors: Int32Array
  readonly pool: SeriesPool
}

/**
 * The view at the close of `asOf`. A runner passes its cursors to skip the binary searches and its pool to reuse
 * one series per symbol; such a view is valid until the runner's next one is made (using it later throws).
 */
export const makeAsOfView = (dataSet: DataSet | DataSetIndex, asOf: TradeDate, runner?: RunnerCursors): AsOfView => {
  const index = "columns" in dataSet ? dataSet : indexDataSet(dataSet)
  const instrument = (ticker: Ticker): Instrument => index.info.get(ticker)?.instrument ?? ordinaryStock("KOSPI")
  const statements = (ticker: Ticker): ReadonlyArray<FinancialStatement> => {
    const list = index.dataSet.statements.get(ticker)
    if (list === undefined || list.length === 0) return []
    const n = statementsUpTo(list, asOf)
    return n === list.length ? list : list.filter((s) => s.availableFrom <= asOf)
  }
  let next = 0
  const epoch = runner?.pool.nextView()
  const stale = () => new RangeError(`the view of ${asOf} was used after a later view was made`)
  return {
    asOf,
    universe: index.universe,
    instrument,
    bars: (ticker) => {
      if (runner !== undefined) {
        if (!runner.pool.isCurrent(epoch!)) throw stale()
        // Strategies usually walk the universe in order: try the position after the last one asked for first.
        const p = index.universe[next] === ticker ? next : index.position.get(ticker)
        // A runner's cursors cover its universe only: any other symbol has no visible bars.
        if (p === undefined) return new BoundedSeries(index.columns(ticker), 0)
        next = p + 1
        return runner.pool.seriesAt(p, runner.cursors[p]!)
      }
      const columns = index.columns(ticker)
      return new BoundedSeries(columns, barsUpTo(columns, asOf))
    },
    universeBars: () => {
      if (runner === undefined) return index.universeColumns.map((c) => new BoundedSeries(c, barsUpTo(c, asOf)))
      if (!runner.pool.isCurrent(epoch!)) throw stale()
      return runner.pool.everySeries(runner.cursors)
    },
    statements,
    sharesOutstanding: (ticker) => {
      // The latest statement available at asOf that reports a share count wins over the universe file.
      const list = statements(ticker)
      for (let i = list.length - 1; i >= 0; i--) {
        const n = list[i]!.sharesOutstanding
        if (n !== undefined) return n
      }
      return index.info.get(ticker)?.sharesOutstanding
    },
    history: index.history
  }
}
