// Reconciliation, pure: the broker is the source of truth. Resolves orders of unknown outcome, books fills the
// broker reports, lapses day orders of past sessions, and corrects positions and cash to the broker's account.
import type { Ticker, Won } from "../domain/Money.js"
import type { ClientOrderId, Fill } from "../domain/Order.js"
import { type Instant, kstDateOf, type TradeDate } from "../domain/Time.js"
import type { AccountSnapshot, BrokerOrder } from "../services/Broker.js"
import type { Correction, JournalOrder, LivePosition, TradingState } from "../services/Store.js"
import { bookFill, type FillContext, isBlocked, liveOrders, upsertOrder } from "./ledger.js"
import { chainProgress, orderNoKey, pollFillKey, resolveUnknown, type ResolutionSettings } from "./orderResolution.js"

export interface ReconcileInput {
  readonly account: AccountSnapshot
  /** The broker's orders of every day a live order was sent on, and of today. */
  readonly rows: ReadonlyArray<BrokerOrder>
  readonly now: Instant
  readonly today: TradeDate
  /** Orders being sent right now by this process: their outcome is about to be known, leave them alone. */
  readonly inFlight: ReadonlySet<ClientOrderId>
  readonly resolution: ResolutionSettings
  readonly fills: FillContext
}

export interface Reconciled {
  readonly state: TradingState
  readonly corrections: ReadonlyArray<Correction>
  readonly fills: ReadonlyArray<Fill>
}

const withOrder = (entry: JournalOrder, patch: Partial<JournalOrder["order"]>, at: Instant): JournalOrder => ({
  ...entry,
  order: { ...entry.order, ...patch, updatedAt: at }
})

/** Brings the local state to the broker's account and orders; every change is returned as a Correction. */
export const reconcile = (start: TradingState, input: ReconcileInput): Reconciled => {
  const { now } = input
  const corrections: Array<Correction> = []
  const fills: Array<Fill> = []
  let state = start

  // 1. orders: unknown outcomes first, then progress of every chain the broker shows
  for (const entry of liveOrders(start)) {
    if (input.inFlight.has(entry.order.id)) continue
    let current = entry
    if (current.chain.length === 0) {
      const claimed = new Set(state.orders.flatMap((o) => o.chain.map((l) => orderNoKey(l.brokerOrderId))))
      const rows = input.rows.filter((r) => kstDateOf(r.orderedAt) === current.tradeDate)
      const resolution = resolveUnknown(current, rows, claimed, now, input.resolution)
      const ticker = current.order.intent.ticker
      switch (resolution._tag) {
        case "Waiting":
          continue
        case "NotSent":
          current = withOrder(current, { state: "rejected", reason: "not sent" }, now)
          state = upsertOrder(state, current)
          corrections.push({ _tag: "OrderResolved", id: current.order.id, outcome: "not sent: no matching broker order" })
          continue
        case "Ambiguous": {
          if (!isBlocked(state, ticker)) {
            const numbers = resolution.candidates.map((c) => c.brokerOrderId).join(", ")
            const reason = `order ${current.order.id} has ${resolution.candidates.length} possible broker orders (${numbers}); resolve by hand`
            state = { ...state, blocked: [...state.blocked, { ticker, reason, since: now }] }
            corrections.push({ _tag: "SymbolBlocked", ticker, reason })
          }
          continue
        }
        case "Matched":
          current = {
            ...withOrder(current, { state: "accepted", brokerOrderId: resolution.row.brokerOrderId }, now),
            chain: [{ brokerOrderId: resolution.row.brokerOrderId, kind: "new", at: resolution.row.orderedAt }]
          }
          state = upsertOrder(state, current)
          corrections.push({ _tag: "OrderResolved", id: current.order.id, outcome: `matched broker order ${resolution.row.brokerOrderId}` })
      }
    }
    const progress = chainProgress(current, input.rows)
    if (progress.links.length !== current.chain.length) {
      current = { ...current, chain: progress.links }
      state = upsertOrder(state, current)
    }
    if (progress.filledQuantity > current.order.filledQuantity) {
      const added = progress.filledQuantity - current.order.filledQuantity
      const booked = bookFill(state, current.order.id, {
        key: pollFillKey(current, progress.filledQuantity),
        cumulative: progress.filledQuantity,
        price: (progress.filledNotional - current.order.filledNotional) / added,
        at: now
      }, input.fills)
      if (booked._tag === "Booked") {
        state = booked.state
        fills.push(booked.fill)
        current = state.orders.find((o) => o.order.id === current.order.id) ?? current
      }
    }
    const final = progress.state === "cancelled" || progress.state === "rejected" ? progress.state
      : progress.state === undefined && current.tradeDate < input.today ? "cancelled"
      : undefined
    if (final !== undefined && current.order.state !== final) {
      const reason = final === "rejected" ? "rejected by the broker" : progress.state === undefined ? "expired at the end of its session" : "cancelled"
      state = upsertOrder(state, withOrder(current, { state: final, reason }, now))
      corrections.push({ _tag: "OrderResolved", id: current.order.id, outcome: reason })
    } else if (progress.state === "accepted" && current.order.state !== "accepted" && current.order.filledQuantity === 0) {
      state = upsertOrder(state, withOrder(current, { state: "accepted" }, now))
    }
  }

  // 2. positions: the broker's holdings replace ours (KIS lists sold-out names with quantity 0 until D+2)
  const broker = new Map<Ticker, AccountSnapshot["holdings"][number]>()
  for (const h of input.account.holdings) if (h.quantity > 0) broker.set(h.ticker, h)
  const positions: Array<LivePosition> = []
  for (const p of state.positions) {
    const b = broker.get(p.ticker)
    if (b === undefined) {
      if (p.quantity > 0) corrections.push({ _tag: "MissingPosition", ticker: p.ticker, localQuantity: p.quantity })
      continue
    }
    if (b.quantity !== p.quantity) {
      corrections.push({ _tag: "QuantityMismatch", ticker: p.ticker, localQuantity: p.quantity, brokerQuantity: b.quantity })
      positions.push({ ...p, quantity: b.quantity, costBasis: Math.round(b.averagePrice * b.quantity) as Won })
    } else {
      positions.push(p)
    }
  }
  for (const [ticker, b] of broker) {
    if (state.positions.some((p) => p.ticker === ticker)) continue
    corrections.push({ _tag: "OrphanPosition", ticker, brokerQuantity: b.quantity })
    positions.push({
      ticker,
      quantity: b.quantity,
      costBasis: Math.round(b.averagePrice * b.quantity) as Won,
      openedOn: input.today,
      ...(b.lastPrice > 0 ? { lastPrice: b.lastPrice } : {})
    })
  }

  // 3. cash
  if (state.cash !== input.account.cash) corrections.push({ _tag: "CashMismatch", local: state.cash, broker: input.account.cash })

  return {
    state: {
      ...state,
      positions,
      cash: input.account.cash,
      lastReconciliation: { at: now, corrections, brokerCash: input.account.cash, brokerPositions: broker.size },
      counters: { reconciliations: state.counters.reconciliations + 1, corrections: state.counters.corrections + corrections.length }
    },
    corrections,
    fills
  }
}
