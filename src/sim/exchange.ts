// kis-sim's exchange and accounts: KRX order entry rules (sessions, tick, ±30 % band, cash and holdings), orders matched
// minute by minute on the replayed intraday path by the backtest's own matchOrder, fills booked with Portfolio.applyFill
// and date-effective costs, revise/cancel chains with new order numbers, and order/fill notices. Plain mutable state.
import { Either, HashMap } from "effect"
import { type MatchRules, matchOrder, type RestingOrder } from "../backtest/matching/matchOrder.js"
import type { PricePath } from "../backtest/matching/pricePath.js"
import { affordableQuantity } from "../engine/sizing.js"
import { KRX_CALENDAR } from "../domain/krx/calendar.js"
import { commission, type CostModel, sellTax } from "../domain/krx/costs.js"
import { withinBand } from "../domain/krx/priceBand.js"
import { phaseAt, sessionScheduleFor, windowOf } from "../domain/krx/sessions.js"
import { isOnTick } from "../domain/krx/tick.js"
import type { Qty, Ticker, Won } from "../domain/Money.js"
import type { ClientOrderId, OrderType, Side } from "../domain/Order.js"
import { applyFill, emptyPortfolio, heldQuantity, type Portfolio, type Position } from "../domain/Portfolio.js"
import { addDays, type Instant, kstDateOf, kstInstant, kstTimeOf, type TradeDate } from "../domain/Time.js"
import { type AccountSpec, splitAccountNo } from "./accounts.js"
import { pointAt } from "./intradayPath.js"
import type { MarketReplay, SymbolDay } from "./market.js"
import type { OrderRejection, Profile, ReviseRejection } from "./messages.js"

/** How an ORD_DVSN code prices the order, and its IOC/FOK condition. */
interface Division {
  readonly pricing: "limit" | "market" | "best" | "top"
  readonly condition: "none" | "IOC" | "FOK"
  readonly name: string
}

/** ORD_DVSN codes kis-sim executes (KIS-API.md §7.1); others are refused with the order-type message. */
export const DIVISIONS: Readonly<Record<string, Division>> = {
  "00": { pricing: "limit", condition: "none", name: "지정가" },
  "01": { pricing: "market", condition: "none", name: "시장가" },
  "03": { pricing: "best", condition: "none", name: "최유리지정가" },
  "04": { pricing: "top", condition: "none", name: "최우선지정가" },
  "11": { pricing: "limit", condition: "IOC", name: "IOC지정가" },
  "12": { pricing: "limit", condition: "FOK", name: "FOK지정가" },
  "13": { pricing: "market", condition: "IOC", name: "IOC시장가" },
  "14": { pricing: "market", condition: "FOK", name: "FOK시장가" },
  "15": { pricing: "best", condition: "IOC", name: "IOC최유리" },
  "16": { pricing: "best", condition: "FOK", name: "FOK최유리" }
}

/** One row of the order book of an account: a new order, a revision (new number) or a cancel (new number). */
export interface VenueOrder {
  readonly odno: string
  readonly account: string
  readonly date: TradeDate
  readonly time: string
  readonly ticker: Ticker
  readonly side: Side
  readonly kind: "new" | "revise" | "cancel"
  /** The order a revise/cancel refers to; "" for new orders. */
  readonly originalOdno: string
  readonly division: string
  /** Limit price; 0 for market-type orders and cancels. */
  readonly price: number
  readonly quantity: number
  filled: number
  filledAmount: number
  /** Cancel rows: the confirmed cancelled quantity. Other rows: the quantity removed by cancels and IOC/FOK. */
  cancelled: number
  /** Quantity moved to a revision. */
  revised: number
  /** Quantity that lapsed unfilled at the end of the day. */
  lapsed: number
  /** Next path point the order has not been matched against. */
  nextPoint: number
}

export interface VenueFill {
  readonly odno: string
  readonly account: string
  readonly date: TradeDate
  readonly time: string
  readonly ticker: Ticker
  readonly side: Side
  readonly quantity: number
  readonly price: number
  readonly commission: number
  readonly tax: number
}

