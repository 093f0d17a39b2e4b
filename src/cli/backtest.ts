// `backtest <strategy>`: loads history, runs the strategy on the simulated exchange, then prints a summary table
// and writes the HTML report, or with --json prints one JSON document (summary + trades) and nothing else.
import { Args, Command, Options } from "@effect/cli"
import { Path } from "@effect/platform"
import { Clock, Console, Effect, Either, HashMap, Option, Schema } from "effect"
import { STRATEGIES, strategyNames } from "../../strategies/index.js"
import type { BacktestResult } from "../backtest/BacktestResult.js"
import { readBenchmarkCsv } from "../backtest/benchmark.js"
import type { DataLoadError } from "../backtest/data/DataLoadError.js"
import type { DataSet } from "../backtest/data/DataSet.js"
import { loadDataSet } from "../backtest/data/load.js"
import { computeMetrics } from "../backtest/metrics.js"
import { assumptionsOf, BACKTEST_RISK_LIMITS, DEFAULT_SWITCHES, simSettingsOf, type SimSwitches } from "../backtest/options.js"
import { formatSummaryTable } from "../backtest/report/summaryTable.js"
import { reportDirName, writeReport } from "../backtest/report/writeReport.js"
import { runBacktest } from "../backtest/runBacktest.js"
import { KRX_CALENDAR } from "../domain/krx/calendar.js"
import { makeTicker, type Ticker, type Won } from "../domain/Money.js"
import { makeTradeDate, type TradeDate } from "../domain/Time.js"
import { UsageError } from "./UsageError.js"


const optionalText = (name: string, description: string) => Options.text(name).pipe(Options.withDescription(description), Options.optional)

const options = {
  strategy: Args.text({ name: "strategy" }).pipe(Args.withDescription(`one of: ${strategyNames().join(", ")}`)),
  from: optionalText("from", "first trading day replayed, YYYY-MM-DD (earlier bars still warm the strategy up)"),
  to: optionalText("to", "last trading day replayed, YYYY-MM-DD"),
  symbols: optionalText("symbols", "comma-separated codes to trade, e.g. 005930,000660 (default: the strategy's universe or every symbol)"),
  cash: Options.integer("cash").pipe(Options.withDefault(10_000_000), Options.withDescription("initial cash in won")),
  dataDir: Options.text("data-dir").pipe(Options.withDefault("data"), Options.withDescription("history folder")),
  costs: Options.choice("costs", ["krx", "zero"]).pipe(Options.withDefault("krx" as const), Options.withDescription("krx: 0.015 % commission and the dated sell tax; zero: no costs")),
  commission: Options.float("commission").pipe(Options.optional, Options.withDescription("flat commission rate, e.g. 0.00015")),
  tax: Options.float("tax").pipe(Options.optional, Options.withDescription("flat sell-tax rate overriding the schedule, e.g. 0.002")),
  fill: Options.choice("fill", ["next-open", "close"]).pipe(Options.withDefault("next-open" as const), Options.withDescription("when market orders decided at a close fill")),
  slippage: Options.text("slippage").pipe(Options.withDefault(DEFAULT_SWITCHES.slippage), Options.withDescription("0, <n>t ticks or <n>bps, against the trader")),
  volumeCap: Options.text("volume-cap").pipe(Options.withDefault(DEFAULT_SWITCHES.volumeCap), Options.withDescription("share of a bar's volume one order may take: 10%, 0.05 or off")),
  remainder: Options.choice("remainder", ["keep", "cancel"]).pipe(Options.withDefault("keep" as const), Options.withDescription("shares a volume cap left unfilled: keep them open or cancel")),
  limitLock: Options.choice("limit-lock", ["on", "off"]).pipe(Options.withDefault("on" as const), Options.withDescription("no buys on bars locked limit-up, no sells limit-down")),
  risk: Options.choice("risk", ["off", "on"]).pipe(Options.withDefault("off" as const), Options.withDescription("check every order against the default risk limits")),
  benchmark: optionalText("benchmark", "index CSV (date,close) to compare with; default equal-weight buy-and-hold of the universe"),
  params: Options.keyValueMap("params").pipe(Options.optional, Options.withDescription("strategy parameters, k=v")),
  json: Options.boolean("json").pipe(Options.withDescription("print one JSON document (summary, trades) to stdout")),
  out: optionalText("out", "report folder (default reports/<strategy>-<timestamp>)")
}

type BacktestArgs = Command.Command.ParseConfig<typeof options>

const usage = (message: string) => new UsageError({ message })

const parseDate = (flag: string, value: Option.Option<string>): Effect.Effect<TradeDate | undefined, UsageError> =>
  Option.match(value, {
    onNone: () => Effect.succeed(undefined),
    onSome: (text) =>
      Either.match(makeTradeDate(text, flag), {
        onLeft: () => Effect.fail(usage(`${flag} ${JSON.stringify(text)} is not a date: expected YYYY-MM-DD`)),
        onRight: Effect.succeed
      })
  })

const parseSymbols = (value: Option.Option<string>): Effect.Effect<ReadonlyArray<Ticker> | undefined, UsageError> =>
  Option.match(value, {
    onNone: () => Effect.succeed(undefined),
    onSome: (text) =>
      Effect.forEach(text.split(",").map((s) => s.trim()).filter((s) => s !== ""), (code) =>
        Either.match(makeTicker(code), {
          onLeft: () => Effect.fail(usage(`unknown symbol ${JSON.stringify(code)}: expected a 6-character KRX code like 005930`)),
          onRight: Effect.succeed
        }))
  })

