// Runs a registered strategy end to end the way `npm run backtest` does: load a history folder, replay it on the
// simulated exchange with the default realism switches, return the BacktestResult.
import { NodeContext } from "@effect/platform-node"
import { Effect, Either, Schema } from "effect"
import type { BacktestResult } from "../../src/backtest/BacktestResult.js"
import { loadDataSet } from "../../src/backtest/data/load.js"
import { DEFAULT_SWITCHES, simSettingsOf } from "../../src/backtest/options.js"
import { runBacktest } from "../../src/backtest/runBacktest.js"
import { KRX_CALENDAR } from "../../src/domain/krx/calendar.js"
import type { Won } from "../../src/domain/Money.js"
import type { TradeDate } from "../../src/domain/Time.js"
import type { AnyStrategy } from "../../src/strategy/Strategy.js"

export const runStrategyOn = (
  dir: string,
  strategy: AnyStrategy,
  rawParams: Readonly<Record<string, string>> = {},
  range: { readonly from?: TradeDate; readonly to?: TradeDate; readonly loadTo?: TradeDate } = {}
): Promise<BacktestResult> =>
  Effect.gen(function* () {
    const params = Schema.decodeUnknownSync(strategy.params)(rawParams)
    const sim = Either.getOrThrow(simSettingsOf(DEFAULT_SWITCHES, KRX_CALENDAR))
    const loadTo = range.loadTo ?? range.to
    const dataSet = yield* loadDataSet(dir, loadTo === undefined ? {} : { to: loadTo })
    return yield* runBacktest(dataSet, {
      strategy,
      params,
      from: range.from,
      to: range.to,
      initialCash: 100_000_000 as Won,
      sim,
      riskLimits: undefined,
      calendar: KRX_CALENDAR,
      assumptions: {}
    })
  }).pipe(Effect.provide(NodeContext.layer), Effect.runPromise)
