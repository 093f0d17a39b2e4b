// Hand-built market data for strategy tests: statements with known numbers, bar series from close paths,
// and an in-memory DataSet viewed through the engine's own as-of view (so tests see what strategies see).
import type { BarColumns, DataSet, SymbolInfo } from "../../src/backtest/data/DataSet.js"
import { makeAsOfView } from "../../src/backtest/asOfView.js"
import type { FinancialStatement } from "../../src/domain/Fundamentals.js"
import { ordinaryStock, type Market } from "../../src/domain/Market.js"
import { ticker, type Ticker } from "../../src/domain/Money.js"
import { addDays, dayOfWeek, tradeDate, type TradeDate } from "../../src/domain/Time.js"
import { type AsOfView, type PortfolioView, portfolioViewOf } from "../../src/strategy/Strategy.js"

export const T1 = ticker("000001"), T2 = ticker("000002"), T3 = ticker("000003")

/** A statement with every amount absent unless given; available from period end + 90 days unless given. */
export const statement = (
  t: Ticker,
  periodEnd: string,
  fields: Partial<Omit<FinancialStatement, "ticker" | "periodEnd">> = {}
): FinancialStatement => ({
  ticker: t,
  periodType: "annual",
  periodEnd: tradeDate(periodEnd),
  availableFrom: addDays(tradeDate(periodEnd), 90),
  filingDateKnown: false,
  ...fields
})

/** Annual statements for fiscal years `from..to` (December year ends), with amounts from `amounts(year)`. */
export const annuals = (
  t: Ticker,
  from: number,
  to: number,
  amounts: (year: number) => Partial<Omit<FinancialStatement, "ticker" | "periodEnd">>
): Array<FinancialStatement> => {
  const out: Array<FinancialStatement> = []
  for (let y = from; y <= to; y++) out.push(statement(t, `${y}-12-31`, amounts(y)))
  return out
}

/** A single quarter ending on `periodEnd`, available 45 days later unless given. */
export const quarter = (
  t: Ticker,
  periodEnd: string,
  fields: Partial<Omit<FinancialStatement, "ticker" | "periodEnd">> = {}
): FinancialStatement =>
  statement(t, periodEnd, { periodType: "quarter", availableFrom: addDays(tradeDate(periodEnd), 45), ...fields })

/** `n` weekdays starting at `from` (holidays ignored: tests need ordered trading days, not the KRX calendar). */
export const weekdays = (from: string, n: number): Array<TradeDate> => {
  const out: Array<TradeDate> = []
  let d = tradeDate(from)
  while (out.length < n) {
    const w = dayOfWeek(d)
    if (w !== 0 && w !== 6) out.push(d)
    d = addDays(d, 1)
  }
  return out
}

/** Bar columns from a close path: open = previous close, high/low around them by `range`, volumes given or constant. */
export const barsFromCloses = (
  t: Ticker,
  closes: ReadonlyArray<number>,
  options: { readonly from?: string; readonly volumes?: ReadonlyArray<number>; readonly range?: number } = {}
): BarColumns => {
  const n = closes.length, range = options.range ?? 0.01
  const dates = weekdays(options.from ?? "2015-01-05", n)
  const open = new Float64Array(n), high = new Float64Array(n), low = new Float64Array(n), close = new Float64Array(n)
  const volume = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    close[i] = closes[i]!
    open[i] = i === 0 ? closes[0]! : closes[i - 1]!
    high[i] = Math.max(open[i]!, close[i]!) * (1 + range)
    low[i] = Math.min(open[i]!, close[i]!) * (1 - range)
    volume[i] = options.volumes?.[i] ?? 1_000_000
  }
  return { ticker: t, length: n, dates, open, high, low, close, volume }
}

/** A DataSet from bars and statements; every symbol on `market` with optional share counts. */
export const dataSetOf = (
  bars: ReadonlyArray<BarColumns>,
  statements: ReadonlyArray<FinancialStatement> = [],
  symbols: ReadonlyArray<{ readonly ticker: Ticker; readonly market?: Market; readonly shares?: number; readonly name?: string }> = []
): DataSet => {
  const info = new Map<Ticker, SymbolInfo>()
  for (const b of bars) info.set(b.ticker, { ticker: b.ticker, name: b.ticker, instrument: ordinaryStock("KOSPI"), listedOn: undefined, sharesOutstanding: undefined })
  for (const s of symbols) {
    info.set(s.ticker, {
      ticker: s.ticker,
      name: s.name ?? s.ticker,
      instrument: ordinaryStock(s.market ?? "KOSPI"),
      listedOn: undefined,
      sharesOutstanding: s.shares
    })
  }
  const byTicker = new Map<Ticker, Array<FinancialStatement>>()
  for (const s of [...statements].sort((a, b) => (a.periodEnd < b.periodEnd ? -1 : a.periodEnd > b.periodEnd ? 1 : 0))) {
    byTicker.set(s.ticker, [...(byTicker.get(s.ticker) ?? []), s])
  }
  return {
    source: "test fixture",
    symbols: [...info.values()],
    bars: new Map(bars.map((b) => [b.ticker, b])),
    statements: byTicker,
    warnings: []
  }
}

/** The view at `asOf` (default: the last bar date of the first symbol). */
export const viewAt = (data: DataSet, asOf?: TradeDate): AsOfView => {
  const first = [...data.bars.values()][0]
  return makeAsOfView(data, asOf ?? first!.dates[first!.length - 1]!)
}

/** A book with cash only, or with the given holdings. */
export const portfolioOf = (
  holdings: PortfolioView["holdings"] = [],
  openOrders: PortfolioView["openOrders"] = []
): PortfolioView => portfolioViewOf({ cash: 100_000_000 as PortfolioView["cash"], equity: 100_000_000 as PortfolioView["equity"], holdings, openOrders })

/**
 * A Graham-solid company: ten growing profitable years 2015–2024, dividends, current ratio 3, long-term debt well
 * below net current assets.
 */
export const solidAnnuals = (t: Ticker) => annuals(t, 2015, 2024, (y) => ({
  netIncome: (10 + (y - 2015)) * 1e9,
  dividendPerShare: 100,
  totalEquity: 2000e8,
  currentAssets: 3000e8,
  currentLiabilities: 1000e8,
  longTermLiabilities: 500e8,
  totalLiabilities: 1500e8,
  totalAssets: 3500e8
}))
