// Performance metrics of a backtest, computed from its BacktestResult alone: returns, risk, drawdown, trade
// statistics, costs and the benchmark comparison. Pure functions; an undefined ratio is null, never NaN.
import { Either } from "effect"
import { InvalidDomainValue, showValue } from "../domain/errors.js"
import type { Won } from "../domain/Money.js"
import type { TradeDate } from "../domain/Time.js"
import type { BacktestResult } from "./BacktestResult.js"

/** Trading days per year, used to annualize daily statistics and to turn the day count into years. */
export const TRADING_DAYS_PER_YEAR = 252

export interface MetricsOptions {
  /** Annual risk-free rate as a fraction (0.035 = 3.5 %); default 0. Compounded down to a daily rate. */
  readonly riskFreeRate?: number
}

/** The deepest fall of equity below a previous high, and how long it took to get back to that high. */
export interface DrawdownEpisode {
  /** Fraction below the peak, 0..1 (0.25 = equity fell 25 % from its high). */
  readonly depth: number
  /** Date of the high; the run's start date when the high is the initial cash. */
  readonly peakDate: TradeDate
  readonly troughDate: TradeDate
  /** First date back at or above the high; null when the run ended under water. */
  readonly recoveryDate: TradeDate | null
  /** Trading days from the peak to the recovery (or to the last day when not recovered). */
  readonly durationTradingDays: number
  /** Calendar days from the peak date to the recovery date (or to the last day when not recovered). */
  readonly durationCalendarDays: number
}

/**
 * Every figure of the summary. Returns and rates are fractions (0.12 = 12 %). Annualized figures use
 * TRADING_DAYS_PER_YEAR on a trading-day basis: the run spans `tradingDays / 252` years. Daily returns start
 * from the initial cash, so a run of n equity points has n daily returns.
 */
export interface Metrics {
  readonly startDate: TradeDate | null
  readonly endDate: TradeDate | null
  readonly tradingDays: number
  readonly initialCash: Won
  readonly finalEquity: Won
  readonly totalReturn: number
  /** Compound annual growth rate: (1 + totalReturn)^(252 / tradingDays) − 1. */
  readonly cagr: number | null
  /** Sample standard deviation of daily returns × √252. */
  readonly annualVolatility: number | null
  /** Mean daily excess return / its sample standard deviation × √252; null when volatility is zero. */
  readonly sharpe: number | null
  /** Mean daily excess return / downside deviation (below the daily risk-free rate) × √252; null without down days. */
  readonly sortino: number | null
  /** null when equity never fell below a previous high. */
  readonly maxDrawdown: DrawdownEpisode | null
  /** CAGR / max drawdown depth. */
  readonly calmar: number | null
  /** Round trips with an exit. */
  readonly closedTrades: number
  /** Positions still held at the end (marked at the last close, not counted in trade statistics). */
  readonly openTrades: number
  /** Share of closed trades with pnl > 0. */
  readonly winRate: number | null
  /** Gross profit / gross loss of closed trades; null when no trade lost. */
  readonly profitFactor: number | null
  /** Mean net pnl per closed trade, in won. */
  readonly expectancy: number | null
  /** System quality number: √N × mean(pnl) / sample stdev(pnl) over closed trades. */
  readonly sqn: number | null
  readonly averageHoldingDays: number | null
  /** Average fraction of equity invested, over the equity points. */
  readonly exposure: number | null
  /** Traded notional (buys + sells) / average equity, per year. */
  readonly turnover: number | null
  readonly tradedNotional: Won
  readonly commissions: Won
  readonly taxes: Won
  readonly orders: number
  readonly fills: number
  readonly benchmarkReturn: number | null
  readonly benchmarkCagr: number | null
  /** Jensen's alpha: intercept of daily excess returns regressed on the benchmark's, × 252. */
  readonly alpha: number | null
  /** Slope of daily returns regressed on the benchmark's daily returns. */
  readonly beta: number | null
  readonly riskFreeRate: number
}

