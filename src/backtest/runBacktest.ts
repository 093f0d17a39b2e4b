// The backtest loop: per replayed trading day, match the day's bars, mark the book, let the strategy decide at
// the close and send its orders through the shared order gate (ids, journal, risk rules) straight to the
// simulated exchange. The run is one Effect; days, orders and fills are plain synchronous code (STYLE §10).
import { Data, Effect, Either, Layer } from "effect"
import type { Instrument } from "../domain/Market.js"
import { ordinaryStock } from "../domain/Market.js"
import { commission } from "../domain/krx/costs.js"
import type { Qty, Ticker, Won } from "../domain/Money.js"
import { averagePrice } from "../domain/Portfolio.js"
import { type Instant, kstInstant, type TradeDate } from "../domain/Time.js"
import { OrderExecutor, OrderGate, type RiskBook } from "../engine/OrderExecutor.js"
import { isDecisionDay, type OrderPlan, planDecision, type PlanBook, referencePrice, resolvePlan, type ScheduleCalendar } from "../engine/runner.js"
import type { RiskLimits } from "../risk/RiskLimits.js"
import type { AnyStrategy, PortfolioView } from "../strategy/Strategy.js"
import { indexDataSet } from "./asOfView.js"
import type { BacktestResult, EquityPoint } from "./BacktestResult.js"
import { type Benchmark, equalWeightBenchmark, seriesBenchmark } from "./benchmark.js"
import type { DataSet } from "./data/DataSet.js"
import { Replay } from "./replay.js"
import { SimMarketLive } from "./SimBroker.js"
import { SimExchange, type SimSettings } from "./SimExchange.js"
import { roundTrips } from "./trades.js"

/** A run that cannot start: unknown symbols, an empty date range. Names what to change. */
export class BacktestSetupError extends Data.TaggedError("BacktestSetupError")<{ readonly message: string }> {}

export interface BacktestConfig {
  readonly strategy: AnyStrategy
  /** Params already decoded by the strategy's Schema. */
  readonly params: unknown
  readonly from?: TradeDate | undefined
  readonly to?: TradeDate | undefined
  /** Symbols to trade; default the strategy's universe, else every symbol of the data set. */
  readonly symbols?: ReadonlyArray<Ticker> | undefined
  readonly initialCash: Won
  readonly sim: SimSettings
  /** Risk limits checked before every order, or undefined to send orders unchecked. */
  readonly riskLimits: RiskLimits | undefined
  readonly calendar: ScheduleCalendar
  /** An index series to compare with; default the equal-weight buy-and-hold of the universe. */
  readonly benchmark?: { readonly dates: ReadonlyArray<TradeDate>; readonly closes: ReadonlyArray<number> } | undefined
  /** Every switch as given, for the report. */
  readonly assumptions: Readonly<Record<string, string | number | boolean>>
  /** Called after each replayed day (progress display). */
  readonly onDay?: ((done: number, total: number) => void) | undefined
}

/**
 * The simulated broker, market data and clock with the shared executor on top, for code that trades through the
 * ports; needs an exchange and a policy. `runBacktest` itself calls the same OrderGate and the exchange directly.
 */
export const SimTradingLayer = OrderExecutor.Default.pipe(Layer.provideMerge(SimMarketLive))

/** The order plans of one decision step. */
interface DecidedPlans {
  readonly plans: ReadonlyArray<OrderPlan>
  readonly decidedAt: Instant
}

const CLOSE = "153000"

/** Runs one backtest over `dataSet`. */
export const runBacktest = (dataSet: DataSet, config: BacktestConfig) =>
  Effect.gen(function* () {
    const universe = config.symbols ?? config.strategy.universe?.(config.params) ?? [...dataSet.bars.keys()].sort()
    const missing = universe.filter((t) => !dataSet.bars.has(t))
    if (missing.length > 0) {
      return yield* new BacktestSetupError({ message: `no price history for ${symbolList(missing)} in ${dataSet.source}` })
    }
    const first = config.from ?? ("0000-01-01" as TradeDate)
    const last = config.to ?? ("9999-12-31" as TradeDate)
    const replay = new Replay(indexDataSet(dataSet, universe), first, last)
    if (replay.days.length === 0) {
      const range = [config.from === undefined ? undefined : `from ${config.from}`, config.to === undefined ? undefined : `to ${config.to}`].filter((p) => p !== undefined).join(" ")
      return yield* new BacktestSetupError({ message: `no trading day of ${symbolList(universe)}${range === "" ? "" : ` ${range}`}` })
    }
    const exchange = new SimExchange(replay, config.sim, config.initialCash, instrumentLookup(dataSet))
    const gate = new OrderGate({ riskLimits: config.riskLimits, costs: config.sim.costs }, { forwardOnly: true })
    return replayDays(replay, exchange, gate, config, dataSet)
  })

