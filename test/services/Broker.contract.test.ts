// Runs the Broker contract against every adapter: the backtest's SimBroker over a replayed random walk, KisBroker
// over the fake KIS server (paged inquiries, two rows a page, so every inquiry crosses pages) and over kis-sim.
import { Effect, Layer } from "effect"
import { indexDataSet } from "../../src/backtest/asOfView.js"
import { Replay } from "../../src/backtest/replay.js"
import { SimBrokerLive, SimExchangeRef } from "../../src/backtest/SimBroker.js"
import { SimExchange } from "../../src/backtest/SimExchange.js"
import { KRX_COSTS } from "../../src/domain/krx/costs.js"
import { type Ticker, ticker, type Won } from "../../src/domain/Money.js"
import { ordinaryStock } from "../../src/domain/Market.js"
import { roundToTick } from "../../src/domain/krx/tick.js"
import { type Instant, kstDateOf, tradeDate } from "../../src/domain/Time.js"
import { KisBrokerLive } from "../../src/kis/adapters/KisBroker.js"
import { dataSetOf, randomBars, simSettings, tradingDays } from "../backtest/fixtures.js"
import { FAKE_TICKER, FAKE_UNLISTED, fakeKisClient, startFakeKis } from "../kis/adapters/support/fakeKis.js"
import { dashed, fixedMarketClock } from "../kis/adapters/support/fixedClock.js"
import { brokerContract, ContractMarket } from "./brokerContract.js"
import { KIS_SIM_CASH, startContractKisSim } from "./kisSim.js"

const SIM_TICKER = ticker("100000")

const simSubject = () =>
  Layer.unwrapEffect(Effect.sync(() => {
    const dates = tradingDays(20)
    const columns = randomBars(SIM_TICKER, dates, 11)
    const replay = new Replay(indexDataSet(dataSetOf([columns])), tradeDate(dates[0]!), tradeDate(dates[dates.length - 1]!))
    replay.advance()
    const exchange = new SimExchange(replay, simSettings(KRX_COSTS), 10_000_000 as Won)
    exchange.openDay()
    const lowest = Math.min(...columns.low)
    return Layer.merge(
      SimBrokerLive.pipe(Layer.provide(Layer.succeed(SimExchangeRef, exchange))),
      Layer.succeed(ContractMarket, {
        today: Effect.sync(() => replay.today),
        ticker: SIM_TICKER,
        unlisted: ticker("999999"),
        restingBuyPrice: (Math.floor(lowest / 200) * 100) as Won,
        initialCash: 10_000_000 as Won,
        settle: Effect.sync(() => {
          exchange.matchDay()
          if (replay.advance()) exchange.openDay()
        })
      })
    )
  }))

const kisSubject = () =>
  Layer.unwrapScoped(Effect.gen(function* () {
    const fake = yield* startFakeKis({ pageSize: 2 })
    const client = yield* fakeKisClient(fake)
    const today = dashed(fake.today)
    return Layer.merge(
      KisBrokerLive.pipe(Layer.provide(Layer.merge(client, fixedMarketClock(today)))),
      Layer.succeed(ContractMarket, {
        today: Effect.succeed(today),
        ticker: FAKE_TICKER as Ticker,
        unlisted: FAKE_UNLISTED as Ticker,
        restingBuyPrice: 60_000 as Won,
        initialCash: fake.cash as Won,
        settle: Effect.sync(fake.settle)
      })
    )
  }))

brokerContract("SimBroker", simSubject)
brokerContract("KisBroker over a fake KIS server", kisSubject)

/** KisBroker over kis-sim on loopback; settling moves its market clock on by half an hour. */
const kisSimSubject = () =>
  Layer.unwrapScoped(Effect.map(startContractKisSim, ({ sim, client, clock, code, dataSet, day }) =>
    Layer.merge(
      KisBrokerLive.pipe(Layer.provide(Layer.merge(client, clock))),
      Layer.succeed(ContractMarket, {
        today: Effect.sync(() => kstDateOf(sim.exchange.now)),
        ticker: code,
        unlisted: ticker("999999"),
        restingBuyPrice: roundToTick(dataSet.bars.get(code)!.close[29]! * 0.75, ordinaryStock("KOSPI"), day),
        initialCash: KIS_SIM_CASH as Won,
        settle: Effect.sync(() => sim.exchange.advanceTo((sim.exchange.now + 30 * 60_000) as Instant))
      })
    )))

brokerContract("KisBroker over kis-sim", kisSimSubject)