export interface SimAccount {
  readonly spec: AccountSpec
  /** CANO + ACNT_PRDT_CD, the key of the account. */
  readonly id: string
  readonly cano: string
  readonly productCode: string
  book: Portfolio
  /** Cash at the start of the current day (KIS `dnca_tot_amt` does not deduct today's trades). */
  dayOpenCash: number
  /** Net assets at the previous close. */
  previousEquity: number
}

/** What an order/fill notice reports (KIS-API.md §12.5). */
export interface OrderNotice {
  readonly account: SimAccount
  readonly order: VenueOrder
  readonly kind: "ack" | "fill"
  readonly quantity: number
  readonly price: number
  readonly time: string
  /** ACPT_YN: 1 received, 2 confirmed, 3 cancelled by IOC/FOK. */
  readonly acceptance: "1" | "2" | "3"
}

export interface ExchangeSettings {
  readonly profile: Profile
  readonly rules: MatchRules
  readonly costs: CostModel
}

export interface OrderRequest {
  readonly ticker: string
  readonly side: Side
  readonly division: string
  readonly quantity: string
  readonly price: string
}

export interface ReviseRequest {
  readonly originalOdno: string
  readonly action: "revise" | "cancel"
  readonly quantity: string
  readonly all: boolean
  readonly division: string
  readonly price: string
}

export type Rejected = { readonly reason: OrderRejection | ReviseRejection }

/** The persisted form of the exchange (JSON). */
export interface ExchangeSnapshot {
  readonly version: 1
  readonly now: number
  readonly nextOrderNo: number
  readonly accounts: ReadonlyArray<{
    readonly id: string
    readonly cash: number
    readonly positions: ReadonlyArray<Position>
    readonly commissionsPaid: number
    readonly taxesPaid: number
    readonly closedPnl: number
    readonly dayOpenCash: number
    readonly previousEquity: number
  }>
  readonly orders: ReadonlyArray<VenueOrder>
  readonly fills: ReadonlyArray<VenueFill>
}

export const remainingOf = (o: VenueOrder): number =>
  o.kind === "cancel" ? 0 : o.quantity - o.filled - o.cancelled - o.revised - o.lapsed

const ENTRY_PHASES = new Set(["opening-auction", "regular", "closing-auction"])
const INTEGER = /^\s*\d+\s*$/

export class KisSimExchange {
  readonly accounts = new Map<string, SimAccount>()
  private readonly byAppKey = new Map<string, SimAccount>()
  readonly orders: Array<VenueOrder> = []
  readonly fills: Array<VenueFill> = []
  private open: Array<VenueOrder> = []
  private nextOrderNo = 1
  private clock: Instant
  private readonly noticeListeners: Array<(n: OrderNotice) => void> = []
  private readonly advanceListeners: Array<(from: Instant, to: Instant) => void> = []
  private readonly changeListeners: Array<() => void> = []

  constructor(readonly market: MarketReplay, specs: ReadonlyArray<AccountSpec>, readonly settings: ExchangeSettings, start: Instant) {
    for (const spec of specs) {
      const { cano, productCode } = splitAccountNo(spec.accountNo)
      const account: SimAccount = {
        spec, id: cano + productCode, cano, productCode, book: emptyPortfolio(spec.cash as Won), dayOpenCash: spec.cash, previousEquity: spec.cash
      }
      this.accounts.set(account.id, account)
      this.byAppKey.set(spec.appKey, account)
    }
    this.clock = start
  }

  get now(): Instant {
    return this.clock
  }
  get today(): TradeDate {
    return kstDateOf(this.clock)
  }
  accountOfAppKey(appKey: string): SimAccount | undefined {
    return this.byAppKey.get(appKey)
  }
  onNotice(listener: (n: OrderNotice) => void): void {
    this.noticeListeners.push(listener)
  }
  onAdvance(listener: (from: Instant, to: Instant) => void): void {
    this.advanceListeners.push(listener)
  }
  /** Called after every change worth persisting. */
  onChange(listener: () => void): void {
    this.changeListeners.push(listener)
  }
  private changed(): void {
    for (const l of this.changeListeners) l()
  }

  // ---- time ----

