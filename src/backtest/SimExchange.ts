// The simulated exchange and account behind SimBroker: open orders, fills from the matching engine on each
// replayed bar, protective exits, costs and integer-won accounting by Portfolio's own fill rule
// (bookFillFigures) over dense per-symbol arrays; every order and fill is kept in the columnar logs of
// orderLog.ts. Driven once per trading day; the Broker port over it is SimBroker.ts.
import { Either, HashMap } from "effect"
import type { Instrument } from "../domain/Market.js"
import { ordinaryStock } from "../domain/Market.js"
import { commission, type CostModel, sellTax } from "../domain/krx/costs.js"
import type { Qty, Ticker, Won } from "../domain/Money.js"
import { type ClientOrderId, type ExitLevels, type OrderIntent, type OrderType, type Side } from "../domain/Order.js"
import { bookFillFigures, type FillFigures, invalidFillFigures, type Portfolio, type Position } from "../domain/Portfolio.js"
import type { Holding, PortfolioView } from "../strategy/Strategy.js"
import { type Instant, kstInstant, type TradeDate } from "../domain/Time.js"
import { exitOrderType, firstExit, hasExits } from "../engine/exits.js"
import { affordableQuantity } from "../engine/sizing.js"
import { type MatchRules, matchOrder } from "./matching/matchOrder.js"
import { FillLog, type OrderEntry, OrderLog, RunRecords, SimOrder } from "./orderLog.js"
import { closePath, type LimitLock, limitLockOf, NOT_LOCKED, type PricePath, writeBarPath } from "./matching/pricePath.js"
import type { Replay } from "./replay.js"

/** Everything that decides how the simulated market fills orders and what it charges. */
export interface SimSettings {
  readonly rules: MatchRules
  /** `next-open`: orders decided at a close are sent before the next open; `close`: market orders fill at that close. */
  readonly fill: "next-open" | "close"
  /** What happens to shares a volume cap left unfilled: stay open for the next bar, or cancel. */
  readonly remainder: "keep" | "cancel"
  readonly costs: CostModel
  /** The settlement day of a trade (T+2): the sell tax in force on it applies. */
  readonly settlementDate: (date: TradeDate) => TradeDate
}

/** Why the exchange refused an order outright. */
export interface SimRejection {
  readonly code: string
  readonly message: string
}

/** The exchange's order number as a broker shows it: ten digits. */
export const brokerOrderIdOf = (order: SimOrder): string => (order.sequence === 0 ? "" : String(order.sequence).padStart(10, "0"))

const isOpen = (o: SimOrder): boolean => o.state === "accepted" || o.state === "partially-filled"

/**
 * The account as mutable fields and dense per-symbol arrays: the same accounting as Portfolio.applyFill (both
 * book through `bookFillFigures`) with no object and no map update per fill.
 */
class SimBook {
  cash: number
  commissionsPaid = 0
  taxesPaid = 0
  closedPnl = 0
  /** Per universe position: shares held, what they cost, and the realized P&L of partial sales of them. */
  readonly quantity: Float64Array
  readonly costBasis: Float64Array
  readonly realizedPnl: Float64Array
  private readonly figures: FillFigures = { quantity: 0, costBasis: 0, realizedPnl: 0, cashChange: 0, closedPnl: 0 }
  private positionMap: ReadonlyMap<Ticker, Position> | undefined
  private snapshot: Portfolio | undefined

  constructor(initialCash: Won, private readonly tickers: ReadonlyArray<Ticker>) {
    this.cash = initialCash
    this.quantity = new Float64Array(tickers.length)
    this.costBasis = new Float64Array(tickers.length)
    this.realizedPnl = new Float64Array(tickers.length)
  }

