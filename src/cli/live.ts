// `live <strategy> --env sim|mock|real`: paper or real-money trading of one strategy through the TradingEngine.
// Prints the account (masked), limits and strategy before trading; real money needs --confirm-real-money.
import { Args, Command, Options } from "@effect/cli"
import { NodeContext, NodeHttpClient } from "@effect/platform-node"
import { ConfigProvider, Console, Effect, Either, FiberRef, HashMap, HashSet, Layer, Logger, Option, Redacted, Schema } from "effect"
import { STRATEGIES, strategyNames } from "../../strategies/index.js"
import { loadDataSet } from "../backtest/data/load.js"
import { KRX_CALENDAR } from "../domain/krx/calendar.js"
import { KRX_COSTS } from "../domain/krx/costs.js"
import { makeTicker, type Ticker } from "../domain/Money.js"
import { KisBrokerLive } from "../kis/adapters/KisBroker.js"
import { KisMarketDataLive } from "../kis/adapters/KisMarketData.js"
import { KisClient, RedactKisHeaders } from "../kis/KisClient.js"
import { KisConfig, type KisEnv, type KisSettings, loadKisConfig } from "../kis/KisConfig.js"
import { makeRealtimeClient } from "../kis/realtime/RealtimeClient.js"
import { KisSimMarketClockLive, WallMarketClockLive } from "../live/clocks.js"
import { engineFillNotices } from "../live/kisNotices.js"
import { describeRecovery, formatStatus } from "../live/statusReport.js"
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings, makeTradingEngine } from "../live/TradingEngine.js"
import { defaultStatePath, FileStoreLive } from "../persistence/FileStore.js"
import { DEFAULT_RISK_LIMITS } from "../risk/RiskLimits.js"
import { MarketClock } from "../services/MarketClock.js"
import { UsageError } from "./UsageError.js"

const options = {
  strategy: Args.text({ name: "strategy" }).pipe(Args.withDescription(`one of: ${strategyNames().join(", ")}`)),
  env: Options.choice("env", ["sim", "mock", "real"]).pipe(Options.withDefault("sim" as const), Options.withDescription("sim: local kis-sim; mock: KIS mock account; real: real money")),
  once: Options.boolean("once").pipe(Options.withDescription("recover, reconcile, run one decision step and one price check, then stop")),
  dryRun: Options.boolean("dry-run").pipe(Options.withDescription("decide and log orders, send none")),
  state: Options.text("state").pipe(Options.optional, Options.withDescription("state file (default ~/.stock-manager/<env>/state.json)")),
  jsonLogs: Options.boolean("json-logs").pipe(Options.withDescription("one JSON object per log line")),
  confirmRealMoney: Options.boolean("confirm-real-money").pipe(Options.withDescription("required with --env real")),
  symbols: Options.text("symbols").pipe(Options.optional, Options.withDescription("comma-separated codes the strategy decides over (default: its own universe; on --env sim without one, every symbol kis-sim serves from data/)")),
  params: Options.keyValueMap("params").pipe(Options.optional, Options.withDescription("strategy parameters, k=v")),
  decisionTime: Options.text("decision-time").pipe(Options.withDefault("08:45"), Options.withDescription("KST time HH:MM of the daily decision on the previous close"))
}

type LiveArgs = Command.Command.ParseConfig<typeof options>

const usage = (message: string) => new UsageError({ message })

/** `12345678` → `****5678`: enough to recognise the account, not enough to use it. */
export const maskAccount = (settings: KisSettings): string => {
  const digits = Redacted.value(settings.accountNumber)
  return `${"*".repeat(Math.max(0, digits.length - 4))}${digits.slice(-4)}-${settings.accountProductCode}`
}

/** kis-sim's data folder when started without `--data` (relative to the working folder, as kis-sim reads it). */
const SIM_DEFAULT_DATA_DIR = "data"

