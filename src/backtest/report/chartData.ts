// The data the report's charts draw, prepared in Node so the page only renders: equity, benchmark and
// drawdown lines, candles with fill markers for the most traded symbols, and strategy annotation tracks.
// Big runs stay light: a cap on symbol charts and on points per series (bars merged into wider candles).
import type { Ticker } from "../../domain/Money.js"
import type { TradeDate } from "../../domain/Time.js"
import type { BacktestResult, FillRecord } from "../BacktestResult.js"
import type { BarColumns, DataSet } from "../data/DataSet.js"
import { drawdownSeries, hasUsableBenchmark } from "../metrics.js"

export interface LinePoint {
  readonly time: TradeDate
  readonly value: number
}

export interface Candle {
  readonly time: TradeDate
  readonly open: number
  readonly high: number
  readonly low: number
  readonly close: number
}

/** The fills of one side on one candle, merged. */
export interface FillMarker {
  readonly time: TradeDate
  readonly side: "buy" | "sell"
  readonly quantity: number
  readonly averagePrice: number
}

/** A strategy-exported series of one symbol. Categorical values are drawn as indexes into `categories`. */
export type AnnotationTrack =
  | { readonly series: string; readonly kind: "numeric"; readonly points: ReadonlyArray<LinePoint> }
  | {
    readonly series: string
    readonly kind: "categorical"
    readonly categories: ReadonlyArray<string>
    /** Each value is an index into `categories` (in order of first appearance). */
    readonly points: ReadonlyArray<LinePoint>
  }

export interface SymbolChart {
  readonly ticker: Ticker
  readonly name: string
  readonly fillCount: number
  readonly candles: ReadonlyArray<Candle>
  /** Trading days merged into each candle (1 = daily). */
  readonly barsPerCandle: number
  readonly markers: ReadonlyArray<FillMarker>
  readonly annotations: ReadonlyArray<AnnotationTrack>
}

export interface ChartData {
  readonly equity: ReadonlyArray<LinePoint>
  /** null when the result carries no usable benchmark. */
  readonly benchmark: ReadonlyArray<LinePoint> | null
  /** Drawdown in percent, ≤ 0. */
  readonly drawdown: ReadonlyArray<LinePoint>
  readonly symbols: ReadonlyArray<SymbolChart>
  /** Symbols that traded or carry annotations but got no chart because of `maxSymbolCharts`. */
  readonly symbolsOmitted: number
}

export interface ChartLimits {
  readonly maxSymbolCharts: number
  /** Candles and annotation points per symbol chart. */
  readonly maxPointsPerSymbol: number
  /** Points of the equity, benchmark and drawdown lines. */
  readonly maxEquityPoints: number
  readonly maxAnnotationTracks: number
}

export const DEFAULT_CHART_LIMITS: ChartLimits = {
  maxSymbolCharts: 20,
  maxPointsPerSymbol: 1500,
  maxEquityPoints: 5000,
  maxAnnotationTracks: 4
}

/** Consecutive groups of `size` indexes over 0..length−1, as [start, end) pairs. */
const buckets = (length: number, size: number): Array<readonly [number, number]> => {
  const out: Array<readonly [number, number]> = []
  for (let start = 0; start < length; start += size) out.push([start, Math.min(length, start + size)])
  return out
}

const bucketSize = (length: number, max: number): number => Math.max(1, Math.ceil(length / max))

/** At most `max` points; each group keeps its first date and the value `pick` chooses from its members. */
const downsampleLine = (points: ReadonlyArray<LinePoint>, max: number, pick: (values: ReadonlyArray<number>) => number): Array<LinePoint> =>
  buckets(points.length, bucketSize(points.length, max)).map(([start, end]) => ({
    time: points[start]!.time,
    value: pick(points.slice(start, end).map((p) => p.value))
  }))

const lastOf = (values: ReadonlyArray<number>): number => values[values.length - 1]!
const minOf = (values: ReadonlyArray<number>): number => Math.min(...values)

/** Index of the last element ≤ `date` in an ascending list (0 when `date` precedes them all). */
const lastAtOrBefore = (dates: ReadonlyArray<TradeDate>, date: TradeDate): number => {
  let lo = 0, hi = dates.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (dates[mid]! <= date) lo = mid + 1
    else hi = mid
  }
  return Math.max(0, lo - 1)
}

/** Bars within the run's period, merged into at most `max` candles. */
export const candlesOf = (bars: BarColumns, from: TradeDate, to: TradeDate, max: number): { candles: Array<Candle>; barsPerCandle: number } => {
  let first = 0, last = bars.length
  while (first < bars.length && bars.dates[first]! < from) first++
  while (last > first && bars.dates[last - 1]! > to) last--
  const size = bucketSize(last - first, max)
  const candles = buckets(last - first, size).map(([s, e]): Candle => {
    let high = -Infinity, low = Infinity
    for (let i = first + s; i < first + e; i++) {
      high = Math.max(high, bars.high[i]!)
      low = Math.min(low, bars.low[i]!)
    }
    return { time: bars.dates[first + s]!, open: bars.open[first + s]!, high, low, close: bars.close[first + e - 1]! }
  })
  return { candles, barsPerCandle: size }
}

