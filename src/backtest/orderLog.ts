// The simulated exchange's memory of every order and fill, column by column: numbers and codes in growing typed
// arrays, the few strings an order has as references to values many rows share, and the rare per-order strings
// (a sender's id, a cancel reason) in sparse maps. A long backtest keeps no object and no id string per order
// (each order's objects die young); the records of the result are built from the logs when first read (RunRecords).
import type { Ticker, Won } from "../domain/Money.js"
import { type ClientOrderId, clientOrderId, type OrderIntent, OrderState, type OrderType, type Side } from "../domain/Order.js"
import { type Instant, kstDateOf, type TradeDate } from "../domain/Time.js"
import type { FillRecord, FillTrade, OrderRecord } from "./BacktestResult.js"

const STATES: ReadonlyArray<OrderState> = OrderState.literals
/** A state's code in the state column (a search of eight interned strings: quicker than a keyed lookup). */
const stateCode = (state: OrderState): number => STATES.indexOf(state)
const SIDES: ReadonlyArray<Side> = ["buy", "sell"]

/** A copy of `column` with room for `capacity` rows. */
const grown = <C extends Float64Array | Int32Array | Uint8Array>(column: C, capacity: number): C => {
  const copy = new (column.constructor as new (n: number) => C)(capacity)
  copy.set(column)
  return copy
}

/** What an order's row starts with. */
export interface OrderEntry {
  /** The sender's id; undefined: the id derived from the intent (`clientOrderId`). */
  readonly id: ClientOrderId | undefined
  readonly intent: OrderIntent
  /** Universe position of its symbol (-1: outside the universe). */
  readonly symbol: number
  /** The exchange's order number, from 1 (0: refused before reaching it). */
  readonly sequence: number
  /** The replay day the exchange took it on. */
  readonly placedDay: number
  readonly acceptedAt: Instant
  /** First replay day whose bar may fill it. */
  readonly eligibleFrom: number
  readonly state: OrderState
  readonly reason: string | undefined
}

/**
 * Every order the exchange has seen, in the order it saw them; row i is the order of index i. `tickers` are the
 * universe's (by position) and `days` the replay's: rows keep positions and day numbers, not strings.
 */
export class OrderLog {
  length = 0
  private capacity = 256
  // Numbers and codes per row.
  symbol = new Int32Array(this.capacity)
  sequence = new Int32Array(this.capacity)
  placedDay = new Int32Array(this.capacity)
  eligibleFrom = new Float64Array(this.capacity)
  quantity = new Float64Array(this.capacity)
  decidedAt = new Float64Array(this.capacity)
  acceptedAt = new Float64Array(this.capacity)
  side = new Uint8Array(this.capacity)
  state = new Uint8Array(this.capacity)
  filled = new Float64Array(this.capacity)
  filledNotional = new Float64Array(this.capacity)
  // Values many rows share.
  readonly strategy: Array<string> = []
  readonly type: Array<OrderType> = []
  readonly intentReason: Array<string | undefined> = []
  // What few rows have.
  private readonly givenIds = new Map<number, ClientOrderId>()
  private readonly reasons = new Map<number, string>()
  private readonly outsideTickers = new Map<number, Ticker>()
  private lastDecidedAt = Number.NaN
  private lastDecidedOn = "" as TradeDate

  constructor(private readonly tickers: ReadonlyArray<Ticker>, private readonly days: ReadonlyArray<TradeDate>) {}

  /** Appends an order's row; returns its index. */
  add(entry: OrderEntry): number {
    const i = this.length
    if (i === this.capacity) this.grow()
    const { intent } = entry
    this.symbol[i] = entry.symbol
    this.sequence[i] = entry.sequence
    this.placedDay[i] = entry.placedDay
    this.eligibleFrom[i] = entry.eligibleFrom
    this.quantity[i] = intent.quantity
    this.decidedAt[i] = intent.decidedAt
    this.acceptedAt[i] = entry.acceptedAt
    this.side[i] = intent.side === "buy" ? 0 : 1
    this.state[i] = stateCode(entry.state)
    this.strategy.push(intent.strategy)
    this.type.push(intent.type)
    this.intentReason.push(intent.reason)
    if (entry.id !== undefined) this.givenIds.set(i, entry.id)
    if (entry.reason !== undefined) this.reasons.set(i, entry.reason)
    if (entry.symbol < 0) this.outsideTickers.set(i, intent.ticker)
    this.length = i + 1
    return i
  }