const parseSymbols = (text: string) =>
  Effect.forEach(text.split(",").map((s) => s.trim()).filter((s) => s !== ""), (code) =>
    Either.match(makeTicker(code), {
      onLeft: () => Effect.fail(usage(`unknown symbol ${JSON.stringify(code)}: expected a 6-character KRX code like 005930`)),
      onRight: Effect.succeed
    }))

/** Every symbol kis-sim serves by default, read with the loader kis-sim itself replays them with. */
const simDefaultUniverse = (strategyName: string) =>
  loadDataSet(SIM_DEFAULT_DATA_DIR).pipe(
    Effect.map((data) => data.symbols.map((s) => s.ticker)),
    Effect.mapError((e) => usage(`${strategyName} has no fixed universe and kis-sim's default data cannot be read (${e.message}): name the symbols with --symbols`)),
    Effect.tap((universe) =>
      Effect.logInfo(`no --symbols and ${strategyName} has no fixed universe: trading the ${universe.length} symbols kis-sim serves by default (${SIM_DEFAULT_DATA_DIR}/, ${universe[0]} … ${universe.at(-1)})`))
  )

/**
 * The symbols to trade: `--symbols`, else the strategy's own universe, else on kis-sim every symbol it serves by
 * default. A mock or real account never trades an implicit list.
 */
const resolveUniverse = (env: KisEnv, symbols: Option.Option<string>, strategyName: string, fromStrategy: ReadonlyArray<Ticker> | undefined) =>
  Option.match(symbols, {
    onSome: parseSymbols,
    onNone: () =>
      fromStrategy !== undefined && fromStrategy.length > 0
        ? Effect.succeed(fromStrategy)
        : env === "sim"
          ? simDefaultUniverse(strategyName)
          : Effect.fail(usage("this strategy has no fixed universe: name the symbols with --symbols 005930,000660"))
  })

const BANNER_SYMBOLS = 10

/** The universe as the start-up banner shows it: every code of a short list, the first ten and a count of a long one. */
const describeUniverse = (universe: ReadonlyArray<Ticker>): string =>
  universe.length <= BANNER_SYMBOLS
    ? universe.join(", ")
    : `${universe.slice(0, BANNER_SYMBOLS).join(", ")} … ${universe.at(-1)} (${universe.length} symbols)`

/** The market ports of an environment: KIS adapters, and kis-sim's own clock on `sim`. */
const marketLayer = (settings: KisSettings) => {
  const http = NodeHttpClient.layerUndici
  const clock = settings.env === "sim" ? KisSimMarketClockLive(settings.baseUrl, KRX_CALENDAR).pipe(Layer.provide(http)) : WallMarketClockLive(KRX_CALENDAR)
  const client = KisClient.Default.pipe(Layer.provide(Layer.succeed(KisConfig, settings)))
  return Layer.mergeAll(KisBrokerLive, KisMarketDataLive, clock).pipe(Layer.provideMerge(client), Layer.provideMerge(clock), Layer.provide(RedactKisHeaders))
}

/** Realtime fill notices when the HTS id is known (KIS_HTS_ID); without it the reconciler's polling books every fill. */
const noticesOf = (kis: KisSettings) =>
  Option.match(kis.htsId, {
    onNone: () => Effect.as(Effect.logInfo("KIS_HTS_ID not set: fills are booked by polling only"), undefined),
    onSome: (htsId) =>
      Effect.gen(function* () {
        const client = yield* KisClient
        const realtime = yield* makeRealtimeClient({
          url: kis.wsUrl,
          approvalKey: Effect.map(client.approvalKey, Redacted.value),
          htsId,
          noticeTrId: kis.env === "mock" ? "H0STCNI9" : "H0STCNI0"
        })
        return engineFillNotices(realtime, yield* MarketClock)
      })
  })