/** One calendar year of monthly returns; a month without equity points is null. */
export interface MonthlyReturnsRow {
  readonly year: number
  /** Index 0 = January. */
  readonly months: ReadonlyArray<number | null>
  /** Compounded return of the year (the months present). */
  readonly total: number
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null)

const sum = (xs: ReadonlyArray<number>): number => {
  let s = 0
  for (const x of xs) s += x
  return s
}
const mean = (xs: ReadonlyArray<number>): number => sum(xs) / xs.length

/** Sample standard deviation (n − 1); NaN below two values. */
const sampleStdDev = (xs: ReadonlyArray<number>): number => {
  if (xs.length < 2) return NaN
  const m = mean(xs)
  let ss = 0
  for (const x of xs) ss += (x - m) ** 2
  return Math.sqrt(ss / (xs.length - 1))
}

/** Values relative to the previous one, starting from `start`. A zero previous value (wiped out) yields 0. */
const returnsFrom = (start: number, values: ReadonlyArray<number>): Array<number> => {
  const out = new Array<number>(values.length)
  let prev = start
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    out[i] = prev > 0 ? v / prev - 1 : 0
    prev = v
  }
  return out
}

/** Daily returns of the strategy's equity, the first one measured from the initial cash. */
export const dailyReturns = (result: BacktestResult): Array<number> =>
  returnsFrom(result.settings.initialCash, result.equity.map((p) => p.equity))

const annualize = (totalReturn: number, days: number): number | null =>
  days > 0 && totalReturn > -1 ? finiteOrNull((1 + totalReturn) ** (TRADING_DAYS_PER_YEAR / days) - 1) : null

const calendarDaysBetween = (from: TradeDate, to: TradeDate): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000)

/** Fraction below the running high at each equity point (0 at a new high); the high starts at the initial cash. */
export const drawdownSeries = (result: BacktestResult): Array<number> => {
  let peak: number = result.settings.initialCash
  return result.equity.map((p) => {
    peak = Math.max(peak, p.equity)
    return peak > 0 ? 1 - p.equity / peak : 0
  })
}

/** The deepest drawdown. Index −1 stands for the initial cash before the first equity point. */
export const maxDrawdownEpisode = (result: BacktestResult): DrawdownEpisode | null => {
  const points = result.equity
  const dateAt = (i: number): TradeDate => (i < 0 ? result.settings.from : points[i]!.date)
  let peak: number = result.settings.initialCash, peakIndex = -1
  let worst = 0, worstPeakIndex = -1, troughIndex = -1
  for (let i = 0; i < points.length; i++) {
    const v = points[i]!.equity
    if (v >= peak) {
      peak = v
      peakIndex = i
    } else if (peak > 0 && 1 - v / peak > worst) {
      worst = 1 - v / peak
      worstPeakIndex = peakIndex
      troughIndex = i
    }
  }
  if (worst <= 0) return null
  const peakValue = worstPeakIndex < 0 ? result.settings.initialCash : points[worstPeakIndex]!.equity
  let recoveryIndex = -1
  for (let i = troughIndex + 1; i < points.length; i++) {
    if (points[i]!.equity >= peakValue) {
      recoveryIndex = i
      break
    }
  }
  const endIndex = recoveryIndex >= 0 ? recoveryIndex : points.length - 1
  return {
    depth: worst,
    peakDate: dateAt(worstPeakIndex),
    troughDate: dateAt(troughIndex),
    recoveryDate: recoveryIndex >= 0 ? dateAt(recoveryIndex) : null,
    durationTradingDays: endIndex - worstPeakIndex,
    durationCalendarDays: calendarDaysBetween(dateAt(worstPeakIndex), dateAt(endIndex))
  }
}