  /** Books a fill of universe symbol `s`. Throws on a fill no book may take. */
  book(s: number, side: Side, quantity: number, price: number, commission: number, tax: number): void {
    const f = this.figures
    f.quantity = this.quantity[s]!
    f.costBasis = this.costBasis[s]!
    f.realizedPnl = this.realizedPnl[s]!
    const broken = invalidFillFigures(quantity, price, commission, tax) ?? bookFillFigures(f, side, quantity, price, commission, tax, this.tickers[s]!)
    if (broken !== undefined) throw new Error(`simulated fill broke the book: ${broken.message}`)
    this.quantity[s] = f.quantity
    this.costBasis[s] = f.costBasis
    this.realizedPnl[s] = f.realizedPnl
    this.cash += f.cashChange
    this.commissionsPaid += commission
    this.taxesPaid += tax
    this.closedPnl += f.closedPnl
    this.positionMap = undefined
    this.snapshot = undefined
  }

  averagePrice(s: number): number {
    return this.quantity[s] === 0 ? 0 : this.costBasis[s]! / this.quantity[s]!
  }

  /** Every position held, by ticker in universe order (built on demand, kept until the next fill). */
  positions(): ReadonlyMap<Ticker, Position> {
    if (this.positionMap === undefined) {
      const map = new Map<Ticker, Position>()
      for (let s = 0; s < this.quantity.length; s++) {
        if (this.quantity[s] === 0) continue
        const ticker = this.tickers[s]!
        map.set(ticker, { ticker, quantity: this.quantity[s] as Qty, costBasis: this.costBasis[s] as Won, realizedPnl: this.realizedPnl[s] as Won })
      }
      this.positionMap = map
    }
    return this.positionMap
  }

  /** The book as a Portfolio value (built on demand, kept until the next fill). */
  portfolio(): Portfolio {
    this.snapshot ??= {
      cash: this.cash as Won,
      positions: HashMap.fromIterable(this.positions()),
      commissionsPaid: this.commissionsPaid as Won,
      taxesPaid: this.taxesPaid as Won,
      closedPnl: this.closedPnl as Won
    }
    return this.snapshot
  }
}

/** Values kept per order due today (`readDueBars`): its bar's index, open, high, low, close and volume. */
const DUE_BAR_FIELDS = 6

/** Per replayed day, the instants of the few KST times orders and fills are stamped with. */
const STAMP_TIMES = ["083000", "090000", "153000"] as const
type StampTime = (typeof STAMP_TIMES)[number]

export class SimExchange {
  private readonly book: SimBook
  private readonly orderLog: OrderLog
  private readonly fillLog = new FillLog()
  private openOrders: Array<SimOrder> = []
  /** Ids sent through the Broker port (`submit`): sending one again is refused. */
  private readonly ids = new Set<ClientOrderId>()
  private stampDay = -1
  private readonly stamps = new Map<StampTime, Instant>()
  private readonly settlements = new Map<TradeDate, TradeDate>()
  private holdingList: PortfolioView["holdings"] | undefined
  private readonly instrumentBySymbol: ReadonlyArray<Instrument>
  /** Per universe position: the replay day of the first buy of the shares held now (-1: none held). */
  private readonly openedDay: Int32Array
  private readonly exits = new Map<Ticker, ExitLevels>()
  /** False between the day's open and its close: orders sent then may still fill on today's bar. */
  private afterClose = false
  /** Today's bars of the orders due, six values each (`readDueBars`); grows to the busiest day's count. */
  private dueBarValues = new Float64Array(DUE_BAR_FIELDS * 64)
  /** The one bar path, order and path context being matched: each match uses them up before the next writes them. */
  private readonly scratchPath = { prices: new Float64Array(4), volumes: new Float64Array(4) }
  private readonly scratchOrder: { side: Side; type: OrderType; remaining: number } = { side: "buy", type: { _tag: "market" }, remaining: 0 }
  private readonly scratchContext: { date: TradeDate; instrument: Instrument; lock: LimitLock } = { date: "" as TradeDate, instrument: ordinaryStock("KOSPI"), lock: NOT_LOCKED }

