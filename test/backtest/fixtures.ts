// Test fixtures for backtests: seeded random-walk histories on the KRX calendar and a compact way to run a
// strategy on them with every realism switch chosen explicitly.
import { Effect, Schema } from "effect"
import type { BarColumns, DataSet } from "../../src/backtest/data/DataSet.js"
import { type MatchRules, REALISTIC_RULES } from "../../src/backtest/matching/matchOrder.js"
import { type BacktestConfig, runBacktest } from "../../src/backtest/runBacktest.js"
import type { SimSettings } from "../../src/backtest/SimExchange.js"
import { KRX_CALENDAR } from "../../src/domain/krx/calendar.js"
import type { CostModel } from "../../src/domain/krx/costs.js"
import { ordinaryStock } from "../../src/domain/Market.js"
import { qty, type Ticker, ticker, type Won } from "../../src/domain/Money.js"
import { roundToTick } from "../../src/domain/krx/tick.js"
import { tradeDate } from "../../src/domain/Time.js"
import type { AnyStrategy, Decision } from "../../src/strategy/Strategy.js"

/** A small deterministic PRNG (mulberry32), so generated histories are reproducible from a seed. */
export const prng = (seed: number) => {
  let a = seed >>> 0
  return (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export const symbolCode = (i: number): Ticker => ticker(String(100000 + i))

/** Bars of one symbol: integer prices from a random walk with gaps, highs/lows around open and close. */
export const randomBars = (code: Ticker, dates: ReadonlyArray<string>, seed: number, start = 10_000, volatility = 0.03): BarColumns => {
  const rnd = prng(seed)
  const n = dates.length
  const open = new Float64Array(n), high = new Float64Array(n), low = new Float64Array(n)
  const close = new Float64Array(n), volume = new Float64Array(n)
  let prev = start
  for (let i = 0; i < n; i++) {
    const o = Math.max(100, Math.round(prev * (1 + (rnd() - 0.5) * volatility)))
    const c = Math.max(100, Math.round(o * (1 + (rnd() - 0.5) * 2 * volatility)))
    open[i] = o
    close[i] = c
    high[i] = Math.max(o, c) + Math.round(rnd() * o * volatility * 0.5)
    low[i] = Math.max(1, Math.min(o, c) - Math.round(rnd() * o * volatility * 0.5))
    volume[i] = 1_000 + Math.floor(rnd() * 100_000)
    prev = c
  }
  return { ticker: code, length: n, dates: dates.map(tradeDate), open, high, low, close, volume }
}

export const tradingDays = (count: number, from = "2020-01-02"): ReadonlyArray<string> => {
  const days = KRX_CALENDAR.tradingDaysBetween(tradeDate(from), tradeDate("2026-12-31"))
  if (days.length < count) throw new Error(`only ${days.length} trading days available`)
  return days.slice(0, count)
}

export const dataSetOf = (columns: ReadonlyArray<BarColumns>): DataSet => ({
  source: "generated",
  symbols: columns.map((c) => ({ ticker: c.ticker, name: c.ticker, instrument: ordinaryStock("KOSPI"), listedOn: undefined, sharesOutstanding: undefined })),
  bars: new Map(columns.map((c) => [c.ticker, c] as const)),
  statements: new Map(),
  warnings: []
})

export const generatedDataSet = (symbols: number, bars: number, seed: number): DataSet => {
  const dates = tradingDays(bars)
  return dataSetOf(Array.from({ length: symbols }, (_, i) => randomBars(symbolCode(i), dates, seed * 1000 + i)))
}

/** Every realism switch off (DESIGN.md §8's comparison settings). */
export const NO_REALISM: MatchRules = { ...REALISTIC_RULES, limitLock: false, volumeCap: undefined, slippage: { _tag: "none" } }

export const simSettings = (costs: CostModel, rules: MatchRules = NO_REALISM, extra: Partial<SimSettings> = {}): SimSettings => ({
  rules,
  fill: "next-open",
  remainder: "keep",
  costs,
  settlementDate: KRX_CALENDAR.settlementDate,
  ...extra
})

export const backtestConfig = (strategy: AnyStrategy, params: unknown, sim: SimSettings, extra: Partial<BacktestConfig> = {}): BacktestConfig => ({
  strategy,
  params,
  initialCash: 10_000_000 as Won,
  sim,
  riskLimits: undefined,
  calendar: KRX_CALENDAR,
  assumptions: {},
  ...extra
})

/** Runs a backtest synchronously (the simulated adapters never suspend). */
export const runSync = (dataSet: DataSet, config: BacktestConfig) => Effect.runSync(runBacktest(dataSet, config))

/**
 * A pure strategy that trades pseudo-randomly from what it sees (seeded by the as-of date and the latest close):
 * every decision kind, market/limit/stop orders, exits. For property tests of the engine, not for profit.
 */
export const randomTrader: AnyStrategy = {
  name: "random-trader",
  description: "pseudo-random decisions for engine tests",
  params: Schema.Struct({}),
  schedule: () => "daily",
  decide: (view, portfolio) => {
    const decisions: Array<Decision> = []
    for (const t of view.universe) {
      const bars = view.bars(t)
      if (bars.length < 2) continue
      const close = bars.close(bars.length - 1)
      const rnd = prng(hashOf(`${view.asOf}:${t}:${close}:${bars.length}`))
      const roll = rnd()
      const held = portfolio.holdings.find((h) => h.ticker === t)?.quantity ?? 0
      const near = (f: number) => roundToTick(close * f, view.instrument(t), view.asOf)
      if (roll < 0.08) {
        decisions.push({ _tag: "Buy", ticker: t, size: { _tag: "Cash", amount: Math.floor(portfolio.cash / 3) as Won }, type: { _tag: "market" },
          exits: { stopLoss: near(0.95), takeProfit: near(1.05) } })
      } else if (roll < 0.14) {
        decisions.push({ _tag: "Buy", ticker: t, size: { _tag: "Shares", quantity: qty(1 + Math.floor(rnd() * 50)) }, type: { _tag: "limit", price: near(0.99) } })
      } else if (roll < 0.18) {
        decisions.push({ _tag: "Buy", ticker: t, size: { _tag: "Shares", quantity: qty(1 + Math.floor(rnd() * 20)) }, type: { _tag: "stop", stopPrice: near(1.02) } })
      } else if (roll < 0.26 && held > 0) {
        decisions.push({ _tag: "Sell", ticker: t, type: { _tag: "market" } })
      } else if (roll < 0.3 && held > 0) {
        decisions.push({ _tag: "Sell", ticker: t, quantity: qty(Math.ceil(held / 2)), type: { _tag: "limit", price: near(1.01) } })
      } else if (roll < 0.34) {
        decisions.push({ _tag: "TargetWeight", ticker: t, weight: rnd() * 0.3 })
      } else if (roll < 0.36) {
        decisions.push({ _tag: "TargetQuantity", ticker: t, quantity: qty(Math.floor(rnd() * 30)) })
      }
    }
    return { decisions }
  }
}

const hashOf = (s: string): number => {
  let h = 2166136261
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619)
  return h >>> 0
}

/** Wraps a strategy to record every decision call (as-of date → decisions) for look-ahead comparisons. */
export const recording = (strategy: AnyStrategy) => {
  const calls = new Map<string, string>()
  const wrapped: AnyStrategy = {
    ...strategy,
    decide: (view, portfolio, params) => {
      const result = strategy.decide(view, portfolio, params)
      calls.set(view.asOf, JSON.stringify(result.decisions))
      return result
    }
  }
  return { strategy: wrapped, calls }
}

/** The data set with every bar after `last` removed (what a run on `last` would have seen). */
export const cutAt = (dataSet: DataSet, last: string): DataSet => ({
  ...dataSet,
  bars: new Map([...dataSet.bars].map(([t, c]) => {
    let n = 0
    while (n < c.length && c.dates[n]! <= last) n++
    return [t, { ...c, length: n, dates: c.dates.slice(0, n), open: c.open.slice(0, n), high: c.high.slice(0, n), low: c.low.slice(0, n), close: c.close.slice(0, n), volume: c.volume.slice(0, n) }] as const
  }))
})

/** The data set with every bar after `last` replaced by a different random walk on the same dates. */
export const rewriteAfter = (dataSet: DataSet, last: string, seed: number): DataSet => ({
  ...dataSet,
  bars: new Map([...dataSet.bars].map(([t, c], k) => {
    const other = randomBars(t, c.dates, seed + 7919 * (k + 1), 3_000, 0.2)
    const pick = (mine: Float64Array, theirs: Float64Array) => Float64Array.from(mine, (v, i) => (c.dates[i]! <= last ? v : theirs[i]!))
    return [t, { ...c, open: pick(c.open, other.open), high: pick(c.high, other.high), low: pick(c.low, other.low), close: pick(c.close, other.close), volume: pick(c.volume, other.volume) }] as const
  }))
})
