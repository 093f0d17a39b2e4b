// `fetch-data --symbols 005930,000660 --from 2015-01-01 [--to] [--financials] [--data-dir data]`: downloads KIS
// history into the data folder the backtester loads, resuming where an earlier run stopped; progress on stderr.
import { Command, Options } from "@effect/cli"
import { Console, Effect, Layer, Option, Schema } from "effect"
import { Ticker } from "../domain/Money.js"
import { TradeDate } from "../domain/Time.js"
import { fetchData } from "../fetch/fetchData.js"
import { streamProgress } from "../fetch/progress.js"
import { KisClient, RedactKisHeaders } from "../kis/KisClient.js"
import { KisConfigLive } from "../kis/KisConfig.js"

/** "005930, 000660" → two tickers; each must be a 6-character KRX code. */
const TickerList = Schema.compose(Schema.split(","), Schema.Array(Schema.compose(Schema.Trim, Ticker)))

const options = {
  symbols: Options.text("symbols").pipe(Options.withSchema(TickerList), Options.withDescription("comma-separated KRX codes, e.g. 005930,000660")),
  from: Options.text("from").pipe(Options.withSchema(TradeDate), Options.withDescription("first day wanted, YYYY-MM-DD")),
  to: Options.text("to").pipe(Options.withSchema(TradeDate), Options.optional, Options.withDescription("last day wanted, YYYY-MM-DD (default: the last finished session)")),
  financials: Options.boolean("financials").pipe(Options.withDescription("also fetch balance sheets and income statements (real KIS only)")),
  dataDir: Options.text("data-dir").pipe(Options.withDefault("data"), Options.withDescription("history folder the backtester loads"))
}

/** One KisClient (one rate limiter) from KIS_* settings, with credential headers redacted in logs. */
export const FetchDataKisLive = Layer.merge(
  KisClient.Default.pipe(Layer.provide(KisConfigLive)),
  RedactKisHeaders
)

export const fetchDataCommand = Command.make("fetch-data", options, (args) =>
  Effect.gen(function* () {
    const reports = yield* fetchData({
      symbols: args.symbols,
      from: args.from,
      ...Option.match(args.to, { onNone: () => ({}), onSome: (to) => ({ to }) }),
      financials: args.financials,
      dataDir: args.dataDir,
      progress: streamProgress()
    })
    for (const r of reports) {
      yield* Console.log(`${r.ticker}: ${r.barsAdded} new bars from ${r.chartRequests} chart requests; statements ${r.financials}`)
    }
  }).pipe(Effect.provide(FetchDataKisLive))
).pipe(Command.withDescription("Download daily charts and financial statements from KIS into the data folder (resumable)"))