  constructor(
    readonly replay: Replay,
    readonly settings: SimSettings,
    initialCash: Won,
    readonly instrumentOf: (ticker: Ticker) => Instrument = () => ordinaryStock("KOSPI")
  ) {
    this.book = new SimBook(initialCash, replay.tickers)
    this.orderLog = new OrderLog(replay.tickers, replay.days)
    this.instrumentBySymbol = replay.tickers.map(instrumentOf)
    this.openedDay = new Int32Array(replay.tickers.length).fill(-1)
  }

  get portfolio(): Portfolio {
    return this.book.portfolio()
  }
  get cash(): Won {
    return this.book.cash as Won
  }
  /** Every position held, by ticker. */
  get positions(): ReadonlyMap<Ticker, Position> {
    return this.book.positions()
  }
  heldQuantity(ticker: Ticker): number {
    const s = this.replay.symbol(ticker)
    return s === undefined ? 0 : this.book.quantity[s]!
  }
  get pending(): ReadonlyArray<SimOrder> {
    return this.openOrders
  }
  /** The orders placed on `date` (refused ones included), as they stand now. */
  ordersPlacedOn(date: TradeDate): ReadonlyArray<SimOrder> {
    const placed: Array<SimOrder> = []
    for (let i = 0; i < this.orderLog.length; i++) {
      if (this.orderLog.placedOnAt(i) === date) placed.push(new SimOrder(this.orderLog, i, this.orderLog.intentAt(i)))
    }
    return placed
  }

  /** Start of a trading day (the replay has just advanced): orders sent now can fill on today's bar. */
  openDay(): void {
    this.afterClose = false
  }

  /** Accepts an order sent through the Broker port, or says why not: an id sent before is refused. */
  submit(id: ClientOrderId, intent: OrderIntent): Either.Either<SimOrder, SimRejection> {
    if (this.ids.has(id)) return Either.left({ code: "SIM-DUP", message: `order ${id} was already sent` })
    const accepted = this.accept(intent, id)
    if (Either.isRight(accepted)) this.ids.add(id)
    return accepted
  }

  /**
   * Accepts an order or says why not, for a caller that journals its intents and sends each at most once (the
   * backtest loop, behind its OrderGate); its id is `id`, or else derived from the intent when first asked for.
   * Sent after the close, a market order fills at that close in `close` mode.
   */
  accept(intent: OrderIntent, id?: ClientOrderId): Either.Either<SimOrder, SimRejection> {
    const symbol = this.replay.symbol(intent.ticker)
    if (symbol === undefined) return Either.left({ code: "SIM-SYMBOL", message: `${intent.ticker} is not in the replayed universe` })
    if (!Number.isSafeInteger(intent.quantity) || intent.quantity <= 0) {
      return Either.left({ code: "SIM-QTY", message: `quantity ${intent.quantity} must be a whole number > 0` })
    }
    const day = this.replay.dayIndex
    const order = this.enter({
      id,
      intent,
      symbol,
      sequence: this.orderLog.length + 1,
      placedDay: this.replay.dayIndex,
      acceptedAt: this.instantToday(this.afterClose ? "153000" : "083000"),
      eligibleFrom: this.afterClose ? day + 1 : day,
      state: "accepted",
      reason: undefined
    })
    this.openOrders.push(order)
    if (this.afterClose && this.settings.fill === "close" && intent.type._tag === "market") {
      const bar = this.replay.barToday(symbol)
      if (bar >= 0) {
        const c = this.replay.columns[symbol]!
        this.matchOn(order, closePath(c.close[bar]!, c.volume[bar]!), this.lockOf(symbol, bar), 0)
        this.settleRemainder(order)
        this.openOrders = this.openOrders.filter(isOpen)
      }
    }
    return Either.right(order)
  }