/** A few codes, or the first ones and a count: an error stays one readable line however large the universe. */
const symbolList = (tickers: ReadonlyArray<Ticker>): string =>
  tickers.length <= 5 ? tickers.join(", ") : `${tickers.slice(0, 3).join(", ")} … ${tickers[tickers.length - 1]} (${tickers.length} symbols)`

const instrumentLookup = (dataSet: DataSet) => {
  const byTicker = new Map(dataSet.symbols.map((s) => [s.ticker, s.instrument] as const))
  const fallback = ordinaryStock("KOSPI")
  return (ticker: Ticker): Instrument => byTicker.get(ticker) ?? fallback
}

const replayDays = (replay: Replay, exchange: SimExchange, gate: OrderGate, config: BacktestConfig, dataSet: DataSet): BacktestResult => {
  const { strategy, params } = config
  const schedule = strategy.schedule(params)
  const benchmark: Benchmark = config.benchmark === undefined
    ? equalWeightBenchmark(config.initialCash)
    : seriesBenchmark(config.initialCash, config.benchmark.dates, config.benchmark.closes)
  const equity: Array<EquityPoint> = []
  const annotations: Array<BacktestResult["annotations"][number]> = []
  let queued: DecidedPlans | undefined
  let startOfDayEquity = config.initialCash as number

  /** Sends plans; market plans are sized at `marketPrice` (today's open before the session, the close after it). */
  const send = ({ plans, decidedAt }: DecidedPlans, marketPrice: (s: number) => number | undefined): void => {
    let freeCash: number = exchange.cash
    const tradeDate = replay.today
    const at = { now: decidedAt, tradeDate }
    // Every plan's market price first, in one pass: independent reads, whose waits on memory the processor overlaps.
    const prices = plans.map((plan) => {
      const s = replay.symbol(plan.ticker)
      return s === undefined ? undefined : marketPrice(s)
    })
    for (let k = 0; k < plans.length; k++) {
      const plan = plans[k]!, price = prices[k]
      if (price === undefined) continue
      const ref = referencePrice(plan.type, price)
      const intent = resolvePlan(plan, strategy.name, decidedAt, ref, freeCash, config.sim.costs)
      if (intent === undefined) continue
      const admission = gate.admit(intent, at, () => riskBook(exchange, startOfDayEquity, intent.ticker))
      if (admission._tag === "Refused") exchange.recordRefused(intent, `${admission.rule}: ${admission.message}`)
      if (admission._tag !== "Admitted") continue
      // The simulated exchange is the broker here: a rejection is final, like a BrokerRejected from the port.
      const accepted = exchange.accept(intent)
      if (Either.isLeft(accepted)) exchange.recordRefused(intent, `${accepted.left.code}: ${accepted.left.message}`)
      else if (intent.side === "buy") {
        const notional = intent.quantity * ref
        freeCash -= notional + commission(notional, config.sim.costs)
      }
    }
  }

  const total = replay.days.length
  while (replay.advance()) {
    exchange.openDay()
    if (queued !== undefined) {
      send(queued, (s) => {
        const bar = replay.barToday(s)
        return bar >= 0 ? replay.columns[s]!.open[bar] : replay.lastClose(s)
      })
      queued = undefined
    }
    exchange.matchDay()
    const today = replay.today
    const value = exchange.equity()
    if (!replay.isLastDay && isDecisionDay(schedule, today, config.calendar)) {
      const view = replay.view()
      const result = strategy.decide(view, portfolioView(exchange, value), params)
      for (const a of result.annotations ?? []) annotations.push({ date: today, ...a })
      const book = planBook(exchange, value)
      const plans: Array<OrderPlan> = []
      for (const d of result.decisions) {
        const plan = planDecision(d, book)
        if (plan !== undefined) plans.push(plan)
      }
      const decided = { plans, decidedAt: kstInstant(today, CLOSE) }
      if (config.sim.fill === "close") send(decided, (s) => replay.lastClose(s))
      else if (plans.length > 0) queued = decided
    }
    // Marked at the end of the day: in `close` mode the orders just decided have filled at this close.
    const endValue = config.sim.fill === "close" ? exchange.equity() : value
    const cash = exchange.cash
    equity.push({
      date: today,
      cash,
      equity: endValue as Won,
      benchmark: benchmark.valueOn(replay),
      exposure: endValue > 0 ? (endValue - cash) / endValue : 0
    })
    startOfDayEquity = endValue
    config.onDay?.(replay.dayIndex + 1, total)
  }
  exchange.expireAll("end of the backtest")
  const lastDay = replay.days[replay.days.length - 1]!
  const records = exchange.records()
  return {
    settings: {
      strategy: strategy.name,
      params: (typeof params === "object" && params !== null ? params : {}) as Record<string, unknown>,
      from: replay.days[0]!,
      to: lastDay,
      initialCash: config.initialCash,
      symbols: replay.tickers,
      dataSource: dataSet.source,
      assumptions: config.assumptions
    },
    equity,
    // Built when first read: a run read only for its summary and trades builds no order or fill record.
    get orders() {
      return records.orders
    },
    get fills() {
      return records.fills
    },
    trades: roundTrips(records.trades(), replay.markPrice, lastDay),
    annotations,
    warnings: dataSet.warnings.map((w) => `${w.file}${w.row === undefined ? "" : `:${w.row}`}: ${w.message}`)
  } satisfies BacktestResult
}

