// Generators for risk-rule properties: a realistic order context (on- and off-tick prices, prices inside and
// outside the band, holdings, open orders, costs) in a regular session with no recent orders and no loss today.
import fc from "fast-check"
import type { Instrument } from "../../src/domain/Market.js"
import { qty, ticker, won, type Ticker } from "../../src/domain/Money.js"
import { type OrderIntent, type OrderType, SentOrders, type Side } from "../../src/domain/Order.js"
import { KRX_COSTS, ZERO_COSTS, type CostModel } from "../../src/domain/krx/costs.js"
import { roundToTick } from "../../src/domain/krx/tick.js"
import { kstInstant, tradeDate, type Instant, type TradeDate } from "../../src/domain/Time.js"
import { type Holding, type OpenOrder, type RiskContext } from "../../src/risk/RiskContext.js"
import { DEFAULT_RISK_LIMITS, type RiskLimits } from "../../src/risk/RiskLimits.js"

export const SAMSUNG = ticker("005930")
export const HYNIX = ticker("000660")
export const NAVER = ticker("035420")
export const TRADE_DATE = tradeDate("2024-03-05")
export const OPEN_TIME = kstInstant(TRADE_DATE, "100000")

const INSTRUMENTS: ReadonlyArray<Instrument> = [
  { market: "KOSPI", kind: "stock" },
  { market: "KOSDAQ", kind: "stock" },
  { market: "KOSPI", kind: "etf" }
]
const DATES = [tradeDate("2022-06-15"), TRADE_DATE]
const COSTS: ReadonlyArray<CostModel> = [KRX_COSTS, ZERO_COSTS, { commissionRate: 0.005, flatTaxRate: 0.002 }]

export const intentOf = (t: Ticker, side: Side, quantity: number, type: OrderType, decidedAt = 0): OrderIntent => ({
  strategy: "prop",
  decidedAt: decidedAt as Instant,
  ticker: t,
  side,
  quantity: qty(quantity),
  type
})

export const limitOrder = (price: number): OrderType => ({ _tag: "limit", price: won(price) })

/** An order context with nothing but money in the way: regular session, no recent orders, no loss today. */
export const baseContext = (over: Partial<RiskContext> & Pick<RiskContext, "intent">): RiskContext => {
  const holdings = over.holdings ?? []
  const cash = over.cash ?? won(10_000_000)
  const equity = won(cash + holdings.reduce((s, h) => s + h.quantity * h.markPrice, 0))
  return {
    instrument: { market: "KOSPI", kind: "stock" },
    tradeDate: TRADE_DATE,
    now: OPEN_TIME,
    basePrice: won(10_000),
    phase: "regular",
    cash,
    equity,
    startOfDayEquity: equity,
    holdings,
    openOrders: [],
    recentOrderTimes: [],
    sentOrders: new SentOrders(),
    lossLimitBreachedOn: undefined,
    costs: KRX_COSTS,
    ...over
  }
}

export const limitsArb: fc.Arbitrary<RiskLimits> = fc.record({
  maxPositionPct: fc.integer({ min: 1, max: 100 }),
  maxExposurePct: fc.integer({ min: 10, max: 100 }),
  allowMarketOrders: fc.integer({ min: 0, max: 4 }).map((n) => n > 0)
}).map((l) => ({ ...DEFAULT_RISK_LIMITS, ...l }))

const orderTypeArb = (base: number, instrument: Instrument, date: TradeDate): fc.Arbitrary<OrderType> =>
  fc.tuple(fc.constantFrom("limit", "limit", "stop", "market"), fc.integer({ min: -400, max: 400 }), fc.boolean())
    .map(([tag, offsetPermille, onTick]) => {
      const raw = Math.max(1, Math.round((base * (1000 + offsetPermille)) / 1000))
      const price = won(onTick ? roundToTick(raw, instrument, date) : raw)
      return tag === "market" ? { _tag: "market" } : tag === "stop" ? { _tag: "stop", stopPrice: price } : { _tag: "limit", price }
    })

/** A context for one order plus limits; cash, holdings and open orders are consistent (reservations ≤ cash). */
export const scenarioArb: fc.Arbitrary<{ ctx: RiskContext; limits: RiskLimits }> = fc
  .record({
    instrument: fc.constantFrom(...INSTRUMENTS),
    date: fc.constantFrom(...DATES),
    baseRaw: fc.integer({ min: 50, max: 800_000 }),
    costs: fc.constantFrom(...COSTS),
    cash: fc.integer({ min: 0, max: 300_000_000 }),
    held: fc.integer({ min: 0, max: 500 }),
    otherHeld: fc.integer({ min: 0, max: 2_000 }),
    otherMark: fc.integer({ min: 1_000, max: 100_000 }),
    openBuys: fc.array(fc.record({ self: fc.boolean(), cashPct: fc.integer({ min: 0, max: 30 }) }), { maxLength: 3 }),
    openSellPct: fc.integer({ min: 0, max: 100 }),
    /** Broker equity may differ from cash + marks (unsettled proceeds, stale marks). */
    equityGapPct: fc.oneof(fc.constant(0), fc.integer({ min: -10, max: 30 })),
    side: fc.constantFrom<Side>("buy", "sell"),
    /** A share count, or a fraction of the cash to spend (so buys near the caps are common). */
    size: fc.oneof(
      fc.record({ shares: fc.integer({ min: 1, max: 5_000 }) }),
      fc.record({ cashPct: fc.integer({ min: 0, max: 50 }) })
    ),
    limits: limitsArb
  })
  .chain((s) => {
    const base = roundToTick(s.baseRaw, s.instrument, s.date)
    return orderTypeArb(base, s.instrument, s.date).map((type) => ({ s, base, type }))
  })
  .map(({ s, base, type }): { ctx: RiskContext; limits: RiskLimits } => {
    const holdings: Array<Holding> = []
    if (s.held > 0) holdings.push({ ticker: SAMSUNG, quantity: qty(s.held), markPrice: base })
    if (s.otherHeld > 0) holdings.push({ ticker: HYNIX, quantity: qty(s.otherHeld), markPrice: won(s.otherMark) })
    const openOrders: Array<OpenOrder> = s.openBuys.map((b, i) => {
      const t = b.self ? SAMSUNG : NAVER
      const reserved = Math.floor((s.cash * b.cashPct) / 100)
      const q = Math.max(1, Math.floor(reserved / base))
      return { id: `open-buy-${i}` as OpenOrder["id"], ticker: t, side: "buy", remainingQuantity: qty(q), reservedCash: won(reserved) }
    })
    const promised = Math.floor((s.held * s.openSellPct) / 100)
    if (promised > 0) {
      openOrders.push({ id: "open-sell" as OpenOrder["id"], ticker: SAMSUNG, side: "sell", remainingQuantity: qty(promised), reservedCash: won(0) })
    }
    const marked = baseContext({
      intent: intentOf(SAMSUNG, s.side, "shares" in s.size ? s.size.shares : Math.max(1, Math.floor((s.cash * s.size.cashPct) / 100 / base)), type),
      instrument: s.instrument,
      tradeDate: s.date,
      now: kstInstant(s.date, "100000"),
      basePrice: base,
      cash: won(s.cash),
      holdings,
      openOrders,
      costs: s.costs
    })
    const equity = won(Math.round((marked.equity * (100 + s.equityGapPct)) / 100))
    return { ctx: { ...marked, equity, startOfDayEquity: equity }, limits: s.limits }
  })
