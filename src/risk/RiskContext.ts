// What the risk rules look at for one order: the intent, the instrument's day (ticks, band, phase), the book
// (cash, holdings, open orders) and the recent order history. Plain data, assembled by the engine in every mode.
import type { Instrument } from "../domain/Market.js"
import type { Qty, Ticker, Won } from "../domain/Money.js"
import type { ClientOrderId, OrderIntent, SentOrderLookup, Side } from "../domain/Order.js"
import { commission, type CostModel } from "../domain/krx/costs.js"
import { priceBand, type PriceBand } from "../domain/krx/priceBand.js"
import type { SessionPhase } from "../domain/krx/sessions.js"
import type { Instant, TradeDate } from "../domain/Time.js"

/** A held position with the price it is marked at (the latest trade or close). */
export interface Holding {
  readonly ticker: Ticker
  readonly quantity: Qty
  readonly markPrice: Won
}

/** An order sent and not yet filled or cancelled: what it still holds back from the book. */
export interface OpenOrder {
  readonly id: ClientOrderId
  readonly ticker: Ticker
  readonly side: Side
  /** Shares not yet filled. */
  readonly remainingQuantity: Qty
  /** Cash held back for the unfilled part of a buy (`buyCost` at its worst price); 0 for sells. */
  readonly reservedCash: Won
}

export interface RiskContext {
  readonly intent: OrderIntent
  readonly instrument: Instrument
  /** The KST trading day the order is for: it picks the tick ladder and scopes the daily loss limit. */
  readonly tradeDate: TradeDate
  /** When the order would be sent (not when it was decided): the order-rate window is measured here. */
  readonly now: Instant
  /** The day's base price (기준가, normally the previous close) from which the ±30 % band is derived. */
  readonly basePrice: Won
  readonly phase: SessionPhase
  /** Deposit cash, including what open buys hold back. */
  readonly cash: Won
  /** Cash plus holdings at their marks. */
  readonly equity: Won
  readonly startOfDayEquity: Won
  readonly holdings: ReadonlyArray<Holding>
  readonly openOrders: ReadonlyArray<OpenOrder>
  /** Send times of orders accepted recently (at least the last minute's). */
  readonly recentOrderTimes: ReadonlyArray<Instant>
  /** Every intent already sent or live (the order journal), whatever became of the order, asked by its id. */
  readonly sentOrders: SentOrderLookup
  /** The trading day on which the daily loss limit was last breached (see `lossLimitLatch`), if any. */
  readonly lossLimitBreachedOn: TradeDate | undefined
  readonly costs: CostModel
}

/** What an accepted order holds back: the caller records it as an open order until it fills or is cancelled. */
export interface RiskApproval {
  readonly id: ClientOrderId
  /** The least favourable fill price: the limit, else the day's upper (buys) or lower (sells) price limit. */
  readonly worstPrice: Won
  /** Cash to hold back (buys) including commission; 0 for sells. */
  readonly reservedCash: Won
}

/** Cash a buy of `quantity` at `price` needs: notional plus the commission, floored to the won as charged. */
export const buyCost = (quantity: number, price: number, costs: CostModel): number => {
  const notional = quantity * price
  return notional + commission(notional, costs)
}

export const bandOf = (ctx: RiskContext): PriceBand => priceBand(ctx.basePrice, ctx.instrument, ctx.tradeDate)

/**
 * The least favourable price the order can fill at. KIS reserves buying power at the upper limit for price-less
 * buys, and a triggered stop becomes a market order, so market and stop buys are costed there: every cash and
 * cap check then holds whatever the fill.
 */
export const worstPrice = (ctx: RiskContext): Won => {
  if (ctx.intent.type._tag === "limit") return ctx.intent.type.price
  const band = bandOf(ctx)
  return ctx.intent.side === "buy" ? band.upper : band.lower
}

export const sharesHeld = (ctx: RiskContext, ticker: Ticker): number =>
  ctx.holdings.reduce((sum, h) => (h.ticker === ticker ? sum + h.quantity : sum), 0)

/** Shares of `ticker` that open sells have already promised. */
export const openSellQuantity = (ctx: RiskContext, ticker: Ticker): number =>
  ctx.openOrders.reduce((sum, o) => (o.ticker === ticker && o.side === "sell" ? sum + o.remainingQuantity : sum), 0)

/** Cash held back by open buys, of one ticker or (without one) of all. */
export const reservedByOpenBuys = (ctx: RiskContext, ticker?: Ticker): number =>
  ctx.openOrders.reduce(
    (sum, o) => (o.side === "buy" && (ticker === undefined || o.ticker === ticker) ? sum + o.reservedCash : sum),
    0
  )

/** Shares of the intent's ticker that a sell may still use: held minus those promised to open sells. */
export const freeShares = (ctx: RiskContext): number =>
  sharesHeld(ctx, ctx.intent.ticker) - openSellQuantity(ctx, ctx.intent.ticker)

/** Cash a buy may still use: the deposit minus what open buys hold back. */
export const freeCash = (ctx: RiskContext): number => ctx.cash - reservedByOpenBuys(ctx)

/** Value of holdings at their marks, of one ticker or (without one) of all. */
export const holdingsValue = (ctx: RiskContext, ticker?: Ticker): number =>
  ctx.holdings.reduce((sum, h) => (ticker === undefined || h.ticker === ticker ? sum + h.quantity * h.markPrice : sum), 0)

/** The open order an approval becomes once the order is sent. */
export const toOpenOrder = (intent: OrderIntent, approval: RiskApproval): OpenOrder => ({
  id: approval.id,
  ticker: intent.ticker,
  side: intent.side,
  remainingQuantity: intent.quantity,
  reservedCash: approval.reservedCash
})