const run = (args: LiveArgs) =>
  Effect.gen(function* () {
    const strategy = STRATEGIES.get(args.strategy)
    if (strategy === undefined) return yield* usage(`unknown strategy ${JSON.stringify(args.strategy)}: one of ${strategyNames().join(", ")}`)
    if (args.env === "real" && !args.confirmRealMoney) {
      return yield* usage("--env real trades real money: add --confirm-real-money to proceed")
    }
    if (!/^\d{2}:\d{2}$/.test(args.decisionTime)) return yield* usage(`--decision-time ${JSON.stringify(args.decisionTime)}: expected HH:MM`)
    const rawParams = Object.fromEntries(Option.match(args.params, { onNone: () => [], onSome: (m) => [...HashMap.entries(m)] }))
    const params = yield* Schema.decodeUnknown(strategy.params)(rawParams).pipe(
      Effect.mapError((e) => usage(`bad --params for ${strategy.name}: ${e.message.replaceAll("\n", " ")}`))
    )
    const universe = yield* resolveUniverse(args.env, args.symbols, strategy.name, strategy.universe?.(params))
    const kis = yield* loadKisConfig().pipe(
      Effect.withConfigProvider(ConfigProvider.orElse(ConfigProvider.fromMap(new Map([["KIS_ENV", args.env]])), () => ConfigProvider.fromEnv())),
      Effect.mapError((e) => usage(e.message))
    )
    const statePath = Option.getOrElse(args.state, () => defaultStatePath(args.env))
    const limits = DEFAULT_RISK_LIMITS
    yield* Console.log([
      `stock-manager live — ${args.env === "real" ? "REAL MONEY" : args.env === "mock" ? "KIS mock account" : "kis-sim paper trading"}${args.dryRun ? " (dry run: no orders sent)" : ""}`,
      `  account   ${maskAccount(kis)} at ${kis.baseUrl}`,
      `  strategy  ${strategy.name} ${JSON.stringify(params)} on ${describeUniverse(universe)}; decides at ${args.decisionTime} KST on the previous close`,
      `  limits    position ≤ ${limits.maxPositionPct} %, exposure ≤ ${limits.maxExposurePct} %, ≤ ${limits.maxOrdersPerMinute} orders/min, daily loss ≤ ${limits.dailyLossLimitPct} %`,
      `  state     ${statePath}`
    ].join("\n"))
    const settings: EngineSettings = {
      ...DEFAULT_ENGINE_SETTINGS,
      strategy,
      params,
      universe,
      riskLimits: limits,
      costs: KRX_COSTS,
      calendar: KRX_CALENDAR,
      decisionTime: args.decisionTime.replace(":", "") + "00",
      dryRun: args.dryRun
    }
    const services = Layer.mergeAll(marketLayer(kis), FileStoreLive(statePath).pipe(Layer.provide(NodeContext.layer)))
    yield* Effect.scoped(Effect.gen(function* () {
      const fillNotices = yield* noticesOf(kis)
      const engine = yield* makeTradingEngine({ ...settings, fillNotices })
      const report = yield* engine.start
      yield* Console.log(describeRecovery(report))
      if (report._tag === "FAILED") return yield* Effect.fail(new Error(`recovery failed, not trading: ${report.reason}`))
      if (args.once) {
        const decision = yield* engine.decideIfDue
        yield* Console.log(decision._tag === "NotDue" ? `no decision: ${decision.why}` : `decided on ${decision.asOf}: ${decision.results.map((r) => `${r.id} ${r._tag}`).join("; ") || "no orders"}`)
        yield* engine.monitorOnce
        yield* engine.stop
        yield* Console.log(formatStatus(yield* engine.snapshot))
        return
      }
      yield* Effect.never // SIGINT/SIGTERM interrupt this; closing the scope stops the engine and saves state
    })).pipe(Effect.provide(services))
  }).pipe(
    // exactly one logger: JSON lines for log collectors, logfmt otherwise (the runtime's own pretty logger is dropped)
    Effect.locally(FiberRef.currentLoggers, HashSet.make(Logger.withConsoleLog(args.jsonLogs ? Logger.jsonLogger : Logger.logfmtLogger)))
  )

export const liveCommand = Command.make("live", options, run).pipe(
  Command.withDescription("trade a strategy live: paper on kis-sim, a KIS mock account, or real money")
)
