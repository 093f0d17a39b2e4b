// The matching engine: fills one resting order against a price path under KRX-like rules (gaps fill at the
// open, limit locks block, volume caps, adverse slippage on the tick ladder). Pure; shared with the simulator.
import type { Instrument } from "../../domain/Market.js"
import { isOnTick, roundDownToTick, roundUpToTick, shiftTicks } from "../../domain/krx/tick.js"
import type { Won } from "../../domain/Money.js"
import type { OrderType, Side } from "../../domain/Order.js"
import type { TradeDate } from "../../domain/Time.js"
import { type LimitLock, type PricePath, pathVolume } from "./pricePath.js"

/** Adverse price impact of market and stop fills: none, whole ticks on the ladder, or basis points rounded to it. */
export type Slippage =
  | { readonly _tag: "none" }
  | { readonly _tag: "ticks"; readonly ticks: number }
  | { readonly _tag: "bps"; readonly bps: number }

export interface MatchRules {
  /** No buy fills on a bar locked at the upper limit, no sell at the lower one. */
  readonly limitLock: boolean
  /** Largest share of the path's volume one order may take (0.1 = 10 %); undefined = unlimited. */
  readonly volumeCap: number | undefined
  readonly slippage: Slippage
  /**
   * When a resting limit fills inside the path: `through` (default) needs a trade strictly beyond the limit,
   * `touch` a trade at it. At the first point (the open) touching always fills.
   */
  readonly limitFill: "through" | "touch"
}

export const REALISTIC_RULES: MatchRules = {
  limitLock: true,
  volumeCap: 0.1,
  slippage: { _tag: "none" },
  limitFill: "through"
}

/** What the matching engine needs of an order: its side, pricing, and the shares still open. */
export interface RestingOrder {
  readonly side: Side
  readonly type: OrderType
  readonly remaining: number
}

/** The market facts of the path's day: the tick ladder and whether the day is locked at a limit. */
export interface PathContext {
  readonly date: TradeDate
  readonly instrument: Instrument
  readonly lock: LimitLock
}

export type MatchOutcome =
  | { readonly _tag: "Fill"; readonly quantity: number; readonly price: Won; readonly pointIndex: number }
  | { readonly _tag: "NoFill"; readonly reason: "not reached" | "limit locked" | "no volume" }

const NOT_REACHED: MatchOutcome = { _tag: "NoFill", reason: "not reached" }

/** Index of the first point where the order becomes executable, starting at `from`; -1 if none. */
export const triggerIndex = (order: RestingOrder, path: PricePath, rules: MatchRules, from = 0): number => {
  const p = path.prices
  const buy = order.side === "buy"
  for (let i = from; i < p.length; i++) {
    const px = p[i]!
    switch (order.type._tag) {
      case "market":
        return i
      case "limit": {
        const l = order.type.price
        const strict = i > 0 && rules.limitFill === "through"
        if (buy ? (strict ? px < l : px <= l) : (strict ? px > l : px >= l)) return i
        break
      }
      case "stop": {
        const s = order.type.stopPrice
        if (buy ? px >= s : px <= s) return i
        break
      }
    }
  }
  return -1
}

/** The price before slippage: the traded price at a gap (first point), else the order's own level crossed. */
const basePrice = (order: RestingOrder, path: PricePath, i: number, ctx: PathContext): number => {
  const px = path.prices[i]!
  if (i === 0 || order.type._tag === "market") return px
  if (order.type._tag === "limit") return order.type.price
  // A stop crossed inside the path executes at the first ladder price beyond it.
  const s = order.type.stopPrice
  return order.side === "buy" ? roundUpToTick(s, ctx.instrument, ctx.date) : roundDownToTick(s, ctx.instrument, ctx.date)
}

/** Moves a price against the trader (up for buys, down for sells) onto the tick ladder. */
export const applySlippage = (price: number, side: Side, slippage: Slippage, instrument: Instrument, date: TradeDate): Won => {
  const buy = side === "buy"
  switch (slippage._tag) {
    case "none":
      return price as Won
    case "ticks": {
      if (slippage.ticks === 0) return price as Won
      // Off-ladder prices (split-adjusted history) are snapped in the trader's favour first, so the shift stays ≤ n ticks.
      const onLadder = isOnTick(price, instrument, date)
        ? (price as Won)
        : buy ? roundDownToTick(price, instrument, date) : roundUpToTick(price, instrument, date)
      return shiftTicks(onLadder, buy ? slippage.ticks : -slippage.ticks, instrument, date)
    }
    case "bps": {
      if (slippage.bps === 0) return price as Won
      const moved = price * (1 + (buy ? slippage.bps : -slippage.bps) / 10_000)
      return buy ? roundUpToTick(moved, instrument, date) : roundDownToTick(moved, instrument, date)
    }
  }
}

/**
 * Fills `order` against `path` from point `from` on: at most one fill per call, for at most the volume cap.
 * Limit orders never fill worse than their limit, so slippage applies to market and triggered stop orders only.
 */
export const matchOrder = (order: RestingOrder, path: PricePath, ctx: PathContext, rules: MatchRules, from = 0): MatchOutcome => {
  if (order.remaining <= 0) return NOT_REACHED
  if (rules.limitLock && (order.side === "buy" ? ctx.lock.lockedUp : ctx.lock.lockedDown)) {
    return { _tag: "NoFill", reason: "limit locked" }
  }
  const i = triggerIndex(order, path, rules, from)
  if (i < 0) return NOT_REACHED
  const quantity = rules.volumeCap === undefined
    ? order.remaining
    : Math.min(order.remaining, Math.floor(pathVolume(path) * rules.volumeCap))
  if (quantity <= 0) return { _tag: "NoFill", reason: "no volume" }
  const base = basePrice(order, path, i, ctx)
  const price = order.type._tag === "limit" ? (base as Won) : applySlippage(base, order.side, rules.slippage, ctx.instrument, ctx.date)
  return { _tag: "Fill", quantity, price, pointIndex: i }
}