/** What planning needs: holdings, promised sells and as-of closes at the decision time. */
const planBook = (exchange: SimExchange, equity: number): PlanBook => {
  const pendingSells = new Map<Ticker, number>()
  for (const o of exchange.pending) {
    if (o.intent.side === "sell") pendingSells.set(o.intent.ticker, (pendingSells.get(o.intent.ticker) ?? 0) + o.intent.quantity - o.filled)
  }
  return {
    equity,
    held: (t) => exchange.heldQuantity(t),
    pendingSell: (t) => pendingSells.get(t) ?? 0,
    asOfClose: exchange.replay.markPrice
  }
}

/** The strategy's view of its book; the list of holdings is built only if the strategy reads it. */
const portfolioView = (exchange: SimExchange, equity: number): PortfolioView => ({
  cash: exchange.cash,
  equity: equity as Won,
  get holdings() {
    return exchange.holdings()
  },
  holding: exchange.holding,
  openOrders: exchange.pending.map((o) => ({ ticker: o.intent.ticker, side: o.intent.side, quantity: (o.intent.quantity - o.filled) as Qty }))
})

/** The book and market facts the risk rules check an order of `ticker` against, from the simulated account. */
const riskBook = (exchange: SimExchange, startOfDayEquity: number, ticker: Ticker): RiskBook => {
  const { replay } = exchange
  const markOf = (t: Ticker, fallback: number) => Math.round(replay.markPrice(t) ?? fallback)
  const s = replay.symbol(ticker)
  const bar = s === undefined ? -1 : replay.barToday(s)
  // The day's base price is the previous close: before today's bar when there is one, else the latest close.
  const base = s === undefined ? undefined : bar > 0 ? replay.columns[s]!.close[bar - 1] : replay.lastClose(s)
  return {
    instrument: exchange.instrumentOf(ticker),
    basePrice: Math.round(base ?? 0) as Won,
    phase: "regular",
    cash: exchange.cash,
    equity: exchange.equity() as Won,
    startOfDayEquity: startOfDayEquity as Won,
    holdings: [...exchange.positions].map(([t, p]) => ({ ticker: t, quantity: p.quantity, markPrice: markOf(t, averagePrice(p)) as Won })),
    openOrders: exchange.pending.map((o) => {
      const remaining = o.intent.quantity - o.filled
      const price = o.intent.type._tag === "limit" ? o.intent.type.price : markOf(o.intent.ticker, 0)
      const notional = remaining * price
      return {
        id: o.id,
        ticker: o.intent.ticker,
        side: o.intent.side,
        remainingQuantity: remaining as Qty,
        reservedCash: (o.intent.side === "buy" ? notional + commission(notional, exchange.settings.costs) : 0) as Won
      }
    })
  }
}
