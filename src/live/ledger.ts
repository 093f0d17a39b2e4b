// The live book's pure transitions over TradingState: journal upserts, booking fills (through the same Portfolio
// accounting as backtests), open orders and equity. Every function returns a new state; nothing here does I/O.
import { Either, HashMap } from "effect"
import { commission, type CostModel, sellTax } from "../domain/krx/costs.js"
import type { Instrument } from "../domain/Market.js"
import type { Qty, Ticker, Won } from "../domain/Money.js"
import { type ClientOrderId, type Fill, isTerminal, type OrderState } from "../domain/Order.js"
import { applyFill, type Portfolio, type Position } from "../domain/Portfolio.js"
import { addDays, type Instant, kstDateOf, type TradeDate } from "../domain/Time.js"
import type { JournalEntry, JournalOrder, LivePosition, TradingState } from "../services/Store.js"
import { orderNoKey } from "./orderResolution.js"

export const findOrder = (state: TradingState, id: ClientOrderId): JournalOrder | undefined =>
  state.orders.find((o) => o.order.id === id)

/** Inserts or replaces the journal order with the same id. */
export const upsertOrder = (state: TradingState, entry: JournalOrder): TradingState => {
  // searched from the end: the order being updated is almost always one of the latest
  let i = state.orders.length - 1
  while (i >= 0 && state.orders[i]!.order.id !== entry.order.id) i--
  const orders = state.orders.slice()
  if (i < 0) orders.push(entry)
  else orders[i] = entry
  return { ...state, orders }
}

/** Folds journal entries written after a snapshot onto it; entries at or below its `journalSeq` are skipped. */
export const foldJournal = (state: TradingState, entries: ReadonlyArray<JournalEntry>): TradingState =>
  entries.reduce((s, e) => {
    if (e.seq <= s.journalSeq) return s
    const next = e._tag === "OrderRecorded" ? upsertOrder(s, e.order) : { ...s, lastDecision: e.decision }
    return { ...next, journalSeq: e.seq }
  }, state)

/** Orders the broker may still act on, or whose fate is not known. */
export const liveOrders = (state: TradingState): ReadonlyArray<JournalOrder> =>
  state.orders.filter((o) => !isTerminal(o.order.state))

export const isBlocked = (state: TradingState, ticker: Ticker): boolean => state.blocked.some((b) => b.ticker === ticker)

/** Shares of `ticker` promised to sells not yet filled or cancelled. */
export const pendingSell = (state: TradingState, ticker: Ticker): number =>
  liveOrders(state).reduce(
    (sum, o) => (o.order.intent.ticker === ticker && o.order.intent.side === "sell" ? sum + o.order.intent.quantity - o.order.filledQuantity : sum),
    0
  )

export const positionQuantity = (state: TradingState, ticker: Ticker): number =>
  state.positions.find((p) => p.ticker === ticker)?.quantity ?? 0

export const markOf = (p: LivePosition): number => p.lastPrice ?? (p.quantity === 0 ? 0 : p.costBasis / p.quantity)

/** Cash plus positions at their last seen prices (at cost when none was seen). */
export const equityOf = (state: TradingState): Won =>
  Math.round(state.positions.reduce((sum, p) => sum + p.quantity * markOf(p), state.cash as number)) as Won

export const unrealizedPnl = (p: LivePosition): number => (p.lastPrice === undefined ? 0 : p.quantity * p.lastPrice - p.costBasis)

/** What booking a fill needs besides the state: costs and the settlement day the sell tax is dated by. */
export interface FillContext {
  readonly costs: CostModel
  readonly instrumentOf: (ticker: Ticker) => Instrument
  readonly settlementDate: (tradeDate: TradeDate) => TradeDate
}

export type Booked =
  | { readonly _tag: "Booked"; readonly state: TradingState; readonly fill: Fill }
  /** The fill key was seen before, or the order already has at least this cumulative quantity. */
  | { readonly _tag: "Duplicate" }

/**
 * Books the progress of one order to `cumulative` shares filled, the new shares at `price`. Fills arrive from
 * polling (cumulative) and from notices (per execution); both are turned into a cumulative figure, so a fill seen
 * both ways is booked once: the key set catches exact repeats and the cumulative check catches the rest.
 */
