// Protective exits of a holding (stop-loss / take-profit levels): the one trigger rule used by the live price
// monitor on each quote and by the backtest on each point of a bar's pessimistic price path.
import type { ExitLevels, OrderType } from "../domain/Order.js"

export type ExitKind = "stop-loss" | "take-profit"

/** Which exit a traded price triggers for a long holding; the stop-loss wins if both levels are crossed. */
export const exitTrigger = (levels: ExitLevels, price: number): ExitKind | undefined => {
  if (levels.stopLoss !== undefined && price <= levels.stopLoss) return "stop-loss"
  if (levels.takeProfit !== undefined && price >= levels.takeProfit) return "take-profit"
  return undefined
}

/** The first exit triggered along `prices` from index `from`, with the index where it triggered. */
export const firstExit = (
  levels: ExitLevels,
  prices: ArrayLike<number>,
  from = 0
): { readonly kind: ExitKind; readonly index: number } | undefined => {
  for (let i = from; i < prices.length; i++) {
    const kind = exitTrigger(levels, prices[i]!)
    if (kind !== undefined) return { kind, index: i }
  }
  return undefined
}

/** The sell order an exit becomes: a stop at the stop-loss level, a limit at the take-profit level. */
export const exitOrderType = (levels: ExitLevels, kind: ExitKind): OrderType =>
  kind === "stop-loss"
    ? { _tag: "stop", stopPrice: levels.stopLoss! }
    : { _tag: "limit", price: levels.takeProfit! }

export const hasExits = (levels: ExitLevels | undefined): levels is ExitLevels =>
  levels !== undefined && (levels.stopLoss !== undefined || levels.takeProfit !== undefined)