/** One JSON-ready summary: the run's settings and every metric. */
const summaryOf = (result: BacktestResult) => ({
  strategy: result.settings.strategy,
  params: result.settings.params,
  symbols: result.settings.symbols,
  dataSource: result.settings.dataSource,
  assumptions: result.settings.assumptions,
  ...computeMetrics(result)
})

const tradesOf = (result: BacktestResult) =>
  result.trades.map((t) => ({
    symbol: t.ticker,
    entryDate: t.entryDate,
    entryPrice: t.entryPrice,
    exitDate: t.exitDate ?? null,
    exitPrice: t.exitPrice ?? null,
    quantity: t.quantity,
    pnl: t.pnl
  }))

/** Progress on stderr, only for a terminal and never with --json. */
const progressBar = (enabled: boolean) => {
  if (!enabled) return undefined
  let shown = -1
  return (done: number, total: number) => {
    const pct = Math.floor((done / total) * 100)
    if (pct === shown) return
    shown = pct
    const width = 30
    const filled = Math.round((pct / 100) * width)
    process.stderr.write(`\r[${"#".repeat(filled)}${" ".repeat(width - filled)}] ${pct}% ${done}/${total} days`)
    if (done === total) process.stderr.write("\r\u001b[K")
  }
}

/** First and last day with a bar anywhere in the data set, or undefined when it has none. */
const dateRangeOf = (dataSet: DataSet): { readonly first: TradeDate; readonly last: TradeDate } | undefined => {
  let first: TradeDate | undefined, last: TradeDate | undefined
  for (const bars of dataSet.bars.values()) {
    if (bars.length === 0) continue
    const a = bars.dates[0]!, b = bars.dates[bars.length - 1]!
    if (first === undefined || a < first) first = a
    if (last === undefined || b > last) last = b
  }
  return first === undefined || last === undefined ? undefined : { first, last }
}

export const runBacktestCommand = (args: BacktestArgs) =>
  Effect.gen(function* () {
    const strategy = STRATEGIES.get(args.strategy)
    if (strategy === undefined) {
      return yield* usage(`unknown strategy ${JSON.stringify(args.strategy)}: choose one of ${strategyNames().join(", ")}`)
    }
    const from = yield* parseDate("--from", args.from)
    const to = yield* parseDate("--to", args.to)
    if (from !== undefined && to !== undefined && from > to) return yield* usage(`--from ${from} is after --to ${to}`)
    const symbols = yield* parseSymbols(args.symbols)
    if (!(args.cash > 0)) return yield* usage(`--cash ${args.cash} must be a positive number of won`)
    const rawParams = Object.fromEntries(Option.match(args.params, { onNone: () => [], onSome: (m) => [...HashMap.entries(m)] }))
    const params = yield* Schema.decodeUnknown(strategy.params)(rawParams).pipe(
      Effect.mapError((e) => usage(`bad --params for ${strategy.name}: ${e.message.replaceAll("\n", " ")}`))
    )
    const switches: SimSwitches = {
      costs: args.costs,
      commission: Option.getOrUndefined(args.commission),
      tax: Option.getOrUndefined(args.tax),
      fill: args.fill,
      slippage: args.slippage,
      volumeCap: args.volumeCap,
      remainder: args.remainder,
      limitLock: args.limitLock === "on"
    }
    const sim = yield* Either.mapLeft(simSettingsOf(switches, KRX_CALENDAR), (e) => usage(e.message))
    const benchmark = yield* Option.match(args.benchmark, {
      onNone: () => Effect.succeed(undefined),
      onSome: (file) => readBenchmarkCsv(file)
    })
    const dataSet = yield* loadDataSet(args.dataDir, {
      ...(symbols === undefined ? {} : { symbols }),
      ...(to === undefined ? {} : { to })
    }).pipe(
      Effect.catchTag("DataLoadError", (e): Effect.Effect<never, DataLoadError | UsageError> =>
        e.field === "symbol" ? Effect.fail(usage(`unknown symbol ${e.value ?? "?"}: no history for it in ${args.dataDir}`)) : Effect.fail(e))
    )
    const range = dateRangeOf(dataSet)
    if (range === undefined) return yield* usage(`no bar in ${args.dataDir}${to === undefined ? "" : ` on or before --to ${to}`}`)
    if (from !== undefined && from > range.last) return yield* usage(`--from ${from} is after the last day of ${args.dataDir}, ${range.last}`)
    const riskOn = args.risk === "on"
    const result = yield* runBacktest(dataSet, {
      strategy,
      params,
      from,
      to,
      symbols,
      initialCash: args.cash as Won,
      sim,
      riskLimits: riskOn ? BACKTEST_RISK_LIMITS : undefined,
      calendar: KRX_CALENDAR,
      benchmark,
      assumptions: assumptionsOf(switches, sim, riskOn),
      onDay: progressBar(!args.json && process.stderr.isTTY === true)
    }).pipe(Effect.catchTag("BacktestSetupError", (e) => Effect.fail(usage(e.message))))

    if (args.json) {
      yield* Console.log(JSON.stringify({ summary: summaryOf(result), trades: tradesOf(result) }))
      return
    }
    yield* Console.log(formatSummaryTable(computeMetrics(result), result))
    const dir = yield* Option.match(args.out, {
      onSome: Effect.succeed,
      onNone: () => Effect.map(Clock.currentTimeMillis, (now) => reportDirName(strategy.name, now))
    })
    const written = yield* writeReport(result, dataSet, dir)
    const path = yield* Path.Path
    yield* Console.log(`report: ${path.join(written.dir, "report.html")}`)
  })

export const backtestCommand = Command.make("backtest", options, runBacktestCommand).pipe(
  Command.withDescription("Backtest a strategy on replayed daily history with KRX costs and fill rules")
)
