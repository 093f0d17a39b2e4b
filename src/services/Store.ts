// The Store port: where the live engine keeps its TradingState (positions, order journal, fill keys, latches) between
// runs. A snapshot saved atomically plus an append-only journal, so a write-ahead order entry costs one small append.
import { Context, type Effect, type Option, Schema } from "effect"
import { Qty, Ticker, Won } from "../domain/Money.js"
import { ExitLevels, Order, OrderIntent } from "../domain/Order.js"
import { Instant, TradeDate } from "../domain/Time.js"

/** The state file format this code writes; older versions are migrated on load, newer or unknown ones moved aside. */
export const STATE_VERSION = 1

/** A holding as the engine tracks it: the broker's quantity and cost, plus the strategy's protective exits. */
export const LivePosition = Schema.Struct({
  ticker: Ticker,
  quantity: Qty,
  /** Purchase cost of the shares held, integer won, fees excluded (as KIS `pchs_amt`). */
  costBasis: Won,
  openedOn: TradeDate,
  exits: Schema.optional(ExitLevels),
  /** The latest traded price seen by the price monitor. */
  lastPrice: Schema.optional(Won)
})
export type LivePosition = typeof LivePosition.Type

/** One broker order number of an intent's chain: the original, then each revision or cancel (KIS gives each its own). */
export const BrokerOrderLink = Schema.Struct({
  brokerOrderId: Schema.String,
  kind: Schema.Literal("new", "revise", "cancel"),
  at: Instant
})
export type BrokerOrderLink = typeof BrokerOrderLink.Type

/** An order of the journal: the domain order plus when it was journalled and sent and its broker order numbers. */
export const JournalOrder = Schema.Struct({
  order: Order,
  /** KST trading day the order was sent on (the day whose daily orders resolve it). */
  tradeDate: TradeDate,
  /** When the write-ahead entry was made, before any network call. */
  journaledAt: Instant,
  /** When the send started; absent while the order was never handed to the broker. */
  sentAt: Schema.optional(Instant),
  chain: Schema.Array(BrokerOrderLink),
  /** A cancel was requested and is not confirmed yet. */
  cancelRequestedAt: Schema.optional(Instant)
})
export type JournalOrder = typeof JournalOrder.Type

export const BlockedSymbol = Schema.Struct({ ticker: Ticker, reason: Schema.String, since: Instant })
export type BlockedSymbol = typeof BlockedSymbol.Type

/** One change reconciliation made to the local state so that it equals the broker's. */
export const Correction = Schema.Union(
  Schema.TaggedStruct("OrphanPosition", { ticker: Ticker, brokerQuantity: Qty }),
  Schema.TaggedStruct("MissingPosition", { ticker: Ticker, localQuantity: Qty }),
  Schema.TaggedStruct("QuantityMismatch", { ticker: Ticker, localQuantity: Qty, brokerQuantity: Qty }),
  Schema.TaggedStruct("CashMismatch", { local: Won, broker: Won }),
  Schema.TaggedStruct("OrderResolved", { id: Schema.String, outcome: Schema.String }),
  Schema.TaggedStruct("SymbolBlocked", { ticker: Ticker, reason: Schema.String })
)
export type Correction = typeof Correction.Type

export const ReconciliationSummary = Schema.Struct({
  at: Instant,
  corrections: Schema.Array(Correction),
  brokerCash: Won,
  brokerPositions: Schema.Number
})
export type ReconciliationSummary = typeof ReconciliationSummary.Type

/** The strategy decision being carried out: its intents are recorded before the first is sent, so a restart resumes them. */
export const DecisionRecord = Schema.Struct({
  asOf: TradeDate,
  intents: Schema.Array(OrderIntent)
})
export type DecisionRecord = typeof DecisionRecord.Type

export const TradingState = Schema.Struct({
  version: Schema.Literal(STATE_VERSION),
  /** Last journal sequence number folded into this snapshot. */
  journalSeq: Schema.Number,
  cash: Won,
  /** Gross P&L realized by sales since the state was created (fees and taxes not deducted). */
  realizedPnl: Won,
  positions: Schema.Array(LivePosition),
  orders: Schema.Array(JournalOrder),
  /** Fill keys already booked (broker order no + cumulative qty, or a notice identity): a repeat is ignored. */
  processedFills: Schema.Array(Schema.String),
  blocked: Schema.Array(BlockedSymbol),
  lastReconciliation: Schema.optional(ReconciliationSummary),
  /** The trading day the start-of-day equity belongs to, and the daily loss-limit latch. */
  day: Schema.optional(Schema.Struct({
    tradeDate: TradeDate,
    startOfDayEquity: Won,
    lossLimitBreachedOn: Schema.optional(TradeDate)
  })),
  lastDecision: Schema.optional(DecisionRecord),
  counters: Schema.Struct({
    reconciliations: Schema.Number,
    corrections: Schema.Number,
    /** Crash restarts of each supervised background fiber in the last run. */
    fiberRestarts: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Number }))
  }),
  updatedAt: Instant
})
export type TradingState = typeof TradingState.Type

export const emptyTradingState = (at: Instant): TradingState => ({
  version: STATE_VERSION,
  journalSeq: 0,
  cash: 0 as Won,
  realizedPnl: 0 as Won,
  positions: [],
  orders: [],
  processedFills: [],
  blocked: [],
  counters: { reconciliations: 0, corrections: 0 },
  updatedAt: at
})

/** What the journal records between snapshots; each entry is idempotent when folded onto a state that has it. */
export const JournalEntry = Schema.Union(
  Schema.TaggedStruct("OrderRecorded", { seq: Schema.Number, order: JournalOrder }),
  Schema.TaggedStruct("DecisionRecorded", { seq: Schema.Number, decision: DecisionRecord })
)
export type JournalEntry = typeof JournalEntry.Type

/** Why a stored state was not used: the file is kept under `movedTo`, never deleted. */
export interface SetAside {
  readonly file: string
  readonly movedTo: string
  readonly reason: string
}

export interface StoredState {
  /** The latest snapshot, migrated to STATE_VERSION; none on a first run or when it was set aside. */
  readonly snapshot: Option.Option<TradingState>
  /** Journal entries written after the snapshot, in order. */
  readonly journal: ReadonlyArray<JournalEntry>
  readonly setAside: ReadonlyArray<SetAside>
  /** Notes for the log (a torn last journal line dropped, a migration applied). */
  readonly notes: ReadonlyArray<string>
}

/** The store could not read or write its files (disk full, permissions). The engine must not trade without it. */
export class StoreFailure extends Schema.TaggedError<StoreFailure>()("StoreFailure", {
  operation: Schema.String,
  path: Schema.String,
  message: Schema.String
}) {}

export class Store extends Context.Tag("trader/Store")<Store, {
  /**
   * Reads the snapshot and the journal after it. A corrupt or unknown-version file is moved aside (reported in
   * `setAside`) rather than failing: the engine then rebuilds from the broker. StoreFailure: the files cannot be read.
   */
  readonly load: Effect.Effect<StoredState, StoreFailure>
  /** Appends one entry durably (fsync) before returning. StoreFailure: nothing may be assumed written. */
  readonly append: (entry: JournalEntry) => Effect.Effect<void, StoreFailure>
  /**
   * Replaces the snapshot atomically, then drops the journal entries it folded in (`state.journalSeq`).
   * Idempotent. StoreFailure: the previous snapshot and journal are still intact.
   */
  readonly checkpoint: (state: TradingState) => Effect.Effect<void, StoreFailure>
  /** Where the state lives, for messages. */
  readonly location: string
}>() {}
