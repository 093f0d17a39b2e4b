// The reference example: a moving-average crossover on each symbol, specified exactly (DESIGN.md §8) so its
// trades can be compared with other backtesters to the won. Integer sums only: no floating-point ties.
import { Schema } from "effect"
import type { Ticker, Won } from "../../src/domain/Money.js"
import { intParam } from "../../src/strategy/params.js"
import type { Decision, Strategy } from "../../src/strategy/Strategy.js"

export const SmaCrossParams = Schema.Struct({
  /** Bars in the fast average. */
  fast: intParam(10, 1),
  /** Bars in the slow average. */
  slow: intParam(30, 2)
}).pipe(Schema.filter((p) => p.fast < p.slow || `fast (${p.fast}) must be shorter than slow (${p.slow})`))
export type SmaCrossParams = typeof SmaCrossParams.Type

export type Cross = "up" | "down" | "none"

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
  if (d > 0 && dPrev <= 0) return "up"
  if (d < 0 && dPrev >= 0) return "down"
  return "none"
}

const MARKET = { _tag: "market" } as const

export const smaCross: Strategy<SmaCrossParams> = {
  name: "sma-cross",
  description: "Buy on a fast/slow simple moving average cross up, sell everything on a cross down (DESIGN.md §8).",
  params: SmaCrossParams,
  schedule: () => "daily",
  warmupBars: (p) => p.slow + 1,
  decide: (view, portfolio, params) => {
    const held = new Map<Ticker, number>()
    for (const h of portfolio.holdings) held.set(h.ticker, h.quantity)
    const buying = new Set<Ticker>()
    for (const o of portfolio.openOrders) if (o.side === "buy") buying.add(o.ticker)
    // Cash is shared: each symbol's entry may spend up to an equal slice of equity (all of it for one symbol).
    const slice = Math.floor(portfolio.equity / Math.max(1, view.universe.length)) as Won
    const decisions: Array<Decision> = []
    for (const ticker of view.universe) {
      const bars = view.bars(ticker)
      const n = bars.length
      // Decide only on a symbol's own new bar: a suspended or delisted symbol repeats no stale signal.
      if (n <= params.slow || bars.date(n - 1) !== view.asOf) continue
      const cross = crossAt(bars.closes(), n, params.fast, params.slow)
      if (cross === "none") continue
      const quantity = held.get(ticker) ?? 0
      if (cross === "up" && quantity === 0 && !buying.has(ticker)) {
        decisions.push({ _tag: "Buy", ticker, size: { _tag: "Cash", amount: slice }, type: MARKET, reason: "sma cross up" })
      } else if (cross === "down" && quantity > 0) {
        decisions.push({ _tag: "Sell", ticker, type: MARKET, reason: "sma cross down" })
      }
    }
    return { decisions }
  }
}

export default smaCross
