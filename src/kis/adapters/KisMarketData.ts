// The MarketData port over the KIS quote, stock-info and finance APIs: the current quote, adjusted daily bars walked
// back 100 rows per call, the listing (search-stock-info), and point-in-time statements with dividends (ksdinfo)
// converted exactly as the backtest loader converts data/finance and data/universe.json.
import { Chunk, Effect, Layer, Schema, Stream } from "effect"
import { KisFinanceFile, type KisUniverseRow } from "../../backtest/data/kisWire.js"
import { DEFAULT_LAGS, statementsFromKis } from "../../backtest/data/statements.js"
import type { Ticker } from "../../domain/Money.js"
import type { TradeDate } from "../../domain/Time.js"
import { MarketDataUnavailable } from "../../services/errors.js"
import { MarketClock } from "../../services/MarketClock.js"
import { MarketData } from "../../services/MarketData.js"
import { basicQuotes, stockInfo } from "../catalog/index.js"
import { KisClient } from "../KisClient.js"
import { fiscalYearEndMonthOf, toBars, toListing, toQuote, toUniverseRow } from "../mappers.js"
import { dailyChartPages, fetchFinanceFile } from "./history.js"

const unavailable = (ticker: string) => (e: { readonly message: string }) => new MarketDataUnavailable({ ticker, message: e.message })

export const KisMarketDataLive: Layer.Layer<MarketData, never, KisClient | MarketClock> = Layer.effect(
  MarketData,
  Effect.gen(function* () {
    const kis = yield* KisClient
    const clock = yield* MarketClock
    // search-stock-info answers the same all day: one call per symbol and trading day serves listing and statements
    let rowsDay: TradeDate | undefined
    const rows = new Map<Ticker, KisUniverseRow>()
    const universeRow = (ticker: Ticker) =>
      Effect.gen(function* () {
        const today = yield* clock.today
        if (today !== rowsDay) {
          rows.clear()
          rowsDay = today
        }
        const known = rows.get(ticker)
        if (known !== undefined) return known
        const row = yield* Effect.flatMap(kis.call(stockInfo.searchStockInfo, { PRDT_TYPE_CD: "300", PDNO: ticker }), (r) => toUniverseRow(r.output))
        rows.set(ticker, row)
        return row
      })
    return MarketData.of({
      quote: (ticker: Ticker) =>
        Effect.gen(function* () {
          const response = yield* kis.call(basicQuotes.inquirePrice, { FID_COND_MRKT_DIV_CODE: "J", FID_INPUT_ISCD: ticker })
          if (response.output === undefined) {
            return yield* Effect.fail(new MarketDataUnavailable({ ticker, message: `inquire-price returned no quote (${response.msg_cd} ${response.msg1})` }))
          }
          return yield* toQuote(ticker, response.output, yield* clock.now)
        }).pipe(Effect.mapError(unavailable(ticker)), Effect.withSpan("KisMarketData.quote")),

      dailyBars: (ticker: Ticker, from: TradeDate, to: TradeDate) =>
        Effect.gen(function* () {
          const today = yield* clock.today
          const end = to < today ? to : today
          if (end < from) return []
          const pages = yield* Stream.runCollect(dailyChartPages(kis, ticker, from, end))
          return yield* toBars(Chunk.toReadonlyArray(pages).flatMap((p) => p.rows))
        }).pipe(Effect.mapError(unavailable(ticker)), Effect.withSpan("KisMarketData.dailyBars")),

      statements: (ticker: Ticker) =>
        Effect.gen(function* () {
          const today = yield* clock.today
          // the fiscal year end decides the quarterly year-to-date differencing, as setl_mmdd does in replay
          const fiscalYearEnd = fiscalYearEndMonthOf(yield* universeRow(ticker))
          const file = yield* Schema.decode(KisFinanceFile)(yield* fetchFinanceFile(kis, ticker, today))
          return statementsFromKis(ticker, file, fiscalYearEnd, DEFAULT_LAGS).filter((s) => s.availableFrom <= today)
        }).pipe(Effect.mapError(unavailable(ticker)), Effect.withSpan("KisMarketData.statements")),

      listing: (ticker: Ticker) =>
        universeRow(ticker).pipe(Effect.map(toListing), Effect.mapError(unavailable(ticker)), Effect.withSpan("KisMarketData.listing"))
    })
  })
)