/** Intercept and slope of the least-squares line y = a + b·x; null when x does not vary. */
const regress = (x: ReadonlyArray<number>, y: ReadonlyArray<number>): { readonly intercept: number; readonly slope: number } | null => {
  if (x.length < 2) return null
  const mx = mean(x), my = mean(y)
  let sxy = 0, sxx = 0
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my)
    sxx += (x[i]! - mx) ** 2
  }
  if (sxx === 0) return null
  const slope = sxy / sxx
  return { intercept: my - slope * mx, slope }
}

/** The benchmark counts only when every point has a positive finite value (0 or NaN marks "no benchmark"). */
export const hasUsableBenchmark = (result: BacktestResult): boolean =>
  result.equity.length > 0 && result.equity.every((p) => Number.isFinite(p.benchmark) && p.benchmark > 0)

/** All metrics of a run. Expects a result that passes `checkBacktestResult`. */
export const computeMetrics = (result: BacktestResult, options: MetricsOptions = {}): Metrics => {
  const { settings, equity, trades, fills } = result
  const riskFreeRate = options.riskFreeRate ?? 0
  const dailyRiskFree = (1 + riskFreeRate) ** (1 / TRADING_DAYS_PER_YEAR) - 1
  const n = equity.length
  const initialCash = settings.initialCash
  const finalEquity = (n > 0 ? equity[n - 1]!.equity : initialCash) as Won
  const totalReturn = finalEquity / initialCash - 1

  const returns = dailyReturns(result)
  const excess = returns.map((r) => r - dailyRiskFree)
  const dailySd = sampleStdDev(returns)
  const meanExcess = n > 0 ? mean(excess) : NaN
  const downsideDev = Math.sqrt(sum(excess.map((r) => Math.min(0, r) ** 2)) / n)
  const sqrtYear = Math.sqrt(TRADING_DAYS_PER_YEAR)
  const cagr = annualize(totalReturn, n)
  const maxDrawdown = maxDrawdownEpisode(result)

  const closed = trades.filter((t) => t.exitDate !== undefined)
  const pnls = closed.map((t) => t.pnl as number)
  const grossProfit = sum(pnls.filter((p) => p > 0))
  const grossLoss = -sum(pnls.filter((p) => p < 0))
  const pnlSd = sampleStdDev(pnls)

  const tradedNotional = sum(fills.map((f) => f.quantity * f.price))
  const averageEquity = n > 0 ? mean(equity.map((p) => p.equity)) : NaN

  const benchmark = hasUsableBenchmark(result) ? equity.map((p) => p.benchmark) : null
  const benchmarkReturn = benchmark === null ? null : benchmark[benchmark.length - 1]! / initialCash - 1
  const fit = benchmark === null
    ? null
    : regress(returnsFrom(initialCash, benchmark).map((r) => r - dailyRiskFree), excess)

  return {
    startDate: n > 0 ? equity[0]!.date : null,
    endDate: n > 0 ? equity[n - 1]!.date : null,
    tradingDays: n,
    initialCash,
    finalEquity,
    totalReturn,
    cagr,
    annualVolatility: finiteOrNull(dailySd * sqrtYear),
    sharpe: dailySd > 0 ? finiteOrNull((meanExcess / dailySd) * sqrtYear) : null,
    sortino: n >= 2 && downsideDev > 0 ? finiteOrNull((meanExcess / downsideDev) * sqrtYear) : null,
    maxDrawdown,
    calmar: cagr !== null && maxDrawdown !== null ? finiteOrNull(cagr / maxDrawdown.depth) : null,
    closedTrades: closed.length,
    openTrades: trades.length - closed.length,
    winRate: closed.length > 0 ? pnls.filter((p) => p > 0).length / closed.length : null,
    profitFactor: grossLoss > 0 ? grossProfit / grossLoss : null,
    expectancy: closed.length > 0 ? mean(pnls) : null,
    sqn: pnlSd > 0 ? finiteOrNull((Math.sqrt(pnls.length) * mean(pnls)) / pnlSd) : null,
    averageHoldingDays: closed.length > 0 ? mean(closed.map((t) => t.holdingDays)) : null,
    exposure: n > 0 ? finiteOrNull(mean(equity.map((p) => p.exposure))) : null,
    turnover: averageEquity > 0 ? finiteOrNull(tradedNotional / averageEquity / (n / TRADING_DAYS_PER_YEAR)) : null,
    tradedNotional: tradedNotional as Won,
    commissions: sum(fills.map((f) => f.commission)) as Won,
    taxes: sum(fills.map((f) => f.tax)) as Won,
    orders: result.orders.length,
    fills: fills.length,
    benchmarkReturn,
    benchmarkCagr: benchmarkReturn === null ? null : annualize(benchmarkReturn, n),
    alpha: fit === null ? null : finiteOrNull(fit.intercept * TRADING_DAYS_PER_YEAR),
    beta: fit === null ? null : finiteOrNull(fit.slope),
    riskFreeRate
  }
}

