// The boom-bust cycle detector (Soros's reflexivity): a pure function of an as-of price/volume window and the
// trailing earnings trend that names the stage a stock is in. Rules and thresholds: README.md, params.ts.
import type { TradeDate } from "../../src/domain/Time.js"
import type { BarSeries } from "../../src/strategy/Strategy.js"
import {
  logTrend,
  realizedVolatility,
  simpleReturn,
  windowMax,
  windowMean,
  windowMin
} from "../../src/strategy/indicators.js"
import type { ReflexivityParams } from "./params.js"

export const STAGES = ["none", "inception", "acceleration", "testing", "euphoria", "twilight", "collapse"] as const
export type Stage = (typeof STAGES)[number]

/**
 * The last bars of one symbol as columns, oldest first, all ending at the same (as-of) bar. `low` and `volume`
 * may be shorter than `close`: they hold only the bars the rules read (`stopBars`, the volume windows).
 */
export interface PriceWindow {
  /** Trading day of close index `i`. */
  readonly date: (i: number) => TradeDate
  readonly close: Float64Array
  readonly low: Float64Array
  readonly volume: Float64Array
}

/** Bars the detector reads: enough for every window it uses. */
export const requiredBars = (p: ReflexivityParams): number =>
  Math.max(p.growthBars, p.trendBars + p.longBars, 2 * p.momentumBars, p.stopBars) + 1

/** Copies the last `bars` values of one accessor of a series (fewer if it is shorter). */
const tail = (series: BarSeries, read: (i: number) => number, bars: number): Float64Array => {
  const n = Math.min(bars, series.length), start = series.length - n, out = new Float64Array(n)
  for (let i = 0; i < n; i++) out[i] = read(start + i)
  return out
}

/** The window the detector reads from a bar series: the last `requiredBars` closes (shared, not copied). */
export const priceWindow = (series: BarSeries, p: ReflexivityParams): PriceWindow => {
  const n = Math.min(requiredBars(p), series.length), start = series.length - n
  return {
    date: (i) => series.date(start + i),
    close: series.closes().subarray(start),
    low: tail(series, (i) => series.low(i), p.stopBars),
    volume: tail(series, (i) => series.volume(i), Math.max(p.longBars, p.momentumBars, p.climaxBars))
  }
}

/** The measurements the stage rules read, all scale-free (ratios, log slopes). */
export interface CycleFeatures {
  /** Fitted gain over `trendBars`: exp(slope × trendBars) − 1. */
  readonly trendGain: number
  readonly trendSlope: number
  readonly trendR2: number
  /** Return over `longBars`. */
  readonly longReturn: number
  /** Close / long moving average − 1. */
  readonly longAverageGap: number
  /** Return over the last `momentumBars`, and that minus the return over the `momentumBars` before. */
  readonly momentum: number
  readonly acceleration: number
  /** Short (momentumBars) over long (longBars) realized volatility. */
  readonly volatilityRatio: number
  /** Mean volume of the last `momentumBars` over that of `longBars`. */
  readonly volumeRatio: number
  /** Largest volume of the last `climaxBars` over the mean of `longBars`. */
  readonly climaxRatio: number
  /** Close / highest close of the window − 1 (≤ 0). */
  readonly drawdown: number
  /** Highest close of the window / lowest close before it − 1. */
  readonly runUp: number
  /** Return over the `longBars` before the trend window (how flat the base was). */
  readonly baseMove: number
  /** Perception: price return over `growthBars`. */
  readonly priceGrowth: number
  /** Reality: trailing earnings growth (year over year), when known. */
  readonly earningsGrowth: number | undefined
  /** Perception − reality; positive = price ran ahead of earnings. */
  readonly gap: number | undefined
}

/**
 * Features are rounded to 1e-9 so a path sitting exactly on a threshold (a drawdown of exactly 10 %) is judged
 * the same at every price scale, where the last bit of a ratio may differ.
 */
const settle = (x: number): number => Math.round(x * 1e9) / 1e9

