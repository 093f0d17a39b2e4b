// Runs the MarketData contract against the replayed data of backtests and KisMarketData over the fake KIS server
// and over kis-sim.
import { Effect, Layer } from "effect"
import { indexDataSet } from "../../src/backtest/asOfView.js"
import { Replay } from "../../src/backtest/replay.js"
import { SimExchangeRef, SimMarketDataLive } from "../../src/backtest/SimBroker.js"
import { SimExchange } from "../../src/backtest/SimExchange.js"
import { KRX_COSTS } from "../../src/domain/krx/costs.js"
import { type Ticker, ticker, type Won } from "../../src/domain/Money.js"
import { tradeDate } from "../../src/domain/Time.js"
import { KisMarketDataLive } from "../../src/kis/adapters/KisMarketData.js"
import { dataSetOf, randomBars, simSettings, tradingDays } from "../backtest/fixtures.js"
import { FAKE_TICKER, FAKE_UNLISTED, fakeKisClient, startFakeKis } from "../kis/adapters/support/fakeKis.js"
import { dashed, fixedMarketClock } from "../kis/adapters/support/fixedClock.js"
import { startContractKisSim } from "./kisSim.js"
import { ContractData, marketDataContract } from "./marketDataContract.js"

const simSubject = () =>
  Layer.unwrapEffect(Effect.sync(() => {
    const dates = tradingDays(60)
    const code = ticker("100000")
    const replay = new Replay(indexDataSet(dataSetOf([randomBars(code, dates, 5)])), tradeDate(dates[0]!), tradeDate(dates[dates.length - 1]!))
    for (let i = 0; i < 40; i++) replay.advance()
    const exchange = new SimExchange(replay, simSettings(KRX_COSTS), 1_000_000 as Won)
    return Layer.merge(
      SimMarketDataLive.pipe(Layer.provide(Layer.succeed(SimExchangeRef, exchange))),
      Layer.succeed(ContractData, { ticker: code, unlisted: ticker("999999"), today: replay.today, from: tradeDate(dates[5]!) })
    )
  }))

const kisSubject = () =>
  Layer.unwrapScoped(Effect.gen(function* () {
    const fake = yield* startFakeKis()
    const client = yield* fakeKisClient(fake)
    const bars = fake.symbols[FAKE_TICKER]!.bars
    const today = dashed(bars[bars.length - 10]!.date) // the clock is behind the server's last bar: no bar past it
    return Layer.merge(
      KisMarketDataLive.pipe(Layer.provide(Layer.merge(client, fixedMarketClock(today)))),
      Layer.succeed(ContractData, { ticker: FAKE_TICKER as Ticker, unlisted: FAKE_UNLISTED as Ticker, today, from: dashed(bars[30]!.date) })
    )
  }))

const kisSimSubject = () =>
  Layer.unwrapScoped(Effect.map(startContractKisSim, ({ client, clock, code, day, dates }) =>
    Layer.merge(
      KisMarketDataLive.pipe(Layer.provide(Layer.merge(client, clock))),
      Layer.succeed(ContractData, { ticker: code, unlisted: ticker("999999"), today: day, from: tradeDate(dates[5]!) })
    )))

marketDataContract("replayed data (backtest)", simSubject)
marketDataContract("KisMarketData over a fake KIS server", kisSubject)
marketDataContract("KisMarketData over kis-sim", kisSimSubject)