  /** Moves market time forward to `to`, matching orders on every point passed and rolling days. */
  advanceTo(to: Instant): void {
    if (to <= this.clock) return
    const from = this.clock
    let date = kstDateOf(this.clock)
    const target = kstDateOf(to)
    while (date < target) {
      this.matchUntil(kstInstant(date, "235959"), date)
      date = addDays(date, 1)
      this.clock = kstInstant(date)
      if (KRX_CALENDAR.isTradingDay(date)) this.openDay(date)
    }
    this.matchUntil(to, date)
    this.clock = to
    for (const l of this.advanceListeners) l(from, to)
    this.changed()
  }

  private openDay(date: TradeDate): void {
    const previous = KRX_CALENDAR.previousTradingDay(date)
    for (const a of this.accounts.values()) {
      a.dayOpenCash = a.book.cash
      a.previousEquity = this.equityOf(a, previous)
    }
  }

  /** Cash plus holdings marked at the last close on or before `date`. */
  equityOf(account: SimAccount, date: TradeDate): number {
    return HashMap.reduce(account.book.positions, account.book.cash as number, (acc, p, t) => {
      const c = this.market.columns(t)
      const i = this.market.barAtOrBefore(t, date)
      return acc + (c === undefined || i < 0 ? p.costBasis : p.quantity * c.close[i]!)
    })
  }

  /** The price a holding is marked at now: the last traded point today, else the last close. */
  markPrice(ticker: string): number {
    const day = this.market.day(ticker, this.today)
    if (day !== undefined) return this.market.snapshot(day, this.clock).price
    const c = this.market.columns(ticker)
    const i = this.market.barAtOrBefore(ticker, this.today)
    return c === undefined || i < 0 ? 0 : c.close[i]!
  }

  private matchUntil(to: number, date: TradeDate): void {
    if (this.open.length === 0) return
    const schedule = sessionScheduleFor(date, KRX_CALENDAR)
    const closeAt = windowOf(schedule, "closing-auction")?.end ?? windowOf(schedule, "regular")?.end
    for (const order of this.open) {
      if (order.date !== date) continue
      const day = this.market.day(order.ticker, date)
      if (day !== undefined) this.matchResting(order, day, pointAt(day.path, to))
    }
    if (closeAt !== undefined && to >= closeAt) {
      for (const order of this.open) if (order.date === date) order.lapsed += remainingOf(order)
    }
    this.open = this.open.filter((o) => remainingOf(o) > 0)
  }

  // ---- matching ----

  private resting(order: VenueOrder, remaining: number): RestingOrder {
    const d = DIVISIONS[order.division]!
    const type: OrderType = d.pricing === "limit" || d.pricing === "top" ? { _tag: "limit", price: order.price as Won } : { _tag: "market" }
    return { side: order.side, type, remaining }
  }

  /**
   * Matches `order` on the path segment [nextPoint, upto]. The open (point 0) and the closing auction are single-price
   * prints where any marketable order fills at the print; between them a resting limit fills when the path trades
   * through it, with the previous point as the anchor the engine compares against.
   */
  private matchResting(order: VenueOrder, day: SymbolDay, upto: number): void {
    const path = day.path
    const auction = path.closingAuctionIndex
    while (order.nextPoint <= upto && remainingOf(order) > 0) {
      const k = order.nextPoint
      let window: PricePath, from: number, offset: number
      if (k === 0 || k === auction) {
        const end = k === auction ? auction + 1 : Math.min(upto, auction - 1) + 1
        window = { prices: path.prices.subarray(k, end), volumes: path.volumes.subarray(k, end) }
        from = 0
        offset = k
      } else {
        const end = Math.min(upto, auction - 1) + 1
        if (end <= k) {
          order.nextPoint = auction
          continue
        }
        window = { prices: path.prices.subarray(k - 1, end), volumes: path.volumes.subarray(k, end) }
        from = 1
        offset = k - 1
      }
      const filledAt = this.matchOnce(order, day, window, from, offset)
      if (filledAt < 0) order.nextPoint = offset + window.prices.length
      else order.nextPoint = filledAt + 1
    }
  }

