// Portfolio accounting in integer won: cash, positions at cost, realized P&L, commissions and taxes paid.
// Fills are the only thing that moves money, so cash + cost basis − realized P&L + fees + taxes is conserved.
import { Either, HashMap, Option, Schema } from "effect"
import { InvalidDomainValue, showValue } from "./errors.js"
import type { Fill } from "./Order.js"
import { Qty, Ticker, Won } from "./Money.js"

/** A holding: shares, what they cost (without fees), and the P&L realized by selling part of it. */
export const Position = Schema.Struct({
  ticker: Ticker,
  quantity: Qty,
  /** Total purchase cost of the shares still held, integer won (fees excluded, as KIS `pchs_amt`). */
  costBasis: Won,
  /** Gross realized P&L of sales (sale notional minus the cost basis released), before fees and taxes. */
  realizedPnl: Won
})
export type Position = typeof Position.Type

/** Average purchase price (KIS `pchs_avg_pric`); not rounded. */
export const averagePrice = (p: Position): number => (p.quantity === 0 ? 0 : p.costBasis / p.quantity)

export interface Portfolio {
  readonly cash: Won
  readonly positions: HashMap.HashMap<Ticker, Position>
  readonly commissionsPaid: Won
  readonly taxesPaid: Won
  /** Realized P&L of positions already closed out (their entries leave `positions`). */
  readonly closedPnl: Won
}

export const emptyPortfolio = (cash: Won): Portfolio => ({
  cash,
  positions: HashMap.empty(),
  commissionsPaid: 0 as Won,
  taxesPaid: 0 as Won,
  closedPnl: 0 as Won
})

export const positionOf = (p: Portfolio, ticker: Ticker): Option.Option<Position> => HashMap.get(p.positions, ticker)
export const heldQuantity = (p: Portfolio, ticker: Ticker): number =>
  Option.match(positionOf(p, ticker), { onNone: () => 0, onSome: (x) => x.quantity })

/** Total realized P&L (gross of costs), including closed positions. */
export const realizedPnl = (p: Portfolio): Won =>
  (p.closedPnl + HashMap.reduce(p.positions, 0, (acc, x) => acc + x.realizedPnl)) as Won

/** Cash plus positions at cost: what the conservation law is about. */
export const costBasisTotal = (p: Portfolio): Won => HashMap.reduce(p.positions, 0, (acc, x) => acc + x.costBasis) as Won

/** Cash plus each position marked at `priceOf` (positions without a price are valued at cost). */
export const equity = (p: Portfolio, priceOf: (t: Ticker) => number | undefined): Won =>
  HashMap.reduce(p.positions, p.cash as number, (acc, x, t) => {
    const px = priceOf(t)
    return acc + (px === undefined ? x.costBasis : x.quantity * px)
  }) as Won

/** Why a fill cannot be booked on any book (not a positive whole quantity, price or fee), or undefined. */
export const invalidFill = (fill: Fill): InvalidDomainValue | undefined => {
  if (!Number.isSafeInteger(fill.quantity) || fill.quantity <= 0) {
    return new InvalidDomainValue({ field: "fill quantity", value: showValue(fill.quantity), rule: "must be > 0" })
  }
  if (!Number.isSafeInteger(fill.price) || fill.price <= 0) {
    return new InvalidDomainValue({ field: "fill price", value: showValue(fill.price), rule: "must be a positive integer" })
  }
  if (!Number.isSafeInteger(fill.commission) || fill.commission < 0) {
    return new InvalidDomainValue({ field: "fill commission", value: showValue(fill.commission), rule: "must be a whole number of won ≥ 0" })
  }
  if (!Number.isSafeInteger(fill.tax) || fill.tax < 0) {
    return new InvalidDomainValue({ field: "fill tax", value: showValue(fill.tax), rule: "must be a whole number of won ≥ 0" })
  }
  return undefined
}

/** What one valid fill does to its position: the position after it (undefined once sold out) and the money moved. */
export interface PositionChange {
  readonly position: Position | undefined
  /** Cash in (sells) or out (buys, negative), after commission and tax. */
  readonly cashChange: number
  /** Realized P&L that leaves `positions` because the position closed out (0 otherwise). */
  readonly closedPnl: number
}

/**
 * The accounting rule of one fill on one position (`prior` undefined = none held), for any book that keeps its
 * positions its own way. A buy costs notional + commission (+ any tax charged on it); a sell yields notional −
 * commission − tax and releases a proportional share of the cost basis (all of it on the last share).
 * Overselling is an error, never a negative position. `fill` must have passed `invalidFill`.
 */
export const changePosition = (prior: Position | undefined, fill: Fill): Either.Either<PositionChange, InvalidDomainValue> => {
  const notional = fill.quantity * fill.price
  const held = prior?.quantity ?? 0
  if (fill.side === "buy") {
    return Either.right({
      position: {
        ticker: fill.ticker,
        quantity: (held + fill.quantity) as Qty,
        costBasis: ((prior?.costBasis ?? 0) + notional) as Won,
        realizedPnl: prior?.realizedPnl ?? (0 as Won)
      },
      cashChange: -notional - fill.commission - fill.tax,
      closedPnl: 0
    })
  }
  if (prior === undefined || fill.quantity > prior.quantity) {
    return Either.left(new InvalidDomainValue({
      field: "sell quantity",
      value: showValue(fill.quantity),
      rule: `exceeds the ${held} shares of ${fill.ticker} held`
    }))
  }
  const remaining = prior.quantity - fill.quantity
  const released = remaining === 0 ? prior.costBasis : Math.round((prior.costBasis * fill.quantity) / prior.quantity)
  const realized = prior.realizedPnl + notional - released
  const cashChange = notional - fill.commission - fill.tax
  if (remaining === 0) return Either.right({ position: undefined, cashChange, closedPnl: realized })
  return Either.right({
    position: { ticker: fill.ticker, quantity: remaining as Qty, costBasis: (prior.costBasis - released) as Won, realizedPnl: realized as Won },
    cashChange,
    closedPnl: 0
  })
}

/**
 * Books one fill (rules: `changePosition`). A buy beyond cash is allowed here (risk rules stop it earlier).
 */
export const applyFill = (p: Portfolio, fill: Fill): Either.Either<Portfolio, InvalidDomainValue> => {
  const invalid = invalidFill(fill)
  if (invalid !== undefined) return Either.left(invalid)
  const change = changePosition(Option.getOrUndefined(positionOf(p, fill.ticker)), fill)
  if (Either.isLeft(change)) return Either.left(change.left)
  const { position, cashChange, closedPnl } = change.right
  return Either.right({
    ...p,
    cash: (p.cash + cashChange) as Won,
    positions: position === undefined ? HashMap.remove(p.positions, fill.ticker) : HashMap.set(p.positions, fill.ticker, position),
    commissionsPaid: (p.commissionsPaid + fill.commission) as Won,
    taxesPaid: (p.taxesPaid + fill.tax) as Won,
    closedPnl: (p.closedPnl + closedPnl) as Won
  })
}