export const bookFill = (
  state: TradingState,
  id: ClientOrderId,
  progress: { readonly key: string; readonly cumulative: number; readonly price: number; readonly at: Instant },
  ctx: FillContext
): Booked => {
  const entry = findOrder(state, id)
  if (entry === undefined || state.processedFills.includes(progress.key)) return { _tag: "Duplicate" }
  const { order } = entry
  const cumulative = Math.min(progress.cumulative, order.intent.quantity)
  const quantity = cumulative - order.filledQuantity
  if (!(quantity > 0)) return { _tag: "Duplicate" }
  const price = Math.max(1, Math.round(progress.price)) as Won
  const notional = quantity * price
  const intent = order.intent
  const fill: Fill = {
    orderId: id,
    ticker: intent.ticker,
    side: intent.side,
    quantity: quantity as Qty,
    price,
    commission: commission(notional, ctx.costs),
    tax: intent.side === "sell" ? sellTax(notional, ctx.instrumentOf(intent.ticker), ctx.settlementDate(entry.tradeDate), ctx.costs) : (0 as Won),
    at: progress.at
  }
  const filledState: OrderState = cumulative >= intent.quantity ? "filled" : "partially-filled"
  const updated: JournalOrder = {
    ...entry,
    order: {
      ...order,
      state: isTerminal(order.state) && order.state !== "filled" ? order.state : filledState,
      filledQuantity: cumulative as Qty,
      filledNotional: (order.filledNotional + notional) as Won,
      updatedAt: progress.at
    }
  }
  const withOrder = upsertOrder(state, updated)
  return {
    _tag: "Booked",
    fill,
    state: { ...applyToPositions(withOrder, fill, intent.exits), processedFills: [...state.processedFills, progress.key] }
  }
}

/** Moves cash and positions by one fill with the domain's Portfolio accounting, keeping exits and opening dates. */
const applyToPositions = (state: TradingState, fill: Fill, exits: LivePosition["exits"]): TradingState => {
  const before: Portfolio = {
    cash: state.cash,
    positions: HashMap.fromIterable(state.positions.map((p): [Ticker, Position] => [p.ticker, { ticker: p.ticker, quantity: p.quantity, costBasis: p.costBasis, realizedPnl: 0 as Won }])),
    commissionsPaid: 0 as Won,
    taxesPaid: 0 as Won,
    closedPnl: 0 as Won
  }
  // a sell beyond the local holding means local state is behind the broker: book what is held, reconciliation fixes the rest
  const held = state.positions.find((p) => p.ticker === fill.ticker)?.quantity ?? 0
  const booked = fill.side === "sell" && fill.quantity > held ? { ...fill, quantity: held as Qty } : fill
  if (booked.quantity === 0) return { ...state, cash: (state.cash + fill.quantity * fill.price - fill.commission - fill.tax) as Won }
  const after = applyFill(before, booked)
  if (Either.isLeft(after)) return state
  const p = after.right
  const positions: Array<LivePosition> = []
  for (const [ticker, pos] of p.positions) {
    const prior = state.positions.find((x) => x.ticker === ticker)
    const levels = ticker === fill.ticker && fill.side === "buy" && exits !== undefined ? exits : prior?.exits
    positions.push({
      ticker,
      quantity: pos.quantity,
      costBasis: pos.costBasis,
      openedOn: prior?.openedOn ?? kstDateOf(fill.at),
      ...(levels === undefined ? {} : { exits: levels }),
      ...(prior?.lastPrice === undefined ? {} : { lastPrice: prior.lastPrice })
    })
  }
  const realized = p.closedPnl + HashMap.reduce(p.positions, 0, (acc, x) => acc + x.realizedPnl)
  return { ...state, cash: p.cash, positions, realizedPnl: (state.realizedPnl + realized) as Won }
}

/** Days a finished order stays in the journal (for `status` and late broker reports) before a new day drops it. */
export const FINISHED_ORDER_RETENTION_DAYS = 7

/**
 * Keeps the state small across days: finished orders older than the retention are dropped, and fill keys are kept
 * only for orders still open (a finished order's fixed cumulative quantity already stops a repeated fill).
 */
export const pruneForNewDay = (state: TradingState, today: TradeDate): TradingState => {
  const cutoff = addDays(today, -FINISHED_ORDER_RETENTION_DAYS)
  const orders = state.orders.filter((o) => !isTerminal(o.order.state) || o.tradeDate >= cutoff)
  const openNumbers = liveOrders(state).flatMap((o) => o.chain.map((l) => orderNoKey(l.brokerOrderId)))
  const processedFills = state.processedFills.filter((key) => openNumbers.some((no) => key.includes(no)))
  return { ...state, orders, processedFills }
}
