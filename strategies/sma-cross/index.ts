// The reference example: a moving-average crossover on each symbol, specified exactly (DESIGN.md §8) so its
// trades can be compared with other backtesters to the won. Integer sums only: no floating-point ties.
import { Schema } from "effect"
import type { Ticker, Won } from "../../src/domain/Money.js"
import { intParam } from "../../src/strategy/params.js"
import type { AsOfView, BarSeries, Decision, PortfolioView, Strategy } from "../../src/strategy/Strategy.js"

export const SmaCrossParams = Schema.Struct({
  /** Bars in the fast average. */
  fast: intParam(10, 1),
  /** Bars in the slow average. */
  slow: intParam(30, 2)
}).pipe(Schema.filter((p) => p.fast < p.slow || `fast (${p.fast}) must be shorter than slow (${p.slow})`))
export type SmaCrossParams = typeof SmaCrossParams.Type

export type Cross = "up" | "down" | "none"

/** Up: d[t] > 0 ≥ d[t−1]; down: d[t] < 0 ≤ d[t−1]; a zero is neither above nor below. */
const crossOf = (d: number, dPrev: number): Cross => (d > 0 && dPrev <= 0 ? "up" : d < 0 && dPrev >= 0 ? "down" : "none")

/**
 * The cross at the last of the first `n` closes. With sums S_fast, S_slow of the last `fast` / `slow` closes,
 * d[t] = slow·S_fast[t] − fast·S_slow[t] has the sign of SMA_fast − SMA_slow. Up: d[t] > 0 ≥ d[t−1];
 * down: d[t] < 0 ≤ d[t−1]; a zero is neither above nor below. Needs t ≥ slow (d[t−1] defined).
 */
export const crossAt = (closes: ArrayLike<number>, n: number, fast: number, slow: number): Cross => {
  const t = n - 1
  if (t < slow) return "none"
  let sumFast = 0, sumSlow = 0
  for (let i = t - slow + 1; i <= t; i++) {
    const c = closes[i]!
    sumSlow += c
    if (i > t - fast) sumFast += c
  }
  const d = slow * sumFast - fast * sumSlow
  const prevFast = sumFast - closes[t]! + closes[t - fast]!
  const prevSlow = sumSlow - closes[t]! + closes[t - slow]!
  const dPrev = slow * prevFast - fast * prevSlow
  return crossOf(d, dPrev)
}

const MARKET = { _tag: "market" } as const

/** Closes up to this size keep every window sum and d an exact integer in a double (30·30·1e12 < 2^53). */
const EXACT_LIMIT = 1e12
const isExact = (c: number): boolean => Number.isInteger(c) && Math.abs(c) <= EXACT_LIMIT

/**
 * Window sums carried from one decision to the next, per universe position, for the views of one history
 * (`AsOfView.history`). Used only while every close involved is an exact integer, when adding the new close and
 * subtracting the one leaving gives the very integers `crossAt` sums from scratch; otherwise `crossAt` decides.
 */
class RunningSums {
  /** Bar count the sums are at (sums of the windows ending at bar n − 1); −1 = nothing kept. */
  readonly n: Int32Array
  readonly fast: Float64Array
  readonly slow: Float64Array
  constructor(readonly universe: ReadonlyArray<Ticker>, readonly params: SmaCrossParams) {
    this.n = new Int32Array(universe.length).fill(-1)
    this.fast = new Float64Array(universe.length)
    this.slow = new Float64Array(universe.length)
  }

  /** The cross at bar count `n` of the series at universe position `i`. */
  crossAt(i: number, bars: BarSeries, n: number): Cross {
    const t = n - 1
    if (this.n[i] !== t) return this.recount(i, bars, n)
    const { fast, slow } = this.params
    const added = bars.close(t)
    if (!isExact(added)) return this.recount(i, bars, n)
    const prevFast = this.fast[i]!, prevSlow = this.slow[i]!
    const sumFast = prevFast + added - bars.close(t - fast), sumSlow = prevSlow + added - bars.close(t - slow)
    this.keep(i, n, sumFast, sumSlow)
    return crossOf(slow * sumFast - fast * sumSlow, slow * prevFast - fast * prevSlow)
  }

