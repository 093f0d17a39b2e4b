// Hand-built price paths with a known boom-bust stage at their last bar (default params), for the cycle tests.
import type { PriceWindow, Stage } from "../../../strategies/reflexivity/cycle.js"
import { weekdays } from "../../strategy/fixtures.js"

/** Geometric segments `[bars, total gain]` from `start`; `wiggle` alternates ±wiggle around the path. */
export const path = (segments: ReadonlyArray<readonly [number, number]>, start = 10_000, wiggle = 0): Array<number> => {
  const out: Array<number> = []
  let level = start
  for (const [bars, gain] of segments) {
    const step = Math.pow(1 + gain, 1 / bars)
    for (let i = 0; i < bars; i++) {
      level *= step
      out.push(level)
    }
  }
  return out.map((c, i) => c * (1 + (i % 2 === 0 ? wiggle : -wiggle)))
}

/** A parabolic rise: log increments growing linearly so that the total log rise is `logRise` over `bars`. */
export const parabola = (bars: number, logRise: number, start: number): Array<number> => {
  const c = logRise / ((bars * (bars + 1)) / 2)
  const out: Array<number> = []
  let y = Math.log(start)
  for (let k = 1; k <= bars; k++) {
    y += c * k
    out.push(Math.exp(y))
  }
  return out
}

const datesByLength = new Map<number, ReturnType<typeof weekdays>>()
const datesOf = (n: number) => {
  let d = datesByLength.get(n)
  if (d === undefined) datesByLength.set(n, (d = weekdays("2020-01-01", n)))
  return d
}

/** A window from closes (lows 1 % under min(open, close), open = previous close) and volumes. */
export const windowOf = (closes: ReadonlyArray<number>, volumes?: ReadonlyArray<number>): PriceWindow => {
  const n = closes.length
  const low = new Float64Array(n)
  for (let i = 0; i < n; i++) low[i] = Math.min(closes[i]!, closes[Math.max(0, i - 1)]!) * 0.99
  return {
    date: (i) => datesOf(n)[i]!,
    close: Float64Array.from(closes),
    low,
    volume: Float64Array.from(volumes ?? closes.map(() => 1_000_000))
  }
}

const FLAT = 10_000
const flatBase = (bars: number) => path([[bars, 0]], FLAT, 0.003)
const withVolumes = (n: number, recent: number, multiple: number) =>
  Array.from({ length: n }, (_, i) => (i >= n - recent ? 1_000_000 * multiple : 1_000_000))

/** One fixture per stage: closes, volumes and the stage expected at the last bar under default params. */
export const stageFixtures = (): ReadonlyArray<{ readonly stage: Stage; readonly closes: Array<number>; readonly volumes: Array<number> }> => {
  const inception = [...flatBase(190), ...path([[61, 0.1]], FLAT)]
  const acceleration = [...flatBase(130), ...path([[121, Math.pow(1.25, 121 / 60) - 1]], FLAT)]
  const testing = [...flatBase(100), ...path([[130, Math.pow(1.2, 130 / 60) - 1], [21, -0.1]], FLAT)]
  const euphoria = [...flatBase(100), ...parabola(151, 1, FLAT)]
  const twilight = [...flatBase(60), ...path([[150, 1], [41, -0.12]], FLAT)]
  const collapse = [...flatBase(60), ...path([[130, 1], [61, -0.35]], FLAT)]
  const none = flatBase(260)
  return [
    { stage: "none", closes: none, volumes: withVolumes(none.length, 0, 1) },
    { stage: "inception", closes: inception, volumes: withVolumes(inception.length, 20, 1.5) },
    { stage: "acceleration", closes: acceleration, volumes: withVolumes(acceleration.length, 20, 1.5) },
    { stage: "testing", closes: testing, volumes: withVolumes(testing.length, 0, 1) },
    { stage: "euphoria", closes: euphoria, volumes: withVolumes(euphoria.length, 2, 5) },
    { stage: "twilight", closes: twilight, volumes: withVolumes(twilight.length, 0, 1) },
    { stage: "collapse", closes: collapse, volumes: withVolumes(collapse.length, 0, 1) }
  ]
}