/** Returns per calendar month (month-end equity / previous month-end − 1, the first from the initial cash), by year. */
export const monthlyReturns = (result: BacktestResult): Array<MonthlyReturnsRow> => {
  const rows: Array<{ year: number; months: Array<number | null>; total: number }> = []
  let prevMonthEnd: number = result.settings.initialCash
  let yearStart = prevMonthEnd
  const points = result.equity
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!
    const next = points[i + 1]
    const month = p.date.slice(0, 7)
    if (next !== undefined && next.date.slice(0, 7) === month) continue
    const year = Number(p.date.slice(0, 4))
    let row = rows[rows.length - 1]
    if (row === undefined || row.year !== year) {
      row = { year, months: new Array<number | null>(12).fill(null), total: 0 }
      rows.push(row)
      yearStart = prevMonthEnd
    }
    row.months[Number(p.date.slice(5, 7)) - 1] = prevMonthEnd > 0 ? p.equity / prevMonthEnd - 1 : 0
    row.total = yearStart > 0 ? p.equity / yearStart - 1 : 0
    prevMonthEnd = p.equity
  }
  return rows
}

/**
 * Checks what the metrics rely on: positive initial cash, strictly ascending equity dates, finite non-negative
 * equity and cash, exposure within 0..1 and finite fills. Names the first offending field.
 */
export const checkBacktestResult = (result: BacktestResult): Either.Either<BacktestResult, InvalidDomainValue> => {
  const bad = (field: string, value: unknown, rule: string) =>
    Either.left(new InvalidDomainValue({ field: `backtest result ${field}`, value: showValue(value), rule }))
  const initialCash = result.settings.initialCash
  if (!Number.isSafeInteger(initialCash) || initialCash <= 0) return bad("settings.initialCash", initialCash, "must be a positive integer number of won")
  for (let i = 0; i < result.equity.length; i++) {
    const p = result.equity[i]!
    const prev = result.equity[i - 1]
    if (prev !== undefined && !(p.date > prev.date)) return bad(`equity[${i}].date`, p.date, `must come after ${prev.date} (ascending, one point per day)`)
    if (!Number.isFinite(p.equity) || p.equity < 0) return bad(`equity[${i}].equity`, p.equity, "must be a finite amount ≥ 0")
    if (!Number.isFinite(p.cash)) return bad(`equity[${i}].cash`, p.cash, "must be finite")
    if (!(p.exposure >= 0 && p.exposure <= 1.000001)) return bad(`equity[${i}].exposure`, p.exposure, "must be within 0..1")
  }
  for (let i = 0; i < result.fills.length; i++) {
    const f = result.fills[i]!
    if (![f.quantity, f.price, f.commission, f.tax].every(Number.isFinite)) return bad(`fills[${i}]`, f, "quantity, price, commission and tax must be finite")
  }
  return Either.right(result)
}
