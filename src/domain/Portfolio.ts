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
export const invalidFill = (fill: Fill): InvalidDomainValue | undefined => invalidFillFigures(fill.quantity, fill.price, fill.commission, fill.tax)

/** `invalidFill` over the bare figures of a fill, for books that do not build a Fill per execution. */
export const invalidFillFigures = (quantity: number, price: number, commission: number, tax: number): InvalidDomainValue | undefined => {
  if (!Number.isSafeInteger(quantity) || quantity <= 0) {
    return new InvalidDomainValue({ field: "fill quantity", value: showValue(quantity), rule: "must be > 0" })
  }
  if (!Number.isSafeInteger(price) || price <= 0) {
    return new InvalidDomainValue({ field: "fill price", value: showValue(price), rule: "must be a positive integer" })
  }
  if (!Number.isSafeInteger(commission) || commission < 0) {
    return new InvalidDomainValue({ field: "fill commission", value: showValue(commission), rule: "must be a whole number of won ≥ 0" })
  }
  if (!Number.isSafeInteger(tax) || tax < 0) {
    return new InvalidDomainValue({ field: "fill tax", value: showValue(tax), rule: "must be a whole number of won ≥ 0" })
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
 * A position's figures and the money one fill moves, as plain mutable numbers: `bookFillFigures` updates them in
 * place, so a book that keeps positions in arrays (the backtest's) applies the very rule `changePosition` does.
 */
export interface FillFigures {
  /** The position before the fill (0 shares: none held), then after it. */
  quantity: number
  costBasis: number
  realizedPnl: number
  /** Set by the fill: cash in (sells) or out (buys, negative), after commission and tax. */
  cashChange: number
  /** Set by the fill: realized P&L that leaves the book's positions because the position closed out (0 otherwise). */
  closedPnl: number
}

/**
 * The accounting rule of one fill, applied to `f` in place. A buy costs notional + commission (+ any tax charged
 * on it); a sell yields notional − commission − tax and releases a proportional share of the cost basis (all of
 * it on the last share); a sold-out position is left at zero with its realized P&L moved to `closedPnl`.
 * Overselling is an error and changes nothing. The fill's figures must have passed `invalidFillFigures`.
 */
export const bookFillFigures = (
  f: FillFigures,
  side: Fill["side"],
  quantity: number,
  price: number,
  commission: number,
  tax: number,
  ticker: Ticker
): InvalidDomainValue | undefined => {
  const notional = quantity * price
  if (side === "buy") {
    f.quantity += quantity
    f.costBasis += notional
    f.cashChange = -notional - commission - tax
    f.closedPnl = 0
    return undefined
  }
  if (quantity > f.quantity) {
    return new InvalidDomainValue({ field: "sell quantity", value: showValue(quantity), rule: `exceeds the ${f.quantity} shares of ${ticker} held` })
  }
  const remaining = f.quantity - quantity
  const released = remaining === 0 ? f.costBasis : Math.round((f.costBasis * quantity) / f.quantity)
  const realized = f.realizedPnl + notional - released
  f.cashChange = notional - commission - tax
  f.quantity = remaining
  f.costBasis -= released
  if (remaining === 0) {
    f.realizedPnl = 0
    f.closedPnl = realized
  } else {
    f.realizedPnl = realized
    f.closedPnl = 0
  }
  return undefined
}

/**
 * The accounting rule of one fill on one position (`prior` undefined = none held), as values (`bookFillFigures`).
 * `fill` must have passed `invalidFill`.
 */
export const changePosition = (prior: Position | undefined, fill: Fill): Either.Either<PositionChange, InvalidDomainValue> => {
  const f: FillFigures = { quantity: prior?.quantity ?? 0, costBasis: prior?.costBasis ?? 0, realizedPnl: prior?.realizedPnl ?? 0, cashChange: 0, closedPnl: 0 }
  const invalid = bookFillFigures(f, fill.side, fill.quantity, fill.price, fill.commission, fill.tax, fill.ticker)
  if (invalid !== undefined) return Either.left(invalid)
  const position = f.quantity === 0
    ? undefined
    : { ticker: fill.ticker, quantity: f.quantity as Qty, costBasis: f.costBasis as Won, realizedPnl: f.realizedPnl as Won }
  return Either.right({ position, cashChange: f.cashChange, closedPnl: f.closedPnl })
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
