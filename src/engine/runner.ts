// The strategy runner's pure half, shared by backtest and live: when a strategy decides (its schedule on the
// KRX calendar), and how its decisions become order plans and then concrete intents (at most one per decision).
import type { TradingCalendar } from "../domain/krx/calendar.js"
import type { CostModel } from "../domain/krx/costs.js"
import type { Qty, Ticker } from "../domain/Money.js"
import type { ExitLevels, OrderIntent, OrderType, Side } from "../domain/Order.js"
import type { Instant, TradeDate } from "../domain/Time.js"
import type { Decision, DecisionSchedule } from "../strategy/Strategy.js"
import { affordableQuantity } from "./sizing.js"

export type ScheduleCalendar = Pick<TradingCalendar, "isLastTradingDayOfWeek" | "isLastTradingDayOfMonth" | "isLastTradingDayOfQuarter">

/** Whether the strategy decides at the close of `date` (a trading day). */
export const isDecisionDay = (schedule: DecisionSchedule, date: TradeDate, calendar: ScheduleCalendar): boolean => {
  switch (schedule) {
    case "daily":
      return true
    case "weekly":
      return calendar.isLastTradingDayOfWeek(date)
    case "monthly":
      return calendar.isLastTradingDayOfMonth(date)
    case "quarterly":
      return calendar.isLastTradingDayOfQuarter(date)
  }
}

/** The book as planning sees it at the decision time. */
export interface PlanBook {
  readonly equity: number
  readonly held: (ticker: Ticker) => number
  /** Shares of `ticker` already promised to open sells. */
  readonly pendingSell: (ticker: Ticker) => number
  /** The as-of close that target sizes are computed at. */
  readonly asOfClose: (ticker: Ticker) => number | undefined
}

/** An order whose size may still depend on the execution price (cash-sized buys). */
export interface OrderPlan {
  readonly ticker: Ticker
  readonly side: Side
  readonly type: OrderType
  readonly size: { readonly _tag: "Shares"; readonly quantity: number } | { readonly _tag: "Cash"; readonly budget: number | undefined }
  readonly exits?: ExitLevels
  readonly reason?: string
}

const market: OrderType = { _tag: "market" }

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

// Plans and intents are built per order in long backtests: optional fields are added in place rather than by
// object spreads, which V8 runs far slower than property stores.
const makePlan = (
  ticker: Ticker,
  side: Side,
  type: OrderType,
  size: OrderPlan["size"],
  reason: string | undefined,
  exits?: ExitLevels
): OrderPlan => {
  const plan: Mutable<OrderPlan> = { ticker, side, type, size }
  if (reason !== undefined) plan.reason = reason
  if (exits !== undefined) plan.exits = exits
  return plan
}

const toTarget = (ticker: Ticker, target: number, book: PlanBook, reason: string | undefined): OrderPlan | undefined => {
  const diff = target - book.held(ticker)
  if (diff > 0) return makePlan(ticker, "buy", market, { _tag: "Shares", quantity: diff }, reason)
  const sellable = book.held(ticker) - book.pendingSell(ticker)
  const sell = Math.min(-diff, sellable)
  return sell > 0 ? makePlan(ticker, "sell", market, { _tag: "Shares", quantity: sell }, reason) : undefined
}

/** Turns one decision into zero or one plan; target sizes use the as-of close. */
export const planDecision = (decision: Decision, book: PlanBook): OrderPlan | undefined => {
  switch (decision._tag) {
    case "Buy": {
      const size = decision.size._tag === "Shares"
        ? { _tag: "Shares" as const, quantity: decision.size.quantity }
        : { _tag: "Cash" as const, budget: decision.size.amount }
      if (size._tag === "Shares" && !(size.quantity > 0)) return undefined
      return makePlan(decision.ticker, "buy", decision.type, size, decision.reason, decision.exits)
    }
    case "Sell": {
      const free = book.held(decision.ticker) - book.pendingSell(decision.ticker)
      const quantity = Math.min(decision.quantity ?? free, free)
      return quantity > 0 ? makePlan(decision.ticker, "sell", decision.type, { _tag: "Shares", quantity }, decision.reason) : undefined
    }
    case "TargetQuantity":
      return toTarget(decision.ticker, decision.quantity, book, decision.reason)
    case "TargetWeight": {
      const close = book.asOfClose(decision.ticker)
      if (close === undefined || !(close > 0) || !Number.isFinite(decision.weight)) return undefined
      return toTarget(decision.ticker, Math.floor((Math.max(0, decision.weight) * book.equity) / close), book, decision.reason)
    }
  }
}

/** The price a plan is expected to execute at: its limit or stop level, or the market price now. */
export const referencePrice = (type: OrderType, marketPrice: number): number =>
  type._tag === "limit" ? type.price : type._tag === "stop" ? type.stopPrice : marketPrice

/**
 * Fixes a plan's quantity at execution time. A cash-sized buy takes the largest whole q with
 * q·price + commission(q·price) ≤ min(budget, free cash); a plan that buys nothing gives no intent.
 */
export const resolvePlan = (
  plan: OrderPlan,
  strategy: string,
  decidedAt: Instant,
  price: number,
  freeCash: number,
  costs: CostModel
): OrderIntent | undefined => {
  const quantity = plan.size._tag === "Shares"
    ? plan.size.quantity
    : affordableQuantity(Math.min(plan.size.budget ?? Infinity, freeCash), price, costs)
  if (!(quantity > 0)) return undefined
  const intent: Mutable<OrderIntent> = { strategy, decidedAt, ticker: plan.ticker, side: plan.side, quantity: quantity as Qty, type: plan.type }
  if (plan.exits !== undefined) intent.exits = plan.exits
  if (plan.reason !== undefined) intent.reason = plan.reason
  return intent
}