  /** One matchOrder call; books the fill and returns its absolute point index, or -1. */
  private matchOnce(order: VenueOrder, day: SymbolDay, window: PricePath, from: number, offset: number, exact = false): number {
    const remaining = remainingOf(order)
    const outcome = matchOrder(this.resting(order, remaining), window, { date: day.date, instrument: day.info.instrument, lock: day.lock }, this.settings.rules, from)
    if (outcome._tag === "NoFill") return -1
    if (exact && outcome.quantity < remaining) return -1
    const account = this.accounts.get(order.account)!
    let quantity = outcome.quantity
    if (order.side === "buy") quantity = Math.min(quantity, affordableQuantity(account.book.cash, outcome.price, this.settings.costs))
    else quantity = Math.min(quantity, heldQuantity(account.book, order.ticker))
    if (quantity <= 0) return -1
    const point = offset + outcome.pointIndex
    this.bookFill(account, order, day, quantity, outcome.price, kstTimeOf(day.path.times[point]!))
    return point
  }

  private bookFill(account: SimAccount, order: VenueOrder, day: SymbolDay, quantity: number, price: number, time: string): void {
    const notional = quantity * price
    const fee = commission(notional, this.settings.costs)
    const tax = order.side === "sell"
      ? sellTax(notional, day.info.instrument, KRX_CALENDAR.settlementDate(day.date), this.settings.costs)
      : (0 as Won)
    const next = applyFill(account.book, {
      orderId: order.odno as ClientOrderId,
      ticker: order.ticker,
      side: order.side,
      quantity: quantity as Qty,
      price: price as Won,
      commission: fee,
      tax,
      at: kstInstant(day.date, time)
    })
    if (Either.isLeft(next)) throw new Error(`kis-sim fill broke account ${account.id}: ${next.left.message}`)
    account.book = next.right
    order.filled += quantity
    order.filledAmount += notional
    this.fills.push({ odno: order.odno, account: account.id, date: day.date, time, ticker: order.ticker, side: order.side, quantity, price, commission: fee, tax })
    this.notify({ account, order, kind: "fill", quantity, price, time, acceptance: "2" })
  }

  private notify(n: OrderNotice): void {
    for (const l of this.noticeListeners) l(n)
  }

  // ---- order entry ----

  /** Cash committed to open buy orders: remaining × the order's reserve price (the upper limit for market types) + commission. */
  reservedCash(account: SimAccount): number {
    let total = 0
    for (const o of this.open) {
      if (o.account !== account.id || o.side !== "buy") continue
      const notional = remainingOf(o) * this.reservePrice(o.ticker, o.division, o.price)
      total += notional + commission(notional, this.settings.costs)
    }
    return total
  }

  availableCash(account: SimAccount): number {
    return Math.max(0, account.book.cash - this.reservedCash(account))
  }

  /** Shares of `ticker` not yet committed to open sell orders. */
  sellableQuantity(account: SimAccount, ticker: string): number {
    let committed = 0
    for (const o of this.open) if (o.account === account.id && o.side === "sell" && o.ticker === ticker) committed += remainingOf(o)
    return Math.max(0, heldQuantity(account.book, ticker as Ticker) - committed)
  }

  private reservePrice(ticker: string, division: string, price: number): number {
    const d = DIVISIONS[division]
    if (d !== undefined && (d.pricing === "limit" || d.pricing === "top")) return price
    const day = this.market.day(ticker, this.today)
    return day?.band.upper ?? this.markPrice(ticker)
  }

  private sessionRejection(): OrderRejection | undefined {
    const phase = phaseAt(this.clock, KRX_CALENDAR)
    if (ENTRY_PHASES.has(phase)) return undefined
    const regular = windowOf(sessionScheduleFor(this.today, KRX_CALENDAR), "regular")
    return regular !== undefined && this.clock < regular.start ? "beforeOpen" : "afterClose"
  }

  private newOdno(): string {
    return String(this.nextOrderNo++).padStart(10, "0")
  }

  /** Validates the price of a priced order: integer, on the tick ladder, inside today's band. */
  private priceRejection(day: SymbolDay, division: Division, raw: string): { price: number } | Rejected {
    if (division.pricing === "market" || division.pricing === "best") return { price: 0 }
    if (division.pricing === "top") return { price: this.market.snapshot(day, this.clock).price }
    if (!INTEGER.test(raw) || Number(raw) <= 0) return { reason: "price" }
    const price = Number(raw)
    if (!isOnTick(price, day.info.instrument, day.date)) return { reason: "offTick" }
    if (!withinBand(price, day.band)) return { reason: "outsideBand" }
    return { price }
  }