  /**
   * Records an order refused before it reached the book (by the risk rules, or by `accept`), so the run's order list
   * shows why it never traded.
   */
  recordRefused(intent: OrderIntent, reason: string): void {
    this.enter({
      id: undefined,
      intent,
      symbol: this.replay.symbol(intent.ticker) ?? -1,
      sequence: 0,
      placedDay: this.replay.dayIndex,
      acceptedAt: this.instantToday(this.afterClose ? "153000" : "083000"),
      eligibleFrom: Number.MAX_SAFE_INTEGER,
      state: "rejected",
      reason
    })
  }

  /** Logs a new order; returns the handle to work it with. */
  private enter(entry: OrderEntry): SimOrder {
    return new SimOrder(this.orderLog, this.orderLog.add(entry), entry.intent)
  }

  /** Cancels what is left of an open order; false when it is no longer open. */
  cancel(id: ClientOrderId, reason = "cancelled by the trader"): boolean {
    const order = this.openOrders.find((o) => o.id === id)
    if (order === undefined) return false
    order.state = "cancelled"
    order.reason = reason
    this.openOrders = this.openOrders.filter(isOpen)
    return true
  }

  /** Matches every eligible open order, then the protective exits, against today's bars; then the market closes. */
  matchDay(): void {
    const day = this.replay.dayIndex
    // Where today's entries filled, for exits that may only trigger after them (tracked only when exits exist).
    const entryPoint = this.exits.size > 0 || this.openOrders.some((o) => hasExits(o.intent.exits)) ? new Map<number, number>() : undefined
    const due = this.readDueBars(day)
    for (let k = 0; k < due.length; k++) {
      const order = due[k]!, v = this.dueBarValues, at = DUE_BAR_FIELDS * k
      const path = writeBarPath(this.scratchPath, v[at + 1]!, v[at + 2]!, v[at + 3]!, v[at + 4]!, v[at + 5]!)
      const bar = v[at]!
      const point = this.matchOn(order, path, this.lockOf(order.symbol, bar), 0)
      if (entryPoint !== undefined && point >= 0 && order.intent.side === "buy") entryPoint.set(order.symbol, Math.max(entryPoint.get(order.symbol) ?? 0, point))
      this.settleRemainder(order)
    }
    this.openOrders = this.openOrders.filter(isOpen)
    if (entryPoint !== undefined && this.exits.size > 0) this.runExits(entryPoint)
    this.afterClose = true
  }

  /**
   * The open orders whose symbol traded today and that may fill on it, with their bars' index, open, high, low, close
   * and volume copied into `dueBarValues`, DUE_BAR_FIELDS per order. Read in one pass before matching: the reads do
   * not depend on each other, so the processor overlaps their waits on memory, where matching order by order waits
   * for each in turn.
   */
  private readDueBars(day: number): ReadonlyArray<SimOrder> {
    const due: Array<SimOrder> = []
    for (const order of this.openOrders) {
      if (order.eligibleFrom > day) continue
      const bar = this.replay.barToday(order.symbol)
      if (bar < 0) continue
      const at = DUE_BAR_FIELDS * due.length
      if (at + DUE_BAR_FIELDS > this.dueBarValues.length) {
        const grown = new Float64Array(2 * this.dueBarValues.length)
        grown.set(this.dueBarValues)
        this.dueBarValues = grown
      }
      const c = this.replay.columns[order.symbol]!, v = this.dueBarValues
      v[at] = bar
      v[at + 1] = c.open[bar]!
      v[at + 2] = c.high[bar]!
      v[at + 3] = c.low[bar]!
      v[at + 4] = c.close[bar]!
      v[at + 5] = c.volume[bar]!
      due.push(order)
    }
    return due
  }

  /** Cancels every order still open (end of the run) so the records show how each ended. */
  expireAll(reason: string): void {
    for (const o of this.openOrders) {
      o.state = "cancelled"
      o.reason = reason
    }
    this.openOrders = []
  }

