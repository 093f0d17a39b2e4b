// The risk gate every order passes in backtest, paper and live trading: all rules in a fixed order, stopping at
// the first rejection; and the largest quantity the money rules allow, so sizing can shrink instead of failing.
import { Either, Option } from "effect"
import type { Qty, Won } from "../domain/Money.js"
import { clientOrderId } from "../domain/Order.js"
import type { CostModel } from "../domain/krx/costs.js"
import { buyCost, freeCash, freeShares, type RiskApproval, type RiskContext, worstPrice } from "./RiskContext.js"
import type { RiskLimits } from "./RiskLimits.js"
import type { RiskRejection } from "./RiskRejection.js"
import { exposureAfterBuy, pctOf, positionAfterBuy, RULES } from "./rules.js"

/**
 * Checks one order against every rule of RULES in order and returns the first rejection. Stopping at the first is
 * deliberate: later rules assume earlier ones passed (no cash sum for a NaN quantity), and the first failure in
 * that order is the one to fix first. On approval, the caller records `reservedCash` with the open order.
 */
export const checkOrder = (ctx: RiskContext, limits: RiskLimits): Either.Either<RiskApproval, RiskRejection> => {
  for (const rule of RULES) {
    const rejection = rule(ctx, limits)
    if (Option.isSome(rejection)) return Either.left(rejection.value)
  }
  const price = worstPrice(ctx)
  return Either.right({
    id: clientOrderId(ctx.intent),
    worstPrice: price,
    reservedCash: (ctx.intent.side === "buy" ? buyCost(ctx.intent.quantity, price, ctx.costs) : 0) as Won
  })
}

/** The largest whole quantity whose notional at `price` plus commission fits in `budget` won (0 if none). */
export const affordableQuantity = (budget: number, price: number, costs: CostModel): number => {
  if (!(price > 0) || !(budget >= price)) return 0
  // the estimate ignores commission flooring, so it is off by a few shares at most; walk to the exact answer
  let q = Math.floor(budget / (price * (1 + costs.commissionRate)))
  while (q > 0 && buyCost(q, price, costs) > budget) q--
  while (buyCost(q + 1, price, costs) <= budget) q++
  return q
}

/** The largest quantity the holdings, cash, position-cap and exposure-cap rules allow, ignoring the intent's own. */
const moneyBound = (ctx: RiskContext, limits: RiskLimits): number => {
  if (ctx.intent.side === "sell") return freeShares(ctx)
  const budget = Math.min(
    freeCash(ctx),
    pctOf(ctx.equity, limits.maxPositionPct) - positionAfterBuy(ctx, 0),
    pctOf(ctx.equity, limits.maxExposurePct) - exposureAfterBuy(ctx, 0)
  )
  return affordableQuantity(budget, worstPrice(ctx), ctx.costs)
}

/**
 * The largest quantity of the intent's order (same side, ticker and price) that checkOrder accepts, or 0 when
 * none does (a gate such as trading hours or the daily loss limit fails, or not one share fits). One share more
 * always fails holdings, cash or a cap.
 */
export const maxAllowedQuantity = (ctx: RiskContext, limits: RiskLimits): Qty => {
  const q = moneyBound(ctx, limits)
  if (!Number.isSafeInteger(q) || q <= 0) return 0 as Qty
  const sized: RiskContext = { ...ctx, intent: { ...ctx.intent, quantity: q as Qty } }
  return (Either.isRight(checkOrder(sized, limits)) ? q : 0) as Qty
}
