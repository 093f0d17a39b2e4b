// The strategy's as-of view in live trading, built from MarketData (daily bars up to the as-of day, statements, the
// listing) into the same DataSet shape backtests load, then viewed through the backtest's own makeAsOfView: one view,
// two sources.
import { Effect } from "effect"
import { indexDataSet, makeAsOfView } from "../backtest/asOfView.js"
import type { BarColumns, DataSet, SymbolInfo } from "../backtest/data/DataSet.js"
import type { Bar } from "../domain/Bar.js"
import type { FinancialStatement } from "../domain/Fundamentals.js"
import type { Ticker } from "../domain/Money.js"
import { addDays, type TradeDate } from "../domain/Time.js"
import { MarketData } from "../services/MarketData.js"
import type { AsOfView } from "../strategy/Strategy.js"

const toColumns = (ticker: Ticker, bars: ReadonlyArray<Bar>): BarColumns => ({
  ticker,
  length: bars.length,
  dates: bars.map((b) => b.date),
  open: Float64Array.from(bars, (b) => b.open),
  high: Float64Array.from(bars, (b) => b.high),
  low: Float64Array.from(bars, (b) => b.low),
  close: Float64Array.from(bars, (b) => b.close),
  volume: Float64Array.from(bars, (b) => b.volume)
})

/** Calendar days of history fetched for `bars` trading days of warm-up (about 250 trading days a year, plus holidays). */
const historyDays = (bars: number): number => Math.ceil(bars * 1.5) + 14

/** Loads the universe's bars up to `asOf` and its statements, and returns the view at the close of `asOf`. */
export const loadAsOfView = Effect.fn("liveView.load")(function* (universe: ReadonlyArray<Ticker>, asOf: TradeDate, warmupBars: number) {
  const data = yield* MarketData
  const from = addDays(asOf, -historyDays(Math.max(warmupBars, 1)))
  const bars = new Map<Ticker, BarColumns>()
  const statements = new Map<Ticker, ReadonlyArray<FinancialStatement>>()
  const symbols: Array<SymbolInfo> = []
  for (const ticker of universe) {
    const rows = yield* data.dailyBars(ticker, from, asOf)
    bars.set(ticker, toColumns(ticker, rows.filter((b) => b.date <= asOf)))
    // statements are optional input: a mock account answers 90000000 for them, and price-only strategies never ask
    statements.set(ticker, yield* data.statements(ticker).pipe(Effect.orElseSucceed((): ReadonlyArray<FinancialStatement> => [])))
    // market and listed shares; without a listing (mock server, a source with none) the view's defaults apply
    if (data.listing !== undefined) {
      const listing = yield* data.listing(ticker).pipe(Effect.option)
      if (listing._tag === "Some") symbols.push({ ticker, ...listing.value })
    }
  }
  const dataSet: DataSet = { source: "live market data", symbols, bars, statements, warnings: [] }
  return makeAsOfView(indexDataSet(dataSet, universe), asOf) satisfies AsOfView
})