  /** Accepts a cash order or says why not (order-cash). */
  submit(account: SimAccount, req: OrderRequest): Either.Either<VenueOrder, Rejected> {
    const closed = this.sessionRejection()
    if (closed !== undefined) return Either.left({ reason: closed })
    if (this.market.info(req.ticker) === undefined) return Either.left({ reason: "unknownStock" })
    const day = this.market.day(req.ticker, this.today)
    if (day === undefined) return Either.left({ reason: "noStockToday" })
    const division = DIVISIONS[req.division]
    if (division === undefined) return Either.left({ reason: "orderType" })
    if (!INTEGER.test(req.quantity) || Number(req.quantity) <= 0) return Either.left({ reason: "quantity" })
    const quantity = Number(req.quantity)
    const phase = phaseAt(this.clock, KRX_CALENDAR)
    if (division.condition !== "none" && phase !== "regular") return Either.left({ reason: "auctionCondition" })
    const priced = this.priceRejection(day, division, req.price)
    if ("reason" in priced) return Either.left(priced)
    if (req.side === "buy") {
      const notional = quantity * this.reservePrice(req.ticker, req.division, priced.price)
      if (notional + commission(notional, this.settings.costs) > this.availableCash(account)) return Either.left({ reason: "cash" })
    } else if (quantity > this.sellableQuantity(account, req.ticker)) {
      return Either.left({ reason: "holdings" })
    }
    const order = this.place(account, day, {
      ticker: day.ticker, side: req.side, kind: "new", originalOdno: "", division: req.division, price: priced.price, quantity
    })
    this.changed()
    return Either.right(order)
  }

  /** Records an accepted order, acknowledges it, and matches it at once when continuous trading is on. */
  private place(
    account: SimAccount,
    day: SymbolDay,
    o: Pick<VenueOrder, "ticker" | "side" | "kind" | "originalOdno" | "division" | "price" | "quantity">
  ): VenueOrder {
    const phase = phaseAt(this.clock, KRX_CALENDAR)
    const order: VenueOrder = {
      ...o, odno: this.newOdno(), account: account.id, date: day.date, time: kstTimeOf(this.clock),
      filled: 0, filledAmount: 0, cancelled: 0, revised: 0, lapsed: 0,
      nextPoint: phase === "opening-auction" ? 0 : day.path.closingAuctionIndex
    }
    this.orders.push(order)
    this.open.push(order)
    this.notify({ account, order, kind: "ack", quantity: o.quantity, price: o.price, time: order.time, acceptance: "1" })
    if (phase === "regular") {
      const current = Math.max(0, pointAt(day.path, this.clock))
      const condition = DIVISIONS[o.division]!.condition
      const at = { prices: day.path.prices.subarray(current, current + 1), volumes: day.path.volumes.subarray(current, current + 1) }
      this.matchOnce(order, day, at, 0, current, condition === "FOK")
      order.nextPoint = current + 1
      if (condition !== "none" && remainingOf(order) > 0) {
        const left = remainingOf(order)
        order.cancelled += left
        this.notify({ account, order, kind: "ack", quantity: left, price: 0, time: order.time, acceptance: "3" })
      }
    }
    this.open = this.open.filter((x) => remainingOf(x) > 0)
    return order
  }

