// How the live engine learns an order's fate from the broker's daily orders (KIS inquire-daily-ccld). KIS orders carry
// no client id, so an order of unknown outcome is matched by symbol, side, quantity, price and time; pure functions.
import type { Qty } from "../domain/Money.js"
import type { OrderIntent, OrderState } from "../domain/Order.js"
import type { BrokerOrder } from "../services/Broker.js"
import type { BrokerOrderLink, JournalOrder } from "../services/Store.js"

/** KIS pads order numbers with zeros in some places and not in others (KIS-API.md §7.1): compare without them. */
export const orderNoKey = (no: string): string => no.trim().replace(/^0+(?=.)/, "")
const sameOrderNo = (a: string, b: string): boolean => orderNoKey(a) === orderNoKey(b)

/** The limit price a broker row shows for an intent: the limit, or 0 for market-type orders. */
const expectedPrices = (intent: OrderIntent): ReadonlyArray<number> =>
  intent.type._tag === "limit" ? [intent.type.price] : intent.type._tag === "stop" ? [0, intent.type.stopPrice] : [0]

/**
 * Whether a broker row could be the order of this journal entry: a new order, same symbol, side, quantity and price,
 * placed no earlier than the journal entry (less `skewMs`: KIS order times have one-second resolution).
 */
const couldBe = (entry: JournalOrder, row: BrokerOrder, skewMs: number): boolean => {
  const intent = entry.order.intent
  return row.kind === "new" &&
    row.ticker === intent.ticker &&
    row.side === intent.side &&
    row.quantity === intent.quantity &&
    expectedPrices(intent).includes(row.price) &&
    row.orderedAt >= entry.journaledAt - skewMs
}

export type Resolution =
  | { readonly _tag: "Matched"; readonly row: BrokerOrder }
  /** Nothing matches yet, but the grace period has not passed: the order may still show up. */
  | { readonly _tag: "Waiting" }
  /** Nothing matched within the grace period: the order never reached the broker. */
  | { readonly _tag: "NotSent" }
  /** More than one row could be it: never guess, never resend; block the symbol and report. */
  | { readonly _tag: "Ambiguous"; readonly candidates: ReadonlyArray<BrokerOrder> }

export interface ResolutionSettings {
  /** How long after the send (or journal entry) an order may take to appear in the daily orders. */
  readonly graceMs: number
  readonly skewMs: number
}

export const DEFAULT_RESOLUTION: ResolutionSettings = { graceMs: 30_000, skewMs: 2_000 }

/**
 * Resolves an order whose outcome is unknown. `claimed` holds broker order numbers already linked to other journal
 * entries: a row is never given to two intents.
 */
export const resolveUnknown = (
  entry: JournalOrder,
  rows: ReadonlyArray<BrokerOrder>,
  claimed: ReadonlySet<string>,
  now: number,
  settings: ResolutionSettings = DEFAULT_RESOLUTION
): Resolution => {
  const candidates = rows.filter((r) => couldBe(entry, r, settings.skewMs) && !claimed.has(orderNoKey(r.brokerOrderId)))
  if (candidates.length === 1) return { _tag: "Matched", row: candidates[0]! }
  if (candidates.length > 1) return { _tag: "Ambiguous", candidates }
  return now - (entry.sentAt ?? entry.journaledAt) >= settings.graceMs ? { _tag: "NotSent" } : { _tag: "Waiting" }
}

/** What the broker's rows say about one journal order's chain (original, revisions, cancels). */
export interface ChainProgress {
  readonly links: ReadonlyArray<BrokerOrderLink>
  readonly filledQuantity: Qty
  /** Σ average price × filled quantity over the chain's rows, rounded to the won. */
  readonly filledNotional: number
  readonly remainingQuantity: number
  readonly rejected: boolean
  /** The state the rows imply; undefined when no row of the chain is visible. */
  readonly state: OrderState | undefined
}

/**
 * Follows the chain from the journal's known numbers through every revise/cancel row pointing at it (each revise and
 * cancel gets a new number on KIS; later fills come under the revision's number), and sums fills over the chain.
 */
export const chainProgress = (entry: JournalOrder, rows: ReadonlyArray<BrokerOrder>): ChainProgress => {
  const links: Array<BrokerOrderLink> = [...entry.chain]
  const known = (no: string) => links.some((l) => sameOrderNo(l.brokerOrderId, no))
  for (let grew = true; grew;) {
    grew = false
    for (const r of rows) {
      if (r.originalBrokerOrderId !== undefined && known(r.originalBrokerOrderId) && !known(r.brokerOrderId)) {
        links.push({ brokerOrderId: r.brokerOrderId, kind: r.kind, at: r.orderedAt })
        grew = true
      }
    }
  }
  const executing = rows.filter((r) => r.kind !== "cancel" && known(r.brokerOrderId))
  let filled = 0, notional = 0, remaining = 0, rejected = false
  for (const r of executing) {
    filled += r.filledQuantity
    notional += Math.round(r.averageFillPrice * r.filledQuantity)
    remaining += r.remainingQuantity
    if (r.rejectedQuantity > 0 && r.filledQuantity === 0) rejected = true
  }
  const quantity = entry.order.intent.quantity
  const state: OrderState | undefined = executing.length === 0 ? undefined
    : filled >= quantity ? "filled"
    : remaining > 0 ? (filled > 0 ? "partially-filled" : "accepted")
    : rejected ? "rejected"
    : "cancelled"
  return { links, filledQuantity: Math.min(filled, quantity) as Qty, filledNotional: notional, remainingQuantity: remaining, rejected, state }
}

/** Poll-side fill key: the chain's first order number and the cumulative filled quantity. */
export const pollFillKey = (entry: JournalOrder, cumulative: number): string =>
  `poll:${entry.chain[0] === undefined ? entry.order.id : orderNoKey(entry.chain[0].brokerOrderId)}:${cumulative}`
