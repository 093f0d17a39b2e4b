// Parameters of the reflexivity strategy: cycle-stage thresholds, thesis and sizing (README.md explains each rule).
// Decoded from a config object or from `--params k=v` strings.
import { Schema } from "effect"
import { SCHEDULES, intParam, literalParam, numberParam } from "../../src/strategy/params.js"

const positive = (n: number) => n > 0
const fraction = (n: number) => n > 0 && n <= 1

export const ReflexivityParams = Schema.Struct({
  schedule: literalParam(SCHEDULES, "daily"),

  // ---- windows (bars) ----
  /** Fit window of the trend (log-linear regression). */
  trendBars: intParam(60, 5),
  /** Long window: long return, long moving average, volatility and volume baselines. */
  longBars: intParam(120, 10),
  /** Short momentum window; acceleration compares it with the window before it. */
  momentumBars: intParam(20, 2),
  /** Horizon of "perception" (price growth), compared with trailing-four-quarter earnings growth (reality). */
  growthBars: intParam(250, 20),
  /** Window in which a climactic volume day is looked for. */
  climaxBars: intParam(5, 1),

  // ---- stage thresholds ----
  /** A boom: peak at least this far above the low before it (needed for twilight and collapse). */
  boomRunUp: numberParam(0.6, positive, "expected > 0"),
  collapseDrawdown: numberParam(0.25, fraction, "expected 0 < x ≤ 1"),
  twilightDrawdown: numberParam(0.1, fraction, "expected 0 < x ≤ 1"),
  /**
   * Euphoria: fitted trend gain over `trendBars`, plus excess (volatility expansion, climax volume, or the close
   * this far above its long average), with perception ahead of reality.
   */
  euphoriaTrend: numberParam(0.35, positive, "expected > 0"),
  euphoriaVolatilityRatio: numberParam(1.5, positive, "expected > 0"),
  climaxVolumeMultiple: numberParam(3, positive, "expected > 0"),
  euphoriaExtension: numberParam(0.35, positive, "expected > 0"),
  euphoriaGap: numberParam(0.5),
  /** Acceleration: fitted trend gain and fit quality. */
  accelerationTrend: numberParam(0.15, positive, "expected > 0"),
  minTrendR2: numberParam(0.6, fraction, "expected 0 < x ≤ 1"),
  /** Testing: a pullback between these depths within an uptrend of at least `testingMinRun` over `longBars`. */
  testingMinRun: numberParam(0.15, positive, "expected > 0"),
  testingMinPullback: numberParam(0.05, fraction, "expected 0 < x ≤ 1"),
  testingMaxPullback: numberParam(0.2, fraction, "expected 0 < x ≤ 1"),
  /** Inception: a modest new trend out of a flat base, on rising volume, with perception not ahead of reality. */
  inceptionTrend: numberParam(0.05, positive, "expected > 0"),
  baseMaxMove: numberParam(0.15, positive, "expected > 0"),
  inceptionVolumeRatio: numberParam(1, positive, "expected > 0"),
  inceptionMaxGap: numberParam(0.3),

  // ---- thesis ----
  /** Bars over which the fitted trend is projected for the potential upside. */
  upsideHorizonBars: intParam(120, 1),
  /** The potential downside runs to the lowest low of this many bars (the invalidation level). */
  stopBars: intParam(20, 1),
  /** Floor on the downside, so a tight range does not promise an absurd asymmetry. */
  minDownside: numberParam(0.03, fraction, "expected 0 < x ≤ 1"),
  minAsymmetry: numberParam(3, positive, "expected > 0"),
  minConviction: numberParam(0.4, (n) => n >= 0 && n <= 1, "expected 0..1"),
  /** Volume ratio (short / long average) at which volume fully confirms the trend. */
  volumeConfirmRatio: numberParam(1.3, positive, "expected > 0"),

  // ---- invalidation ----
  /** The trend is broken when the close is this far below the long moving average. */
  trendBreak: numberParam(0.05, (n) => n >= 0 && n < 1, "expected 0 ≤ x < 1"),
  /** Reality turned: trailing earnings growth below this (e.g. −0.2 = earnings down 20 % a year). */
  earningsInvalidation: numberParam(-0.2),
  /** Loss from the average purchase price that invalidates a holding. */
  maxLoss: numberParam(0.15, fraction, "expected 0 < x ≤ 1"),
  /** Give-back from the highest close since entry that invalidates a holding. */
  maxGiveback: numberParam(0.2, fraction, "expected 0 < x ≤ 1"),

  // ---- sizing ----
  /** Weight before conviction and asymmetry: weight = base × conviction × min(asymmetry / 3, 2), capped. */
  baseWeight: numberParam(0.1, fraction, "expected 0 < x ≤ 1"),
  maxPosition: numberParam(0.2, fraction, "expected 0 < x ≤ 1"),
  maxPositions: intParam(8, 1),
  /** Holdings plus new entries stay within this fraction of equity; the last entry shrinks to fit. */
  maxExposure: numberParam(0.95, fraction, "expected 0 < x ≤ 1")
})
export type ReflexivityParams = typeof ReflexivityParams.Type

export const defaultReflexivityParams: ReflexivityParams = Schema.decodeUnknownSync(ReflexivityParams)({})
