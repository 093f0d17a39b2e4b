// The MarketData port over the KIS quote and finance APIs: the current quote, adjusted daily bars walked back
// 100 rows per call, and point-in-time statements converted exactly as the backtest loader converts data/finance.
import { Chunk, Effect, Layer, Schema, Stream } from "effect"
import { KisFinanceFile } from "../../backtest/data/kisWire.js"
import { DEFAULT_LAGS, statementsFromKis } from "../../backtest/data/statements.js"
import type { Ticker } from "../../domain/Money.js"
import type { TradeDate } from "../../domain/Time.js"
import { MarketDataUnavailable } from "../../services/errors.js"
import { MarketClock } from "../../services/MarketClock.js"
import { MarketData } from "../../services/MarketData.js"
import { basicQuotes } from "../catalog/index.js"
import { KisClient } from "../KisClient.js"
import { toBars, toQuote } from "../mappers.js"
import { dailyChartPages, fetchFinanceFile } from "./history.js"

/**
 * Fiscal year-end month assumed for the quarterly year-to-date differencing: December, as for almost every KRX
 * listing. `fetch-data` records the real month (search-stock-info `setl_mmdd`) in the universe file for replay.
 */
const FISCAL_YEAR_END_MONTH = 12

const unavailable = (ticker: string) => (e: { readonly message: string }) => new MarketDataUnavailable({ ticker, message: e.message })

export const KisMarketDataLive: Layer.Layer<MarketData, never, KisClient | MarketClock> = Layer.effect(
  MarketData,
  Effect.gen(function* () {
    const kis = yield* KisClient
    const clock = yield* MarketClock
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
          const wire = yield* fetchFinanceFile(kis, ticker)
          const file = yield* Schema.decode(KisFinanceFile)(wire)
          const today = yield* clock.today
          return statementsFromKis(ticker, file, FISCAL_YEAR_END_MONTH, DEFAULT_LAGS).filter((s) => s.availableFrom <= today)
        }).pipe(Effect.mapError(unavailable(ticker)), Effect.withSpan("KisMarketData.statements"))
    })
  })
)