/** Measures a window ending at its last bar; undefined when the window is shorter than `requiredBars`. */
export const cycleFeatures = (
  w: PriceWindow,
  earningsGrowth: number | undefined,
  p: ReflexivityParams
): CycleFeatures | undefined => {
  const n = w.close.length, e = n - 1
  if (n < requiredBars(p)) return undefined
  const trend = logTrend(w.close, e, p.trendBars)
  let peak = 0
  for (let i = 1; i < n; i++) if (w.close[i]! >= w.close[peak]!) peak = i
  const lowBeforePeak = windowMin(w.close, peak, peak + 1)
  const priceGrowth = simpleReturn(w.close, e, p.growthBars)
  const momentum = simpleReturn(w.close, e, p.momentumBars)
  const v = w.volume.length - 1
  const longVolume = windowMean(w.volume, v, p.longBars)
  const volatilityLong = realizedVolatility(w.close, e, p.longBars)
  return {
    trendGain: settle(Math.exp(trend.slope * p.trendBars) - 1),
    trendSlope: settle(trend.slope),
    trendR2: settle(trend.r2),
    longReturn: settle(simpleReturn(w.close, e, p.longBars)),
    longAverageGap: settle(w.close[e]! / windowMean(w.close, e, p.longBars) - 1),
    momentum: settle(momentum),
    acceleration: settle(momentum - simpleReturn(w.close, e - p.momentumBars, p.momentumBars)),
    volatilityRatio: volatilityLong > 0 ? settle(realizedVolatility(w.close, e, p.momentumBars) / volatilityLong) : 1,
    volumeRatio: longVolume > 0 ? settle(windowMean(w.volume, v, p.momentumBars) / longVolume) : 1,
    climaxRatio: longVolume > 0 ? settle(windowMax(w.volume, v, p.climaxBars) / longVolume) : 1,
    drawdown: settle(w.close[e]! / w.close[peak]! - 1),
    runUp: settle(w.close[peak]! / lowBeforePeak - 1),
    baseMove: settle(simpleReturn(w.close, e - p.trendBars, p.longBars)),
    priceGrowth: settle(priceGrowth),
    earningsGrowth,
    gap: earningsGrowth === undefined ? undefined : settle(priceGrowth - earningsGrowth)
  }
}

/**
 * The stage of a measured window. Rules are checked in this order and the first that holds wins, so late
 * stages (which need a prior boom) take precedence over early ones; see README.md for the reasoning.
 */
export const stageOf = (f: CycleFeatures, p: ReflexivityParams): Stage => {
  const boomed = f.runUp >= p.boomRunUp
  if (boomed && f.drawdown <= -p.collapseDrawdown && f.momentum < 0) return "collapse"
  if (boomed && f.drawdown <= -p.twilightDrawdown && (f.momentum < 0 || f.acceleration < 0)) return "twilight"
  const excess = f.volatilityRatio >= p.euphoriaVolatilityRatio || f.climaxRatio >= p.climaxVolumeMultiple ||
    f.longAverageGap >= p.euphoriaExtension
  if (
    f.trendGain >= p.euphoriaTrend && f.acceleration > 0 && excess &&
    (f.gap === undefined || f.gap >= p.euphoriaGap)
  ) return "euphoria"
  if (f.trendGain >= p.accelerationTrend && f.trendR2 >= p.minTrendR2 && f.momentum > 0 && f.drawdown > -p.testingMinPullback) {
    return "acceleration"
  }
  if (
    f.longReturn >= p.testingMinRun && f.longAverageGap > 0 &&
    f.drawdown <= -p.testingMinPullback && f.drawdown > -p.testingMaxPullback
  ) return "testing"
  if (
    f.trendGain >= p.inceptionTrend && f.trendGain < p.accelerationTrend && f.momentum > 0 &&
    Math.abs(f.baseMove) <= p.baseMaxMove && f.volumeRatio >= p.inceptionVolumeRatio &&
    (f.gap === undefined || f.gap <= p.inceptionMaxGap)
  ) return "inception"
  return "none"
}

export interface CycleReading {
  readonly stage: Stage
  /** Undefined when the window is too short to judge (stage "none"). */
  readonly features: CycleFeatures | undefined
}

/** Detects the stage of a window. */
export const detectCycle = (w: PriceWindow, earningsGrowth: number | undefined, p: ReflexivityParams): CycleReading => {
  const features = cycleFeatures(w, earningsGrowth, p)
  return { stage: features === undefined ? "none" : stageOf(features, p), features }
}