  stateAt(i: number): OrderState {
    return STATES[this.state[i]!]!
  }
  setState(i: number, state: OrderState): void {
    this.state[i] = stateCode(state)
  }
  tickerAt(i: number): Ticker {
    const s = this.symbol[i]!
    return s >= 0 ? this.tickers[s]! : this.outsideTickers.get(i)!
  }
  sideAt(i: number): Side {
    return SIDES[this.side[i]!]!
  }
  /** The KST day of the order's decision (the orders of one decision step share it, so the last one is kept). */
  decidedOnAt(i: number): TradeDate {
    const decidedAt = this.decidedAt[i]!
    if (decidedAt !== this.lastDecidedAt) {
      this.lastDecidedAt = decidedAt
      this.lastDecidedOn = kstDateOf(decidedAt as Instant)
    }
    return this.lastDecidedOn
  }
  placedOnAt(i: number): TradeDate {
    return this.days[this.placedDay[i]!]!
  }
  /** Why the exchange ended or refused it, if it said. */
  reasonAt(i: number): string | undefined {
    return this.reasons.get(i)
  }
  setReason(i: number, reason: string | undefined): void {
    if (reason === undefined) this.reasons.delete(i)
    else this.reasons.set(i, reason)
  }

  /** The order's id: the sender's, else derived from its intent. Builds a string: not for hot paths. */
  idAt(i: number): ClientOrderId {
    return this.givenIds.get(i) ?? clientOrderId({
      strategy: this.strategy[i]!,
      decidedAt: this.decidedAt[i] as Instant,
      ticker: this.tickerAt(i),
      side: this.sideAt(i),
      quantity: this.quantity[i] as OrderIntent["quantity"]
    })
  }

  /** The intent of row i as sent (its protective exits are not kept once an order has reached the book). */
  intentAt(i: number): OrderIntent {
    const reason = this.intentReason[i]
    return {
      strategy: this.strategy[i]!,
      decidedAt: this.decidedAt[i] as Instant,
      ticker: this.tickerAt(i),
      side: this.sideAt(i),
      quantity: this.quantity[i] as OrderIntent["quantity"],
      type: this.type[i]!,
      ...(reason === undefined ? {} : { reason })
    }
  }

  private grow(): void {
    const capacity = 2 * this.capacity
    this.symbol = grown(this.symbol, capacity)
    this.sequence = grown(this.sequence, capacity)
    this.placedDay = grown(this.placedDay, capacity)
    this.eligibleFrom = grown(this.eligibleFrom, capacity)
    this.quantity = grown(this.quantity, capacity)
    this.decidedAt = grown(this.decidedAt, capacity)
    this.acceptedAt = grown(this.acceptedAt, capacity)
    this.side = grown(this.side, capacity)
    this.state = grown(this.state, capacity)
    this.filled = grown(this.filled, capacity)
    this.filledNotional = grown(this.filledNotional, capacity)
    this.capacity = capacity
  }
}

/**
 * An order as the exchange works it: a handle on its row of the log, with the intent it was sent with. The open
 * orders are such handles; any row can be looked at through one (`SimExchange.ordersPlacedOn`).
 */
export class SimOrder {
  private cachedId: ClientOrderId | undefined

  /** Universe position of its symbol (-1: outside the universe). */
  readonly symbol: number
  /** First replay day whose bar may fill it. */
  readonly eligibleFrom: number

  constructor(private readonly log: OrderLog, readonly index: number, readonly intent: OrderIntent) {
    // Copied from the row: the matching loop reads them for every open order every day.
    this.symbol = log.symbol[index]!
    this.eligibleFrom = log.eligibleFrom[index]!
  }

  /** Built on first use and kept: the handles of open orders are few. */
  get id(): ClientOrderId {
    return this.cachedId ??= this.log.idAt(this.index)
  }
  get sequence(): number {
    return this.log.sequence[this.index]!
  }
  get acceptedAt(): Instant {
    return this.log.acceptedAt[this.index] as Instant
  }
  get state(): OrderState {
    return this.log.stateAt(this.index)
  }
  set state(state: OrderState) {
    this.log.setState(this.index, state)
  }
  get filled(): number {
    return this.log.filled[this.index]!
  }
  set filled(quantity: number) {
    this.log.filled[this.index] = quantity
  }
  get filledNotional(): number {
    return this.log.filledNotional[this.index]!
  }
  set filledNotional(won: number) {
    this.log.filledNotional[this.index] = won
  }
  get reason(): string | undefined {
    return this.log.reasonAt(this.index)
  }
  set reason(reason: string | undefined) {
    this.log.setReason(this.index, reason)
  }
}