  /** Every holding with its average price and first buy date, in a stable order until the next fill. */
  holdings(): PortfolioView["holdings"] {
    if (this.holdingList === undefined) {
      const list: Array<Holding> = []
      for (let s = 0; s < this.openedDay.length; s++) if (this.book.quantity[s] !== 0) list.push(this.holdingOf(s))
      this.holdingList = list
    }
    return this.holdingList
  }

  /** The holding of one ticker. */
  holding = (ticker: Ticker): Holding | undefined => {
    const s = this.replay.symbol(ticker)
    return s === undefined || this.book.quantity[s] === 0 ? undefined : this.holdingOf(s)
  }

  private holdingOf(s: number): Holding {
    return {
      ticker: this.replay.tickers[s]!,
      quantity: this.book.quantity[s] as Qty,
      averagePrice: this.book.averagePrice(s),
      openedOn: this.replay.days[this.openedDay[s]!]!
    }
  }

  /** T+2 settlement day of a trade date (memoised: the calendar is slow outside its table's years). */
  private settlementOf(date: TradeDate): TradeDate {
    let d = this.settlements.get(date)
    if (d === undefined) {
      d = this.settings.settlementDate(date)
      this.settlements.set(date, d)
    }
    return d
  }

  /** The UTC instant of a KST time on the current replay day (kept per day: every order and fill needs one). */
  private instantToday(hhmmss: StampTime): Instant {
    if (this.stampDay !== this.replay.dayIndex) {
      this.stampDay = this.replay.dayIndex
      this.stamps.clear()
    }
    let at = this.stamps.get(hhmmss)
    if (at === undefined) {
      at = kstInstant(this.replay.today, hhmmss)
      this.stamps.set(hhmmss, at)
    }
    return at
  }

  private pathOf(symbol: number, bar: number): PricePath {
    const c = this.replay.columns[symbol]!
    return writeBarPath(this.scratchPath, c.open[bar]!, c.high[bar]!, c.low[bar]!, c.close[bar]!, c.volume[bar]!)
  }

  private lockOf(symbol: number, bar: number): LimitLock {
    const c = this.replay.columns[symbol]!
    // Only a bar that traded at one price can be locked at a limit.
    if (!this.settings.rules.limitLock || c.high[bar] !== c.low[bar]) return NOT_LOCKED
    return limitLockOf(c.high[bar]!, c.low[bar]!, bar > 0 ? c.close[bar - 1] : undefined, this.instrumentBySymbol[symbol]!, c.dates[bar]!)
  }

  /** Applies the remainder policy after a bar: a partly filled order stays open or is cancelled. */
  private settleRemainder(order: SimOrder): void {
    if (order.state === "partially-filled" && this.settings.remainder === "cancel") {
      order.state = "cancelled"
      order.reason = "unfilled remainder cancelled (volume cap)"
    }
  }

  /** Matches one order on a path; books the fill; returns the path index filled at, or -1. */
  private matchOn(order: SimOrder, path: PricePath, lock: LimitLock, from: number): number {
    const ticker = order.intent.ticker
    const held = this.book.quantity[order.symbol]!
    const resting = this.scratchOrder
    resting.side = order.intent.side
    resting.type = order.intent.type
    resting.remaining = order.intent.side === "sell" ? Math.min(order.intent.quantity - order.filled, held) : order.intent.quantity - order.filled
    if (order.intent.side === "sell" && resting.remaining <= 0) {
      order.state = "cancelled"
      order.reason = `no shares of ${ticker} left to sell`
      return -1
    }
    const context = this.scratchContext
    const date = context.date = this.replay.today
    const instrument = context.instrument = this.instrumentBySymbol[order.symbol]!
    context.lock = lock
    const outcome = matchOrder(resting, path, context, this.settings.rules, from)
    if (outcome._tag === "NoFill") return -1
    let quantity = outcome.quantity
    let cashShort = false
    if (order.intent.side === "buy" && !this.canPay(quantity * outcome.price)) {
      const affordable = affordableQuantity(this.book.cash, outcome.price, this.settings.costs)
      if (affordable < quantity) {
        quantity = affordable
        cashShort = true
      }
    }
    if (quantity > 0) this.bookFill(order, quantity, outcome.price, instrument, date)
    if (cashShort) {
      order.state = "cancelled"
      order.reason = `not enough cash for the rest at ${outcome.price} won`
    }
    return quantity > 0 ? outcome.pointIndex : -1
  }

