// The investment thesis of a reflexive trend: perception (price) vs reality (earnings), feedback strength,
// potential upside and downside, their asymmetry, a conviction score, the invalidation triggers checked at
// every decision, and the position size they imply.
import type { FinancialStatement } from "../../src/domain/Fundamentals.js"
import type { TradeDate } from "../../src/domain/Time.js"
import { annualSeries, knownAt, trailingFourQuarters } from "../../src/strategy/fundamentals.js"
import { windowMin } from "../../src/strategy/indicators.js"
import type { CycleReading, PriceWindow, Stage } from "./cycle.js"
import type { ReflexivityParams } from "./params.js"

/** Stages in which a new position may be opened. */
export const EARLY_STAGES: ReadonlySet<Stage> = new Set(["inception", "acceleration", "testing"])
/** Stages that end a holding. */
export const LATE_STAGES: ReadonlySet<Stage> = new Set(["twilight", "collapse"])
/** How much each early stage is trusted: a confirmed trend more than a young one. */
const STAGE_TRUST: Readonly<Record<Stage, number>> = {
  none: 0, inception: 0.8, acceleration: 1, testing: 0.9, euphoria: 0, twilight: 0, collapse: 0
}
/** Asymmetry at which sizing is at base weight (and the cap on its multiplier: 2 × base at 6:1). */
const ASYMMETRY_UNIT = 3

const growth = (now: number | undefined, before: number | undefined): number | undefined =>
  now === undefined || before === undefined || before <= 0 ? undefined : now / before - 1

/**
 * Reality: year-over-year growth of trailing-four-quarter net income, else of the last two fiscal years.
 * Undefined when unknown or when the earlier earnings are not positive (growth from a loss has no meaning).
 */
export const earningsGrowthAt = (statements: ReadonlyArray<FinancialStatement>, asOf: TradeDate): number | undefined => {
  const known = knownAt(statements, asOf)
  const quarterly = growth(trailingFourQuarters(known, "netIncome")?.value, trailingFourQuarters(known, "netIncome", 4)?.value)
  if (quarterly !== undefined) return quarterly
  const years = annualSeries(known, "netIncome")
  return years.length < 2 ? undefined : growth(years[years.length - 1]!.value, years[years.length - 2]!.value)
}

/** What is known about a holding, for the triggers that depend on the entry. */
export interface HoldingFacts {
  readonly averagePrice: number
  /** Highest close since the holding was opened (within the window). */
  readonly peakSinceEntry: number
}

export interface Invalidation {
  readonly trigger: "late-stage" | "trend-broken" | "reality-turned" | "stop-loss" | "giveback"
  readonly detail: string
}

export interface Thesis {
  readonly stage: Stage
  /** Price growth over `growthBars` (what the market believes). */
  readonly perception: number
  /** Trailing earnings growth (what the business does), when known. */
  readonly reality: number | undefined
  /** 0..1: how strongly price and participation reinforce each other (trend fit × volume confirmation). */
  readonly feedbackStrength: number
  /** Fractions of the price. */
  readonly upside: number
  readonly downside: number
  readonly asymmetry: number
  /** 0..1. */
  readonly conviction: number
  /** The triggers that hold now; a holding with any of them is sold. */
  readonly invalidations: ReadonlyArray<Invalidation>
}

const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x)
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`

/** Agreement of fundamentals with the price trend: reality ahead of perception 1, lagging 0.6, falling 0.1, unknown 0.5. */
const realityConfirmation = (perception: number, reality: number | undefined): number =>
  reality === undefined ? 0.5 : reality < 0 ? 0.1 : reality >= perception ? 1 : 0.6

/** The triggers that hold now for a window (and a holding, when there is one). */
export const invalidations = (
  reading: CycleReading,
  w: PriceWindow,
  holding: HoldingFacts | undefined,
  p: ReflexivityParams
): ReadonlyArray<Invalidation> => {
  const f = reading.features
  if (f === undefined) return []
  const out: Array<Invalidation> = []
  const close = w.close[w.close.length - 1]!
  if (LATE_STAGES.has(reading.stage)) out.push({ trigger: "late-stage", detail: reading.stage })
  if (f.longAverageGap < -p.trendBreak) {
    out.push({ trigger: "trend-broken", detail: `close ${pct(f.longAverageGap)} vs ${p.longBars}-bar average` })
  }
  if (f.earningsGrowth !== undefined && f.earningsGrowth < p.earningsInvalidation) {
    out.push({ trigger: "reality-turned", detail: `earnings ${pct(f.earningsGrowth)} y/y` })
  }
  if (holding !== undefined) {
    if (close < holding.averagePrice * (1 - p.maxLoss)) {
      out.push({ trigger: "stop-loss", detail: `close ${close} < ${pct(1 - p.maxLoss)} of cost ${Math.round(holding.averagePrice)}` })
    }
    if (close < holding.peakSinceEntry * (1 - p.maxGiveback)) {
      out.push({ trigger: "giveback", detail: `close ${close} < ${pct(1 - p.maxGiveback)} of peak ${holding.peakSinceEntry}` })
    }
  }
  return out
}

/** Builds the thesis from a cycle reading; undefined when the window was too short to measure. */
export const buildThesis = (
  reading: CycleReading,
  w: PriceWindow,
  holding: HoldingFacts | undefined,
  p: ReflexivityParams
): Thesis | undefined => {
  const f = reading.features
  if (f === undefined) return undefined
  const e = w.close.length - 1, close = w.close[e]!
  const volumeConfirmation = clamp01(f.volumeRatio / p.volumeConfirmRatio)
  const feedbackStrength = f.trendSlope > 0 ? Math.sqrt(clamp01(f.trendR2) * volumeConfirmation) : 0
  const projected = f.trendSlope > 0 ? Math.exp(f.trendSlope * p.upsideHorizonBars) - 1 : 0
  // When the price lags earnings, closing that gap is upside too.
  const upside = Math.max(projected, f.gap !== undefined && f.gap < 0 ? -f.gap : 0)
  const stopLevel = windowMin(w.low, w.low.length - 1, p.stopBars)
  const downside = Math.max(p.minDownside, 1 - stopLevel / close)
  const conviction = STAGE_TRUST[reading.stage] * (feedbackStrength + realityConfirmation(f.priceGrowth, f.earningsGrowth)) / 2
  return {
    stage: reading.stage,
    perception: f.priceGrowth,
    reality: f.earningsGrowth,
    feedbackStrength,
    upside,
    downside,
    asymmetry: upside / downside,
    conviction,
    invalidations: invalidations(reading, w, holding, p)
  }
}

/** Highest close of the window on or after `openedOn` (the whole window when the holding is older). */
export const peakSince = (w: PriceWindow, openedOn: TradeDate): number => {
  let first = 0
  while (first < w.close.length - 1 && w.date(first) < openedOn) first++
  let peak = 0
  for (let i = first; i < w.close.length; i++) if (w.close[i]! > peak) peak = w.close[i]!
  return peak
}

/** True when the thesis allows opening a position now. */
export const entryAllowed = (t: Thesis, p: ReflexivityParams): boolean =>
  EARLY_STAGES.has(t.stage) && t.asymmetry >= p.minAsymmetry && t.conviction >= p.minConviction && t.invalidations.length === 0

/** Position weight: base × conviction × min(asymmetry / 3, 2), capped at `maxPosition`; 0 for no conviction. */
export const positionWeight = (conviction: number, asymmetry: number, p: ReflexivityParams): number =>
  Math.min(p.maxPosition, p.baseWeight * clamp01(conviction) * Math.min(Math.max(0, asymmetry) / ASYMMETRY_UNIT, 2))