  /** Revises or cancels (part of) an open order; each answer is a new order row with its own number. */
  reviseOrCancel(account: SimAccount, req: ReviseRequest): Either.Either<VenueOrder, Rejected> {
    const closed = this.sessionRejection()
    if (closed !== undefined) return Either.left({ reason: closed })
    const wanted = Number(req.originalOdno.trim())
    const original = this.orders.find((o) =>
      o.account === account.id && o.kind !== "cancel" && o.date === this.today && Number(o.odno) === wanted)
    if (original === undefined || !Number.isFinite(wanted)) return Either.left({ reason: "originalNotFound" })
    const left = remainingOf(original)
    if (left <= 0) return Either.left({ reason: "nothingLeft" })
    let quantity = left
    if (!req.all) {
      if (!INTEGER.test(req.quantity) || Number(req.quantity) <= 0) return Either.left({ reason: "quantity" })
      quantity = Number(req.quantity)
      if (quantity > left) return Either.left({ reason: "qtyOverCancellable" })
    }
    const day = this.market.day(original.ticker, this.today)
    if (day === undefined) return Either.left({ reason: "noStockToday" })
    if (req.action === "cancel") {
      original.cancelled += quantity
      const row: VenueOrder = {
        odno: this.newOdno(), account: account.id, date: this.today, time: kstTimeOf(this.clock), ticker: original.ticker,
        side: original.side, kind: "cancel", originalOdno: original.odno, division: original.division, price: 0, quantity,
        filled: 0, filledAmount: 0, cancelled: quantity, revised: 0, lapsed: 0, nextPoint: 0
      }
      this.orders.push(row)
      this.open = this.open.filter((o) => remainingOf(o) > 0)
      this.notify({ account, order: row, kind: "ack", quantity, price: 0, time: row.time, acceptance: "2" })
      this.changed()
      return Either.right(row)
    }
    const divisionCode = req.division.trim() === "" ? original.division : req.division.trim()
    const division = DIVISIONS[divisionCode]
    if (division === undefined || division.condition !== "none") return Either.left({ reason: "orderType" })
    const priced = this.priceRejection(day, division, req.price)
    if ("reason" in priced) return Either.left(priced)
    if (original.side === "buy") {
      const before = quantity * this.reservePrice(original.ticker, original.division, original.price)
      const after = quantity * this.reservePrice(original.ticker, divisionCode, priced.price)
      const extra = after + commission(after, this.settings.costs) - before - commission(before, this.settings.costs)
      if (extra > this.availableCash(account)) return Either.left({ reason: "cash" })
    }
    original.revised += quantity
    const revision = this.place(account, day, {
      ticker: original.ticker, side: original.side, kind: "revise", originalOdno: original.odno, division: divisionCode, price: priced.price, quantity
    })
    this.changed()
    return Either.right(revision)
  }

  /** Today's-and-earlier rows of an account dated in [from, to]. */
  ordersOf(account: SimAccount, from: TradeDate, to: TradeDate): ReadonlyArray<VenueOrder> {
    return this.orders.filter((o) => o.account === account.id && o.date >= from && o.date <= to)
  }
  openOrdersOf(account: SimAccount): ReadonlyArray<VenueOrder> {
    return this.open.filter((o) => o.account === account.id)
  }
  fillsOf(account: SimAccount, date: TradeDate): ReadonlyArray<VenueFill> {
    return this.fills.filter((f) => f.account === account.id && f.date === date)
  }

  // ---- persistence ----

  snapshot(): ExchangeSnapshot {
    return {
      version: 1,
      now: this.clock,
      nextOrderNo: this.nextOrderNo,
      accounts: [...this.accounts.values()].map((a) => ({
        id: a.id,
        cash: a.book.cash,
        positions: [...HashMap.values(a.book.positions)],
        commissionsPaid: a.book.commissionsPaid,
        taxesPaid: a.book.taxesPaid,
        closedPnl: a.book.closedPnl,
        dayOpenCash: a.dayOpenCash,
        previousEquity: a.previousEquity
      })),
      orders: this.orders,
      fills: this.fills
    }
  }

  /** Restores a snapshot taken by `snapshot` (accounts missing from it keep their opening state). */
  restore(s: ExchangeSnapshot): void {
    this.clock = s.now as Instant
    this.nextOrderNo = s.nextOrderNo
    for (const a of s.accounts) {
      const account = this.accounts.get(a.id)
      if (account === undefined) continue
      account.book = {
        cash: a.cash as Won,
        positions: HashMap.fromIterable(a.positions.map((p) => [p.ticker, p] as const)),
        commissionsPaid: a.commissionsPaid as Won,
        taxesPaid: a.taxesPaid as Won,
        closedPnl: a.closedPnl as Won
      }
      account.dayOpenCash = a.dayOpenCash
      account.previousEquity = a.previousEquity
    }
    this.orders.splice(0, this.orders.length, ...s.orders.map((o) => ({ ...o })))
    this.fills.splice(0, this.fills.length, ...s.fills)
    this.open = this.orders.filter((o) => remainingOf(o) > 0)
  }
}