/** Every fill, in the order they happened. */
export class FillLog {
  length = 0
  private capacity = 256
  order = new Int32Array(this.capacity)
  quantity = new Float64Array(this.capacity)
  price = new Float64Array(this.capacity)
  commission = new Float64Array(this.capacity)
  tax = new Float64Array(this.capacity)
  readonly date: Array<TradeDate> = []

  /** Appends a fill of the order of index `order` (its symbol and side are the order's). */
  add(order: number, date: TradeDate, quantity: number, price: number, commission: number, tax: number): void {
    const i = this.length
    if (i === this.capacity) this.grow()
    this.order[i] = order
    this.quantity[i] = quantity
    this.price[i] = price
    this.commission[i] = commission
    this.tax[i] = tax
    this.date.push(date)
    this.length = i + 1
  }

  private grow(): void {
    const capacity = 2 * this.capacity
    this.order = grown(this.order, capacity)
    this.quantity = grown(this.quantity, capacity)
    this.price = grown(this.price, capacity)
    this.commission = grown(this.commission, capacity)
    this.tax = grown(this.tax, capacity)
    this.capacity = capacity
  }
}

/**
 * The orders and fills of the logs as the backtest result reports them, each list built when first read (and then
 * kept): a caller that needs only the round trips, or only the summary, never builds a record or an id string.
 */
export class RunRecords {
  private orderList: ReadonlyArray<OrderRecord> | undefined
  private fillList: ReadonlyArray<FillRecord> | undefined
  private idList: ReadonlyArray<ClientOrderId> | undefined

  constructor(private readonly orderLog: OrderLog, private readonly fillLog: FillLog) {}

  get orders(): ReadonlyArray<OrderRecord> {
    if (this.orderList === undefined) {
      const log = this.orderLog, ids = this.ids()
      const list: Array<OrderRecord> = []
      for (let i = 0; i < ids.length; i++) {
        const type = log.type[i]!
        const filled = log.filled[i]!
        list.push({
          id: ids[i]!,
          ticker: log.tickerAt(i),
          side: log.sideAt(i),
          type: type._tag,
          quantity: log.quantity[i]!,
          limitPrice: type._tag === "limit" ? type.price : type._tag === "stop" ? type.stopPrice : undefined,
          decidedOn: log.decidedOnAt(i),
          state: log.stateAt(i),
          filledQuantity: filled,
          averageFillPrice: filled === 0 ? 0 : log.filledNotional[i]! / filled,
          reason: log.reasonAt(i) ?? log.intentReason[i]
        })
      }
      this.orderList = list
    }
    return this.orderList
  }

  get fills(): ReadonlyArray<FillRecord> {
    if (this.fillList === undefined) {
      const ids = this.ids(), orderOf = this.fillLog.order
      const list: Array<FillRecord> = []
      for (const trade of this.trades()) list.push({ orderId: ids[orderOf[list.length]!]!, ...trade })
      this.fillList = list
    }
    return this.fillList
  }

  /** What each fill traded, in order, built as it is read and not kept: the round trips' input (no record, no id). */
  *trades(): Generator<FillTrade> {
    const orders = this.orderLog, fills = this.fillLog
    for (let f = 0; f < fills.length; f++) {
      const o = fills.order[f]!
      yield {
        date: fills.date[f]!,
        ticker: orders.tickerAt(o),
        side: orders.sideAt(o),
        quantity: fills.quantity[f]!,
        price: fills.price[f] as Won,
        commission: fills.commission[f] as Won,
        tax: fills.tax[f] as Won
      }
    }
  }

  /** Every order's id, built once for both lists. */
  private ids(): ReadonlyArray<ClientOrderId> {
    if (this.idList === undefined) {
      const ids: Array<ClientOrderId> = []
      for (let i = 0; i < this.orderLog.length; i++) ids.push(this.orderLog.idAt(i))
      this.idList = ids
    }
    return this.idList
  }
}
