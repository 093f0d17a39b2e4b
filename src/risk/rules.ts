// The risk rules, one small pure function each: pass (None) or a RiskRejection naming the rule and its numbers.
// Each rule assumes the rules before it in RULES passed (a cash check needs a valid quantity and price band).
import { Either, Option } from "effect"
import { makeTicker } from "../domain/Money.js"
import { clientOrderId } from "../domain/Order.js"
import { floorMul } from "../domain/krx/costs.js"
import { DEFAULT_BAND_PCT, withinBand } from "../domain/krx/priceBand.js"
import { isOnTick, tickSize } from "../domain/krx/tick.js"
import { kstTimeOf, type TradeDate } from "../domain/Time.js"
import { showValue } from "../domain/errors.js"
import {
  bandOf,
  buyCost,
  freeCash,
  freeShares,
  holdingsValue,
  reservedByOpenBuys,
  type RiskContext,
  sharesHeld,
  worstPrice
} from "./RiskContext.js"
import type { RiskLimits } from "./RiskLimits.js"
import { formatCount, formatShare, formatWon, RiskRejection, type RiskRule } from "./RiskRejection.js"

export type RiskCheck = (ctx: RiskContext, limits: RiskLimits) => Option.Option<RiskRejection>

const pass: Option.Option<RiskRejection> = Option.none()
const reject = (rule: RiskRule, detail: string): Option.Option<RiskRejection> =>
  Option.some(new RiskRejection({ rule, detail }))

const ORDER_RATE_WINDOW_MS = 60_000

/** `pct` % of `amount`, floored to the won (a non-positive amount leaves no room at all). */
export const pctOf = (amount: number, pct: number): number => floorMul(Math.max(0, amount), pct / 100)

export const validSymbol: RiskCheck = (ctx) =>
  Either.isRight(makeTicker(ctx.intent.ticker))
    ? pass
    : reject("symbol", `${showValue(ctx.intent.ticker)} is not a 6-character KRX code like 005930`)

export const positiveWholeQuantity: RiskCheck = (ctx) => {
  const q = ctx.intent.quantity
  return Number.isSafeInteger(q) && q > 0 ? pass : reject("quantity", `${showValue(q)} shares: must be a whole number > 0`)
}

/** An intent's id is its idempotency key: once sent (or live), the same decision is never sent again. */
export const notDuplicate: RiskCheck = (ctx) => {
  const id = clientOrderId(ctx.intent)
  return ctx.sentOrders.has(ctx.intent) || ctx.openOrders.some((o) => o.id === id)
    ? reject("duplicate intent", `${id} was already sent; an intent is submitted at most once`)
    : pass
}

export const withinTradingHours: RiskCheck = (ctx, limits) => {
  if (!limits.enforceTradingHours || limits.orderPhases.includes(ctx.phase)) return pass
  const hhmmss = kstTimeOf(ctx.now)
  const clock = `${hhmmss.slice(0, 2)}:${hhmmss.slice(2, 4)}:${hhmmss.slice(4, 6)}`
  return reject(
    "trading hours",
    `the market is in phase ${ctx.phase} at ${clock} KST on ${ctx.tradeDate}; orders are taken in ${limits.orderPhases.join(", ")}`
  )
}

export const orderTypeAllowed: RiskCheck = (ctx, limits) =>
  ctx.intent.type._tag === "limit" || limits.allowMarketOrders
    ? pass
    : reject("order type", `${ctx.intent.type._tag} orders are disabled by allowMarketOrders = false; send a limit order`)

/** Limit and stop prices must be on the tick ladder of the day and inside its ±30 % band. */
export const priceOnTickInBand: RiskCheck = (ctx) => {
  const base = ctx.basePrice
  if (!Number.isSafeInteger(base) || base <= 0) {
    return reject("price", `base price ${showValue(base)} of ${ctx.intent.ticker} on ${ctx.tradeDate} is not a positive whole number of won`)
  }
  const type = ctx.intent.type
  if (type._tag === "market") return pass
  const [label, price] = type._tag === "limit" ? ["limit price", type.price] : ["stop price", type.stopPrice]
  if (!Number.isSafeInteger(price) || price <= 0) {
    return reject("price", `${label} ${showValue(price)} is not a positive whole number of won`)
  }
  if (!isOnTick(price, ctx.instrument, ctx.tradeDate)) {
    const tick = tickSize(price, ctx.instrument, ctx.tradeDate)
    return reject("price", `${label} ${formatWon(price)} is off the tick ladder: the tick at this price on ${ctx.tradeDate} is ${formatWon(tick)}`)
  }
  const band = bandOf(ctx)
  return withinBand(price, band)
    ? pass
    : reject(
      "price",
      `${label} ${formatWon(price)} is outside the day's band ${formatCount(band.lower)}–${formatWon(band.upper)} (base ${formatWon(band.base)} ±${DEFAULT_BAND_PCT} %)`
    )
}

/**
 * Counts accepted orders less than 60 s from `now` on either side. Accepting only below the cap keeps every
 * 60-second window at or under it: the last order accepted inside any window saw all the others in its count.
 */
export const underOrderRate: RiskCheck = (ctx, limits) => {
  let recent = 0
  for (const t of ctx.recentOrderTimes) if (Math.abs(ctx.now - t) < ORDER_RATE_WINDOW_MS) recent++
  return recent < limits.maxOrdersPerMinute
    ? pass
    : reject("order rate", `${recent} orders already sent within 60 s of this one; cap ${limits.maxOrdersPerMinute} per minute`)
}

