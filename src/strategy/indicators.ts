// Indicator maths shared by strategies: plain loops over Float64Array, no Effect, no allocation per bar.
// Window functions take the index `end` of the last bar they may read (inclusive), so nothing after it is touched.

/** Simple moving average; entries before the first full window are NaN. */
export const sma = (values: Float64Array, period: number): Float64Array => {
  const out = new Float64Array(values.length).fill(Number.NaN)
  let sum = 0
  for (let i = 0; i < values.length; i++) {
    sum += values[i]!
    if (i >= period) sum -= values[i - period]!
    if (i >= period - 1) out[i] = sum / period
  }
  return out
}

/** Mean of `values[end - bars + 1 .. end]`; NaN when the window starts before index 0. */
export const windowMean = (values: Float64Array, end: number, bars: number): number => {
  const start = end - bars + 1
  if (start < 0 || bars <= 0) return Number.NaN
  let sum = 0
  for (let i = start; i <= end; i++) sum += values[i]!
  return sum / bars
}

/** Largest of `values[end - bars + 1 .. end]`; NaN when the window starts before index 0. */
export const windowMax = (values: Float64Array, end: number, bars: number): number => {
  const start = end - bars + 1
  if (start < 0 || bars <= 0) return Number.NaN
  let max = -Infinity
  for (let i = start; i <= end; i++) if (values[i]! > max) max = values[i]!
  return max
}

/** Smallest of `values[end - bars + 1 .. end]`; NaN when the window starts before index 0. */
export const windowMin = (values: Float64Array, end: number, bars: number): number => {
  const start = end - bars + 1
  if (start < 0 || bars <= 0) return Number.NaN
  let min = Infinity
  for (let i = start; i <= end; i++) if (values[i]! < min) min = values[i]!
  return min
}

/** Simple return from bar `end - bars` to bar `end`; NaN when `end - bars` is before index 0. */
export const simpleReturn = (close: Float64Array, end: number, bars: number): number =>
  end - bars < 0 ? Number.NaN : close[end]! / close[end - bars]! - 1

/** Standard deviation of the `bars` daily log returns ending at `end` (not annualised); NaN without enough bars. */
export const realizedVolatility = (close: Float64Array, end: number, bars: number): number => {
  const start = end - bars
  if (start < 0 || bars < 2) return Number.NaN
  let sum = 0, sumSq = 0
  for (let i = start + 1; i <= end; i++) {
    const r = Math.log(close[i]! / close[i - 1]!)
    sum += r
    sumSq += r * r
  }
  const mean = sum / bars
  return Math.sqrt(Math.max(0, (sumSq - bars * mean * mean) / (bars - 1)))
}

/** Least-squares line through the log closes of a window: slope per bar and the fit's R² (0..1). */
export interface LogTrend {
  readonly slope: number
  readonly r2: number
}

/**
 * Fits `ln(close) = a + slope · i` over the `bars` closes ending at `end`. Log prices make the slope a growth
 * rate, unchanged when every price is multiplied by a constant. A flat window has slope 0 and R² 0.
 */
export const logTrend = (close: Float64Array, end: number, bars: number): LogTrend => {
  const start = end - bars + 1
  if (start < 0 || bars < 2) return { slope: Number.NaN, r2: Number.NaN }
  // Logs relative to the first close: the same numbers (bit for bit, for power-of-two factors) at any price scale.
  const base = close[start]!
  let sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0
  for (let i = 0; i < bars; i++) {
    const y = Math.log(close[start + i]! / base)
    sx += i
    sy += y
    sxx += i * i
    sxy += i * y
    syy += y * y
  }
  const covXY = sxy - (sx * sy) / bars
  const varX = sxx - (sx * sx) / bars
  const varY = syy - (sy * sy) / bars
  const slope = covXY / varX
  // A constant series has varY 0 up to rounding; treat tiny variances as "no trend".
  const r2 = varY <= 1e-18 ? 0 : Math.min(1, (covXY * covXY) / (varX * varY))
  return { slope, r2 }
}