/** Fills merged per candle and side, each placed on the candle whose period holds its date. */
export const fillMarkers = (fills: ReadonlyArray<FillRecord>, candleTimes: ReadonlyArray<TradeDate>): Array<FillMarker> => {
  const merged = new Map<string, { time: TradeDate; side: "buy" | "sell"; quantity: number; notional: number }>()
  for (const f of fills) {
    const time = candleTimes.length > 0 ? candleTimes[lastAtOrBefore(candleTimes, f.date)]! : f.date
    const key = `${time}|${f.side}`
    const m = merged.get(key) ?? { time, side: f.side, quantity: 0, notional: 0 }
    m.quantity += f.quantity
    m.notional += f.quantity * f.price
    merged.set(key, m)
  }
  return [...merged.values()]
    .sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.side === "buy" ? -1 : 1))
    .map((m) => ({ time: m.time, side: m.side, quantity: m.quantity, averagePrice: m.quantity > 0 ? m.notional / m.quantity : 0 }))
}

type RawSeries = Map<string, Map<TradeDate, number | string>>

const toTrack = (series: string, byDate: Map<TradeDate, number | string>, maxPoints: number): AnnotationTrack => {
  const dated = [...byDate.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  if (dated.every(([, v]) => typeof v === "number")) {
    const points = dated.map(([time, value]) => ({ time, value: value as number })).filter((p) => Number.isFinite(p.value))
    return { series, kind: "numeric", points: downsampleLine(points, maxPoints, lastOf) }
  }
  const categories: Array<string> = []
  const points = dated.map(([time, raw]) => {
    const label = String(raw)
    const index = categories.indexOf(label)
    return { time, value: index >= 0 ? index : categories.push(label) - 1 }
  })
  return { series, kind: "categorical", categories, points: downsampleLine(points, maxPoints, lastOf) }
}

/** Which symbols get a chart: most fills first, then annotated symbols without fills; ties by code. */
const pickSymbols = (result: BacktestResult, annotated: ReadonlySet<Ticker>, max: number): { picked: Array<Ticker>; omitted: number } => {
  const fillCounts = new Map<Ticker, number>()
  for (const f of result.fills) fillCounts.set(f.ticker, (fillCounts.get(f.ticker) ?? 0) + 1)
  const candidates = [...new Set([...fillCounts.keys(), ...annotated])]
  candidates.sort((a, b) => (fillCounts.get(b) ?? 0) - (fillCounts.get(a) ?? 0) || (a < b ? -1 : a > b ? 1 : 0))
  return { picked: candidates.slice(0, max), omitted: Math.max(0, candidates.length - max) }
}

export const buildChartData = (result: BacktestResult, dataSet: DataSet, limits: ChartLimits = DEFAULT_CHART_LIMITS): ChartData => {
  const { settings } = result
  const annotated = new Set<Ticker>()
  for (const a of result.annotations) annotated.add(a.ticker)
  const { picked, omitted } = pickSymbols(result, annotated, limits.maxSymbolCharts)
  const pickedSet = new Set(picked)

  const raw = new Map<Ticker, RawSeries>()
  for (const a of result.annotations) {
    if (!pickedSet.has(a.ticker)) continue
    const bySeries = raw.get(a.ticker) ?? new Map()
    raw.set(a.ticker, bySeries)
    const byDate = bySeries.get(a.series) ?? new Map()
    bySeries.set(a.series, byDate)
    byDate.set(a.date, a.value)
  }
  const fillsBySymbol = new Map<Ticker, Array<FillRecord>>()
  for (const f of result.fills) {
    if (!pickedSet.has(f.ticker)) continue
    const list = fillsBySymbol.get(f.ticker) ?? []
    fillsBySymbol.set(f.ticker, list)
    list.push(f)
  }
  const names = new Map(dataSet.symbols.map((s) => [s.ticker, s.name]))

  const symbols = picked.map((ticker): SymbolChart => {
    const bars = dataSet.bars.get(ticker)
    const { candles, barsPerCandle } = bars === undefined
      ? { candles: [], barsPerCandle: 1 }
      : candlesOf(bars, settings.from, settings.to, limits.maxPointsPerSymbol)
    const fills = fillsBySymbol.get(ticker) ?? []
    const tracks = [...(raw.get(ticker) ?? new Map<string, Map<TradeDate, number | string>>()).entries()]
      .slice(0, limits.maxAnnotationTracks)
      .map(([series, byDate]) => toTrack(series, byDate, limits.maxPointsPerSymbol))
    return {
      ticker, name: names.get(ticker) ?? "", fillCount: fills.length, candles, barsPerCandle,
      markers: fillMarkers(fills, candles.map((c) => c.time)), annotations: tracks
    }
  })

  const equity = result.equity.map((p) => ({ time: p.date, value: p.equity as number }))
  const drawdowns = drawdownSeries(result)
  const drawdown = result.equity.map((p, i) => ({ time: p.date, value: drawdowns[i] === 0 ? 0 : -drawdowns[i]! * 100 }))
  return {
    equity: downsampleLine(equity, limits.maxEquityPoints, lastOf),
    benchmark: hasUsableBenchmark(result)
      ? downsampleLine(result.equity.map((p) => ({ time: p.date, value: p.benchmark })), limits.maxEquityPoints, lastOf)
      : null,
    drawdown: downsampleLine(drawdown, limits.maxEquityPoints, minOf),
    symbols,
    symbolsOmitted: omitted
  }
}