const lossToday = (ctx: RiskContext): number => ctx.startOfDayEquity - ctx.equity

/** True from the moment the day's loss reaches the limit until the trading day changes, even if equity recovers. */
export const lossLimitBreached = (ctx: RiskContext, limits: RiskLimits): boolean => {
  if (ctx.lossLimitBreachedOn === ctx.tradeDate) return true
  const loss = lossToday(ctx)
  return loss > 0 && loss >= pctOf(ctx.startOfDayEquity, limits.dailyLossLimitPct)
}

/** The value of `lossLimitBreachedOn` to carry to the next check: call it whenever equity is re-marked. */
export const lossLimitLatch = (ctx: RiskContext, limits: RiskLimits): TradeDate | undefined =>
  lossLimitBreached(ctx, limits) ? ctx.tradeDate : undefined

/** After a breach only reduce-only orders pass; a cash account cannot short, so every covered sell reduces. */
export const dailyLossReduceOnly: RiskCheck = (ctx, limits) => {
  if (ctx.intent.side === "sell" || !lossLimitBreached(ctx, limits)) return pass
  const loss = lossToday(ctx)
  const limit = pctOf(ctx.startOfDayEquity, limits.dailyLossLimitPct)
  const now = loss > 0
    ? `equity ${formatWon(ctx.equity)} is ${formatWon(loss)} (${formatShare(loss, ctx.startOfDayEquity)}) below start-of-day ${formatWon(ctx.startOfDayEquity)}`
    : `equity ${formatWon(ctx.equity)} is back to start-of-day ${formatWon(ctx.startOfDayEquity)} or above`
  return reject(
    "daily loss",
    `${now}; limit ${limits.dailyLossLimitPct} % = ${formatWon(limit)}, breached on ${ctx.tradeDate}: only sells until the next session`
  )
}

/** No sell beyond holdings: shares already promised to open sells are not free. */
export const enoughHoldings: RiskCheck = (ctx) => {
  if (ctx.intent.side !== "sell") return pass
  const free = freeShares(ctx)
  const held = sharesHeld(ctx, ctx.intent.ticker)
  return ctx.intent.quantity <= free
    ? pass
    : reject(
      "holdings",
      `selling ${formatCount(ctx.intent.quantity)} shares of ${ctx.intent.ticker} but only ${formatCount(free)} are free (${formatCount(held)} held, ${formatCount(held - free)} in open sells)`
    )
}

const priceNote = (ctx: RiskContext): string =>
  ctx.intent.type._tag === "limit" ? "" : ` (the upper limit, reserved for a ${ctx.intent.type._tag} buy)`

/** No buy beyond cash: notional at the worst price plus commission, after what open buys hold back. */
export const enoughCash: RiskCheck = (ctx) => {
  if (ctx.intent.side !== "buy") return pass
  const price = worstPrice(ctx)
  const cost = buyCost(ctx.intent.quantity, price, ctx.costs)
  const free = freeCash(ctx)
  const reserved = ctx.cash - free
  return cost <= free
    ? pass
    : reject(
      "cash",
      `buying ${formatCount(ctx.intent.quantity)} × ${formatWon(price)}${priceNote(ctx)} costs ${formatWon(cost)} with commission; ${formatWon(free)} is free (${formatWon(ctx.cash)} cash − ${formatWon(reserved)} held back by open buys)`
    )
}

const capCheck = (rule: RiskRule, what: string, after: number, equity: number, pct: number): Option.Option<RiskRejection> => {
  const cap = pctOf(equity, pct)
  if (after <= cap) return pass
  const share = equity > 0 ? `${formatShare(after, equity)} of equity ${formatWon(equity)}` : `more than equity ${formatWon(equity)}`
  return reject(rule, `${formatWon(after)} ${what} after this buy would be ${share}; cap ${pct} % = ${formatWon(cap)}`)
}

/** Value of the position after the buy: held shares at their mark, open buys of it, and this buy with commission. */
export const positionAfterBuy = (ctx: RiskContext, cost: number): number =>
  holdingsValue(ctx, ctx.intent.ticker) + reservedByOpenBuys(ctx, ctx.intent.ticker) + cost

/** Value of every position and open buy after the buy. */
export const exposureAfterBuy = (ctx: RiskContext, cost: number): number => holdingsValue(ctx) + reservedByOpenBuys(ctx) + cost

export const positionCap: RiskCheck = (ctx, limits) =>
  ctx.intent.side !== "buy"
    ? pass
    : capCheck(
      "position cap",
      `in ${ctx.intent.ticker}`,
      positionAfterBuy(ctx, buyCost(ctx.intent.quantity, worstPrice(ctx), ctx.costs)),
      ctx.equity,
      limits.maxPositionPct
    )

export const exposureCap: RiskCheck = (ctx, limits) =>
  ctx.intent.side !== "buy"
    ? pass
    : capCheck(
      "exposure cap",
      "in positions and open buys",
      exposureAfterBuy(ctx, buyCost(ctx.intent.quantity, worstPrice(ctx), ctx.costs)),
      ctx.equity,
      limits.maxExposurePct
    )

/** Every rule, in the order checkOrder applies them: the order itself, then the gates, then money and caps. */
export const RULES: ReadonlyArray<RiskCheck> = [
  validSymbol,
  positiveWholeQuantity,
  notDuplicate,
  withinTradingHours,
  orderTypeAllowed,
  priceOnTickInBand,
  underOrderRate,
  dailyLossReduceOnly,
  enoughHoldings,
  enoughCash,
  positionCap,
  exposureCap
]