  /** The cross from the closes themselves, keeping their sums when every one is an exact integer. */
  private recount(i: number, bars: BarSeries, n: number): Cross {
    const { fast, slow } = this.params
    const t = n - 1
    const closes = bars.closes()
    let exact = true
    let sumFast = 0, sumSlow = 0
    for (let k = t - slow; k <= t; k++) {
      const c = closes[k]!
      if (!isExact(c)) exact = false
      if (k > t - slow) sumSlow += c
      if (k > t - fast) sumFast += c
    }
    if (exact) this.keep(i, n, sumFast, sumSlow)
    else this.n[i] = -1
    return crossAt(closes, n, fast, slow)
  }

  private keep(i: number, n: number, sumFast: number, sumSlow: number): void {
    this.n[i] = n
    this.fast[i] = sumFast
    this.slow[i] = sumSlow
  }
}

const runningSums = new WeakMap<object, RunningSums>()

/** The running sums for this view's history and params, or undefined when the view names no history. */
const sumsFor = (view: AsOfView, params: SmaCrossParams): RunningSums | undefined => {
  if (view.history === undefined) return undefined
  let sums = runningSums.get(view.history)
  if (sums === undefined || sums.universe !== view.universe || sums.params.fast !== params.fast || sums.params.slow !== params.slow) {
    sums = new RunningSums(view.universe, params)
    runningSums.set(view.history, sums)
  }
  return sums
}

export const smaCross: Strategy<SmaCrossParams> = {
  name: "sma-cross",
  description: "Buy on a fast/slow simple moving average cross up, sell everything on a cross down (DESIGN.md §8).",
  params: SmaCrossParams,
  schedule: () => "daily",
  warmupBars: (p) => p.slow + 1,
  decide: (view, portfolio, params) => {
    const crossing = crossesAsOf(view, params)
    return { decisions: crossing.length === 0 ? [] : ordersFor(crossing, portfolio, view.universe.length) }
  }
}

/** The symbols whose averages cross on their bar of the view's day. */
const crossesAsOf = (view: AsOfView, params: SmaCrossParams): ReadonlyArray<readonly [Ticker, Cross]> => {
  const sums = sumsFor(view, params)
  const universe = view.universe, series = view.universeBars()
  const crossing: Array<readonly [Ticker, Cross]> = []
  for (let i = 0; i < universe.length; i++) {
    const ticker = universe[i]!
    const bars = series[i]!
    const n = bars.length
    // Decide only on a symbol's own new bar: a suspended or delisted symbol repeats no stale signal.
    if (n <= params.slow || bars.date(n - 1) !== view.asOf) continue
    const cross = sums === undefined ? crossAt(bars.closes(), n, params.fast, params.slow) : sums.crossAt(i, bars, n)
    if (cross !== "none") crossing.push([ticker, cross])
  }
  return crossing
}

/** A buy of an equal slice of equity on a cross up of a symbol not held; a sale of all of it on a cross down. */
const ordersFor = (crossing: ReadonlyArray<readonly [Ticker, Cross]>, portfolio: PortfolioView, universeSize: number): Array<Decision> => {
  const buying = new Set<Ticker>()
  for (const o of portfolio.openOrders) if (o.side === "buy") buying.add(o.ticker)
  // Cash is shared: each symbol's entry may spend up to an equal slice of equity (all of it for one symbol).
  const slice = Math.floor(portfolio.equity / Math.max(1, universeSize)) as Won
  const decisions: Array<Decision> = []
  for (const [ticker, cross] of crossing) {
    const quantity = portfolio.holding(ticker)?.quantity ?? 0
    if (cross === "up" && quantity === 0 && !buying.has(ticker)) {
      decisions.push({ _tag: "Buy", ticker, size: { _tag: "Cash", amount: slice }, type: MARKET, reason: "sma cross up" })
    } else if (cross === "down" && quantity > 0) {
      decisions.push({ _tag: "Sell", ticker, type: MARKET, reason: "sma cross down" })
    }
  }
  return decisions
}

export default smaCross