  /** Whether cash covers a buy of `notional` and its commission. */
  private canPay(notional: number): boolean {
    return notional + commission(notional, this.settings.costs) <= this.book.cash
  }

  private bookFill(order: SimOrder, quantity: number, price: Won, instrument: Instrument, date: TradeDate): void {
    const { side, ticker } = order.intent
    const s = order.symbol
    const notional = quantity * price
    const fee = commission(notional, this.settings.costs)
    const tax = side === "sell" ? sellTax(notional, instrument, this.settlementOf(date), this.settings.costs) : (0 as Won)
    const before = this.book.quantity[s]!
    this.book.book(s, side, quantity, price, fee, tax)
    if (side === "buy" && before === 0) this.openedDay[s] = this.replay.dayIndex
    this.holdingList = undefined
    this.fillLog.add(order.index, date, quantity, price, fee, tax)
    order.filled += quantity
    order.filledNotional += notional
    order.state = order.filled === order.intent.quantity ? "filled" : "partially-filled"
    if (side === "buy") {
      if (hasExits(order.intent.exits)) this.exits.set(ticker, order.intent.exits)
    } else if (before - quantity === 0) {
      this.exits.delete(ticker)
    }
  }

  /** Stop-loss / take-profit of each holding with levels, on the pessimistic path after any entry fill today. */
  private runExits(entryPoint: ReadonlyMap<number, number>): void {
    const date = this.replay.today
    for (const [ticker, levels] of [...this.exits]) {
      const symbol = this.replay.symbol(ticker)
      if (symbol === undefined) continue
      const bar = this.replay.barToday(symbol)
      const held = this.book.quantity[symbol]!
      if (bar < 0 || held === 0) continue
      const path = this.pathOf(symbol, bar)
      const from = entryPoint.has(symbol) ? entryPoint.get(symbol)! + 1 : 0
      const hit = firstExit(levels, path.prices, from)
      if (hit === undefined) continue
      const intent: OrderIntent = {
        strategy: "exit",
        decidedAt: this.instantToday("090000"),
        ticker,
        side: "sell",
        quantity: held as Qty,
        type: exitOrderType(levels, hit.kind),
        reason: hit.kind
      }
      const order = this.enter({
        id: `${hit.kind}:${date}:${ticker}` as ClientOrderId,
        intent,
        symbol,
        sequence: this.orderLog.length + 1,
        placedDay: this.replay.dayIndex,
        acceptedAt: intent.decidedAt,
        eligibleFrom: this.replay.dayIndex,
        state: "accepted",
        reason: hit.kind
      })
      // The levels are spent once the exit is working; a remainder rests as an ordinary order.
      this.exits.delete(ticker)
      this.matchOn(order, path, this.lockOf(symbol, bar), hit.index)
      this.settleRemainder(order)
      if (isOpen(order)) this.openOrders.push(order)
    }
  }

  /** The orders and fills as the backtest result reports them, as they stand now (each list built when first read). */
  records(): RunRecords {
    return new RunRecords(this.orderLog, this.fillLog)
  }

  /** Cash plus every holding at its latest close (at cost before its first bar). */
  equity(): number {
    const { cursor, latestClose } = this.replay
    const held = this.book.quantity, cost = this.book.costBasis
    // Summed apart from cash: an accumulator started from the cash field was kept boxed, one allocation per holding.
    let holdings = 0
    for (let s = 0; s < held.length; s++) {
      const quantity = held[s]!
      if (quantity !== 0) holdings += cursor[s]! > 0 ? quantity * latestClose[s]! : cost[s]!
    }
    return this.book.cash + holdings
  }
}
